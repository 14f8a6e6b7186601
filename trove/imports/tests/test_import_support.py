"""Importing the support given and the activities held: messy workbooks, the action's checks, the entitlement's refusal
as the reason, headings with or without diacritics."""

import datetime

from django.utils import translation

from trove.imports import headers
from trove.imports.models import ImportedRecord, RowNote
from trove.imports.registry import get_kind
from trove.imports.tests.helpers import ImportTestCase, csv_bytes, xlsx_bytes
from trove.support.models import SupportEntry
from trove.support.tests.helpers import SupportTestCase, d, open_case, vn


def support_workbook(code: str) -> bytes:
    """Support given as a commune keeps it: a title, headings typed without diacritics and in another order, the
    case code in lower case with spaces, the type by letter or by name, amounts with dots and a "đ", a date as
    text and one as a date cell, a row over the legal limit, a case that does not exist, a blank row and a total."""
    rows = [
        ["BẢNG THEO DÕI HỖ TRỢ NẠN NHÂN NĂM 2025"],
        [],
        ["STT", "Ngay ho tro", "Ma ho so", "Loai ho tro", "So tien", "So ngay", "Ghi chu"],
        [1, "12/08/2025", f" {code.lower()} ", "a", "4.000.000 đ", 100, "Tiền ăn tại cơ sở"],
        [2, datetime.date(2025, 8, 20), code, "Hỗ trợ y tế", "350,000", None, "Khám sức khỏe"],
        [3, "01/10/2025", code, "HO TRO NHU CAU THIET YEU", 1200000, 30, None],
        [4, "02/10/2025", "DT-1999-99999", "b", 100000, None, None],
        [],
        ["Tổng cộng", None, None, None, 5650000],
    ]
    return xlsx_bytes(rows)


class SupportImportTests(ImportTestCase, SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, vn(2025, 8, 4))

    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        self.identify(self.case, d(2025, 8, 11))

    def test_columns_are_suggested_with_or_without_diacritics(self):
        kind = get_kind("support")
        for labels in (["Mã hồ sơ", "Loại hỗ trợ", "Ngày hỗ trợ", "Số tiền", "Số ngày"],
                       ["MA HO SO", "loai ho tro", "ngay ho tro", "so tien", "so ngay"]):
            self.assertEqual(headers.suggest(kind, labels),
                             {"case_code": 0, "support_type": 1, "given_on": 2, "amount": 3, "days_covered": 4})

    def test_rows_become_ledger_entries_and_refusals_carry_the_rule(self):
        batch = self.run_import(self.prepared(support_workbook(self.case.code), kind="support"))
        self.assertEqual((batch.created_count, batch.failed_count), (2, 2))
        entries = SupportEntry.objects.filter(case=self.case).order_by("given_on")
        self.assertEqual([(e.support_type.code, e.amount, e.days_covered) for e in entries],
                         [("a", 4_000_000, 100), ("b", 350_000, None)])
        self.assertEqual(entries[0].giving_agency, self.p.owner_agency)
        self.assertEqual(set(ImportedRecord.objects.filter(batch=batch).values_list("row", flat=True)), {4, 5})
        over = RowNote.objects.get(batch=batch, row=6).reasons
        self.assertIn("at most 120 days", over)  # the entitlement rule's own message
        self.assertIn("Điều 17", over)
        self.assertNotIn("write the reason for the override", over)
        self.assertIn("No case with this code", RowNote.objects.get(batch=batch, row=7).reasons)

    def test_the_same_support_already_in_the_ledger_is_skipped(self):
        self.run_import(self.prepared(support_workbook(self.case.code), kind="support"))
        again = csv_bytes([["Mã hồ sơ", "Loại hỗ trợ", "Ngày", "Số tiền", "Số ngày"],
                           [self.case.code, "a", "12/08/2025", "4000000", "100"]])
        batch = self.run_import(self.prepared(again, name="lai.csv", kind="support"))
        self.assertEqual((batch.created_count, batch.skipped_count), (0, 1))
        self.assertIn("already recorded", RowNote.objects.get(batch=batch).reasons)
        self.assertEqual(SupportEntry.objects.count(), 2)

    def test_a_member_who_may_not_record_support_on_the_case_cannot_import_it(self):
        other = open_case(self.p, vn(2025, 8, 4))
        other.owner_agency = self.p.other_agency
        other.save(update_fields=["owner_agency"])
        content = csv_bytes([["Mã hồ sơ", "Loại hỗ trợ", "Ngày hỗ trợ", "Số tiền"],
                             [other.code, "b", "20/08/2025", "100000"]])
        batch = self.run_import(self.prepared(content, name="khac.csv", kind="support"))
        self.assertEqual(batch.failed_count, 1)
        self.assertFalse(SupportEntry.objects.exists())


