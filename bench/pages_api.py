"""API benchmark: the main list and detail endpoints of /api/v1/ over a registry of synthetic cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/pages_api.py --persons 10000

It prepares the data as bench/pages.py does (``generate_synthetic`` unless ``--skip-generate``, then every case's
verification steps in bulk), makes an API token for a caseworker and a supervisor of the province with the most
cases, and calls each endpoint ``--requests`` times through Django's test client with the token — the whole stack:
middleware, token check, rate-limit counter, access policy, queries, JSON. Prints p50/p95 and the query count, and
appends a JSON line to ``bench/results.jsonl``. Synthetic data only. The DESIGN's bar: p95 under 150 ms at 1,000,000
cases on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

from bench.pages import give_cases_their_steps, personas, timed  # noqa: E402


def api_token(user) -> str:
    """A token made through the action, as from a session verified with the second factor."""
    from django.test import RequestFactory

    from trove.api.actions import token_create

    request = RequestFactory().post("/api/v1/account/tokens/")
    request.user = user
    user.is_verified = lambda: True
    return token_create(acting_user=user, name="benchmark", lifetime_days=7, request=request,
                        read_only=True).secret


def main() -> None:
    parser = argparse.ArgumentParser(description="API benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="Do not append the result to results.jsonl.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.verification.models import VerificationStep

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The benchmark measures the calls, not the rate limit's refusals; the counter itself still runs on every call.
    settings.API_RATE_LIMIT_PER_MINUTE = 10**9
    if not args.skip_generate:
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush")
    steps = give_cases_their_steps()
    agency, users, agency_cases = personas()
    codes = list(Case.objects.filter(owner_agency=agency).values_list("code", flat=True))
    step_ids = list(VerificationStep.objects.filter(case__owner_agency=agency).values_list("pk", flat=True)[:5000])
    rng = random.Random(args.seed)  # noqa: S311 - picks which synthetic record to read; nothing secret
    results = {"scenario": "pages_api", "persons": args.persons, "cases": Case.objects.count(), "steps": steps,
               "agency_cases": agency_cases, "date": timezone.localdate().isoformat()}
    for role, user in users.items():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")
        client.get("/api/v1/me")  # warm-up: the first call loads the URL configuration and the API's schemas
        if role == "caseworker":
            results["api_case_list"] = timed(client, "/api/v1/cases", args.requests)
            results["api_case_list_filtered"] = timed(client, "/api/v1/cases?status=being_identified&page=3",
                                                      args.requests)
            results["api_case_detail"] = timed(client, lambda: f"/api/v1/cases/{rng.choice(codes)}", args.requests)
            results["api_case_verification"] = timed(
                client, lambda: f"/api/v1/cases/{rng.choice(codes)}/verification", args.requests)
            results["api_step_detail"] = timed(
                client, lambda: f"/api/v1/verification/steps/{rng.choice(step_ids)}", args.requests)
            results["api_open_steps"] = timed(client, "/api/v1/verification/steps", args.requests)
            # The resources of the later apps: a case's ledger, entitlements and protection, the referral inbox,
            # the follow-up visits due, tips, proceedings, plans and the month's statistics.
            results["api_support_entries"] = timed(
                client, lambda: f"/api/v1/cases/{rng.choice(codes)}/support/entries", args.requests)
            results["api_entitlements"] = timed(
                client, lambda: f"/api/v1/cases/{rng.choice(codes)}/support/entitlements", args.requests)
            results["api_protection"] = timed(
                client, lambda: f"/api/v1/cases/{rng.choice(codes)}/protection", args.requests)
            results["api_referrals_sent"] = timed(client, "/api/v1/referrals?box=sent", args.requests)
            results["api_visits_due"] = timed(client, "/api/v1/followup/visits", args.requests)
            results["api_tips"] = timed(client, "/api/v1/tips?view=all", args.requests)
            results["api_plans"] = timed(client, "/api/v1/plans", args.requests)
        else:
            results["api_case_list_scope"] = timed(client, "/api/v1/cases", args.requests)
            results["api_open_steps_scope"] = timed(client, "/api/v1/verification/steps?scope=scope", args.requests)
            results["api_referrals_scope"] = timed(client, "/api/v1/referrals?box=sent&scope=scope", args.requests)
            results["api_visits_due_scope"] = timed(client, "/api/v1/followup/visits?scope=scope", args.requests)
            results["api_proceedings"] = timed(client, "/api/v1/proceedings", args.requests)
            month = timezone.localdate()
            results["api_statistics_month"] = timed(
                client, f"/api/v1/statistics?kind=month&year={month.year}&number={month.month}", args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if not args.no_record:
        with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
