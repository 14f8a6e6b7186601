"""The forms of the tip and proceeding pages. They parse and type what was typed; the actions decide what is allowed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import Agency, AgencyType
from trove.cases.forms import country_choices, resolve_unit
from trove.core.policy import covered_units
from trove.geo.models import AdminUnit, Country
from trove.intel.models import (
    RECORDED_STEP_KINDS,
    Classification,
    LinkKind,
    PenalArticle,
    Priority,
    RoleInProcess,
    SentenceKind,
    Stage,
    TipOutcome,
    TipSource,
    Verdict,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LINES = forms.Textarea(attrs={"rows": 2})
LINES_HELP = _("One per line.")


def _agency_choices(agencies) -> list[tuple[int, str]]:
    return [(agency.pk, agency.name) for agency in agencies]


class TipForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Receiving agency"), coerce=int)
    source = forms.ChoiceField(label=_("Where the tip came from"), choices=TipSource.choices)
    received_at = forms.DateTimeField(label=_("Received at"), widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    content = forms.CharField(label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 5}))
    incident_on = forms.DateField(label=_("When it happened"), required=False, widget=DATE)
    unit = forms.CharField(label=_("Commune or province where it happened"), max_length=100,
                           help_text=_("Its name, e.g. Tân Hồng, or its key, e.g. 2025:29926."))
    place_text = forms.CharField(label=_("Place"), max_length=300, required=False,
                                 help_text=_("Address, village, border area, venue…"))
    persons = forms.CharField(label=_("People named"), required=False, widget=LINES, help_text=LINES_HELP)
    places = forms.CharField(label=_("Other places named"), required=False, widget=LINES, help_text=LINES_HELP)
    phones = forms.CharField(label=_("Phone numbers"), required=False, widget=LINES, help_text=LINES_HELP)
    accounts = forms.CharField(label=_("Accounts (social networks, bank)"), required=False, widget=LINES,
                               help_text=LINES_HELP)
    informant_anonymous = forms.BooleanField(label=_("The informant did not give their name"), required=False)
    informant_name = forms.CharField(label=_("Informant's name"), max_length=200, required=False)
    informant_contact = forms.CharField(label=_("Informant's phone or address"), max_length=300, required=False,
                                        help_text=_("Protected: only the agency handling the tip may see it."))

    SECTIONS = (
        (_("The tip"), ("agency", "source", "received_at", "priority", "content", "incident_on")),
        (_("Where and about whom"), ("unit", "place_text", "persons", "places", "phones", "accounts")),
        (_("The informant"), ("informant_anonymous", "informant_name", "informant_contact")),
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["agency"].choices = _agency_choices(agencies)
        if agencies:
            self.fields["agency"].initial = agencies[0].pk
            self.fields["unit"].initial = agencies[0].unit.key
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def sections(self) -> list[tuple[str, list]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]

    def clean(self):
        data = super().clean()
        received = data.get("received_at")
        try:
            data["unit"] = resolve_unit(data.get("unit", ""), on=timezone.localdate(received) if received else None)
        except ValidationError as error:
            self.add_error("unit", error)
        return data


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    classified_on = forms.DateField(label=_("Classified on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TipStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=[(k.value, k.label) for k in RECORDED_STEP_KINDS])
    done_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TipOutcome.choices)
    concluded_on = forms.DateField(label=_("Date"), widget=DATE)
    case_code = forms.CharField(label=_("Case code"), max_length=24, required=False,
                                help_text=_("When the tip became a case, e.g. DT-2026-00017."))
    proceeding_code = forms.CharField(label=_("Proceeding code"), max_length=24, required=False,
                                      help_text=_("When the tip was passed to investigation, e.g. VA-2026-00003."))
    rescued_count = forms.IntegerField(label=_("Persons rescued"), required=False, min_value=1, max_value=9999)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _province_of(unit: AdminUnit) -> AdminUnit | None:
    """The unit's province: from the parents read with it (the tip page reads two levels up), else from the database."""
    above = unit
    while above.level != "province" and above.parent_id is not None and AdminUnit.parent.is_cached(above):
        above = above.parent
    if above.level == "province":
        return above
    return AdminUnit.objects.filter(unit_set=unit.unit_set, code=unit.province_code).first()


class AssignForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Agency to handle the tip"), queryset=Agency.objects.none(),
                                       empty_label=_("Choose an agency"))

    def __init__(self, *args, tip=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.current().order_by("name")
        if tip is not None:
            # Tips are handed on within their province (a long list of every agency in the country would not
            # fit a phone screen); the action itself accepts any current agency.
            province = _province_of(tip.unit)
            if province is not None:
                agencies = agencies.filter(covered_units(province))
            agencies = agencies.exclude(pk=tip.owner_agency_id)
        self.fields["to_agency"].queryset = agencies


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=LinkKind.choices)
    reference = forms.CharField(label=_("Code or number"), max_length=24,
                                help_text=_("A case or proceeding code, a registry entry number, or a person number."))


class TipFilterForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("Any source")), *TipSource.choices])
    classification = forms.ChoiceField(label=_("Classification"), required=False,
                                       choices=[("", _("Any classification")), *Classification.choices])


# ---------------------------------------------------------------------------------------------------------------
# Proceedings


class ProceedingForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Investigating body"), coerce=int)
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    unit = forms.CharField(label=_("Commune or province"), max_length=100,
                           help_text=_("Its name, e.g. Tân Hồng, or its key, e.g. 2025:29926."))
    file_number = forms.CharField(label=_("File number"), max_length=60, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Kept encrypted; shown only to those who may see identity."))

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["agency"].choices = _agency_choices(agencies)
        if agencies:
            self.fields["unit"].initial = agencies[0].unit.key
        self.fields["reported_on"].initial = timezone.localdate()

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]

    def clean(self):
        data = super().clean()
        try:
            data["unit"] = resolve_unit(data.get("unit", ""), on=data.get("reported_on"))
        except ValidationError as error:
            self.add_error("unit", error)
        return data


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    number = forms.CharField(label=_("Decision or judgment number"), max_length=60, required=False)
    pass_to = forms.ModelChoiceField(label=_("File passed to"), required=False, queryset=Agency.objects.none(),
                                     empty_label="—",
                                     help_text=_("The procuracy with the conclusion of the investigation, the court "
                                                 "with the indictment."))
    mobile = forms.BooleanField(label=_("Mobile trial (held in the community)"), required=False)
    mobile_place = forms.CharField(label=_("Place of the mobile trial"), max_length=200, required=False)
    audience = forms.IntegerField(label=_("People attending"), required=False, min_value=1, max_value=1000000)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stages=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if stages:
            self.fields["stage"].choices = [(stage, Stage(stage).label) for stage in stages]
        self.fields["pass_to"].queryset = Agency.objects.current().filter(
            agency_type__in=[AgencyType.PROCURACY, AgencyType.COURT]).order_by("agency_type", "name")
        self.fields["date"].initial = timezone.localdate()


class DefendantForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("unknown", _("Unknown")), ("female", _("Female")),
                                                     ("male", _("Male"))])
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    roles = forms.MultipleChoiceField(label=_("Role in the process"), required=False, choices=RoleInProcess.choices,
                                      widget=forms.CheckboxSelectMultiple)
    role_details = forms.CharField(label=_("Details of the role"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = country_choices()
        self.fields["nationality"].initial = "VN"

    def clean_nationality(self) -> Country | None:
        code = self.cleaned_data.get("nationality")
        return Country.objects.filter(code=code).first() if code else None


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Role in the process"), required=False, choices=RoleInProcess.choices,
                                      widget=forms.CheckboxSelectMultiple)
    role_details = forms.CharField(label=_("Details of the role"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class ChargeForm(forms.Form):
    article = forms.ModelChoiceField(label=_("Article of the Penal Code"), queryset=PenalArticle.objects.all(),
                                     empty_label=None)
    clause = forms.CharField(label=_("Clause"), max_length=10, required=False)
    charged_on = forms.DateField(label=_("Charged on"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["charged_on"].initial = timezone.localdate()


class SentenceForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    sentence_kind = forms.ChoiceField(label=_("Sentence"), required=False,
                                      choices=[("", "—"), *SentenceKind.choices])
    prison_years = forms.IntegerField(label=_("Years"), required=False, min_value=0, max_value=30)
    prison_months = forms.IntegerField(label=_("Months"), required=False, min_value=0, max_value=11)
    fine_vnd = forms.IntegerField(label=_("Fine (VND)"), required=False, min_value=0)
    other_penalties = forms.CharField(label=_("Other penalties"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class VictimForm(forms.Form):
    case_code = forms.CharField(label=_("Case code of the victim"), max_length=24)


class ProceedingFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage")), *Stage.choices])
