"""The choice of period and place that every statistics page, dashboard and export starts from."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.agencies.selectors import find_unit
from trove.reports import access
from trove.reports.periods import Period, PeriodKind, make_period
from trove.reports.places import Place, UnitsOption, check_place

COUNTRY_WORDS = {"country", "vn", "ca nuoc", "cả nước", "toan quoc", "toàn quốc"}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    number = forms.IntegerField(label=gettext_lazy("Month, quarter or half"), required=False, min_value=1,
                                max_value=12, help_text=gettext_lazy("1–12 for a month, 1–4 for a quarter, 1–2 for "
                                                                     "six months."))
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=100,
                            help_text=gettext_lazy("A commune or province (name or key such as 2025:82), or “country” "
                                                   "for the whole country."))
    units = forms.ChoiceField(label=gettext_lazy("Administrative units"), choices=UnitsOption.choices,
                              initial=UnitsOption.TODAY)

    def __init__(self, data=None, *, user, **kwargs) -> None:
        self.user = user
        self.default = access.default_place(user)
        if data is not None and not any(name in data for name in self.base_fields):
            data = None
        super().__init__(data, **kwargs)
        self.period: Period | None = None
        self.place_choice: Place | None = None

    def clean(self) -> dict:
        data = super().clean()
        errors: dict[str, list[str]] = {}
        try:
            self.period = make_period(data.get("kind") or PeriodKind.YEAR,
                                      year=data.get("year") or timezone.localdate().year, number=data.get("number"),
                                      start=data.get("start"), end=data.get("end"))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name if name in self.fields else "kind", []).extend(messages)
        option = data.get("units") or UnitsOption.TODAY
        text = (data.get("place") or "").strip()
        unit, found = self.default.unit, True
        if text.lower() in COUNTRY_WORDS:
            unit = None
        elif text:
            choice = find_unit(text, on=self.period.end if self.period else timezone.localdate())
            unit, found = choice.unit, choice.unit is not None
        if not found:
            errors.setdefault("place", []).append(_("No administrative unit has that name. Try fewer words, or a key "
                                                    "such as 2025:82."))
        elif self.period is not None:
            try:
                check_place(unit, option, self.period)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.setdefault("place" if name == "place" else "units", []).extend(messages)
        if errors:
            raise ValidationError(errors)
        self.place_choice = Place(unit, option)
        return data

    def resolved(self) -> tuple[Period, Place]:
        """The period and place chosen (the defaults when the form was not filled in)."""
        if not self.is_bound:
            return make_period(PeriodKind.YEAR, year=timezone.localdate().year), self.default
        return self.period, self.place_choice

    @staticmethod
    def params(period: Period, place: Place) -> dict[str, str]:
        """The query parameters that choose this period and place again (links, exports, jobs)."""
        params = {"kind": period.kind, "units": place.option, "place": place.key}
        if period.kind == PeriodKind.DATES:
            params.update(start=period.start.isoformat(), end=period.end.isoformat())
        else:
            params["year"] = str(period.year)
            if period.number:
                params["number"] = str(period.number)
        return params


def bind(params: dict, user) -> ReportForm:
    """A form bound to saved parameters (a job's), validated."""
    form = ReportForm(params, user=user)
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form
