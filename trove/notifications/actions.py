"""Creating notifications and marking them read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from trove.notifications.models import Notification


def notify(*, user, key: str, message: str, link: str = "") -> Notification | None:
    """Give ``user`` a notification unless one with the same key already exists; returns the new one or None."""
    if Notification.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, key=key[:100], message=message[:500], link=link[:300])
    except IntegrityError:
        # Another run created it between the check and the insert.
        return None


def mark_read(*, acting_user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given); returns how many changed."""
    unread = Notification.objects.filter(user=acting_user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
