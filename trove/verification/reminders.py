"""Reminders for verification steps due soon or overdue and for requests past their due date (issue 5, part 4).

Who is reminded: for a step, the members of the case's owning agency who may edit cases; for a request, the members
of the requested agency who may edit or decide on cases. Each of them gets one in-app notification per step or
request per day (the notification key holds the day, so a second run on the same day adds nothing) and one e-mail
listing what is new for them. A notification records when it was e-mailed, so an e-mail that failed is tried again
on the next run of the day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trove.agencies.models import Membership
from trove.core.permissions import roles_with
from trove.notifications.actions import notify
from trove.notifications.models import Notification
from trove.rules.models import in_language
from trove.rules.workdays import VIETNAM
from trove.verification.models import RequestStatus, StepStatus, VerificationRequest, VerificationStep


@dataclass
class ReminderRun:
    notifications: int = 0
    emails: int = 0


def _members(agency_ids: set[int], permissions: tuple[str, ...], today: datetime.date) -> dict[int, set]:
    """Users by agency id: current members, in agencies valid today, whose role holds one of ``permissions``."""
    roles = {role for permission in permissions for role in roles_with(permission)}
    memberships = (
        Membership.objects.current(today)
        .filter(agency_id__in=agency_ids, role__in=roles, user__is_active=True)
        .filter(models.Q(agency__valid_to__isnull=True) | models.Q(agency__valid_to__gte=today))
        .select_related("user")
    )
    users: dict[int, set] = defaultdict(set)
    for membership in memberships:
        users[membership.agency_id].add(membership.user)
    return users


def send_reminders(*, days: int = 2, today: datetime.date | None = None) -> ReminderRun:
    today = today or timezone.localdate(timezone.now(), VIETNAM)
    horizon = today + datetime.timedelta(days=days)
    run = ReminderRun()
    steps = list(
        VerificationStep.objects.filter(status=StepStatus.PENDING, deadline__isnull=False, deadline__lte=horizon)
        .select_related("case", "rule").order_by("deadline", "pk")
    )
    requests = list(
        VerificationRequest.objects.filter(status=RequestStatus.OPEN, due_on__lt=today)
        .select_related("case", "to_agency").order_by("due_on", "pk")
    )
    step_users = _members({s.case.owner_agency_id for s in steps}, ("case.edit",), today)
    request_users = _members({r.to_agency_id for r in requests}, ("case.edit", "case.decide"), today)

    # Messages are written in the system's language (Vietnamese by default): they are stored, and users have no
    # language of their own yet.
    with translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic():
            _notify_all(run, today, steps, step_users, requests, request_users)
        # After the commit: a mail server that fails leaves the notifications in place, marked as not e-mailed.
        run.emails = _send_emails(today)
    return run


def _notify_all(run: ReminderRun, today: datetime.date, steps, step_users, requests, request_users) -> None:
    for step in steps:
        link = reverse("verification:case", args=[step.case.code])
        if step.deadline < today:
            message = _("Case %(code)s: step “%(step)s” was due on %(day)s and is overdue.")
        else:
            message = _("Case %(code)s: step “%(step)s” is due on %(day)s.")
        message %= {"code": step.case.code, "step": in_language(step.rule, "name"),
                    "day": step.deadline.strftime("%d/%m/%Y")}
        for user in step_users.get(step.case.owner_agency_id, ()):
            if notify(user=user, key=f"step:{step.pk}:{today.isoformat()}", message=message, link=link):
                run.notifications += 1
    for verification_request in requests:
        link = reverse("verification:case", args=[verification_request.case.code])
        message = _("Case %(code)s: the verification request to %(agency)s was due on %(day)s and is not "
                    "answered.") % {"code": verification_request.case.code,
                                    "agency": verification_request.to_agency.name,
                                    "day": verification_request.due_on.strftime("%d/%m/%Y")}
        for user in request_users.get(verification_request.to_agency_id, ()):
            if notify(user=user, key=f"request:{verification_request.pk}:{today.isoformat()}", message=message,
                      link=link):
                run.notifications += 1


def _send_emails(today: datetime.date) -> int:
    """One e-mail per user for today's reminders not yet e-mailed. A failing mail server raises (no fail_silently):
    the notifications of that user stay un-e-mailed and the next run tries again."""
    pending = (
        Notification.objects.filter(models.Q(key__startswith="step:") | models.Q(key__startswith="request:"),
                                    emailed_at__isnull=True, key__endswith=f":{today.isoformat()}")
        .exclude(user__email="").select_related("user").order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.user_id].append(notification)
    sent = 0
    for notifications in by_user.values():
        user = notifications[0].user
        subject = _("Trở Về: %(count)d verification deadlines need your attention") % {"count": len(notifications)}
        lines = [n.message for n in notifications]
        body = "\n".join([
            _("Hello %(name)s,") % {"name": user.display_name}, "", *(f"- {line}" for line in lines), "",
            _("Open Trở Về to see them: the deadlines page lists every open step and request."),
        ])
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        sent += 1
    return sent
