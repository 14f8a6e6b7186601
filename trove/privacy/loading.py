"""Reference data of the privacy app: the time limits for answering data subjects' requests, with their citations
(shared/domain/law.md, "Personal data"). Loaded by ``manage.py load_reference_data``; safe to run again.

Decree 13/2023 (in force until 2025-12-31) has no limit confirmed in the project's sources, so no row is loaded for
it: a request received before 2026-01-01 is refused with a message asking an administrator to add the rule.
"""

from __future__ import annotations

import datetime

from trove.privacy.models import RequestKind, ResponseRule

CITATION = ("Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; Nghị định 356/2025/NĐ-CP: yêu cầu của chủ thể dữ liệu "
            "được đáp ứng trong 2 ngày làm việc")

RESPONSE_RULES = [
    # kind, working days, valid from, valid to, citation
    (RequestKind.ACCESS, 2, datetime.date(2026, 1, 1), None, CITATION),
    (RequestKind.ERASURE, 2, datetime.date(2026, 1, 1), None, CITATION),
]


def load_response_rules() -> dict[str, int]:
    created = updated = 0
    for kind, days, valid_from, valid_to, citation in RESPONSE_RULES:
        _rule, was_created = ResponseRule.objects.update_or_create(
            kind=kind, valid_from=valid_from,
            defaults={"working_days": days, "valid_to": valid_to, "citation": citation})
        created += was_created
        updated += not was_created
    return {"created": created, "checked": updated}
