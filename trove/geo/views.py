from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def unit_search(request: HttpRequest) -> HttpResponse:
    return render(request, "geo/unit_search.html", {})
