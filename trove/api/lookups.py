"""Look-ups through the access policy that several resources share. Each raises Http404 when the caller may not see
the record (or it does not exist: the API never tells which) and PermissionDenied when they may see it but not do
``action``, exactly as the pages do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trove.cases.models import Case
from trove.cases.sections import section_shown
from trove.cases.selectors import case_for_user
from trove.core import policy


def case_of(request, code: str, action: str = "case.view", *, section: str | None = None
            ) -> tuple[Case, frozenset[str]]:
    """A case by its code; with ``section``, only if that part of the case is shared with the caller."""
    case, permissions = case_for_user(request.user, code, "case.view")
    if section is not None and not section_shown(policy.sections_on(request.user, case), section):
        raise Http404
    if action not in permissions:
        raise PermissionDenied
    return case, permissions


def child_of_case(request, queryset, pk: int, action: str = "case.view", *, section: str = "verification"):
    """A record that hangs off a case (a step, a request, a decision), found by its id and guarded by its case."""
    record = queryset.select_related("case").filter(pk=pk).first()
    if record is None:
        raise Http404
    case_of(request, record.case.code, action, section=section)
    return record


def chosen(queryset, pk: int | None):
    """The record ``pk`` among those a page's form would offer (``queryset``), or None: the action then refuses with
    its own message ("Choose the agency."), as it does for a form left empty."""
    return None if pk is None else queryset.filter(pk=pk).first()


def support_type(code: str | None):
    from trove.rules.models import SupportType

    return None if not code else SupportType.objects.filter(code=code).first()
