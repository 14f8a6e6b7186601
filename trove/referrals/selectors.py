"""Read-side questions of referrals and follow-up: the referral inbox, the follow-up list, one referral or visit for a
user, and what the case panels show. Every queryset starts from the access policy: the case's (``policy.visible`` on
cases or ``policy.access_on`` on one case) or the record's own (``policy.visible`` on referrals and visits, which
belong to the case's owner).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.utils import timezone

from trove.cases.models import Case, CaseStatus
from trove.cases.sections import case_figures, per_case
from trove.core import policy
from trove.core.models.access import Participation
from trove.referrals.models import (
    OPEN_STATUSES,
    FollowUpPlan,
    FollowUpVisit,
    Referral,
    ReferralStatus,
    UnionActivity,
    VisitStatus,
)

ROWS = 50  # per page of a list
DUE_HORIZON_DAYS = 30  # the follow-up list shows the visits due within this many days, and the overdue ones
ALERT_DAYS = 60  # and the visits of the last this many days that raised an alert
SCOPES = ("mine", "agency", "scope")
ENDED_STATUSES = (ReferralStatus.DECLINED, ReferralStatus.CLOSED, ReferralStatus.REVOKED)
# Received referrals: those waiting for an answer first, then the newest.
RECEIVED_ORDER = (models.Case(models.When(status=ReferralStatus.SENT, then=0), default=1), "-referred_on", "-pk")


# ---------------------------------------------------------------------------------------------------------------
# The referral inbox


def received_referrals(user) -> models.QuerySet[Referral]:
    """Open referrals to the user's agencies that handle referrals. The receiver reaches them through the case,
    which it sees while the referral is open: a referral declined, closed or revoked leaves its list with its
    access."""
    agencies = policy.agencies_of(user, "referral.receive")
    return (
        Referral.objects.filter(to_agency_id__in=agencies, status__in=OPEN_STATUSES,
                                case__in=policy.visible(user, Case.objects.all()).values("pk"))
        .select_related("case", "from_agency", "to_agency")
        .order_by(*RECEIVED_ORDER)
    )


def _seen_in_order(user, ordered: list[tuple[int, int]], skip: int, wanted: int) -> list[int]:
    """Of ``ordered`` (record id, case id) pairs, the ids of the records whose case the user may see, after the
    first ``skip`` of them, at most ``wanted``, in order. The access policy is asked about the cases of a window of
    pairs at a time: asked about every case the user may see, it tested each against a list of thousands of ids for
    an agency taking part in thousands of cases."""
    shown: list[int] = []
    window = max(2 * wanted, 100)
    for start in range(0, len(ordered), window):
        part = ordered[start:start + window]
        seen = set(policy.visible(user, Case.objects.filter(pk__in={case_id for _pk, case_id in part}))
                   .values_list("pk", flat=True))
        for pk, case_id in part:
            if case_id not in seen:
                continue
            if skip:
                skip -= 1
            else:
                shown.append(pk)
        if len(shown) >= wanted:
            break
    return shown[:wanted]


def received_referral_page(user, number: int, size: int = ROWS) -> tuple[list[Referral], bool]:
    """Page ``number`` (from 1) of ``received_referrals`` — the same rows in the same order — and whether another
    page follows: the open referrals addressed to the user's agencies are listed by their index (ids only), and the
    policy asked about their cases a window at a time (``_seen_in_order``)."""
    agencies = policy.agencies_of(user, "referral.receive")
    addressed = list(Referral.objects.filter(to_agency_id__in=agencies, status__in=OPEN_STATUSES)
                     .order_by(*RECEIVED_ORDER).values_list("pk", "case_id"))
    shown = _shown_in_order(user, Referral, addressed, (max(1, number) - 1) * size, size + 1)
    return shown[:size], len(shown) > size


def _shown_in_order(user, model, ordered: list[tuple[int, int]], skip: int, wanted: int) -> list:
    """``_seen_in_order``, as the records (with their case and agencies) instead of their ids."""
    shown = _seen_in_order(user, ordered, skip, wanted)
    found = model.objects.select_related("case", "from_agency", "to_agency").in_bulk(shown)
    return [found[pk] for pk in shown]


def waiting_referrals(user, size: int = ROWS) -> list[Referral]:
    """The first ``size`` of ``received_referrals`` still waiting for an answer (sent, not accepted), oldest first."""
    agencies = policy.agencies_of(user, "referral.receive")
    waiting = list(Referral.objects.filter(to_agency_id__in=agencies, status=ReferralStatus.SENT)
                   .order_by("referred_on", "pk").values_list("pk", "case_id"))
    return _shown_in_order(user, Referral, waiting, 0, size)


def sent_referrals(user, *, ended: bool = False, whole_scope: bool = False) -> models.QuerySet[Referral]:
    """Referrals of the cases the user's agencies own (with ``whole_scope``, every one the user reaches, a
    supervisor's scope included): the open ones, or those that ended."""
    referrals = policy.visible(user, Referral.objects.all(), "referral.send")
    if not whole_scope:
        referrals = referrals.filter(owner_agency_id__in=policy.agencies_of(user, "referral.send"))
    referrals = referrals.filter(status__in=ENDED_STATUSES if ended else OPEN_STATUSES)
    return referrals.select_related("case", "to_agency", "from_agency").order_by("-referred_on", "-pk")


