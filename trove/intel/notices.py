"""In-app notifications to the members of an agency when a tip or a proceeding is passed to it.

Messages carry codes and agency names only, never who anyone is. They are written in Vietnamese (the recipients'
language cannot be known yet), and sent after the transaction commits.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from trove.agencies.models import Agency, Membership
from trove.core.permissions import roles_with
from trove.notifications.actions import notify


def members_with(agency: Agency, permission: str) -> list:
    today = timezone.localdate()
    memberships = (
        Membership.objects.current(today)
        .filter(agency=agency, role__in=roles_with(permission), user__is_active=True)
        .filter(models.Q(agency__valid_to__isnull=True) | models.Q(agency__valid_to__gte=today))
        .select_related("user")
    )
    return list({membership.user_id: membership.user for membership in memberships}.values())


def notify_agency(agency: Agency, permission: str, *, key: str, message: str, link: str) -> int:
    sent = 0
    for user in members_with(agency, permission):
        if notify(user=user, key=key, message=message, link=link) is not None:
            sent += 1
    return sent
