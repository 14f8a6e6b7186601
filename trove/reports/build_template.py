"""Build the shipped Word template of the period review (báo cáo sơ kết / tổng kết) into ``templates_docx/``.

    .venv/bin/python -m trove.reports.build_template

It uses the layout helpers of ``trove.documents.build_templates`` (Decree 30/2020/NĐ-CP, Appendix I) and the tags of
docxtpl: ``{{ … }}`` for a value, ``{%p … %}`` alone in a paragraph for a loop or a condition, ``{%tr … %}`` alone in
a table row for a row loop. The keys are those of ``review.context``.
"""

from __future__ import annotations

from pathlib import Path

from docx.shared import Pt

from trove.documents.build_templates import (
    CENTER,
    LEFT,
    footer,
    header,
    new_document,
    paragraph,
    section_heading,
    tag,
    title,
)

OUT = Path(__file__).resolve().parent / "templates_docx" / "period_review.docx"
COLUMNS = ["label", "total", "female", "male", "other", "under_16", "age_16_17", "adult", "age_unknown"]
HEADINGS = ["Chỉ tiêu", "Tổng số", "Nữ", "Nam", "Khác/không rõ", "Dưới 16", "16–17", "Từ 18", "Không rõ tuổi"]


def _cell_text(cell, text: str, *, bold=False, size=11, align=CENTER) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    r = p.add_run(text)
    r.bold = bold or None
    r.font.size = Pt(size)


def figures_table(document) -> None:
    table = document.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, HEADINGS, strict=True):
        _cell_text(cell, heading, bold=True)
    _cell_text(table.rows[1].cells[0], "{%tr for row in rows %}", align=LEFT)
    for cell, key in zip(table.rows[2].cells, COLUMNS, strict=True):
        _cell_text(cell, f"{{{{ row.{key} }}}}", align=LEFT if key == "label" else CENTER)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", align=LEFT)


def period_review():
    document = new_document()
    header(document, number_line="Số: {{ number }}/BC-{{ body_abbr }}")
    title(document, "BÁO CÁO", "{{ subject }}")
    paragraph(document, "{{ issuing_body_name }} báo cáo kết quả công tác tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn "
                        "nhân bị mua bán {{ period_phrase }} trên địa bàn {{ place_name }} ({{ units_phrase }}) như "
                        "sau:", indent=True)
    section_heading(document, "I. TÌNH HÌNH CHUNG")
    paragraph(document, "{{ dots }}", indent=True)
    section_heading(document, "II. KẾT QUẢ THỰC HIỆN")
    section_heading(document, "1. Công tác tiếp nhận")
    paragraph(document, "Trong kỳ đã tiếp nhận {{ f.received }} người; trong đó từ nước ngoài trở về {{ f.abroad }} "
                        "người (trao trả chính thức {{ f.handover_official }}, tự trở về {{ f.returned_self }}, trở "
                        "về qua cơ quan đại diện Việt Nam ở nước ngoài {{ f.returned_mission }}); được giải cứu, tự "
                        "trình báo trong nước {{ f.domestic }} người (được giải cứu {{ f.rescued_domestic }}, tự đến "
                        "trình báo {{ f.self_reported }}); qua các kênh khác {{ f.other }} người.", indent=True)
    section_heading(document, "2. Công tác xác minh, xác định nạn nhân")
    paragraph(document, "Đã xác định {{ f.victims }} người là nạn nhân bị mua bán và {{ f.not_victims }} người không "
                        "phải là nạn nhân; {{ f.being_identified }} người đang trong quá trình xác định.",
              indent=True)
    section_heading(document, "3. Người nghi là nạn nhân, người chưa được giải cứu")
    paragraph(document, "Có {{ f.suspected }} người nghi là nạn nhân bị mua bán ({{ suspected_channels }}); còn "
                        "{{ f.missing }} người chưa được giải cứu.", indent=True)
    tag(document, "{%p if other_lines %}")
    section_heading(document, "4. Các kết quả khác")
    tag(document, "{%p endif %}")
    tag(document, "{%p for line in other_lines %}")
    paragraph(document, "- {{ line }}", indent=True)
    tag(document, "{%p endfor %}")
    paragraph(document, "Số liệu chi tiết theo giới tính và nhóm tuổi:", italic=True, indent=True)
    figures_table(document)
    tag(document, "{%p for note in notes %}")
    paragraph(document, "{{ note }}", italic=True, size=11, indent=True)
    tag(document, "{%p endfor %}")
    section_heading(document, "III. ĐÁNH GIÁ CHUNG")
    paragraph(document, "1. Ưu điểm: {{ dots }}", indent=True)
    paragraph(document, "2. Hạn chế, nguyên nhân: {{ dots }}", indent=True)
    section_heading(document, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ {{ next_phrase }}")
    paragraph(document, "{{ dots }}", indent=True)
    section_heading(document, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    paragraph(document, "{{ dots }}", indent=True)
    footer(document)
    return document


def build(path: Path = OUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    period_review().save(path)
    return path


if __name__ == "__main__":
    print(build())
