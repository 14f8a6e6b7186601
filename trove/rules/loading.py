"""Load the rules from the versioned fixtures in ``fixtures/``: ``regimes_v<N>.json`` (legal texts, regimes, procedure
steps by intake channel, identification grounds), ``holidays_v<N>.json`` (public holidays and working weekend days) and
``entitlements_v<N>.json`` (support types, entitlements by regime and beneficiary group, rates).

Rows are matched by natural key — legal text number; regime code; step (regime, channel, code); ground (regime, code);
holiday and working-day date — so the first run creates everything and a second run changes nothing. Rows are never
deleted: cases will point at steps and grounds.

An administrator may edit any rule in the admin, above all the time limits the law leaves unset. Reloading must not
undo that, so the loader changes a field only while it still holds a value that some fixture version shipped for that
row; a value no fixture ever shipped is an administrator's, and it stays (the report counts it as "kept"). So:

- a limit that shipped unset (NULL) and that an administrator set to 5 days stays 5 days, even when a later fixture
  version ships a number of its own — the administrator reviews it (the report says how many fields were kept);
- a limit still equal to what version 1 shipped follows version 2 when version 2 changes it.

To change a rule for every installation, add ``regimes_v2.json`` (a full copy of v1 with the change) and keep v1: the
older versions are what tells the loader which values are the fixtures' own.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from trove.rules.models import (
    Entitlement,
    Holiday,
    IdentificationGround,
    LegalText,
    ProcedureStep,
    Rate,
    Regime,
    SupportType,
    WorkdayOverride,
)

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
_MISSING = object()

LEGAL_TEXT_FIELDS = ["kind", "title_vi", "title_en", "issued_on", "effective_from", "effective_to", "notes"]
REGIME_FIELDS = ["name_vi", "name_en", "valid_from", "valid_to", "citation", "notes"]
STEP_FIELDS = [
    "procedure", "order", "name_vi", "name_en", "responsible_agency_type", "partner_agency_types", "limit_days",
    "limit_kind", "limit_confirmed", "condition_vi", "condition_en", "documents_vi", "documents_en", "ends_when_vi",
    "ends_when_en", "citation", "notes", "valid_from", "valid_to",
]
GROUND_FIELDS = ["order", "group", "text_vi", "text_en", "citation", "notes", "valid_from", "valid_to"]
HOLIDAY_FIELDS = ["name_vi", "name_en", "kind", "citation", "notes"]
OVERRIDE_FIELDS = ["name_vi", "name_en", "citation", "notes"]
SUPPORT_TYPE_FIELDS = ["letter", "order", "name_vi", "name_en", "citation", "notes"]
ENTITLEMENT_FIELDS = [
    "name_vi", "name_en", "max_days", "extendable", "extension_citation", "once_only", "requires_poor_household",
    "application_window_months", "forward_limit_days", "forward_limit_kind", "max_age", "in_kind_items", "citation",
    "notes", "valid_from", "valid_to",
]
RATE_FIELDS = [
    "support_type", "name_vi", "name_en", "amount", "unit", "is_minimum", "amount_confirmed", "max_days", "citation",
    "notes", "valid_from", "valid_to",
]
DATE_FIELDS = {"issued_on", "effective_from", "effective_to", "valid_from", "valid_to", "date"}
NULLABLE_FIELDS = DATE_FIELDS | {"limit_days", "max_days", "application_window_months", "forward_limit_days", "max_age",
                                 "amount"}
DEFAULTS: dict[str, Any] = {
    "partner_agency_types": [], "documents_vi": [], "documents_en": [], "limit_confirmed": False,
    "limit_kind": "calendar", "extendable": False, "once_only": False, "requires_poor_household": False,
    "forward_limit_kind": "working", "in_kind_items": [], "is_minimum": False, "amount_confirmed": False,
}


@dataclass
class LoadReport:
    """What the loader did, by kind of row. ``kept`` counts fields left as an administrator set them."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, kind: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0, "kept": 0})[what] += n

    def __str__(self) -> str:
        return "; ".join(
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['kept']} administrator edits kept" if c["kept"] else "")
            for kind, c in self.counts.items()
        )


