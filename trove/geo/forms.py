from django import forms
from django.utils.translation import gettext_lazy as _

from trove.geo.models import UnitLevel, UnitSet
from trove.geo.search import MAX_QUERY_LENGTH


class UnitSearchForm(forms.Form):
    # The query is cut rather than refused: a long paste still finds what its first words name.
    q = forms.CharField(label=_("Name"), required=False, strip=True)
    unit_set = forms.ChoiceField(label=_("Unit set"), required=False, choices=[("", _("Both sets")), *UnitSet.choices])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All levels")), *UnitLevel.choices])

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]
