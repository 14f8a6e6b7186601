"""The forms of the import wizard. They read and shape input only; the rules live in ``actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from trove.geo.models import Country
from trove.imports.places import legacy_places
from trove.imports.registry import Kind

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency the records belong to"))
    kind = forms.ChoiceField(label=_("What the list holds"))
    file = forms.FileField(label=_("File"), help_text=_("Excel (.xlsx, .xls) or CSV."))

    def __init__(self, *args, agencies, kinds: list[Kind], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(agency.pk), agency.name) for agency in agencies]
        self.fields["kind"].choices = [(kind.code, kind.label) for kind in kinds]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.xls,.csv"


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Row of the column headings"), min_value=1, required=False,
                                    help_text=_("Leave empty to find it by itself."))
    header_rows = forms.IntegerField(label=_("Number of heading rows"), min_value=1, max_value=3, required=False)

    def __init__(self, *args, sheets: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]


def column_choices(labels: list[str]) -> list[tuple[str, str]]:
    return [(NOT_IN_FILE, _("— not in the file —"))] + [
        (str(index), f"{get_column_letter(index + 1)}: {label or _('(no heading)')}"[:120])
        for index, label in enumerate(labels)]


def _default_choices(target) -> list[tuple[str, str]]:
    empty = [("", _("— none —"))]
    if target.parse == "choice":
        return empty + list(target.choices.choices)
    return empty + [(country.code, country.name) for country in Country.objects.all()]


class MappingForm(forms.Form):
    """A column for each field of the kind, a value for every row for those that take one, and the name to save the
    mapping under. Field names: ``col_<field>``, ``default_<field>``."""

    save_as = forms.CharField(label=_("Save this mapping for the next files as"), max_length=80, required=False,
                              help_text=_("e.g. Danh sách của huyện (mẫu cũ)"))

    def __init__(self, *args, kind: Kind, labels: list[str], agency=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = column_choices(labels)
        for target in kind.fields:
            self.fields[f"col_{target.name}"] = forms.ChoiceField(label=target.label, choices=choices,
                                                                  required=False)
            if target.default:
                self.fields[f"default_{target.name}"] = forms.ChoiceField(
                    label=_("%(field)s, for rows where it is empty") % {"field": target.label},
                    choices=_default_choices(target), required=False)
        if kind.code == "persons" and agency is not None:
            places = legacy_places(agency.unit)
            if places and places[0].pk != agency.unit.pk:
                self.fields["legacy_place"] = forms.ChoiceField(
                    label=_("Where people were received before 1 July 2025"),
                    help_text=_("Used for rows without a place: the unit of the old set that your agency's area was "
                                "then."),
                    choices=[(str(place.pk), place.full_name) for place in places], required=False)
        self.order_fields([name for name in self.fields if name != "save_as"] + ["save_as"])

    @staticmethod
    def initial_for(kind: Kind, mapping: dict, defaults: dict) -> dict:
        initial = {f"col_{name}": str(column) for name, column in mapping.items()}
        initial.update({f"default_{name}": value for name, value in defaults.items() if name != "legacy_place"})
        if defaults.get("legacy_place"):
            initial["legacy_place"] = str(defaults["legacy_place"])
        return initial

    def mapping(self) -> dict[str, int | None]:
        return {target.name: int(self.cleaned_data[f"col_{target.name}"])
                if self.cleaned_data.get(f"col_{target.name}") not in (None, "") else None
                for target in self.kind.fields}

    def defaults(self) -> dict:
        found = {target.name: self.cleaned_data.get(f"default_{target.name}") or "" for target in self.kind.fields
                 if target.default}
        if self.cleaned_data.get("legacy_place"):
            found["legacy_place"] = int(self.cleaned_data["legacy_place"])
        return {name: value for name, value in found.items() if value}

    def rows(self):
        """(column field, default field or None) for each target, in order, for the template."""
        return [(self[f"col_{target.name}"], self[f"default_{target.name}"] if target.default else None)
                for target in self.kind.fields]


class UndoForm(forms.Form):
    reason = forms.CharField(label=_("Why the import is undone"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=500)


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Why the import is abandoned"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=500)
