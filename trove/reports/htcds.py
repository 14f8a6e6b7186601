"""Case data in the field and value names of the Human Trafficking Case Data Standard (HTCDS) v2.0.

Field and value names come from UNMigration/HTCDS (``data/htcds-v2-fields.tsv``, a copy of
shared/standards/htcds-v2-fields.tsv; CC BY 4.0 — credit IOM, no endorsement implied). Fields the standard lacks are
prefixed ``x_vn_``; multi-select values are joined with ";"; countries are ISO 3166-1 alpha-2 codes; the trafficking
status follows shared/domain/categories.md.

Two variants:
- **identifiable** (``export.identifiable``, with a reason, audited): names, birth date, ID number, phone, address and
  the case code, for the cases the user may export and see the identity of;
- **pseudonymised**: every identity field empty, the case and the person replaced by stable pseudonyms — keyed hashes
  (HMAC-SHA256 with the installation's secret index key), the same in every export and not reversible without the
  key — dates coarsened to the month and places to the province.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from trove.agencies.models import AgencyType
from trove.cases.models import FROM_ABROAD, Case, CaseStatus
from trove.people.models import Person
from trove.reports import exploitation
from trove.reports.places import unit_index
from trove.rules.models import IntakeChannel, Regime
from trove.verification.models import DecisionStatus, IdentificationDecision, Outcome

STANDARD = "HTCDS v2.0"
CREDIT = ("Field and value names from the Human Trafficking Case Data Standard (HTCDS) v2.0, UNMigration/HTCDS, "
          "CC BY 4.0 — credit IOM; no endorsement by IOM is implied.")
MULTI = ";"
BATCH = 1000

IDENTITY_FIELDS = ["prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate", "prs_IdentityNumber",
                   "prs_MobilePhone", "prs_MailingStreet", "prs_MailingCity", "cas_ReferringOrganisation"]
FIELDS = [
    "x_vn_record_id", "x_vn_person_id",
    *IDENTITY_FIELDS,
    "prs_Gender", "prs_Citizenship", "prs_MaritalStatus", "prs_HighestLevelOfEducation", "prs_MailingState",
    "prs_MailingCountry",
    "vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", "vic_TypeOfExploitation",
    "cas_Status", "cas_ReasonForCaseClosure", "cas_IncomingReferralDate", "hte_Country", "hte_Type", "con_Consent",
    "x_vn_intake_channel", "x_vn_received", "x_vn_case_status", "x_vn_age_at_intake", "x_vn_birth_year",
    "x_vn_ethnicity", "x_vn_education", "x_vn_exploitation", "x_vn_identification_outcome", "x_vn_decision_date",
    "x_vn_regime", "x_vn_unit", "x_vn_unit_2025", "x_vn_owner_agency",
]

GENDER = {"female": "Feminine", "male": "Masculine", "other": "NonConforming", "unknown": "NonSpecifiedUnknown"}
MARITAL = {"single": "Single", "married": "Married", "divorced": "Divorced", "widowed": "Widowed"}
EDUCATION = {"primary": "PrimaryEducation", "lower_secondary": "LowerSecondaryEducation",
             "upper_secondary": "UpperSecondaryEducation", "vocational": "PostSecondaryNonTertiaryEducation",
             "higher": "BachelorsOrEquivalentLevel"}
# shared/domain/categories.md, "Interchange".
STATUS = {CaseStatus.RECEIVED: "PossibleVictimOfTrafficking", CaseStatus.VERIFYING: "PossibleVictimOfTrafficking",
          CaseStatus.BEING_IDENTIFIED: "PossibleVictimOfTrafficking",
          CaseStatus.IDENTIFIED_VICTIM: "ActualVictimOfTrafficking", CaseStatus.NOT_VICTIM: "NotAVictimOfTrafficking"}
OUTCOME_STATUS = {Outcome.VICTIM: "ActualVictimOfTrafficking", Outcome.NOT_VICTIM: "NotAVictimOfTrafficking"}
DECISION_ORG = {AgencyType.POLICE: "Police", AgencyType.BORDER_GUARD: "Police", AgencyType.COURT: "CourtOrProsecution",
                AgencyType.PROCURACY: "CourtOrProsecution", AgencyType.WOMENS_UNION: "Other",
                AgencyType.FATHERLAND_FRONT: "Other", AgencyType.OTHER: "Other"}


def pseudonym(kind: str, value: object) -> str:
    """A stable, keyed, non-reversible pseudonym: the same record gets the same one in every export."""
    key = hmac.new(settings.BLIND_INDEX_KEY.encode(), b"trove.reports.htcds", hashlib.sha256).digest()
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[:1].upper()}-{digest[:20]}"


def split_name(full_name: str) -> tuple[str, str, str]:
    """(given, middle, family) of a Vietnamese name written family name first."""
    words = (full_name or "").split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return words[0], "", ""
    return words[-1], " ".join(words[1:-1]), words[0]


def case_status(status: str, closed_reason: str) -> str:
    if status == CaseStatus.CLOSED:
        return "ClosedReferred" if closed_reason == "transferred" else "Closed"
    if status == CaseStatus.REINTEGRATING:
        return "FollowUp"
    return "Active"


def trafficking_status(status: str, outcome: str | None) -> str:
    if status in STATUS:
        return STATUS[status]
    return OUTCOME_STATUS.get(outcome, "PossibleVictimOfTrafficking")


@dataclass
class Options:
    identifiable_ids: set[int]  # cases whose identity goes into the export (empty: pseudonymised)
    pseudonymised: bool


def _regimes() -> list[tuple[datetime.date, datetime.date | None, str]]:
    return list(Regime.objects.values_list("valid_from", "valid_to", "code"))


def _regime_on(regimes, day: datetime.date) -> str:
    return next((code for start, end, code in regimes if start <= day and (end is None or day <= end)), "")


def rows(cases, options: Options, progress: Callable[[int], None] | None = None) -> Iterator[dict]:
    """One dict per case (``cases``: a queryset already filtered through the access policy)."""
    index = unit_index()
    regimes = _regimes()
    ids = list(cases.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        values = list(Case.objects.filter(pk__in=chunk).order_by("pk").values(
            "pk", "code", "status", "closed_reason", "person_id", "unit_id", "owner_agency__name",
            "owner_agency__agency_type", "person__sex", "person__birth_year", "person__nationality_id",
            "person__marital_status", "person__education", "person__ethnicity", "person__home_unit_id",
            "intake__channel", "intake__received_at", "intake__country_returned_from_id", "intake__consent_given",
            "intake__source_reference"))
        decisions: dict[int, tuple[str, datetime.date]] = {}
        for case_id, outcome, day in (IdentificationDecision.objects.filter(case_id__in=chunk,
                                                                            status=DecisionStatus.APPROVED)
                                      .order_by("decision_date", "approved_at", "pk")
                                      .values_list("case_id", "outcome", "decision_date")):
            decisions[case_id] = (outcome, day)
        kinds = exploitation.types_of_cases(chunk)
        identified = [row["person_id"] for row in values if row["pk"] in options.identifiable_ids]
        persons = {person.pk: person for person in Person.objects.filter(pk__in=identified)} if identified else {}
        for row in values:
            yield _row(row, decisions.get(row["pk"]), kinds.get(row["pk"], []), persons.get(row["person_id"])
                       if row["pk"] in options.identifiable_ids else None, index, regimes)
        if progress:
            progress(len(chunk))


def _unit_keys(index, unit_id: int | None, *, coarse: bool) -> tuple[str, str]:
    info = index.get(unit_id)
    if info is None:
        return "", ""
    today_province = index.units.get(index.province.get(("2025", index.today_province.get(info.pk, "")), 0))
    if coarse:
        own_province = index.units.get(index.province.get((info.unit_set, info.province_code), 0))
        return (own_province.key if own_province else ""), (today_province.key if today_province else "")
    commune = index.units.get(index.today_commune.get(info.pk, 0))
    return info.key, (commune or today_province).key if (commune or today_province) else ""


def _row(row: dict, decision, kinds: list[str], person: Person | None, index, regimes) -> dict:
    received = timezone.localtime(row["intake__received_at"]) if row["intake__received_at"] else None
    age = (received.year - row["person__birth_year"]) if received and row["person__birth_year"] else None
    outcome, decided_on = decision if decision else (None, None)
    channel = row["intake__channel"] or ""
    coarse = person is None
    home = index.get(row["person__home_unit_id"])
    home_province = index.units.get(index.province.get(("2025", index.today_province.get(home.pk, "")), 0)) \
        if home else None
    unit_key, unit_today = _unit_keys(index, row["unit_id"], coarse=coarse)
    record = dict.fromkeys(FIELDS, "")
    record.update({
        "x_vn_record_id": row["code"] if person is not None else pseudonym("case", row["pk"]),
        "x_vn_person_id": pseudonym("person", row["person_id"]),
        "prs_Gender": GENDER.get(row["person__sex"], "NonSpecifiedUnknown"),
        "prs_Citizenship": row["person__nationality_id"] or "",
        "prs_MaritalStatus": MARITAL.get(row["person__marital_status"], ""),
        "prs_HighestLevelOfEducation": EDUCATION.get(row["person__education"], ""),
        "prs_MailingState": home_province.name if home_province else "",
        "prs_MailingCountry": "VN" if home else "",
        "vic_TraffickingStatus": trafficking_status(row["status"], outcome),
        "vic_TraffickingStatusDecisionMakingOrg": (DECISION_ORG.get(row["owner_agency__agency_type"],
                                                                    "NonPoliceGovernmentalOrganization")
                                                   if decision else ""),
        "vic_TypeOfExploitation": MULTI.join(sorted({exploitation.htcds_name(kind) for kind in kinds})),
        "cas_Status": case_status(row["status"], row["closed_reason"]),
        "cas_ReasonForCaseClosure": row["closed_reason"] or "",
        "cas_IncomingReferralDate": received.date().isoformat() if received and channel == IntakeChannel.REFERRED
        else "",
        "hte_Country": (row["intake__country_returned_from_id"] or "") if channel in FROM_ABROAD else "",
        "hte_Type": "Exploitation" if channel in FROM_ABROAD and row["intake__country_returned_from_id"] else "",
        "con_Consent": "true" if row["intake__consent_given"] else "false",
        "x_vn_intake_channel": channel,
        "x_vn_received": (received.date().isoformat() if person is not None else received.strftime("%Y-%m"))
        if received else "",
        "x_vn_case_status": row["status"],
        "x_vn_age_at_intake": "" if age is None else str(age),
        "x_vn_ethnicity": row["person__ethnicity"] or "",
        "x_vn_education": row["person__education"] or "",
        "x_vn_exploitation": MULTI.join(kinds),
        "x_vn_identification_outcome": outcome or "",
        "x_vn_decision_date": (decided_on.isoformat() if person is not None else decided_on.strftime("%Y-%m"))
        if decided_on else "",
        "x_vn_regime": _regime_on(regimes, received.date()) if received else "",
        "x_vn_unit": unit_key,
        "x_vn_unit_2025": unit_today,
        "x_vn_owner_agency": row["owner_agency__name"] or "",
    })
    if person is not None:
        given, middle, family = split_name(person.full_name)
        record.update({
            "prs_FirstName": given, "prs_MiddleName": middle, "prs_SecondName": family,
            "prs_Birthdate": person.birth_date.isoformat() if person.birth_date else "",
            "prs_IdentityNumber": person.citizen_id or person.old_id or person.passport or "",
            "prs_MobilePhone": person.phone or "", "prs_MailingStreet": person.home_address or "",
            "prs_MailingCity": home.name if home else "",
            "cas_ReferringOrganisation": row["intake__source_reference"] or "",
            "x_vn_birth_year": str(row["person__birth_year"] or ""),
        })
    return record


def write_json(records: Iterable[dict], *, pseudonymised: bool) -> bytes:
    document = {"standard": STANDARD, "credit": CREDIT, "pseudonymised": pseudonymised,
                "generated_at": timezone.now().isoformat(timespec="seconds"), "fields": FIELDS,
                "records": list(records)}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def write_csv(records: Iterable[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(records)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
