"""National-scale benchmark (issue 13): every daily page and API call, at concurrency 1 and under 16 clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_scale .venv/bin/python bench/national.py --persons 1000000

1. Fills the database with ``generate_synthetic --persons N --flush`` (every kind of record; ``--skip-generate`` to
   reuse the data already there) and signs in the people of the province agency with the most cases: an intake
   officer, a caseworker, a supervisor, a statistician, a plan coordinator, a caseworker of the Women's Union the
   cases are referred to, and a tip officer of the province police.
2. **Concurrency 1**: requests every scenario ``--requests`` times through Django's test client (middleware, access
   policy, queries, templates; no network) — p50, p95, max and the query count.
3. **Under load**: starts gunicorn (``make serve``'s command, ``--web-workers`` processes, DEBUG off) on
   ``--port`` with this database, and runs ``wrk`` (Debian's package) for ``--seconds`` per scenario with 16
   connections, the signed-in session in a cookie and the scenario's URLs cycled by a Lua script — p50, p95 and
   requests per second.
4. **Baselines** in the same run: ``/healthz`` (a bare Django view on the same stack: middleware, one ``SELECT 1``),
   at both concurrencies, and the yearly report against the hand-written SQL of ``bench/reports_yearly.py``.

Writes the results as one JSON line to ``bench/results.jsonl`` (and prints them). Synthetic data only: never point it
at a database with real people (``generate_synthetic`` refuses one). The intake saves it makes are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

TARGET_C1_MS, TARGET_C16_MS, TARGET_DUPLICATE_MS = 150, 500, 50
BENCH_INTAKE_NAME = "Phạm Thị Thử Tải"  # the intake saves of the benchmark, deleted at the end

WRK_SCRIPT = r"""
local paths, n = {}, 0
for line in io.lines(os.getenv("BENCH_PATHS")) do n = n + 1; paths[n] = line end
local method, body, counter = os.getenv("BENCH_METHOD") or "GET", os.getenv("BENCH_BODY"), 0
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
if body then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
request = function()
  counter = counter + 1
  return wrk.format(method, paths[(counter % n) + 1], nil, body)
end
done = function(summary, latency, requests)
  local codes = {}
  io.write(string.format("BENCH {\"p50_ms\": %.1f, \"p95_ms\": %.1f, \"max_ms\": %.1f, \"requests\": %d, " ..
    "\"seconds\": %.2f, \"errors\": %d, \"non_2xx_3xx\": %d}\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000, summary.requests,
    summary.duration / 1e6, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.errors.status))
end
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(times: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1), "requests": len(times)}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- the people and the things they open ------------------------------------------------------------------------------

def people() -> dict:
    """The bench users of the agency with the most cases, and what their pages need."""
    from django.db.models import Count

    from trove.agencies.models import Agency, AgencyType, Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User
    from trove.geo.models import AdminUnit
    from trove.intel.models import Tip
    from trove.plans.models import Plan
    from trove.referrals.models import Referral

    top = Case.objects.values("owner_agency").annotate(n=Count("pk")).order_by("-n").first()
    agency = Agency.objects.select_related("unit").get(pk=top["owner_agency"])
    province = agency.unit
    receiver = (Referral.objects.filter(from_agency=agency).values_list("to_agency", flat=True).first())
    police = Agency.objects.filter(agency_type=AgencyType.POLICE, unit=province).first()

    def user(username: str, member_of, role: str) -> User:
        made, _created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        if member_of is not None:
            Membership.objects.get_or_create(user=made, agency_id=getattr(member_of, "pk", member_of), role=role,
                                             defaults={"scope_unit": province})
        return made

    users = {
        "intake": user("bench_n_intake", agency, Role.INTAKE_OFFICER),
        "caseworker": user("bench_n_caseworker", agency, Role.CASEWORKER),
        "supervisor": user("bench_n_supervisor", agency, Role.SUPERVISOR),
        "statistician": user("bench_n_statistician", agency, Role.STATISTICIAN),
        "coordinator": user("bench_n_coordinator", agency, Role.PLAN_COORDINATOR),
        "womens_union": user("bench_n_union", receiver, Role.CASEWORKER),
        "tips": user("bench_n_tips", police, Role.INTAKE_OFFICER),
        "investigator": user("bench_n_investigator", police, Role.PROCEEDINGS_OFFICER),
    }
    rng = random.Random(7)  # noqa: S311 - picks synthetic records to open
    codes = list(Case.objects.filter(owner_agency=agency).values_list("code", flat=True).order_by("pk")[:20000])
    victim_codes = list(Case.objects.filter(owner_agency=agency, status__in=["supporting", "reintegrating"])
                        .values_list("code", flat=True).order_by("pk")[:20000]) or codes
    plan = Plan.objects.filter(owner_agency=agency).order_by("-pk").first()
    # A commune of the 2025 set: the intake form offers only units valid on the day of receiving (today).
    commune = (AdminUnit.objects.filter(pk__in=Case.objects.filter(owner_agency=agency, unit__unit_set="2025")
                                        .values("unit_id")[:1]).first())
    tip_codes = list(Tip.objects.filter(owner_agency=police).values_list("code", flat=True)[:5000]) if police else []
    return {"agency": agency, "province": province, "users": users, "rng": rng, "codes": rng.sample(codes, len(codes)),
            "victim_codes": rng.sample(victim_codes, len(victim_codes)), "plan": plan, "commune": commune,
            "tip_codes": tip_codes, "agency_cases": top["n"]}


