"""The intake form: what an officer fills in, often on a phone at a border post.

The form only reads and shapes input; the rules (future dates, ID formats, what each channel requires) live in
``trove.people.validation`` and ``trove.cases.actions.check_intake`` so that imports and the API apply them too.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.cases.actions import ChildData, DocumentData, IntakeData, check_intake
from trove.cases.models import FROM_ABROAD, ExploitationType, IntakeChannel, PlaceKind
from trove.geo.models import AdminUnit, Country, parse_unit_key
from trove.geo.search import search_units
from trove.people import validation
from trove.people.actions import PersonData
from trove.people.models import DatePrecision, Education, MaritalStatus, Sex

# The destinations most Vietnamese victims return from come first in the country list (categories.md).
COMMON_COUNTRIES = ("CN", "KH", "LA", "MY", "TH", "KR", "TW", "GB", "DE")
# Where an agency of each type usually receives people: the form's first guess.
PLACE_BY_AGENCY_TYPE = {
    "commune_pc": PlaceKind.COMMUNE, "border_guard": PlaceKind.BORDER_POST, "police": PlaceKind.POLICE,
    "social_facility": PlaceKind.FACILITY, "victim_facility": PlaceKind.FACILITY,
}
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def country_choices(countries: list[Country] | None = None) -> list[tuple[str, str]]:
    countries = list(Country.objects.all()) if countries is None else countries
    common = [c for code in COMMON_COUNTRIES for c in countries if c.code == code]
    rest = sorted((c for c in countries if c.code not in COMMON_COUNTRIES), key=lambda c: c.name)
    return [("", "—"), *((c.code, c.name) for c in common), ("", "────"), *((c.code, c.name) for c in rest)]


def resolve_unit(text: str, *, on: datetime.date | None = None,
                 known: dict[str, AdminUnit] | None = None) -> AdminUnit | None:
    """A unit from its key (2025:29926) or from a name that names exactly one unit valid on the day. ``known`` holds
    units read already, by key."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        unit_set, code = parse_unit_key(text)
    except ValueError:
        pass
    else:
        unit = (known or {}).get(f"{unit_set}:{code}") or AdminUnit.objects.filter(unit_set=unit_set,
                                                                                   code=code).first()
        if unit is None:
            raise ValidationError(_("No unit has the key %(key)s.") % {"key": text})
        return unit
    matches = search_units(text, on=on, limit=5)
    exact = [unit for unit in matches if unit.short_name.casefold() == text.casefold()
             or unit.name.casefold() == text.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(_("No unit is called %(name)s. Check the spelling, or write its key such as "
                                "2025:29926.") % {"name": text})
    raise ValidationError(_("Several units are called %(name)s: %(options)s. Write the one you mean by its key.")
                          % {"name": text, "options": "; ".join(f"{u.full_name} ({u.key})" for u in matches[:4])})


class IntakeForm(forms.Form):
    # How and where
    channel = forms.ChoiceField(label=_("How the person came"), choices=[("", "—"), *IntakeChannel.choices])
    received_at = forms.DateTimeField(label=_("Received at"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False,
                                 help_text=_("e.g. Cửa khẩu quốc tế Dinh Bà"))
    place_unit = forms.ChoiceField(label=_("Commune or province of the place"))
    country_returned_from = forms.ChoiceField(label=_("Country returned from"), required=False)
    source_reference = forms.CharField(label=_("Referred by, or hotline call reference"), max_length=200,
                                       required=False)
    # Optional at intake: often known only after verification; the case page's panel changes it later.
    exploitation = forms.MultipleChoiceField(
        label=_("Type of exploitation"), choices=ExploitationType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every type the person suffered, if known now; it can be recorded later on the case page."))
    # Who
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    other_names = forms.CharField(label=_("Other names and aliases"), max_length=300, required=False,
                                  help_text=_("Separate several with commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    birth_month = forms.IntegerField(label=_("Month of birth (if the day is unknown)"), required=False,
                                     min_value=1, max_value=12)
    birth_year = forms.IntegerField(label=_("Year of birth (if only the year is known)"), required=False,
                                    min_value=1900, max_value=2100)
    citizen_id = forms.CharField(label=_("Citizen ID (CCCD, 12 digits)"), max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    old_id = forms.CharField(label=_("Old ID card (CMND, 9 digits)"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    passport = forms.CharField(label=_("Passport"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    home_address = forms.CharField(label=_("Home address"), max_length=300, required=False)
    home_unit = forms.CharField(label=_("Home commune"), max_length=100, required=False,
                                help_text=_("Its name, e.g. Tân Hộ Cơ, or its key, e.g. 2025:29929."))
    father_name = forms.CharField(label=_("Father's name"), max_length=200, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=200, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=40, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices, initial=Education.UNKNOWN)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices,
                                       initial=MaritalStatus.UNKNOWN)
    # First response
    immediate_needs = forms.CharField(label=_("Immediate needs"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    first_support = forms.CharField(label=_("First support given"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Consent is asked, never assumed: no answer is preselected (Law 91/2025/QH15).
    consent = forms.ChoiceField(label=_("Does the person agree that their data is recorded and shared with the "
                                        "agencies that help them?"), choices=YES_NO, widget=forms.RadioSelect)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        province = AdminUnit.objects.filter(unit_set=agency.unit.unit_set, code=agency.unit.province_code).first()
        units = [agency.unit]
        if province is not None:
            units += [unit for unit in AdminUnit.objects.filter(
                unit_set=province.unit_set, province_code=province.code, level="commune"
            ).order_by("short_name") if unit.pk != agency.unit.pk]
            if province.pk != agency.unit.pk:
                units.insert(1, province)
        self.fields["place_unit"].choices = [(unit.key, unit.name) for unit in units]
        self.fields["place_unit"].initial = agency.unit.key
        # The units and countries offered are read once: cleaning a chosen one takes it from here.
        self.units_offered = {unit.key: unit for unit in units}
        self.countries = {country.code: country for country in Country.objects.all()}
        countries = country_choices(list(self.countries.values()))
        self.fields["country_returned_from"].choices = countries
        self.fields["nationality"].choices = countries
        self.fields["nationality"].initial = "VN"
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["place_kind"].initial = PLACE_BY_AGENCY_TYPE.get(agency.agency_type, PlaceKind.OTHER)

    SECTIONS = (
        (_("How and where"), ("channel", "received_at", "place_kind", "place_name", "place_unit",
                              "country_returned_from", "source_reference", "exploitation")),
        (_("The person"), ("full_name", "other_names", "sex", "birth_date", "birth_month", "birth_year", "citizen_id",
                           "old_id", "passport", "phone", "home_address", "home_unit", "father_name", "mother_name",
                           "ethnicity", "nationality", "education", "marital_status")),
    )
    CLOSING_SECTION = (_("First response and consent"), ("immediate_needs", "first_support", "notes", "consent"))

    def sections(self, which: str = "opening") -> list[tuple[str, list]]:
        sections = self.SECTIONS if which == "opening" else (self.CLOSING_SECTION,)
        return [(legend, [self[name] for name in names]) for legend, names in sections]

    def closing_sections(self) -> list[tuple[str, list]]:
        return self.sections("closing")

    # Checks that need one field only run here too, so that every mistake shows at once, not one step at a time.
    def clean_citizen_id(self) -> str:
        return validation.clean_citizen_id(self.cleaned_data.get("citizen_id", ""))

    def clean_old_id(self) -> str:
        return validation.clean_old_id(self.cleaned_data.get("old_id", ""))

    def clean_passport(self) -> str:
        return validation.clean_passport(self.cleaned_data.get("passport", ""))

    def clean_phone(self) -> str:
        return validation.clean_phone(self.cleaned_data.get("phone", ""))

    def clean_birth_date(self):
        return validation.clean_birth_date(self.cleaned_data.get("birth_date"))

    def clean_received_at(self):
        return validation.clean_moment_not_future(self.cleaned_data["received_at"], field_label=_("Received at"))

    def clean_place_unit(self) -> AdminUnit:
        key = self.cleaned_data["place_unit"]
        return self.units_offered.get(key) or AdminUnit.objects.by_key(key)

    def clean_country_returned_from(self) -> Country | None:
        return self.countries.get(self.cleaned_data.get("country_returned_from") or "")

    def clean_nationality(self) -> Country | None:
        return self.countries.get(self.cleaned_data.get("nationality") or "")

    def clean_home_unit(self) -> AdminUnit | None:
        received = self.cleaned_data.get("received_at")
        return resolve_unit(self.cleaned_data.get("home_unit", ""),
                            on=timezone.localdate(received) if received else None, known=self.units_offered)

    def clean(self):
        data = super().clean()
        if data.get("channel") in FROM_ABROAD and not data.get("country_returned_from"):
            self.add_error("country_returned_from", _("Say which country the person came back from."))
        return data

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        birth_date, year, month = data.get("birth_date"), data.get("birth_year"), data.get("birth_month")
        if birth_date:
            precision = DatePrecision.DAY
        elif year and month:
            precision, birth_date = DatePrecision.MONTH, datetime.date(year, month, 1)
        else:
            precision = DatePrecision.YEAR
        return PersonData(
            full_name=data["full_name"], sex=data["sex"], birth_date=birth_date, birth_precision=precision,
            birth_year=year if not birth_date else birth_date.year,
            other_names=[name.strip() for name in data.get("other_names", "").split(",") if name.strip()],
            citizen_id=data.get("citizen_id", ""), old_id=data.get("old_id", ""), passport=data.get("passport", ""),
            phone=data.get("phone", ""), home_address=data.get("home_address", ""), home_unit=data.get("home_unit"),
            father_name=data.get("father_name", ""), mother_name=data.get("mother_name", ""),
            ethnicity=data.get("ethnicity", ""), nationality=data.get("nationality"),
            education=data.get("education", ""), marital_status=data.get("marital_status", ""),
        )

    def intake_data(self, documents: list[DocumentData], children: list[ChildData]) -> IntakeData:
        data = self.cleaned_data
        return IntakeData(
            channel=data["channel"], received_at=data["received_at"], place_kind=data["place_kind"],
            place_unit=data["place_unit"], place_name=data.get("place_name", ""),
            country_returned_from=data.get("country_returned_from"),
            source_reference=data.get("source_reference", ""), immediate_needs=data.get("immediate_needs", ""),
            first_support=data.get("first_support", ""), consent_given=data["consent"] == "yes",
            notes=data.get("notes", ""), documents=documents, children=children,
        )


class ExploitationForm(forms.Form):
    """The types of exploitation recorded on a case (the case page's panel); ``version`` is the case's version the
    form was opened on, so that a change made meanwhile is refused rather than overwritten."""

    types = forms.MultipleChoiceField(
        label=_("Type of exploitation"), choices=ExploitationType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every type the person suffered. With none ticked, the statistics use the exploitative "
                    "purposes of an approved decision (regime A), or count the case as not recorded."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document"), max_length=200, required=False,
                            help_text=_("e.g. Biên bản bàn giao, Giấy chứng nhận về nước"))
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def document(self) -> DocumentData | None:
        data = self.cleaned_data
        if not any(data.get(name) for name in ("title", "number", "issued_by", "issued_on")):
            return None
        return DocumentData(title=data.get("title", ""), number=data.get("number", ""),
                            issued_by=data.get("issued_by", ""), issued_on=data.get("issued_on"))


class ChildForm(forms.Form):
    full_name = forms.CharField(label=_("Child's full name"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900, max_value=2100)
    relation = forms.CharField(label=_("Relation to the person"), max_length=60, required=False)

    def child(self) -> ChildData | None:
        data = self.cleaned_data
        if not data.get("full_name"):
            return None
        return ChildData(person=PersonData(full_name=data["full_name"], sex=data["sex"],
                                           birth_year=data.get("birth_year"), birth_precision=DatePrecision.YEAR),
                         relation=data.get("relation", ""))


DocumentFormSet = formset_factory(DocumentForm, extra=2, max_num=10)
ChildFormSet = formset_factory(ChildForm, extra=1, max_num=10)


def collect(documents_formset, children_formset) -> tuple[list[DocumentData], list[ChildData]]:
    documents = [doc for form in documents_formset.forms if (doc := form.document())]
    children = [child for form in children_formset.forms if (child := form.child())]
    return documents, children


__all__ = ["ChildFormSet", "DocumentFormSet", "ExploitationForm", "IntakeForm", "check_intake", "collect",
           "resolve_unit"]
