"""The duplicate check of a batch of rows: ``find_candidates`` for many persons at once, and within the batch.

``people.matching.find_candidates`` checks one person with four or five queries and a fresh unit resolver; an import
checks two hundred rows at a time. ``RegistryMatcher.candidates`` gives, for each row, exactly what
``find_candidates`` would (the same keys, ranking, ``MAX_DECRYPTED`` cut, scores and thresholds), with one query for
the blocking keys of every row, one for the ID numbers and phones, and one for the persons not seen before in this
run; the unit resolver and the decrypted profiles of registry persons are kept for the whole run.

``BatchIndex`` finds the rows of the same batch that are one person (a list that names someone twice): rows written
together are not in the registry yet when the batch is checked.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict

from django.db.models import Q

from trove.core.crypto import blind_index
from trove.people.matching import MATCH_THRESHOLD, Candidate, PersonData, UnitResolver
from trove.people.matching.keys import hashed_key, probe_keys, stored_keys
from trove.people.matching.profile import Profile, build_profile
from trove.people.matching.profile import person_data as plain_values
from trove.people.matching.retrieval import ID_WEIGHT, MAX_DECRYPTED, SCORED_FIELDS
from trove.people.matching.scoring import CANDIDATE_THRESHOLD, score_profiles

QUERY_CHUNK = 2000  # values in one IN (...) list
KEPT_PROFILES = 50_000  # registry persons whose decrypted profile the run keeps


def _chunks(values: list, size: int = QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _id_values(data: PersonData) -> tuple[set[str], str]:
    ids = {blind_index(v, kind="id_number") for v in (data.citizen_id, data.old_id, data.passport) if v}
    ids.discard("")
    return ids, (blind_index(data.phone, kind="phone") if data.phone else "")


class RegistryMatcher:
    def __init__(self) -> None:
        self.resolver = UnitResolver()
        self._known: OrderedDict[int, tuple[object, Profile]] = OrderedDict()

    def profile(self, data: PersonData) -> Profile:
        return build_profile(data, self.resolver)

    def _persons(self, ids: set[int]) -> dict[int, tuple[object, Profile]]:
        from trove.people.models import Person

        missing = [pk for pk in ids if pk not in self._known]
        for part in _chunks(missing):
            persons = list(Person.objects.filter(pk__in=part, merged_into__isnull=True).only(*SCORED_FIELDS))
            self.resolver.prefetch(p.home_unit_id for p in persons if p.home_unit_id)
            for person in persons:
                self._known[person.pk] = (person, build_profile(plain_values(person), self.resolver))
        while len(self._known) > KEPT_PROFILES:
            self._known.popitem(last=False)
        return {pk: self._known[pk] for pk in ids if pk in self._known}

    def forget(self, ids) -> None:
        """Persons changed (merged, undone) since they were read; not needed within one run of an import."""
        for pk in ids:
            self._known.pop(pk, None)

    def candidates(self, datas: list[PersonData], *, limit: int = 10,
                   threshold: float = CANDIDATE_THRESHOLD) -> list[list[Candidate]]:
        from trove.people.models import MatchKey, Person

        profiles = [self.profile(data) for data in datas]
        weights = [{hashed_key(key): weight for key, weight in probe_keys(profile).items()} for profile in profiles]
        holders: dict[int, set[int]] = defaultdict(set)
        for part in _chunks(sorted({key for row in weights for key in row})):
            for person_id, key in MatchKey.objects.filter(key__in=part).values_list("person_id", "key"):
                holders[key].add(person_id)
        ids = [_id_values(data) for data in datas]
        all_ids = sorted({value for row_ids, _phone in ids for value in row_ids})
        all_phones = sorted({phone for _row_ids, phone in ids if phone})
        by_id: dict[str, set[int]] = defaultdict(set)
        by_phone: dict[str, set[int]] = defaultdict(set)
        for part in _chunks(all_ids):
            rows = Person.objects.filter(Q(citizen_id_index__in=part) | Q(old_id_index__in=part)
                                         | Q(passport_index__in=part))
            for pk, *indexes in rows.values_list("pk", "citizen_id_index", "old_id_index", "passport_index"):
                for value in indexes:
                    if value:
                        by_id[value].add(pk)
        for part in _chunks(all_phones):
            for pk, phone in Person.objects.filter(phone_index__in=part).values_list("pk", "phone_index"):
                by_phone[phone].add(pk)

        best_of: list[list[int]] = []
        hits_of: list[set[int]] = []
        for row_weights, (row_ids, phone) in zip(weights, ids, strict=True):
            ranking: dict[int, float] = defaultdict(float)
            for key, weight in row_weights.items():
                for person_id in holders.get(key, ()):
                    ranking[person_id] += weight
            id_hits: set[int] = set()
            for value in row_ids:
                id_hits |= by_id.get(value, set())
            if phone:
                id_hits |= by_phone.get(phone, set())
            # find_candidates reads at most MAX_DECRYPTED id hits, in no order; an import's rows rarely share more.
            id_hits = set(sorted(id_hits)[:MAX_DECRYPTED])
            for person_id in id_hits:
                ranking[person_id] += ID_WEIGHT
            best_of.append(sorted(ranking, key=lambda pid: (-ranking[pid], pid))[:MAX_DECRYPTED])
            hits_of.append(id_hits)
        known = self._persons({pid for best in best_of for pid in best})
        found = []
        for profile, best, id_hits in zip(profiles, best_of, hits_of, strict=True):
            row: list[Candidate] = []
            for pid in best:
                if pid not in known:
                    continue  # merged into another person
                person, other = known[pid]
                score, reasons = score_profiles(profile, other)
                if score >= threshold or pid in id_hits:
                    row.append(Candidate(person=person, score=score, reasons=reasons))
            row.sort(key=lambda c: (-c.score, c.person.pk))
            found.append(row[:limit])
        return found


class BatchIndex:
    """The new persons of one batch, in memory: which earlier row of the batch a row's person is."""

    def __init__(self, matcher: RegistryMatcher) -> None:
        self.matcher = matcher
        self.blocks: dict[str, list[int]] = defaultdict(list)
        self.profiles: dict[int, Profile] = {}

    def same_as(self, position: int, data: PersonData) -> int | None:
        """The earlier row judged the same person (the best score at or above the match threshold); a row that is
        nobody earlier is filed under its keys."""
        profile = self.matcher.profile(data)
        met: set[int] = set()
        for key in probe_keys(profile):
            met.update(self.blocks.get(key, ()))
        for kind, value in profile.ids.items():
            if kind != "phone":
                met.update(self.blocks.get(f"id|{kind}|{value}", ()))
        best, best_score = None, MATCH_THRESHOLD
        for other in sorted(met):
            score = score_profiles(profile, self.profiles[other])[0]
            if score >= best_score and (best is None or score > best_score):
                best, best_score = other, score
        if best is not None:
            return best  # filed under the earlier row already: every match points at the first row of a person
        self.profiles[position] = profile
        for key in stored_keys(profile) | {f"id|{kind}|{value}" for kind, value in profile.ids.items()
                                           if kind != "phone"}:
            self.blocks[key].append(position)
        return best
