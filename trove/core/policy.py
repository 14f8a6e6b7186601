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
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Membership
from trove.core import access_memo
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
        .select_related("agency__unit", "scope_unit")
    )
    setattr(user, _CACHE_ATTR, (today, memberships))
    return memberships


def forget_memberships(user) -> None:
    """Drop the per-request cache, after memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    access_memo.forget(user)


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


def covered_unit_ids(scope_unit: AdminUnit) -> set[int]:
    """The ids of the units ``covered_units`` accepts (a province's few hundred, both sets), read in one query."""
    return set(AdminUnit.objects.filter(covered_units(scope_unit, field="pk")).order_by().values_list("pk", flat=True))


# Above this many ids a list is left to the database as a subquery instead of being written into the query.
INLINE_IDS_MAX = 5000


def _covered_by(membership: Membership) -> set[int]:
    """``covered_unit_ids`` of the membership's scope, kept on the membership (cached per request with it)."""
    if getattr(membership, "_covered_ids", None) is None:
        membership._covered_ids = covered_unit_ids(membership.scope_unit)
    return membership._covered_ids


def _ids(queryset: models.QuerySet, column: str) -> list[int] | None:
    """The (usually few) ids a subquery gives, read now so that they go into the query as a list (one array value on
    PostgreSQL: ``core.lookups``); None when there are too many to send.

    A condition ``A OR pk IN (SELECT ...)`` leaves PostgreSQL one plan: read every row and test it. With a list of
    ids each branch can use its index (a bitmap OR of index scans): a small agency's page of cases costs the same as a
    large one's, and nothing walks all of a million cases.
    """
    ids = list(queryset.values_list(column, flat=True)[: INLINE_IDS_MAX + 1])
    return None if len(ids) > INLINE_IDS_MAX else ids


@dataclass
class Visibility:
    """What a user's view of one kind of record is made of: the agencies whose records they see, the records their
    agencies take part in or they broke the glass on (ids, or a subquery when there are too many), and the units they
    supervise. ``visible`` filters by it; a page that needs one column of the visible set (the owning agencies of a
    case list's filter) can ask each branch by its own index."""

    agency_ids: set[int]
    record_ids: list[int] | None
    records: list[models.QuerySet]
    unit_ids: set[int]

    def condition(self) -> models.Q:
        condition = models.Q(owner_agency_id__in=sorted(self.agency_ids))
        if self.record_ids:
            condition |= models.Q(pk__any_of=self.record_ids)  # thousands, for a large agency: one array
        for records in self.records:
            condition |= models.Q(pk__in=records)
        if self.unit_ids:
            condition |= models.Q(unit_id__in=sorted(self.unit_ids))
        return condition


def visibility(user, model: type[AgencyOwned], permission: str | None = None) -> Visibility | None:
    """The parts of the user's view of ``model`` records with ``permission`` (None: they see none), read now.

    The small sets it is made of (the records their agencies take part in, the glass they broke, the units they
    supervise) are read when this is called, not when a queryset built from it runs: build it in the request that
    uses it.
    """
    if not issubclass(model, AgencyOwned):
        raise TypeError(f"{model.__name__} is not AgencyOwned; the access policy cannot filter it")
    permission = permission or model.access_view_permission
    memberships = memberships_with(user, permission)
    if not memberships:
        return None
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(model)
    agency_ids = {m.agency_id for m in memberships}
    participating = Participation.objects.active(now).filter(content_type=content_type, agency_id__in=agency_ids)
    if permission == "case.view_identity":
        participating = participating.filter(identity_shown=True)
    granted = BreakGlassGrant.objects.active(now).filter(
        user=user, content_type=content_type, membership__in=[m.pk for m in memberships]
    )
    record_ids = _ids(participating.values("object_id").union(granted.values("object_id")), "object_id")
    units = set()
    for membership in memberships:
        if "scope.supervise" in role_permissions(membership.role):
            units |= _covered_by(membership)
    return Visibility(
        agency_ids=agency_ids,
        record_ids=sorted(record_ids) if record_ids is not None else None,
        records=[] if record_ids is not None else [participating.values("object_id"), granted.values("object_id")],
        unit_ids=units,
    )


def visible(user, queryset: models.QuerySet, permission: str | None = None) -> models.QuerySet:
    """The records of ``queryset`` on which the user holds ``permission`` (default: the model's view permission).

    What the view is made of is read when this is called (``visibility``): build the queryset in the request that
    uses it.
    """
    model = queryset.model
    permission = permission or getattr(model, "access_view_permission", None)
    parts = visibility(user, model, permission)
    if parts is None:
        return queryset.none()
    queryset = queryset.filter(parts.condition())
    if permission == "case.view_identity":
        content_type = ContentType.objects.get_for_model(model)
        hidden = IdentityRestriction.objects.filter(content_type=content_type, lifted_at__isnull=True).exclude(
            members=user)
        queryset = queryset.exclude(pk__in=hidden.values("object_id"))
    return queryset


def supervises(user, membership: Membership, obj: AgencyOwned) -> bool:
    """Whether ``membership`` (one of the user's) supervises a scope that covers the record's place; kept for the
    request like ``access_on``'s answers."""
    if "scope.supervise" not in role_permissions(membership.role):
        return False
    kept = access_memo.answers(user, current_memberships(user)) if obj.pk is not None else None
    key = ("supervises", membership.pk, type(obj)._meta.label_lower, obj.pk, obj.unit_id)
    if kept is not None and key in kept:
        return kept[key]
    answer = type(obj).objects.filter(pk=obj.pk).filter(covered_units(membership.scope_unit)).exists()
    if kept is not None:
        kept[key] = answer
    return answer


class _Reach:
    """What the memberships that reach a record add up to, read with as few queries as the memberships need: an owner
    needs none, a supervisor one, a participating or glass-breaking agency two."""

    def __init__(self) -> None:
        self.granted: set[str] = set()
        self.whole = False  # some membership sees all of the record
        self.shown: set[str] = set()  # otherwise, the sections the participations show
        self.until = None  # the first moment a participation or grant read here starts or ends

    def adds(self, membership: Membership) -> bool:
        """Whether the membership could still change the answer (not when the record is seen whole already and its
        permissions are all granted)."""
        return not (self.whole and role_permissions(membership.role) <= self.granted)

    def whole_through(self, membership: Membership) -> None:
        self.granted |= role_permissions(membership.role)
        self.whole = True

    def ends(self, moment) -> None:
        if moment is not None and (self.until is None or moment < self.until):
            self.until = moment


def _reach(user, obj: AgencyOwned, memberships: list[Membership], content_type, now) -> _Reach:
    reach = _Reach()
    left = []
    for membership in memberships:
        if membership.agency_id == obj.owner_agency_id:
            reach.whole_through(membership)
        else:
            left.append(membership)
    left = [m for m in left if reach.adds(m)]
    if left:  # supervising the record's place
        rest = []
        for membership in left:
            if reach.adds(membership) and supervises(user, membership, obj):
                reach.whole_through(membership)
            else:
                rest.append(membership)
        left = [m for m in rest if reach.adds(m)]
    if left:  # the glass broken on the record
        glass = {}
        for membership_id, expires_at in (BreakGlassGrant.objects.active(now)
                                          .filter(user=user, content_type=content_type, object_id=obj.pk)
                                          .values_list("membership_id", "expires_at")):
            glass[membership_id] = expires_at
            reach.ends(expires_at)
        rest = []
        for membership in left:
            if membership.pk in glass and reach.adds(membership):
                reach.whole_through(membership)
            else:
                rest.append(membership)
        left = [m for m in rest if reach.adds(m)]
    if left:  # taking part in the record (a participation that has not ended; one that starts later counts then)
        participations: dict[int, list[list[str]]] = {}
        for agency_id, sections, started_at, ended_at in (
                Participation.objects.filter(models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=now),
                                             content_type=content_type, object_id=obj.pk)
                .values_list("agency_id", "sections", "started_at", "ended_at")):
            if started_at > now:
                reach.ends(started_at)
                continue
            reach.ends(ended_at)
            participations.setdefault(agency_id, []).append(sections)
        for membership in left:
            if membership.agency_id not in participations or not reach.adds(membership):
                continue
            reach.granted |= role_permissions(membership.role)
            for sections in participations[membership.agency_id]:
                if sections:
                    reach.shown.update(sections)
                else:
                    reach.whole = True
    return reach


