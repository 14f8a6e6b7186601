"""``receive_persons_bulk``: the same records as ``receive_person`` row for row, in bulk, with one audit entry; the
duplicate check of a batch within itself."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import translation

from trove.cases.actions import BulkIntake, IntakeData, receive_person, receive_persons_bulk
from trove.cases.models import Case, CaseCounter, CaseEvent, PlaceKind
from trove.core.models import AuditEntry
from trove.geo.models import AdminUnit, Country
from trove.imports.models import RowNote
from trove.imports.tests.helpers import ImportTestCase, xlsx_bytes
from trove.people.actions import PersonData
from trove.people.models import MatchKey, NameToken, Person
from trove.verification.models import VerificationStep

VN = datetime.timezone(datetime.timedelta(hours=7))


def intake(day: datetime.date, channel: str = "self_reported", **values) -> IntakeData:
    legacy = day < datetime.date(2025, 7, 1)
    return IntakeData(channel=channel, received_at=datetime.datetime(day.year, day.month, day.day, 9, tzinfo=VN),
                      place_kind=PlaceKind.COMMUNE,
                      place_unit=AdminUnit.objects.by_key("legacy:29926" if legacy else "2025:29926"), **values)


class BulkIntakeTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_the_records_are_those_receive_person_makes(self):
        day = datetime.date(2026, 1, 5)
        one = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=intake(day),
                             person=PersonData(full_name="Hà Thị Một", sex="female", citizen_id="087190000001"))
        bulk = receive_persons_bulk(acting_user=self.p.owner, agency=self.p.owner_agency, items=[
            BulkIntake(intake(day), person=PersonData(full_name="Hà Thị Hai", sex="female",
                                                      citizen_id="087190000002"))])[0]

        def shape(case):
            case.refresh_from_db()
            steps = list(VerificationStep.objects.filter(case=case).values_list("rule_id", "order", "deadline",
                                                                                 "regime_code", "status"))
            events = sorted(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
            return (case.status, case.unit_id, case.owner_agency_id, case.received_at, steps, events,
                    NameToken.objects.filter(person=case.person).count(),
                    MatchKey.objects.filter(person=case.person).count() > 0, bool(case.person.citizen_id_index))

        self.assertEqual(shape(one), shape(bulk))
        self.assertEqual(one.received_at, one.intake.received_at)  # kept on the case for the lists' month filter
        self.assertEqual(int(bulk.code.rsplit("-", 1)[1]), int(one.code.rsplit("-", 1)[1]) + 1)

    def test_refused_items_are_reported_and_the_others_written_with_one_audit_entry(self):
        day = datetime.date(2024, 3, 15)
        before = AuditEntry.objects.count()
        known = Person.objects.create(full_name="Người Đã Có", sex="female")
        results = receive_persons_bulk(acting_user=self.p.owner, agency=self.p.owner_agency, items=[
            BulkIntake(intake(day), person=PersonData(full_name="Lò Thị Ba", sex="female")),
            BulkIntake(intake(day, channel="returned_self"), person=PersonData(full_name="Lò Thị Bốn")),
            BulkIntake(intake(day), person=PersonData(full_name="  ")),
            BulkIntake(intake(datetime.date(2024, 4, 1)), person=PersonData(full_name="Lò Thị Ba"), same_person_as=0),
            BulkIntake(intake(day, channel="returned_self", country_returned_from=Country.objects.get(code="CN")),
                       existing_person=known),
        ])
        self.assertIsInstance(results[1], ValidationError)
        self.assertIn("country_returned_from", results[1].message_dict)
        self.assertIn("person.full_name", results[2].message_dict)
        created, again, linked = results[0], results[3], results[4]
        self.assertEqual(again.person, created.person)  # the same person twice in one list: one person, two cases
        self.assertEqual(linked.person, known)
        self.assertEqual(Person.objects.count(), 2)
        codes = sorted(Case.objects.values_list("code", flat=True))
        self.assertEqual(codes, ["DT-2024-00001", "DT-2024-00002", "DT-2024-00003"])
        self.assertEqual(CaseCounter.objects.get(year=2024).last, 3)
        entries = AuditEntry.objects.filter(pk__gt=before)
        self.assertEqual(list(entries.values_list("action", flat=True)), ["case.receive_bulk"])
        changes = entries.get().changes
        self.assertEqual(changes["cases"], [None, sorted([created.pk, again.pk, linked.pk])])
        self.assertEqual(changes["persons created"], [None, [created.person_id]])
        self.assertEqual(changes["persons linked"], [None, [known.pk]])
        self.assertNotIn("Lò", str(changes))

    def test_a_list_naming_someone_twice_links_the_second_row_and_skips_the_same_day(self):
        rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày tiếp nhận", "Nguồn tiếp nhận"],
                ["Vàng Thị Dợ", "02/02/1999", "Nữ", "087199000123", "05/01/2026", "giải cứu"],
                ["Lục Văn Tài", "03/03/1990", "Nam", None, "05/01/2026", "giải cứu"],
                ["VANG THI DO", "02/02/1999", "nu", 87199000123, "20/01/2026", "tu trinh bao"],
                ["Vàng Thị Dợ", "1999", "Nữ", "087199000123", "05/01/2026", "tự trình báo"]]
        batch = self.run_import(self.prepared(xlsx_bytes(rows)))
        self.assertEqual((batch.created_count, batch.linked_count, batch.skipped_count), (2, 1, 1))
        self.assertEqual(Person.objects.count(), 2)
        self.assertEqual(Case.objects.count(), 3)
        self.assertIn("same day (row 2)", RowNote.objects.get(batch=batch, row=5).reasons)

    def test_persons_of_earlier_batches_are_found_without_being_read_back(self):
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from trove.imports import engine

        rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày tiếp nhận", "Nguồn tiếp nhận"],
                ["Vàng Thị Dợ", "02/02/1999", "Nữ", "087199000123", "05/01/2026", "giải cứu"],
                ["Lục Văn Tài", "03/03/1990", "Nam", None, "05/01/2026", "giải cứu"],
                ["VANG THI DO", "02/02/1999", "nu", 87199000123, "20/01/2026", "tu trinh bao"],
                ["Lục Văn Tài", "03/03/1990", "Nam", None, "21/01/2026", "tự trình báo"]]
        # A batch a row: each row is checked against the persons the earlier batches created.
        with mock.patch.object(engine, "BATCH_SIZE", 1), CaptureQueriesContext(connection) as queries:
            batch = self.run_import(self.prepared(xlsx_bytes(rows)))
        self.assertEqual((batch.created_count, batch.linked_count, batch.skipped_count), (2, 2, 0))
        self.assertEqual(Person.objects.count(), 2)
        self.assertEqual(Case.objects.count(), 4)
        # They were remembered as they were written, not read back and decrypted to be scored.
        self.assertFalse([q["sql"] for q in queries.captured_queries if '"merged_into_id" IS NULL' in q["sql"]])

    def test_the_run_collects_garbage_less_often_and_restores_the_thresholds(self):
        import gc
        from unittest import mock

        from trove.core.collection import THRESHOLDS
        from trove.imports import engine

        rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày tiếp nhận", "Nguồn tiếp nhận"],
                ["Vàng Thị Dợ", "02/02/1999", "Nữ", "087199000123", "05/01/2026", "giải cứu"]]
        seen, real_run_batch = [], engine.Runner.run_batch

        def run_batch(runner, *args, **kwargs):
            seen.append(gc.get_threshold())
            return real_run_batch(runner, *args, **kwargs)

        before = gc.get_threshold()
        with mock.patch.object(engine.Runner, "run_batch", run_batch):
            batch = self.run_import(self.prepared(xlsx_bytes(rows)))
        self.assertEqual(batch.created_count, 1)
        self.assertEqual(seen, [THRESHOLDS])
        self.assertEqual(gc.get_threshold(), before)
        self.assertNotEqual(before, THRESHOLDS)
