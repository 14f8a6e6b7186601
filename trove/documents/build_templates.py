"""Build the shipped Word templates into ``templates_docx/`` with python-docx.

    .venv/bin/python -m trove.documents.build_templates

The layout follows Decree 30/2020/NĐ-CP on administrative documents (công tác văn thư), Appendix I:
- A4 paper; margins top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm (here 20, 20, 30, 15);
- Times New Roman, body 14 pt (13–14), at least single line spacing and 6 pt between paragraphs;
- top left: the superior body (upper case) and the issuing body (upper case, bold) with a short line under it, then
  the number ("Số: …/BB-UBND"); top right: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (upper case,
  bold, 12–13 pt) and the motto "Độc lập - Tự do - Hạnh phúc" (bold, 13–14 pt) with a line under it as long as the
  motto, then the place and date in italics;
- the document's title centred, bold, upper case; the body justified with an indented first line;
- bottom left "Nơi nhận:" (bold italic 12 pt) and the recipients (11 pt); bottom right the signer's position (upper
  case, bold), "(Ký, ghi rõ họ tên, đóng dấu)" and the signer's name (bold).
The tags are docxtpl's (Jinja): ``{{ … }}`` for a value, ``{%p … %}`` alone in a paragraph for a loop or condition.
The keys are documented in ``contexts.py``. Administrators who change a template start from these files.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

OUT_DIR = Path(__file__).resolve().parent / "templates_docx"
FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 15)
LEFT_COLUMN = Mm(68)
RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def new_document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    # Word picks the font for Vietnamese letters from the East Asian and complex-script slots too.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    document.core_properties.title = ""
    document.core_properties.author = "Trở Về"
    return document


def paragraph(container, text: str = "", *, bold=False, italic=False, size=None, align=JUSTIFY, indent=False,
              underline=False, after=None):
    p = container.add_paragraph()
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.27)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if text:
        run(p, text, bold=bold, italic=italic, size=size, underline=underline)
    return p


def run(p, text: str, *, bold=False, italic=False, size=None, underline=False):
    r = p.add_run(text)
    r.bold, r.italic, r.underline = bold or None, italic or None, underline or None
    if size:
        r.font.size = Pt(size)
    return r


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag (``{%p for … %}``); docxtpl removes it when rendering."""
    return paragraph(container, text, align=LEFT, after=0)


def line_under(p, *, width_mm: float, column_mm: float) -> None:
    """A line under the paragraph, ``width_mm`` long and centred: a bottom border with both sides indented."""
    side = Mm(max(0.0, (column_mm - width_mm) / 2))
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange",
    )


def two_columns(document):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = LEFT_COLUMN, RIGHT_COLUMN
    for cell in (left, right):
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)  # start empty; paragraphs are added
    return left, right


def header(document, *, number_line: str, subject_line: str = "") -> None:
    """Issuing body and number (left); national title, motto, place and date (right)."""
    left, right = two_columns(document)
    tag(left, "{%p if issuing_parent %}")
    paragraph(left, "{{ issuing_parent }}", size=13, align=CENTER, after=0)
    tag(left, "{%p endif %}")
    body = paragraph(left, "{{ issuing_body }}", bold=True, size=13, align=CENTER, after=6)
    line_under(body, width_mm=25, column_mm=68)
    paragraph(left, number_line, size=13, align=CENTER, after=0)
    if subject_line:
        paragraph(left, subject_line, size=12, align=CENTER, after=0)
    paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=CENTER, after=0)
    motto = paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=CENTER, after=6)
    line_under(motto, width_mm=62, column_mm=97)
    paragraph(right, "{{ place }}, {{ date_line }}", italic=True, size=14, align=CENTER, after=0)
    paragraph(document, "", after=0)


def title(document, text: str, subtitle: str = "") -> None:
    paragraph(document, text, bold=True, size=14, align=CENTER, after=0)
    if subtitle:
        paragraph(document, subtitle, bold=True, size=14, align=CENTER, after=6)
    paragraph(document, "", after=0)


def legal_basis(document) -> None:
    tag(document, "{%p for line in legal_basis %}")
    paragraph(document, "{{ line }}", italic=True, indent=True)
    tag(document, "{%p endfor %}")


def section_heading(document, text: str) -> None:
    paragraph(document, text, bold=True, indent=True)


def listing(document, items: str, item: str, empty: str) -> None:
    tag(document, f"{{%p for item in {items} %}}")
    paragraph(document, item, indent=True)
    tag(document, "{%p endfor %}")
    tag(document, f"{{%p if not {items} %}}")
    paragraph(document, empty, indent=True)
    tag(document, "{%p endif %}")


def signature(cell, position: str, note: str, name: str) -> None:
    paragraph(cell, position, bold=True, size=14, align=CENTER, after=0)
    paragraph(cell, note, italic=True, size=13, align=CENTER, after=0)
    for _ in range(4):
        paragraph(cell, "", after=0)
    paragraph(cell, name, bold=True, size=14, align=CENTER, after=0)


def footer(document) -> None:
    """Recipients (left) and the signature block (right)."""
    paragraph(document, "", after=0)
    left, right = two_columns(document)
    p = paragraph(left, "", align=LEFT, after=0)
    run(p, "Nơi nhận:", bold=True, italic=True, size=12)
    tag(left, "{%p for line in recipients %}")
    paragraph(left, "- {{ line }}", size=11, align=LEFT, after=0)
    tag(left, "{%p endfor %}")
    signature(right, "{{ signer.position }}", "(Ký, ghi rõ họ tên, đóng dấu)", "{{ signer.name }}")


