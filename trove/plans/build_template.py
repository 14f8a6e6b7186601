"""Build the Word template of a plan into ``templates_docx/plan.docx`` with python-docx, in the layout of Decree
30/2020/NĐ-CP (Appendix I), with the helpers the official documents use (``trove.documents.build_templates``).

    .venv/bin/python -m trove.plans.build_template

The tags are docxtpl's; the keys are those of ``trove.plans.document.plan_context``.
"""

from __future__ import annotations

from pathlib import Path

from trove.documents.build_templates import (
    CENTER,
    LEFT,
    header,
    new_document,
    paragraph,
    run,
    section_heading,
    tag,
    title,
    two_columns,
)

OUT = Path(__file__).resolve().parent / "templates_docx" / "plan.docx"


def bullets(document, items: str) -> None:
    tag(document, f"{{%p for line in {items} %}}")
    paragraph(document, "- {{ line }}", indent=True)
    tag(document, "{%p endfor %}")


def plan_document():
    document = new_document()
    header(document, number_line="Số: {{ number }}")
    tag(document, "{%p if draft %}")
    paragraph(document, "DỰ THẢO", bold=True, size=13, align=CENTER, after=0)
    tag(document, "{%p endif %}")
    title(document, "KẾ HOẠCH", "{{ title }}")
    tag(document, "{%p for line in basis %}")
    paragraph(document, "{{ line }}", indent=True)
    tag(document, "{%p endfor %}")
    tag(document, "{%p if introduction %}")
    paragraph(document, "{{ introduction }}", indent=True)
    tag(document, "{%p endif %}")

    section_heading(document, "I. MỤC TIÊU VÀ CHỈ TIÊU")
    section_heading(document, "1. Mục tiêu")
    bullets(document, "goals")
    section_heading(document, "2. Các chỉ tiêu cụ thể")
    bullets(document, "targets")

    section_heading(document, "II. NỘI DUNG THỰC HIỆN")
    tag(document, "{%p for item in items %}")
    section_heading(document, "{{ item.number }}. {{ item.title }}")
    paragraph(document, "{{ item.number }}.1. Hoạt động chính", italic=True, indent=True)
    bullets(document, "item.activities")
    paragraph(document, "{{ item.number }}.2. Cơ quan thực hiện", italic=True, indent=True)
    paragraph(document, "- Cơ quan chủ trì: {{ item.lead }}.", indent=True)
    tag(document, "{%p if item.partners %}")
    paragraph(document, "- Cơ quan phối hợp: {{ item.partners }}.", indent=True)
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")

    section_heading(document, "III. GIẢI PHÁP THỰC HIỆN")
    tag(document, "{%p for solution in solutions %}")
    paragraph(document, "{{ solution.number }}. {{ solution.text }}", indent=True)
    tag(document, "{%p endfor %}")

    section_heading(document, "IV. TỔ CHỨC THỰC HIỆN")
    tag(document, "{%p for duty in duties %}")
    tag(document, "{%p if duty.tasks|length == 1 %}")
    paragraph(document, "{{ duty.number }}. {{ duty.heading }}: {{ duty.tasks[0] }}", indent=True)
    tag(document, "{%p else %}")
    section_heading(document, "{{ duty.number }}. {{ duty.heading }}")
    bullets(document, "duty.tasks")
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p if report_clause %}")
    paragraph(document, "{{ report_clause }}", indent=True)
    tag(document, "{%p endif %}")

    paragraph(document, "", after=0)
    left, right = two_columns(document)
    p = paragraph(left, "", align=LEFT, after=0)
    run(p, "Nơi nhận:", bold=True, italic=True, size=12)
    tag(left, "{%p for line in recipients %}")
    paragraph(left, "- {{ line }}", size=11, align=LEFT, after=0)
    tag(left, "{%p endfor %}")
    tag(right, "{%p for line in signer.positions %}")
    paragraph(right, "{{ line }}", bold=True, size=14, align=CENTER, after=0)
    tag(right, "{%p endfor %}")
    for _blank in range(4):
        paragraph(right, "", after=0)
    paragraph(right, "{{ signer.name }}", bold=True, size=14, align=CENTER, after=0)
    return document


def build(out: Path = OUT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    plan_document().save(out)
    return out


if __name__ == "__main__":
    print(build())
