"""The duplicate check of a batch of rows: ``find_candidates`` for many persons at once, and within the batch.

``people.matching.find_candidates`` checks one person with four or five queries and a fresh unit resolver; an import
checks two hundred rows at a time. ``RegistryMatcher.candidates`` gives, for each row, exactly what
``find_candidates`` would (the same keys, ranking, ``MAX_DECRYPTED`` cut, scores and thresholds), with one query for
the blocking keys of every row, one for the ID numbers and phones, and one for the persons not seen before in this
run. The unit resolver and the profiles of registry persons (what scoring reads, not the decrypted persons) are kept
for the whole run; the persons the run itself creates are remembered as they are written (``remember``), so they are
never read back and decrypted. A candidate's ``person`` is a ``Person`` holding only its id (other fields load on
first use).

``BatchIndex`` finds the rows of the same batch that are one person (a list that names someone twice): rows written
together are not in the registry yet when the batch is checked.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict

from django.db import DEFAULT_DB_ALIAS, connection

from trove.people.matching import MATCH_THRESHOLD, Candidate, PersonData, UnitResolver
from trove.people.matching.keys import hashed_key, probe_keys, stored_keys
from trove.people.matching.profile import Profile
from trove.people.matching.profile import person_data as plain_values
from trove.people.matching.retrieval import ID_WEIGHT, MAX_DECRYPTED, SCORED_FIELDS, blind_ids, clear_facts
from trove.people.matching.scoring import (
    CANDIDATE_THRESHOLD,
    CEILING_MARGIN,
    ceilings,
    clear_ceiling,
    name_ceiling,
    score_profiles,
)

QUERY_CHUNK = 2000  # values in one IN (...) list
KEPT_PROFILES = 200_000  # registry persons whose profile the run keeps
KEPT_PROBES = 5_000  # rows whose probe keys are kept


def _chunks(values: list, size: int = QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _binary_select(sql: str, params: list) -> list[tuple]:
    """Rows of a query on PostgreSQL, sent and read in binary by a psycopg cursor of its own (Django's cursor writes
    array parameters into the statement's text)."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def _key_holders(keys: list[int]) -> list[tuple[int, int]]:
    """(person id, key) for every stored blocking key among ``keys``: on PostgreSQL in one query with the keys as
    one array (an ``IN`` list of thousands of placeholders costs more to build than to run), sent and read in
    binary by a cursor of its own (Django's cursor writes the array into the statement's text: a third slower for
    the thousands of keys and tens of thousands of holders of a batch)."""
    from trove.people.models import MatchKey

    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MatchKey._meta.db_table)
        # The array as its text, joined in C: psycopg dumps a list element by element in Python.
        return _binary_select(f"SELECT person_id, key FROM {table} WHERE key = ANY(%s::bigint[])",  # noqa: S608
                              ["{" + ",".join(map(str, keys)) + "}"])
    found: list[tuple[int, int]] = []
    for part in _chunks(keys):
        found += MatchKey.objects.filter(key__in=part).values_list("person_id", "key")
    return found


ID_COLUMNS = ("citizen_id_index", "old_id_index", "passport_index")


def _id_holders(values: list[str]) -> list[tuple]:
    """(person id, citizen ID index, old ID index, passport index) of every person holding one of ``values`` in any
    of the three columns: one index scan for each column, put together (with OR, PostgreSQL reads the whole table);
    on PostgreSQL with the values as one array parameter."""
    from trove.people.models import Person

    if not values:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Person._meta.db_table)
        columns = ", ".join(ID_COLUMNS)
        branches = " UNION ".join(f"SELECT id, {columns} FROM {table} WHERE {column} = ANY(%s::text[])"  # noqa: S608
                                  for column in ID_COLUMNS)
        return _binary_select(branches, [values] * len(ID_COLUMNS))
    found: list[tuple] = []
    fields = ("pk", *ID_COLUMNS)
    for part in _chunks(values):
        found += Person.objects.filter(citizen_id_index__in=part).values_list(*fields).union(
            Person.objects.filter(old_id_index__in=part).values_list(*fields),
            Person.objects.filter(passport_index__in=part).values_list(*fields))
    return found


def _phone_holders(values: list[str]) -> list[tuple[int, str]]:
    """(person id, phone index) of every person whose phone is one of ``values``; as ``_id_holders``."""
    from trove.people.models import Person

    if not values:
        return []
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Person._meta.db_table)
        return _binary_select(f"SELECT id, phone_index FROM {table} WHERE phone_index = ANY(%s::text[])",  # noqa: S608
                              [values])
    found: list[tuple[int, str]] = []
    for part in _chunks(values):
        found += Person.objects.filter(phone_index__in=part).values_list("pk", "phone_index")
    return found


