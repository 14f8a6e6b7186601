from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from trove.core.models import Installation


def installation(request: HttpRequest) -> dict:
    """Tell every page whether this database holds demo data, and what the user's roles allow (for the menu)."""

    def granted() -> frozenset[str]:
        from trove.core import policy
        from trove.core.permissions import role_permissions

        user = getattr(request, "user", None)
        permissions: set[str] = set()
        for membership in policy.current_memberships(user):
            permissions |= role_permissions(membership.role)
        return frozenset(permissions)

    return {"is_demo": Installation.is_demo, "granted": SimpleLazyObject(granted)}
