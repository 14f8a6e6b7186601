"""Messy synthetic workbooks, as offices keep them, and a test case that walks an import through the actions.

Every person here is invented."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import tempfile
import unicodedata
from pathlib import Path

from django.test import override_settings
from django.utils.functional import empty
from openpyxl import Workbook

from trove.agencies.models import Role
from trove.cases.actions import IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.storage import private_storage
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit
from trove.imports import actions
from trove.imports.tests.biff import xls_bytes
from trove.people.actions import PersonData


def xlsx_bytes(rows: list[list], merges: tuple[str, ...] = (), title: str = "Danh sách",
               more_sheets: dict[str, list[list]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for name, other in (more_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in other:
            extra.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Text in the Vietnamese Windows code page: letters with their tone mark as a separate character."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += (base + "".join(c for c in parts if c in TONE_MARKS)).encode("cp1258")
    return out


def csv_bytes(rows: list[list], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter).writerows(rows)
    text = stream.getvalue()
    return _cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def persons_workbook() -> bytes:
    """Persons and cases: two title rows merged across, headings on two rows with the date of birth split into a
    column for men and one for women, a row numbering the columns, then data typed many ways, a blank row, a total
    and a signature line."""
    rows = [
        ["UỶ BAN NHÂN DÂN XÃ TÂN HỒNG"],
        ["DANH SÁCH NẠN NHÂN BỊ MUA BÁN TRỞ VỀ"],
        [],
        ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Địa chỉ", "Ngày tiếp nhận", "Nguồn tiếp nhận",
         "Nước trở về"],
        [None, None, "Nam", "Nữ"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        [1, "NGUYEN THI HOA", None, "12/05/1998", 79123456789, "Xã Tân Hộ Cơ, huyện Tân Hồng, tỉnh Đồng Tháp",
         "15/03/2024", "Tự trở về", "Trung Quốc"],
        [2, "Trần Văn Nam", 1995, None, "001095001234", "Tan Ho Co - Tan Hong - DT", 45400, "tự về", "CPC"],
        [3, "Lê Thị Lan", None, "năm 2001", None, "Xã Tân Hộ Cơ, Tỉnh Đồng Tháp", datetime.datetime(2026, 1, 10),
         "giải cứu", None],
        [],
        ["Tổng cộng: 3 người"],
        [None, "Người lập biểu", None, None, None, "Chủ tịch UBND xã"],
    ]
    merges = ("A1:I1", "A2:I2", "A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5", "G4:G5", "H4:H5", "I4:I5")
    return xlsx_bytes(rows, merges)


def suspected_workbook() -> bytes:
    """Suspected victims as .xls: the headings in the first row, in another order, sex as M/F, capitals with
    diacritics, a year of birth as a number, CMND numbers that lost their zero, a date cell."""
    rows = [
        ["Hình thức", "HỌ TÊN", "Giới tính", "Năm sinh", "CMND", "Ngày phát hiện", "Nước đến", "Ghi chú"],
        ["XKLĐ", "PHẠM THỊ MAI", "F", 2003, 12345678, datetime.date(2024, 8, 2), "Malaysia", "Qua môi giới"],
        ["kết hôn với người nước ngoài", "VÕ VĂN TÀI", "M", 1999, None, datetime.date(2025, 9, 1), "TQ", None],
        ["du lịch", "Đỗ Thị Hằng", "nu", "2000", None, "45900", "Thái Lan", None],
    ]
    return xls_bytes([("Nghi la nan nhan", rows, [])])


def missing_csv() -> bytes:
    """Missing persons as CSV with headings without diacritics, sex as 1/0, ISO dates, a phone that lost its 0."""
    rows = [
        ["HO TEN", "GIOI TINH", "NGAY SINH", "DIA CHI", "NGAY BAO TIN", "MAT TICH TU", "SDT"],
        ["Giàng Thị Mỷ", "0", "2004-02-01", "Xa Tan Ho Co, Tinh Dong Thap", "2026-02-03", "01/2026", "912345678"],
        ["Sùng A Páo", "1", "thang 7/2002", "", "2026-03-04", "", ""],
    ]
    return csv_bytes(rows)


class ImportTestCase(PersonaTestCase):
    """Personas plus an administrator of the importing commune, and a private storage in a temporary folder."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune_admin = _member(_user("p_commune_admin", "Hà Văn Trị"), cls.p.owner_agency, Role.ADMINISTRATOR,
                                    cls.p.commune)

    def setUp(self):
        self.root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        overrides = override_settings(ATTACHMENTS_ROOT=self.root)
        overrides.enable()
        self.addCleanup(overrides.disable)
        private_storage._wrapped = empty
        self.addCleanup(setattr, private_storage, "_wrapped", empty)

    def stored_files(self) -> list[Path]:
        return [path for path in self.root.rglob("*") if path.is_file() and "imports" in path.parts]

    def upload(self, content: bytes, name: str = "Danh sách 2024.xlsx", kind: str = "persons", user=None):
        return actions.batch_create(acting_user=user or self.p.owner, agency=self.p.owner_agency, kind=kind,
                                    file_name=name, content=content)

    def prepared(self, content: bytes, name: str = "Danh sách 2024.xlsx", kind: str = "persons",
                 defaults: dict | None = None, sheet: str | None = None):
        """A batch with its sheet chosen and the suggested columns accepted."""
        batch = self.upload(content, name, kind)
        from trove.imports.selectors import sheet_samples

        sheet = sheet or sheet_samples(batch)[0].name
        batch = actions.batch_choose_sheet(acting_user=self.p.owner, batch=batch, sheet=sheet)
        return actions.batch_set_mapping(acting_user=self.p.owner, batch=batch, mapping=batch.mapping,
                                         defaults=defaults or {})

    def run_import(self, batch, user=None):
        with self.captureOnCommitCallbacks(execute=True):
            batch = actions.batch_start(acting_user=user or self.p.owner, batch=batch)
        batch.refresh_from_db()
        return batch


def existing_case(personas, name="Nguyễn Thị Hoa", birth=datetime.date(1998, 5, 12), citizen_id="079123456789",
                  received_at=None):
    """A person already in the registry, received by the owning commune (in 2026 unless said otherwise)."""
    from django.utils import timezone

    received_at = received_at or timezone.now() - datetime.timedelta(days=30)
    legacy = timezone.localdate(received_at) < datetime.date(2025, 7, 1)
    return receive_person(
        acting_user=personas.owner, agency=personas.owner_agency,
        intake=IntakeData(channel="self_reported", received_at=received_at, place_kind=PlaceKind.COMMUNE,
                          place_unit=AdminUnit.objects.by_key("legacy:29926" if legacy else "2025:29926")),
        person=PersonData(full_name=name, sex="female", birth_date=birth, citizen_id=citizen_id))


def people_workbook(count: int) -> bytes:
    """``count`` distinct people received in 2026, one a row, under a heading row."""
    given = ["An", "Bình", "Cúc", "Dung", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nga", "Oanh", "Phương"]
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Ngày tiếp nhận", "Nguồn tiếp nhận"]]
    rows += [[f"Đặng Thị {given[index % len(given)]} {chr(65 + index // len(given))}",
              f"{1 + index % 27:02d}/0{1 + index % 9}/{1980 + index}", "Nữ", "05/01/2026", "giải cứu"]
             for index in range(count)]
    return xlsx_bytes(rows)
