"""Running an import: rows read, checked for duplicates, written through the kind's action, batch by batch.

Rows are taken ``BATCH_SIZE`` at a time. Each batch is one transaction: the records its rows make, the
``ImportedRecord`` links, the notes on rows that were skipped or failed, the counts and the number of the last row
done all commit together, or none of them does. A run that is killed therefore leaves whole batches, and the next
run (``resume``) starts after ``last_row``. Before writing, each batch checks under a row lock that the run still holds
the batch's ``run_token``, so two runs of one import never interleave. On PostgreSQL a batch's commit does not wait
for the disk (``trove.imports.database``): a crash of the database server may undo the last whole batches, which
resuming then imports again; and the planner's statistics are refreshed as the import grows the tables it reads.

A row is, in order: no data (blank, a total, a heading: left out), the same as an earlier row of this file or of an
earlier import of this agency (its fingerprint is known: skipped), unreadable (a cell could not be read: failed),
the same person as one in the registry (one candidate at or above the match threshold: linked to that person; several:
skipped, for an officer to decide), or new (created). The kind's action may still refuse it (failed, with the
action's own messages) or skip it (a case of that person on that day already exists).

A batch is first prepared (``prepare``: its rows parsed, each row's person made and checked against the registry
together, ``trove.imports.matching``), then, in its transaction, its rows are screened one by one, checked against
each other, and written together through the kind's ``write_many`` (persons: ``receive_persons_bulk``) or one by one
through its ``write``. A long run on PostgreSQL prepares its batches in a helper process, ahead of the writing
(``trove.imports.ahead``); the rows are then also checked against the persons the batches written meanwhile created.

``check`` runs the same code without committing anything (preview, dry run): every batch is rolled back at its end.

The file is opened once a run. A run that starts at the first data row keeps the rows it read (compressed, in memory
only) for the report, so the sheet is read once; a resumed run reads it again for the report.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import pickle
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.core import bulk
from trove.core.collection import fewer_collections
from trove.imports import database, selectors
from trove.imports.matching import BatchIndex, RecentPersons, RegistryMatcher
from trove.imports.models import BatchStatus, ImportBatch, ImportedRecord, NoteLevel, RecordOutcome, RowNote
from trove.imports.persons import matching_data
from trove.imports.reading import open_workbook
from trove.imports.registry import PendingRow, Skip, Written, get_kind
from trove.imports.rows import ParsedRow, RowReader, WriteContext
from trove.people.models import Person

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
FIRST_STATISTICS = 1000  # rows written before the tables the duplicate check reads are analysed, then ×4
CANDIDATES_SHOWN = 5


class Superseded(Exception):  # noqa: N818 - not an error: another run took the import over, or it was abandoned
    pass


@dataclass
class RowResult:
    number: int
    outcome: str  # created, linked, skipped, failed, blank
    reasons: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    candidates: list = field(default_factory=list)
    row: ParsedRow | None = None
    # While the batch is checked and written: the person the row describes, the one in the registry it is, or the
    # earlier row of the batch about the same new person.
    person: object = None
    existing: object = None
    same_as: RowResult | None = None


@dataclass
class Prepared:
    """One batch of the sheet before anything of it is written: the rows parsed, the rows of them imported before
    (by fingerprint), the person of each row that may be written (row number -> the person and the remarks on it),
    that person's candidates in the registry and the profile and probe keys they were found with. ``packed`` keeps
    the sheet's rows (compressed) for the report.

    Prepared by the helper process (``trove.imports.ahead``), a batch also says its place in the run (``seq``) and
    the last batch whose new persons the helper knew when it checked the rows (``known_through``); ``None`` means
    it was checked just before being written, knowing them all. ``created`` is filled once it is written: the new
    persons' ids and profiles, and the rows they come from."""

    parsed: list[ParsedRow]
    previous: dict[str, tuple[int, int]]
    persons: dict[int, tuple[object, list[str]]] = field(default_factory=dict)
    candidates: dict[int, list] = field(default_factory=dict)
    profiles: dict[int, tuple] = field(default_factory=dict)  # row -> the person's profile and probe keys
    packed: bytes | None = None
    seq: int = 0
    known_through: int | None = None
    created: list = field(default_factory=list)
    created_rows: list[int] = field(default_factory=list)  # the row of each of ``created``


