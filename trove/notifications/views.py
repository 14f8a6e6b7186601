"""A user's notifications: the list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from trove.notifications.actions import mark_read
from trove.notifications.models import Notification

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = sum(1 for n in page.object_list if not n.is_read)
    return render(request, "notifications/list.html", {"page": page, "unread_on_page": unread})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (and follow its link) or all of them."""
    one = request.POST.get("notification")
    if one and one.isdigit():
        mark_read(acting_user=request.user, notification_ids=[int(one)])
        notification = Notification.objects.filter(user=request.user, pk=int(one)).first()
        if notification and notification.link and url_has_allowed_host_and_scheme(
                notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(notification.link)
    else:
        mark_read(acting_user=request.user)
    return redirect("notifications:list")
