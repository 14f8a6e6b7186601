"""Keep someone who still owes a second factor on the two-factor pages."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from trove.core import signin

# What a half-signed-in user may still reach: the two-factor pages themselves, signing out, the health check and the
# language switch. Static files are matched by path below.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"two_factor_verify", "two_factor_enrol", "logout", "healthz", "set_language"})


class TwoFactorMiddleware:
    """Must come after django_otp's OTPMiddleware, which tells whether the user is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read by the demo banner in base.html, which is shown only in a demo installation.
        request.two_factor_skipped_in_demo = settings.DEMO_SKIP_TWO_FACTOR
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name == "admin:login":
            # The admin's own sign-in form has neither the lockout nor the second factor: use ours.
            return redirect(_with_next(reverse("login"), request.GET.get("next", reverse("admin:index"))))
        if view_name in OPEN_BEFORE_SECOND_FACTOR or request.path.startswith(settings.STATIC_URL):
            return None
        if not signin.needs_verification(request):
            return None
        if request.path.startswith("/api/") and not view_name.startswith("api_"):
            # A script calling an API operation gets an answer it can read, not the sign-in pages (the API's own
            # HTML pages — documentation, tokens — are named api_* and go to the two-factor page like any other).
            return JsonResponse({"error": gettext("Confirm your sign-in with your authenticator first."),
                                 "fields": {}}, status=401)
        target = "two_factor_verify" if signin.confirmed_authenticator(request.user) else "two_factor_enrol"
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(_with_next(reverse(target), next_url))


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
