"""Referrals and reintegration follow-up as figures of the periodic statistics (``trove.reports.registry``).

Referrals (each by the service asked for, and in a table of their own by the type of the receiving agency; a provider
outside the system has no agency type):
- ``referrals.sent``: referrals dated in the period, of the cases placed in the place (``unit``, the case's place);
- ``referrals.received``: referrals dated in the period to agencies of the directory located in the place
  (``to_agency__unit``);
- ``referrals.accepted`` / ``referrals.declined``: referrals the receiver answered in the period (accepted: every
  answer that was not a refusal, even if the referral was closed or revoked since);
- ``referrals.closed``: referrals the receiver closed with feedback in the period.

Follow-up visits (of the cases placed in the place):
- ``followup.done``: visits made in the period;
- ``followup.due``: visits whose last day (``due_by``) fell in the period, without those cancelled with their case;
- ``followup.overdue``: of those, the visits not made by their last day (made late, or still not made and the last day
  past today).

A person may have several referrals and visits: the tables for publication count people (``people_field``).
The caseworkers' board gets two panels from here: referrals waiting for the answer of the user's agency, and the
follow-up visits due.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trove.referrals.models import FollowUpVisit, Referral, ReferralStatus, ServiceKind, VisitStatus
from trove.reports.periods import Period
from trove.reports.registry import UNKNOWN, Dimension, Figure, RecordRow, register, register_dimension


def _receiver_types():
    from trove.agencies.models import AgencyType

    return [*AgencyType.choices, (UNKNOWN, _("Provider outside the system"))]


register_dimension(Dimension(
    code="service_kind", label=_("Service"), needs=("service_kind",),
    expression=lambda paths, prefix: F(f"{prefix}{paths['service_kind']}"), choices=lambda: list(ServiceKind.choices),
))
register_dimension(Dimension(
    code="receiver_type", label=_("Type of receiving agency"), needs=("receiver_type",),
    expression=lambda paths, prefix: F(f"{prefix}{paths['receiver_type']}"), choices=_receiver_types,
))


def referral_row(referral: Referral) -> RecordRow:
    facts = (referral.get_service_kind_display(), referral.get_status_display(),
             date_format(referral.referred_on, "SHORT_DATE_FORMAT"), referral.receiver_name,
             referral.owner_agency.name)
    return RecordRow(title=f"{referral.case.code} · {_('referral')} {referral.pk}",
                     url=reverse("referrals:detail", args=[referral.pk]), facts=facts)


def visit_row(visit: FollowUpVisit) -> RecordRow:
    facts = (visit.get_status_display(), date_format(visit.due_by, "SHORT_DATE_FORMAT"),
             date_format(visit.visited_on, "SHORT_DATE_FORMAT") if visit.visited_on else "—",
             visit.owner_agency.name)
    return RecordRow(title=f"{visit.case.code} · {_('visit')} {visit.number}",
                     url=reverse("referrals:visit", args=[visit.pk]), facts=facts)


def _answered(period: Period):
    return Referral.objects.filter(answered_at__gte=period.start_moment(), answered_at__lt=period.end_moment())


def sent(period: Period):
    return Referral.objects.filter(referred_on__range=period.dates())


def received(period: Period):
    return Referral.objects.filter(referred_on__range=period.dates(), to_agency__isnull=False)


def accepted(period: Period):
    return _answered(period).exclude(status=ReferralStatus.DECLINED)


def declined(period: Period):
    return _answered(period).filter(status=ReferralStatus.DECLINED)


def closed(period: Period):
    return Referral.objects.filter(status=ReferralStatus.CLOSED, ended_at__gte=period.start_moment(),
                                   ended_at__lt=period.end_moment())


def _referral_paths(date: str) -> dict[str, str]:
    return {"sex": "case__person__sex", "birth_year": "case__person__birth_year", "date": date,
            "service_kind": "service_kind", "receiver_type": "to_agency__agency_type"}


REFERRAL = {"section": "referrals", "model": Referral, "row": referral_row,
            "row_related": ("case", "owner_agency", "to_agency"), "split_by": "service_kind",
            "cross_by": "receiver_type", "people_field": "case__person",
            "dimensions": ("sex", "age", "ctdc_age", "unit", "month", "service_kind", "receiver_type")}

register(Figure(code="referrals.sent", order=10, label=_("Referrals sent"), records=sent,
                description=_("Referrals dated in the period, of the cases of the place."),
                paths=_referral_paths("referred_on"), **REFERRAL))
register(Figure(code="referrals.received", order=20, label=_("Referrals received"), records=received,
                description=_("Referrals dated in the period to agencies located in the place."),
                paths=_referral_paths("referred_on"), unit_field="to_agency__unit", by_unit=False, **REFERRAL))
register(Figure(code="referrals.accepted", order=30, label=_("Referrals accepted"), records=accepted,
                description=_("Referrals the receiving agency accepted in the period."),
                paths=_referral_paths("answered_at"), by_unit=False, **REFERRAL))
register(Figure(code="referrals.declined", order=40, label=_("Referrals declined"), records=declined,
                description=_("Referrals the receiving agency declined in the period."),
                paths=_referral_paths("answered_at"), by_unit=False, **REFERRAL))
register(Figure(code="referrals.closed", order=50, label=_("Referrals closed"), records=closed,
                description=_("Referrals the receiving agency closed with its feedback in the period."),
                paths=_referral_paths("ended_at"), by_unit=False, **REFERRAL))


def visits_done(period: Period):
    return FollowUpVisit.objects.filter(status=VisitStatus.DONE, visited_on__range=period.dates())


def visits_due(period: Period):
    return FollowUpVisit.objects.filter(due_by__range=period.dates()).exclude(status=VisitStatus.CANCELLED)


def visits_overdue(period: Period):
    late = Q(status=VisitStatus.DONE, visited_on__gt=F("due_by"))
    missed = Q(status=VisitStatus.PLANNED, due_by__lt=timezone.localdate())
    return visits_due(period).filter(late | missed)


def _visit_paths(date: str) -> dict[str, str]:
    return {"sex": "case__person__sex", "birth_year": "case__person__birth_year", "date": date}


VISIT = {"section": "referrals", "model": FollowUpVisit, "row": visit_row, "row_related": ("case", "owner_agency"),
         "people_field": "case__person", "dimensions": ("sex", "age", "ctdc_age", "unit", "month")}

register(Figure(code="followup.done", order=60, label=_("Follow-up visits made"), records=visits_done,
                description=_("Reintegration visits made in the period."), paths=_visit_paths("visited_on"), **VISIT))
register(Figure(code="followup.due", order=70, label=_("Follow-up visits due"), records=visits_due,
                description=_("Reintegration visits whose last day fell in the period (cancelled ones left out)."),
                paths=_visit_paths("due_by"), by_unit=False, **VISIT))
register(Figure(code="followup.overdue", order=80, label=_("Follow-up visits overdue"), records=visits_overdue,
                description=_("Of the visits due in the period, those not made by their last day."),
                paths=_visit_paths("due_by"), by_unit=False, **VISIT))


# ---------------------------------------------------------------------------------------------------------------
# The caseworkers' board


def _waiting_panel(request, scope):
    from trove.reports.dashboards import referrals_waiting

    return referrals_waiting(request.user)


def _visits_panel(request, scope):
    from trove.reports.dashboards import visits_due_for, work_scope

    return visits_due_for(request.user, work_scope(request))


def _register_panels() -> None:
    from trove.reports.registry import DashboardPanel, register_panel

    register_panel(DashboardPanel(board="caseworkers", order=10, template="reports/_panel_referrals_waiting.html",
                                  context=_waiting_panel))
    register_panel(DashboardPanel(board="caseworkers", order=20, template="reports/_panel_visits_due.html",
                                  context=_visits_panel))


_register_panels()
