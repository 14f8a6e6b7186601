"""One person against the registry: the check an intake runs before it saves a new person.

Candidates are found only through keyed hashes — the blind indexes of ID numbers and phone, and the stored blocking
keys — ranked by how many (and which) keys they share, and only the best ``MAX_DECRYPTED`` are decrypted and scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from trove.core.crypto import blind_index
from trove.people.matching.keys import hashed_key, probe_keys
from trove.people.matching.profile import PersonData, UnitResolver, build_profile
from trove.people.matching.profile import person_data as plain_values
from trove.people.matching.scoring import (
    CANDIDATE_THRESHOLD,
    CEILING_MARGIN,
    MATCH_THRESHOLD,
    ClearFacts,
    clear_ceiling,
    name_ceiling,
    score_profiles,
)

MAX_DECRYPTED = 150
ID_WEIGHT = 20.0
# What scoring reads; nothing else of a candidate is decrypted.
SCORED_FIELDS = ("full_name", "other_names", "birth_date", "birth_precision", "birth_year", "sex", "citizen_id",
                 "old_id", "passport", "phone", "home_unit", "father_name", "mother_name")


@dataclass
class Candidate:
    """A person who may be the one being checked. ``reasons`` are translatable phrases; ``likely`` says the score
    reaches the threshold at which batch matching judges two records one person."""

    person: object
    score: float
    reasons: list = field(default_factory=list)

    @property
    def person_id(self) -> int:
        return self.person.pk

    @property
    def likely(self) -> bool:
        return self.score >= MATCH_THRESHOLD


def blind_ids(data: PersonData) -> tuple[set[str], str]:
    """The blind indexes of a person's ID numbers (any of the three fields), and of their phone ("" without one)."""
    ids = {blind_index(v, kind="id_number") for v in (data.citizen_id, data.old_id, data.passport) if v}
    ids.discard("")
    return ids, (blind_index(data.phone, kind="phone") if data.phone else "")


def _id_hits(data: PersonData) -> set[int]:
    from trove.people.models import Person

    ids, phone = blind_ids(data)
    if not ids and not phone:
        return set()
    condition = Q(pk__in=[])
    if ids:
        condition |= Q(citizen_id_index__in=ids) | Q(old_id_index__in=ids) | Q(passport_index__in=ids)
    if phone:
        condition |= Q(phone_index=phone)
    return set(Person.objects.filter(condition).values_list("pk", flat=True)[:MAX_DECRYPTED])


def clear_facts(ids: Iterable[int], resolver: UnitResolver) -> dict[int, ClearFacts]:
    """The ``ClearFacts`` of the persons ``ids`` that are not merged into another, in one query."""
    from trove.people.models import Person

    rows = list(Person.objects.filter(pk__in=list(ids), merged_into__isnull=True).values_list(
        "pk", "birth_year", "birth_precision", "sex", "home_unit_id", "citizen_id_index", "old_id_index",
        "passport_index"))
    resolver.prefetch(row[4] for row in rows if row[4])
    return {pk: ClearFacts(year=year, precision=precision, sex=sex, place=resolver.place(unit),
                           has_id=bool(citizen or old or passport))
            for pk, year, precision, sex, unit, citizen, old, passport in rows}


def find_candidates(person_data: PersonData, *, exclude_ids: Iterable[int] = (), limit: int = 10,
                    threshold: float = CANDIDATE_THRESHOLD) -> list[Candidate]:
    """The persons already registered who may be the person described by ``person_data`` (plain values of a person
    not yet saved), best first, at most ``limit``. Merged persons are never returned (their survivor is)."""
    from trove.people.models import MatchKey, Person

    resolver = UnitResolver()
    profile = build_profile(person_data, resolver)
    weights = {hashed_key(key): weight for key, weight in probe_keys(profile).items()}
    ranking: dict[int, float] = defaultdict(float)
    for person_id, key in MatchKey.objects.filter(key__in=list(weights)).values_list("person_id", "key"):
        ranking[person_id] += weights[key]
    id_hits = set(_id_hits(person_data))
    for person_id in id_hits:
        ranking[person_id] += ID_WEIGHT
    excluded = set(exclude_ids)
    best = sorted((pid for pid in ranking if pid not in excluded), key=lambda pid: -ranking[pid])[:MAX_DECRYPTED]
    if not best:
        return []
    # Only those who can reach the threshold, by what the registry keeps in the clear, are decrypted and scored.
    names, facts = name_ceiling(profile), clear_facts(best, resolver)
    worth = [pid for pid, fact in facts.items()
             if pid in id_hits or clear_ceiling(profile, names, fact) >= threshold - CEILING_MARGIN]
    if not worth:
        return []
    persons = list(Person.objects.filter(pk__in=worth).only(*SCORED_FIELDS))
    resolver.prefetch(p.home_unit_id for p in persons if p.home_unit_id)
    candidates = []
    for person in persons:
        score, reasons = score_profiles(profile, build_profile(plain_values(person), resolver))
        # Someone holding the same ID number or phone is always worth a look, whatever else differs.
        if score >= threshold or person.pk in id_hits:
            candidates.append(Candidate(person=person, score=score, reasons=reasons))
    candidates.sort(key=lambda c: (-c.score, c.person.pk))
    return candidates[:limit]
