"""A long import prepared by a helper process (``trove.imports.ahead``) gives what one process gives: every row about
a person already written is linked to them, also when the helper checked it before that person was written; a
helper that dies leaves the rest to the writer; the helper runs only where it can see what the writer commits."""

import datetime
import multiprocessing
import pickle
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase, override_settings

from trove.core.testing import make_personas
from trove.imports import actions, ahead, engine
from trove.imports.cleaning import fold
from trove.imports.matching import RecentPersons, RegistryMatcher
from trove.imports.models import ImportedRecord
from trove.imports.tests.helpers import ImportTestCase, people_workbook, xlsx_bytes
from trove.people.matching import PersonData
from trove.people.models import Person
from trove.support.tests.helpers import TemporaryAttachments

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLES = ["Thị", "Ngọc", "Thu", "Hồng"]
GIVEN = ["An", "Bình", "Cúc", "Dung", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nga", "Oanh", "Phương", "Quyên",
         "Thảo", "Uyên", "Yến"]
BATCH = 25  # rows a batch in these tests, so that a few hundred rows make many batches


def person_row(index: int) -> list:
    """A distinct invented woman: her name, date of birth, CCCD; received in 2026."""
    name = f"{FAMILIES[index % 10]} {MIDDLES[index // 10 % 4]} {GIVEN[index // 40 % 16]}"
    born = datetime.date(1975, 1, 1) + datetime.timedelta(days=37 * index)
    return [name, born.strftime("%d/%m/%Y"), "Nữ", f"0871{born.year % 100:02d}{index:06d}", "05/01/2026", "giải cứu"]


def repeat_of(row: list, *, with_id: bool = True) -> list:
    """The same person typed again by someone else: capitals without diacritics, received on another day."""
    return [fold(row[0]).upper(), row[1], "nu", row[3] if with_id else None, "20/02/2026", "tu trinh bao"]


def workbook(count: int, repeats: dict[int, tuple[int, bool]]) -> tuple[bytes, dict[int, int]]:
    """``count`` persons; before the person at position p, for each p in ``repeats``, a repeat of an earlier one
    (position, with its ID number or without). Returns the file and, for each repeating sheet row, the sheet row it
    repeats."""
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày tiếp nhận", "Nguồn tiếp nhận"]]
    sheet_row_of: dict[int, int] = {}
    repeating: dict[int, int] = {}
    for position in range(count):
        if position in repeats:
            earlier, with_id = repeats[position]
            rows.append(repeat_of(person_row(earlier), with_id=with_id))
            repeating[len(rows)] = sheet_row_of[earlier]
        rows.append(person_row(position))
        sheet_row_of[position] = len(rows)
    return xlsx_bytes(rows), repeating


# The persons created after a row was checked ---------------------------------------------------------------------