class ActivityImportTests(ImportTestCase):
    @classmethod
    def setUpTestData(cls):
        from trove.agencies.models import Role
        from trove.core.testing import _member, _user
        from trove.plans.tests.helpers import issued_plan

        super().setUpTestData()
        coordinator = _member(_user("i_coordinator", "Đinh Văn Điều"), cls.p.owner_agency, Role.PLAN_COORDINATOR,
                              cls.p.commune)
        cls.plan = issued_plan(cls.p, coordinator)

    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def workbook(self) -> bytes:
        """Activities as a commune lists them: headings on two rows (merged "Kết quả" over two columns), the kind in
        words, dates three ways, a number of people with its unit, a row the action refuses (a training without
        participants), one held before the plan's period, a blank row."""
        from django.utils import timezone

        day = timezone.localdate() - datetime.timedelta(days=3)
        rows = [
            ["DANH SÁCH HOẠT ĐỘNG PHÒNG, CHỐNG MUA BÁN NGƯỜI"],
            ["STT", "Hình thức", "Tên hoạt động", "Thời gian tổ chức", "Kết quả", None, "Ghi chú"],
            [None, None, None, None, "Số người tham gia", "Số người được tuyên truyền", None],
            [1, "Tập huấn", "Tập huấn kỹ năng tiếp nhận", day.strftime("%d/%m/%Y"), "25 người", None, None],
            [2, "tuyen truyen qua loa truyen thanh", "Phát thanh về mua bán người", datetime.datetime(
                day.year, day.month, day.day), None, 1200, None],
            [3, "Tập huấn", "Tập huấn lần hai", day.strftime("%d/%m/%Y"), None, None, None],
            [],
            [4, "Sơ kết", "Sơ kết 6 tháng", "01/01/2001", None, None, None],
        ]
        return xlsx_bytes(rows, merges=("A1:G1", "E2:F2"))

    def test_columns_are_suggested_with_or_without_diacritics(self):
        kind = get_kind("activities")
        for labels in (["Hình thức", "Tên hoạt động", "Thời gian tổ chức", "Số người tham gia"],
                       ["HINH THUC", "ten hoat dong", "thoi gian to chuc", "so nguoi tham gia"]):
            self.assertEqual(headers.suggest(kind, labels),
                             {"kind": 0, "title": 1, "held_on": 2, "participants": 3})

    def test_rows_become_activities_of_the_plan_in_force(self):
        from trove.plans.models import Activity

        batch = self.prepared(self.workbook(), kind="activities", defaults={"channel": "broadcast"})
        self.assertEqual((batch.header_row, batch.header_rows), (2, 2))
        batch = self.run_import(batch)
        self.assertEqual((batch.created_count, batch.failed_count), (2, 2))
        awareness, training = Activity.objects.order_by("kind", "pk")
        self.assertEqual((awareness.kind, awareness.reach, awareness.channel), ("awareness", 1200, "broadcast"))
        self.assertEqual((training.kind, training.participants, training.plan), ("training", 25, self.plan))
        self.assertEqual(training.content_item, self.plan.content_items.get())
        self.assertIn("how many of its people took part", RowNote.objects.get(batch=batch, row=6).reasons)
        self.assertIn("No plan in force", RowNote.objects.get(batch=batch, row=8).reasons)
        again = self.run_import(self.prepared(self.workbook(), name="lai.xlsx", kind="activities",
                                              defaults={"channel": "broadcast"}))
        self.assertEqual(again.created_count, 0)
        self.assertEqual(Activity.objects.count(), 2)
