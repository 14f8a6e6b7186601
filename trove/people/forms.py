"""Forms of the registries: a new entry (the person and what was reported), a change of status, and the intake
details asked when an entry becomes a case. Validation of identity and intake stays in the actions; the forms only
turn text into values."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.cases.models import IntakeChannel, PlaceKind
from trove.geo.models import AdminUnit, Country
from trove.people.actions import CorrectionReason, PersonData
from trove.people.models import RiskChannel, Sex

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_from_key(text: str) -> AdminUnit | None:
    if not text:
        return None
    try:
        return AdminUnit.objects.select_related("parent__parent").by_key(text)
    except (ValueError, AdminUnit.DoesNotExist):
        raise forms.ValidationError(_("No unit has this key; write it like 2025:29926.")) from None


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Country) -> str:
        return obj.name


class RegistryEntryForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Recorded by agency"), coerce=int)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    other_names = forms.CharField(label=_("Other names and aliases"), max_length=400, required=False,
                                  help_text=_("Separate them with commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(label=_("Year of birth, if the date is not known"), required=False,
                                    min_value=1900, max_value=2100)
    citizen_id = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    home_address = forms.CharField(label=_("Home address"), max_length=300, required=False)
    home_unit = forms.CharField(label=_("Home commune (unit key)"), max_length=20, required=False,
                                help_text=_("A unit key such as 2025:29926."))
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    reported_by = forms.CharField(label=_("Reported by"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["reported_on"].initial = timezone.localdate()

    def clean_home_unit(self) -> AdminUnit | None:
        return _unit_from_key(self.cleaned_data["home_unit"].strip())

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"], sex=data["sex"], birth_date=data["birth_date"],
            birth_precision="day" if data["birth_date"] else "year", birth_year=data["birth_year"],
            other_names=[name.strip() for name in data["other_names"].split(",") if name.strip()],
            citizen_id=data["citizen_id"], phone=data["phone"], home_address=data["home_address"],
            home_unit=data["home_unit"],
        )


class SuspectedVictimForm(RegistryEntryForm):
    risk_channel = forms.ChoiceField(label=_("Risk channel"), choices=RiskChannel.choices)
    destination_country = CountryChoiceField(label=_("Destination country"), queryset=Country.objects.all(),
                                             required=False)
    field_order = ["agency", "risk_channel", "destination_country"]


class MissingPersonForm(RegistryEntryForm):
    last_known_place = forms.CharField(label=_("Last known place"), max_length=300, required=False)
    last_known_country = CountryChoiceField(label=_("Last known country"), queryset=Country.objects.all(),
                                            required=False)
    missing_since = forms.DateField(label=_("Missing since"), required=False, widget=DATE)
    field_order = ["agency", "reported_by", "missing_since", "last_known_place", "last_known_country"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)

    def __init__(self, *args, choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(choices)


class ToCaseForm(forms.Form):
    """The intake details of an entry that becomes a case; the person is the entry's own."""

    channel = forms.ChoiceField(label=_("How the person came"), choices=IntakeChannel.choices)
    received_at = forms.DateTimeField(label=_("Received at"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    place_kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    place_unit = forms.CharField(label=_("Commune where the person was received (unit key)"), max_length=20,
                                 help_text=_("A unit key such as 2025:29926."))
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    country_returned_from = CountryChoiceField(label=_("Country returned from"), queryset=Country.objects.all(),
                                               required=False)
    source_reference = forms.CharField(label=_("Referred by or call reference"), max_length=200, required=False)

    def clean_place_unit(self) -> AdminUnit | None:
        return _unit_from_key(self.cleaned_data["place_unit"].strip())

    def intake_data(self):
        from trove.cases.actions import IntakeData

        data = self.cleaned_data
        return IntakeData(
            channel=data["channel"], received_at=data["received_at"], place_kind=data["place_kind"],
            place_unit=data["place_unit"], place_name=data["place_name"],
            country_returned_from=data["country_returned_from"], source_reference=data["source_reference"],
        )


class PersonCorrectionForm(forms.Form):
    """Correcting the identity of a case's person. ``version`` is the version the officer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.ChoiceField(label=_("Why the details are corrected"), choices=CorrectionReason.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    other_names = forms.CharField(label=_("Other names and aliases"), max_length=400, required=False,
                                  help_text=_("Separate them with commas."))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(label=_("Year of birth, if the date is not known"), required=False,
                                    min_value=1900, max_value=2100)
    citizen_id = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    old_id = forms.CharField(label=_("Old ID card (CMND)"), max_length=20, required=False)
    passport = forms.CharField(label=_("Passport"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    home_address = forms.CharField(label=_("Home address"), max_length=300, required=False)
    home_unit = forms.CharField(label=_("Home commune (unit key)"), max_length=20, required=False,
                                help_text=_("A unit key such as 2025:29926."))
    current_address = forms.CharField(label=_("Current address"), max_length=300, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=200, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=200, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=40, required=False)

    @classmethod
    def initial_for(cls, person) -> dict:
        return {
            "version": person.version, "full_name": person.full_name,
            "other_names": ", ".join(person.other_names or []), "sex": person.sex,
            "birth_date": person.birth_date if person.birth_precision == "day" else None,
            "birth_year": person.birth_year, "citizen_id": person.citizen_id, "old_id": person.old_id,
            "passport": person.passport, "phone": person.phone, "home_address": person.home_address,
            "home_unit": person.home_unit.key if person.home_unit else "", "current_address": person.current_address,
            "father_name": person.father_name, "mother_name": person.mother_name, "ethnicity": person.ethnicity,
        }

    def clean_home_unit(self) -> AdminUnit | None:
        return _unit_from_key(self.cleaned_data["home_unit"].strip())

    def person_data(self, person) -> PersonData:
        """The corrected identity; what the form does not show (relatives, languages, current unit…) is kept."""
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"], sex=data["sex"], birth_date=data["birth_date"],
            birth_precision="day" if data["birth_date"] else "year",
            birth_year=data["birth_year"] or (data["birth_date"].year if data["birth_date"] else None),
            other_names=[name.strip() for name in data["other_names"].split(",") if name.strip()],
            citizen_id=data["citizen_id"], old_id=data["old_id"], passport=data["passport"], phone=data["phone"],
            home_address=data["home_address"], home_unit=data["home_unit"],
            current_address=data["current_address"], current_unit=person.current_unit,
            father_name=data["father_name"], mother_name=data["mother_name"], ethnicity=data["ethnicity"],
            nationality=person.nationality,
        )
