"""Load the intel app's reference data from the versioned fixture ``fixtures/intel_v<N>.json``: the time limits for
tips and the Penal Code articles a proceeding charges.

A row is matched by its code; a missing row is created, an existing one is left as it is, so that what an
administrator set (the number of days the province applies, say) survives a reload. The initial data migration
runs the same function, so a new installation has the defaults; ``manage.py load_intel_rules`` runs it again after
a new fixture version adds rows.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
DATE_FIELDS = {"valid_from", "valid_to"}


def latest_fixture(directory: Path = FIXTURES_DIR) -> dict:
    versions = []
    for path in directory.glob("intel_v*.json"):
        match = re.fullmatch(r"intel_v(\d+)\.json", path.name)
        if match:
            versions.append((int(match.group(1)), path))
    if not versions:
        raise FileNotFoundError(f"No intel_v<N>.json fixture in {directory}.")
    return json.loads(max(versions)[1].read_text(encoding="utf-8"))


def _typed(row: dict) -> dict:
    return {name: (datetime.date.fromisoformat(value) if name in DATE_FIELDS and value else value)
            for name, value in row.items() if name != "code"}


def load_intel_rules(time_limit_model=None, article_model=None) -> str:
    """Create the fixture's rows that do not exist yet; returns what was done. The models may be the historical
    ones of a migration."""
    if time_limit_model is None or article_model is None:
        from trove.intel.models import PenalArticle, TipTimeLimit

        time_limit_model, article_model = TipTimeLimit, PenalArticle
    doc = latest_fixture()
    report = []
    for model, rows in ((time_limit_model, doc["tip_time_limits"]), (article_model, doc["penal_articles"])):
        created = 0
        for row in rows:
            _obj, made = model.objects.get_or_create(code=row["code"], defaults=_typed(row))
            created += made
        report.append(f"{model.__name__}: {created} created, {len(rows) - created} kept")
    return "; ".join(report)
