"""The forms of the plan pages. They only read and shape input; the rules live in ``trove.plans.actions``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trove.agencies.models import Agency
from trove.cases.forms import resolve_unit
from trove.core import indicators
from trove.core.indicators import Kind
from trove.plans.actions import ActivityData, DutyData, IndicatorData, ItemData, PlanData, lines
from trove.plans.models import ActivityKind, AwarenessChannel, PlanLevel, ReportFrequency, ReviewKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINES_HELP = _("One a line.")
KIND_LABELS = {Kind.SHARE: _("a share (%)"), Kind.COUNT: _("a count"), Kind.SUM: _("a total")}


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _agencies():
    return Agency.objects.select_related("unit").order_by("name")


class UnitField(forms.CharField):
    """A unit by its key (2025:29926) or its name."""

    def clean(self, value):
        value = super().clean(value)
        return resolve_unit(value) if value else None


class PlanForm(forms.Form):
    # The plan's lock value (``revision``) the form was opened at; absent means no check (optimistic locking).
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    number = forms.CharField(label=_("Number"), max_length=60, required=False,
                             help_text=_("As on the document, e.g. 75/KH-UBND. Leave empty if it is not known."))
    title = forms.CharField(label=_("Title"), max_length=500, widget=_textarea(2),
                            help_text=_("What follows “KẾ HOẠCH” on the document."))
    date = forms.DateField(label=_("Date signed"), required=False, widget=DATE)
    issuing_agency = forms.ModelChoiceField(label=_("Issuing body"), queryset=Agency.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=PlanLevel.choices)
    unit = UnitField(label=_("Unit"), max_length=100,
                     help_text=_("The unit the plan is for, valid on its date: a name or a key such as 2025:29926."))
    place = forms.CharField(label=_("Place of issue"), max_length=100, required=False)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=_textarea(3))
    goals = forms.CharField(label=_("Objectives"), required=False, widget=_textarea(), help_text=LINES_HELP)
    targets = forms.CharField(label=_("Specific targets, as written"), required=False, widget=_textarea(),
                              help_text=LINES_HELP)
    solutions = forms.CharField(label=_("Solutions"), required=False, widget=_textarea(), help_text=LINES_HELP)
    report_frequency = forms.ChoiceField(label=_("Reports are due"), choices=ReportFrequency.choices)
    report_due_days = forms.IntegerField(label=_("Days after the period to report"), min_value=0, max_value=90)
    report_compiler = forms.ModelChoiceField(label=_("Agency that compiles the reports"), required=False,
                                             queryset=Agency.objects.none())
    report_recipients = forms.ModelMultipleChoiceField(label=_("Reports go to"), required=False,
                                                       queryset=Agency.objects.none())
    report_clause = forms.CharField(label=_("Reporting duty as written"), required=False, widget=_textarea(3))
    recipients = forms.CharField(label=_("Recipients (Nơi nhận)"), required=False, widget=_textarea(),
                                 help_text=LINES_HELP)
    signer_authority = forms.CharField(label=_("Signing on behalf of"), max_length=120, required=False,
                                       help_text=_("e.g. TM. ỦY BAN NHÂN DÂN"))
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=120, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("issuing_agency", "report_compiler", "report_recipients"):
            self.fields[name].queryset = _agencies()

    @classmethod
    def initial_for(cls, plan, parts: dict) -> dict:
        return {
            "revision": plan.revision,
            "number": plan.number, "title": plan.title, "date": plan.date, "issuing_agency": plan.issuing_agency_id,
            "level": plan.level, "unit": plan.unit.key, "place": plan.place, "period_start": plan.period_start,
            "period_end": plan.period_end, "introduction": plan.introduction,
            "goals": "\n".join(o.text for o in parts["goals"]), "targets": "\n".join(o.text for o in parts["targets"]),
            "solutions": "\n".join(s.text for s in parts["solutions"]), "recipients": plan.recipients,
            "report_frequency": plan.report_frequency, "report_due_days": plan.report_due_days,
            "report_compiler": plan.report_compiler_id,
            "report_recipients": [a.pk for a in parts["report_recipients"]], "report_clause": plan.report_clause,
            "signer_authority": plan.signer_authority, "signer_title": plan.signer_title,
            "signer_name": plan.signer_name,
        }

    def data_object(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(
            title=d["title"], level=d["level"], unit=d["unit"], issuing_agency=d["issuing_agency"],
            period_start=d["period_start"], period_end=d["period_end"], number=d["number"], date=d["date"],
            place=d["place"], signer_authority=d["signer_authority"], signer_title=d["signer_title"],
            signer_name=d["signer_name"], introduction=d["introduction"], goals=lines(d["goals"]),
            targets=lines(d["targets"]), solutions=lines(d["solutions"]), recipients=lines(d["recipients"]),
            report_frequency=d["report_frequency"], report_due_days=d["report_due_days"],
            report_compiler=d["report_compiler"], report_recipients=list(d["report_recipients"]),
            report_clause=d["report_clause"],
        )


class ReferenceForm(forms.Form):
    implemented_plan = forms.ModelChoiceField(label=_("A plan in the system"), required=False, queryset=None)
    number = forms.CharField(label=_("or its number"), max_length=60, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    issuer = forms.CharField(label=pgettext_lazy("plan", "Issued by"), max_length=200, required=False)
    subject = forms.CharField(label=_("About"), max_length=500, required=False)

    def __init__(self, *args, plans=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["implemented_plan"].queryset = plans


def definition_choices() -> list[tuple[str, str]]:
    return [("", _("None: not computed from records")),
            *((d.code, f"{d.name} ({KIND_LABELS.get(d.kind, d.kind)})") for d in indicators.definitions())]


class IndicatorForm(forms.Form):
    wording = forms.CharField(label=_("As written in the plan"), widget=_textarea(2))
    definition_code = forms.ChoiceField(label=_("Computed as"), required=False, choices=())
    kind = forms.ChoiceField(label=_("Otherwise, the target is"), required=False,
                             choices=[("", "—"), *KIND_LABELS.items()])
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)
    unit_scope = UnitField(label=_("Measured over"), max_length=100, required=False,
                           help_text=_("Empty: the plan's unit."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition_code"].choices = definition_choices()

    def data_object(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(wording=d["wording"], target=d["target"], definition_code=d["definition_code"],
                             kind=d["kind"], unit_scope=d["unit_scope"])


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    activities = forms.CharField(label=_("Main activities"), widget=_textarea(5), help_text=LINES_HELP)
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    partners = forms.ModelMultipleChoiceField(label=_("Co-operating agencies"), required=False,
                                              queryset=Agency.objects.none())
    lead_text = forms.CharField(label=_("Lead agency as written"), max_length=300, required=False)
    partners_text = forms.CharField(label=_("Co-operating agencies as written"), required=False, widget=_textarea(2))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = self.fields["partners"].queryset = _agencies()

    def data_object(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(title=d["title"], activities=lines(d["activities"]), lead_agency=d["lead_agency"],
                        partners=list(d["partners"]), lead_text=d["lead_text"], partners_text=d["partners_text"])


class DutyForm(forms.Form):
    heading = forms.CharField(label=_("Heading as written"), max_length=300, required=False,
                              help_text=_("Empty: the agencies' names."))
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies"), queryset=Agency.objects.none())
    tasks = forms.CharField(label=_("Tasks"), widget=_textarea(5), help_text=LINES_HELP)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies()

    def data_object(self) -> DutyData:
        d = self.cleaned_data
        return DutyData(heading=d["heading"], agencies=list(d["agencies"]), tasks=lines(d["tasks"]))


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.current().order_by("name")


class ReportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    period = forms.ChoiceField(label=_("Period"))
    results = forms.CharField(label=_("Results on the agency's duties"), widget=_textarea(6))
    difficulties = forms.CharField(label=_("Difficulties"), required=False, widget=_textarea(3))
    proposals = forms.CharField(label=_("Proposals"), required=False, widget=_textarea(3))

    def __init__(self, *args, agencies=None, periods=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.periods = {period.key: period for period in periods}
        self.fields["period"].choices = [(period.key, f"{period.label} ({period.start:%d/%m/%Y}–{period.end:%d/%m/%Y})")
                                         for period in periods]


class ParticipantForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), required=False, queryset=Agency.objects.none())
    number = forms.IntegerField(label=_("Number of people"), required=False, min_value=1)

    def __init__(self, *args, agencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        if bool(data.get("agency")) != bool(data.get("number")):
            raise ValidationError(_("Give both the agency and its number of people, or neither."))
        return data


ParticipantFormSet = formset_factory(ParticipantForm, extra=4, max_num=30)

# The fields each kind of activity asks for, besides the common ones.
KIND_FIELDS = {
    ActivityKind.TRAINING: ("topics", "trainers"),
    ActivityKind.AWARENESS: ("channel", "reach"),
    ActivityKind.INSPECTION: ("visited_unit", "visited_agency", "findings", "recommendations", "follow_up",
                              "follow_up_due"),
    ActivityKind.REVIEW: ("review_kind", "covers_start", "covers_end", "conclusions"),
}


class ActivityForm(forms.Form):
    agency = forms.ModelChoiceField(label=pgettext_lazy("activity", "Held by"), queryset=Agency.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    link = forms.ChoiceField(label=_("Carries out"))
    unit = UnitField(label=_("Unit where it was held"), max_length=100, required=False,
                     help_text=_("Empty: the plan's unit."))
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    agencies = forms.ModelMultipleChoiceField(label=_("Other agencies involved"), required=False,
                                              queryset=Agency.objects.none())
    topics = forms.CharField(label=_("Topics"), required=False, widget=_textarea(3))
    trainers = forms.CharField(label=_("Trainers"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("Form"), required=False, choices=[("", "—"), *AwarenessChannel.choices])
    reach = forms.IntegerField(label=_("People reached"), required=False, min_value=0)
    visited_unit = UnitField(label=_("Unit visited"), max_length=100, required=False)
    visited_agency = forms.ModelChoiceField(label=_("Agency visited"), required=False, queryset=Agency.objects.none())
    findings = forms.CharField(label=_("Findings"), required=False, widget=_textarea(3))
    recommendations = forms.CharField(label=_("Recommendations"), required=False, widget=_textarea(3))
    follow_up = forms.CharField(label=_("Follow-up"), required=False, widget=_textarea(2))
    follow_up_due = forms.DateField(label=_("Follow-up due on"), required=False, widget=DATE)
    review_kind = forms.ChoiceField(label=_("Review"), required=False, choices=[("", "—"), *ReviewKind.choices])
    covers_start = forms.DateField(label=_("Reviews the period from"), required=False, widget=DATE)
    covers_end = forms.DateField(label=_("Reviews the period to"), required=False, widget=DATE)
    conclusions = forms.CharField(label=_("Conclusions"), required=False, widget=_textarea(3))
    notes = forms.CharField(label=_("Notes"), required=False, widget=_textarea(2))

    def __init__(self, *args, kind: str, agencies, plan_agencies, items, solutions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in {name for names in KIND_FIELDS.values() for name in names} - set(KIND_FIELDS[kind]):
            del self.fields[name]
        self.fields["agency"].queryset = agencies
        self.fields["agencies"].queryset = plan_agencies
        if "visited_agency" in self.fields:
            self.fields["visited_agency"].queryset = _agencies()
        self.links = {f"item:{item.pk}": item for item in items} | {f"solution:{s.pk}": s for s in solutions}
        self.fields["link"].choices = [
            (_("Content items"), [(f"item:{item.pk}", str(item)) for item in items]),
            (_("Solutions"), [(f"solution:{s.pk}", str(s)) for s in solutions]),
        ]

    def data_object(self, participants: list | None = None) -> ActivityData:
        d = self.cleaned_data
        linked = self.links.get(d["link"])
        item = linked if d["link"].startswith("item:") else None
        values = {name: d.get(name) for names in KIND_FIELDS.values() for name in names if name in d}
        for name in ("topics", "trainers", "channel", "findings", "recommendations", "follow_up", "review_kind",
                     "conclusions"):
            if name in values:
                values[name] = values[name] or ""
        return ActivityData(kind=self.kind, agency=d["agency"], title=d["title"], held_on=d["held_on"],
                            unit=d["unit"], place_name=d["place_name"], content_item=item,
                            solution=None if item else linked, agencies=list(d["agencies"]), notes=d["notes"],
                            participants=participants or [], **values)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