class RegistryMatcher:
    def __init__(self) -> None:
        self.resolver = UnitResolver()
        self._known: OrderedDict[int, Profile] = OrderedDict()
        self._probes: dict[int, tuple[Profile, dict[str, float]]] = {}

    def profile(self, data: PersonData) -> Profile:
        return self.resolver.profile(data)

    def probes(self, profile: Profile) -> dict[str, float]:
        """``probe_keys(profile)``, computed once for a batch's check against the registry and within the batch."""
        found = self._probes.get(id(profile))
        if found is None or found[0] is not profile:
            if len(self._probes) >= KEPT_PROBES:
                self._probes = {}  # a run whose rows were checked elsewhere asks here for a batch at a time
            found = self._probes[id(profile)] = (profile, probe_keys(profile))
        return found[1]

    def adopt(self, data: PersonData, profile: Profile, probes: dict[str, float]) -> None:
        """The profile and probe keys of ``data`` as another process of the import worked them out."""
        kept = self.resolver.keep(data, profile)
        self._probes[id(kept)] = (kept, probes)

    def _keep(self, pk: int, profile: Profile) -> None:
        self._known[pk] = profile
        while len(self._known) > KEPT_PROFILES:
            self._known.popitem(last=False)

    def _profiles(self, ids: set[int]) -> dict[int, Profile]:
        from trove.people.models import Person

        # Taken before reading the others: keeping those may push out of the cache some that this batch needs.
        found = {pk: self._known[pk] for pk in ids if pk in self._known}
        missing = [pk for pk in ids if pk not in found]
        for part in _chunks(missing):
            persons = list(Person.objects.filter(pk__in=part, merged_into__isnull=True).only(*SCORED_FIELDS))
            self.resolver.prefetch(p.home_unit_id for p in persons if p.home_unit_id)
            for person in persons:
                found[person.pk] = self.profile(plain_values(person))
                self._keep(person.pk, found[person.pk])
        return found

    def remember(self, persons) -> list[tuple[int, Profile]]:
        """Persons just written (decrypted, in memory, not merged): their profiles are kept as if read back, and
        returned."""
        kept = []
        for person in persons:
            kept.append((person.pk, self.profile(plain_values(person))))
            self._keep(*kept[-1])
        return kept

    def keep(self, profiles: list[tuple[int, Profile]]) -> None:
        """Profiles of persons written by another process (``remember`` there)."""
        for pk, profile in profiles:
            self._keep(pk, profile)

    def forget(self, ids) -> None:
        """Persons changed (merged, undone) since they were read; not needed within one run of an import."""
        for pk in ids:
            self._known.pop(pk, None)

    def candidates(self, datas: list[PersonData], *, limit: int = 10,
                   threshold: float = CANDIDATE_THRESHOLD) -> list[list[Candidate]]:
        profiles = [self.profile(data) for data in datas]
        self._probes = {}
        weights = [{hashed_key(key): weight for key, weight in self.probes(profile).items()} for profile in profiles]
        holders: dict[int, set[int]] = defaultdict(set)
        for person_id, key in _key_holders(sorted({key for row in weights for key in row})):
            holders[key].add(person_id)
        ids = [blind_ids(data) for data in datas]
        all_ids = sorted({value for row_ids, _phone in ids for value in row_ids})
        all_phones = sorted({phone for _row_ids, phone in ids if phone})
        by_id: dict[str, set[int]] = defaultdict(set)
        by_phone: dict[str, set[int]] = defaultdict(set)
        for pk, *indexes in _id_holders(all_ids):
            for value in indexes:
                if value:
                    by_id[value].add(pk)
        for pk, phone in _phone_holders(all_phones):
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
            # Highest weight first, then lowest id: by id, then (a stable sort) by weight, both without a Python key.
            best = sorted(ranking)
            best.sort(key=ranking.__getitem__, reverse=True)
            best_of.append(best[:MAX_DECRYPTED])
            hits_of.append(id_hits)
        # Candidates whose score cannot reach the threshold (an upper bound says so, at a fraction of the cost of
        # scoring them) are left out unscored: they would be left out after scoring. Registry persons not read yet
        # are first bounded by what is in the clear, so that only those who may reach it are decrypted.
        floor = threshold - CEILING_MARGIN
        wanted = {pid for best in best_of for pid in best}
        unread = {pid for pid in wanted if pid not in self._known}  # not ``- keys()``: that reads every key
        if unread:
            facts = clear_facts(unread, self.resolver)
            needed = set()
            for profile, best, id_hits in zip(profiles, best_of, hits_of, strict=True):
                names = name_ceiling(profile)
                needed.update(pid for pid in best if pid in facts and pid not in needed and (
                    pid in id_hits or clear_ceiling(profile, names, facts[pid]) >= floor))
            wanted = (wanted - unread) | needed
        known = self._profiles(wanted)
        return [sorted(_scored(profile, best, id_hits, known, threshold), key=_rank)[:limit]
                for profile, best, id_hits in zip(profiles, best_of, hits_of, strict=True)]


