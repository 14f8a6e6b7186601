"""Scoring a pair of persons: how much the evidence says they are one person, and why.

The score is a sum of weights in the manner of Fellegi and Sunter: each kind of agreement or disagreement adds
roughly log2(P(seen | same person) / P(seen | different persons)), set by hand from what officers' records look like
and checked on the labelled set (trove/people/tests/data/). Pairs scoring ``MATCH_THRESHOLD`` or more are judged to
be the same person; from ``CANDIDATE_THRESHOLD`` a pair is shown to an officer as a possible match.

Two rules keep siblings and twins apart even though they share parents, family name, commune and, for twins, the
birth date: a different given name outweighs all of that, and evidence that siblings share (parents, home, family
name) is not counted for a pair whose given names differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from trove.people.matching.names import (
    FEMALE_MARKERS,
    GIVEN_ACCENT,
    GIVEN_DIFFERENT,
    GIVEN_NEAR,
    GIVEN_SAME,
    GIVEN_SAME_FOLDED,
    GIVEN_SPELLING,
    GIVEN_TYPO,
    MALE_MARKERS,
    ParsedName,
    best_given,
    family_share,
    skeleton,
    within_one_edit,
)
from trove.people.matching.profile import ID_PARTS, Place, Profile, thirds

# Reasons: lazy translations made once, not at each of the millions of pairs an import scores.
WHY_DIFFERENT_FAMILY_NAME = _("different family name")
WHY_NAME_WRITTEN_IN_ANOTHER_ORDER = _("name written in another order")
WHY_DIFFERENT_MIDDLE_NAME = _("different middle name")
WHY_THI_IN_ONE_NAME_VAN_IN_THE_OTHER = _("Thị in one name, Văn in the other")
WHY_SAME_CITIZEN_ID = _("same citizen ID")
WHY_CITIZEN_ID_DIFFERS_BY_ONE_DIGIT = _("citizen ID differs by one digit")
WHY_DIFFERENT_CITIZEN_ID = _("different citizen ID")
WHY_SAME_OLD_ID_CARD_NUMBER = _("same old ID card number")
WHY_OLD_ID_CARD_NUMBER_DIFFERS_BY_ONE_DIGIT = _("old ID card number differs by one digit")
WHY_DIFFERENT_OLD_ID_CARD_NUMBER = _("different old ID card number")
WHY_SAME_PASSPORT_NUMBER = _("same passport number")
WHY_SAME_ID_NUMBER = _("same ID number")
WHY_SAME_PHONE_NUMBER = _("same phone number")
WHY_SAME_DAY_AND_MONTH_YEAR_PM1 = _("same day and month of birth, birth year ±1")
WHY_DIFFERENT_DATE_OF_BIRTH = _("different date of birth")
WHY_BIRTH_YEAR_PM1 = _("birth year ±1")
WHY_BIRTH_YEARS_FAR_APART = _("birth years far apart")
WHY_SAME_DATE_OF_BIRTH = _("same date of birth")
WHY_DAY_AND_MONTH_OF_BIRTH_SWAPPED = _("day and month of birth swapped")
WHY_SAME_BIRTH_YEAR_DATE_DIFFERS_BY_ONE_PART = _("same birth year, date differs by one part")
WHY_DIFFERENT_DATE_OF_BIRTH_IN_THE_SAME_YEAR = _("different date of birth in the same year")
WHY_SAME_MONTH_AND_YEAR_OF_BIRTH = _("same month and year of birth")
WHY_SAME_BIRTH_YEAR_DIFFERENT_MONTH = _("same birth year, different month")
WHY_SAME_BIRTH_YEAR = _("same birth year")
WHY_SAME_HOME_COMMUNE_AFTER_THE_2025_MAPPING = _("same home commune after the 2025 mapping")
WHY_SAME_HOME_COMMUNE = _("same home commune")
WHY_OTHER_COMMUNE_SAME_PROVINCE = _("different home commune in the same province")
WHY_SAME_HOME_PROVINCE = _("same home province")
WHY_DIFFERENT_HOME_PROVINCE = _("different home province")
WHY_DIFFERENT_SEX = _("different sex")

MATCH_THRESHOLD = 12.0
CANDIDATE_THRESHOLD = 5.0
# Scores are rounded to 0.1: a ceiling this far under a threshold cannot round up to it.
CEILING_MARGIN = 0.1

GIVEN_WEIGHTS = {
    GIVEN_SAME: (6.0, _("same name")),
    GIVEN_SAME_FOLDED: (5.5, _("same name without diacritics")),
    GIVEN_SPELLING: (4.5, _("same given name spelt another way")),
    GIVEN_ACCENT: (2.0, _("same name with different diacritics")),
    GIVEN_TYPO: (2.5, _("given name differs by one letter")),
    GIVEN_NEAR: (0.0, _("similar given name")),
    GIVEN_DIFFERENT: (-20.0, _("different given name")),
}


def _name_score(a: ParsedName, b: ParsedName, lenient: bool = False) -> tuple[float, list, str]:
    """Points for two names, the reasons, and the agreement level of the given names."""
    level, given_a, given_b = best_given(a, b, lenient)
    points, reason = GIVEN_WEIGHTS[level]
    reasons = [reason]
    if a.family and b.family:
        if a.family == b.family:
            # Siblings share the family name too: it counts only when the given names agree.
            if level != GIVEN_DIFFERENT:
                points += min(6.0, math.log2(0.95 / family_share(a.family)))
        elif not within_one_edit(a.family, b.family):
            points -= 5.0
            reasons.append(WHY_DIFFERENT_FAMILY_NAME)
        if a.family_first != b.family_first and level != GIVEN_DIFFERENT:
            reasons.append(WHY_NAME_WRITTEN_IN_ANOTHER_ORDER)
    middle_a = set(a.personal) - {given_a}
    middle_b = set(b.personal) - {given_b}
    if middle_a and middle_b:
        if any(skeleton(x) == skeleton(y) for x in middle_a for y in middle_b):
            points += 1.5
        else:
            points -= 4.0
            reasons.append(WHY_DIFFERENT_MIDDLE_NAME)
    if (a.markers & FEMALE_MARKERS and b.markers & MALE_MARKERS) or (a.markers & MALE_MARKERS and
                                                                      b.markers & FEMALE_MARKERS):
        points -= 4.0
        reasons.append(WHY_THI_IN_ONE_NAME_VAN_IN_THE_OTHER)
    return points, reasons, level


ID_WEIGHTS = {
    # kind: (same, one digit off, different, reason same, reason one off, reason different)
    "cccd": (15.0, 5.0, -10.0, WHY_SAME_CITIZEN_ID, WHY_CITIZEN_ID_DIFFERS_BY_ONE_DIGIT, WHY_DIFFERENT_CITIZEN_ID),
    "cmnd": (12.0, 4.0, -6.0, WHY_SAME_OLD_ID_CARD_NUMBER, WHY_OLD_ID_CARD_NUMBER_DIFFERS_BY_ONE_DIGIT,
             WHY_DIFFERENT_OLD_ID_CARD_NUMBER),
    "passport": (12.0, 3.0, -2.0, WHY_SAME_PASSPORT_NUMBER, None, None),
    "other_id": (10.0, 2.0, -2.0, WHY_SAME_ID_NUMBER, None, None),
    "phone": (4.0, 0.0, 0.0, WHY_SAME_PHONE_NUMBER, None, None),
}


def _ids_score(a: Profile, b: Profile) -> tuple[float, list, bool]:
    points, reasons, same_document = 0.0, [], False
    if not a.ids or not b.ids:
        return points, reasons, same_document
    weights = ID_WEIGHTS
    for kind, (same, one_off, different, why_same, why_one_off, why_different) in weights.items():
        x, y = a.ids.get(kind), b.ids.get(kind)
        if not x or not y:
            continue
        if x == y:
            points += same
            reasons.append(why_same)
            same_document = same_document or kind != "phone"
        elif len(x) == len(y) and within_one_edit(x, y):
            points += one_off
            if why_one_off is not None:
                reasons.append(why_one_off)
        else:
            points += different
            if why_different is not None:
                reasons.append(why_different)
    return points, reasons, same_document


# The ways two births compare (``_birth_case``), with their points and reason.
BIRTHS = (
    (0.0, None),  # a birth year missing
    (3.0, WHY_SAME_DAY_AND_MONTH_YEAR_PM1),
    (-3.0, WHY_DIFFERENT_DATE_OF_BIRTH),
    (-1.0, WHY_BIRTH_YEAR_PM1),
    (-7.0, WHY_BIRTH_YEARS_FAR_APART),
    (4.0, WHY_SAME_DATE_OF_BIRTH),  # 1 January, what many offices write when only the year is known
    (8.0, WHY_SAME_DATE_OF_BIRTH),
    (3.0, WHY_DAY_AND_MONTH_OF_BIRTH_SWAPPED),
    (1.0, WHY_SAME_BIRTH_YEAR_DATE_DIFFERS_BY_ONE_PART),
    (-3.0, WHY_DIFFERENT_DATE_OF_BIRTH_IN_THE_SAME_YEAR),
    (5.0, WHY_SAME_MONTH_AND_YEAR_OF_BIRTH),
    (-1.0, WHY_SAME_BIRTH_YEAR_DIFFERENT_MONTH),
    (4.0, WHY_SAME_BIRTH_YEAR),
)
BIRTH_POINTS = tuple(points for points, _why in BIRTHS)


def _birth_case(a: Profile, b: Profile) -> int:
    """How the births of ``a`` and ``b`` compare: a position in ``BIRTHS``."""
    if a.year is None or b.year is None:
        return 0
    gap = abs(a.year - b.year)
    if gap == 1:
        if a.day is not None and b.day is not None:
            if (a.month, a.day) == (b.month, b.day) and (a.month, a.day) != (1, 1):
                return 1
            return 2
        return 3
    if gap > 1:
        return 4
    if a.day is not None and b.day is not None:
        if (a.month, a.day) == (b.month, b.day):
            return 5 if (a.month, a.day) == (1, 1) else 6
        if (a.month, a.day) == (b.day, b.month):
            return 7
        if a.month == b.month or a.day == b.day:
            return 8
        return 9
    if a.month is not None and b.month is not None:
        return 10 if a.month == b.month else 11
    return 12


def _birth_score(a: Profile, b: Profile) -> tuple[float, list]:
    points, why = BIRTHS[_birth_case(a, b)]
    return points, [] if why is None else [why]


def _place_score(a: Profile, b: Profile) -> tuple[float, list]:
    return _places_score(a.place, b.place)


def _place_points(pa: Place, pb: Place) -> float:
    if not pa.provinces or not pb.provinces:
        return 0.0
    if not pa.communes.isdisjoint(pb.communes):
        return 5.0
    if not pa.provinces.isdisjoint(pb.provinces):
        return -2.0 if pa.communes and pb.communes else 1.0
    return -3.0


def _places_score(pa: Place, pb: Place) -> tuple[float, list]:
    points = _place_points(pa, pb)
    if points == 5.0:
        return points, [WHY_SAME_HOME_COMMUNE if pa.key == pb.key else WHY_SAME_HOME_COMMUNE_AFTER_THE_2025_MAPPING]
    return points, list(PLACE_REASONS[points])


PLACE_REASONS = {0.0: [], -2.0: [WHY_OTHER_COMMUNE_SAME_PROVINCE], 1.0: [WHY_SAME_HOME_PROVINCE],
                 -3.0: [WHY_DIFFERENT_HOME_PROVINCE]}


def _parent_score(a_variants: tuple[ParsedName, ...], b_variants: tuple[ParsedName, ...], same: float,
                  similar: float, different: float, reasons: tuple) -> tuple[float, list]:
    if a_variants[0].empty or b_variants[0].empty:
        return 0.0, []
    return max((_one_parent(a, b, same, similar, different, reasons) for a in a_variants for b in b_variants),
               key=lambda scored: scored[0])


def _one_parent(a: ParsedName, b: ParsedName, same: float, similar: float, different: float,
                reasons: tuple) -> tuple[float, list]:
    level, _given_a, _given_b = best_given(a, b)
    if level == GIVEN_NEAR:
        return 0.0, []
    family_differs = bool(a.family and b.family and a.family != b.family and not within_one_edit(a.family, b.family))
    if level == GIVEN_DIFFERENT or family_differs:
        return different, [reasons[2]]
    if level in (GIVEN_SAME, GIVEN_SAME_FOLDED):
        return same, [reasons[0]]
    return similar, [reasons[1]]


FATHER_REASONS = (_("same father's name"), _("similar father's name"), _("different father's name"))
MOTHER_REASONS = (_("same mother's name"), _("similar mother's name"), _("different mother's name"))


def _families_agree(a: ParsedName, b: ParsedName) -> bool:
    return bool(a.family and b.family and within_one_edit(a.family, b.family))


def score_profiles(a: Profile, b: Profile) -> tuple[float, list]:
    id_points, id_reasons, same_document = _ids_score(a, b)
    best: tuple[float, list, str] | None = None
    for name_a in a.names:
        for name_b in b.names:
            if name_a.alternative and name_b.alternative:
                continue
            if (name_a.alternative or name_b.alternative) and not _families_agree(name_a, name_b):
                # The other reading of a name is only worth trying when it brings the family names together.
                continue
            scored = _name_score(name_a, name_b, lenient=same_document)
            if best is None or scored[0] > best[0]:
                best = scored
    if best is None:
        best = _name_score(a.names[0], b.names[0], lenient=same_document)
    name_points, reasons, level = best
    total = name_points
    total += id_points
    reasons = id_reasons + reasons
    birth_points, birth_reasons = _birth_score(a, b)
    total += birth_points
    reasons += birth_reasons
    different_sex = a.sex != "unknown" and b.sex != "unknown" and a.sex != b.sex
    if different_sex:
        total -= 8.0
        reasons.append(WHY_DIFFERENT_SEX)
    place_points, place_reasons = _place_score(a, b)
    father_points, father_reasons = _parent_score(a.father, b.father, 6.0, 3.0, -9.0, FATHER_REASONS)
    mother_points, mother_reasons = _parent_score(a.mother, b.mother, 5.0, 2.5, -8.0, MOTHER_REASONS)
    shared = [place_points, father_points, mother_points]
    far_apart = a.year is not None and b.year is not None and abs(a.year - b.year) > 1
    looks_like_siblings = level in (GIVEN_DIFFERENT, GIVEN_NEAR) or different_sex or far_apart
    if looks_like_siblings and not (same_document and level != GIVEN_DIFFERENT):
        # Siblings share their parents and home: for a pair that looks like two siblings (different given names,
        # sexes or ages) that agreement is no evidence of one person, only its absence counts.
        shared = [min(0.0, value) for value in shared]
    total += sum(shared)
    reasons += place_reasons + father_reasons + mother_reasons
    return round(total, 1), reasons


# An upper bound of the score, to leave out quickly the candidates that cannot reach a threshold --------------------

GIVEN_BEST = max(points for points, _reason in GIVEN_WEIGHTS.values())
MIDDLE_BEST = 1.5
BIRTH_BEST = 8.0  # the most _birth_score gives
PLACE_BEST = 5.0  # the most _place_score gives
FATHER_BEST, MOTHER_BEST = 6.0, 5.0
ID_POINTS = {kind: (same, one_off, different) for kind, (same, one_off, different, *_why) in ID_WEIGHTS.items()}
PHONE_SAME = ID_POINTS["phone"][0]


def name_ceiling(a: Profile) -> float:
    """The most the names of ``a`` can score against anyone's: the best given-name agreement, the family name's
    weight when the family names agree, a matching middle name (``_name_score`` adds nothing else)."""
    best = GIVEN_BEST + MIDDLE_BEST
    for name in a.names:
        family = min(6.0, math.log2(0.95 / family_share(name.family))) if name.family else 0.0
        best = max(best, GIVEN_BEST + max(0.0, family) + MIDDLE_BEST)
    return best


def _ids_points(a: Profile, b: Profile) -> float:
    """The points of ``_ids_score``, without the reasons."""
    other = b.ids
    if a.id_parts is not None and b.id_parts is not None and len(a.id_parts & b.id_parts) < ID_PARTS - 2:
        # One changed digit changes one of the six parts, two swapped neighbours at most two: no number of one is
        # the same as the other's or one edit from it, and each kind both hold counts as different.
        points = _all_different(a.id_kinds, b.id_kinds)
        phone = a.ids.get("phone")
        return points + PHONE_SAME if phone and phone == other.get("phone") else points
    points = 0.0
    for kind, x in a.ids.items():
        y = other.get(kind)
        if not x or not y:
            continue
        same, one_off, different = ID_POINTS[kind]
        if x == y:
            points += same
        elif one_off == different:
            points += different  # a phone: only the same number counts
        elif len(x) == len(y) and _may_be_one_edit(x, y):
            points += one_off
        else:
            points += different
    return points


@lru_cache(maxsize=256)
def _all_different(a: frozenset[str], b: frozenset[str]) -> float:
    return sum(ID_POINTS[kind][2] for kind in a & b)


def _may_be_one_edit(x: str, y: str) -> bool:
    """``within_one_edit`` for two strings of one length, quicker when they are far apart: one changed letter or
    two swapped neighbours leave at least one of the three thirds of the string unchanged."""
    if len(x) >= 3:
        a, b = thirds(x), thirds(y)
        if a[0] != b[0] and a[1] != b[1] and a[2] != b[2]:
            return False
    return within_one_edit(x, y)


def score_ceiling(a: Profile, b: Profile, names: float, floor: float = -math.inf) -> float:
    """A number that ``score_profiles(a, b)`` never exceeds (before its rounding to 0.1), at a fraction of its cost
    (``ceilings`` for one other person)."""
    return ceilings(a, (b,), names, floor)[0]


def ceilings(a: Profile, others, names: float, floor: float = -math.inf) -> list[float]:
    """For each profile of ``others``, a number that ``score_profiles(a, other)`` never exceeds (before its rounding
    to 0.1), at a fraction of its cost: the ID numbers, birth, sex and home scored exactly, the names at ``names``
    (``name_ceiling(a)``; five points under the best given and middle names when the two share no family name, none
    missing and none one edit from the other's) and each parent present on both sides at its best. The parts are
    added cheapest first; once the total is under ``floor`` the rest (which only lowers it) is not computed and that
    total is given. What depends on ``a`` alone is looked up once for all: an import bounds a hundred candidates a
    row."""
    a_parents, a_families, a_missing = a.parents, a.families, a.family_missing
    a_ids, a_sex = a.ids, a.sex
    a_documents = [(kind, value) for kind, value in a_ids.items() if kind != "phone"]
    a_sexed, a_year = a_sex != "unknown", a.year
    a_place = a.place
    near_names = min(names, GIVEN_BEST + MIDDLE_BEST)  # no family name in common, but one missing or one edit away
    far_names = min(names, GIVEN_BEST + MIDDLE_BEST - 5.0)
    found = []
    for b in others:
        parents = PARENTS_BEST[a_parents & b.parents]
        b_families = b.families
        if not a_families.isdisjoint(b_families):
            total = names + BIRTH_BEST + PLACE_BEST + parents
        elif a_missing or b.family_missing or _near_families(a_families, b_families):
            total = near_names + BIRTH_BEST + PLACE_BEST + parents
        else:
            total = far_names + BIRTH_BEST + PLACE_BEST + parents
        b_ids = b.ids
        if a_ids and b_ids:
            total += _ids_points(a, b)
            if total < floor:
                found.append(total)
                continue
        b_sex = b.sex
        different_sex = a_sexed and b_sex != "unknown" and a_sex != b_sex
        if different_sex:
            total -= 8.0
            if total < floor:
                found.append(total)
                continue
        b_year = b.year
        total += BIRTH_POINTS[_birth_case(a, b)] - BIRTH_BEST
        far_apart = a_year is not None and b_year is not None and abs(a_year - b_year) > 1
        if (different_sex or far_apart) and not any(b_ids.get(kind) == value for kind, value in a_documents):
            # The rule for pairs that look like siblings: home and parents count only when they disagree.
            total -= PLACE_BEST + parents
            found.append(total if total < floor else total + min(0.0, _place_points(a_place, b.place)))
        elif total < floor:
            found.append(total)
        else:
            found.append(total + _place_points(a_place, b.place) - PLACE_BEST)
    return found


PARENTS_BEST = (0.0, FATHER_BEST, MOTHER_BEST, FATHER_BEST + MOTHER_BEST)  # by ``Profile.parents`` both have


@lru_cache(maxsize=1 << 16)
def _near_families(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(within_one_edit(x, y) for x in a for y in b)


# The same bound before decrypting anything, from what a registered person keeps in the clear ----------------------

@dataclass(frozen=True, slots=True)
class ClearFacts:
    """What the registry keeps of a person outside the encrypted fields and scoring reads: the birth year and the
    precision of the birth date, sex, the home unit (as a ``Place``), and whether any ID number is held (only its
    keyed index is in the clear)."""

    year: int | None
    precision: str
    sex: str
    place: Place
    has_id: bool


def clear_ceiling(a: Profile, names: float, b: ClearFacts) -> float:
    """A number that ``score_profiles(a, b)`` never exceeds, for a registered person ``b`` known only by its
    ``ClearFacts`` and sharing no ID number or phone with ``a`` (those who do are always scored): lets the duplicate
    check decrypt only the candidates that can reach a threshold. The names count at ``names``
    (``name_ceiling(a)``), each ID number at "one digit off" (it is not the same), the parents at their best."""
    total = names
    if b.has_id:
        total += sum(ID_POINTS[kind][1] for kind in a.ids)
    different_sex = a.sex != "unknown" and b.sex in ("female", "male") and a.sex != b.sex
    if different_sex:
        total -= 8.0
    birth, far_apart = _clear_birth(a, b.year, b.precision)
    total += birth
    place = _place_points(a.place, b.place)
    if different_sex or far_apart:
        return total + min(0.0, place)
    parents = ((FATHER_BEST if not a.father[0].empty else 0.0) + (MOTHER_BEST if not a.mother[0].empty else 0.0))
    return total + place + parents


def _clear_birth(a: Profile, year: int | None, precision: str) -> tuple[float, bool]:
    """The most ``_birth_score`` gives against a birth of ``year`` known to ``precision``, and whether the years are
    far apart. (A day or month is only known with that precision; the year is the birth date's whenever one is
    recorded, which ``people.actions`` keeps so.)"""
    if a.year is None:
        return 0.0, False
    if year is None:
        return BIRTH_BEST, False
    gap = abs(a.year - year)
    if gap > 1:
        return -7.0, True
    if gap == 1:
        return (3.0 if a.day is not None and precision == "day" else -1.0), False
    if a.month is None or precision == "year":
        return 4.0, False
    return (BIRTH_BEST if a.day is not None and precision == "day" else 5.0), False
