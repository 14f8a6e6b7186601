from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRequestForm(forms.Form):
    received_on = forms.DateField(label=_("Request received on"), widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)
    requester = forms.CharField(label=_("Requested by, when not the person (a parent, a lawyer)"), required=False,
                                max_length=300)


class ErasureForm(forms.Form):
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300,
                                  help_text=_("The law and article, or the decision, that requires the erasure."))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Do not write the person's name or numbers here."))
    confirm = forms.BooleanField(label=_("I understand that the identity cannot be restored from the system."))
