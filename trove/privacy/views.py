"""The privacy pages: the list of data subjects' requests, recording an access request, the access report (page and
.docx), marking it answered, and erasing a person's identity.

Look-ups carry the permission: a case or request the user may not see at all is a 404; one they see (a case they
may read, a request of their agency) without the right to act on it is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trove.cases.attachments import DOCX, content_disposition
from trove.cases.models import Case
from trove.core import policy
from trove.privacy import actions
from trove.privacy.forms import AccessRequestForm, ErasureForm
from trove.privacy.models import RequestKind, RequestStatus, SubjectRequest
from trove.privacy.report import report_docx

ROWS = 50
SEES = {"case.view", "privacy.view"}


def _guard(user, obj, action: str) -> frozenset[str]:
    permissions = policy.permissions_on(user, obj)
    if not SEES & permissions:
        raise Http404
    if action not in permissions:
        raise PermissionDenied
    return permissions


def _case(request: HttpRequest, code: str, action: str) -> Case:
    case = Case.objects.select_related("owner_agency", "person").filter(code=code).first()
    if case is None:
        raise Http404
    _guard(request.user, case, action)
    return case


def _subject_request(request: HttpRequest, pk: int, action: str) -> SubjectRequest:
    found = (SubjectRequest.objects.select_related("case", "person", "owner_agency", "rule", "received_by",
                                                   "answered_by").filter(pk=pk).first())
    if found is None:
        raise Http404
    _guard(request.user, found, action)
    return found


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    if not policy.has_permission(request.user, "privacy.view"):
        raise PermissionDenied
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("privacy:access_new", code)
    status = request.GET.get("status", RequestStatus.RECEIVED)
    requests = policy.visible(request.user, SubjectRequest.objects.all()).select_related("case", "owner_agency")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    page = Paginator(requests.order_by("status", "due_on", "pk"), ROWS).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "privacy/list.html", {
        "page": page, "rows": [(r, r.is_overdue(today)) for r in page], "status": status,
        "statuses": RequestStatus.choices, "today": today,
        "can_receive": policy.has_permission(request.user, "privacy.subject_access"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def access_request_new(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request, code, "privacy.subject_access")
    if not policy.can(request.user, "case.view_identity", case):
        raise PermissionDenied  # a partner that sees only some sections of the case does not answer for it
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject_request = actions.access_request_receive(
                acting_user=request.user, case=case, received_on=form.cleaned_data["received_on"],
                requester=form.cleaned_data["requester"], request=request)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The request is recorded; the answer is due by %(day)s.")
                             % {"day": subject_request.due_on.strftime("%d/%m/%Y")})
            return redirect("privacy:report", subject_request.pk)
    return render(request, "privacy/access_new.html", {"case": case, "form": form},
                  status=400 if form.is_bound else 200)


def _report(request: HttpRequest, pk: int):
    subject_request = _subject_request(request, pk, "privacy.subject_access")
    if subject_request.kind != RequestKind.ACCESS:
        raise Http404
    report = actions.access_report_produce(acting_user=request.user, subject_request=subject_request,
                                           request=request)
    return subject_request, report


@login_required
@require_GET
def request_report(request: HttpRequest, pk: int) -> HttpResponse:
    subject_request, report = _report(request, pk)
    response = render(request, "privacy/report.html", {
        "subject_request": subject_request, "report": report,
        "overdue": subject_request.is_overdue(timezone.localdate()),
    })
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def request_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    subject_request, report = _report(request, pk)
    content = report_docx(report, due_on=subject_request.due_on)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition(f"du-lieu-ca-nhan-{subject_request.case.code}.docx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    subject_request = _subject_request(request, pk, "privacy.subject_access")
    try:
        actions.access_request_answer(acting_user=request.user, subject_request=subject_request, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is marked answered."))
    return redirect("privacy:list")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, code: str) -> HttpResponse:
    case = _case(request, code, "privacy.erase")
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.erase_identity(acting_user=request.user, person=case.person,
                                   reason=form.cleaned_data["reason"], legal_basis=form.cleaned_data["legal_basis"],
                                   request=request)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The identity of the person of case %(code)s is erased; the case and its "
                                        "figures stay.") % {"code": case.code})
            return redirect("privacy:list")
    return render(request, "privacy/erase.html", {"case": case, "form": form,
                                                  "erased": case.person.erased_at is not None},
                  status=400 if form.is_bound else 200)
