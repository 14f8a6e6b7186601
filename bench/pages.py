"""Page benchmark: the verification pages and the case list over a registry of synthetic cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/pages.py --persons 10000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``), gives every case the verification
steps of the regime in force on its intake date (in bulk, as ``open_verification`` would), signs in a caseworker and
a supervisor of the province with the most cases, and requests through Django's test client — the whole stack:
middleware, access policy, queries, templates — each page ``--requests`` times: a case's verification page (a
different case each time), the deadlines page for the agency and for the supervisor's scope, and the case list.
Prints p50/p95 and the query count, and appends a JSON line to ``bench/results.jsonl``. Synthetic data only.
"""

from __future__ import annotations

import argparse
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def give_cases_their_steps() -> int:
    from django.db import transaction
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.rules.selectors import regime_for, steps_for
    from trove.rules.workdays import deadline_for
    from trove.verification.models import VerificationStep

    done = set(VerificationStep.objects.values_list("case_id", flat=True).distinct())
    rows, cache = [], {}
    for case_id, channel, received_at in Case.objects.exclude(pk__in=done).values_list(
            "pk", "intake__channel", "intake__received_at").iterator(chunk_size=5000):
        day = timezone.localdate(received_at)
        key = (channel, day)
        if key not in cache:
            regime = regime_for(day)
            cache[key] = [(step, regime.code, deadline_for(step, received_at))
                          for step in steps_for(regime, channel)]
        rows += [VerificationStep(case_id=case_id, rule=step, regime_code=code, order=step.order,
                                  started_at=received_at, deadline=deadline)
                 for step, code, deadline in cache[key]]
        if len(rows) >= 5000:
            with transaction.atomic():
                VerificationStep.objects.bulk_create(rows)
            rows = []
    with transaction.atomic():
        VerificationStep.objects.bulk_create(rows)
    return VerificationStep.objects.count()


def personas():
    from django.db.models import Count

    from trove.agencies.models import Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User

    top = Case.objects.values("owner_agency").annotate(n=Count("pk")).order_by("-n").first()
    from trove.agencies.models import Agency

    agency = Agency.objects.get(pk=top["owner_agency"])
    users = {}
    for username, role in (("bench_caseworker", Role.CASEWORKER), ("bench_supervisor", Role.SUPERVISOR)):
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        Membership.objects.get_or_create(user=user, agency=agency, role=role, defaults={"scope_unit": agency.unit})
        users[role] = user
    return agency, users, top["n"]


def timed(client, url: str, count: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries, status = [], 0, None
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url() if callable(url) else url)
            times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        queries = len(captured.captured_queries)
        reset_queries()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1), "queries": queries, "status": status, "requests": count}


def main() -> None:
    parser = argparse.ArgumentParser(description="Page benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.core.testing import sign_in

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.skip_generate:
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
    steps = give_cases_their_steps()
    agency, users, agency_cases = personas()
    codes = list(Case.objects.filter(owner_agency=agency).values_list("code", flat=True))
    rng = random.Random(args.seed)  # noqa: S311 - picks which synthetic case to open; nothing secret
    results = {"scenario": "pages", "persons": args.persons, "cases": Case.objects.count(), "steps": steps,
               "agency_cases": agency_cases, "date": timezone.localdate().isoformat()}
    for role, user in users.items():
        client = Client()
        sign_in(client, user)
        if role == "caseworker":
            results["verification_page"] = timed(client, lambda: f"/verification/{rng.choice(codes)}/",
                                                 args.requests)
            results["deadlines_agency"] = timed(client, "/verification/deadlines/", args.requests)
            results["case_list"] = timed(client, "/cases/", args.requests)
        else:
            results["deadlines_scope"] = timed(client, "/verification/deadlines/?scope=scope", args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
