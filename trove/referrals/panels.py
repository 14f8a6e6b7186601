"""The two parts this app adds to the case page (``trove.cases.sections``).

- "referrals": the case's referrals and, for a child or a minor, the child-protection checklist. The checklist sits
  here because its central item is the child-protection referral: an agency that receives a referral with this
  section shown (a child-protection service) sees the checklist it answers to.
- "followup": a summary of the reintegration follow-up (plan, next and overdue visits, alerts, Women's Union
  activities) with a link to the follow-up page.
"""

from __future__ import annotations

from django.utils import timezone

from trove.cases.lifecycle import owner_side
from trove.core import policy
from trove.referrals import selectors
from trove.referrals.children import COUNTING_STATUSES, age_status
from trove.referrals.forms import ChecklistForm
from trove.referrals.models import ChildProtectionChecklist, ServiceKind


def referrals_panel(request, case, permissions: frozenset[str]) -> dict:
    status = age_status(case)
    checklist = ChildProtectionChecklist.objects.filter(case=case).first() if status.needs_checklist else None
    can_edit = "case.edit" in permissions
    show_identity = "case.view_identity" in permissions and not policy.identity_restricted(case)
    referrals = selectors.case_referrals(case)
    context = {
        "referrals": referrals,
        "can_send": "referral.send" in permissions and owner_side(request.user, case, "referral.send") is not None,
        "age": status,
        "checklist": checklist,
        "cp_referrals": [r for r in referrals if r.service_kind == ServiceKind.CHILD_PROTECTION
                         and r.status in COUNTING_STATUSES],
        "checklist_form": None,
        "checklist_notes_shown": show_identity,
    }
    if status.needs_checklist and can_edit:
        initial = {"guardian": checklist.guardian, "schooling": checklist.schooling} if checklist else {}
        if checklist is not None and show_identity:
            initial.update(guardian_note=checklist.guardian_note, schooling_note=checklist.schooling_note,
                           no_referral_reason=checklist.no_referral_reason)
        context["checklist_form"] = ChecklistForm(initial=initial)
    return context


def followup_panel(request, case, permissions: frozenset[str], figures: dict | None = None) -> dict:
    data = selectors.followup_summary(case, figures)
    today = timezone.localdate()
    return {
        "followup": data,
        "overdue": data.overdue(today),
        "today": today,
        "can_edit": "case.edit" in permissions,
    }
