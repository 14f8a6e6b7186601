"""``manage.py generate_synthetic --persons N --seed S``: fill the database with synthetic records for benchmarks.

Every person is invented (bench/synthetic_people.py): families over the real communes, with a share of persons
recorded a second time by another office (the duplicates, with the error model of that module). Each record becomes
a person (identity encrypted by the model's encrypted fields, blind indexes by ``index_identity``, name tokens by
``name_token``, blocking keys by ``stored_keys``/``hashed_key``), a case owned by a synthetic agency of its province
and an intake received between 2019 and today — so both regimes (A until 2025-06-30, B from 2025-07-01) are in the
data. Unless ``--only-persons``, every case also gets, in realistic proportions:

- the verification steps of the regime in force on its intake date (done for the older cases, pending for recent ones);
- for about half, an approved identification decision (80% "victim"), with the grounds of its regime;
- for the victims, their types of exploitation, two to four support ledger entries at the regime's rates, for a quarter
  a referral to a Women's Union (with the receiver's participation while open) and for half a follow-up plan with
  its four visits; a tenth of persons are suspected victims and a twentieth missing persons;

and the database gets tips (one per five persons) and proceedings (one per fifty) of every province, an issued plan
per province with every indicator and activities (one per twenty persons), and an audit log of
``--audit-per-person`` entries per person appended to the hash chain (``bench/national_data.py``).

Rows are generated in chunks of ``--chunk`` persons by ``--workers`` processes (each chunk has its own seed, its own
id range and its own transaction) and written with PostgreSQL ``COPY`` (``bench/bulk.py``), or ``bulk_create`` on
SQLite (one process). ``--truth FILE`` writes ``person_id,entity`` so that the benchmark can score batch matching.

Never run it on a database with real people: it refuses a database holding a person it did not make, and ``--flush``
deletes every person and case.
"""

from __future__ import annotations

import csv
import datetime
import multiprocessing
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from trove.agencies.models import Agency, AgencyType
from trove.cases.models import AccompanyingChild, Case, CaseEvent, Intake, IntakeChannel, PlaceKind
from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.people.identity import index_identity, name_token, name_words
from trove.people.matching import UnitResolver
from trove.people.matching.keys import hashed_key, stored_keys
from trove.people.matching.profile import build_profile, person_data
from trove.people.models import MatchKey, MissingPerson, NameToken, Person, PersonMerge, SuspectedVictim

BENCH_USER = "synthetic-bench"
FIRST_DAY = datetime.datetime(2019, 1, 1, 9, tzinfo=datetime.UTC)


def _birth(text: str) -> tuple[datetime.date, str, int]:
    parts = [int(p) for p in text.split("-")]
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    parts += [1] * (3 - len(parts))
    return datetime.date(*parts), precision, parts[0]


@dataclass
class Context:
    """What every chunk needs, built once before the worker processes fork."""

    seed: int
    duplicate_share: float
    chunk: int
    only_persons: bool
    communes: list
    other: dict
    units: dict
    province_of: dict
    agencies: dict
    officer_id: int
    resolver: UnitResolver
    base: dict  # model label -> first id of this run
    records: object = None  # bench.national_data.CaseRecords, when not only_persons
    timings: dict = field(default_factory=dict)


_CONTEXT: Context | None = None  # set before forking; the workers read it


