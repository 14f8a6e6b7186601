"""Each agency's report on its duties for a reporting period, and the coordinator's reminders of reports overdue."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, Membership
from trove.core import audit
from trove.core.permissions import roles_with
from trove.notifications.actions import notify
from trove.plans.actions.common import (
    duty_agencies,
    may_act_for,
    period_text,
    require_in_force,
    require_manage,
    require_report,
)
from trove.plans.models import AgencyReport, Plan
from trove.plans.periods import plan_periods


def report_submit(*, acting_user, plan: Plan, agency: Agency, period_start: datetime.date,
                  period_end: datetime.date, results: str, difficulties: str = "", proposals: str = "",
                  received_on: datetime.date | None = None, request=None) -> AgencyReport:
    """Record ``agency``'s report on its duties for one of the plan's reporting periods, or correct the one given.

    ``received_on`` is the day a report sent on paper was received, when a coordinator records it later (the
    archive of past plans); otherwise the report is given now.

    Refused: a period that is not one of the plan's (above all one outside the plan's period), a period not begun,
    an agency without duties in the plan, an empty report, and a member reporting for another agency."""
    permissions = require_report(acting_user, plan)
    require_in_force(plan)
    if not may_act_for(acting_user, permissions, agency):
        raise PermissionDenied(_("You may report for your own agency only."))
    errors: dict[str, list[str]] = {}
    if agency.pk not in duty_agencies(plan):
        errors.setdefault("agency", []).append(
            _("The plan gives %(agency)s no duties to report on.") % {"agency": agency.name})
    periods = {(period.start, period.end): period for period in plan_periods(plan)}
    if period_start is None or period_end is None:
        errors.setdefault("period", []).append(_("Choose the period the report covers."))
    elif period_start < plan.period_start or period_end > plan.period_end:
        errors.setdefault("period", []).append(
            _("The period %(period)s lies outside the plan's period (%(plan_period)s): report on the plan's periods "
              "only.") % {"period": period_text(period_start, period_end),
                          "plan_period": period_text(plan.period_start, plan.period_end)})
    elif (period_start, period_end) not in periods:
        errors.setdefault("period", []).append(
            _("%(period)s is not one of the plan's reporting periods; choose one from the list.")
            % {"period": period_text(period_start, period_end)})
    elif period_start > timezone.localdate():
        errors.setdefault("period", []).append(_("This period has not begun yet."))
    if not (results or "").strip():
        errors.setdefault("results", []).append(_("Write what was done on the agency's duties in the period."))
    if received_on is not None:
        if "plan.manage" not in permissions:
            raise PermissionDenied(_("Only a plan coordinator records reports received earlier on paper."))
        if received_on > timezone.localdate() or (period_start and received_on < period_start):
            errors.setdefault("received_on", []).append(
                _("A report is received after its period begins and not after today."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)
        report = AgencyReport.objects.filter(series=plan.series, agency=agency, period_start=period_start).first()
        correcting = report is not None
        if report is None:
            report = AgencyReport(plan=plan, series=plan.series, agency=agency, period_start=period_start,
                                  period_end=period_end, submitted_by=acting_user)
            if received_on is not None:
                report.submitted_at = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9)))
        else:
            report.plan, report.updated_at = plan, timezone.now()
        report.results, report.difficulties, report.proposals = (results.strip(), (difficulties or "").strip(),
                                                                  (proposals or "").strip())
        report.save()
        audit.record("plan.report_correct" if correcting else "plan.report_submit", actor=acting_user,
                     request=request, agency=agency, obj=report,
                     changes={"plan": [None, plan.pk], "period": [None, [str(period_start), str(period_end)]]})
    return report


def overdue(plan: Plan, today: datetime.date | None = None) -> list[tuple[Agency, object]]:
    """(agency, period) pairs whose report fell due before ``today`` and was not given."""
    today = today or timezone.localdate()
    due = [period for period in plan_periods(plan) if period.is_due(today)]
    if not due:
        return []
    given = set(AgencyReport.objects.filter(series=plan.series).values_list("agency_id", "period_start"))
    agencies = Agency.objects.filter(pk__in=duty_agencies(plan)).order_by("name")
    return [(agency, period) for agency in agencies for period in due if (agency.pk, period.start) not in given]


def send_report_reminders(*, acting_user, plan: Plan, today: datetime.date | None = None, request=None) -> int:
    """Remind the members who may report for each agency whose report is overdue: one in-app notification a day for
    each missing report. Returns how many notifications were created."""
    require_manage(acting_user, plan)
    require_in_force(plan)
    today = today or timezone.localdate()
    # Notifications are stored in the system's language (the period names too): users have no language of their own.
    with translation.override(settings.LANGUAGE_CODE):
        missing = overdue(plan, today)
        users = _reporters({agency.pk for agency, _period in missing}, today)
        link = reverse("plans:progress", args=[plan.pk])
        created = 0
        with transaction.atomic():
            for agency, period in missing:
                message = _("Plan %(plan)s: the report of %(agency)s for %(period)s was due on %(day)s and has not "
                            "been given.") % {"plan": plan.number or plan.title[:80],
                                              "agency": agency.short_name or agency.name, "period": period.label,
                                              "day": period.due.strftime("%d/%m/%Y")}
                for user in users.get(agency.pk, ()):
                    # The key does not end with the day: verification's daily e-mail collects keys that do.
                    key = f"plans.report:{today.isoformat()}:{plan.pk}:{agency.pk}:{period.key}"
                    if notify(user=user, key=key, message=message, link=link):
                        created += 1
            audit.record("plan.remind", actor=acting_user, request=request, agency=plan.owner_agency, obj=plan,
                         changes={"overdue": [None, len(missing)], "notifications": [None, created]})
    return created


def _reporters(agency_ids: set[int], today: datetime.date) -> dict[int, set]:
    """Current members who may report, by agency, in agencies that exist today."""
    members = (
        Membership.objects.current(today)
        .filter(agency_id__in=agency_ids, role__in=roles_with("plan.report"), user__is_active=True)
        .filter(models.Q(agency__valid_to__isnull=True) | models.Q(agency__valid_to__gte=today))
        .select_related("user")
    )
    users: dict[int, set] = {}
    for membership in members:
        users.setdefault(membership.agency_id, set()).add(membership.user)
    return users
