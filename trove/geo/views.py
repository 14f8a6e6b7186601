from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trove.geo.forms import UnitSearchForm
from trove.geo.models import UnitSet
from trove.geo.search import search_units
from trove.geo.selectors import current_units_for_many

RESULT_LIMIT = 50


@login_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    results = []
    searched = form.is_valid() and bool(form.cleaned_data["q"])
    if searched:
        data = form.cleaned_data
        units = search_units(
            data["q"], unit_set=data["unit_set"] or None, level=data["level"] or None, limit=RESULT_LIMIT
        )
        # One query for the 2025 units of every legacy result, however many there are.
        current = current_units_for_many(unit for unit in units if unit.unit_set == UnitSet.LEGACY)
        results = [(unit, current.get(unit.pk, [])) for unit in units]
    context = {"form": form, "results": results, "searched": searched, "limit": RESULT_LIMIT}
    return render(request, "geo/unit_search.html", context)
