"""Read-side questions of tips and proceedings. Every queryset starts from ``policy.visible``: a record the user may
not see never enters a list built here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from trove.cases.models import Case
from trove.core import policy
from trove.intel.models import (
    Classification,
    LinkKind,
    Proceeding,
    ProceedingVictim,
    Stage,
    Tip,
    TipLink,
    TipSource,
    TipStatus,
)
from trove.people.models import MissingPerson, SuspectedVictim

LIST_ROWS = 50  # per page; one row more than a page tells whether a next page exists
TIP_VIEWS = ("attention", "unclassified", "overdue", "open", "handled", "all")


@dataclass
class TipFilters:
    view: str = "attention"
    source: str = ""
    classification: str = ""


def tip_list(user, filters: TipFilters) -> models.QuerySet[Tip]:
    """The tips the user may see. ``attention``: not yet classified, or past a deadline; the earliest deadline
    first. The other views follow their names; handled tips newest first."""
    today = timezone.localdate()
    tips = policy.visible(user, Tip.objects.all())
    overdue = models.Q(next_due__lt=today)
    if filters.view == "attention":
        tips = tips.filter(models.Q(status=TipStatus.RECEIVED) | overdue & ~models.Q(status=TipStatus.CONCLUDED))
    elif filters.view == "unclassified":
        tips = tips.filter(status=TipStatus.RECEIVED)
    elif filters.view == "overdue":
        tips = tips.filter(overdue).exclude(status=TipStatus.CONCLUDED)
    elif filters.view == "open":
        tips = tips.exclude(status=TipStatus.CONCLUDED)
    elif filters.view == "handled":
        tips = tips.filter(status=TipStatus.CONCLUDED)
    if filters.source in TipSource.values:
        tips = tips.filter(source=filters.source)
    if filters.classification in Classification.values:
        tips = tips.filter(classification=filters.classification)
    order = (["-concluded_on", "-pk"] if filters.view == "handled"
             else [models.F("next_due").asc(nulls_last=True), "received_at", "pk"])
    # Only the columns a row shows: the encrypted fields are never read (nor decrypted) for a list.
    return (tips.select_related("owner_agency", "unit")
            .only("code", "source", "received_at", "priority", "status", "classification", "classification_due",
                  "handling_due", "next_due", "outcome", "concluded_on", "owner_agency__name",
                  "owner_agency__short_name", "unit__name", "unit__unit_set", "unit__code")
            .order_by(*order))


def tip_for_user(user, code: str, action: str = "tip.view") -> tuple[Tip, frozenset[str]]:
    tip = (Tip.objects.select_related("owner_agency", "unit__parent__parent", "received_agency", "received_by",
                                      "classified_by")
           .filter(code=(code or "")[:24]).first())
    if tip is None:
        raise Http404
    return tip, policy.require(user, action, tip)


@dataclass
class LinkRow:
    link: TipLink
    label: str
    url: str | None  # None: the user may not open the record


def tip_links(user, tip: Tip) -> list[LinkRow]:
    """The tip's links, with what the user may know of each target: a code and a link when they may see it,
    otherwise only that a record of that kind is linked."""
    links = list(tip.links.select_related("case", "proceeding", "suspected", "missing").order_by("kind", "pk"))
    visible: dict[str, set[int]] = {}
    for kind, model in ((LinkKind.CASE, Case), (LinkKind.PROCEEDING, Proceeding),
                        (LinkKind.SUSPECTED, SuspectedVictim), (LinkKind.MISSING, MissingPerson)):
        ids = [link.target_id for link in links if link.kind == kind]
        visible[kind] = set(policy.visible(user, model.objects.filter(pk__in=ids)).values_list("pk", flat=True)) \
            if ids else set()
    person_ids = [link.person_id for link in links if link.kind == LinkKind.PERSON]
    person_cases: dict[int, Case] = {}
    if person_ids:
        for case in policy.visible(user, Case.objects.filter(person_id__in=person_ids)).order_by("pk"):
            person_cases.setdefault(case.person_id, case)
    rows = []
    for link in links:
        if link.kind == LinkKind.CASE and link.case_id in visible[LinkKind.CASE]:
            rows.append(LinkRow(link, link.case.code, link.case.get_absolute_url()))
        elif link.kind == LinkKind.PROCEEDING and link.proceeding_id in visible[LinkKind.PROCEEDING]:
            rows.append(LinkRow(link, link.proceeding.code, link.proceeding.get_absolute_url()))
        elif link.kind == LinkKind.SUSPECTED and link.suspected_id in visible[LinkKind.SUSPECTED]:
            rows.append(LinkRow(link, f"#{link.suspected_id}",
                                reverse("registries:detail", args=["suspected", link.suspected_id])))
        elif link.kind == LinkKind.MISSING and link.missing_id in visible[LinkKind.MISSING]:
            rows.append(LinkRow(link, f"#{link.missing_id}",
                                reverse("registries:detail", args=["missing", link.missing_id])))
        elif link.kind == LinkKind.PERSON and link.person_id in person_cases:
            case = person_cases[link.person_id]
            rows.append(LinkRow(link, f"#{link.person_id} ({case.code})", case.get_absolute_url()))
        else:
            rows.append(LinkRow(link, "", None))
    return rows


def proceeding_list(user, stage: str = "") -> models.QuerySet[Proceeding]:
    proceedings = policy.visible(user, Proceeding.objects.all())
    if stage in Stage.values:
        proceedings = proceedings.filter(stage=stage)
    return (proceedings.select_related("owner_agency", "unit")
            .only("code", "stage", "stage_on", "reported_on", "file_number", "owner_agency__name",
                  "owner_agency__short_name", "unit__name", "unit__unit_set", "unit__code")
            .annotate(defendant_count=Count("defendants", distinct=True))
            .order_by("-stage_on", "-pk"))


def proceeding_for_user(user, code: str, action: str = "proceeding.view") -> tuple[Proceeding, frozenset[str]]:
    proceeding = (Proceeding.objects.select_related("owner_agency", "unit", "created_by")
                  .filter(code=(code or "")[:24]).first())
    if proceeding is None:
        raise Http404
    return proceeding, policy.require(user, action, proceeding)


def visible_case(user, code: str) -> Case | None:
    """The case with this code if the user may see it; None otherwise (whether it exists or not)."""
    code = (code or "").strip()[:24]
    return policy.visible(user, Case.objects.filter(code__iexact=code)).first() if code else None


def visible_proceeding(user, code: str) -> Proceeding | None:
    code = (code or "").strip()[:24]
    return policy.visible(user, Proceeding.objects.filter(code__iexact=code)).first() if code else None


def tips_about_proceeding(user, proceeding: Proceeding) -> list[Tip]:
    return list(policy.visible(user, Tip.objects.filter(links__proceeding=proceeding)).only("code", "status")
                .order_by("pk").distinct())


def case_panel_context(request, case: Case, permissions: frozenset[str]) -> dict | None:
    """The "Criminal proceedings" panel of a case page: the proceedings the case's person is a victim in (through
    this case or another case of the same person) that the user may see, with their stage. Left out for users who
    may see no proceedings at all."""
    if not policy.has_permission(request.user, "proceeding.view"):
        return None
    linked = ProceedingVictim.objects.filter(case__person_id=case.person_id).values("proceeding_id")
    proceedings = list(policy.visible(request.user, Proceeding.objects.filter(pk__in=linked))
                       .only("code", "stage", "stage_on").order_by("-stage_on", "pk"))
    return {"proceedings": proceedings}
