"""Page benchmark of the plans: the plan dashboard (progress), the plan page, the list and an indicator's records.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/pages_plans.py --persons 10000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``) and gives every case its verification
steps (``bench/pages.py``), then, for the agency with the most cases: a plan coordinator, an issued plan for the
agency's unit and one for its province (written through the actions, with every registered indicator, a content item
and duties for up to 20 agencies of the province), ``--activities`` activities spread over the province's units and
the current year (in bulk), and the reports of three agencies in four out of five periods. It then requests through
Django's test client, ``--requests`` times each: the list, the province plan's page, the dashboard of both plans as
the coordinator and as a supervisor of the province, and the records behind the case indicator and the people
reached. Prints p50/p95 and the query count, and appends a JSON line to ``bench/results.jsonl``. Synthetic data only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import give_cases_their_steps, personas, timed  # noqa: E402


def make_plan(coordinator, agency, unit, duty_agencies, year: int):
    from trove.core import indicators
    from trove.core.indicators import Kind
    from trove.plans import actions
    from trove.plans.actions import DutyData, IndicatorData, ItemData, PlanData
    from trove.plans.models import PlanLevel

    level = unit.level if unit.level in PlanLevel.values else PlanLevel.PROVINCE
    plan = actions.plan_create(acting_user=coordinator, owner_agency=agency, data=PlanData(
        title=f"Kế hoạch thử nghiệm hiệu năng năm {year} ({unit.name})", level=level, unit=unit,
        issuing_agency=agency, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
        number=f"{unit.code}/KH-THU", date=datetime.date(year, 1, 10), signer_title="CHỦ TỊCH",
        signer_name="Người Ký Thử", goals=["Mục tiêu thử."], solutions=["Giải pháp thử."],
        report_frequency="quarter", report_due_days=5))
    for definition in indicators.definitions():
        target = Decimal(100) if definition.kind == Kind.SHARE else Decimal(50)
        actions.indicator_add(acting_user=coordinator, plan=plan, data=IndicatorData(
            wording=str(definition.name), target=target, definition_code=definition.code))
    actions.item_save(acting_user=coordinator, plan=plan, data=ItemData(
        title="Tiếp nhận, xác minh, hỗ trợ", activities=["Hoạt động thử."], lead_agency=agency,
        partners=duty_agencies[:5]))
    for other in duty_agencies:
        actions.duty_save(acting_user=coordinator, plan=plan, data=DutyData(heading="", agencies=[other],
                                                                           tasks=["Nhiệm vụ thử."]))
    return actions.plan_issue(acting_user=coordinator, plan=plan)


def fill(plan, units, agencies, count: int, rng: random.Random) -> None:
    """Activities and reports in bulk, as the actions would write them (without their audit entries)."""
    from django.db import transaction
    from django.utils import timezone

    from trove.plans.models import Activity, ActivityKind, AgencyReport
    from trove.plans.periods import plan_periods

    today = timezone.localdate()
    span = max(1, (min(today, plan.period_end) - plan.period_start).days)
    item, solution = plan.content_items.first(), plan.solutions.first()
    kinds = list(ActivityKind.values)
    rows = []
    for _ in range(count):
        kind = rng.choice(kinds)
        rows.append(Activity(
            owner_agency=rng.choice(agencies), unit=rng.choice(units), plan=plan, series=plan.series, kind=kind,
            content_item=item, solution=solution, title=f"Hoạt động thử ({kind})",
            held_on=plan.period_start + datetime.timedelta(days=rng.randrange(span)),
            participants=rng.randint(5, 40) if kind == ActivityKind.TRAINING else 0,
            channel="meeting" if kind == ActivityKind.AWARENESS else "",
            reach=rng.randint(20, 2000) if kind == ActivityKind.AWARENESS else 0,
            findings="Đầy đủ." if kind == ActivityKind.INSPECTION else "",
            review_kind="interim" if kind == ActivityKind.REVIEW else ""))
    reports = [
        AgencyReport(plan=plan, series=plan.series, agency=agency, period_start=period.start, period_end=period.end,
                     results="Báo cáo thử.")
        for period in plan_periods(plan) if period.start <= today for agency in agencies[:3] if rng.random() < 0.8
    ]
    with transaction.atomic():
        Activity.objects.bulk_create(rows, batch_size=2000)
        AgencyReport.objects.bulk_create(reports)


def main() -> None:
    parser = argparse.ArgumentParser(description="Plan pages benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--activities", type=int, default=0, help="activities per plan (default persons / 10)")
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trove.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Q
    from django.test import Client
    from django.utils import timezone

    from trove.agencies.models import Agency, Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User
    from trove.core.testing import sign_in
    from trove.geo.models import AdminUnit
    from trove.plans.models import Activity

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.skip_generate:
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
    give_cases_their_steps()
    agency, users, agency_cases = personas()
    rng = random.Random(args.seed)  # noqa: S311 - spreads synthetic activities; nothing secret
    year = timezone.localdate().year
    province = AdminUnit.objects.get(unit_set=agency.unit.unit_set, code=agency.unit.province_code)
    coordinator, _created = User.objects.get_or_create(username="bench_coordinator",
                                                       defaults={"full_name": "bench_coordinator"})
    Membership.objects.get_or_create(user=coordinator, agency=agency, role=Role.PLAN_COORDINATOR,
                                     defaults={"scope_unit": agency.unit})
    day = datetime.date(year, 1, 1)
    valid = Q(valid_from__isnull=True) | Q(valid_from__lte=day)
    others = list(Agency.objects.filter(valid, unit__unit_set=province.unit_set,
                                        unit__province_code=province.code).exclude(pk=agency.pk)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("pk")[:20]) or [agency]
    plans = {"unit": make_plan(coordinator, agency, agency.unit, others, year)}
    if province.pk != agency.unit.pk:
        plans["province"] = make_plan(coordinator, agency, province, others, year)
    units = list(AdminUnit.objects.filter(unit_set=province.unit_set, province_code=province.code, level="commune"))
    count = args.activities or max(200, args.persons // 10)
    for plan in plans.values():
        fill(plan, units, list(dict.fromkeys([agency, *others])), count, rng)
    results = {"scenario": "pages_plans", "persons": args.persons, "cases": Case.objects.count(),
               "activities": Activity.objects.count(), "agency_cases": agency_cases,
               "date": timezone.localdate().isoformat()}
    big = plans.get("province", plans["unit"])
    case_indicator = big.indicators.get(definition_code="verification.started")
    reached = big.indicators.get(definition_code="plans.people_reached")
    for name, user in (("coordinator", coordinator), ("supervisor", users[Role.SUPERVISOR])):
        client = Client()
        sign_in(client, user)
        for key, plan in plans.items():
            results[f"progress_{key}_{name}"] = timed(client, f"/plans/{plan.pk}/progress/", args.requests)
        results[f"drill_cases_{name}"] = timed(client, f"/plans/{big.pk}/indicators/{case_indicator.pk}/",
                                               args.requests)
        if name == "coordinator":
            results["plan_list"] = timed(client, "/plans/", args.requests)
            results["plan_page"] = timed(client, f"/plans/{big.pk}/", args.requests)
            results["drill_reached"] = timed(client, f"/plans/{big.pk}/indicators/{reached.pk}/", args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
