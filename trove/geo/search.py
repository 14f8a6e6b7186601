"""Name search over administrative units, with or without Vietnamese diacritics.

Every unit stores ``search_text`` (its name and the names above it) and ``search_name`` (its short name), both in the
form ``normalise`` gives: lower case, no diacritics, đ written d. A query is normalised the same way and every one of
its words must begin a word of ``search_text``, so "tan ho co" and "Tân Hộ Cơ" find the same communes. Plain
``startswith``/``contains`` look-ups keep it working on SQLite and PostgreSQL alike; at ~14,000 rows a scan takes
milliseconds.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.db.models import Case, IntegerField, Q, Value, When

from trove.geo.models import AdminUnit, UnitLevel

# Longer input is cut: no place name comes close, and it keeps a pasted page from turning into a slow query.
MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8

_LEVEL_ORDER = Case(
    When(level=UnitLevel.PROVINCE, then=Value(0)),
    When(level=UnitLevel.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def normalise(text: str) -> str:
    """Lower case, without diacritics (đ/Đ -> d), with runs of white space made one space: "Xã  Tân Hộ Cơ" ->
    "xa tan ho co"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


def search_units(
    query: str,
    *,
    unit_set: str | None = None,
    level: str | None = None,
    on: datetime.date | None = None,
    limit: int = 20,
) -> list[AdminUnit]:
    """Units whose names (their own or those above them) hold every word of ``query``, best matches first.

    A unit whose own short name equals the query comes first, then one whose short or full name starts with it, then
    one whose own name holds every word, then those that match only through the names above them. Within each group
    provinces come before districts before communes, and 2025 units before legacy ones. The units come with
    ``parent`` and ``parent.parent`` loaded, so ``full_name`` costs no further query.
    """
    wanted = normalise((query or "")[:MAX_QUERY_LENGTH])
    words = wanted.split()[:MAX_QUERY_WORDS]
    if not words:
        return []
    wanted = " ".join(words)

    units = AdminUnit.objects.all()
    # A word matches at the start of a word of the names, so "ho" finds "Hộ Cơ" but not "Thọ".
    for word in words:
        units = units.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}"))
    if unit_set:
        units = units.filter(unit_set=unit_set)
    if level:
        units = units.filter(level=level)
    if on is not None:
        units = units.valid_on(on)

    own_name_has_every_word = Q()
    for word in words:
        own_name_has_every_word &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
    rank = Case(
        When(search_name=wanted, then=Value(0)),
        When(Q(search_name__startswith=wanted) | Q(search_text__startswith=wanted), then=Value(1)),
        When(own_name_has_every_word, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    # "2025" sorts before "legacy", so ascending unit_set puts current units first.
    units = units.annotate(match_rank=rank, level_rank=_LEVEL_ORDER).order_by(
        "match_rank", "level_rank", "unit_set", "search_name", "code"
    )
    return list(units.select_related("parent__parent")[:limit])
