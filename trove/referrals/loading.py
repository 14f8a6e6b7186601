"""Load the referral rules from the versioned fixtures ``fixtures/referral_rules_v<N>.json``: consent bases, age
limits, follow-up intervals.

Rows are matched by natural key — consent basis (code, valid_from); age limit (group, valid_from); follow-up
interval (months, valid_from) — and only missing rows are created: a row an administrator edited in the admin (a
different grace period, say) stays as they left it, and no row is ever deleted. A later version adds a file
``referral_rules_v2.json`` and a migration that loads it.

The initial migrations call ``load_referral_rules`` with their historical models, so a new installation (and the
test database) has the rows without a separate command.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"

_TABLES = (
    # (fixture key, model name, natural key fields)
    ("consent_bases", "ConsentBasis", ("code", "valid_from")),
    ("age_limits", "AgeLimit", ("group", "valid_from")),
    ("followup_intervals", "FollowUpInterval", ("months", "valid_from")),
)
_DATES = ("valid_from", "valid_to")


def _row(values: dict) -> dict:
    return {key: datetime.date.fromisoformat(value) if key in _DATES and value else value
            for key, value in values.items()}


def load_referral_rules(version: int = 1, get_model=None) -> dict[str, int]:
    """Create the rows of fixture ``version`` that do not exist yet; returns how many of each were created."""
    if get_model is None:
        from django.apps import apps

        def get_model(name):
            return apps.get_model("referrals", name)

    data = json.loads((FIXTURES_DIR / f"referral_rules_v{version}.json").read_text(encoding="utf-8"))
    created = {}
    for key, model_name, natural_key in _TABLES:
        model = get_model(model_name)
        count = 0
        for values in data.get(key, []):
            row = _row(values)
            lookup = {name: row[name] for name in natural_key}
            if not model.objects.filter(**lookup).exists():
                model.objects.create(**row)
                count += 1
        created[model_name] = count
    return created
