from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import Agency
from trove.cases.models import CaseStatus
from trove.verification.models import Outcome, RequestKind
from trove.verification.transitions import ClosingReason

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("To agency"), queryset=Agency.objects.none(),
                                       empty_label=_("Choose an agency"))
    kind = forms.ChoiceField(label=_("What you ask for"), choices=RequestKind.choices)
    due_on = forms.DateField(label=_("Answer due on"), widget=DATE)

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.current().order_by("name")
        if case is not None:
            agencies = agencies.exclude(pk=case.owner_agency_id)
        self.fields["to_agency"].queryset = agencies


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class TickForm(forms.Form):
    source = forms.CharField(label=_("Source of the evidence"), max_length=300)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=[
        (CaseStatus.SUPPORTING, CaseStatus.SUPPORTING.label),
        (CaseStatus.REINTEGRATING, CaseStatus.REINTEGRATING.label),
        (CaseStatus.CLOSED, CaseStatus.CLOSED.label),
    ])
    closing_reason = forms.ChoiceField(label=_("Reason for closing"), required=False,
                                       choices=[("", "—"), *ClosingReason.choices])

    def __init__(self, *args, may_close: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_close:
            # Closing needs case.close; offer only what the member may do.
            self.fields["to"].choices = [choice for choice in self.fields["to"].choices
                                         if choice[0] != CaseStatus.CLOSED]
            del self.fields["closing_reason"]