class RecentPersonsTests(TestCase):
    def setUp(self):
        self.matcher = RegistryMatcher()

    def profile(self, name: str, born: datetime.date, citizen_id: str = ""):
        return self.matcher.profile(PersonData(full_name=name, birth_date=born, sex="female", citizen_id=citizen_id))

    def test_a_person_created_after_the_check_becomes_a_candidate_as_in_the_registry(self):
        recent = RecentPersons(self.matcher)
        recent.add(3, [(501, self.profile("Nguyễn Thị Hoa", datetime.date(1998, 5, 12)))])
        recent.add(4, [(502, self.profile("Trần Văn Nam", datetime.date(1995, 1, 2)))])
        row = self.profile("NGUYEN THI HOA", datetime.date(1998, 5, 12))
        [found] = recent.completed([row], [[]], after=2, limit=5)
        self.assertEqual([candidate.person_id for candidate in found], [501])
        self.assertTrue(found[0].likely)
        self.assertTrue(found[0].reasons)

    def test_the_batches_the_check_knew_are_not_added_again_and_are_forgotten(self):
        recent = RecentPersons(self.matcher)
        recent.add(3, [(501, self.profile("Nguyễn Thị Hoa", datetime.date(1998, 5, 12)))])
        row = self.profile("Nguyễn Thị Hoa", datetime.date(1998, 5, 12))
        self.assertEqual(recent.completed([row], [[]], after=3, limit=5), [[]])
        self.assertEqual(recent.batches, {})

    def test_an_id_number_alone_makes_a_candidate_and_the_list_keeps_its_order_and_limit(self):
        from trove.imports.matching import _person
        from trove.people.matching import Candidate

        recent = RecentPersons(self.matcher)
        recent.add(5, [(601, self.profile("Lò Thị Sinh", datetime.date(1990, 3, 4), "087190000123"))])
        row = self.profile("Hoàng Văn Tâm", datetime.date(1961, 8, 9), "087190000123")
        known = [Candidate(person=_person(700), score=99.0), Candidate(person=_person(601), score=1.0)]
        [found] = recent.completed([row], [known], after=4, limit=5)
        # Person 601 was already among the candidates (the helper read it from the registry): not twice.
        self.assertEqual([candidate.person_id for candidate in found], [700, 601])
        [found] = recent.completed([row], [[]], after=4, limit=5)
        self.assertEqual([candidate.person_id for candidate in found], [601])  # an ID hit is shown whatever its score
        [found] = recent.completed([row], [[known[0]]], after=4, limit=1)
        self.assertEqual([candidate.person_id for candidate in found], [700])

    def test_someone_else_is_not_a_candidate(self):
        recent = RecentPersons(self.matcher)
        recent.add(1, [(501, self.profile("Nguyễn Thị Hoa", datetime.date(1998, 5, 12)))])
        row = self.profile("Phạm Văn Đức", datetime.date(1970, 11, 30))
        self.assertEqual(recent.completed([row], [[]], after=0, limit=5), [[]])


# When the helper runs ---------------------------------------------------------------------------------------------

class WhenTests(ImportTestCase):
    def test_not_inside_a_transaction_nor_for_a_short_list_nor_when_turned_off(self):
        batch = self.prepared(people_workbook(3))
        runner = engine.Runner(batch, self.p.owner)
        # A test runs in a transaction the helper cannot see into (and SQLite is one process's file).
        self.assertFalse(ahead.worth_it(runner, None))
        default = connections["default"]
        with mock.patch.object(default, "in_atomic_block", False), mock.patch.object(default, "vendor", "postgresql"):
            self.assertFalse(ahead.worth_it(runner, None))  # 3 rows
            batch.total_rows = ahead.MIN_ROWS + 1
            self.assertTrue(ahead.worth_it(runner, None))
            self.assertFalse(ahead.worth_it(runner, ahead.MIN_ROWS))  # resumed near the end
            with override_settings(IMPORT_HELPER_PROCESS=False):
                self.assertFalse(ahead.worth_it(runner, None))

    def test_the_rows_left_are_counted_when_the_file_does_not_say(self):
        batch = self.prepared(people_workbook(3))
        self.assertEqual(engine.Runner(batch, self.p.owner).rows_left(), 3)
        batch.total_rows = None  # a sheet written without its dimensions
        runner = engine.Runner(batch, self.p.owner)
        self.assertEqual((runner.rows_left(), runner.rows_left(batch.first_data_row + 1)), (3, 2))

    def test_a_short_import_is_prepared_here(self):
        with mock.patch.object(ahead.Helper, "start") as start:
            batch = self.run_import(self.prepared(people_workbook(5)))
        self.assertEqual(batch.created_count, 5)
        start.assert_not_called()


# The helper's outbox ----------------------------------------------------------------------------------------------

def test_the_outbox_sends_in_order_while_nobody_reads():
    """Batches larger than the pipe are put without waiting for the writer, then arrive whole and in order."""
    received, sent = multiprocessing.Pipe(duplex=False)
    outbox = ahead.Outbox(sent)
    items = [bytes([n]) * 200_000 for n in range(ahead.AHEAD)]  # far more than a pipe holds
    for item in items:
        outbox.put(item)  # would block, sending here, on the second item
    assert [pickle.loads(received.recv_bytes()) for _item in items] == items  # noqa: S301 - our own bytes
    outbox.close()
    assert not outbox._thread.is_alive()