def _messages(error: ValidationError, label) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found = []
    for key, messages in error.message_dict.items():
        name = key.removeprefix("person.")
        prefix = "" if key == "__all__" else f"{label(name)}: "
        found.extend(f"{prefix}{message}" for message in messages)
    return found


class Runner:
    def __init__(self, batch: ImportBatch, acting_user, *, request=None) -> None:
        self.batch = batch
        self.kind = get_kind(batch.kind)
        self.context = WriteContext(acting_user=acting_user, agency=batch.owner_agency, kind=self.kind,
                                    defaults=dict(batch.defaults), request=request)
        columns = batch.columns or []
        labels = {name: columns[column] for name, column in batch.mapping.items()
                  if column is not None and 0 <= column < len(columns) and columns[column]}
        self.reader = RowReader(self.context, batch.mapping, labels)
        self.seen: dict[str, int] = {}
        self.matcher = RegistryMatcher()
        self.recent = RecentPersons(self.matcher)
        self._prepared: set[str] = set()  # the fingerprints of the rows whose person was prepared
        self.context.unit_resolver = self.matcher.resolver
        self._content_types: dict[type, ContentType] = {}
        self._workbook = None
        self._counted: int | None = None
        self._kept_rows: list[bytes] | None = None

    # Reading ----------------------------------------------------------------------------------------------------

    def workbook(self):
        if self._workbook is None:
            self._workbook = open_workbook(selectors.batch_content(self.batch), self.batch.file_format)
        return self._workbook

    def rows_left(self, start: int | None = None) -> int:
        """The rows of the sheet from ``start`` (at the first data row at the earliest) to its end: counted once
        when the file does not say (a sheet written without its dimensions)."""
        from trove.imports.reading import count_rows

        last = self.batch.total_rows
        if last is None:
            if self._counted is None:
                self._counted = count_rows(self.workbook(), self.batch.sheet_name)
            last = self._counted
        return max(0, last - max(self.batch.first_data_row or 1, start or 0) + 1)

    def source_rows(self, start: int | None = None, stop: int | None = None) -> Iterator[tuple[int, list]]:
        first = max(self.batch.first_data_row or 1, start or 0)
        yield from self.workbook().rows(self.batch.sheet_name, start=first, stop=stop)

    def report_rows(self) -> Iterator[tuple[int, list]]:
        """The sheet's data rows for the report: those this run read, kept (compressed, in memory only) when it read
        them all; else read from the file again."""
        if self._kept_rows is None:
            yield from self.source_rows()
            return
        for chunk in self._kept_rows:
            yield from pickle.loads(zlib.decompress(chunk))  # noqa: S301 - our own rows, never left this process

    def _previous(self, fingerprints: list[str]) -> dict[str, tuple[int, int]]:
        """Rows already imported by this agency for this kind (in this batch or an earlier one), by fingerprint."""
        if not fingerprints:
            return {}
        # By the fingerprint's index first, then the imports they belong to: joined in one query, PostgreSQL read
        # every record of the import running (hundreds of thousands) to find the few fingerprints.
        rows = sorted(ImportedRecord.objects.filter(fingerprint__in=fingerprints)
                      .values_list("batch_id", "row", "fingerprint"))
        if not rows:
            return {}
        batches = set(ImportBatch.objects.filter(pk__in={batch_id for batch_id, _row, _f in rows},
                                                 owner_agency=self.batch.owner_agency, kind=self.batch.kind)
                      .exclude(status=BatchStatus.UNDONE).values_list("pk", flat=True))
        found: dict[str, tuple[int, int]] = {}
        for batch_id, row, fingerprint in rows:
            if batch_id in batches:
                found.setdefault(fingerprint, (batch_id, row))  # the first import of the row
        return found

    # One row ----------------------------------------------------------------------------------------------------

    def prepare(self, rows: list[tuple[int, list]], *, keep: bool = False) -> Prepared:
        """Everything a batch needs before it is written: its rows parsed, the rows imported before, the person of
        each row that may be written and that person's candidates in the registry. Reads only; the helper process
        of a long import (``trove.imports.ahead``) runs it for the batches ahead of the one being written."""
        parsed = [self.reader.read(number, cells) for number, cells in rows]
        previous = self._previous([row.fingerprint for row in parsed if row.fingerprint])
        packed = zlib.compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), 1) if keep else None
        prepared = Prepared(parsed=parsed, previous=previous, packed=packed)
        if self.kind.person is None:
            return prepared
        for row in parsed:
            # A repeat of an earlier row, or a row imported before, is skipped: its person is not needed.
            if row.skip or row.problems or row.fingerprint in previous or row.fingerprint in self._prepared:
                continue
            self._prepared.add(row.fingerprint)
            prepared.persons[row.number] = self.kind.person(row.values, self.context)
        self._check(prepared, [number for number, (person, _remarks) in prepared.persons.items()
                               if person.full_name])
        return prepared

    def _check(self, prepared: Prepared, numbers: list[int]) -> None:
        persons = [matching_data(prepared.persons[number][0]) for number in numbers]
        found = self.matcher.candidates(persons, limit=CANDIDATES_SHOWN)
        prepared.candidates.update(zip(numbers, found, strict=True))
        for number, data in zip(numbers, persons, strict=True):
            profile = self.matcher.profile(data)
            prepared.profiles[number] = (profile, self.matcher.probes(profile))

    def screen(self, parsed: ParsedRow, prepared: Prepared) -> RowResult:
        """What the row needs before the registry is asked: left out, a repeat, unreadable, or to be written
        (outcome "pending"; for a kind about a person ``person`` holds the person it describes)."""
        result = RowResult(number=parsed.number, outcome="skipped", remarks=list(parsed.remarks), row=parsed)
        if parsed.skip:
            result.outcome = "blank" if parsed.skip == "blank" else "skipped"
            result.reasons = [] if parsed.skip == "blank" else [parsed.skip]
            return result
        earlier = self.seen.get(parsed.fingerprint)
        if earlier is not None:
            result.reasons = [_("The same as row %(row)d of this file.") % {"row": earlier}]
            return result
        self.seen[parsed.fingerprint] = parsed.number
        if parsed.fingerprint in prepared.previous:
            batch_id, row = prepared.previous[parsed.fingerprint]
            result.reasons = [_("Already imported: import %(batch)d, row %(row)d.") % {"batch": batch_id, "row": row}]
            return result
        if parsed.problems:
            result.outcome, result.reasons = "failed", list(parsed.problems)
            return result
        result.outcome = "pending"
        if self.kind.person is not None:
            if parsed.number not in prepared.persons:
                prepared.persons[parsed.number] = self.kind.person(parsed.values, self.context)
            result.person, remarks = prepared.persons[parsed.number]
            result.remarks.extend(remarks)
        return result

    def check_registry(self, results: list[RowResult], prepared: Prepared) -> None:
        """The duplicate check of every pending row: against the registry (one candidate at or above the match
        threshold links the row to them, several leave it to an officer, lower scores add a remark), then against
        the new persons of the earlier rows of the batch."""
        if self.kind.person is None:
            return
        rows = [result for result in results if result.outcome == "pending" and result.person.full_name]
        unchecked = [result.number for result in rows if result.number not in prepared.candidates]
        if unchecked:
            self._check(prepared, unchecked)
        found = [prepared.candidates[result.number] for result in rows]
        if prepared.known_through is not None:  # the profiles the helper process worked out: not again here
            for result in rows:
                if result.number in prepared.profiles:
                    self.matcher.adopt(matching_data(result.person), *prepared.profiles[result.number])
        if prepared.known_through is not None:
            # Checked ahead by the helper: the persons of the batches written since it last heard of them are in
            # the registry now, and must be candidates as they would have been.
            profiles = [self.matcher.profile(matching_data(result.person)) for result in rows]
            found = self.recent.completed(profiles, found, after=prepared.known_through, limit=CANDIDATES_SHOWN)
        index = BatchIndex(self.matcher)
        for position, (result, candidates) in enumerate(zip(rows, found, strict=True)):
            result.candidates = candidates
            likely = [candidate for candidate in candidates if candidate.likely]
            if len(likely) > 1:
                result.outcome = "skipped"
                result.reasons = [_("Several people in the registry match this row (%(ids)s): enter it by hand after "
                                    "checking them.") % {"ids": ", ".join(f"#{c.person_id}" for c in likely)}]
                continue
            result.existing = likely[0].person if likely else None
            possible = [candidate for candidate in candidates if not candidate.likely]
            if possible and result.existing is None:
                result.remarks.append(_("Possibly the same person as %(ids)s: check and merge them if so.")
                                      % {"ids": ", ".join(f"#{c.person_id}" for c in possible)})
            if result.existing is None:
                same = index.same_as(position, matching_data(result.person))
                if same is not None:
                    result.same_as = rows[same]

    def write(self, results: list[RowResult]) -> None:
        """Write the pending rows through the kind's bulk writer, or one by one."""
        pending = [result for result in results if result.outcome == "pending"]
        if not pending:
            return
        if self.kind.write_many is not None:
            position = {id(result): number for number, result in enumerate(pending)}
            rows = [PendingRow(number=result.number, values=result.row.values, person=result.person,
                               existing=result.existing,
                               same_as=position.get(id(result.same_as)) if result.same_as is not None else None)
                    for result in pending]
            outcomes = self.kind.write_many(self.context, rows)
        else:
            outcomes = []
            for result in pending:
                existing = result.existing
                if existing is None and result.same_as is not None:
                    existing = next((item.record for item in result.same_as.written
                                     if isinstance(item.record, Person)), None)
                try:
                    outcomes.append(self.kind.write(self.context, result.row.values, result.person, existing))
                except (Skip, ValidationError) as error:
                    outcomes.append(error)
                else:
                    result.written = outcomes[-1].written
        for result, outcome in zip(pending, outcomes, strict=True):
            self._apply(result, outcome)

    def _apply(self, result: RowResult, outcome) -> None:
        if isinstance(outcome, Skip):
            result.outcome, result.reasons = "skipped", [str(outcome)]
            return
        if isinstance(outcome, ValidationError):
            result.outcome, result.reasons = "failed", _messages(outcome, self.reader.label)
            return
        result.written = outcome.written
        result.remarks.extend(outcome.remarks)
        linked = any(item.outcome == RecordOutcome.LINKED for item in outcome.written)
        result.outcome = "linked" if linked else "created"

    def process_rows(self, prepared: Prepared) -> list[RowResult]:
        results = [self.screen(row, prepared) for row in prepared.parsed]
        self.check_registry(results, prepared)
        self.write(results)
        for result in results:
            result.person, result.existing, result.same_as = None, None, None
        return results

    # A batch of rows --------------------------------------------------------------------------------------------

    def run_batch(self, rows: list[tuple[int, list]] | None, *, token: str | None,
                  prepared: Prepared | None = None) -> list[RowResult]:
        """Process ``rows`` (or the batch ``prepared`` from them) in one transaction; with a ``token`` commit them,
        without one roll everything back."""
        if prepared is None:
            prepared = self.prepare(rows)
        with transaction.atomic():
            if token is not None:
                locked = ImportBatch.objects.select_for_update().get(pk=self.batch.pk)
                if locked.run_token != token or locked.status != BatchStatus.RUNNING:
                    raise Superseded
                database.commit_without_waiting_for_disk()
            results = self.process_rows(prepared)
            if token is None:
                transaction.set_rollback(True)
            else:
                self._save(results, last_row=prepared.parsed[-1].number)
        if token is not None:
            # The persons this batch created are in the registry now: the next batches' duplicate check knows them
            # without reading them back.
            created = [(result.number, item.record) for result in results for item in result.written
                       if isinstance(item.record, Person) and item.outcome == RecordOutcome.CREATED]
            prepared.created = self.matcher.remember(person for _number, person in created)
            prepared.created_rows = [number for number, _person in created]
        return results

    def _content_type(self, record) -> ContentType:
        model = type(record)
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    def _save(self, results: list[RowResult], *, last_row: int) -> None:
        records, notes = [], []
        counts = {"created": 0, "linked": 0, "skipped": 0, "failed": 0}
        batch_id = self.batch.pk
        for result in results:
            if result.outcome == "blank":
                continue
            counts[result.outcome] += 1
            fingerprint = result.row.fingerprint if result.row else ""
            records += [(batch_id, result.number, item.record.pk, self._content_type(item.record).pk, item.outcome,
                         fingerprint) for item in result.written]
            if result.outcome in ("skipped", "failed"):
                notes.append((batch_id, result.number, result.outcome, "\n".join(result.reasons + result.remarks)))
            elif result.remarks:
                notes.append((batch_id, result.number, NoteLevel.WARNING, "\n".join(result.remarks)))
        bulk.insert_values(ImportedRecord,
                           ("batch_id", "row", "object_id", "content_type_id", "outcome", "fingerprint"), records)
        bulk.insert_values(RowNote, ("batch_id", "row", "level", "reasons"), notes)
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            last_row=last_row, heartbeat_at=timezone.now(),
            created_count=models.F("created_count") + counts["created"],
            linked_count=models.F("linked_count") + counts["linked"],
            skipped_count=models.F("skipped_count") + counts["skipped"],
            failed_count=models.F("failed_count") + counts["failed"],
        )
        self.batch.last_row = last_row

    # The whole sheet ----------------------------------------------------------------------------------------------

    def batches(self, *, token: str | None, start: int | None, keep: bool) -> Iterator[Prepared]:
        """The batches from ``start`` to the end of the sheet, each prepared: for a long import on PostgreSQL by a
        helper process, ahead of the writing (``trove.imports.ahead``); else here, just before it is written. A
        helper that stops leaves the rest to this process."""
        from trove.imports import ahead

        after = None
        if token is not None and ahead.worth_it(self, start):
            helper = ahead.Helper.start(self, start=start, keep=keep, batch_size=BATCH_SIZE)
            try:
                for prepared in helper.batches():
                    after = prepared.parsed[-1].number
                    yield prepared
                    self.recent.add(prepared.seq, prepared.created)
                    helper.created(prepared)
            finally:
                helper.stop()
            logger.info("import %s: the helper process prepared the rows up to row %s%s", self.batch.pk, after,
                        ", the last" if helper.finished else "")
            if helper.finished:
                return
        rows = self.source_rows(start=start if after is None else after + 1)
        while chunk := list(itertools.islice(rows, BATCH_SIZE)):
            yield self.prepare(chunk, keep=keep)

    def run(self, *, token: str | None, progress, start: int | None = None) -> list[RowResult]:
        """Every row from ``start`` (after the last row done when resuming) to the end. With a token the rows are
        committed and nothing is kept in memory; without one (a dry run) nothing is written and the results are
        returned for the report."""
        kept: list[RowResult] = []
        # A run that reads the sheet from its first data row keeps the rows for the report, which then need not read
        # the file a second time.
        self._kept_rows = [] if start is None or start <= (self.batch.first_data_row or 1) else None
        written, next_statistics = 0, FIRST_STATISTICS
        batches = self.batches(token=token, start=start, keep=self._kept_rows is not None)
        with contextlib.closing(batches):  # a failed batch stops the helper process at once
            for prepared in batches:
                if self._kept_rows is not None:
                    self._kept_rows.append(prepared.packed)
                results = self.run_batch(None, token=token, prepared=prepared)
                written += len(prepared.parsed)
                if token is not None and written >= next_statistics:
                    database.refresh_statistics()
                    next_statistics *= 4
                if token is None:
                    for result in results:
                        result.written, result.candidates, result.row = [], [], None
                    kept.extend(results)
                progress.advance(len(prepared.parsed))
        return kept


