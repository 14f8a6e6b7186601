"""Checks on identity data that the intake form runs as you type and the actions run again before saving."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_BIRTH_YEAR = 1900
_CITIZEN_ID = re.compile(r"^\d{12}$")
_OLD_ID = re.compile(r"^\d{9}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
_PHONE = re.compile(r"^(0\d{9}|\+\d{7,15})$")


def clean_citizen_id(value: str) -> str:
    value = re.sub(r"[\s.-]", "", value or "")
    if value and not _CITIZEN_ID.match(value):
        raise ValidationError(_("A citizen ID (CCCD) has exactly 12 digits; this one has %(count)d characters.")
                              % {"count": len(value)}, code="citizen_id")
    return value


def clean_old_id(value: str) -> str:
    value = re.sub(r"[\s.-]", "", value or "")
    if value and not _OLD_ID.match(value):
        raise ValidationError(_("An old ID card number (CMND) has exactly 9 digits."), code="old_id")
    return value


def clean_passport(value: str) -> str:
    value = re.sub(r"\s", "", value or "").upper()
    if value and not _PASSPORT.match(value):
        raise ValidationError(_("A passport number has 6 to 12 letters and digits, e.g. C1234567."), code="passport")
    return value


def clean_phone(value: str) -> str:
    value = re.sub(r"[\s.()-]", "", value or "")
    if value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    if value and not _PHONE.match(value):
        raise ValidationError(_("Write a Vietnamese phone number with 10 digits starting with 0, or an international "
                                "number starting with +."), code="phone")
    return value


def clean_birth_date(day: datetime.date | None, *, not_after: datetime.date | None = None,
                     today: datetime.date | None = None) -> datetime.date | None:
    """``day`` if it is a possible date of birth (not after ``today``, which a caller checking many may give)."""
    if day is None:
        return None
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError(_("The date of birth cannot be in the future."), code="birth_future")
    if not_after and day > not_after:
        raise ValidationError(_("The date of birth cannot be after the day the person was received."),
                              code="birth_after_intake")
    if day.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("The year of birth must be %(year)d or later.") % {"year": EARLIEST_BIRTH_YEAR},
                              code="birth_too_early")
    return day


def clean_moment_not_future(moment: datetime.datetime, *, field_label: str) -> datetime.datetime:
    # A few minutes of grace for a phone whose clock runs fast.
    if moment > timezone.now() + datetime.timedelta(minutes=10):
        raise ValidationError(_("%(field)s cannot be in the future.") % {"field": field_label}, code="future")
    return moment
