"""What the support app's case pages share: the look-up through the policy (with the page's section), whether to show
identity, the beneficiaries of the case, and putting an action's refusal back on its form."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from trove.cases.models import AccompanyingChild, Case
from trove.cases.sections import section_shown
from trove.core import policy


@dataclass
class CasePage:
    case: Case
    permissions: frozenset[str]
    show_identity: bool
    shown: frozenset[str] | None = None  # the case's sections the user may see; None: all of them

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def tabs(self) -> dict[str, bool]:
        return {key: section_shown(self.shown, key) for key in ("protection", "needs", "support_plan", "support")}


def case_page(request, code: str, section: str, action: str = "case.view", *, reveal: bool = True,
              related: tuple[str, ...] = ()) -> CasePage:
    """The case through the policy (404/403), and 404 as well when the user's agency sees only other sections of it
    (a referral's receiver). ``reveal`` asks whether to show identity (each yes is audited); ``related`` names more
    relations to read with the case (the page's needs: its support circumstances, say)."""
    # The look-up of cases.selectors.case_for_user, with one reading of the policy for permissions and sections.
    case = (Case.objects.select_related("intake", "owner_agency", "unit", *related)
            .filter(code=(code or "")[:24]).first())
    if case is None:
        raise Http404
    permissions, shown = policy.access_on(request.user, case)
    if Case.access_view_permission not in permissions or not section_shown(shown, section):
        raise Http404
    if action not in permissions:
        raise PermissionDenied
    show = reveal and "case.view_identity" in permissions and policy.reveal_identity(request.user, case,
                                                                                       request=request)
    return CasePage(case, permissions, show, shown)


def children_of(case: Case, show_identity: bool) -> list[tuple[AccompanyingChild, str]]:
    """The children who came with the person, each with how to name them on the page."""
    children = list(case.children.select_related("person").order_by("pk"))
    return [(child, child.person.full_name if show_identity else _("Child %(number)d") % {"number": number})
            for number, child in enumerate(children, start=1)]


def child_from(case: Case, value) -> AccompanyingChild | None:
    """The child chosen in a "for whom" field; 404 for a child of another case."""
    if value in (None, ""):
        return None
    try:
        return case.children.select_related("person").get(pk=int(value))
    except (ValueError, TypeError, AccompanyingChild.DoesNotExist):
        raise Http404 from None


def put_errors(form, error: ValidationError) -> None:
    """An action's refusal, shown on the form: by field where the form has the field, otherwise above it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def parse_day(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text) if text else default
    except ValueError:
        return default
