"""Break-the-glass: a supervisor opens one record outside their scope, with a written reason (DESIGN §4)."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.core import actions, policy
from trove.core.models.access import AgencyOwned


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need this record now?"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        help_text=gettext_lazy("The reason is kept in the audit log and sent to the agency that owns the record."),
    )


def _record(label: str, pk: int) -> AgencyOwned:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not issubclass(model, AgencyOwned):
        raise Http404
    record = model.objects.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _destination(record: AgencyOwned) -> str:
    return record.get_absolute_url() if hasattr(record, "get_absolute_url") else "home"


@login_required
def break_glass(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    # Refuse before looking the record up, so that only those allowed to break the glass learn whether it exists.
    if not policy.has_permission(request.user, "access.break_glass"):
        raise PermissionDenied
    return _break_glass(request, _record(label, pk))


@login_required
def break_glass_case(request: HttpRequest, code: str) -> HttpResponse:
    """The same, for a case named by its code: what an officer on the telephone can give a supervisor."""
    if not policy.has_permission(request.user, "access.break_glass"):
        raise PermissionDenied
    from trove.cases.models import Case

    record = Case.objects.filter(code__iexact=(code or "")[:24]).first()
    if record is None:
        raise Http404
    return _break_glass(request, record)


def _break_glass(request: HttpRequest, record: AgencyOwned) -> HttpResponse:
    if policy.can(request.user, type(record).access_view_permission, record):
        return redirect(_destination(record))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = actions.break_glass(acting_user=request.user, obj=record, reason=form.cleaned_data["reason"],
                                        request=request)
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            messages.warning(request, _("Emergency access granted until %(time)s. The owning agency has been told.")
                             % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")})
            return redirect(_destination(record))
    return render(request, "core/break_glass.html", {"form": form, "record": record},
                  status=400 if form.errors else 200)
