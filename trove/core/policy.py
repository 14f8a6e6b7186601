"""The access policy: who may see and do what, for every record that belongs to an agency (DESIGN §4).

A user's permissions come from their memberships valid today. A membership reaches a record when
- its agency owns the record, or
- its agency takes part in the record (an active ``Participation``: a verification request, a referral, a shared
  assignment), or
- its role supervises a scope (``scope.supervise``) and the record's place lies in the membership's scope unit —
  under the unit set of the scope or, through the 2025 succession, the other set — or
- the user broke the glass on that record with this membership and the grant has not expired.
The permissions a user holds on a record are those of the memberships that reach it.

Views, API, exports and reports use only these functions:
``visible(user, queryset)`` filters a queryset; ``require(user, action, obj)`` guards one record (404 when the user
may not know it exists, 403 when they may see it but not do the action); ``get_for_user`` does both for a look-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Membership
from trove.core.models.access import AgencyOwned, BreakGlassGrant, IdentityRestriction, Participation
from trove.core.permissions import role_permissions
from trove.geo.models import AdminUnit
from trove.geo.selectors import descendant_units

_CACHE_ATTR = "_trove_memberships"


def current_memberships(user) -> list[Membership]:
    """The user's memberships valid today in agencies valid today, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    today = timezone.localdate()
    if cached is not None and cached[0] == today:
        return cached[1]
    memberships = list(
        Membership.objects.current(today)
        .filter(user=user)
        .filter(models.Q(agency__valid_from__isnull=True) | models.Q(agency__valid_from__lte=today))
        .filter(models.Q(agency__valid_to__isnull=True) | models.Q(agency__valid_to__gte=today))
        .select_related("agency", "scope_unit")
    )
    setattr(user, _CACHE_ATTR, (today, memberships))
    return memberships