def waiting_transfers(user, size: int = ROWS) -> list:
    """The first ``size`` transfers of cases waiting for an answer from the user's agencies (shown in the inbox),
    oldest first, of cases the user may see."""
    from trove.cases.models import CaseTransfer, TransferStatus

    waiting = list(CaseTransfer.objects.filter(to_agency_id__in=policy.agencies_of(user, "case.transfer"),
                                               status=TransferStatus.REQUESTED)
                   .order_by("requested_at", "pk").values_list("pk", "case_id"))
    return _shown_in_order(user, CaseTransfer, waiting, 0, size)


def referral_for_user(user, referral_id) -> tuple[Referral, frozenset[str], frozenset[str] | None]:
    """One referral through its case: 404 unless the user sees the case and either the case's referrals section or
    this referral as its receiver. Returns the referral, the permissions on the case and the sections shown."""
    referral = (
        Referral.objects.select_related("case__owner_agency", "to_agency", "from_agency", "owner_agency",
                                        "consent_basis", "sent_by", "answered_by", "ended_by", "participation")
        .filter(pk=referral_id).first()
    )
    if referral is None:
        raise Http404
    permissions, shown = policy.access_on(user, referral.case)
    if Case.access_view_permission not in permissions:
        raise Http404
    receiving = referral.to_agency_id in {m.agency_id for m in policy.current_memberships(user)}
    if shown is not None and "referrals" not in shown and not receiving:
        raise Http404
    return referral, permissions, shown


# ---------------------------------------------------------------------------------------------------------------
# The follow-up list


def _taking_part_with_followup(user) -> list[int]:
    """Cases in which one of the user's agencies that may edit cases takes part with the follow-up section shown
    (a Women's Union to which the person was referred, say)."""
    agencies = policy.agencies_of(user, "case.edit")
    if not agencies:
        return []
    rows = (Participation.objects.active()
            .filter(content_type=ContentType.objects.get_for_model(Case), agency_id__in=agencies)
            .values_list("object_id", "sections"))
    return sorted({case_id for case_id, sections in rows if not sections or "followup" in sections})


def visits_to_watch(user, scope: str = "agency") -> models.QuerySet[FollowUpVisit]:
    """Visits of open cases the user may work on: in "mine" those of the plans they follow as caseworker, in
    "agency" those of their agencies' cases and of the cases they take part in for follow-up, in "scope" also the
    cases a supervisor's scope covers."""
    own = policy.visible(user, FollowUpVisit.objects.all(), "case.edit")
    if scope != "scope":
        own = own.filter(owner_agency_id__in=policy.agencies_of(user, "case.edit"))
    taking_part = _taking_part_with_followup(user)
    visits = (own | FollowUpVisit.objects.filter(case_id__in=taking_part)) if taking_part else own
    if scope == "mine":
        visits = visits.filter(plan__caseworker=user)
    return visits.exclude(case__status=CaseStatus.CLOSED)


