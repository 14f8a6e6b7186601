"""A person's identity in plain values (``PersonData``) and in the normalised form that scoring and keys read
(``Profile``), and the resolution of home units to the 2025 set (``UnitResolver``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from trove.core.crypto import normalise
from trove.geo.models import AdminUnit, UnitLevel, UnitSet, UnitSuccession
from trove.people.matching.names import EMPTY_NAME, ParsedName, parse_name_variants


@dataclass
class PersonData:
    """Plain values of one person, as typed at intake or read from a CSV row or a decrypted ``Person``.

    ``home_unit`` is an ``AdminUnit``, its id, or its key (``legacy:29926``). ``birth_precision`` is "day", "month"
    or "year"; with "year" (or no date) ``birth_year`` alone counts.
    """

    full_name: str = ""
    other_names: list[str] = field(default_factory=list)
    birth_date: datetime.date | None = None
    birth_precision: str = "day"
    birth_year: int | None = None
    sex: str = "unknown"
    citizen_id: str = ""
    old_id: str = ""
    passport: str = ""
    phone: str = ""
    home_unit: AdminUnit | int | str | None = None
    father_name: str = ""
    mother_name: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """A home unit seen through the 2025 set: the 2025 commune(s) it is in (empty above commune level) and the 2025
    province(s)."""

    key: str
    communes: frozenset[str]
    provinces: frozenset[str]

    def __reduce__(self):
        return Place, (self.key, self.communes, self.provinces)  # by value, as ``Profile``


NO_PLACE = Place("", frozenset(), frozenset())


class UnitResolver:
    """Maps home units to ``Place``. ``prefetch`` resolves a set of units in two queries; ``preload_all`` loads the
    whole reference table once, for batch matching."""

    def __init__(self) -> None:
        self._by_id: dict[int, Place] = {}
        self._by_key: dict[str, Place] = {}
        self._profiles: dict[tuple, Profile] = {}

    def _store(self, unit: AdminUnit, successors: list[tuple[str, str, str]]) -> Place:
        # successors: (2025 code, 2025 level, 2025 province code)
        if unit.unit_set == UnitSet.Y2025:
            communes = frozenset({unit.code}) if unit.level == UnitLevel.COMMUNE else frozenset()
            place = Place(unit.key, communes, frozenset({unit.province_code}))
        else:
            communes = frozenset(code for code, level, _ in successors if level == UnitLevel.COMMUNE)
            place = Place(
                unit.key,
                communes if unit.level == UnitLevel.COMMUNE else frozenset(),
                frozenset(province for _, _, province in successors),
            )
        self._by_id[unit.pk] = place
        self._by_key[unit.key] = place
        return place

    def prefetch(self, units: Iterable[AdminUnit | int | str | None]) -> None:
        units = list(units)
        ids = {u for u in units if isinstance(u, int) and u not in self._by_id}
        ids |= {u.pk for u in units if isinstance(u, AdminUnit) and u.pk not in self._by_id}
        keys = [u for u in units if isinstance(u, str) and u not in self._by_key]
        query = AdminUnit.objects.filter(pk__in=ids)
        loaded = list(query)
        for key in keys:
            try:
                loaded.append(AdminUnit.objects.by_key(key))
            except (AdminUnit.DoesNotExist, ValueError):
                self._by_key[key] = NO_PLACE
        self._resolve(loaded)
        for missing in ids - self._by_id.keys():
            self._by_id[missing] = NO_PLACE

    def _resolve(self, units: list[AdminUnit]) -> None:
        if not units:
            return
        successors: dict[int, list[tuple[str, str, str]]] = {u.pk: [] for u in units}
        legacy = [u.pk for u in units if u.unit_set == UnitSet.LEGACY]
        if legacy:
            rows = UnitSuccession.objects.filter(legacy_unit_id__in=legacy).values_list(
                "legacy_unit_id", "new_unit__code", "new_unit__level", "new_unit__province_code")
            for legacy_id, code, level, province in rows:
                successors[legacy_id].append((code, level, province))
            # A legacy district has no succession row of its own: its communes' rows say where it went.
            districts = [u.pk for u in units if u.unit_set == UnitSet.LEGACY and u.level == UnitLevel.DISTRICT]
            if districts:
                rows = UnitSuccession.objects.filter(legacy_unit__parent_id__in=districts).values_list(
                    "legacy_unit__parent_id", "new_unit__code", "new_unit__level", "new_unit__province_code")
                for district_id, code, level, province in rows:
                    successors[district_id].append((code, level, province))
        for unit in units:
            self._store(unit, successors[unit.pk])

    def preload_all(self) -> UnitResolver:
        self._resolve(list(AdminUnit.objects.all()))
        return self

    def place(self, unit: AdminUnit | int | str | None) -> Place:
        if unit is None or unit == "":
            return NO_PLACE
        if isinstance(unit, AdminUnit):
            unit = unit.pk
        cache, lookup = (self._by_id, unit) if isinstance(unit, int) else (self._by_key, unit.strip())
        if lookup not in cache:
            self.prefetch([lookup])
        return cache.get(lookup, NO_PLACE)

    def knows(self, key: str) -> bool:
        """Whether a unit key names a real unit (after ``preload_all`` this asks no query)."""
        return self.place(key) is not NO_PLACE

    def profile(self, data: PersonData) -> Profile:
        """``build_profile(data, self)``, remembered for the last ``KEPT_PROFILES`` persons: an import needs the
        profile of a row's person for the duplicate check, the check within its batch and the keys it stores."""
        key = _profile_key(data)
        found = self._profiles.get(key)
        if found is None:
            found = self.keep(data, build_profile(data, self))
        return found

    def keep(self, data: PersonData, profile: Profile) -> Profile:
        """Remember ``profile`` as the profile of ``data`` (built by another process of the same import)."""
        if len(self._profiles) >= KEPT_PROFILES:
            del self._profiles[next(iter(self._profiles))]
        self._profiles[_profile_key(data)] = profile
        return profile


