"""Page benchmark of the support app: a case's support page (entitlements, ledger, forms), its protection page, and
the finance office's estimate list and estimate page, over synthetic cases and a synthetic ledger.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/pages_support.py --persons 10000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``), gives the cases their verification
steps (bench/pages.py), writes ``--entries-per-case`` ledger entries for every case in bulk (as ``record_support``
would, without its checks), a funding source and this year's estimate for the agency with the most cases, signs in
that agency's caseworker and a finance officer, and requests each page ``--requests`` times through Django's test
client — the whole stack. Prints p50/p95 and the query count, and appends a JSON line to ``bench/results.jsonl``
(or ``--results``).
Synthetic data only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")

BENCH_SOURCE = "Ngân sách thử (benchmark)"


def write_ledger(per_case: int, seed: int) -> int:
    """``per_case`` entries of essential needs, medical and travel support for every case without entries yet."""
    from django.db import transaction
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.rules.models import Regime, SupportType
    from trove.rules.selectors import regime_for
    from trove.support.models import SupportEntry

    rng = random.Random(seed)  # noqa: S311 - synthetic amounts, reproducible from the seed
    types = [SupportType.objects.get(code=code) for code in ("a", "b", "e", "g")]
    regimes: dict[datetime.date, Regime] = {}
    done = set(SupportEntry.objects.values_list("case_id", flat=True).distinct())
    rows = []
    for case_id, owner, unit, received_at in (Case.objects.exclude(pk__in=done)
                                              .values_list("pk", "owner_agency_id", "unit_id", "intake__received_at")
                                              .iterator(chunk_size=5000)):
        day = timezone.localdate(received_at) if received_at else timezone.localdate()
        if day not in regimes:
            regimes[day] = regime_for(day)
        for index in range(per_case):
            support_type = types[index % len(types)]
            rows.append(SupportEntry(
                owner_agency_id=owner, unit_id=unit, case_id=case_id, support_type=support_type,
                regime=regimes[day], group="being_identified_in_vietnam", given_on=day,
                amount=rng.randrange(50, 2000) * 1000, days_covered=rng.randrange(1, 10) if index == 0 else None,
                giving_agency_id=owner))
        if len(rows) >= 5000:
            with transaction.atomic():
                SupportEntry.objects.bulk_create(rows)
            rows = []
    with transaction.atomic():
        SupportEntry.objects.bulk_create(rows)
    return SupportEntry.objects.count()


def budget_for(agency, finance_user):
    """A funding source and this year's estimate for ``agency``, with a line for each support type."""
    from django.utils import timezone

    from trove.rules.models import SupportType
    from trove.support.models import BudgetEstimate, EstimateLine, FundingSource, SupportEntry

    year = timezone.localdate().year
    source, _created = FundingSource.objects.get_or_create(
        owner_agency=agency, name=BENCH_SOURCE,
        defaults={"unit": agency.unit, "kind": "state_budget", "level": "province",
                  "valid_from": datetime.date(year, 1, 1), "created_by": finance_user})
    SupportEntry.objects.filter(giving_agency=agency, funding_source__isnull=True).update(funding_source=source)
    estimate, _created = BudgetEstimate.objects.get_or_create(
        owner_agency=agency, year=year, defaults={"unit": agency.unit, "created_by": finance_user})
    for support_type in SupportType.objects.all():
        EstimateLine.objects.get_or_create(estimate=estimate, funding_source=source, support_type=support_type,
                                           defaults={"amount": 100_000_000})
    return estimate


def main() -> None:
    parser = argparse.ArgumentParser(description="Support page benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--entries-per-case", type=int, default=3)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.jsonl",
                        help="where the JSON line is appended")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bench.pages import give_cases_their_steps, personas, timed
    from trove.agencies.models import Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User
    from trove.core.testing import sign_in
    from trove.support.models import SupportEntry

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.skip_generate:
        SupportEntry.objects.all().delete()  # generate_synthetic --flush deletes the cases they hang off
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
    give_cases_their_steps()
    entries = write_ledger(args.entries_per_case, args.seed)
    agency, users, agency_cases = personas()
    finance, _created = User.objects.get_or_create(username="bench_finance", defaults={"full_name": "bench_finance"})
    Membership.objects.get_or_create(user=finance, agency=agency, role=Role.FINANCE_OFFICER,
                                     defaults={"scope_unit": agency.unit})
    estimate = budget_for(agency, finance)
    codes = list(Case.objects.filter(owner_agency=agency).values_list("code", flat=True))
    rng = random.Random(args.seed)  # noqa: S311 - picks which synthetic case to open; nothing secret
    results = {"scenario": "pages_support", "persons": args.persons, "cases": Case.objects.count(),
               "entries": entries, "agency_cases": agency_cases,
               "agency_entries": SupportEntry.objects.filter(giving_agency=agency).count(),
               "date": timezone.localdate().isoformat()}
    client = Client()
    sign_in(client, users[Role.CASEWORKER])
    results["support_page"] = timed(client, lambda: f"/support/cases/{rng.choice(codes)}/", args.requests)
    results["protection_page"] = timed(client, lambda: f"/support/cases/{rng.choice(codes)}/protection/",
                                       args.requests)
    client = Client()
    sign_in(client, finance)
    results["estimates_page"] = timed(client, "/support/budgets/", args.requests)
    results["estimate_page"] = timed(client, f"/support/budgets/{estimate.pk}/", args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with args.results.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