def _read_versions(directory: Path, stem: str) -> list[dict]:
    """Every ``<stem>_v<N>.json`` in ``directory``, oldest first."""
    files = []
    for path in directory.glob(f"{stem}_v*.json"):
        match = re.fullmatch(rf"{re.escape(stem)}_v(\d+)\.json", path.name)
        if match:
            files.append((int(match.group(1)), path))
    if not files:
        raise FileNotFoundError(f"No {stem}_v<N>.json fixture in {directory}.")
    return [json.loads(path.read_text(encoding="utf-8")) for _, path in sorted(files)]


def _typed(row: dict, fields: list[str]) -> dict[str, Any]:
    """The fixture row's values in the types the model fields hold; a missing value takes the field's default."""
    values = {}
    for name in fields:
        value = row.get(name)
        if value is None and name not in NULLABLE_FIELDS:
            value = DEFAULTS.get(name, "")
        elif name in DATE_FIELDS and value is not None:
            value = datetime.date.fromisoformat(value)
        values[name] = value
    return values


def _legal_texts(doc: dict) -> dict[Hashable, dict]:
    return {row["code"]: _typed(row, LEGAL_TEXT_FIELDS) for row in doc["legal_texts"]}


def _regimes(doc: dict) -> dict[Hashable, dict]:
    return {
        row["code"]: {**_typed(row, REGIME_FIELDS), "legal_texts": tuple(sorted(row.get("legal_texts", [])))}
        for row in doc["regimes"]
    }


def _steps(doc: dict) -> dict[Hashable, dict]:
    """One row per (regime, channel, step): a procedure's steps are repeated for each channel it serves."""
    rows = {}
    for procedure in doc["procedures"]:
        for channel in procedure["channels"]:
            for order, step in enumerate(procedure["steps"], start=1):
                values = _typed({**step, "procedure": procedure["procedure"], "order": order}, STEP_FIELDS)
                values["starts_after"] = step.get("starts_after")
                rows[(procedure["regime"], channel, step["code"])] = values
    return rows


def _grounds(doc: dict) -> dict[Hashable, dict]:
    return {
        (regime, row["code"]): _typed({**row, "order": order}, GROUND_FIELDS)
        for regime, rows in doc["grounds"].items()
        for order, row in enumerate(rows, start=1)
    }


def _holidays(doc: dict) -> dict[Hashable, dict]:
    return {datetime.date.fromisoformat(row["date"]): _typed(row, HOLIDAY_FIELDS) for row in doc["holidays"]}


def _overrides(doc: dict) -> dict[Hashable, dict]:
    return {
        datetime.date.fromisoformat(row["date"]): _typed(row, OVERRIDE_FIELDS) for row in doc["workday_overrides"]
    }


def _merge(current: dict, latest: dict, shipped: list[dict]) -> tuple[dict, int]:
    """The fields to write, and how many fields were kept because an administrator changed them."""
    changes, kept = {}, 0
    for name, value in latest.items():
        have = current[name]
        if have == value:
            continue
        if any(version.get(name, _MISSING) == have for version in shipped):
            changes[name] = value
        else:
            kept += 1
    return changes, kept


def _sync(
    kind: str,
    report: LoadReport,
    versions: list[dict[Hashable, dict]],
    existing: dict[Hashable, tuple[Any, dict]],
    create: Callable[[Hashable, dict], None],
    update: Callable[[Any, dict], None],
) -> None:
    latest = versions[-1]
    for key, values in latest.items():
        if key not in existing:
            create(key, values)
            report.count(kind, "created")
            continue
        obj, current = existing[key]
        shipped = [version[key] for version in versions if key in version]
        changes, kept = _merge(current, values, shipped)
        if changes:
            update(obj, changes)
            report.count(kind, "updated")
        else:
            report.count(kind, "unchanged")
        report.count(kind, "kept", kept)


