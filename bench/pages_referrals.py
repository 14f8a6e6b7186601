"""Page benchmark: the referral inbox, the follow-up list and the pages around them, over synthetic cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trove_bench \
        .venv/bin/python bench/pages_referrals.py --persons 10000

It fills the database with ``generate_synthetic`` (unless ``--skip-generate``; the cases are owned by one synthetic
health department per province), then, in bulk as the actions would write them:

- gives every owning agency a Women's Union of the same province and refers ``--referral-share`` of the cases to it
  (40% waiting, 30% accepted — both with the receiver's participation in the case, limited to two sections — and 30%
  closed);
- gives ``--plan-share`` of the cases a follow-up plan with its four visits (1, 3, 6, 12 months after a return in the
  last two years), the visits already past mostly done, some overdue.

It signs in a caseworker of the agency with the most cases, a caseworker of its Women's Union and a supervisor of its
province, and requests through Django's test client each page ``--requests`` times: the receiver's inbox, the
sender's inbox, a referral (a different one each time), the follow-up list of the agency and of the supervisor's
scope, a case's follow-up page and a case page with the referral and follow-up panels. Prints p50/p95 and the query
count, and appends a JSON line to ``bench/results.jsonl``. Synthetic data only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import timed  # noqa: E402 - sets DJANGO_SETTINGS_MODULE on import

BATCH = 5000
SECTIONS = ["needs", "followup"]
MONTHS = (1, 3, 6, 12)


def _bulk(model, rows: list) -> None:
    from django.db import transaction

    with transaction.atomic():
        model.objects.bulk_create(rows, batch_size=BATCH)


def make_receivers() -> dict[int, object]:
    """A synthetic Women's Union for every agency that owns cases, in the same unit."""
    from trove.agencies.models import Agency, AgencyType
    from trove.cases.models import Case

    owners = Agency.objects.filter(pk__in=Case.objects.values("owner_agency_id").distinct())
    receivers = {}
    for owner in owners:
        receivers[owner.pk], _created = Agency.objects.get_or_create(
            name=f"Hội LHPN (tổng hợp) {owner.unit.name}", agency_type=AgencyType.WOMENS_UNION, unit=owner.unit,
            defaults={"valid_from": datetime.date(2025, 7, 1)})
    return receivers


def make_referrals(receivers: dict[int, object], share: float, rng: random.Random) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.core.models.access import Participation, ParticipationReason
    from trove.referrals.models import ConsentBasis, Referral, ReferralStatus, ServiceKind

    if Referral.objects.exists():
        return Referral.objects.count()
    # Participations of an earlier run point at cases that --flush deleted.
    Participation.objects.filter(reason=ParticipationReason.REFERRAL).delete()
    today = timezone.localdate()
    consent = ConsentBasis.objects.filter(is_exception=False).order_by("-valid_from").first()
    case_type = ContentType.objects.get_for_model(Case)
    referrals, participations = [], []

    def flush() -> None:
        _bulk(Referral, referrals)
        _bulk(Participation, participations)
        referrals.clear()
        participations.clear()

    rows = Case.objects.values_list("pk", "owner_agency_id", "unit_id", "intake__received_at")
    for case_id, owner_id, unit_id, received_at in rows.iterator(chunk_size=BATCH):
        if rng.random() >= share:
            continue
        referred_on = min(today, timezone.localdate(received_at) + datetime.timedelta(days=rng.randint(0, 20)))
        draw = rng.random()
        status = (ReferralStatus.SENT if draw < 0.4 else ReferralStatus.ACCEPTED if draw < 0.7
                  else ReferralStatus.CLOSED)
        receiver = receivers[owner_id]
        referrals.append(Referral(
            case_id=case_id, owner_agency_id=owner_id, unit_id=unit_id, from_agency_id=owner_id, to_agency=receiver,
            service_kind=ServiceKind.VOCATIONAL, referred_on=referred_on, sections=SECTIONS,
            needs="Học nghề (dữ liệu tổng hợp)", consent_basis=consent, consent_by="Chính người được hỗ trợ",
            consent_on=referred_on, status=status))
        if status != ReferralStatus.CLOSED:
            participations.append(Participation(content_type=case_type, object_id=case_id, agency=receiver,
                                                reason=ParticipationReason.REFERRAL, sections=SECTIONS,
                                                identity_shown=False))
        if len(referrals) >= BATCH:
            flush()
    flush()
    return Referral.objects.count()