def test_the_outbox_says_when_the_writer_is_gone():
    received, sent = multiprocessing.Pipe(duplex=False)
    received.close()
    outbox = ahead.Outbox(sent)
    outbox.put(b"a batch")
    for _wait in range(100):
        if outbox._gone.is_set():
            break
        time.sleep(0.05)
    with pytest.raises(ahead.WriterGone):
        outbox.put(b"the next batch")
    outbox.close()  # returns: nothing is left to send to anyone


@pytest.mark.django_db
def test_the_new_persons_go_back_by_their_row_when_the_helper_holds_their_profile():
    """A created person whose profile is the one the helper worked out for their row goes back as the row's number,
    one whose written data gave another profile goes by value; the helper puts the profiles back together."""
    matcher = RegistryMatcher()
    datas = [PersonData(full_name=name, birth_year=1990, sex="female") for name in ("Lê Thị Hoa", "Trần Thị Mai")]
    profiles = [matcher.profile(data) for data in datas]
    helper_side = engine.Prepared(parsed=[], previous={}, seq=3)
    helper_side.profiles = {7: (profiles[0], {}), 8: (profiles[1], {})}
    sent = ahead.Sent()
    sent.add(engine.Prepared(parsed=[], previous={}, seq=2))  # written before: no message came for it
    sent.add(helper_side)

    writer_side = pickle.loads(pickle.dumps(helper_side))  # noqa: S301 - as it crosses the pipe
    rewritten = matcher.profile(PersonData(full_name="Trần Thị Mai", birth_year=1991, sex="female"))
    writer_side.created = [(501, writer_side.profiles[7][0]), (502, rewritten)]
    writer_side.created_rows = [7, 8]
    received, persons = multiprocessing.Pipe(duplex=False)
    ahead.Helper(runner=None, process=None, batches=None, persons=persons).created(writer_side)
    seq, message = received.recv()

    assert (seq, message[0]) == (3, (501, 7))
    assert message[1][0] == 502 and message[1][1] == rewritten and message[1][1] is not profiles[1]
    kept = sent.profiles(seq, message)
    assert kept[0] == (501, profiles[0]) and kept[0][1] is profiles[0]  # the helper's own object
    assert kept[1][0] == 502 and kept[1][1].year == 1991
    assert sent._batches == {}  # batch 2 and 3 forgotten


@pytest.mark.django_db
def test_communes_countries_and_candidates_go_by_reference_and_lazy_texts_by_value():
    from django.utils.translation import gettext_lazy, override

    from trove.geo.models import AdminUnit, Country
    from trove.imports.matching import _person
    from trove.imports.rows import WriteContext

    unit, country = AdminUnit.objects.by_key("2025:29926"), Country.objects.get(code="KH")
    typed = Person(pk=10**9, full_name="Người Thử Nghiệm")  # more than the id loaded: goes by value
    remark = gettext_lazy("Country returned from")
    batch = {"place_unit": unit, "home": [unit, unit], "country": country, "candidate": _person(77),
             "typed": typed, "remarks": [remark, remark]}
    context = WriteContext(acting_user=None, agency=None, kind=None, defaults={})
    received = ahead.loads(ahead.dumps(batch), context)

    assert received["place_unit"] is context.places.by_pk(unit.pk)  # the writer's own, read once for the run
    assert received["home"] == [unit, unit] and received["home"][0] is received["place_unit"]
    assert received["country"] is context.countries.by_code("KH")
    assert received["candidate"].pk == 77 and received["candidate"].get_deferred_fields()
    assert received["typed"].full_name == "Người Thử Nghiệm"
    with override("vi"):
        assert [str(text) for text in received["remarks"]] == [str(remark)] * 2 == ["Trở về từ nước"] * 2
    # Far smaller than the whole instances, and readable without a run's readers (from the database).
    by_reference = [unit, country, batch["candidate"]]
    assert len(ahead.dumps(by_reference)) < len(pickle.dumps(by_reference)) / 3
    plain = pickle.loads(ahead.dumps(batch))  # noqa: S301 - our own bytes
    assert plain["place_unit"] == unit and plain["place_unit"].name == unit.name and plain["country"] == country


