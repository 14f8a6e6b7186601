import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: is the app up, and can it reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The exception class names the failure without echoing connection strings or credentials.
        return JsonResponse({"status": "error", "database": "unavailable", "reason": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.current().select_related("agency", "scope_unit").order_by("agency__name")
    return render(request, "core/home.html", {"memberships": memberships})


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error. When the database cannot be reached (restarting, network down) the answer is
    503 with Retry-After — the request may simply be repeated — rather than 500; nothing of the request is shown."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
