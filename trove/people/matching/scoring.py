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
from trove.people.matching.profile import Profile

MATCH_THRESHOLD = 12.0
CANDIDATE_THRESHOLD = 5.0

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
            reasons.append(_("different family name"))
        if a.family_first != b.family_first and level != GIVEN_DIFFERENT:
            reasons.append(_("name written in another order"))
    middle_a = set(a.personal) - {given_a}
    middle_b = set(b.personal) - {given_b}
    if middle_a and middle_b:
        if any(skeleton(x) == skeleton(y) for x in middle_a for y in middle_b):
            points += 1.5
        else:
            points -= 4.0
            reasons.append(_("different middle name"))
    if (a.markers & FEMALE_MARKERS and b.markers & MALE_MARKERS) or (a.markers & MALE_MARKERS and
                                                                      b.markers & FEMALE_MARKERS):
        points -= 4.0
        reasons.append(_("Thị in one name, Văn in the other"))
    return points, reasons, level


def _ids_score(a: Profile, b: Profile) -> tuple[float, list, bool]:
    points, reasons, same_document = 0.0, [], False
    weights = {
        # kind: (same, one digit off, different, reason same, reason one off, reason different)
        "cccd": (15.0, 5.0, -10.0, _("same citizen ID"), _("citizen ID differs by one digit"),
                 _("different citizen ID")),
        "cmnd": (12.0, 4.0, -6.0, _("same old ID card number"), _("old ID card number differs by one digit"),
                 _("different old ID card number")),
        "passport": (12.0, 3.0, -2.0, _("same passport number"), None, None),
        "other_id": (10.0, 2.0, -2.0, _("same ID number"), None, None),
        "phone": (4.0, 0.0, 0.0, _("same phone number"), None, None),
    }
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
            if why_one_off:
                reasons.append(why_one_off)
        else:
            points += different
            if why_different:
                reasons.append(why_different)
    return points, reasons, same_document


def _birth_score(a: Profile, b: Profile) -> tuple[float, list]:
    if a.year is None or b.year is None:
        return 0.0, []
    gap = abs(a.year - b.year)
    if gap == 1:
        if a.day is not None and b.day is not None:
            if (a.month, a.day) == (b.month, b.day) and (a.month, a.day) != (1, 1):
                return 3.0, [_("same day and month of birth, birth year ±1")]
            return -3.0, [_("different date of birth")]
        return -1.0, [_("birth year ±1")]
    if gap > 1:
        return -7.0, [_("birth years far apart")]
    if a.day is not None and b.day is not None:
        if (a.month, a.day) == (b.month, b.day):
            # 1 January is what many offices write when only the year is known.
            return (4.0 if (a.month, a.day) == (1, 1) else 8.0), [_("same date of birth")]
        if (a.month, a.day) == (b.day, b.month):
            return 3.0, [_("day and month of birth swapped")]
        if a.month == b.month or a.day == b.day:
            return 1.0, [_("same birth year, date differs by one part")]
        return -3.0, [_("different date of birth in the same year")]
    if a.month is not None and b.month is not None:
        if a.month == b.month:
            return 5.0, [_("same month and year of birth")]
        return -1.0, [_("same birth year, different month")]
    return 4.0, [_("same birth year")]


def _place_score(a: Profile, b: Profile) -> tuple[float, list]:
    pa, pb = a.place, b.place
    if not pa.provinces or not pb.provinces:
        return 0.0, []
    if pa.communes & pb.communes:
        if pa.key != pb.key:
            return 5.0, [_("same home commune after the 2025 mapping")]
        return 5.0, [_("same home commune")]
    if pa.provinces & pb.provinces:
        if pa.communes and pb.communes:
            return -2.0, [_("different home commune in the same province")]
        return 1.0, [_("same home province")]
    return -3.0, [_("different home province")]


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
        reasons.append(_("different sex"))
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
