"""What the system holds about one person: the data-subject access report (Decree 356/2025, law.md "Personal data").

``build_report`` gathers it for one officer: the person's identity, and for each of their cases the officer may see
with identity — the intake, the identification decisions, the support given, the referrals (which agency saw which
sections of the file) and who opened the person's identity (from the audit log). Cases held by agencies outside the
officer's reach are named by their agency only, so that the officer can forward the request; their content is not
read. The page, the .docx download and the audit entry all come from this one structure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from trove.cases.models import Case
from trove.cases.sections import SECTIONS
from trove.core import policy
from trove.core.models.audit import AuditEntry
from trove.people.models import Person

IDENTITY_FIELDS = ("full_name", "other_names", "birth_date", "sex", "citizen_id", "old_id", "passport", "phone",
                   "home_address", "current_address", "father_name", "mother_name", "ethnicity", "nationality")


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class AccessReport:
    person: Person
    produced_at: datetime.datetime
    identity: list[tuple[str, str]]
    sections: list[Section]
    other_agencies: list[str]


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def _identity(person: Person) -> list[tuple[str, str]]:
    rows = []
    for name in IDENTITY_FIELDS:
        model_field = Person._meta.get_field(name)
        if model_field.choices:
            value = getattr(person, f"get_{name}_display")()
        else:
            value = getattr(person, name)
        rows.append((str(model_field.verbose_name), _text(value)))
    if person.erased_at:
        rows.append((_("Identity erased on"), _text(person.erased_at)))
    return rows


def _section_label(key: str) -> str:
    return str(SECTIONS.get(key, key))


def build_report(user, person: Person) -> AccessReport:
    from trove.referrals.models import Referral
    from trove.support.models import SupportEntry
    from trove.verification.models import IdentificationDecision

    all_cases = Case.objects.filter(person=person)
    cases = list(policy.visible(user, all_cases, "case.view_identity")
                 .select_related("owner_agency", "intake").order_by("opened_at"))
    case_ids = [case.pk for case in cases]
    others = sorted(set(all_cases.exclude(pk__in=case_ids).values_list("owner_agency__name", flat=True)))

    sections = [
        Section(_("Cases"), [_("Case code"), _("Status"), _("Opened"), _("Held by"), _("Archived")],
                [[case.code, case.get_status_display(), _text(case.opened_at), case.owner_agency.name,
                  _text(case.archived_at)] for case in cases]),
    ]
    intakes = Section(_("Intake"), [_("Case code"), _("Channel"), _("Received at"), _("Place"), _("Consent"),
                                    _("Immediate needs"), _("First support given"), _("Notes")])
    for case in cases:
        intake = getattr(case, "intake", None)
        if intake is not None:
            intakes.rows.append([case.code, intake.get_channel_display(), _text(intake.received_at),
                                 _text(intake.place_name), _("yes") if intake.consent_given else _("no"),
                                 _text(intake.immediate_needs), _text(intake.first_support), _text(intake.notes)])
    sections.append(intakes)
    decisions = Section(_("Identification decisions"), [_("Case code"), _("Outcome"), _("Decision date"),
                                                        _("Number"), _("Status")])
    for decision in (IdentificationDecision.objects.filter(case_id__in=case_ids).select_related("case")
                     .order_by("decision_date", "pk")):
        decisions.rows.append([decision.case.code, decision.get_outcome_display(), _text(decision.decision_date),
                               _text(decision.number), decision.get_status_display()])
    sections.append(decisions)
    support = Section(_("Support given"), [_("Case code"), _("Support"), _("Given on"), _("Amount (VND)"),
                                           _("Given by"), _("Cancelled")])
    for entry in (SupportEntry.objects.filter(case_id__in=case_ids)
                  .select_related("case", "support_type", "giving_agency").order_by("given_on", "pk")):
        support.rows.append([entry.case.code, str(entry.support_type), _text(entry.given_on),
                             _text(entry.amount), entry.giving_agency.name, _text(entry.cancelled_at)])
    sections.append(support)
    referrals = Section(_("Referrals: who saw which parts of the file"),
                        [_("Case code"), _("To"), _("Service"), _("Sent on"), _("Parts of the file shared"),
                         _("Status")])
    for referral in (Referral.objects.filter(case_id__in=case_ids).select_related("case", "to_agency")
                     .order_by("referred_on", "pk")):
        to = referral.to_agency.name if referral.to_agency else referral.provider_name
        referrals.rows.append([referral.case.code, _text(to), referral.get_service_kind_display(),
                               _text(referral.referred_on),
                               ", ".join(_section_label(key) for key in referral.sections) or _("the whole file"),
                               referral.get_status_display()])
    sections.append(referrals)
    readers = Section(_("Who opened the person's identity"), [_("When"), _("Who"), _("Agency"), _("Case code")])
    codes = {str(case.pk): case.code for case in cases}
    entries = (AuditEntry.objects.filter(action="identity.view", object_type="cases.case",
                                         object_id__in=list(codes))
               .select_related("actor", "agency").order_by("at", "pk"))
    for entry in entries:
        who = entry.actor.display_name if entry.actor else entry.actor_username
        readers.rows.append([_text(entry.at), _text(who), entry.agency.name if entry.agency else "—",
                             codes.get(entry.object_id, "—")])
    sections.append(readers)
    return AccessReport(person=person, produced_at=timezone.now(), identity=_identity(person), sections=sections,
                        other_agencies=others)


def report_docx(report: AccessReport, *, due_on: datetime.date) -> bytes:
    """The report as a Word document (python-docx, which the project's document templates already use)."""
    import io

    from docx import Document

    document = Document()
    document.add_heading(_("Personal data held about the person"), level=1)
    document.add_paragraph(_("Produced on %(at)s; answer due by %(due)s.")
                           % {"at": _text(report.produced_at), "due": _text(due_on)})
    document.add_heading(_("Identity"), level=2)
    table = document.add_table(rows=0, cols=2)
    for label, value in report.identity:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for section in report.sections:
        document.add_heading(section.title, level=2)
        if not section.rows:
            document.add_paragraph(_("None."))
            continue
        table = document.add_table(rows=1, cols=len(section.columns))
        for cell, title in zip(table.rows[0].cells, section.columns, strict=True):
            cell.text = title
        for row in section.rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = value
    if report.other_agencies:
        document.add_paragraph(_("Other agencies also hold cases of this person: %(agencies)s.")
                               % {"agencies": ", ".join(report.other_agencies)})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
