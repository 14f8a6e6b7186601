"""The figures over cases, intakes, identification decisions and the registries (issue 10, part 1).

- ``received``: persons received in the period (intake date), by channel: from abroad (official handover,
  self-returned, via a mission), domestic (rescued, self-reported) and other channels (referred, hotline);
- ``identification.victim`` / ``identification.not_victim``: cases whose approved identification decision, dated in
  the period, found the person a victim / not a victim;
- ``identification.being_identified``: persons received in the period for whom no approved decision (victim or not)
  is dated on or before the period's last day;
- ``suspected``: suspected victims registered in the period (date reported), by risk channel;
- ``missing``: persons not yet rescued — missing-person entries reported on or before the period's last day whose
  status today is still "missing, not yet rescued" (registry entries keep no dated history of their status).

Ages are the age at intake (or at the report for registry entries), from the birth year; the destination country is
the country a person came back from (cases), the destination (suspected victims) or the last known country (missing
persons). This module is the reports app's own ``figures`` module; other apps register theirs the same way.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trove.cases.models import FROM_ABROAD, Case
from trove.people.models import MissingPerson, MissingStatus, SuspectedVictim
from trove.reports.periods import Period
from trove.reports.registry import Figure, RecordRow, register
from trove.rules.models import IntakeChannel
from trove.verification.models import DecisionStatus, IdentificationDecision, Outcome

CASE_PATHS = {
    "sex": "person__sex", "birth_year": "person__birth_year", "date": "intake__received_at",
    "channel": "intake__channel", "country": "intake__country_returned_from", "exploitation": "pk",
}
CASE_DIMENSIONS = ("sex", "age", "ctdc_age", "channel", "country", "exploitation", "unit", "month")

ABROAD = tuple(sorted(FROM_ABROAD))
DOMESTIC = tuple(sorted({IntakeChannel.RESCUED_DOMESTIC, IntakeChannel.SELF_REPORTED}))
OTHER_CHANNELS = tuple(sorted({IntakeChannel.REFERRED, IntakeChannel.HOTLINE}))

# The sub-rows of "persons received" in the tables: the groups the plans count, each with its channels.
CHANNEL_ROWS = (
    (_("From abroad"), ABROAD, 1),
    (IntakeChannel.HANDOVER_OFFICIAL.label, (IntakeChannel.HANDOVER_OFFICIAL,), 2),
    (IntakeChannel.RETURNED_SELF.label, (IntakeChannel.RETURNED_SELF,), 2),
    (IntakeChannel.RETURNED_MISSION.label, (IntakeChannel.RETURNED_MISSION,), 2),
    (_("Domestic"), DOMESTIC, 1),
    (IntakeChannel.RESCUED_DOMESTIC.label, (IntakeChannel.RESCUED_DOMESTIC,), 2),
    (IntakeChannel.SELF_REPORTED.label, (IntakeChannel.SELF_REPORTED,), 2),
    (_("Other channels"), OTHER_CHANNELS, 1),
    (IntakeChannel.REFERRED.label, (IntakeChannel.REFERRED,), 2),
    (IntakeChannel.HOTLINE.label, (IntakeChannel.HOTLINE,), 2),
)


def case_row(case: Case) -> RecordRow:
    intake = getattr(case, "intake", None)
    facts = [case.pseudonym, case.get_status_display()]
    if intake is not None:
        facts += [intake.get_channel_display(), date_format(intake.received_at, "SHORT_DATE_FORMAT")]
    facts += [case.unit.name, case.owner_agency.name]
    return RecordRow(title=case.code, url=case.get_absolute_url(), facts=tuple(facts))


def _registry_row(kind: str, title):
    def row(entry) -> RecordRow:
        facts = [entry.get_status_display(), date_format(entry.reported_on, "SHORT_DATE_FORMAT"), entry.unit.name,
                 entry.owner_agency.name]
        if kind == "suspected":
            facts.insert(1, entry.get_risk_channel_display())
        return RecordRow(title=str(title) % {"number": entry.pk},
                         url=reverse("registries:detail", args=[kind, entry.pk]), facts=tuple(facts))
    return row


def received(period: Period):
    return Case.objects.filter(intake__received_at__gte=period.start_moment(),
                               intake__received_at__lt=period.end_moment())


def _decided(outcome: str):
    def records(period: Period):
        decisions = IdentificationDecision.objects.filter(status=DecisionStatus.APPROVED, outcome=outcome,
                                                          decision_date__range=period.dates())
        return Case.objects.filter(pk__in=decisions.values("case_id"))
    return records


def being_identified(period: Period):
    concluded = IdentificationDecision.objects.filter(
        status=DecisionStatus.APPROVED, outcome__in=[Outcome.VICTIM, Outcome.NOT_VICTIM],
        decision_date__lte=period.end)
    return received(period).exclude(pk__in=concluded.values("case_id"))


def suspected(period: Period):
    return SuspectedVictim.objects.filter(reported_on__range=period.dates())


def not_yet_rescued(period: Period):
    return MissingPerson.objects.filter(reported_on__lte=period.end, status=MissingStatus.MISSING)


CASE_FIGURE = {"model": Case, "paths": CASE_PATHS, "dimensions": CASE_DIMENSIONS, "row": case_row,
               "row_related": ("intake", "owner_agency", "unit")}

register(Figure(code="received", section="received", order=10, label=_("Persons received"), records=received,
                description=_("Persons received in the period (intake date), by the channel they came through."),
                split_by="channel", split_rows=CHANNEL_ROWS, **CASE_FIGURE))
register(Figure(code="identification.victim", section="identification", order=10,
                label=_("Identified as victims"), records=_decided(Outcome.VICTIM),
                description=_("Cases whose approved decision, dated in the period, identified the person as a "
                              "victim."), **CASE_FIGURE))
register(Figure(code="identification.not_victim", section="identification", order=20,
                label=_("Found not to be victims"), records=_decided(Outcome.NOT_VICTIM),
                description=_("Cases whose approved decision, dated in the period, found that the person is not a "
                              "victim."), **CASE_FIGURE))
register(Figure(code="identification.being_identified", section="identification", order=30,
                label=_("Still being identified"), records=being_identified,
                description=_("Persons received in the period without an approved decision (victim or not) by the "
                              "period's last day."), **CASE_FIGURE))
register(Figure(
    code="suspected", section="registries", order=10, label=_("Suspected victims"), model=SuspectedVictim,
    records=suspected,
    description=_("Suspected victims registered in the period (date reported), by risk channel."),
    paths={"sex": "person__sex", "birth_year": "person__birth_year", "date": "reported_on",
           "risk_channel": "risk_channel", "country": "destination_country"},
    dimensions=("sex", "age", "ctdc_age", "risk_channel", "country", "unit", "month"),
    row=_registry_row("suspected", _("Suspected victim no. %(number)d")), row_related=("owner_agency", "unit"),
    split_by="risk_channel",
))
register(Figure(
    code="missing", section="registries", order=20, label=_("Persons not yet rescued"), model=MissingPerson,
    records=not_yet_rescued,
    description=_("Persons reported missing on or before the period's last day who are still missing (status "
                  "today)."),
    paths={"sex": "person__sex", "birth_year": "person__birth_year", "date": "reported_on",
           "country": "last_known_country"},
    dimensions=("sex", "age", "ctdc_age", "country", "unit"),
    row=_registry_row("missing", _("Missing person no. %(number)d")), row_related=("owner_agency", "unit"),
))
