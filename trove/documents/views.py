"""Official documents as Word files (issue 5 part 3).

``document_response`` is the one way a document leaves the system: it checks that the user may see who the person
is, renders, audits the generation ("document.generate") and answers with a download that no cache keeps. The
verification app wires its request letters and decisions to it:

    request_obj = <look the request up through trove.core.policy>
    return document_response(request, DocumentKind.VERIFICATION_REQUEST,
                             verification_request_context(request_obj), case=request_obj.case,
                             filename=document_filename(DocumentKind.VERIFICATION_REQUEST, request_obj.case,
                                                        suffix=str(request_obj.pk)))
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from trove.cases.attachments import content_disposition
from trove.cases.selectors import case_for_user
from trove.core import audit, policy
from trove.documents.contexts import (
    identification_decision_context,
    intake_record_context,
    verification_request_context,
)
from trove.documents.models import DocumentKind
from trove.documents.render import CONTENT_TYPE, render_document

# File names carry the kind of document and the case code, never a name: downloads end up in shared folders.
FILE_STEMS = {
    DocumentKind.INTAKE_RECORD: "BB-tiep-nhan",
    DocumentKind.VERIFICATION_REQUEST: "CV-de-nghi-xac-minh",
    DocumentKind.IDENTIFICATION_DECISION: "QD-xac-dinh-nan-nhan",
}


def document_filename(kind: str, case, *, suffix: str = "") -> str:
    """"BB-tiep-nhan-DT-2026-00017.docx": the kind and the case code (plus ``suffix``, e.g. a request's id)."""
    return "-".join(part for part in (FILE_STEMS[kind], case.code, suffix) if part) + ".docx"


def document_response(request: HttpRequest, kind: str, context: dict, *, case, filename: str) -> HttpResponse:
    """Render ``kind`` with ``context`` for ``case`` and answer with the .docx, audited.

    Every official document names the person, so the user must hold ``case.view_identity`` on ``case``: 404 when
    they may not see the case, 403 when they may see it but not who the person is. The caller has looked the case up
    through the policy already; this asks again, so that no caller can skip the check.
    """
    policy.require(request.user, "case.view_identity", case)
    content = render_document(kind, context)
    with transaction.atomic():
        audit.record("document.generate", request=request, agency=case.owner_agency, obj=case,
                     changes={"kind": kind, "case": case.code})
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def intake_record(request: HttpRequest, code: str) -> HttpResponse:
    case, _permissions = case_for_user(request.user, code, "case.view_identity")
    return document_response(request, DocumentKind.INTAKE_RECORD, intake_record_context(case), case=case,
                             filename=document_filename(DocumentKind.INTAKE_RECORD, case))


@login_required
@require_GET
def request_letter(request: HttpRequest, code: str, request_id: int) -> HttpResponse:
    """The letter that asks another agency to verify (công văn đề nghị xác minh)."""
    case, _permissions = case_for_user(request.user, code, "case.view_identity")
    request_obj = case.verification_requests.select_related("from_agency", "to_agency").filter(pk=request_id).first()
    if request_obj is None:
        raise Http404
    return document_response(request, DocumentKind.VERIFICATION_REQUEST, verification_request_context(request_obj),
                             case=case, filename=document_filename(DocumentKind.VERIFICATION_REQUEST, case,
                                                                   suffix=str(request_obj.pk)))


@login_required
@require_GET
def decision_document(request: HttpRequest, code: str, decision_id: int) -> HttpResponse:
    """The identification decision (regime B) or confirmation (regime A); issued only once approved."""
    case, _permissions = case_for_user(request.user, code, "case.view_identity")
    decision = case.identification_decisions.filter(pk=decision_id, status="approved").first()
    if decision is None:
        raise Http404
    return document_response(request, DocumentKind.IDENTIFICATION_DECISION, identification_decision_context(decision),
                             case=case, filename=document_filename(DocumentKind.IDENTIFICATION_DECISION, case,
                                                                   suffix=str(decision.pk)))
