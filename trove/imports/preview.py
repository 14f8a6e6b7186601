"""The preview of an import: a page of rows run through everything the import does, then rolled back.

Each row shows what would happen to it — created, linked to a person already in the registry, skipped or failed,
with the messages of the action that would write it — and the people it may be. A candidate's name is shown only to
a user who may already see who that person is through one of their records; others see only which agencies hold
the person, to ask them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trove.cases.models import Case
from trove.core import policy
from trove.imports.cleaning import as_text
from trove.imports.engine import Runner
from trove.people.models import MissingPerson, SuspectedVictim

PER_PAGE = 20


@dataclass
class PreviewRow:
    number: int
    outcome: str
    reasons: list[str]
    remarks: list[str]
    values: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)


def _candidates(user, found: list, show_identity: bool) -> dict[int, dict]:
    ids = {candidate.person_id for candidate in found}
    if not ids:
        return {}
    shown: dict[int, dict] = {pk: {"known": False, "records": [], "agencies": set()} for pk in ids}
    for model in (Case, SuspectedVictim, MissingPerson):
        records = list(model.objects.filter(person_id__in=ids).select_related("owner_agency"))
        visible = set(policy.visible(user, model.objects.filter(pk__in=[r.pk for r in records]), "case.view_identity")
                      .values_list("pk", flat=True))
        for record in records:
            entry = shown[record.person_id]
            if record.pk in visible:
                entry["known"] = True
                entry["records"].append(record)
            else:
                entry["agencies"].add(record.owner_agency.name)
    return shown


def page(batch, user, number: int, *, show_identity: bool) -> tuple[list[PreviewRow], bool]:
    """The rows of page ``number`` and whether another page follows."""
    runner = Runner(batch, user)
    first = (batch.first_data_row or 1) + (number - 1) * PER_PAGE
    rows = list(runner.source_rows(start=first, stop=first + PER_PAGE))
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    if not rows:
        return [], False
    results = [result for result in runner.run_batch(rows, token=None) if result.outcome != "blank"]
    known = _candidates(user, [c for result in results for c in result.candidates], show_identity)
    labels = {name: runner.reader.label(name) for name in runner.reader.mapping}
    shown = []
    for result in results:
        values = []
        if show_identity:
            cells = result.row.cells
            values = [(labels[name], as_text(cells[column]) if column < len(cells) else "")
                      for name, column in sorted(runner.reader.mapping.items(), key=lambda item: item[1])]
        candidates = []
        for candidate in result.candidates:
            facts = known.get(candidate.person_id, {"known": False, "records": [], "agencies": set()})
            candidates.append({
                "person_id": candidate.person_id, "score": round(candidate.score, 1), "likely": candidate.likely,
                "reasons": candidate.reasons,
                "name": candidate.person.full_name if show_identity and facts["known"] else "",
                "records": facts["records"], "agencies": sorted(facts["agencies"]),
            })
        shown.append(PreviewRow(result.number, result.outcome, result.reasons, result.remarks, values, candidates))
    return shown, more