def _scored(profile: Profile, pids, id_hits: set[int], others: dict[int, Profile], threshold: float):
    """The candidates among ``pids`` (found by key or ID number) whose score reaches ``threshold``, and every one
    sharing an ID number: each first bounded (``ceilings``), scored only if the bound may reach it."""
    names, floor = name_ceiling(profile), threshold - CEILING_MARGIN
    present = [(pid, others[pid]) for pid in pids if pid in others]  # not those merged into another person
    bounds = ceilings(profile, [other for _pid, other in present], names, floor)
    for (pid, other), ceiling in zip(present, bounds, strict=True):
        if ceiling < floor and pid not in id_hits:
            continue
        score, reasons = score_profiles(profile, other)
        if score >= threshold or pid in id_hits:
            yield Candidate(person=_person(pid), score=score, reasons=reasons)


def _rank(candidate: Candidate) -> tuple[float, int]:
    return -candidate.score, candidate.person_id


def _person(pk: int):
    """A ``Person`` of which only the id is loaded; any other field is read from the database when first used."""
    from trove.people.models import Person

    return Person.from_db(DEFAULT_DB_ALIAS, ["id"], [pk])


def _id_keys(profile: Profile) -> set[str]:
    """A person's ID numbers and phone as the registry looks them up: an ID number whatever field holds it."""
    return {f"phone|{value}" if kind == "phone" else f"id|{value}" for kind, value in profile.ids.items()}


class RecentPersons:
    """The persons the last batches of a run created, in memory, for rows checked against the registry before those
    batches were written (by the helper process of ``trove.imports.ahead``, working ahead of the writing).
    ``completed`` adds to each row's candidates those of these persons the registry would have given: sharing a
    blocking key or an ID number, scored and kept by the same rules as ``RegistryMatcher.candidates``."""

    def __init__(self, matcher: RegistryMatcher) -> None:
        self.matcher = matcher
        self.batches: dict[int, list[tuple[int, set[str], set[str]]]] = {}  # batch -> (person, keys, ID keys)
        self.profiles: dict[int, Profile] = {}
        self.blocks: dict[str, set[int]] = defaultdict(set)
        self.by_id: dict[str, set[int]] = defaultdict(set)

    def add(self, seq: int, profiles: list[tuple[int, Profile]]) -> None:
        persons = self.batches[seq] = []
        for pk, profile in profiles:
            persons.append((pk, stored_keys(profile), _id_keys(profile)))
            self.profiles[pk] = profile
            for key in persons[-1][1]:
                self.blocks[key].add(pk)
            for key in persons[-1][2]:
                self.by_id[key].add(pk)

    def forget_through(self, seq: int) -> None:
        """Leave out the persons of the batches up to ``seq``: those checked later know them from the registry."""
        for done in [done for done in self.batches if done <= seq]:
            for pk, keys, ids in self.batches.pop(done):
                del self.profiles[pk]
                for index, found in ((self.blocks, keys), (self.by_id, ids)):
                    for key in found:
                        index[key].discard(pk)
                        if not index[key]:
                            del index[key]

    def completed(self, profiles: list[Profile], found: list[list[Candidate]], *, after: int, limit: int,
                  threshold: float = CANDIDATE_THRESHOLD) -> list[list[Candidate]]:
        """``found`` (the candidates of each of ``profiles`` in the registry as it was when they were checked, which
        held the persons of the batches up to ``after``) with those of the persons created since."""
        self.forget_through(after)
        if not self.profiles:
            return found
        completed = []
        blocks, by_id = self.blocks, self.by_id
        for profile, candidates in zip(profiles, found, strict=True):
            met: set[int] = set()
            for key in self.matcher.probes(profile):
                if key in blocks:
                    met |= blocks[key]
            id_hits: set[int] = set()
            for key in _id_keys(profile):
                if key in by_id:
                    id_hits |= by_id[key]
            new = sorted((met | id_hits) - {candidate.person_id for candidate in candidates})
            if not new:
                completed.append(candidates)
                continue
            added = _scored(profile, new, id_hits, self.profiles, threshold)
            completed.append(sorted([*candidates, *added], key=_rank)[:limit])
        return completed


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
        for key in self.matcher.probes(profile):
            met.update(self.blocks.get(key, ()))
        for kind, value in profile.ids.items():
            if kind != "phone":
                met.update(self.blocks.get(f"id|{kind}|{value}", ()))
        best, best_score = None, MATCH_THRESHOLD
        names, floor = name_ceiling(profile), MATCH_THRESHOLD - CEILING_MARGIN
        met = sorted(met)
        for other, ceiling in zip(met, ceilings(profile, [self.profiles[other] for other in met], names, floor),
                                  strict=True):
            if ceiling < floor:
                continue
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