def person_block(document) -> None:
    paragraph(document, "Họ và tên: {{ person.full_name }}. Giới tính: {{ person.sex }}.", indent=True)
    paragraph(document, "Ngày, tháng, năm sinh: {{ person.birth }}. Dân tộc: {{ person.ethnicity }}. "
                        "Quốc tịch: {{ person.nationality }}.", indent=True)
    paragraph(document, "Giấy tờ tùy thân: {{ person.id_papers }}.", indent=True)
    paragraph(document, "Nơi cư trú: {{ person.home_address }}.", indent=True)


def intake_record():
    document = new_document()
    header(document, number_line="Số: {{ number }}/BB-{{ body_abbr }}")
    title(document, "{{ title }}", "{{ subject_title }}")
    legal_basis(document)
    paragraph(document, "Hồi {{ received_time }}, {{ received_date }}, tại {{ intake_place }} ({{ intake_unit }}), "
                        "{{ issuing_body_name }} tiến hành tiếp nhận {{ subject }} như sau:", indent=True)
    section_heading(document, "I. NGƯỜI ĐƯỢC TIẾP NHẬN")
    person_block(document)
    paragraph(document, "Mã hồ sơ: {{ case_code }}.", indent=True)
    section_heading(document, "II. HÌNH THỨC TIẾP NHẬN")
    paragraph(document, "Hình thức: {{ channel }}.", indent=True)
    tag(document, "{%p if country %}")
    paragraph(document, "Trở về từ: {{ country }}.", indent=True)
    tag(document, "{%p endif %}")
    tag(document, "{%p if source_reference %}")
    paragraph(document, "Cơ quan chuyển đến hoặc số cuộc gọi: {{ source_reference }}.", indent=True)
    tag(document, "{%p endif %}")
    paragraph(document, "Người tiếp nhận: {{ receiving_officer }}.", indent=True)
    section_heading(document, "III. GIẤY TỜ, TÀI LIỆU KÈM THEO")
    listing(document, "documents", "{{ loop.index }}. {{ item }}.", "Không có.")
    section_heading(document, "IV. TRẺ EM ĐI CÙNG")
    listing(document, "children", "{{ loop.index }}. {{ item }}.", "Không có.")
    section_heading(document, "V. NHU CẦU TRƯỚC MẮT VÀ HỖ TRỢ BAN ĐẦU")
    paragraph(document, "Nhu cầu trước mắt: {{ immediate_needs }}.", indent=True)
    paragraph(document, "Hỗ trợ ban đầu đã thực hiện: {{ first_support }}.", indent=True)
    paragraph(document, "Ý kiến của người được tiếp nhận về việc xử lý dữ liệu cá nhân: {{ consent }}.", indent=True)
    paragraph(document, "Biên bản được lập thành 02 bản có giá trị như nhau, đã đọc lại cho những người có tên trên "
                        "cùng nghe, công nhận đúng và ký tên dưới đây./.", indent=True)
    paragraph(document, "", after=0)
    left, right = two_columns(document)
    signature(left, "NGƯỜI ĐƯỢC TIẾP NHẬN", "(Ký, ghi rõ họ tên)", "")
    signature(right, "NGƯỜI LẬP BIÊN BẢN", "(Ký, ghi rõ họ tên)", "{{ receiving_officer }}")
    footer(document)
    return document


def verification_request():
    document = new_document()
    header(document, number_line="Số: {{ number }}/{{ body_abbr }}", subject_line="{{ subject_line }}")
    paragraph(document, "Kính gửi: {{ to_agency }}.", size=14, align=CENTER)
    legal_basis(document)
    paragraph(document, "Vào {{ received_date }}, {{ issuing_body_name }} đã tiếp nhận {{ subject }} (mã hồ sơ "
                        "{{ case_code }}), hình thức tiếp nhận: {{ channel }}. Thông tin về người được tiếp nhận:",
              indent=True)
    person_block(document)
    paragraph(document, "Để có căn cứ xác định nạn nhân theo quy định, {{ issuing_body_name }} đề nghị "
                        "{{ to_agency }} xác minh nội dung sau: {{ request_kind }} (số tham chiếu {{ request_ref }}).",
              indent=True)
    tag(document, "{%p if due_date %}")
    paragraph(document, "Kết quả xác minh đề nghị gửi về {{ issuing_body_name }} trước {{ due_date }}.", indent=True)
    tag(document, "{%p endif %}")
    paragraph(document, "Rất mong nhận được sự phối hợp của Quý cơ quan./.", indent=True)
    footer(document)
    return document


def identification_decision():
    document = new_document()
    header(document, number_line="Số: {{ number }}/{{ doc_abbr }}-{{ body_abbr }}")
    title(document, "{{ title }}", "{{ subtitle }}")
    legal_basis(document)
    paragraph(document, "Xét hồ sơ {{ case_code }} và kết quả xác minh,", italic=True, indent=True)
    section_heading(document, "Xác định:")
    person_block(document)
    paragraph(document, "Kết quả: {{ outcome_display }}.", bold=True, indent=True)
    section_heading(document, "Căn cứ xác định:")
    listing(document, "evidence", "{{ loop.index }}. {{ item.text }} ({{ item.citation }}); nguồn: {{ item.source }}.",
            "Không có.")
    section_heading(document, "Lý do:")
    listing(document, "reasons", "{{ item }}", "Không có.")
    paragraph(document, "Người đề xuất: {{ decided_by }}.", indent=True)
    footer(document)
    return document


BUILDERS = {
    "intake_record": intake_record,
    "verification_request": verification_request,
    "identification_decision": identification_decision,
}


def build(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, builder in BUILDERS.items():
        path = out_dir / f"{kind}.docx"
        builder().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path)
