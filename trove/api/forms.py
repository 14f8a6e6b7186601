from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from trove.api.actions import LIFETIMES, MAX_NAME_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH,
                           help_text=_("Where the token is used, e.g. “hotline import script”."))
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"), coerce=int, initial=90,
        choices=[(days, ngettext_lazy("%(days)d day", "%(days)d days", days) % {"days": days}) for days in LIFETIMES])
    read_only = forms.BooleanField(label=_("Read only: the token can read but not change anything"),
                                   required=False)
