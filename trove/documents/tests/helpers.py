"""Building cases and reading generated Word files in the documents tests."""

from __future__ import annotations

import datetime
import io

import docx
from django.utils import timezone

from trove.cases.actions import ChildData, DocumentData, IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData

PERSON = PersonData(full_name="Trần Thị Bích Ngọc", sex="female", birth_date=datetime.date(2004, 3, 9),
                    citizen_id="087304001234", home_address="Ấp Bình Hòa")
RECEIVED_AT = datetime.datetime(2026, 5, 14, 9, 30, tzinfo=datetime.UTC) - datetime.timedelta(hours=7)


def handover_case(personas, *, received_at: datetime.datetime = RECEIVED_AT):
    """A person handed over officially at Dinh Bà border gate, with a handover record and a child."""
    intake = IntakeData(
        channel="handover_official",
        received_at=min(received_at, timezone.now() - datetime.timedelta(minutes=5)),
        place_kind=PlaceKind.BORDER_GATE,
        place_unit=AdminUnit.objects.by_key("2025:29926"),
        place_name="Cửa khẩu quốc tế Dinh Bà",
        country_returned_from=Country.objects.get(code="KH"),
        documents=[DocumentData(title="Biên bản bàn giao", number="12/BB", issued_by="Cảnh sát Campuchia",
                                issued_on=datetime.date(2026, 5, 13))],
        children=[ChildData(person=PersonData(full_name="Trần Minh An", sex="male", birth_year=2022,
                                              birth_precision="year"), relation="con trai")],
        immediate_needs="Chỗ ở tạm thời",
        consent_given=True,
    )
    return receive_person(acting_user=personas.owner, agency=personas.owner_agency, intake=intake, person=PERSON)


def docx_text(content: bytes) -> str:
    """Every paragraph of the document, tables included, one per line."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