def make_plans(share: float, rng: random.Random) -> int:
    from django.utils import timezone

    from trove.cases.models import Case
    from trove.referrals.actions import add_months
    from trove.referrals.models import FollowUpPlan, FollowUpVisit, VisitStatus

    if FollowUpPlan.objects.exists():
        return FollowUpVisit.objects.count()
    today = timezone.localdate()
    chosen = [row for row in Case.objects.values_list("pk", "owner_agency_id", "unit_id").iterator(chunk_size=BATCH)
              if rng.random() < share]
    for start in range(0, len(chosen), BATCH):
        part = chosen[start: start + BATCH]
        returns = {case_id: today - datetime.timedelta(days=rng.randint(20, 730)) for case_id, _o, _u in part}
        _bulk(FollowUpPlan, [FollowUpPlan(case_id=case_id, returned_on=returns[case_id]) for case_id, _o, _u in part])
        plans = dict(FollowUpPlan.objects.filter(case_id__in=returns).values_list("case_id", "pk"))
        visits = []
        for case_id, owner_id, unit_id in part:
            for number, months in enumerate(MONTHS, start=1):
                due_on = add_months(returns[case_id], months)
                due_by = due_on + datetime.timedelta(days=7)
                done = due_by < today and rng.random() < 0.8
                visits.append(FollowUpVisit(
                    plan_id=plans[case_id], case_id=case_id, owner_agency_id=owner_id, unit_id=unit_id,
                    number=number, months=months, due_on=due_on, due_by=due_by,
                    status=VisitStatus.DONE if done else VisitStatus.PLANNED,
                    visited_on=min(today, due_on + datetime.timedelta(days=rng.randint(0, 12))) if done else None,
                    contact="in_person" if done else "", risk_alert=done and rng.random() < 0.05))
        _bulk(FollowUpVisit, visits)
    return FollowUpVisit.objects.count()


def personas(receivers: dict[int, object]):
    from django.db.models import Count

    from trove.agencies.models import Agency, Membership, Role
    from trove.cases.models import Case
    from trove.core.models import User

    top = Case.objects.values("owner_agency").annotate(n=Count("pk")).order_by("-n").first()
    agency = Agency.objects.get(pk=top["owner_agency"])
    users = {}
    for username, role, member_of in (("bench_caseworker", Role.CASEWORKER, agency),
                                      ("bench_supervisor", Role.SUPERVISOR, agency),
                                      ("bench_women", Role.CASEWORKER, receivers[agency.pk])):
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        Membership.objects.get_or_create(user=user, agency=member_of, role=role,
                                         defaults={"scope_unit": member_of.unit})
        users[username] = user
    return agency, users, top["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Referral and follow-up page benchmark (synthetic data only).")
    parser.add_argument("--persons", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--referral-share", type=float, default=0.3)
    parser.add_argument("--plan-share", type=float, default=0.2)
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
    from trove.referrals.models import FollowUpPlan, Referral

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not args.skip_generate:
        call_command("generate_synthetic", "--persons", str(args.persons), "--seed", str(args.seed), "--flush",
                     "--only-persons")
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data and which page to open; nothing secret
    receivers = make_receivers()
    referrals = make_referrals(receivers, args.referral_share, rng)
    visits = make_plans(args.plan_share, rng)
    agency, users, agency_cases = personas(receivers)
    referral_ids = list(Referral.objects.filter(owner_agency=agency).values_list("pk", flat=True)[:2000])
    planned_codes = list(FollowUpPlan.objects.filter(case__owner_agency=agency)
                         .values_list("case__code", flat=True)[:2000])
    results = {"scenario": "pages_referrals", "persons": args.persons, "cases": Case.objects.count(),
               "referrals": referrals, "visits": visits, "agency_cases": agency_cases,
               "date": timezone.localdate().isoformat()}
    clients = {}
    for username, user in users.items():
        clients[username] = Client()
        sign_in(clients[username], user)
    women, caseworker, supervisor = clients["bench_women"], clients["bench_caseworker"], clients["bench_supervisor"]
    results["inbox_received"] = timed(women, "/referrals/", args.requests)
    results["inbox_sent"] = timed(caseworker, "/referrals/?box=sent", args.requests)
    results["referral_detail"] = timed(caseworker, lambda: f"/referrals/{rng.choice(referral_ids)}/", args.requests)
    results["followup_agency"] = timed(caseworker, "/referrals/followup/", args.requests)
    results["followup_scope"] = timed(supervisor, "/referrals/followup/?scope=scope", args.requests)
    results["case_followup"] = timed(caseworker, lambda: f"/referrals/case/{rng.choice(planned_codes)}/followup/",
                                     args.requests)
    results["case_page_with_panels"] = timed(caseworker, lambda: f"/cases/{rng.choice(planned_codes)}/",
                                             args.requests)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    with (ROOT / "bench" / "results.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(results, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