def visits_due(user, scope: str = "agency", today: datetime.date | None = None) -> models.QuerySet[FollowUpVisit]:
    """Planned visits overdue or due within ``DUE_HORIZON_DAYS``, the most overdue first."""
    today = today or timezone.localdate()
    return (visits_to_watch(user, scope)
            .filter(status=VisitStatus.PLANNED, due_on__lte=today + datetime.timedelta(days=DUE_HORIZON_DAYS))
            .select_related("case", "plan__caseworker", "owner_agency").order_by("due_by", "case__code", "number"))


def recent_alerts(user, scope: str = "agency", today: datetime.date | None = None) -> models.QuerySet[FollowUpVisit]:
    today = today or timezone.localdate()
    return (visits_to_watch(user, scope)
            .filter(status=VisitStatus.DONE, risk_alert=True,
                    visited_on__gte=today - datetime.timedelta(days=ALERT_DAYS))
            .select_related("case", "plan__caseworker").order_by("-visited_on", "-pk"))


def visit_for_user(user, visit_id) -> tuple[FollowUpVisit, frozenset[str]]:
    """One visit through its case: 404 unless the user sees the case's follow-up section."""
    visit = (FollowUpVisit.objects.select_related("case__owner_agency", "plan__caseworker", "visited_by",
                                                  "visitor_agency").filter(pk=visit_id).first())
    if visit is None:
        raise Http404
    permissions, shown = policy.access_on(user, visit.case)
    if Case.access_view_permission not in permissions or (shown is not None and "followup" not in shown):
        raise Http404
    return visit, permissions


# ---------------------------------------------------------------------------------------------------------------
# One case


class _Visits:
    visits: list[FollowUpVisit]

    def overdue(self, today=None) -> list[FollowUpVisit]:
        return [visit for visit in self.visits if visit.is_overdue(today)]

    @property
    def next_visit(self) -> FollowUpVisit | None:
        return next((visit for visit in self.visits if visit.status == VisitStatus.PLANNED), None)

    @property
    def alerts(self) -> list[FollowUpVisit]:
        return [visit for visit in self.visits if visit.risk_alert]


@dataclass
class CaseFollowUp(_Visits):
    plan: FollowUpPlan | None
    visits: list[FollowUpVisit]
    activities: list[UnionActivity]


@dataclass
class FollowUpSummary(_Visits):
    """What the case page's follow-up panel shows: the day the person returned home (None without a plan), the
    visits, and how many Women's Union activities were recorded."""

    returned_on: datetime.date | None
    visits: list[FollowUpVisit]
    activities: int


def followup_figures(case: Case) -> dict[str, models.QuerySet]:
    """The plan's day and the number of activities, as figures of the case page (``trove.cases.sections``)."""
    return {"returned_on": FollowUpPlan.objects.filter(case=case).values("returned_on")[:1],
            "activities": per_case(UnionActivity.objects.filter(case=case), models.Count("pk"))}


def followup_summary(case: Case, figures: dict | None = None) -> FollowUpSummary:
    """The figures (read with the page's others, or now), then the visits if there is a plan."""
    figures = figures if figures is not None else case_figures(case, **followup_figures(case))
    visits = (list(FollowUpVisit.objects.filter(case=case).order_by("number"))
              if figures["returned_on"] is not None else [])
    return FollowUpSummary(returned_on=figures["returned_on"], visits=visits, activities=figures["activities"] or 0)


def case_followup(case: Case) -> CaseFollowUp:
    plan = FollowUpPlan.objects.filter(case=case).select_related("caseworker").first()
    visits = list(FollowUpVisit.objects.filter(case=case).select_related("visited_by", "visitor_agency")
                  .order_by("number")) if plan else []
    activities = list(UnionActivity.objects.filter(case=case).select_related("agency", "recorded_by")
                      .order_by("held_on", "pk"))
    return CaseFollowUp(plan=plan, visits=visits, activities=activities)


def case_referrals(case: Case) -> list[Referral]:
    return list(Referral.objects.filter(case=case).select_related("to_agency", "from_agency")
                .order_by("-referred_on", "-pk"))
