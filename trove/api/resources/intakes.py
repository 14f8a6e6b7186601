"""Registering an intake: the same ``receive_person`` as the intake form, with the same validation messages. The
case opens with its verification steps; the answer is the new case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from trove.api.auditing import touched
from trove.api.resources.cases import CaseDetail, case_detail_out, case_etag
from trove.api.schemas import Choice, CountryCode, Day, Error, Id, Moment, Text, UnitKey
from trove.cases.actions import ChildData, DocumentData, IntakeData, receive_person
from trove.cases.models import IntakeChannel, PlaceKind
from trove.cases.selectors import case_for_user
from trove.core import policy
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData
from trove.people.models import DatePrecision, Education, MaritalStatus, Sex

router = Router(tags=["intakes"])


class PersonIn(Schema):
    full_name: Text(200)
    sex: Choice(Sex) = Sex.UNKNOWN.value
    birth_date: Day | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100, description="When only the year is known.")
    birth_precision: Choice(DatePrecision) | None = Field(None, description="Default: day with a birth date, "
                                                                              "year without.")
    other_names: list[Text(200)] = Field([], max_length=20)
    citizen_id: Text(20) = ""
    old_id: Text(20) = ""
    passport: Text(20) = ""
    phone: Text(20) = ""
    home_address: Text(300) = ""
    home_unit: UnitKey | None = None
    current_address: Text(300) = ""
    current_unit: UnitKey | None = None
    father_name: Text(200) = ""
    mother_name: Text(200) = ""
    ethnicity: Text(40) = ""
    nationality: CountryCode | None = None
    languages: list[Text(40)] = Field([], max_length=10)
    education: Choice(Education) = Education.UNKNOWN.value
    marital_status: Choice(MaritalStatus) = MaritalStatus.UNKNOWN.value


class DocumentIn(Schema):
    title: Text(200)
    number: Text(60) = ""
    issued_by: Text(200) = ""
    issued_on: Day | None = None


class ChildIn(Schema):
    person: PersonIn
    relation: Text(60) = ""


class IntakeIn(Schema):
    agency: Id | None = Field(None, description="The receiving agency; may be left out when the caller opens cases "
                                                "in one agency only.")
    channel: Choice(IntakeChannel)
    received_at: Moment
    place_kind: Choice(PlaceKind)
    place_unit: UnitKey = Field(description="The unit valid on the day of receiving.")
    place_name: Text(200) = ""
    country_returned_from: CountryCode | None = None
    source_reference: Text(200) = ""
    immediate_needs: Text(4000) = ""
    first_support: Text(4000) = ""
    consent_given: bool = False
    notes: Text(4000) = ""
    documents: list[DocumentIn] = Field([], max_length=20)
    children: list[ChildIn] = Field([], max_length=20)
    person: PersonIn


class Resolver:
    """Turns keys and codes into rows, collecting a message per field it cannot resolve."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def unit(self, key: str | None, field: str):
        if not key:
            return None
        unit = AdminUnit.objects.filter(unit_set=key.split(":")[0], code=key.split(":")[1]).first()
        if unit is None:
            self.errors.setdefault(field, []).append(_("No unit has this key; write it like 2025:29926."))
        return unit

    def country(self, code: str | None, field: str):
        if not code:
            return None
        country = Country.objects.filter(code=code).first()
        if country is None:
            self.errors.setdefault(field, []).append(_("No country has the code %(code)s.") % {"code": code})
        return country

    def person(self, data: PersonIn, field: str) -> PersonData:
        precision = data.birth_precision or (DatePrecision.DAY if data.birth_date else DatePrecision.YEAR)
        return PersonData(
            full_name=data.full_name, sex=data.sex, birth_date=data.birth_date, birth_precision=precision,
            birth_year=data.birth_date.year if data.birth_date else data.birth_year,
            other_names=[name.strip() for name in data.other_names if name.strip()], citizen_id=data.citizen_id,
            old_id=data.old_id, passport=data.passport, phone=data.phone, home_address=data.home_address,
            home_unit=self.unit(data.home_unit, f"{field}.home_unit"), current_address=data.current_address,
            current_unit=self.unit(data.current_unit, f"{field}.current_unit"), father_name=data.father_name,
            mother_name=data.mother_name, ethnicity=data.ethnicity,
            nationality=self.country(data.nationality, f"{field}.nationality"), languages=list(data.languages),
            education=data.education, marital_status=data.marital_status,
        )

    def intake(self, data) -> IntakeData:
        return IntakeData(
            channel=data.channel, received_at=data.received_at, place_kind=data.place_kind,
            place_unit=self.unit(data.place_unit, "place_unit"), place_name=data.place_name,
            country_returned_from=self.country(data.country_returned_from, "country_returned_from"),
            source_reference=data.source_reference, immediate_needs=getattr(data, "immediate_needs", ""),
            first_support=getattr(data, "first_support", ""), consent_given=getattr(data, "consent_given", False),
            notes=getattr(data, "notes", ""),
            documents=[DocumentData(title=d.title, number=d.number, issued_by=d.issued_by, issued_on=d.issued_on)
                       for d in getattr(data, "documents", [])],
            children=[ChildData(person=self.person(c.person, f"children.{index}.person"), relation=c.relation)
                      for index, c in enumerate(getattr(data, "children", []), start=1)],
        )

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def receiving_agency(user, wanted: int | None, permission: str = "case.create"):
    """The agency the caller acts for: the one named, which must be theirs with ``permission``, or their only one."""
    agencies = {m.agency_id: m.agency for m in policy.memberships_with(user, permission)}
    if not agencies:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Your role does not let you receive people and open cases."))
    if wanted is None:
        if len(agencies) > 1:
            raise ValidationError({"agency": [_("You open cases in several agencies: say which one receives the "
                                                "person (agency).")]})
        return next(iter(agencies.values()))
    if wanted not in agencies:
        raise ValidationError({"agency": [_("You cannot open cases for this agency.")]})
    return agencies[wanted]


@router.post("/intakes", response={201: CaseDetail, (400, 401, 403, 422, 429): Error},
             summary="Receive a person and open a case")
def intake_create(request, payload: IntakeIn, response: HttpResponse):
    """Register an intake through ``receive_person``, as the intake form does. Refused fields come back under
    ``fields`` with the form's messages (``person.citizen_id``, ``children.1.birth_date``…); nothing is saved then."""
    agency = receiving_agency(request.user, payload.agency)
    resolver = Resolver()
    intake = resolver.intake(payload)
    person = resolver.person(payload.person, "person")
    resolver.raise_errors()
    case = receive_person(acting_user=request.user, agency=agency, intake=intake, person=person, request=request)
    touched(request, case)
    case, permissions = case_for_user(request.user, case.code)
    response["Location"] = f"/api/v1/cases/{case.code}"
    response["ETag"] = case_etag(case)
    return Status(201, case_detail_out(request, case, permissions))