# The helper process, on PostgreSQL --------------------------------------------------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the helper process runs on PostgreSQL only: it reads what the writer commits")
class HelperProcessTests(TemporaryAttachments, TransactionTestCase):
    """Committed data (the helper is another process on its own connection). The flush after each test empties
    the reference tables too: they are loaded again after the class, for the tests that follow."""

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        call_command("load_reference_data", verbosity=0)

    def setUp(self):
        from trove.geo.models import AdminUnit

        if not AdminUnit.objects.exists():  # emptied by the flush after the test before
            call_command("load_reference_data", verbosity=0)
        self.use_temporary_attachments()
        self.p = make_personas()

    def run_import(self, content: bytes):
        from trove.imports.selectors import sheet_samples

        batch = actions.batch_create(acting_user=self.p.owner, agency=self.p.owner_agency, kind="persons",
                                     file_name="Danh sách.xlsx", content=content)
        batch = actions.batch_choose_sheet(acting_user=self.p.owner, batch=batch, sheet=sheet_samples(batch)[0].name)
        batch = actions.batch_set_mapping(acting_user=self.p.owner, batch=batch, mapping=batch.mapping)
        with mock.patch.object(engine, "BATCH_SIZE", BATCH), mock.patch.object(ahead, "MIN_ROWS", 2 * BATCH):
            # The background job, run at the commit (tests' task backend runs it at once, in this process).
            batch = actions.batch_start(acting_user=self.p.owner, batch=batch)
        batch.refresh_from_db()
        return batch

    def assert_linked_as_one_process_links(self, batch, count: int, repeating: dict[int, int]) -> None:
        self.assertEqual((batch.created_count, batch.linked_count, batch.skipped_count, batch.failed_count),
                         (count, len(repeating), 0, 0))
        person_at = dict(ImportedRecord.objects.filter(batch=batch, content_type__model="person")
                         .values_list("row", "object_id"))
        self.assertEqual(len(person_at), count + len(repeating))  # every row once: no batch lost or written twice
        for row, original in repeating.items():
            self.assertEqual(person_at[row], person_at[original], f"row {row} is the person of row {original}")
        self.assertEqual(Person.objects.count(), count)

    # A repeat at the head of a batch, of the last row of the batch before: checked by the helper while that batch
    # is being written. Others further back, with and without the ID number, within a batch and across many.
    REPEATS = {BATCH: (BATCH - 1, True), 2 * BATCH - 1: (BATCH, False), 3 * BATCH - 1: (3 * BATCH - 3, True),
               4 * BATCH - 2: (2, False), 5 * BATCH - 2: (4 * BATCH - 3, False), 6 * BATCH: (6 * BATCH - 1, True)}

    def test_every_repeat_is_linked_to_the_person_written_before_it(self):
        count = 7 * BATCH
        content, repeating = workbook(count, self.REPEATS)
        with self.assertLogs("trove.imports.engine", "INFO") as logs:
            batch = self.run_import(content)
        self.assert_linked_as_one_process_links(batch, count, repeating)
        self.assertIn(f"the helper process prepared the rows up to row {count + len(repeating) + 1}, the last",
                      "\n".join(logs.output))

    def test_a_helper_that_dies_leaves_the_rest_to_the_writer(self):
        count = 7 * BATCH
        content, repeating = workbook(count, self.REPEATS)
        started, written = [], []
        real_start, real_run_batch = ahead.Helper.start, engine.Runner.run_batch

        def start(*args, **kwargs):
            started.append(real_start(*args, **kwargs))
            return started[-1]

        def run_batch(runner, *args, **kwargs):
            results = real_run_batch(runner, *args, **kwargs)
            written.append(results)
            if len(written) == 2:
                started[0].process.kill()
                started[0].process.join()
            return results

        # A pipe of one page: the helper cannot have sent every batch before it is killed.
        with mock.patch.object(ahead.Helper, "start", start), mock.patch.object(ahead, "PIPE_BYTES", 4096), \
                mock.patch.object(engine.Runner, "run_batch", run_batch), \
                self.assertLogs("trove.imports.ahead", "WARNING") as logs:
            batch = self.run_import(content)
        self.assertIn("the helper process stopped", logs.output[0])
        self.assert_linked_as_one_process_links(batch, count, repeating)