# Running a whole import (the background job and the command line) ----------------------------------------------

EVERY_ROW = 10**9


def summary_message(counts: dict[str, int]) -> str:
    message = _("%(created)d created, %(linked)d linked to an existing person, %(skipped)d skipped, %(failed)d failed.")
    return message % {name: counts.get(name, 0) for name in ("created", "linked", "skipped", "failed")}


@fewer_collections()
def execute(*, batch: ImportBatch, acting_user, token: str, progress) -> ImportBatch:
    """Run a started (or resumed) import to its end: the rows after the last one done, then the report (the job's
    result file) and the end of the batch. A run that fails leaves the batch interrupted, to be resumed."""
    from django.urls import reverse

    from trove.imports import actions, report

    runner = Runner(batch, acting_user)
    first = batch.first_data_row or 1
    progress.start(total=runner.rows_left(), message=_("Importing the rows…"))
    if batch.last_row >= first:
        progress.advance(batch.last_row - first + 1)
    try:
        runner.run(token=token, progress=progress, start=batch.last_row + 1 if batch.last_row else None)
    except Superseded:
        job = getattr(progress, "job", None)
        if job is not None:
            # An administrator who abandoned the import marked its job failed: the job runner must see it so.
            job.refresh_from_db(fields=["status", "message", "finished_at"])
        return batch
    except BaseException:
        try:
            actions.batch_interrupted(acting_user=acting_user, batch=batch, token=token)
        except Exception:  # noqa: BLE001, S110 - the first error is the one to report; this one follows from it
            pass
        raise
    batch.refresh_from_db()
    content = report.build(batch, runner.report_rows(), report.outcomes_of(batch), done_until=EVERY_ROW)
    progress.attach(report.file_name(batch), report.XLSX, content)
    batch = actions.batch_finish(acting_user=acting_user, batch=batch, token=token)
    counts = {"created": batch.created_count, "linked": batch.linked_count, "skipped": batch.skipped_count,
              "failed": batch.failed_count}
    progress.finish(summary={**counts, "link": reverse("imports:detail", args=[batch.pk])},
                    message=summary_message(counts))
    return batch


@fewer_collections()
def check(*, batch: ImportBatch, acting_user, progress) -> dict[str, int]:
    """Run every row without writing anything and attach the report of what the import would do."""
    from collections import Counter

    from django.urls import reverse

    from trove.imports import report

    runner = Runner(batch, acting_user)
    progress.start(total=runner.rows_left(), message=_("Checking the rows…"))
    results = runner.run(token=None, progress=progress)
    outcomes = {result.number: (result.outcome, "\n".join(result.reasons + result.remarks), "")
                for result in results if result.outcome != "blank"}
    content = report.build(batch, runner.report_rows(), outcomes, done_until=EVERY_ROW, dry_run=True)
    progress.attach(report.file_name(batch, dry_run=True), report.XLSX, content)
    counts = dict(Counter(result.outcome for result in results if result.outcome != "blank"))
    progress.finish(summary={**counts, "link": reverse("imports:detail", args=[batch.pk])},
                    message=summary_message(counts))
    return counts
