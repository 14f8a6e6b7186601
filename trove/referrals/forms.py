from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import Agency
from trove.cases.sections import SECTION_CHOICES
from trove.referrals.models import (
    ActivityKind,
    ConsentBasis,
    Contact,
    FamilyRelations,
    GuardianStatus,
    Health,
    LivingSituation,
    RiskSign,
    Schooling,
    SchoolingStatus,
    ServiceKind,
    Stigma,
    WorkIncome,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    service_kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    # Any agency of the directory validates, so that one that ended meanwhile gets the action's clear refusal; the
    # list offers the agencies valid today.
    to_agency = forms.ModelChoiceField(label=_("To an agency of the directory"), queryset=Agency.objects.all(),
                                       required=False, empty_label=_("— a provider outside the system —"))
    provider_name = forms.CharField(label=_("Or to a provider outside the system (its name)"), max_length=200,
                                    required=False)
    referred_on = forms.DateField(label=_("Referral date"), widget=DATE)
    sections = forms.MultipleChoiceField(
        label=_("Parts of the case the receiving agency may see"), choices=SECTION_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("It sees only these while the referral is open; without “Who the person is” it does not learn "
                    "who the person is."))
    needs = forms.CharField(label=_("What the person needs from the service"), widget=forms.Textarea(attrs={"rows": 3}))
    consent_basis = forms.ModelChoiceField(label=_("Consent"), queryset=ConsentBasis.objects.none(), required=False,
                                           empty_label=_("— no consent recorded —"))
    consent_by = forms.CharField(label=_("Consent given by (the person, or the legal representative's name)"),
                                 max_length=200, required=False)
    consent_on = forms.DateField(label=_("Consent given on"), widget=DATE, required=False)
    exception_reason = forms.CharField(
        label=_("Legal exception: the provision and why it applies"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when referring without consent, by a member allowed to record the exception."))

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["consent_basis"].queryset = ConsentBasis.objects.all()
        current = Agency.objects.current(today).order_by("name")
        if case is not None:
            current = current.exclude(pk=case.owner_agency_id)
        self.fields["to_agency"].widget.choices = [("", self.fields["to_agency"].empty_label),
                                                   *((agency.pk, agency.name) for agency in current)]
        self.fields["consent_basis"].widget.choices = [
            ("", self.fields["consent_basis"].empty_label),
            *((basis.pk, f"{basis} — {basis.citation}") for basis in ConsentBasis.objects.on(today))]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("Feedback for the referring agency"), widget=forms.Textarea(attrs={"rows": 3}))


class ServiceForm(forms.Form):
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    description = forms.CharField(label=_("Service given"), widget=forms.Textarea(attrs={"rows": 2}))


class ChecklistForm(forms.Form):
    guardian = forms.ChoiceField(label=_("Guardian"), choices=GuardianStatus.choices)
    guardian_note = forms.CharField(label=_("About the guardian"), required=False, max_length=500)
    schooling = forms.ChoiceField(label=_("Schooling"), choices=SchoolingStatus.choices)
    schooling_note = forms.CharField(label=_("About the schooling"), required=False, max_length=500)
    no_referral_reason = forms.CharField(
        label=_("Why there is no child-protection referral (if none)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned home on"), widget=DATE)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    contact = forms.ChoiceField(label=_("Contact"), choices=Contact.choices)
    living_situation = forms.ChoiceField(label=_("Living situation"), choices=LivingSituation.choices,
                                         initial=LivingSituation.UNKNOWN)
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices, initial=Health.UNKNOWN)
    schooling = forms.ChoiceField(label=_("Schooling"), choices=Schooling.choices, initial=Schooling.UNKNOWN)
    work_income = forms.ChoiceField(label=_("Work and income"), choices=WorkIncome.choices,
                                    initial=WorkIncome.UNKNOWN)
    family_relations = forms.ChoiceField(label=_("Family relations"), choices=FamilyRelations.choices,
                                         initial=FamilyRelations.UNKNOWN)
    stigma = forms.ChoiceField(label=_("Stigma"), choices=Stigma.choices, initial=Stigma.UNKNOWN)
    risk_signs = forms.MultipleChoiceField(label=_("Signs of re-trafficking risk"), choices=RiskSign.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.IntegerField(label=_("Loan amount (VND)"), required=False, min_value=1)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