class Command(BaseCommand):
    help = "Fill the database with synthetic persons, cases and every kind of record (benchmarks only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="number of person records to create")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--duplicate-share", type=float, default=0.1,
                            help="share of persons recorded a second time (default 0.1)")
        parser.add_argument("--chunk", "--batch", type=int, default=5000, dest="chunk",
                            help="persons per chunk (one transaction, one seed)")
        parser.add_argument("--workers", type=int, default=0,
                            help="processes (default: every core on PostgreSQL, 1 on SQLite)")
        parser.add_argument("--only-persons", action="store_true",
                            help="persons, cases and intakes only (the duplicate-matching benchmark)")
        parser.add_argument("--audit-per-person", type=float, default=5.0,
                            help="audit entries appended per person (default 5)")
        parser.add_argument("--truth", type=Path, help="write person_id,entity here")
        parser.add_argument("--flush", action="store_true", help="delete every person, case and their records first")

    def handle(self, *args, persons: int, seed: int, duplicate_share: float, chunk: int, workers: int,
               only_persons: bool, audit_per_person: float, truth: Path | None, flush: bool, **options) -> None:
        global _CONTEXT
        from bench import bulk
        from bench.synthetic_people import load_communes, other_set_map

        communes = load_communes()
        if not communes:
            raise CommandError("No admin units in the database: run `manage.py load_reference_data` first.")
        # Synthetic people go only into a database that holds no one else: real records must never be flushed or mixed.
        real = Person.objects.exclude(created_by__username=BENCH_USER).exists()
        if real:
            raise CommandError("This database holds people that generate_synthetic did not make; it refuses to add "
                               "to or flush them. Use a separate benchmark database (see docs/benchmarks.md).")
        if flush:
            self._flush()
        started = time.monotonic()
        officer = User.objects.get_or_create(username=BENCH_USER, defaults={"full_name": "Synthetic benchmark"})[0]
        context = Context(
            seed=seed, duplicate_share=duplicate_share, chunk=chunk, only_persons=only_persons, communes=communes,
            other=other_set_map(communes),
            units={f"{s}:{c}": pk for s, c, pk in AdminUnit.objects.filter(level="commune")
                   .values_list("unit_set", "code", "pk")},
            province_of={f"{s}:{c}": p for s, c, p in AdminUnit.objects.filter(level="commune")
                         .values_list("unit_set", "code", "province_code")},
            agencies=self._agencies(), officer_id=officer.pk, resolver=UnitResolver().preload_all(),
            base={},
        )
        if not only_persons:
            from bench.national_data import CaseRecords

            context.records = CaseRecords.prepare(context.agencies, officer, seed)
        for model in (Person, Case, Intake, *(context.records.numbered_models() if context.records else ())):
            context.base[model._meta.label] = bulk.next_id(model)
        # Ids are numbered from here (chunk by chunk, person by person); the sequences are reset after the writes.
        chunks = [(index, start, min(chunk, persons - start)) for index, start in enumerate(range(0, persons, chunk))]
        postgres = connection.vendor == "postgresql"
        workers = (workers or os.cpu_count() or 1) if postgres else 1
        _CONTEXT = context
        truth_rows: list[tuple[int, int]] = []
        made = duplicates = 0
        timings: dict[str, float] = {}
        results = []
        if workers > 1:
            connections.close_all()  # each process opens its own connection
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for result in pool.imap_unordered(_make_chunk, chunks):
                    results.append(result)
                    made += result["made"]
                    self.stderr.write(f"\r{made}/{persons} persons", ending="")
        else:
            for item in chunks:
                results.append(_make_chunk(item))
                made += results[-1]["made"]
                self.stderr.write(f"\r{made}/{persons} persons", ending="")
        for result in results:
            duplicates += result["duplicates"]
            truth_rows.extend(result["truth"])
            for key, value in result["timings"].items():
                timings[key] = timings.get(key, 0.0) + value
        self.stderr.write(f"\r{made}/{persons} persons")
        models = [Person, Case, Intake, *(context.records.numbered_models() if context.records else ())]
        if postgres:
            bulk.reset_sequences(*models)
        persons_seconds = time.monotonic() - started
        extra = {}
        if context.records:
            tick = time.monotonic()
            extra = context.records.national(persons=made, officer=officer, seed=seed,
                                             audit_entries=int(made * audit_per_person), log=self.stderr.write)
            timings["national records (wall)"] = time.monotonic() - tick
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        if truth:
            truth.parent.mkdir(parents=True, exist_ok=True)
            with truth.open("w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(["person_id", "entity"])
                writer.writerows(sorted(truth_rows))
        rate = made / persons_seconds if persons_seconds else 0
        self.stdout.write(
            f"{made} persons ({duplicates} second records) with their cases in {persons_seconds:.1f} s "
            f"({rate:.0f} persons/s, {workers} processes), {elapsed:.1f} s in all; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
            + (("; " + ", ".join(f"{k} {v}" for k, v in extra.items())) if extra else ""))

    def _flush(self) -> None:
        from bench.national_data import flush_records

        flush_records()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Every table that refers to persons or cases goes with them (the guard above made sure all are synthetic).
            # Not inside a transaction (a test's): TRUNCATE refuses tables with pending deferred constraint checks.
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {Person._meta.db_table} CASCADE")  # noqa: S608 - a model's table name
            return
        with transaction.atomic():
            for model in (AccompanyingChild, CaseEvent, Intake, SuspectedVictim, MissingPerson, PersonMerge):
                model.objects.all().delete()
            Case.objects.all().delete()
            MatchKey.objects.all().delete()
            NameToken.objects.all().delete()
            Person.objects.update(merged_into=None)
            Person.objects.all().delete()

    def _agencies(self) -> dict[str, Agency]:
        agencies = {}
        for province in AdminUnit.objects.filter(unit_set="2025", level="province"):
            agencies[province.province_code] = Agency.objects.get_or_create(
                name=f"Sở Y tế {province.short_name} (dữ liệu thử)",
                defaults={"agency_type": AgencyType.HEALTH_DEPARTMENT, "unit": province},
            )[0]
        return agencies


def _province_2025(unit_key: str, context: Context) -> str:
    place = context.resolver.place(unit_key) if unit_key else None
    if place and place.provinces:
        return sorted(place.provinces)[0]
    return context.province_of.get(unit_key, "")


def _records(context: Context, index: int, size: int) -> tuple[list, int]:
    from bench.synthetic_people import PeopleFactory, corrupt

    chunk_seed = context.seed * 100_003 + index
    factory = PeopleFactory(context.communes, chunk_seed)
    rng = random.Random(chunk_seed + 1)  # noqa: S311 - synthetic data, reproducible from its seed
    records, duplicates = [], 0
    for family in factory.families(size):
        for record in family:
            if len(records) >= size:
                break
            records.append(record)
            if rng.random() < context.duplicate_share and len(records) < size:
                duplicates += 1
                records.append(corrupt(rng, record, f"D{index}-{duplicates}", context.other))
        if len(records) >= size:
            break
    return records, duplicates


def _make_chunk(item: tuple[int, int, int]) -> dict:
    """Generate and write one chunk: persons ``start``..``start + size`` of the run, in one transaction."""
    from bench import bulk

    context = _CONTEXT
    index, start, size = item
    timings = {"people": 0.0, "keys": 0.0, "cases": 0.0, "case records": 0.0, "writing": 0.0}
    tick = time.monotonic()
    records, duplicates = _records(context, index, size)
    rng = random.Random(context.seed * 7919 + index)  # noqa: S311 - synthetic data
    first_person, first_case, first_intake = (context.base[m._meta.label] + start for m in (Person, Case, Intake))
    persons, tokens, keys, cases, intakes = [], [], [], [], []
    now = timezone.now()
    span = (now - datetime.timedelta(days=2) - FIRST_DAY).total_seconds()
    channels = IntakeChannel.values
    for offset, record in enumerate(records):
        birth, precision, year = _birth(record.birth_date)
        person = Person(
            pk=first_person + offset, full_name=record.full_name, birth_date=birth, birth_precision=precision,
            birth_year=year, sex=record.sex or "unknown", citizen_id=record.citizen_id,
            home_unit_id=context.units.get(record.home_unit), father_name=record.father_name,
            mother_name=record.mother_name, created_by_id=context.officer_id,
        )
        index_identity(person)
        persons.append(person)
    timings["people"] += time.monotonic() - tick
    tick = time.monotonic()
    for person in persons:
        tokens.extend(NameToken(person_id=person.pk, token=name_token(word)) for word in name_words(person.full_name))
        profile = build_profile(person_data(person), context.resolver)
        keys.extend(MatchKey(person_id=person.pk, key=hashed_key(key)) for key in sorted(stored_keys(profile)))
    timings["keys"] += time.monotonic() - tick
    tick = time.monotonic()
    for offset, (record, person) in enumerate(zip(records, persons, strict=True)):
        number = start + offset + 1
        unit_key = record.home_unit or records[0].home_unit
        agency = context.agencies.get(_province_2025(unit_key, context)) or next(iter(context.agencies.values()))
        received = FIRST_DAY + datetime.timedelta(seconds=rng.random() * span)
        case = Case(pk=first_case + offset, code=f"SYN{context.seed}-{number:07d}", pseudonym=f"NN-{number:07d}",
                    person_id=person.pk, owner_agency_id=agency.pk,
                    unit_id=context.units.get(unit_key) or agency.unit_id, opened_at=received, received_at=received,
                    created_by_id=context.officer_id)
        cases.append(case)
        channel = channels[number % len(channels)]
        intakes.append(Intake(pk=first_intake + offset, case_id=case.pk, channel=channel, received_at=received,
                              receiving_officer_id=context.officer_id, place_kind=PlaceKind.COMMUNE,
                              consent_given=True))
    timings["cases"] += time.monotonic() - tick
    rows = {}
    if context.records is not None:
        tick = time.monotonic()
        rows = context.records.for_cases(cases, intakes, rng, start=start, base=context.base)
        timings["case records"] += time.monotonic() - tick
    tick = time.monotonic()
    with transaction.atomic():
        bulk.write(Person, persons)
        bulk.write(NameToken, tokens)
        bulk.write(MatchKey, keys)
        bulk.write(Case, cases)
        bulk.write(Intake, intakes)
        for model, objs in rows.items():
            bulk.write(model, objs)
    timings["writing"] += time.monotonic() - tick
    truth = [(person.pk, index * 10_000_000 + record.entity) for record, person in zip(records, persons, strict=True)]
    return {"made": len(persons), "duplicates": duplicates, "truth": truth, "timings": timings}
