"""Page benchmark of tips and proceedings over synthetic data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench .venv/bin/python bench/pages_intel.py --persons 10000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``), then writes in bulk ``--tips`` tips
(default: one per two persons) and ``--proceedings`` proceedings (default: one per fifty persons) spread over every
province, each owned by a synthetic provincial police agency: a third of the tips not yet classified (many of them
overdue), a third being handled, a third handled; proceedings at every stage with one or two suspects and a victim
case. It signs in an officer and an investigator of the province with the most tips and a supervisor of that
province, and requests through Django's test client — middleware, access policy, queries, templates — each page
``--requests`` times: the tips list (needs attention, overdue only, and the supervisor's whole scope), a tip's page
(a different tip each time), the proceedings list and a proceeding's page. Prints p50/p95 and the query count, and
appends a JSON line to ``bench/results.jsonl``. Synthetic data only.
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

TIP_PREFIX, PROCEEDING_PREFIX = "TB-B", "VA-B"  # codes no real series uses, so a rerun can find and replace them
BATCH = 2000


def province_agencies():
    """A synthetic police agency per 2025 province (and its procuracy and court), created once."""
    from trove.agencies.models import Agency, AgencyType
    from trove.geo.models import AdminUnit

    agencies = {}
    for province in AdminUnit.objects.filter(unit_set="2025", level="province"):
        made = {}
        for kind, label in ((AgencyType.POLICE, "Công an"), (AgencyType.PROCURACY, "Viện Kiểm sát"),
                            (AgencyType.COURT, "Tòa án")):
            made[kind] = Agency.objects.get_or_create(name=f"{label} {province.short_name} (dữ liệu thử)",
                                                      defaults={"agency_type": kind, "unit": province})[0]
        agencies[province.province_code] = made
    return agencies


def generate(tips: int, proceedings: int, seed: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from trove.agencies.models import AgencyType
    from trove.cases.models import Case
    from trove.geo.models import AdminUnit
    from trove.intel.models import (
        Classification,
        Defendant,
        Proceeding,
        ProceedingStage,
        ProceedingVictim,
        Stage,
        Tip,
        TipOutcome,
        TipSource,
        TipStatus,
    )

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible from its seed
    with transaction.atomic():
        Tip.objects.filter(code__startswith=TIP_PREFIX).delete()
        Proceeding.objects.filter(code__startswith=PROCEEDING_PREFIX).delete()
    agencies = province_agencies()
    communes = list(AdminUnit.objects.filter(unit_set="2025", level="commune").values_list("pk", "province_code"))
    cases = list(Case.objects.values_list("pk", flat=True)[:50000])
    today = timezone.localdate()
    sources, classes = TipSource.values, Classification.values
    rows = []
    for number in range(1, tips + 1):
        unit_id, province = rng.choice(communes)
        police = agencies[province][AgencyType.POLICE]
        received = today - datetime.timedelta(days=rng.randint(0, 365))
        due, handling_due = received + datetime.timedelta(days=3), received + datetime.timedelta(days=20)
        state = rng.random()
        tip = Tip(code=f"{TIP_PREFIX}{received.year}-{number:07d}", owner_agency=police, received_agency=police,
                  unit_id=unit_id, source=rng.choice(sources),
                  received_at=timezone.make_aware(datetime.datetime.combine(received, datetime.time(9))),
                  content="Nội dung tin báo thử nghiệm", subjects={"phones": ["0277 3000 100"]},
                  informant_name="Người báo tin thử", classification_due=due, handling_due=handling_due,
                  next_due=due)
        if state > 0.33:
            tip.status, tip.classification = TipStatus.CLASSIFIED, rng.choice(classes)
            tip.classified_on = received + datetime.timedelta(days=rng.randint(0, 5))
            tip.next_due = handling_due
        if state > 0.66:
            tip.status, tip.outcome, tip.next_due = TipStatus.CONCLUDED, rng.choice(TipOutcome.values), None
            tip.concluded_on = min(today, tip.classified_on + datetime.timedelta(days=rng.randint(0, 30)))
        rows.append(tip)
        if len(rows) >= BATCH:
            Tip.objects.bulk_create(rows)
            rows = []
    Tip.objects.bulk_create(rows)

    order = [Stage.REPORTED, Stage.INITIATED, Stage.INVESTIGATED, Stage.PROSECUTED, Stage.FIRST_INSTANCE,
             Stage.FINAL]
    for start in range(0, proceedings, BATCH):
        made = []
        for number in range(start + 1, min(proceedings, start + BATCH) + 1):
            unit_id, province = rng.choice(communes)
            reported = today - datetime.timedelta(days=rng.randint(60, 700))
            reached = rng.randint(0, len(order) - 1)
            made.append((Proceeding(code=f"{PROCEEDING_PREFIX}{reported.year}-{number:07d}",
                                    owner_agency=agencies[province][AgencyType.POLICE], unit_id=unit_id,
                                    summary="Vụ án thử nghiệm", stage=order[reached],
                                    stage_on=reported + datetime.timedelta(days=10 * reached), reported_on=reported),
                         province, reached))
        Proceeding.objects.bulk_create([p for p, _province, _reached in made])
        stages, defendants, victims = [], [], []
        for proceeding, province, reached in made:
            for index in range(reached + 1):
                kind = (AgencyType.POLICE if index < 3 else AgencyType.PROCURACY if index == 3 else AgencyType.COURT)
                stages.append(ProceedingStage(proceeding=proceeding, stage=order[index],
                                              date=proceeding.reported_on + datetime.timedelta(days=10 * index),
                                              agency=agencies[province][kind],
                                              mobile=order[index] == Stage.FIRST_INSTANCE and rng.random() < 0.3,
                                              mobile_place="Hội trường thử", audience=200))
            defendants.extend(Defendant(proceeding=proceeding, number=n, full_name=f"Bị can thử {n}",
                                        roles=["RecruiterOrIntermediary"]) for n in range(1, rng.randint(1, 2) + 1))
            if cases:
                victims.append(ProceedingVictim(proceeding=proceeding, case_id=rng.choice(cases)))
        with transaction.atomic():
            ProceedingStage.objects.bulk_create(stages)
            Defendant.objects.bulk_create(defendants)
            ProceedingVictim.objects.bulk_create(victims, ignore_conflicts=True)
    return agencies


def personas(agencies):
    from django.db.models import Count

    from trove.agencies.models import AgencyType, Membership, Role
    from trove.core.models import User
    from trove.intel.models import Tip

    top = Tip.objects.filter(code__startswith=TIP_PREFIX).values("owner_agency").annotate(n=Count("pk")) \
        .order_by("-n").first()
    police = next(a[AgencyType.POLICE] for a in agencies.values() if a[AgencyType.POLICE].pk == top["owner_agency"])
    users = {}
    for username, role in (("bench_tip_officer", Role.INTAKE_OFFICER), ("bench_investigator",
                                                                        Role.PROCEEDINGS_OFFICER),
                           ("bench_intel_supervisor", Role.SUPERVISOR)):
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        Membership.objects.get_or_create(user=user, agency=police, role=role, defaults={"scope_unit": police.unit})
        users[role] = user
    return police, users, top["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Tips and proceedings page benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--tips", type=int, help="default: persons / 2")
    parser.add_argument("--proceedings", type=int, help="default: persons / 50")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--skip-generate", action="store_true", help="keep the persons and cases already there")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bench.pages import timed
    from trove.agencies.models import Role
    from trove.core.testing import sign_in
    from trove.intel.models import Proceeding, Tip

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.skip_generate:
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
    tips = args.tips if args.tips is not None else max(100, args.persons // 2)
    proceedings = args.proceedings if args.proceedings is not None else max(20, args.persons // 50)
    agencies = generate(tips, proceedings, args.seed)
    police, users, agency_tips = personas(agencies)
    tip_codes = list(Tip.objects.filter(owner_agency=police).values_list("code", flat=True)[:5000])
    proceeding_codes = list(Proceeding.objects.filter(owner_agency=police).values_list("code", flat=True)[:5000])
    rng = random.Random(args.seed)  # noqa: S311 - picks which synthetic record to open; nothing secret
    results = {"scenario": "pages_intel", "persons": args.persons, "tips": Tip.objects.count(),
               "proceedings": Proceeding.objects.count(), "agency_tips": agency_tips,
               "agency_proceedings": len(proceeding_codes), "date": timezone.localdate().isoformat()}
    for role, user in users.items():
        client = Client()
        sign_in(client, user)
        if role == Role.INTAKE_OFFICER:
            results["tips_attention"] = timed(client, "/tips/", args.requests)
            results["tips_overdue"] = timed(client, "/tips/?view=overdue", args.requests)
            results["tip_page"] = timed(client, lambda: f"/tips/{rng.choice(tip_codes)}/", args.requests)
        elif role == Role.PROCEEDINGS_OFFICER:
            results["proceedings_list"] = timed(client, "/tips/proceedings/", args.requests)
            if proceeding_codes:
                results["proceeding_page"] = timed(
                    client, lambda: f"/tips/proceedings/{rng.choice(proceeding_codes)}/", args.requests)
        else:
            results["tips_scope_all"] = timed(client, "/tips/?view=all", args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