def intake_form(setting: dict, *, decision: str, name: str, birth_year: int = 1998, home: str = "") -> dict:
    from django.utils import timezone

    unit = setting["commune"].key if setting["commune"] else ""
    return {
        "channel": "returned_self", "received_at": (timezone.localtime() - datetime.timedelta(hours=3))
        .strftime("%Y-%m-%dT%H:%M"), "place_kind": "commune", "place_name": "UBND xã (thử tải)", "place_unit": unit,
        "full_name": name, "sex": "female", "birth_year": str(birth_year), "citizen_id": "", "home_unit": home or unit,
        "country_returned_from": "CN",
        "nationality": "VN", "education": "unknown", "marital_status": "unknown", "consent": "yes",
        "decision": decision,
        "doc-TOTAL_FORMS": "0", "doc-INITIAL_FORMS": "0", "doc-MIN_NUM_FORMS": "0", "doc-MAX_NUM_FORMS": "10",
        "child-TOTAL_FORMS": "0", "child-INITIAL_FORMS": "0", "child-MIN_NUM_FORMS": "0", "child-MAX_NUM_FORMS": "10",
    }


def scenarios(setting: dict, year: int) -> list[dict]:
    """Every page and API call of a working day: name, who, method, paths (cycled) and form data for a POST."""
    from trove.people.models import Person

    codes, victims, plan = setting["codes"], setting["victim_codes"], setting["plan"]
    province = setting["province"]
    commune = setting["commune"]
    stats = f"kind=year&year={year}&units=today&place={province.key}"
    known = (Person.objects.filter(cases__owner_agency=setting["agency"]).select_related("home_unit")
             .order_by("pk").first())
    known_form = {"name": known.full_name, "birth_year": known.birth_year or 1990,
                  "home": known.home_unit.key if known.home_unit else ""} if known else {"name": "Nguyễn Thị Hoa"}
    one = codes[:200]
    # The position of the 10,000th newest case of the agency: the "Older" link of the page that ends there.
    from trove.cases.models import Case
    from trove.core import paging
    tenth = (Case.objects.filter(owner_agency=setting["agency"], archived_at__isnull=True)
             .order_by("-opened_at", "-pk").values_list("opened_at", "pk")[9999:10000].first())
    deep = paging.encode(*tenth) if tenth else ""
    rows = [
        ("case list", "caseworker", ["/cases/"]),
        ("case list, 10,000 cases down (older from a position)", "caseworker", [f"/cases/?older={deep}"]),
        ("case list, by status", "caseworker", ["/cases/?status=supporting"]),
        ("case list, by channel", "caseworker", ["/cases/?channel=returned_self"]),
        ("case list, by commune", "caseworker", [f"/cases/?unit={commune.key}" if commune else "/cases/"]),
        ("case list, by agency", "supervisor", [f"/cases/?agency={setting['agency'].pk}"]),
        ("case list, received in a month", "caseworker",
         [f"/cases/?received_from={year}-03-01&received_to={year}-03-31"]),
        ("case list, by case code", "caseworker", [f"/cases/?q={code}" for code in one]),
        ("case list, by name", "caseworker", ["/cases/?q=Nguyễn+Thị+Hoa"]),
        ("case page", "caseworker", [f"/cases/{code}/" for code in one]),
        ("intake form (GET)", "intake", ["/cases/intake/"]),
        ("verification page of a case", "caseworker", [f"/verification/{code}/" for code in one]),
        ("verification deadlines (agency)", "caseworker", ["/verification/deadlines/"]),
        ("verification deadlines (supervisor's scope)", "supervisor", ["/verification/deadlines/?scope=scope"]),
        ("support ledger of a case", "caseworker", [f"/support/cases/{code}/" for code in victims[:200]]),
        ("support overview", "caseworker", ["/support/"]),
        ("referral inbox (received)", "womens_union", ["/referrals/"]),
        ("referral inbox (sent)", "caseworker", ["/referrals/"]),
        ("follow-up list (agency)", "caseworker", ["/referrals/followup/"]),
        ("follow-up of a case", "caseworker", [f"/referrals/case/{code}/followup/" for code in victims[:200]]),
        ("tip list", "tips", ["/tips/"]),
        ("tip page", "tips", [f"/tips/{code}/" for code in setting["tip_codes"][:200]] or ["/tips/"]),
        ("proceedings list", "investigator", ["/tips/proceedings/"]),
        ("plan list", "coordinator", ["/plans/"]),
        ("plan dashboard", "coordinator", [f"/plans/{plan.pk}/progress/"] if plan else ["/plans/"]),
        ("leaders' dashboard", "statistician", [f"/reports/dashboard/?{stats}"]),
        ("periodic report (yearly, province)", "statistician", [f"/reports/?{stats}"]),
        ("export: report table as CSV", "statistician", [f"/reports/table.csv?{stats}&table=figures"]),
        ("publication tables", "statistician", [f"/reports/publication/?{stats}"]),
        ("my work", "caseworker", ["/reports/my-work/"]),
        ("API: case list", "caseworker", ["/api/v1/cases"]),
        ("API: case list, by status", "caseworker", ["/api/v1/cases?status=supporting"]),
        ("API: one case", "caseworker", [f"/api/v1/cases/{code}" for code in one]),
        ("API: tips", "tips", ["/api/v1/tips"]),
        ("baseline: /healthz (bare Django view)", "caseworker", ["/healthz"]),
    ]
    made = [{"name": name, "user": who, "method": "GET", "paths": paths} for name, who, paths in rows]
    made.append({"name": "duplicate check (intake form with an existing person's name)", "user": "intake",
                 "method": "POST", "paths": ["/cases/intake/"],
                 "data": intake_form(setting, decision="", **known_form)})
    made.append({"name": "intake save (new person, duplicate check included)", "user": "intake", "method": "POST",
                 "paths": ["/cases/intake/"], "data": intake_form(setting, decision="new", name=BENCH_INTAKE_NAME)})
    return made


