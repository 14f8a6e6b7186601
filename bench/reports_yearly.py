"""Statistics benchmark: a province's yearly report against the equivalent hand-written SQL, and the statistics pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_reports_bench .venv/bin/python bench/reports_yearly.py \
        --persons 100000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``), then spreads the synthetic cases over
2019–2026 the way real data is spread: intake dates, countries returned from for the channels from abroad,
approved identification decisions for about half of the cases (regime A purposes as grounds for the older ones),
suspected victims (a tenth of the persons) and missing persons (a twentieth), and the verification steps of every
case (``bench/pages.py``). All of it in bulk, synthetic only.

Then, for the 2025 province with the most cases and the busiest year:

1. **the yearly report** (``trove.reports.report.build_report``, every table, the cache switched off) and the same
   numbers computed by hand-written SQL — one GROUP BY query per table and figure, over the same joins and the same
   units of today's province — each ``--repeat`` times, alternately; the medians, their ratio (target: at most 2),
   and a check that both give the same numbers;
2. **the pages** through Django's test client (middleware, access policy, cache, templates): the statistics page,
   the dashboard and the tables for publication, each ``--requests`` times after one cold request, and a
   caseworker's "my work" page — p50/p95/max and the first (cold) time.

Prints one JSON document. Never run it on a database with real people: ``generate_synthetic --flush`` refuses one.
"""

# The hand-written SQL is built from constant fragments of this file; every value is a bound parameter.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

BATCH = 5000
ABROAD = ("handover_official", "returned_mission", "returned_self")
COUNTRIES = ["CN", "CN", "CN", "KH", "KH", "LA", "MY", "TH", "KR", "TW", "GB", "DE"]
RISK = ["labour_export", "tourism", "marriage_foreigner", "online_recruitment", "other"]


