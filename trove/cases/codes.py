"""Case codes and pseudonyms: labels for a case that say nothing about the person."""

from __future__ import annotations

import secrets

from trove.cases.models import CaseCounter
from trove.geo.models import AdminUnit
from trove.geo.search import normalise

# Names of flowers, rivers and birds: easy to say on the phone, impossible to trace to a person.
PSEUDONYM_WORDS = (
    "Sen", "Mai", "Lan", "Cúc", "Đào", "Huệ", "Quỳnh", "Trúc", "Tùng", "Bách", "Hồng", "Thủy", "Ngân", "Hương",
    "Lam", "Sông", "Suối", "Mây", "Sao", "Trăng", "Én", "Sáo", "Cò", "Vạc", "Khuyên", "Họa Mi", "Sơn Ca", "Hải Âu",
)


# A province's initials, read once per process: they do not change (and the codes given keep them anyway).
_PROVINCE_INITIALS: dict[tuple[str, str], str] = {}


def code_prefix(unit: AdminUnit) -> str:
    """The initials of the province the case belongs to: Đồng Tháp -> DT."""
    key = (unit.unit_set, unit.province_code)
    if key not in _PROVINCE_INITIALS:
        province = AdminUnit.objects.filter(unit_set=unit.unit_set, code=unit.province_code).first()
        if province is None:
            return _initials(unit)
        _PROVINCE_INITIALS[key] = _initials(province)
    return _PROVINCE_INITIALS[key]


def _initials(unit: AdminUnit) -> str:
    words = normalise(unit.short_name).split()
    return "".join(word[0] for word in words).upper()[:6] or "VN"


def next_case_code(unit: AdminUnit, year: int) -> str:
    """Allocate the next number of the series; call inside the transaction that saves the case."""
    prefix = code_prefix(unit)
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:05d}"


def new_pseudonym() -> str:
    return f"{secrets.choice(PSEUDONYM_WORDS)} {secrets.randbelow(900) + 100}"