# -- concurrency 1: the test client ------------------------------------------------------------------------------------

def measure_one(clients: dict, scenario: dict, requests: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client = clients[scenario["user"]]
    paths = scenario["paths"]
    times, statuses, queries, sql = [], set(), 0, []
    for number in range(requests + 1):
        path = paths[number % len(paths)]
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            if scenario["method"] == "POST":
                response = client.post(path, scenario["data"])
            else:
                response = client.get(path)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            elapsed = (time.perf_counter() - start) * 1000
        statuses.add(response.status_code)
        queries = len(captured.captured_queries)
        if number:  # the first request warms caches and connections; it is not counted
            times.append(elapsed)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        reset_queries()
    return {**summary(times), "queries": queries, "sql_p50_ms": round(statistics.median(sql), 1),
            "status": sorted(statuses)}


def duplicate_checks(count: int, seed: int) -> dict:
    """``find_candidates`` for persons of the registry re-written through the error model (the intake's check)."""
    from bench.synthetic_people import Record, corrupt, load_communes, other_set_map
    from trove.people.management.commands.find_duplicates import parse_birth_date
    from trove.people.matching import PersonData, find_candidates
    from trove.people.matching.retrieval import SCORED_FIELDS
    from trove.people.models import Person

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    other = other_set_map(load_communes())
    last = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample = [rng.randint(1, last) for _ in range(count * 2)]
    persons = list(Person.objects.filter(pk__in=sample).only(*SCORED_FIELDS).select_related("home_unit")[:count])
    times, found = [], 0
    for person in persons:
        birth = person.birth_date.isoformat() if person.birth_date else "1990-01-01"
        record = Record(id="q", entity=0, full_name=person.full_name, birth_date=birth, sex=person.sex,
                        citizen_id=person.citizen_id, home_unit=person.home_unit.key if person.home_unit else "",
                        father_name=person.father_name, mother_name=person.mother_name, family=0)
        noisy = corrupt(rng, record, "q", other)
        date, precision, year = parse_birth_date(noisy.birth_date)
        data = PersonData(full_name=noisy.full_name, birth_date=date, birth_precision=precision, birth_year=year,
                          sex=noisy.sex or "unknown", citizen_id=noisy.citizen_id, home_unit=noisy.home_unit or None,
                          father_name=noisy.father_name, mother_name=noisy.mother_name)
        start = time.perf_counter()
        candidates = find_candidates(data, limit=10)
        times.append((time.perf_counter() - start) * 1000)
        found += person.pk in {c.person_id for c in candidates}
    return {**summary(times), "true_person_in_top10": round(found / len(times), 3) if times else None}


def report_against_sql(year: int, repeat: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from bench.reports_yearly import busiest, sql_report, sql_totals
    from trove.geo.models import AdminUnit
    from trove.reports.periods import parse_period
    from trove.reports.places import Place
    from trove.reports.report import build_report

    code, cases, year = busiest()
    province = AdminUnit.objects.get(unit_set="2025", level="province", province_code=code)
    period = parse_period(str(year))
    place = Place(province, "today")
    saved, settings.REPORTS_CACHE_SECONDS = getattr(settings, "REPORTS_CACHE_SECONDS", None), 0
    start, end = period.start_moment(), period.end_moment()
    adapt = connection.ops.adapt_datetimefield_value
    orm, sql = [], []
    try:
        report = build_report(period, place)
        raw = sql_report(code, start, end, connection.vendor, adapt)
        for _ in range(repeat):
            tick = time.perf_counter()
            build_report(period, place)
            orm.append((time.perf_counter() - tick) * 1000)
            tick = time.perf_counter()
            sql_report(code, start, end, connection.vendor, adapt)
            sql.append((time.perf_counter() - tick) * 1000)
    finally:
        if saved is None:
            del settings.REPORTS_CACHE_SECONDS
        else:
            settings.REPORTS_CACHE_SECONDS = saved
    totals = {name: report.total(name).n for name in ("received", "identification.victim",
                                                     "identification.not_victim",
                                                     "identification.being_identified", "suspected", "missing")}
    return {"province": province.key, "province_cases": cases, "year": year,
            "report_median_ms": round(statistics.median(orm), 1), "sql_median_ms": round(statistics.median(sql), 1),
            "ratio": round(statistics.median(orm) / statistics.median(sql), 2),
            "same_numbers": totals == sql_totals(raw)}


# -- concurrency 16: gunicorn and wrk ----------------------------------------------------------------------------------

def start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="0", SECURE_COOKIES="0", API_RATE_LIMIT_PER_MINUTE="100000000")
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "trove.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310 - localhost
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer on /healthz within 60 s")


def drain(port: int) -> None:
    """Wait until the requests wrk left behind are served (gunicorn finishes them after wrk closes the connections),
    so that one scenario's backlog is not measured as the next one's latency."""
    for _ in range(120):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):  # noqa: S310 - localhost
                pass
        except OSError:
            pass
        if time.perf_counter() - start < 0.5:
            return
        time.sleep(0.5)


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def measure_load(port: int, scenario: dict, cookie: str, seconds: int, connections: int, workdir: Path) -> dict:
    from urllib.parse import quote, urlencode

    paths = workdir / "paths.txt"
    paths.write_text("\n".join(quote(p, safe="/?=&+%:") for p in scenario["paths"]) + "\n", encoding="utf-8")
    script = workdir / "bench.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    env = dict(os.environ, BENCH_PATHS=str(paths), BENCH_COOKIE=cookie, BENCH_METHOD=scenario["method"])
    if scenario["method"] == "POST":
        env["BENCH_BODY"] = urlencode({**scenario["data"], "csrfmiddlewaretoken": scenario["csrf"]})
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s",
         str(script), f"http://127.0.0.1:{port}"], env=env, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        return {"error": (done.stderr or done.stdout)[-300:]}
    result = json.loads(line[6:])
    result["throughput_rps"] = round(result["requests"] / result["seconds"], 1) if result["seconds"] else 0
    return result