KEPT_PROFILES = 20_000


def _profile_key(data: PersonData) -> tuple:
    """What ``build_profile`` reads of ``data``: the birth year and precision count only as it reads them."""
    unit = data.home_unit
    if isinstance(unit, AdminUnit):
        unit = unit.pk
    dated = data.birth_date is not None
    return (data.full_name, tuple(data.other_names or ()), data.birth_date, data.birth_precision if dated else None,
            None if dated else data.birth_year, data.sex, data.citizen_id, data.old_id, data.passport, data.phone,
            unit, data.father_name, data.mother_name)


@dataclass(frozen=True, slots=True)
class Profile:
    """The normalised features of a person that scoring and blocking read."""

    names: tuple[ParsedName, ...]  # the readings of the full name first, then of other names
    father: tuple[ParsedName, ...]
    mother: tuple[ParsedName, ...]
    year: int | None
    month: int | None
    day: int | None
    sex: str
    ids: dict[str, str]  # "cccd" / "cmnd" / "passport" / "phone" -> normalised value
    place: Place
    # The ID numbers other than the phone cut in six, as one set of (kind, position, part); None when one is too
    # short to cut. Two numbers of one kind that are the same or one edit apart share at least four parts: two
    # profiles sharing fewer hold no such pair (``_ids_points``), though numbers issued in one province share their
    # first parts.
    id_parts: frozenset[tuple[str, int, str]] | None = None
    id_kinds: frozenset[str] = frozenset()  # the keys of ``ids``
    # Derived from the names for the score's bound (``scoring.score_ceiling``): the family names of every reading,
    # whether a reading has none, and which parents are named (1 the father, 2 the mother).
    families: frozenset[str] = frozenset()
    family_missing: bool = True
    parents: int = 0

    def __reduce__(self):
        # Pickled by value: an import's helper process sends thousands of profiles a batch, and a slotted dataclass
        # pickles by looking up its fields for every instance (four times slower).
        return Profile, _PROFILE_VALUES(self)

    @property
    def name(self) -> ParsedName:
        return self.names[0] if self.names else EMPTY_NAME


def _classify_id(value: str) -> str:
    digits = normalise(value, kind="id_number")
    if digits.isdigit() and len(digits) == 12:
        return "cccd"
    if digits.isdigit() and len(digits) == 9:
        return "cmnd"
    return "other_id"


