"""``manage.py generate_synthetic --persons N --seed S``: fill the database with synthetic people for benchmarks.

Every person is invented (bench/synthetic_people.py): families over the real communes, with a share of persons
recorded a second time by another office (the duplicates, with the error model of that module). Each record becomes
a person (identity encrypted, blind indexes, name tokens, blocking keys), a case in status ``received`` owned by a
synthetic agency of its province, and an intake. Rows are written with ``bulk_create`` in batches; encryption and
keyed hashing happen in Python and are most of the cost. ``--truth FILE`` writes ``person_id,entity`` so that the
benchmark can score batch matching. Never run it on a database with real people: ``--flush`` deletes every person.
"""

from __future__ import annotations

import csv
import datetime
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from trove.agencies.models import Agency, AgencyType
from trove.cases.models import AccompanyingChild, Case, CaseEvent, Intake, IntakeChannel, PlaceKind
from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.people.identity import index_identity, name_token, name_words
from trove.people.matching import UnitResolver
from trove.people.matching.keys import match_key_rows
from trove.people.models import MatchKey, MissingPerson, NameToken, Person, PersonMerge, SuspectedVictim

BENCH_USER = "synthetic-bench"


def _birth(text: str) -> tuple[datetime.date, str, int]:
    parts = [int(p) for p in text.split("-")]
    precision = {1: "year", 2: "month", 3: "day"}[len(parts)]
    parts += [1] * (3 - len(parts))
    return datetime.date(*parts), precision, parts[0]


class Command(BaseCommand):
    help = "Fill the database with synthetic persons, intakes and cases (benchmarks only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="number of person records to create")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--duplicate-share", type=float, default=0.1,
                            help="share of persons recorded a second time (default 0.1)")
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--truth", type=Path, help="write person_id,entity here")
        parser.add_argument("--flush", action="store_true", help="delete every person, case and intake first")

    def handle(self, *args, persons: int, seed: int, duplicate_share: float, batch: int, truth: Path | None,
               flush: bool, **options) -> None:
        from bench.synthetic_people import PeopleFactory, corrupt, load_communes, other_set_map

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
        units = {f"{s}:{c}": pk for s, c, pk in AdminUnit.objects.filter(level="commune")
                 .values_list("unit_set", "code", "pk")}
        province_of = {f"{s}:{c}": p for s, c, p in AdminUnit.objects.filter(level="commune")
                       .values_list("unit_set", "code", "province_code")}
        agencies = self._agencies()
        officer = User.objects.get_or_create(username=BENCH_USER, defaults={"full_name": "Synthetic benchmark"})[0]
        resolver = UnitResolver().preload_all()
        factory = PeopleFactory(communes, seed)
        rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, reproducible from its seed
        other = other_set_map(communes)
        truth_rows: list[tuple[int, int]] = []
        started = time.monotonic()
        pending = []
        made = duplicates = 0
        timings = {"prepare": 0.0, "persons": 0.0, "keys": 0.0, "cases": 0.0}

        def flush_batch() -> None:
            nonlocal pending
            if pending:
                self._write(pending, units, province_of, agencies, officer, resolver, seed, made, truth_rows, timings)
                pending = []

        for family in factory.families(persons):
            for record in family:
                if made + len(pending) >= persons:
                    break
                pending.append(record)
                if rng.random() < duplicate_share and made + len(pending) < persons:
                    duplicates += 1
                    pending.append(corrupt(rng, record, f"D{duplicates}", other))
                if len(pending) >= batch:
                    count = len(pending)
                    flush_batch()
                    made += count
                    self.stderr.write(f"\r{made}/{persons} persons", ending="")
            if made + len(pending) >= persons:
                break
        count = len(pending)
        flush_batch()
        made += count
        elapsed = time.monotonic() - started
        self.stderr.write(f"\r{made}/{persons} persons")
        if truth:
            truth.parent.mkdir(parents=True, exist_ok=True)
            with truth.open("w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(["person_id", "entity"])
                writer.writerows(truth_rows)
        rate = made / elapsed if elapsed else 0
        self.stdout.write(f"{made} persons ({duplicates} second records), cases and intakes in {elapsed:.1f} s "
                          f"({rate:.0f} persons/s); " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

    def _flush(self) -> None:
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

    def _write(self, records, units, province_of, agencies, officer, resolver, seed, offset, truth_rows,
               timings) -> None:
        tick = time.monotonic()
        persons = []
        for record in records:
            birth, precision, year = _birth(record.birth_date)
            person = Person(
                full_name=record.full_name, birth_date=birth, birth_precision=precision, birth_year=year,
                sex=record.sex or "unknown", citizen_id=record.citizen_id,
                home_unit_id=units.get(record.home_unit), father_name=record.father_name,
                mother_name=record.mother_name, created_by=officer,
            )
            index_identity(person)
            persons.append(person)
        timings["prepare"] += time.monotonic() - tick
        tick = time.monotonic()
        with transaction.atomic():
            Person.objects.bulk_create(persons, batch_size=len(persons))
            timings["persons"] += time.monotonic() - tick
            tick = time.monotonic()
            tokens, keys = [], []
            for person in persons:
                tokens.extend(NameToken(person_id=person.pk, token=name_token(word))
                              for word in name_words(person.full_name))
                keys.extend(match_key_rows(person, resolver))
            NameToken.objects.bulk_create(tokens, batch_size=5000)
            MatchKey.objects.bulk_create(keys, batch_size=5000)
            timings["keys"] += time.monotonic() - tick
            tick = time.monotonic()
            now = timezone.now()
            cases = []
            for number, (record, person) in enumerate(zip(records, persons, strict=True), start=offset + 1):
                unit_key = record.home_unit or records[0].home_unit
                agency = agencies.get(self._province_2025(unit_key, province_of, resolver)) or next(
                    iter(agencies.values()))
                cases.append(Case(code=f"SYN{seed}-{number:07d}", pseudonym=f"NN-{number:07d}", person=person,
                                  owner_agency=agency, unit_id=units.get(unit_key) or agency.unit_id,
                                  opened_at=now, created_by=officer))
            Case.objects.bulk_create(cases, batch_size=len(cases))
            channels = IntakeChannel.values
            Intake.objects.bulk_create([
                Intake(case=case, channel=channels[case.pk % len(channels)], received_at=now,
                       receiving_officer=officer, place_kind=PlaceKind.COMMUNE, consent_given=True)
                for case in cases
            ], batch_size=len(cases))
            timings["cases"] += time.monotonic() - tick
        truth_rows.extend((person.pk, record.entity) for record, person in zip(records, persons, strict=True))

    @staticmethod
    def _province_2025(unit_key: str, province_of: dict, resolver: UnitResolver) -> str:
        place = resolver.place(unit_key) if unit_key else None
        if place and place.provinces:
            return sorted(place.provinces)[0]
        return province_of.get(unit_key, "")
