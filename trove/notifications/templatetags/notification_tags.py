from django import template

from trove.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_indicator.html", takes_context=True)
def notification_indicator(context) -> dict:
    """The header link to the notifications page with the number of unread ones (one COUNT query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"show": True, "unread": unread}