def cleanup_intakes() -> int:
    """Delete the cases and persons the intake-save scenario made (the generator's guard wants only its own)."""
    from django.db import transaction

    from trove.cases.models import Case
    from trove.people.models import MatchKey, NameToken, Person

    persons = Person.objects.exclude(created_by__username="synthetic-bench")
    ids = list(persons.values_list("pk", flat=True))
    with transaction.atomic():
        for case in Case.objects.filter(person_id__in=ids):
            case.delete()
        MatchKey.objects.filter(person_id__in=ids).delete()
        NameToken.objects.filter(person_id__in=ids).delete()
        Person.objects.filter(pk__in=ids).delete()
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description="National-scale benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=30, help="requests per scenario at concurrency 1")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of wrk per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="concurrency 1 only")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.utils import timezone

    from bench.run import machine
    from bench.synthetic_people import load_communes  # noqa: F401 - fails early without reference data
    from trove.core.testing import sign_in

    if connection.vendor != "postgresql":
        print("note: the national benchmark is meant for PostgreSQL; running on", connection.vendor, file=sys.stderr)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000_000
    results: dict = {"scenario": "national", "persons": args.persons, "engine": connection.vendor,
                     "date": timezone.localdate().isoformat(), "machine": machine(), "load_before": load_average(),
                     # The web workers under load share cached statistics only through a shared cache (CACHE_URL).
                     "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}
    if not args.skip_generate:
        started = time.monotonic()
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush")
        results["generate_s"] = round(time.monotonic() - started, 1)
    cleanup_intakes()
    results["rows"] = table_sizes()
    print(json.dumps({"rows": results["rows"]}, ensure_ascii=False), flush=True)
    setting = people()
    year = timezone.localdate().year - 1
    results["agency_cases"] = setting["agency_cases"]
    chosen = [s for s in scenarios(setting, year) if not args.only or args.only in s["name"]]
    clients, cookies = {}, {}
    for key, user in setting["users"].items():
        clients[key] = Client()
        sign_in(clients[key], user)
        cookies[key] = clients[key].cookies[settings.SESSION_COOKIE_NAME].value
    results["concurrency_1"] = {}
    for scenario in chosen:
        results["concurrency_1"][scenario["name"]] = measure_one(clients, scenario, args.requests)
        print(f"c1  {scenario['name']}: {results['concurrency_1'][scenario['name']]}", flush=True)
    results["duplicate_check_find_candidates"] = duplicate_checks(200, args.seed)
    print(f"find_candidates: {results['duplicate_check_find_candidates']}", flush=True)
    if not args.only:
        results["report_vs_sql"] = report_against_sql(year, 5)
        print(f"report vs SQL: {results['report_vs_sql']}", flush=True)
    if not args.skip_load:
        if not shutil.which("wrk"):
            raise SystemExit("wrk is not installed (apt-get install wrk); run with --skip-load to skip the load part")
        results["concurrency_16"] = {}
        results["web_workers"] = args.web_workers
        server = start_server(args.port, args.web_workers)
        try:
            with tempfile.TemporaryDirectory() as workdir:
                for scenario in chosen:
                    csrf = _get_new_csrf_string()
                    scenario["csrf"] = csrf
                    cookie = f"{settings.SESSION_COOKIE_NAME}={cookies[scenario['user']]}; csrftoken={csrf}"
                    measured = measure_load(args.port, scenario, cookie, args.seconds, args.connections,
                                            Path(workdir))
                    measured["load_average"] = load_average()
                    drain(args.port)
                    results["concurrency_16"][scenario["name"]] = measured
                    print(f"c{args.connections} {scenario['name']}: {measured}", flush=True)
        finally:
            stop_server(server)
    results["intake_saves_deleted"] = cleanup_intakes()
    results["load_after"] = load_average()
    results["verdict"] = verdict(results)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


def table_sizes() -> dict:
    from django.apps import apps
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in {"people", "cases", "verification", "support", "referrals", "intel",
                                             "plans", "core"} or model._meta.proxy:
                continue
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
                row = cursor.fetchone()
                count = int(row[0]) if row else 0
            else:
                count = model.objects.count()
            if count > 0:
                sizes[model._meta.label] = count
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def verdict(results: dict) -> dict:
    one, many = results.get("concurrency_1", {}), results.get("concurrency_16", {})
    missed_c1 = {k: v["p95_ms"] for k, v in one.items() if v.get("p95_ms", 0) > TARGET_C1_MS}
    missed_c16 = {k: v.get("p95_ms") for k, v in many.items() if (v.get("p95_ms") or 1e9) > TARGET_C16_MS}
    bare = one.get("baseline: /healthz (bare Django view)", {}).get("p50_ms")
    case_page = one.get("case page", {}).get("p50_ms")
    duplicate = results.get("duplicate_check_find_candidates", {}).get("p95_ms")
    return {"c1_p95_over_150ms": missed_c1, "c16_p95_over_500ms": missed_c16,
            "case_page_over_bare_view_p50": round(case_page / bare, 1) if bare and case_page else None,
            "duplicate_check_p95_ms": duplicate,
            "report_over_sql": results.get("report_vs_sql", {}).get("ratio")}


if __name__ == "__main__":
    main()
