"""The forms of the support pages. They parse what the officer typed; the actions decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import Agency
from trove.rules.models import SupportType
from trove.support.models import (
    Answer,
    BudgetLevel,
    ExtensionAuthority,
    FundingKind,
    FundingSource,
    ProtectedParty,
    RiskLevel,
    SafetyMeasureKind,
    ServiceStatus,
)
from trove.support.money import parse_vnd
from trove.support.risk import RISK_QUESTIONS

HARDSHIP_CODE = "k"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ITEM_ROWS = 4


class AmountField(forms.CharField):
    """A whole number of đồng as typed (1500000, 1.500.000); decimals and negative amounts are refused here with the
    same words as in the actions."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("Whole đồng, e.g. 1500000 or 1.500.000."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        if value.strip().startswith("-"):
            raise forms.ValidationError(_("The amount must be more than 0 đồng; a negative amount cannot be "
                                          "recorded."), code="negative")
        amount = parse_vnd(value)
        if amount is None:
            raise forms.ValidationError(_("Write the amount as a whole number of đồng, without decimals (e.g. "
                                          "1500000 or 1.500.000)."), code="not_whole")
        return amount


class Form(forms.Form):
    """A form whose fields get ids of their own (``<id_prefix>-<field>``): a page shows several forms, and two
    fields called "note" must not share an id."""

    id_prefix = "support"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


def agency_field(label, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=Agency.objects.none(), required=required,
                                  empty_label=_("Choose an agency"))


def support_type_field(label=None, required: bool = True, empty_label=None):
    return forms.ModelChoiceField(label=label or _("Type of support"), queryset=SupportType.objects.order_by("order"),
                                  required=required, empty_label=empty_label or _("Choose the type"))


class BeneficiaryMixin:
    """A "for whom" choice: the case's person, or one of the children who came with them."""

    def set_beneficiaries(self, children: list[tuple[int, str]], person_label) -> None:
        self.fields["beneficiary"].choices = [("", person_label), *((str(pk), label) for pk, label in children)]


# ---------------------------------------------------------------------------------------------------------------
# Protection, needs, plan


class RiskForm(Form):
    id_prefix = "risk"
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in RISK_QUESTIONS:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text, choices=Answer.choices, widget=forms.RadioSelect, required=False)

    def answer_fields(self, about: str):
        return [self[f"q_{q.code}"] for q in RISK_QUESTIONS if q.about == about]

    @property
    def person_fields(self):
        return self.answer_fields("person")

    @property
    def relatives_fields(self):
        return self.answer_fields("relatives")

    def answers(self) -> dict[str, str]:
        return {q.code: self.cleaned_data.get(f"q_{q.code}") or "" for q in RISK_QUESTIONS}


class MeasureForm(Form):
    id_prefix = "measure"
    kind = forms.ChoiceField(label=_("Measure"), choices=SafetyMeasureKind.choices)
    protects = forms.ChoiceField(label=_("Protects"), choices=ProtectedParty.choices)
    responsible_agency = agency_field(_("Responsible agency"))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Planned until"), required=False, widget=DATE)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Kept encrypted; shown only to those who may see who the person is."))


class MeasureEndForm(Form):
    id_prefix = "measure-end"
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)


class ConfidentialityForm(Form):
    id_prefix = "flag"
    members = forms.ModelMultipleChoiceField(label=_("Members who may see who the person is"), required=False,
                                             queryset=None, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        from trove.core.models import User

        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).order_by(
            "full_name", "username")
        self.fields["members"].label_from_instance = lambda user: user.display_name


class ReasonForm(Form):
    id_prefix = "reason"
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NeedsForm(Form):
    id_prefix = "needs"
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    needs = forms.ModelMultipleChoiceField(label=_("Support needed"), required=False,
                                           queryset=SupportType.objects.order_by("order"),
                                           widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CircumstancesForm(Form):
    id_prefix = "circumstances"
    poor_household = forms.BooleanField(label=_("From a poor household"), required=False)
    poor_household_reference = forms.CharField(label=_("Poor-household certificate number"), required=False,
                                               max_length=100)
    abroad_at_intake = forms.BooleanField(label=_("Abroad (in the care of a Vietnamese mission) when the case was "
                                                  "opened"), required=False)
    arrived_on = forms.DateField(label=_("Arrived in Vietnam on"), required=False, widget=DATE)


class PlanForm(Form):
    id_prefix = "plan"
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DATE)