def spread(seed: int) -> dict:
    """Give the synthetic cases dates, countries, decisions and registry entries, in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from trove.cases.models import Case, Intake
    from trove.core.models import User
    from trove.people.models import MissingPerson, SuspectedVictim
    from trove.rules.models import IdentificationGround
    from trove.verification.models import IdentificationDecision

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible
    now = timezone.now()
    first = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    span = (now - datetime.timedelta(days=2) - first).total_seconds()
    officer = User.objects.get(username="synthetic-bench")
    purposes = list(IdentificationGround.objects.filter(group="exploitative_purpose", regime__code="A"))
    evidence_b = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
    through = IdentificationDecision.grounds.through
    IdentificationDecision.objects.all().delete()
    SuspectedVictim.objects.all().delete()
    MissingPerson.objects.all().delete()
    counts = {"decisions": 0, "suspected": 0, "missing": 0}
    rows = list(Case.objects.values_list("pk", "intake__pk", "intake__channel", "person_id", "owner_agency_id",
                                         "unit_id"))
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        intakes, decisions, statuses = [], [], []
        for case_id, intake_id, channel, _person, _agency, _unit in chunk:
            received = first + datetime.timedelta(seconds=rng.random() * span)
            country = rng.choice(COUNTRIES) if channel in ABROAD else None
            intakes.append(Intake(pk=intake_id, received_at=received, country_returned_from_id=country))
            if rng.random() < 0.5:
                decided = min(received.date() + datetime.timedelta(days=rng.randint(5, 120)),
                              timezone.localdate() - datetime.timedelta(days=1))
                outcome = "victim" if rng.random() < 0.8 else "not_victim"
                decisions.append(IdentificationDecision(
                    case_id=case_id, outcome=outcome, decided_by=officer, decision_date=decided, reasons="(thử)",
                    status="approved", approved_by=officer, approved_at=now))
                statuses.append(Case(pk=case_id, status="identified_victim" if outcome == "victim" else "not_victim"))
        with transaction.atomic():
            Intake.objects.bulk_update(intakes, ["received_at", "country_returned_from"], batch_size=1000)
            Case.objects.bulk_update(statuses, ["status"], batch_size=1000)
            IdentificationDecision.objects.bulk_create(decisions, batch_size=1000)
            links = []
            for decision in decisions:
                if decision.decision_date < datetime.date(2025, 7, 1):
                    links.extend(through(identificationdecision_id=decision.pk, identificationground_id=ground.pk)
                                 for ground in rng.sample(purposes, rng.choice([1, 1, 2])))
                elif evidence_b:
                    links.append(through(identificationdecision_id=decision.pk, identificationground_id=evidence_b.pk))
            through.objects.bulk_create(links, batch_size=5000)
        counts["decisions"] += len(decisions)
    entries_s, entries_m = [], []
    for _case, _intake, _channel, person, agency, unit in rng.sample(rows, len(rows) // 10):
        day = (first + datetime.timedelta(seconds=rng.random() * span)).date()
        entries_s.append(SuspectedVictim(owner_agency_id=agency, unit_id=unit, person_id=person, reported_on=day,
                                         risk_channel=rng.choice(RISK), destination_country_id=rng.choice(COUNTRIES)))
    for _case, _intake, _channel, person, agency, unit in rng.sample(rows, len(rows) // 20):
        day = (first + datetime.timedelta(seconds=rng.random() * span)).date()
        entries_m.append(MissingPerson(owner_agency_id=agency, unit_id=unit, person_id=person, reported_on=day,
                                       last_known_country_id=rng.choice(COUNTRIES),
                                       status=rng.choice(["missing", "missing", "located"])))
    with transaction.atomic():
        SuspectedVictim.objects.bulk_create(entries_s, batch_size=2000)
        MissingPerson.objects.bulk_create(entries_m, batch_size=2000)
    counts["suspected"], counts["missing"] = len(entries_s), len(entries_m)
    return counts


# -- the same report in hand-written SQL ------------------------------------------------------------------------------


def _year_of(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column} AT TIME ZONE 'Asia/Ho_Chi_Minh')"
    return f"CAST(strftime('%Y', datetime({column}, '+7 hours')) AS INTEGER)"


def _age_group(date_column: str, vendor: str) -> str:
    age = f"({_year_of(date_column, vendor)} - p.birth_year)"
    return (f"CASE WHEN p.birth_year IS NULL THEN 'unknown' WHEN {age} < 16 THEN 'under_16' "
            f"WHEN {age} < 18 THEN '16_17' ELSE 'adult' END")


SEX = "CASE WHEN p.sex = 'female' THEN 'female' WHEN p.sex = 'male' THEN 'male' ELSE 'other_unknown' END"


def place_units_sql(province_code: str) -> tuple[str, list]:
    """The ids of the units whose records count under today's province: its 2025 units, the legacy communes whose
    default successor lies in it, and the other legacy units of the legacy provinces that went into it."""
    sql = """
        SELECT u.id FROM geo_adminunit u WHERE u.unit_set = '2025' AND u.province_code = %s
        UNION
        SELECT s.legacy_unit_id FROM geo_unitsuccession s
          JOIN geo_adminunit lu ON lu.id = s.legacy_unit_id
          JOIN geo_adminunit nu ON nu.id = s.new_unit_id
         WHERE s.is_default AND lu.level = 'commune' AND nu.level = 'commune' AND nu.province_code = %s
        UNION
        SELECT lu.id FROM geo_adminunit lu
         WHERE lu.unit_set = 'legacy' AND lu.level IN ('province', 'district')
           AND lu.province_code IN (
               SELECT lp.province_code FROM geo_unitsuccession s
                 JOIN geo_adminunit lp ON lp.id = s.legacy_unit_id
                 JOIN geo_adminunit np ON np.id = s.new_unit_id
                WHERE lp.level = 'province' AND np.province_code = %s)
    """
    return sql, [province_code, province_code, province_code]


def sql_report(province_code: str, start, end, vendor: str, adapt) -> dict:
    """Every number of the yearly report, by hand-written SQL: one GROUP BY per table and figure."""
    from django.db import connection

    units, unit_params = place_units_sql(province_code)
    age_intake = _age_group("i.received_at", vendor)
    age_report = _age_group("r.reported_on", vendor)
    begin, finish = adapt(start), adapt(end)
    end_day = (end - datetime.timedelta(days=1)).date()
    start_day = start.date()
    received = f"""FROM cases_case c JOIN cases_intake i ON i.case_id = c.id JOIN people_person p ON p.id = c.person_id
                  WHERE i.received_at >= %s AND i.received_at < %s AND c.unit_id IN ({units})"""
    received_params = [begin, finish, *unit_params]
    exploited = f"""FROM verification_identificationdecision_grounds dg
                  JOIN verification_identificationdecision d ON d.id = dg.identificationdecision_id
                  JOIN rules_identificationground g ON g.id = dg.identificationground_id
                  JOIN cases_case c ON c.id = d.case_id JOIN cases_intake i ON i.case_id = c.id
                  JOIN people_person p ON p.id = c.person_id
                 WHERE d.status = 'approved' AND g."group" = 'exploitative_purpose'
                   AND c.id IN (SELECT d2.case_id FROM verification_identificationdecision d2
                                 WHERE d2.status = 'approved' AND d2.outcome = 'victim'
                                   AND d2.decision_date BETWEEN %s AND %s)
                   AND c.unit_id IN ({units})"""
    decided = f"""FROM cases_case c JOIN cases_intake i ON i.case_id = c.id JOIN people_person p ON p.id = c.person_id
                 WHERE c.id IN (SELECT d.case_id FROM verification_identificationdecision d
                                 WHERE d.status = 'approved' AND d.outcome = %s AND d.decision_date BETWEEN %s AND %s)
                   AND c.unit_id IN ({units})"""
    queries = {
        # Each figure by its sub-rows, sex, age group and unit: the main table and the table by unit.
        "received": (f"SELECT i.channel, {SEX}, {age_intake}, c.unit_id, COUNT(*) {received} GROUP BY 1, 2, 3, 4",
                     received_params),
        "victims": (f"SELECT {SEX}, {age_intake}, c.unit_id, COUNT(*) {decided} GROUP BY 1, 2, 3",
                    ["victim", start_day, end_day, *unit_params]),
        "not_victims": (f"SELECT {SEX}, {age_intake}, c.unit_id, COUNT(*) {decided} GROUP BY 1, 2, 3",
                        ["not_victim", start_day, end_day, *unit_params]),
        "being_identified": (
            f"""SELECT {SEX}, {age_intake}, c.unit_id, COUNT(*) {received}
                  AND c.id NOT IN (SELECT d.case_id FROM verification_identificationdecision d
                                    WHERE d.status = 'approved' AND d.outcome IN ('victim', 'not_victim')
                                      AND d.decision_date <= %s)
                GROUP BY 1, 2, 3""", [*received_params, end_day]),
        "suspected": (
            f"""SELECT r.risk_channel, {SEX}, {age_report}, r.unit_id, COUNT(*) FROM people_suspectedvictim r
                  JOIN people_person p ON p.id = r.person_id
                 WHERE r.reported_on BETWEEN %s AND %s AND r.unit_id IN ({units}) GROUP BY 1, 2, 3, 4""",
            [start_day, end_day, *unit_params]),
        "missing": (
            f"""SELECT {SEX}, {age_report}, r.unit_id, COUNT(*) FROM people_missingperson r
                  JOIN people_person p ON p.id = r.person_id
                 WHERE r.reported_on <= %s AND r.status = 'missing' AND r.unit_id IN ({units}) GROUP BY 1, 2, 3""",
            [end_day, *unit_params]),
        # Identified victims by type of exploitation, and how many have any type (for "not recorded").
        "exploitation": (
            f"""SELECT g.code, {SEX}, {age_intake}, COUNT(DISTINCT c.id) {exploited} GROUP BY 1, 2, 3""",
            [start_day, end_day, *unit_params]),
        "exploitation_any": (
            f"""SELECT {SEX}, {age_intake}, COUNT(DISTINCT c.id) {exploited} GROUP BY 1, 2""",
            [start_day, end_day, *unit_params]),
        "countries_received": (f"SELECT i.channel, i.country_returned_from_id, COUNT(*) {received} GROUP BY 1, 2",
                               received_params),
        "countries_suspected": (f"""SELECT r.destination_country_id, COUNT(*) FROM people_suspectedvictim r
                                    WHERE r.reported_on BETWEEN %s AND %s AND r.unit_id IN ({units}) GROUP BY 1""",
                                [start_day, end_day, *unit_params]),
        "countries_missing": (f"""SELECT r.last_known_country_id, COUNT(*) FROM people_missingperson r
                                  WHERE r.reported_on <= %s AND r.status = 'missing' AND r.unit_id IN ({units})
                                  GROUP BY 1""", [end_day, *unit_params]),
    }
    results = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in queries.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results


def sql_totals(results: dict) -> dict:
    total = lambda rows: sum(row[-1] for row in rows)  # noqa: E731
    return {"received": total(results["received"]), "identification.victim": total(results["victims"]),
            "identification.not_victim": total(results["not_victims"]),
            "identification.being_identified": total(results["being_identified"]),
            "suspected": total(results["suspected"]), "missing": total(results["missing"])}


# -- timing --------------------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def busiest() -> tuple:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from trove.cases.models import Case
    from trove.reports.places import unit_index

    index = unit_index()
    by_unit = Case.objects.values("unit_id").annotate(n=Count("pk")).order_by()
    per_province: dict[str, int] = {}
    for row in by_unit:
        code = index.today_province.get(row["unit_id"])
        if code:
            per_province[code] = per_province.get(code, 0) + row["n"]
    province = max(per_province, key=per_province.get)
    years = (Case.objects.annotate(y=ExtractYear("intake__received_at")).values("y").annotate(n=Count("pk"))
             .order_by("-n", "-y"))
    year = years[0]["y"]
    return province, per_province[province], year


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def page_times(client, url: str, params: dict, requests: int) -> dict:
    from django.core.cache import cache

    cache.clear()
    start = time.perf_counter()
    status = client.get(url, params).status_code
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
    return {"cold_ms": round(cold, 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1), "status": status,
            "requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser(description="Yearly statistics report benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from trove.agencies.models import Agency, Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User
    from trove.core.testing import sign_in
    from trove.geo.models import AdminUnit
    from trove.reports import freshness
    from trove.reports.periods import parse_period
    from trove.reports.places import Place
    from trove.reports.report import build_report

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results: dict = {"scenario": "reports_yearly", "persons": args.persons, "engine": connection.vendor,
                     "date": timezone.localdate().isoformat()}
    if not args.skip_generate:
        started = time.perf_counter()
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
        from bench.pages import give_cases_their_steps

        results["spread"] = spread(args.seed)
        results["steps"] = give_cases_their_steps()
        results["setup_s"] = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after the bulk writes, for both sides alike
    freshness._bump_now()
    code, province_cases, year = busiest()
    province = AdminUnit.objects.get(unit_set="2025", level="province", province_code=code)
    period = parse_period(str(year))
    place = Place(province, "today")
    results.update(cases=Case.objects.count(), province=f"{province.key} {province.name}",
                   province_cases=province_cases, year=year)

    # 1. The yearly report against hand-written SQL, alternately, without the cache.
    settings.REPORTS_CACHE_SECONDS = 0
    start, end = period.start_moment(), period.end_moment()
    adapt = connection.ops.adapt_datetimefield_value
    orm_times, sql_times = [], []
    report = build_report(period, place)
    raw = sql_report(code, start, end, connection.vendor, adapt)
    for _ in range(args.repeat):
        orm_times += timed(lambda: build_report(period, place), 1)
        sql_times += timed(lambda: sql_report(code, start, end, connection.vendor, adapt), 1)
    orm_totals = {name: report.total(name).n for name in ("received", "identification.victim",
                                                         "identification.not_victim",
                                                         "identification.being_identified", "suspected", "missing")}
    expected = sql_totals(raw)
    results["report"] = {
        "orm_median_ms": round(statistics.median(orm_times), 1),
        "sql_median_ms": round(statistics.median(sql_times), 1),
        "ratio": round(statistics.median(orm_times) / statistics.median(sql_times), 2),
        "orm_queries": None, "same_numbers": orm_totals == expected, "totals": orm_totals,
    }
    if orm_totals != expected:
        results["report"]["sql_totals"] = expected
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        build_report(period, place)
    results["report"]["orm_queries"] = len(captured)
    settings.REPORTS_CACHE_SECONDS = 600

    # 2. The pages, through the whole stack.
    agency = Agency.objects.filter(unit=province).first() or Agency.objects.first()
    statistician, _created = User.objects.get_or_create(username="bench_statistician",
                                                        defaults={"full_name": "bench_statistician"})
    Membership.objects.get_or_create(user=statistician, agency=agency, role=Role.STATISTICIAN,
                                     defaults={"scope_unit": province})
    caseworker, _created = User.objects.get_or_create(username="bench_reports_caseworker",
                                                      defaults={"full_name": "bench_reports_caseworker"})
    Membership.objects.get_or_create(user=caseworker, agency=agency, role=Role.CASEWORKER,
                                     defaults={"scope_unit": province})
    client = Client()
    sign_in(client, statistician)
    params = {"kind": "year", "year": str(year), "units": "today", "place": province.key}
    results["statistics_page"] = page_times(client, "/reports/", params, args.requests)
    results["dashboard"] = page_times(client, "/reports/dashboard/", params, args.requests)
    results["publication_page"] = page_times(client, "/reports/publication/", params, args.requests)
    worker = Client()
    sign_in(worker, caseworker)
    results["my_work"] = page_times(worker, "/reports/my-work/", {}, args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
