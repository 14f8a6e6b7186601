"""The kinds of list this app imports itself: persons with their cases, suspected victims, missing persons.

Each row is written by the action that writes such a record by hand — ``receive_person`` (which also opens the
verification of the law in force on the intake date), ``suspected_create`` and ``missing_create`` — so an imported
record passes the same checks and leaves the same audit entries as one typed into the form.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.cases.actions import BulkIntake, DocumentData, IntakeData, receive_person, receive_persons_bulk
from trove.cases.forms import PLACE_BY_AGENCY_TYPE
from trove.cases.models import Case, PlaceKind
from trove.geo.models import REORGANISATION_DATE, AdminUnit
from trove.imports.models import RecordOutcome
from trove.imports.persons import PERSON_FIELDS, day_of, person_from
from trove.imports.registry import Field, Kind, Skip, WriteResult, Written, register
from trove.people.models import MissingPerson, RiskChannel, SuspectedVictim
from trove.people.registry_actions import missing_create, suspected_create
from trove.rules.models import IntakeChannel

CREATED, LINKED = RecordOutcome.CREATED, RecordOutcome.LINKED

CHANNEL_ALIASES = {
    "trao tra": "handover_official", "trao tra chinh thuc": "handover_official", "ban giao": "handover_official",
    "duoc trao tra": "handover_official", "tiep nhan trao tra": "handover_official",
    "tu tro ve": "returned_self", "tu ve": "returned_self", "tu tro ve nuoc": "returned_self",
    "co quan dai dien": "returned_mission", "dai su quan": "returned_mission", "lanh su quan": "returned_mission",
    "giai cuu": "rescued_domestic", "duoc giai cuu": "rescued_domestic",
    "trinh bao": "self_reported", "tu den trinh bao": "self_reported", "tu trinh bao": "self_reported",
    "tu khai bao": "self_reported", "to giac": "self_reported",
    "chuyen den": "referred", "duoc chuyen den": "referred", "chuyen tuyen": "referred",
    "tong dai": "hotline", "111": "hotline", "duong day nong": "hotline",
}
RISK_ALIASES = {
    "xuat khau lao dong": "labour_export", "xkld": "labour_export", "di lao dong": "labour_export",
    "lao dong": "labour_export", "di lam thue": "labour_export", "du lich": "tourism",
    "ket hon": "marriage_foreigner", "lay chong": "marriage_foreigner", "hon nhan": "marriage_foreigner",
    "lay chong nuoc ngoai": "marriage_foreigner", "qua mang": "online_recruitment",
    "mang xa hoi": "online_recruitment", "online": "online_recruitment", "facebook": "online_recruitment",
    "zalo": "online_recruitment", "tuyen dung qua mang": "online_recruitment", "khac": "other",
}
PLACE_ALIASES = {
    "cua khau": "border_gate", "don bien phong": "border_post", "bien phong": "border_post", "ubnd": "commune",
    "uy ban": "commune", "cong an": "police", "co so": "facility", "trung tam": "facility",
    "nha tam lanh": "facility", "khac": "other",
}
NOTES = Field("notes", gettext_lazy("Notes"), "text", ("ghi chu", "notes", "note", "ghi chu khac"))
REPORTED_ON = Field("reported_on", gettext_lazy("Reported on"), "date",
                    ("ngay phat hien", "ngay bao cao", "ngay tiep nhan thong tin", "ngay ghi nhan", "ngay bao tin",
                     "ngay trinh bao", "ngay", "reported on"))
REPORTED_BY = Field("reported_by", gettext_lazy("Reported by"), "text",
                    ("nguoi bao tin", "nguon tin", "nguoi cung cap thong tin", "nguoi trinh bao", "reported by"))


def _place_unit(context, text: str, on) -> AdminUnit | None:
    """Where the person was received, as a unit valid on that day: the row's place, or the agency's own unit, or
    before 1 July 2025 the legacy unit chosen in the wizard."""
    if text:
        unit, _remarks = context.places.unit_for(text, on=on)
        if unit is not None and unit.is_valid_on(on):
            return unit
    agency_unit = context.agency.unit
    if agency_unit.is_valid_on(on):
        return agency_unit
    if on < REORGANISATION_DATE:
        if context.defaults.get("legacy_place"):
            return context.places.by_pk(context.defaults["legacy_place"])
        # Not chosen in the wizard: the unit the wizard proposes, the old unit of the same name first.
        return context.places.legacy_default(agency_unit)
    return None


def _intake(context, values: dict) -> IntakeData:
    received_at = values.get("received_at")
    if received_at is None:
        raise ValidationError({"received_at": [_("Give the day the person was received.")]})
    on = context.day_of(received_at)
    document = values.get("handover_document") or ""
    return IntakeData(
        channel=values.get("channel") or "", received_at=received_at,
        place_kind=values.get("place_kind") or PLACE_BY_AGENCY_TYPE.get(context.agency.agency_type, PlaceKind.OTHER),
        place_unit=_place_unit(context, values.get("place_unit") or "", on),
        place_name=(values.get("place_name") or "")[:200],
        country_returned_from=values.get("country_returned_from"),
        source_reference=(values.get("source_reference") or "")[:200],
        first_support=values.get("first_support") or "", notes=values.get("notes") or "",
        documents=[DocumentData(title=document[:200])] if document else [],
    )


def _same_day_message(code: str) -> str:
    return _("This person already has case %(code)s, received by your agency on the same day.") % {"code": code}


def write_case(context, values: dict, person, existing) -> WriteResult:
    intake = _intake(context, values)
    on = timezone.localdate(intake.received_at)
    if existing is not None:
        same_day = Case.objects.filter(person=existing, owner_agency=context.agency,
                                       intake__received_at__date=on).values_list("code", flat=True).first()
        if same_day:
            raise Skip(_same_day_message(same_day))
    case = receive_person(acting_user=context.acting_user, agency=context.agency, intake=intake,
                          person=None if existing is not None else person, existing_person=existing,
                          request=context.request)
    written = [Written(case.person, LINKED if existing is not None else CREATED), Written(case, CREATED)]
    return WriteResult(written, [])


def _cases_on_the_day(context, rows, intakes) -> dict[tuple[int, object], str]:
    """(person id, day) -> the code of a case of the agency received that day, for the persons rows link to."""
    persons = {row.existing.pk for row, intake in zip(rows, intakes, strict=True)
               if row.existing is not None and isinstance(intake, IntakeData)}
    if not persons:
        return {}
    found = {}
    for person_id, received_at, code in Case.objects.filter(
            person_id__in=persons, owner_agency=context.agency).values_list("person_id", "intake__received_at",
                                                                           "code"):
        if received_at is not None:
            found.setdefault((person_id, timezone.localdate(received_at)), code)
    return found


def write_cases(context, rows: list) -> list:
    """The rows of one batch through ``receive_persons_bulk``: one transaction, bulk inserts, one audit entry."""
    outcomes: list = [None] * len(rows)
    intakes: list = []
    for row in rows:
        try:
            intakes.append(_intake(context, row.values))
        except ValidationError as error:
            intakes.append(error)
    on_the_day = _cases_on_the_day(context, rows, intakes)
    items, positions, item_of = [], [], {}
    days_of_new: dict[tuple[int, object], int] = {}  # (first row of a new person, day) -> row
    for position, (row, intake) in enumerate(zip(rows, intakes, strict=True)):
        if not isinstance(intake, IntakeData):
            outcomes[position] = intake
            continue
        on = context.day_of(intake.received_at)
        if row.existing is not None and (row.existing.pk, on) in on_the_day:
            outcomes[position] = Skip(_same_day_message(on_the_day[(row.existing.pk, on)]))
            continue
        first = row.same_as if row.same_as is not None and row.same_as in item_of else None
        root = first if first is not None else position
        if (root, on) in days_of_new:
            outcomes[position] = Skip(
                _("This person already has a case received by your agency on the same day (row %(row)d).")
                % {"row": rows[days_of_new[(root, on)]].number})
            continue
        days_of_new[(root, on)] = position
        item_of[position] = len(items)
        positions.append(position)
        items.append(BulkIntake(intake=intake, person=None if row.existing is not None else row.person,
                                existing_person=row.existing,
                                same_person_as=item_of[first] if first is not None else None))
    made = receive_persons_bulk(acting_user=context.acting_user, agency=context.agency, items=items,
                                request=context.request, unit_resolver=context.unit_resolver) if items else []
    for index, (position, case) in enumerate(zip(positions, made, strict=True)):
        if isinstance(case, ValidationError):
            outcomes[position] = case
            continue
        linked = items[index].existing_person is not None or (
            items[index].same_person_as is not None and isinstance(made[items[index].same_person_as], Case))
        outcomes[position] = WriteResult([Written(case.person, LINKED if linked else CREATED),
                                          Written(case, CREATED)])
    return outcomes


def _registry_person(values: dict, context, date_field: str):
    on = values.get(date_field)
    return person_from(values, context=context, on=on.day if on else None)


def _registered_on_the_day(model, context, existing, reported_on) -> None:
    """A known person already entered in this registry by the agency for a report of the same day: skipped."""
    if existing is not None and reported_on is not None and model.objects.filter(
            person=existing, owner_agency=context.agency, reported_on=reported_on).exists():
        raise Skip(_("This person is already in the list of your agency with a report of the same day."))


def _registry_written(entry, existing) -> WriteResult:
    # A person already in the system gets the entry without a copy of them being made.
    return WriteResult([Written(entry.person, LINKED if existing is not None else CREATED), Written(entry, CREATED)])


def write_suspected(context, values: dict, person, existing) -> WriteResult:
    remarks: list[str] = []
    reported_on = day_of(values.get("reported_on"), remarks, _("day of the report"))
    _registered_on_the_day(SuspectedVictim, context, existing, reported_on)
    entry = suspected_create(
        acting_user=context.acting_user, agency=context.agency, person=None if existing is not None else person,
        existing_person=existing, risk_channel=values.get("risk_channel") or "", reported_on=reported_on,
        reported_by=values.get("reported_by") or "", destination_country=values.get("destination_country"),
        notes=values.get("notes") or "", request=context.request,
    )
    result = _registry_written(entry, existing)
    result.remarks = remarks
    return result


def write_missing(context, values: dict, person, existing) -> WriteResult:
    remarks: list[str] = []
    reported_on = day_of(values.get("reported_on"), remarks, _("day of the report"))
    _registered_on_the_day(MissingPerson, context, existing, reported_on)
    entry = missing_create(
        acting_user=context.acting_user, agency=context.agency, person=None if existing is not None else person,
        existing_person=existing, reported_on=reported_on,
        reported_by=values.get("reported_by") or "", last_known_place=values.get("last_known_place") or "",
        last_known_country=values.get("last_known_country"),
        missing_since=day_of(values.get("missing_since"), remarks, _("day the person went missing")),
        notes=values.get("notes") or "", request=context.request,
    )
    result = _registry_written(entry, existing)
    result.remarks = remarks
    return result


register(Kind(
    code="persons", order=0, label=gettext_lazy("Persons and their cases"), permission="case.create",
    description=gettext_lazy("People who were received (returned, rescued, reported themselves…): each row opens a "
                             "case with its intake, as the intake form does."),
    fields=PERSON_FIELDS + (
        Field("received_at", gettext_lazy("Received on"), "moment",
              ("ngay tiep nhan", "thoi gian tiep nhan", "ngay thang tiep nhan", "ngay tro ve", "ngay ve",
               "ngay trao tra", "ngay giai cuu", "ngay tiep nhan nan nhan", "received on", "date received")),
        Field("channel", gettext_lazy("How the person came"), "choice",
              ("nguon tiep nhan", "hinh thuc tiep nhan", "hinh thuc tro ve", "dien tiep nhan", "truong hop",
               "nguon", "channel"), choices=IntakeChannel, aliases=CHANNEL_ALIASES, default=True),
        Field("place_kind", gettext_lazy("Kind of place"), "choice", ("loai noi tiep nhan",), choices=PlaceKind,
              aliases=PLACE_ALIASES, default=True),
        Field("place_name", gettext_lazy("Place of receiving"), "text",
              ("noi tiep nhan", "dia diem tiep nhan", "don vi tiep nhan", "place")),
        Field("place_unit", gettext_lazy("Commune or province of the place"), "text",
              ("xa tiep nhan", "dia ban tiep nhan", "dia chi noi tiep nhan")),
        Field("country_returned_from", gettext_lazy("Country returned from"), "country",
              ("nuoc tro ve", "tro ve tu", "tro ve tu nuoc", "nuoc bi mua ban", "bi mua ban sang",
               "noi bi mua ban", "quoc gia", "nuoc", "country"), default=True),
        Field("source_reference", gettext_lazy("Referred by, or hotline call reference"), "text",
              ("co quan chuyen", "co quan chuyen den", "don vi chuyen", "noi chuyen den", "so cuoc goi")),
        Field("handover_document", gettext_lazy("Handover record"), "text",
              ("bien ban", "bien ban ban giao", "so bien ban", "giay to kem theo", "giay to ban giao")),
        Field("first_support", gettext_lazy("First support given"), "text",
              ("ho tro ban dau", "da ho tro", "ho tro da nhan", "first support")),
        NOTES,
    ),
    required=(("full_name",), ("received_at",), ("channel",)),
    write=write_case,
    write_many=write_cases,
    person=lambda values, context: person_from(
        values, context=context,
        on=context.day_of(values["received_at"]) if values.get("received_at") else None),
    event_date="received_at",
))

register(Kind(
    code="suspected", order=1, label=gettext_lazy("Suspected victims"), permission="case.create",
    description=gettext_lazy("People who may be victims, followed by the channel through which they may be "
                             "trafficked."),
    fields=PERSON_FIELDS + (
        Field("risk_channel", gettext_lazy("Risk channel"), "choice",
              ("hinh thuc", "nguy co", "kenh", "duong day", "phuong thuc", "dau hieu", "loai", "risk channel"),
              choices=RiskChannel, aliases=RISK_ALIASES, default=True),
        REPORTED_ON, REPORTED_BY,
        Field("destination_country", gettext_lazy("Destination country"), "country",
              ("nuoc den", "quoc gia den", "di den", "noi den", "nuoc", "quoc gia", "destination"), default=True),
        NOTES,
    ),
    required=(("full_name",), ("reported_on",), ("risk_channel",)),
    write=write_suspected,
    person=lambda values, context: _registry_person(values, context, "reported_on"),
    event_date="reported_on",
))

register(Kind(
    code="missing", order=2, label=gettext_lazy("Missing persons"), permission="case.create",
    description=gettext_lazy("People reported missing or not yet rescued."),
    fields=PERSON_FIELDS + (
        REPORTED_ON, REPORTED_BY,
        Field("missing_since", gettext_lazy("Missing since"), "date",
              ("ngay mat tich", "mat tich tu", "thoi gian mat tich", "mat lien lac tu", "ngay mat lien lac",
               "missing since")),
        Field("last_known_place", gettext_lazy("Last known place"), "text",
              ("noi o cuoi cung", "noi mat tich", "dia diem cuoi cung", "noi mat lien lac", "last known place")),
        Field("last_known_country", gettext_lazy("Last known country"), "country",
              ("nuoc nghi den", "quoc gia", "nuoc", "last known country"), default=True),
        NOTES,
    ),
    required=(("full_name",), ("reported_on",)),
    write=write_missing,
    person=lambda values, context: _registry_person(values, context, "reported_on"),
    event_date="reported_on",
))
