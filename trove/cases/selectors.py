"""Read-side questions about cases: the case list with its filters and search, one case by its code, the names a
user may see on a page of cases, and the sentences of a case's timeline.

Everything starts from ``policy.visible``: a case the user may not see never enters a queryset built here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import Case, CaseEvent, IntakeChannel
from trove.cases.sections import describe_registered
from trove.core import audit, policy
from trove.geo.models import AdminUnit, UnitSet
from trove.geo.selectors import descendant_units
from trove.people.identity import person_ids_named
from trove.people.models import Person

# A case code as codes.next_case_code writes it: province initials, year, number ("DT-2026-00017").
CASE_CODE = re.compile(r"^[A-Za-z]{1,8}-\d{4}-\d{1,8}$")
MAX_QUERY_LENGTH = 200


def looks_like_case_code(text: str) -> bool:
    return bool(CASE_CODE.match((text or "").strip()))


def cases_visible(user) -> models.QuerySet[Case]:
    return policy.visible(user, Case.objects.all())


def units_within(unit: AdminUnit) -> models.Q:
    """A condition on ``unit``: the unit, the units under it and, for a 2025 unit, the legacy units that went into
    those (a case received in 2024 in legacy Sa Rài belongs to 2025 Tân Hồng). A legacy unit is taken as it was:
    the 2025 unit it went into may also hold other legacy communes, which the user did not ask for."""
    own = descendant_units(unit)
    condition = models.Q(unit__in=own.values("pk"))
    if unit.unit_set == UnitSet.Y2025:
        legacy = AdminUnit.objects.filter(successors_rows__new_unit__in=own)
        condition |= models.Q(unit__in=legacy.values("pk"))
    return condition


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class CaseFilters:
    status: str = ""
    channel: str = ""
    unit: AdminUnit | None = None
    agency_id: int | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    query: str = ""
    # Archived cases (trove.privacy retention) are left out of the daily list unless asked for; a case code finds
    # its case either way.
    archived: bool = False


def case_list(user, filters: CaseFilters) -> models.QuerySet[Case]:
    """The cases the user may see that match ``filters``, newest intake first, with what a row shows loaded.

    ``query`` is a case code (exact, any case) or words of a name. A name is looked up through the keyed name
    tokens, never by decrypting, and matches only cases on which the user may see identity: otherwise the list
    would tell an observer which case belongs to the name they typed.
    """
    cases = cases_visible(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.channel:
        cases = cases.filter(intake__channel=filters.channel)
    if filters.unit is not None:
        cases = cases.filter(units_within(filters.unit))
    if filters.agency_id:
        cases = cases.filter(owner_agency_id=filters.agency_id)
    if filters.received_from:
        cases = cases.filter(received_at__gte=_start_of(filters.received_from))
    if filters.received_to:
        cases = cases.filter(received_at__lt=_start_of(filters.received_to + datetime.timedelta(days=1)))
    query = (filters.query or "").strip()[:MAX_QUERY_LENGTH]
    if filters.archived:
        cases = cases.filter(archived_at__isnull=False)
    elif not looks_like_case_code(query):
        cases = cases.filter(archived_at__isnull=True)
    if query:
        if looks_like_case_code(query):
            cases = cases.filter(code__iexact=query)
        else:
            identifiable = policy.visible(user, Case.objects.all(), "case.view_identity")
            cases = cases.filter(person_id__any_of=person_ids_named(query), pk__in=identifiable.values("pk"))
    listed_at = models.F("opened_at")
    if (filters.received_from or filters.received_to) and connection.vendor == "postgresql":
        # A planner fence: sorted by the bare column, PostgreSQL walks the agency's cases newest first hoping to
        # meet the month asked for soon (1.8 s for March of last year at 1,000,000 cases); sorted by an expression it
        # finds the month's intakes by their index first and sorts those few.
        listed_at = models.ExpressionWrapper(listed_at + models.Value(datetime.timedelta(0)),
                                             output_field=models.DateTimeField())
    return (cases.select_related("intake", "owner_agency", "unit__parent__parent")
            .annotate(listed_at=listed_at).order_by("-listed_at", "-pk"))


def owning_agencies(user) -> models.QuerySet:
    """The agencies that own at least one case the user may see, for the list's filter.

    Asked branch by branch of the user's view (``policy.visibility``), each by its index: as one semi-join over the
    visible cases the database probed every agency's cases in turn (0.6 s for a province supervisor at 400,000).
    """
    from trove.agencies.models import Agency

    parts = policy.visibility(user, Case)
    if parts is None:
        return Agency.objects.none()
    owners = Case.objects.order_by().values("owner_agency_id")
    owns = Case.objects.filter(owner_agency_id=models.OuterRef("pk"))
    own = Agency.objects.filter(models.Exists(owns), pk__in=parts.agency_ids)
    branches = [own.values(owner_agency_id=models.F("pk"))]
    if parts.record_ids:
        branches.append(owners.filter(pk__any_of=parts.record_ids))
    branches += [owners.filter(pk__in=records) for records in parts.records]
    if parts.unit_ids:
        branches.append(owners.filter(unit_id__in=parts.unit_ids))
    ids = set()
    for branch in branches:
        ids.update(branch.values_list("owner_agency_id", flat=True).distinct())
    return Agency.objects.filter(pk__in=ids).order_by("name", "pk")


def names_shown(user, records: Iterable, *, request=None) -> dict[int, str]:
    """The full names to show for a page of records (cases or registry entries), by record id: only for records on
    which the user holds ``case.view_identity``, found in one query whatever the page size, and only those persons
    decrypted. When any name is shown, one ``identity.view`` audit entry lists the records."""
    records = list(records)
    if not records:
        return {}
    model = type(records[0])
    allowed = set(
        policy.visible(user, model.objects.filter(pk__in=[r.pk for r in records]), "case.view_identity")
        .values_list("pk", flat=True)
    )
    if not allowed:
        return {}
    person_of = {r.pk: r.person_id for r in records if r.pk in allowed}
    names = dict(Person.objects.filter(pk__in=set(person_of.values())).values_list("pk", "full_name"))
    shown = {pk: names[person] for pk, person in person_of.items() if person in names}
    audit.record("identity.view", actor=user, request=request, object_type=model._meta.label_lower,
                 changes={"list": sorted(shown)})
    return shown


def case_for_user(user, code: str, action: str = "case.view") -> tuple[Case, frozenset[str]]:
    """One case by its code through the policy: 404 when the user may not see it (or it does not exist), 403 when
    they may see it but not do ``action``. Returns the case and the permissions the user holds on it."""
    case = (
        Case.objects.select_related(
            "intake__receiving_officer", "intake__country_returned_from", "owner_agency", "unit__parent__parent",
        )
        .filter(code=(code or "")[:24])
        .first()
    )
    if case is None:
        raise Http404
    return case, policy.require(user, action, case)


def timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor", "agency").order_by("at", "pk"))


def describe_event(event: CaseEvent) -> str:
    """One translated sentence for a timeline event; a kind this code does not know yet is shown by its code."""
    details = event.details or {}
    if event.kind == "case.received":
        channel = details.get("channel", "")
        label = IntakeChannel(channel).label if channel in IntakeChannel.values else channel
        return _("Received through %(channel)s") % {"channel": label}
    if event.kind == "attachment.added":
        return _("File attached (%(type)s)") % {"type": details.get("extension", "").lstrip(".").upper() or "?"}
    if event.kind == "case.from_registry":
        if details.get("registry") == "missing":
            return _("Opened from the register of missing persons")
        return _("Opened from the register of suspected victims")
    if event.kind == "case.transfer_requested":
        return _("Transfer of the case to %(agency)s requested") % {"agency": details.get("to_agency", "?")}
    if event.kind == "case.transfer_accepted":
        return _("Case transferred from %(from)s to %(to)s, with its history") % {
            "from": details.get("from_agency", "?"), "to": details.get("to_agency", "?")}
    if event.kind == "case.transfer_rejected":
        return _("Transfer of the case to %(agency)s rejected") % {"agency": details.get("to_agency", "?")}
    return describe_registered(event) or event.kind