def _save(obj: Any, changes: dict) -> None:
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(changes))


def _load_legal_texts(report: LoadReport, versions: list[dict]) -> None:
    existing = {text.code: (text, {name: getattr(text, name) for name in LEGAL_TEXT_FIELDS})
                for text in LegalText.objects.all()}
    _sync("legal texts", report, [_legal_texts(doc) for doc in versions], existing,
          lambda code, values: LegalText.objects.create(code=code, **values), _save)


def _load_regimes(report: LoadReport, versions: list[dict]) -> None:
    texts = {text.code: text for text in LegalText.objects.all()}
    existing = {}
    for regime in Regime.objects.prefetch_related("legal_texts"):
        current = {name: getattr(regime, name) for name in REGIME_FIELDS}
        current["legal_texts"] = tuple(sorted(text.code for text in regime.legal_texts.all()))
        existing[regime.code] = (regime, current)

    def create(code: Hashable, values: dict) -> None:
        values = dict(values)
        codes = values.pop("legal_texts")
        regime = Regime.objects.create(code=code, **values)
        regime.legal_texts.set([texts[c] for c in codes])

    def update(regime: Regime, changes: dict) -> None:
        changes = dict(changes)
        codes = changes.pop("legal_texts", None)
        if changes:
            _save(regime, changes)
        if codes is not None:
            regime.legal_texts.set([texts[c] for c in codes])

    _sync("regimes", report, [_regimes(doc) for doc in versions], existing, create, update)


def _load_steps(report: LoadReport, versions: list[dict]) -> None:
    regimes = {regime.code: regime for regime in Regime.objects.all()}

    def key(step: ProcedureStep) -> tuple:
        return (step.regime.code, step.channel, step.code)

    def existing() -> dict:
        rows = {}
        for step in ProcedureStep.objects.select_related("regime", "starts_after"):
            current = {name: getattr(step, name) for name in STEP_FIELDS}
            current["starts_after"] = step.starts_after.code if step.starts_after else None
            rows[key(step)] = (step, current)
        return rows

    step_versions = [_steps(doc) for doc in versions]
    # First every field but the link to the previous step, then the links, which need every step to exist.
    without_link = [{k: {n: v for n, v in values.items() if n != "starts_after"} for k, values in version.items()}
                    for version in step_versions]

    created: set[Hashable] = set()

    def create(natural_key: Hashable, values: dict) -> None:
        regime_code, channel, code = natural_key
        ProcedureStep.objects.create(regime=regimes[regime_code], channel=channel, code=code, **values)
        created.add(natural_key)

    _sync("procedure steps", report, without_link, existing(), create, _save)

    # The same rule for the link: follow the fixture while the link is one some version shipped.
    rows = existing()
    by_key = {k: step for k, (step, _) in rows.items()}
    for natural_key, values in step_versions[-1].items():
        step, current = rows[natural_key]
        wanted = values["starts_after"]
        if current["starts_after"] == wanted:
            continue
        if natural_key in created or any(version[natural_key]["starts_after"] == current["starts_after"]
                                         for version in step_versions if natural_key in version):
            step.starts_after = by_key[(step.regime.code, step.channel, wanted)] if wanted else None
            step.save(update_fields=["starts_after"])
        else:
            report.count("procedure steps", "kept")


def _load_grounds(report: LoadReport, versions: list[dict]) -> None:
    regimes = {regime.code: regime for regime in Regime.objects.all()}
    existing = {
        (ground.regime.code, ground.code): (ground, {name: getattr(ground, name) for name in GROUND_FIELDS})
        for ground in IdentificationGround.objects.select_related("regime")
    }

    def create(natural_key: Hashable, values: dict) -> None:
        regime_code, code = natural_key
        IdentificationGround.objects.create(regime=regimes[regime_code], code=code, **values)

    _sync("identification grounds", report, [_grounds(doc) for doc in versions], existing, create, _save)


