"""``manage.py find_duplicates``: every pair of records judged to be the same person (DESIGN §5).

    python manage.py find_duplicates --csv people.csv --out pairs.csv
    python manage.py find_duplicates --out pairs.csv          # the registry itself

The CSV has the columns ``id,full_name,birth_date,sex,citizen_id,home_unit,father_name,mother_name`` (others are
ignored): ``birth_date`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``home_unit`` is ``legacy:CODE`` or
``2025:CODE``; ``sex`` is female/male (or nữ/nam, F/M); an empty cell means unknown. The whole file is checked before
anything is matched: a missing column, a broken row, a bad date or an unknown unit stops the command with the line and
the reason, and no output is written. The output has ``id_a,id_b,score`` for every pair scoring at least the
threshold (``trove.people.matching.MATCH_THRESHOLD``, 12 by default), written to a temporary file that replaces
``--out`` only when complete. Progress goes to stderr.
"""

from __future__ import annotations

import csv
import datetime
import os
import re
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trove.people.matching import MATCH_THRESHOLD, BatchMatcher, PersonData, UnitResolver, person_data
from trove.people.matching.batch import default_workers

REQUIRED = ("id", "full_name", "birth_date", "sex", "citizen_id", "home_unit", "father_name", "mother_name")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
SEXES = {"female": "female", "f": "female", "nu": "female", "nữ": "female", "male": "male", "m": "male",
         "nam": "male", "": "unknown", "unknown": "unknown", "other": "unknown"}


class CsvProblem(ValueError):
    pass


def parse_birth_date(text: str) -> tuple[datetime.date | None, str, int | None]:
    """(date, precision, year) of ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; raises ``CsvProblem``."""
    text = text.strip()
    if not text:
        return None, "year", None
    match = _DATE.match(text)
    if not match or (match.group(3) and not match.group(2)):
        raise CsvProblem(f"birth_date {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        date = datetime.date(year, int(month or 1), int(day or 1))
    except ValueError:
        raise CsvProblem(f"birth_date {text!r} is not a real date") from None
    if date > datetime.date.today():  # noqa: DTZ011 - a birth date is a calendar date, not an instant
        raise CsvProblem(f"birth_date {text!r} is in the future")
    return date, "day" if day else "month" if month else "year", year


def read_people_csv(path: Path, resolver: UnitResolver) -> list[tuple[str, PersonData]]:
    """Every row of the CSV as (id, PersonData); raises ``CommandError`` naming the line and the reason."""
    records: list[tuple[str, PersonData]] = []
    seen: set[str] = set()
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = [column.strip().lower() for column in next(reader, [])]
            missing = [column for column in REQUIRED if column not in header]
            if missing:
                raise CommandError(f"{path}, line 1: missing column(s) {', '.join(missing)}; the header must have "
                                   f"{','.join(REQUIRED)}.")
            position = {column: header.index(column) for column in REQUIRED}
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                try:
                    records.append(_record(row, position, len(header), resolver, seen))
                except CsvProblem as problem:
                    raise CommandError(f"{path}, line {line}: {problem}.") from None
        except csv.Error as error:
            raise CommandError(f"{path}, line {reader.line_num}: broken CSV ({error}).") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}, line {reader.line_num + 1}: not UTF-8 text.") from None
    return records


def _record(row: list[str], position: dict[str, int], width: int, resolver: UnitResolver,
            seen: set[str]) -> tuple[str, PersonData]:
    if len(row) != width:
        raise CsvProblem(f"{len(row)} fields where the header has {width}")
    cell = {column: row[index].strip() for column, index in position.items()}
    record_id = cell["id"]
    if not record_id:
        raise CsvProblem("empty id")
    if record_id in seen:
        raise CsvProblem(f"id {record_id!r} appears twice")
    seen.add(record_id)
    if not cell["full_name"]:
        raise CsvProblem("empty full_name")
    birth_date, precision, year = parse_birth_date(cell["birth_date"])
    sex = SEXES.get(cell["sex"].casefold())
    if sex is None:
        raise CsvProblem(f"sex {cell['sex']!r} is not female, male or empty")
    unit = cell["home_unit"]
    if unit and not resolver.knows(unit):
        raise CsvProblem(f"home_unit {unit!r} is not a known unit key such as legacy:29926 or 2025:29926")
    return record_id, PersonData(
        full_name=cell["full_name"], birth_date=birth_date, birth_precision=precision, birth_year=year, sex=sex,
        citizen_id=cell["citizen_id"], home_unit=unit or None, father_name=cell["father_name"],
        mother_name=cell["mother_name"],
    )


def registry_records(batch_size: int = 2000):
    """Every person not merged into another, decrypted a batch at a time."""
    from trove.people.matching.retrieval import SCORED_FIELDS
    from trove.people.models import Person

    persons = Person.objects.filter(merged_into__isnull=True).only(*SCORED_FIELDS).order_by("pk")
    for person in persons.iterator(chunk_size=batch_size):
        yield person.pk, person_data(person)


class ProgressBar:
    def __init__(self, stream, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done != total):
            return
        self.last = now
        if total:
            filled = int(30 * done / total)
            self.stream.write(f"\r{phase:6} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending="")
        else:
            self.stream.write(f"\r{phase:6} {done}", ending="")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = "Write every pair of persons judged to be the same person, from a CSV or from the registry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", dest="csv_path", type=Path, help="people to match (default: the registry)")
        parser.add_argument("--out", type=Path, required=True, help="where to write id_a,id_b,score")
        parser.add_argument("--threshold", type=float, default=MATCH_THRESHOLD,
                            help=f"lowest score judged the same person (default {MATCH_THRESHOLD})")
        parser.add_argument("--workers", type=int, default=default_workers(), help="processes that score pairs")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, csv_path: Path | None, out: Path, threshold: float, workers: int, no_progress: bool,
               **options) -> None:
        progress = ProgressBar(self.stderr, enabled=not no_progress)
        resolver = UnitResolver().preload_all()
        matcher = BatchMatcher(resolver, threshold=threshold)
        started = time.monotonic()
        if csv_path is not None:
            records = read_people_csv(csv_path, resolver)
            matcher.add_all(records, progress, len(records))
        else:
            from trove.people.models import Person

            total = Person.objects.filter(merged_into__isnull=True).count()
            matcher.add_all(registry_records(), progress, total)
        pairs = matcher.pairs(progress, workers=workers)
        progress.end()
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(["id_a", "id_b", "score"])
                writer.writerows(pairs)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if options["verbosity"]:
            self.stderr.write(f"{len(pairs)} pairs among {len(matcher.ids)} records in "
                              f"{time.monotonic() - started:.1f} s -> {out}")