def build_profile(data: PersonData, resolver: UnitResolver) -> Profile:
    names = [variant for text in [data.full_name, *(data.other_names or [])] if text
             for variant in parse_name_variants(text) if not variant.empty] or [EMPTY_NAME]
    year = month = day = None
    if data.birth_date is not None:
        year = data.birth_date.year
        if data.birth_precision in ("day", "month"):
            month = data.birth_date.month
        if data.birth_precision == "day":
            day = data.birth_date.day
    elif data.birth_year:
        year = int(data.birth_year)
    ids: dict[str, str] = {}
    # A 12-digit number is a CCCD and a 9-digit one a CMND whichever field it was typed in; the last nine digits of
    # a CCCD are not the CMND, so the two kinds are never compared with each other.
    for value in (data.old_id, data.citizen_id):
        if value and value.strip():
            ids[_classify_id(value)] = normalise(value, kind="id_number")
    if data.passport and data.passport.strip():
        ids["passport"] = normalise(data.passport, kind="id_number")
    if data.phone and data.phone.strip():
        ids["phone"] = normalise(data.phone, kind="phone")
    father = parse_name_variants(data.father_name or "")
    mother = parse_name_variants(data.mother_name or "")
    families = frozenset(name.family for name in names if name.family)
    return Profile(
        names=tuple(names),
        father=father,
        mother=mother,
        year=year,
        month=month,
        day=day,
        sex=data.sex if data.sex in ("female", "male") else "unknown",
        ids=ids,
        place=resolver.place(data.home_unit),
        id_parts=id_parts(ids),
        id_kinds=_shared(frozenset(ids)),
        families=_shared(families),
        family_missing=any(not name.family for name in names),
        parents=(0 if father[0].empty else 1) | (0 if mother[0].empty else 2),
    )


_SHARED: dict[frozenset, frozenset] = {}


def _shared(values: frozenset) -> frozenset:
    """One object for the many profiles with the same set (one family name, a citizen ID alone)."""
    return _SHARED.setdefault(values, values)


_PROFILE_VALUES = attrgetter(*(name for name in Profile.__dataclass_fields__))


ID_PARTS = 6


def id_parts(ids: dict[str, str]) -> frozenset[tuple[str, int, str]] | None:
    """``Profile.id_parts`` of these ID numbers. Each part is one object for all the profiles that have it (up to
    ``KEPT_PARTS`` of them): the bound compares the parts of a hundred candidates a row, and two parts found equal
    by their identity need no comparison of their contents (the bound takes about a sixth less time)."""
    numbers = [(kind, value) for kind, value in ids.items() if kind != "phone"]
    if any(len(value) < ID_PARTS for _kind, value in numbers):
        return None
    parts = ((kind, position, value[position * len(value) // ID_PARTS:(position + 1) * len(value) // ID_PARTS])
             for kind, value in numbers for position in range(ID_PARTS))
    if len(_PARTS) >= KEPT_PARTS:
        return frozenset(parts)
    return frozenset(_PARTS.setdefault(part, part) for part in parts)


KEPT_PARTS = 100_000  # a part is a sixth of a number: a few thousand kinds of them in a province's lists
_PARTS: dict[tuple[str, int, str], tuple[str, int, str]] = {}


def thirds(value: str) -> tuple[str, str, str]:
    """``value`` cut into three parts at a third and two thirds of its length: one changed character or two swapped
    neighbours leave at least one of the three unchanged, so two numbers of one length that differ in all three
    are more than one edit apart."""
    n = len(value)
    first, second = n // 3, 2 * n // 3
    return value[:first], value[first:second], value[second:]


def person_data(person) -> PersonData:
    """The plain values of a (decrypted, in memory) ``Person``."""
    return PersonData(
        full_name=person.full_name or "",
        other_names=[n for n in (person.other_names or []) if isinstance(n, str)],
        birth_date=person.birth_date,
        birth_precision=person.birth_precision,
        birth_year=person.birth_year,
        sex=person.sex,
        citizen_id=person.citizen_id or "",
        old_id=person.old_id or "",
        passport=person.passport or "",
        phone=person.phone or "",
        home_unit=person.home_unit_id,
        father_name=person.father_name or "",
        mother_name=person.mother_name or "",
    )
