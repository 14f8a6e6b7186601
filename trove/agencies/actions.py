"""Managing who works where: an agency's administrator adds and removes members within the agency's scope.

A change takes effect at once: the access policy reads memberships on every request, and removing a member renews
the user's security stamp, which signs out every session they have.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.agencies.models import Agency, Membership, Role
from trove.core import audit, policy
from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.geo.selectors import descendant_units


def administering_membership(acting_user, agency: Agency) -> Membership:
    """The acting user's current administrator membership in ``agency``; 403 when there is none."""
    for membership in policy.memberships_with(acting_user, "admin.users"):
        if membership.agency_id == agency.pk:
            return membership
    raise PermissionDenied


def account_create(*, acting_user, agency: Agency, username: str, full_name: str, password: str,
                   request=None) -> User:
    """An agency administrator opens an account for a new colleague, who then gets a membership."""
    administering_membership(acting_user, agency)
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name for a new account.")})
    user = User(username=username, full_name=full_name)
    errors = {}
    try:
        user.clean_fields(exclude=["password"])
        user.validate_unique()
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit.record("user.create", actor=acting_user, request=request, agency=agency, obj=user,
                     changes={"username": [None, username]})
    return user


def _check_scope(admin: Membership, scope_unit: AdminUnit) -> None:
    if not descendant_units(admin.scope_unit).filter(pk=scope_unit.pk).exists():
        raise ValidationError(
            {"scope_unit": _("You can give scope only within your own: %(unit)s and the units under it.")
             % {"unit": admin.scope_unit.name}}
        )


def membership_add(
    *,
    acting_user,
    agency: Agency,
    user: User,
    role: str,
    scope_unit: AdminUnit,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    request=None,
) -> Membership:
    admin = administering_membership(acting_user, agency)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    _check_scope(admin, scope_unit)
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled; ask a system administrator to enable it first.")})
    membership = Membership(user=user, agency=agency, role=role, scope_unit=scope_unit,
                            valid_from=valid_from or timezone.localdate(), valid_to=valid_to)
    membership.full_clean()
    with transaction.atomic():
        if Membership.objects.current().filter(user=user, agency=agency, role=role).exists():
            raise ValidationError(_("%(user)s already has this role in this agency.") % {"user": user.display_name})
        membership.save()
        audit.record("membership.add", actor=acting_user, request=request, agency=agency, role=admin.role,
                     obj=membership, changes={
                         "user": [None, user.get_username()], "role": [None, role],
                         "scope_unit": [None, scope_unit.key],
                         "valid_from": [None, membership.valid_from], "valid_to": [None, membership.valid_to],
                     })
    policy.forget_memberships(user)
    return membership


def membership_end(*, acting_user, membership: Membership, request=None) -> Membership:
    """End a membership now. The user's sessions end too, so that a removed member cannot go on working."""
    admin = administering_membership(acting_user, membership.agency)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.ended_at is not None:
            return membership
        membership.ended_at = timezone.now()
        membership.ended_by = acting_user
        membership.save(update_fields=["ended_at", "ended_by"])
        User.objects.filter(pk=membership.user_id).update(security_stamp=User.new_security_stamp())
        audit.record("membership.end", actor=acting_user, request=request, agency=membership.agency,
                     role=admin.role, obj=membership,
                     changes={"user": [membership.user.get_username(), None], "role": [membership.role, None]})
    policy.forget_memberships(membership.user)
    return membership
