"""Sign-in pages: password with lockout, then the second factor (enrolment or verification)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from trove.core import signin


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing before the password is checked while the account or the address is locked."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username is not None and self.cleaned_data.get("password"):
            lockout = signin.current_lockout(username, signin.client_address(self.request))
            if lockout is not None:
                signin.audit_attempt(
                    "auth.login_failed", self.request, username=signin.normalise_username(username), reason="locked"
                )
                raise forms.ValidationError(lockout.message, code="locked")
        return super().clean()


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class SecondFactorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, strip=True)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return resolve_url("home")


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if not signin.needs_verification(request):
        return redirect(_next_url(request))
    if signin.confirmed_authenticator(request.user) is None:
        return redirect("two_factor_enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lockout = signin.current_lockout(request.user.get_username(), signin.client_address(request))
        if lockout is not None:
            form.add_error(None, lockout.message)
        else:
            result = signin.verify_second_factor(request, form.cleaned_data["code"])
            if result.verified:
                if result.used_recovery_code:
                    messages.warning(request, ngettext(
                        "You signed in with a recovery code. %(count)d recovery code is left.",
                        "You signed in with a recovery code. %(count)d recovery codes are left.",
                        result.recovery_codes_left,
                    ) % {"count": result.recovery_codes_left})
                return redirect(_next_url(request))
            form.add_error("code", result.lockout.message if result.lockout else _(
                "That code is not right. Enter the current code from your authenticator app, or an unused recovery "
                "code."
            ))
    return render(request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    # Once an authenticator is confirmed, only a code from it gets the user in: someone holding just the password
    # must not be able to enrol an authenticator of their own.
    if not signin.needs_verification(request):
        return redirect(_next_url(request))
    if signin.confirmed_authenticator(request.user) is not None:
        return redirect("two_factor_verify")
    device = signin.pending_authenticator(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lockout = signin.current_lockout(request.user.get_username(), signin.client_address(request))
        if lockout is not None:
            form.add_error(None, lockout.message)
        else:
            codes = signin.confirm_enrolment(request, form.cleaned_data["code"])
            if codes is not None:
                return render(request, "core/two_factor_recovery_codes.html",
                              {"recovery_codes": codes, "next": _next_url(request)})
            lockout = signin.current_lockout(request.user.get_username(), signin.client_address(request))
            form.add_error("code", lockout.message if lockout else _(
                "That code is not right. Enter the 6-digit code your authenticator app shows now."
            ))
    return render(request, "core/two_factor_enrol.html", {
        "form": form,
        "qr_data_uri": signin.authenticator_qr_data_uri(device),
        "secret": signin.authenticator_secret(device),
        "next": _next_url(request),
    })