def _load_calendar(report: LoadReport, versions: list[dict]) -> None:
    holidays = {day.date: (day, {name: getattr(day, name) for name in HOLIDAY_FIELDS}) for day in Holiday.objects.all()}
    _sync("holidays", report, [_holidays(doc) for doc in versions], holidays,
          lambda date, values: Holiday.objects.create(date=date, **values), _save)
    overrides = {day.date: (day, {name: getattr(day, name) for name in OVERRIDE_FIELDS})
                 for day in WorkdayOverride.objects.all()}
    _sync("working weekend days", report, [_overrides(doc) for doc in versions], overrides,
          lambda date, values: WorkdayOverride.objects.create(date=date, **values), _save)


def _support_types(doc: dict) -> dict[Hashable, dict]:
    return {row["code"]: _typed(row, SUPPORT_TYPE_FIELDS) for row in doc["support_types"]}


def _entitlements(doc: dict) -> dict[Hashable, dict]:
    """One row per (regime, group, support type): a fixture row lists the groups that share the same wording."""
    return {
        (row["regime"], group, row["support_type"]): _typed(row, ENTITLEMENT_FIELDS)
        for row in doc["entitlements"]
        for group in row["groups"]
    }


def _rates(doc: dict) -> dict[Hashable, dict]:
    return {(row["regime"], row["code"]): _typed(row, RATE_FIELDS) for row in doc["rates"]}


def _load_support(report: LoadReport, versions: list[dict]) -> None:
    existing_types = {t.code: (t, {name: getattr(t, name) for name in SUPPORT_TYPE_FIELDS})
                      for t in SupportType.objects.all()}
    _sync("support types", report, [_support_types(doc) for doc in versions], existing_types,
          lambda code, values: SupportType.objects.create(code=code, **values), _save)
    regimes = {regime.code: regime for regime in Regime.objects.all()}
    types = {t.code: t for t in SupportType.objects.all()}

    existing = {
        (row.regime.code, row.group, row.support_type.code): (row, {name: getattr(row, name)
                                                                    for name in ENTITLEMENT_FIELDS})
        for row in Entitlement.objects.select_related("regime", "support_type")
    }

    def create(natural_key: Hashable, values: dict) -> None:
        regime_code, group, type_code = natural_key
        Entitlement.objects.create(regime=regimes[regime_code], group=group, support_type=types[type_code], **values)

    _sync("entitlements", report, [_entitlements(doc) for doc in versions], existing, create, _save)

    # A rate's support type is compared by code, like the other fields, and written as the row it names.
    rates = {}
    for rate in Rate.objects.select_related("regime", "support_type"):
        current = {name: getattr(rate, name) for name in RATE_FIELDS}
        current["support_type"] = rate.support_type.code
        rates[(rate.regime.code, rate.code)] = (rate, current)

    def create_rate(natural_key: Hashable, values: dict) -> None:
        regime_code, code = natural_key
        values = {**values, "support_type": types[values["support_type"]]}
        Rate.objects.create(regime=regimes[regime_code], code=code, **values)

    def update_rate(rate: Rate, changes: dict) -> None:
        if "support_type" in changes:
            changes = {**changes, "support_type": types[changes["support_type"]]}
        _save(rate, changes)

    _sync("rates", report, [_rates(doc) for doc in versions], rates, create_rate, update_rate)


def load_rules(fixtures_dir: Path | None = None) -> LoadReport:
    """Load every rule fixture (see the module docstring); safe to run again."""
    directory = fixtures_dir or FIXTURES_DIR
    regime_versions = _read_versions(directory, "regimes")
    holiday_versions = _read_versions(directory, "holidays")
    entitlement_versions = _read_versions(directory, "entitlements")
    report = LoadReport()
    with transaction.atomic():
        _load_legal_texts(report, regime_versions)
        _load_regimes(report, regime_versions)
        _load_steps(report, regime_versions)
        _load_grounds(report, regime_versions)
        _load_calendar(report, holiday_versions)
        _load_support(report, entitlement_versions)
    return report
