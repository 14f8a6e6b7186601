from django import forms
from django.utils.translation import gettext_lazy as _

from trove.agencies.models import AgencyType, Role
from trove.geo.models import AdminUnit
from trove.geo.search import MAX_QUERY_LENGTH


class DirectoryFilterForm(forms.Form):
    # Text is cut rather than refused: a long paste still finds what its first words name, and stays cheap.
    q = forms.CharField(label=_("Name"), required=False, strip=True)
    agency_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *AgencyType.choices]
    )
    unit = forms.CharField(
        label=_("Administrative unit"),
        required=False,
        strip=True,
        help_text=_("A name such as Tân Hồng or tan hong, or a key such as 2025:82."),
    )
    include_ended = forms.BooleanField(label=_("Include ended agencies"), required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]

    def clean_unit(self) -> str:
        return self.cleaned_data["unit"][:MAX_QUERY_LENGTH]


class MemberAddForm(forms.Form):
    """Add a member: an existing account by username, or a new account with a full name and a first password."""

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name (new account only)"), max_length=200, required=False)
    password = forms.CharField(
        label=_("First password (new account only)"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. The person changes it after signing in."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    scope = forms.CharField(
        label=_("Scope"), max_length=20, help_text=_("A unit key such as 2025:82 or 2025:29926."),
    )
    valid_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_scope(self) -> AdminUnit:
        try:
            return AdminUnit.objects.by_key(self.cleaned_data["scope"])
        except (ValueError, AdminUnit.DoesNotExist):
            raise forms.ValidationError(_("No unit has this key; write it like 2025:82.")) from None