class ServiceForm(Form):
    id_prefix = "service"
    support_type = support_type_field()
    description = forms.CharField(label=_("Service"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible_agency = agency_field(_("Responsible agency"))
    planned_from = forms.DateField(label=_("Planned from"), widget=DATE)
    planned_to = forms.DateField(label=_("Planned until"), required=False, widget=DATE)


class ServiceStatusForm(Form):
    id_prefix = "service-status"
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)


# ---------------------------------------------------------------------------------------------------------------
# Ledger


class EntryForm(BeneficiaryMixin, Form):
    id_prefix = "entry"
    beneficiary = forms.ChoiceField(label=_("For"), required=False)
    support_type = support_type_field()
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    amount = AmountField(label=_("Amount paid (VND)"), required=False)
    days_covered = forms.IntegerField(label=_("Days covered"), required=False)
    rate = forms.ModelChoiceField(label=_("Paid at the rate"), queryset=None, required=False,
                                  empty_label=_("No set rate (actual cost)"))
    funding_source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.none(),
                                            required=False, empty_label=_("Not stated"))
    giving_agency = agency_field(_("Giving agency"))
    approved_by = forms.ModelChoiceField(label=_("Approving officer"), queryset=None, required=False,
                                         empty_label=_("Not stated"))
    note = forms.CharField(label=_("What was given"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    receipt = forms.FileField(label=_("Receipt"), required=False, allow_empty_file=True)
    override_reason = forms.CharField(label=_("Reason for recording it outside the entitlement"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rates=None, sources=None, agencies=None, approvers=(), items=(),
                 may_override=False, **kwargs) -> None:
        from trove.core.models import User
        from trove.rules.models import Rate

        super().__init__(*args, **kwargs)
        # The initial hardship allowance is paid through its own flow (application, forwarding, decision, payment).
        self.fields["support_type"].queryset = SupportType.objects.exclude(code=HARDSHIP_CODE).order_by("order")
        rates = rates.exclude(support_type__code=HARDSHIP_CODE) if rates is not None else Rate.objects.none()
        self.fields["rate"].queryset = rates
        self.fields["funding_source"].queryset = sources if sources is not None else FundingSource.objects.none()
        self.fields["giving_agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.fields["approved_by"].queryset = User.objects.filter(pk__in=[u.pk for u in approvers])
        self.fields["approved_by"].label_from_instance = lambda user: user.display_name
        item_choices = [("", _("No item")), *items]
        for row in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{row}"] = forms.ChoiceField(label=_("Item in kind"), choices=item_choices,
                                                           required=False)
            self.fields[f"quantity_{row}"] = forms.IntegerField(label=_("Quantity"), required=False)
        if not may_override:
            del self.fields["override_reason"]

    @property
    def main_fields(self):
        return [self[name] for name in ("beneficiary", "support_type", "given_on", "amount", "days_covered", "rate",
                                        "funding_source", "giving_agency", "approved_by", "note")]

    def item_rows(self):
        return [(self[f"item_{row}"], self[f"quantity_{row}"]) for row in range(1, ITEM_ROWS + 1)]

    def items(self) -> list[tuple[str, int]]:
        """The items chosen, with their quantities as typed (a chosen item without a quantity counts as 0, which the
        action refuses)."""
        chosen = []
        for row in range(1, ITEM_ROWS + 1):
            code = self.cleaned_data.get(f"item_{row}")
            if code:
                chosen.append((code, self.cleaned_data.get(f"quantity_{row}") or 0))
        return chosen


class RefusalForm(BeneficiaryMixin, Form):
    id_prefix = "refusal"
    beneficiary = forms.ChoiceField(label=_("For"), required=False)
    support_type = support_type_field(_("Support refused"), required=False, empty_label=_("All support"))
    refused_on = forms.DateField(label=_("Refused on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(BeneficiaryMixin, Form):
    id_prefix = "extension"
    beneficiary = forms.ChoiceField(label=_("For"), required=False)
    support_type = forms.ModelChoiceField(
        label=_("Type of support"), empty_label=None,
        queryset=SupportType.objects.filter(entitlements__extendable=True).distinct().order_by("order"))
    days = forms.IntegerField(label=_("Days added"))
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    decided_by = forms.ChoiceField(label=_("Decided by"), choices=ExtensionAuthority.choices)
    decision_reference = forms.CharField(label=_("Decision number"), max_length=60)


class HardshipApplyForm(Form):
    id_prefix = "apply"
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE)


class HardshipForwardForm(Form):
    id_prefix = "forward"
    forwarded_on = forms.DateField(label=_("Forwarded on"), widget=DATE)
    forwarded_to = agency_field(_("Forwarded to"))


class HardshipDecideForm(Form):
    id_prefix = "decide"
    outcome = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    decision_reference = forms.CharField(label=_("Decision number"), max_length=60)
    approved_amount = AmountField(label=_("Amount approved (VND)"), required=False)
    note = forms.CharField(label=_("Note (the reason, when rejecting)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(label=_("Reason for approving outside the entitlement"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class HardshipPayForm(Form):
    id_prefix = "pay"
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = AmountField(label=_("Amount paid (VND)"))
    giving_agency = agency_field(_("Giving agency"))
    funding_source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.none(),
                                            required=False, empty_label=_("Not stated"))
    receipt = forms.FileField(label=_("Receipt"), required=False, allow_empty_file=True)


# ---------------------------------------------------------------------------------------------------------------
# Budgets


class SourceForm(Form):
    id_prefix = "source"
    owner_agency = agency_field(_("Managed by"))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingKind.choices)
    level = forms.ChoiceField(label=_("Budget level"), required=False,
                              choices=[("", _("Not a state budget")), *BudgetLevel.choices])
    donor = forms.CharField(label=_("Donor"), max_length=200, required=False)
    project_code = forms.CharField(label=_("Project code"), max_length=60, required=False)
    valid_from = forms.DateField(label=_("From"), widget=DATE)
    valid_to = forms.DateField(label=_("Until"), required=False, widget=DATE)


class SourceCloseForm(Form):
    id_prefix = "close"
    valid_to = forms.DateField(label=_("Last day of use"), widget=DATE)


class EstimateForm(Form):
    id_prefix = "estimate"
    agency = agency_field(_("Agency"))
    year = forms.IntegerField(label=_("Year"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LineForm(Form):
    id_prefix = "line"
    funding_source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.none(),
                                            empty_label=_("Choose the source"))
    support_type = support_type_field()
    amount = AmountField(label=_("Estimated amount (VND)"))
    basis = forms.CharField(label=_("Basis of the estimate"), max_length=300, required=False)
