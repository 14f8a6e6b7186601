"""Creating and changing persons. Identity is validated, encrypted, indexed and tokenised in one place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trove.core import audit, policy
from trove.core.versioning import lock_current
from trove.people import validation
from trove.people.identity import index_identity, refresh_name_tokens
from trove.people.models import DatePrecision, Person, Sex


@dataclass
class PersonData:
    """One person's identity as a form or an import gives it, before it is saved."""

    full_name: str
    sex: str = Sex.UNKNOWN
    birth_date: datetime.date | None = None
    birth_precision: str = DatePrecision.DAY
    birth_year: int | None = None
    other_names: list[str] = field(default_factory=list)
    citizen_id: str = ""
    old_id: str = ""
    passport: str = ""
    phone: str = ""
    home_address: str = ""
    home_unit: object = None
    current_address: str = ""
    current_unit: object = None
    father_name: str = ""
    mother_name: str = ""
    relatives: list[dict] = field(default_factory=list)
    ethnicity: str = ""
    nationality: object = None
    languages: list[str] = field(default_factory=list)
    education: str = ""
    marital_status: str = ""

    def cleaned(self, *, received_on: datetime.date | None = None, today: datetime.date | None = None) -> PersonData:
        """A copy with normalised ID numbers and phone; raises ValidationError naming every bad field. ``today``
        (the local date) may be given by a caller cleaning many."""
        errors: dict[str, list] = {}
        values = dict(self.__dict__)
        if not (self.full_name or "").strip():
            errors["full_name"] = [ValidationError(_required_name())]
        values["full_name"] = " ".join((self.full_name or "").split())
        if self.birth_date is not None:
            # The year in the clear is the birth date's: statistics and the duplicate check read it undecrypted.
            values["birth_year"] = self.birth_date.year
        for name, cleaner in (("citizen_id", validation.clean_citizen_id), ("old_id", validation.clean_old_id),
                              ("passport", validation.clean_passport), ("phone", validation.clean_phone)):
            try:
                values[name] = cleaner(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.error_list
        try:
            validation.clean_birth_date(self.birth_date, not_after=received_on, today=today)
        except ValidationError as error:
            errors["birth_date"] = error.error_list
        if self.birth_date is None and self.birth_year:
            try:
                validation.clean_birth_date(datetime.date(self.birth_year, 1, 1), not_after=received_on, today=today)
            except ValidationError as error:
                errors["birth_date"] = error.error_list
        if errors:
            raise ValidationError(errors)
        return PersonData(**values)


def _required_name() -> str:
    from django.utils.translation import gettext

    return gettext("Write the person's full name as they give it; an alias is fine if that is all there is.")


def new_person(data: PersonData, acting_user) -> Person:
    """An unsaved person from cleaned ``data``, its blind indexes computed (``person_create`` and the bulk intake)."""
    person = Person(
        full_name=data.full_name, other_names=[name for name in data.other_names if name.strip()] or None,
        birth_date=data.birth_date, birth_precision=data.birth_precision, birth_year=data.birth_year,
        sex=data.sex or Sex.UNKNOWN, citizen_id=data.citizen_id, old_id=data.old_id, passport=data.passport,
        phone=data.phone, home_address=data.home_address, home_unit=data.home_unit,
        current_address=data.current_address, current_unit=data.current_unit, father_name=data.father_name,
        mother_name=data.mother_name, relatives=data.relatives or None, ethnicity=data.ethnicity,
        nationality=data.nationality, languages=data.languages, created_by=acting_user,
        **({"education": data.education} if data.education else {}),
        **({"marital_status": data.marital_status} if data.marital_status else {}),
    )
    index_identity(person)
    return person


def person_create(*, acting_user, data: PersonData, received_on: datetime.date | None = None, request=None) -> Person:
    person = new_person(data.cleaned(received_on=received_on), acting_user)
    with transaction.atomic():
        person.save()
        refresh_name_tokens(person)
        refresh_match_keys(person)
        audit.record("person.create", actor=acting_user, request=request, obj=person)
    return person


def refresh_match_keys(person: Person) -> None:
    """Recompute the duplicate-matching keys, when the matching module keeps any."""
    try:
        from trove.people.matching import refresh_match_keys as refresh
    except ImportError:
        return
    refresh(person)


class CorrectionReason(models.TextChoices):
    # A code, not free text: a reason written by hand would often repeat the very name or number being corrected,
    # and the audit log keeps reasons in clear.
    SPELLING = "spelling", gettext_lazy("Spelling or typing mistake")
    DOCUMENT = "document", gettext_lazy("Checked against an identity document")
    STATEMENT = "statement", gettext_lazy("New statement of the person or their family")
    VERIFICATION = "verification", gettext_lazy("Result of verification")
    OTHER = "other", gettext_lazy("Other")


# What an identity correction may change; the rest (indexes, tokens, merges) follows from these.
CORRECTABLE = ("full_name", "other_names", "sex", "birth_date", "birth_precision", "birth_year", "citizen_id",
               "old_id", "passport", "phone", "home_address", "home_unit", "current_address", "current_unit",
               "father_name", "mother_name", "ethnicity", "nationality")


def _values(person: Person) -> dict:
    values = {}
    for name in CORRECTABLE:
        field_object = Person._meta.get_field(name)
        value = field_object.value_from_object(person)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def person_update(*, acting_user, case, data: PersonData, expected_version: int | None, reason: str,
                  request=None) -> Person:
    """Correct the identity of the person behind ``case``, from the version the user started from.

    Needs ``case.edit`` and ``case.view_identity`` on the case. Raises ``StaleEdit`` (a ValidationError) when someone
    saved the person in between, and ValidationError for bad values — in both cases nothing is saved."""
    permissions = policy.require(acting_user, "case.edit", case)
    if "case.view_identity" not in permissions:
        raise PermissionDenied
    if reason not in CorrectionReason.values:
        raise ValidationError({"reason": [gettext_lazy("Choose why the details are corrected.")]})
    intake = getattr(case, "intake", None)
    data = data.cleaned(received_on=timezone.localdate(intake.received_at) if intake else None)
    with transaction.atomic():
        person = lock_current(case.person, expected_version)
        if person.merged_into_id:
            raise ValidationError(gettext_lazy("This record was merged into another one; correct the other record."))
        before = _values(person)
        person.full_name = data.full_name
        person.other_names = [name for name in data.other_names if name.strip()] or None
        person.sex = data.sex or Sex.UNKNOWN
        person.birth_date, person.birth_precision = data.birth_date, data.birth_precision
        person.birth_year = data.birth_date.year if data.birth_date else data.birth_year
        for name in ("citizen_id", "old_id", "passport", "phone", "home_address", "home_unit", "current_address",
                     "current_unit", "father_name", "mother_name", "ethnicity", "nationality"):
            setattr(person, name, getattr(data, name))
        changes = audit.diff(before, _values(person), sensitive=set())  # record() masks the encrypted ones
        if not changes:
            return person
        person.version += 1
        index_identity(person)
        person.save()
        refresh_name_tokens(person)
        refresh_match_keys(person)
        audit.record("person.update", actor=acting_user, request=request, obj=person, changes=changes,
                     reason=reason)
    case.person = person
    return person
