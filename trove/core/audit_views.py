import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core import policy

SEARCH_MAX_LENGTH = 100


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=SEARCH_MAX_LENGTH)
    action = forms.CharField(label=_("Action"), required=False, max_length=SEARCH_MAX_LENGTH,
                             help_text=_("e.g. auth.login_failed or identity.view"))
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=SEARCH_MAX_LENGTH)
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end date cannot be before the start date."))
        return data


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "audit.view"):
        raise PermissionDenied
    entries = policy.audit_entries_visible_to(request.user).order_by("-id")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_username__icontains=data["actor"].strip())
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"].strip())
        # On the time itself, not on its date: PostgreSQL then reads only the partitions of the years asked for,
        # through the index on ``at``.
        if data["date_from"]:
            entries = entries.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries.select_related("agency"), 50).get_page(request.GET.get("page"))
    for entry in page:
        # Pairs for the template: a change named "items" (support given in kind) would shadow ``dict.items`` there.
        entry.change_rows = list((entry.changes or {}).items())
    return render(request, "core/audit_log.html", {"form": form, "page": page})


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the current time zone: the dates a person types are local dates."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