def forget_memberships(user) -> None:
    """Drop the per-request cache, after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_permission(user, permission: str) -> bool:
    """Whether any current membership grants ``permission`` (for actions not tied to one record)."""
    return any(permission in role_permissions(m.role) for m in current_memberships(user))


def memberships_with(user, permission: str) -> list[Membership]:
    return [m for m in current_memberships(user) if permission in role_permissions(m.role)]


def covered_units(scope_unit: AdminUnit, field: str = "unit") -> models.Q:
    """A condition on ``field`` (a unit foreign key, ``unit`` by default) that holds for records placed in
    ``scope_unit`` or under it, in either unit set."""
    own = descendant_units(scope_unit)
    if scope_unit.unit_set == "legacy":
        others = [AdminUnit.objects.filter(predecessor_rows__legacy_unit__in=own)]
    else:
        # Legacy communes and provinces map to 2025 units; a legacy district (abolished, without a successor of its
        # own) is covered when one of its communes went into the scope. Two subqueries rather than one with OR:
        # the OR over two joins made PostgreSQL join every unit with its successions on each use (~90 ms).
        others = [AdminUnit.objects.filter(successors_rows__new_unit__in=own),
                  AdminUnit.objects.filter(children__successors_rows__new_unit__in=own)]
    condition = models.Q(**{f"{field}__in": own.values("pk")})
    for other in others:
        condition |= models.Q(**{f"{field}__in": other.values("pk")})
    return condition


def visible(user, queryset: models.QuerySet, permission: str | None = None) -> models.QuerySet:
    """The records of ``queryset`` on which the user holds ``permission`` (default: the model's view permission)."""
    model = queryset.model
    if not issubclass(model, AgencyOwned):
        raise TypeError(f"{model.__name__} is not AgencyOwned; the access policy cannot filter it")
    permission = permission or model.access_view_permission
    memberships = memberships_with(user, permission)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    condition = models.Q(pk__in=[])
    agency_ids = {m.agency_id for m in memberships}
    if agency_ids:
        participating = Participation.objects.active(now).filter(content_type=content_type, agency_id__in=agency_ids)
        if permission == "case.view_identity":
            participating = participating.filter(identity_shown=True)
        condition |= models.Q(owner_agency_id__in=agency_ids) | models.Q(pk__in=participating.values("object_id"))
    for membership in memberships:
        if "scope.supervise" in role_permissions(membership.role):
            condition |= covered_units(membership.scope_unit)
    granted = BreakGlassGrant.objects.active(now).filter(
        user=user, content_type=content_type, membership__in=[m.pk for m in memberships]
    )
    if memberships:
        condition |= models.Q(pk__in=granted.values("object_id"))
    queryset = queryset.filter(condition)
    if permission == "case.view_identity" and memberships:
        hidden = IdentityRestriction.objects.filter(content_type=content_type, lifted_at__isnull=True).exclude(
            members=user)
        queryset = queryset.exclude(pk__in=hidden.values("object_id"))
    return queryset


def _reaches_whole(membership: Membership, obj: AgencyOwned, glass: set[int]) -> bool:
    """Whether the membership reaches the whole record: as its owner, through the glass, or supervising its place."""
    if membership.agency_id == obj.owner_agency_id:
        return True
    if membership.pk in glass:
        return True
    if "scope.supervise" in role_permissions(membership.role):
        return type(obj).objects.filter(pk=obj.pk).filter(covered_units(membership.scope_unit)).exists()
    return False


def access_on(user, obj: AgencyOwned, *, restrictions: bool = True) -> tuple[frozenset[str], frozenset[str] | None]:
    """The permissions the user holds on this one record, and the sections of it they may see (None: all of it).

    Sections are limited only when every membership that reaches the record does so through participations that name
    sections (a referral showing the health needs only, say). Identity needs the ``identity`` section, and, when the
    record carries a confidentiality flag (``IdentityRestriction``), the user must be named in it;
    ``restrictions=False`` asks what the user would hold without the flag (to check who may be named in one).
    """
    memberships = current_memberships(user)
    if not memberships:
        return frozenset(), frozenset()
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(obj)
    participations: dict[int, list[list[str]]] = {}
    for agency_id, sections in (Participation.objects.active(now)
                                .filter(content_type=content_type, object_id=obj.pk)
                                .values_list("agency_id", "sections")):
        participations.setdefault(agency_id, []).append(sections)
    glass = set(
        BreakGlassGrant.objects.active(now)
        .filter(user=user, content_type=content_type, object_id=obj.pk)
        .values_list("membership_id", flat=True)
    )
    granted: set[str] = set()
    whole = False
    shown: set[str] = set()
    for membership in memberships:
        permissions = role_permissions(membership.role)
        if permissions <= granted and whole:
            continue
        if _reaches_whole(membership, obj, glass):
            granted |= permissions
            whole = True
        elif membership.agency_id in participations:
            granted |= permissions
            for sections in participations[membership.agency_id]:
                if sections:
                    shown.update(sections)
                else:
                    whole = True
    sections = None if whole else frozenset(shown)
    if "case.view_identity" in granted:
        if sections is not None and "identity" not in sections:
            granted.discard("case.view_identity")
        elif restrictions and IdentityRestriction.objects.filter(
            content_type=content_type, object_id=obj.pk, lifted_at__isnull=True
        ).exclude(members=user).exists():
            granted.discard("case.view_identity")
    return frozenset(granted), sections


def permissions_on(user, obj: AgencyOwned, *, restrictions: bool = True) -> frozenset[str]:
    """Every permission the user holds on this one record."""
    return access_on(user, obj, restrictions=restrictions)[0]


def sections_on(user, obj: AgencyOwned) -> frozenset[str] | None:
    """The sections of the record the user may see; None when they may see all of it."""
    return access_on(user, obj)[1]


def can(user, action: str, obj: AgencyOwned, *, restrictions: bool = True) -> bool:
    return action in permissions_on(user, obj, restrictions=restrictions)


def require(user, action: str, obj: AgencyOwned, *, section: str | None = None) -> frozenset[str]:
    """Guard one record: 404 if the user may not see it at all, 403 if they may see it but not do ``action``, or —
    with ``section`` — if their agency takes part only in other sections of it (a referral's receiver).

    Returns the permissions held, so that a view can decide, say, whether to show identity data without asking again.
    """
    permissions, shown = access_on(user, obj)
    if type(obj).access_view_permission not in permissions:
        raise Http404
    if action not in permissions:
        raise PermissionDenied
    if section is not None and shown is not None and section not in shown:
        raise PermissionDenied(_("Your agency takes part in case %(code)s without this part of it.") % {"code": obj})
    return permissions


def get_for_user(user, queryset: models.QuerySet | type[AgencyOwned], pk, action: str | None = None) -> AgencyOwned:
    """Look a record up by id through the policy (healthchecks' ``_get_check_for_user``)."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(user, action or queryset.model.access_view_permission, obj)
    return obj


def agencies_of(user, permission: str) -> Iterable[int]:
    return {m.agency_id for m in memberships_with(user, permission)}


def audit_entries_visible_to(user) -> models.QuerySet:
    """Audit entries an auditor may read: those of agencies placed within their scope, and the sign-in events of
    people who work in those agencies. Without ``audit.view`` the queryset is empty."""
    from trove.agencies.models import Agency
    from trove.core.models.audit import AuditEntry

    condition = models.Q(pk__in=[])
    for membership in memberships_with(user, "audit.view"):
        agencies = Agency.objects.filter(covered_units(membership.scope_unit)).values("pk")
        people = Membership.objects.filter(agency__in=agencies).values("user_id")
        condition |= models.Q(agency_id__in=agencies) | models.Q(agency_id__isnull=True, actor_id__in=people)
    return AuditEntry.objects.filter(condition)


def identity_restricted(obj: AgencyOwned) -> bool:
    """Whether a confidentiality flag is in force on the record."""
    return IdentityRestriction.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                              lifted_at__isnull=True).exists()


def reveal_identity(user, obj: AgencyOwned, *, request=None) -> bool:
    """Whether to show who the person behind ``obj`` is. Each yes is recorded in the audit log as ``identity.view``;
    a no means the page shows the case code and pseudonym only."""
    from trove.core import audit

    if not can(user, "case.view_identity", obj):
        return False
    audit.record("identity.view", actor=user, request=request, obj=obj)
    return True