def _identity_flag(user, content_type, obj: AgencyOwned) -> bool | None:
    """The confidentiality flag in force on the record: None without one, else whether the user is named in it."""
    named_user = IdentityRestriction.members.through.objects.filter(identityrestriction_id=models.OuterRef("pk"),
                                                                     user_id=user.pk)
    flags = list(IdentityRestriction.objects.filter(content_type=content_type, object_id=obj.pk,
                                                    lifted_at__isnull=True)
                 .values_list(models.Exists(named_user), flat=True))
    _remember_restricted(content_type, obj, bool(flags))
    return all(flags) if flags else None


def access_on(user, obj: AgencyOwned, *, restrictions: bool = True) -> tuple[frozenset[str], frozenset[str] | None]:
    """The permissions the user holds on this one record, and the sections of it they may see (None: all of it).

    Sections are limited only when every membership that reaches the record does so through participations that name
    sections (a referral showing the health needs only, say). Identity needs the ``identity`` section, and, when the
    record carries a confidentiality flag (``IdentityRestriction``), the user must be named in it;
    ``restrictions=False`` asks what the user would hold without the flag (to check who may be named in one).

    Within a request the answer is kept (``trove.core.access_memo``): a page asks as often as it likes and the
    database is read once, and again after anything the answer depends on changed.
    """
    memberships = current_memberships(user)
    if not memberships:
        return frozenset(), frozenset()
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(obj)
    kept = access_memo.answers(user, memberships) if obj.pk is not None else None
    key = (content_type.pk, obj.pk, obj.owner_agency_id, obj.unit_id, restrictions)
    if kept is not None and key in kept:
        answer, until = kept[key]
        if until is None or now < until:
            return answer
    reach = _reach(user, obj, memberships, content_type, now)
    granted = reach.granted
    sections = None if reach.whole else frozenset(reach.shown)
    if "case.view_identity" in granted:
        if sections is not None and "identity" not in sections:
            granted.discard("case.view_identity")
        elif restrictions and _identity_flag(user, content_type, obj) is False:
            granted.discard("case.view_identity")
    answer = (frozenset(granted), sections)
    if kept is not None:
        kept[key] = (answer, reach.until)
    return answer


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


def _remember_restricted(content_type, obj: AgencyOwned, restricted: bool) -> None:
    facts = access_memo.facts()
    if facts is not None and obj.pk is not None:
        facts[("restricted", content_type.pk, obj.pk)] = restricted


def identity_restricted(obj: AgencyOwned) -> bool:
    """Whether a confidentiality flag is in force on the record (read once per request)."""
    content_type = ContentType.objects.get_for_model(obj)
    facts = access_memo.facts()
    if facts is not None and ("restricted", content_type.pk, obj.pk) in facts:
        return facts[("restricted", content_type.pk, obj.pk)]
    restricted = IdentityRestriction.objects.filter(content_type=content_type, object_id=obj.pk,
                                                    lifted_at__isnull=True).exists()
    _remember_restricted(content_type, obj, restricted)
    return restricted


def reveal_identity(user, obj: AgencyOwned, *, request=None) -> bool:
    """Whether to show who the person behind ``obj`` is. Each yes is recorded in the audit log as ``identity.view``;
    a no means the page shows the case code and pseudonym only."""
    from trove.core import audit

    if not can(user, "case.view_identity", obj):
        return False
    audit.record("identity.view", actor=user, request=request, obj=obj)
    return True
