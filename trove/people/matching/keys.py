"""Blocking keys: the coarse combinations under which two records of one person are expected to meet.

Each key combines a few normalised parts; the province and commune are those of the 2025 set, reached through the
succession, so that a person recorded under a legacy code and under a 2025 code share keys. Stored keys hold the
exact birth year; a look-up probes the year before and after too, so that "birth year ±1" still meets.

| key | parts | finds |
|---|---|---|
| gyp | given name skeleton, birth year, 2025 province | the common case |
| fgy | family, given, birth year | a record without a home unit |
| fgc | family, given, 2025 commune | a record without a birth year |
| gd / fd | given or family, full date of birth | a typo in the family or the given name |
| fyc | family, birth year, 2025 commune | a typo in the given name |
| sw | the name's words sorted, birth year | an unrecognised family name in another order |
| pp | family, father's and mother's given names | a typo in the given name, no date |
| fg | family, given — stored only for a record with neither year nor home unit | such sparse records |

In the database a key is kept as a keyed hash (``hashed_key``), never in clear; batch matching in memory uses the
strings themselves.
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from trove.people.matching.names import ParsedName, skeleton
from trove.people.matching.profile import Profile, UnitResolver, person_data

# How much one shared key says, to rank candidates before the few best are decrypted.
KEY_WEIGHTS = {"gd": 5.0, "fgc": 4.0, "fd": 3.0, "fgy": 3.0, "gyp": 3.0, "pp": 3.0, "fyc": 2.0, "sw": 2.0,
               "fg": 1.0}


def _givens(name: ParsedName) -> set[str]:
    return {skeleton(folded) for folded, _accented in name.given_options}


def _date(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _keys(profile: Profile, years: tuple[int, ...], dates: tuple[str, ...], *, probe: bool) -> set[str]:
    keys: set[str] = set()
    place = profile.place
    parent_f = sorted(_givens(profile.father[0]))[:1]
    parent_m = sorted(_givens(profile.mother[0]))[:1]
    for name in profile.names:
        family = name.family
        givens = _givens(name)
        words = ".".join(sorted({skeleton(w) for w in name.personal} | ({family} if family else set())))
        for given in givens:
            for year in years:
                keys.update(f"gyp|{given}|{year}|{province}" for province in place.provinces)
                if family:
                    keys.add(f"fgy|{family}|{given}|{year}")
            keys.update(f"fgc|{family}|{given}|{commune}" for commune in place.communes)
            keys.update(f"gd|{given}|{day}" for day in dates)
            if probe or (not years and not place.communes):
                keys.add(f"fg|{family}|{given}")
        if family:
            keys.update(f"fd|{family}|{day}" for day in dates)
            for year in years:
                keys.update(f"fyc|{family}|{year}|{commune}" for commune in place.communes)
            if parent_f and parent_m:
                keys.add(f"pp|{family}|{parent_f[0]}|{parent_m[0]}")
        if words:
            keys.update(f"sw|{words}|{year}" for year in years)
    return keys


# The stored keys of the last profiles asked about, by identity (a profile is not hashable): an import asks for the
# same profile's keys when it checks a row within its batch, writes the person and remembers them for the next batches.
_STORED: dict[int, tuple[Profile, frozenset[str]]] = {}
KEPT_STORED = 10_000


def stored_keys(profile: Profile) -> frozenset[str]:
    """The keys a person is filed under."""
    found = _STORED.get(id(profile))
    if found is not None and found[0] is profile:
        return found[1]
    years = (profile.year,) if profile.year else ()
    dates = (_date(profile.year, profile.month, profile.day),) if profile.day else ()
    keys = frozenset(_keys(profile, years, dates, probe=False))
    if len(_STORED) >= KEPT_STORED:
        _STORED.clear()
    _STORED[id(profile)] = (profile, keys)  # the profile is held, so its id is not reused while it is here
    return keys


def probe_keys(profile: Profile) -> dict[str, float]:
    """The keys to look up for a person, with their ranking weights: their own keys at full weight, and at half
    weight those with the birth year ±1 or the day and month of birth swapped."""
    own = stored_keys(profile) | _keys(profile, (), (), probe=True)  # fg, which is stored only for sparse records
    years = (profile.year - 1, profile.year + 1) if profile.year else ()
    dates: tuple[str, ...] = ()
    if profile.day and profile.day <= 12 and profile.day != profile.month:
        dates = (_date(profile.year, profile.day, profile.month),)
    near = _keys(profile, years, dates, probe=True) - own
    weights = {key: KEY_WEIGHTS[key.split("|", 1)[0]] for key in own}
    weights.update({key: KEY_WEIGHTS[key.split("|", 1)[0]] / 2 for key in near})
    return weights


def hashed_key(key: str) -> int:
    """The stored form of a key: the first 64 bits of its HMAC under the blind-index key, as a signed integer."""
    return _hashed(settings.BLIND_INDEX_KEY, key)


@lru_cache(maxsize=1 << 17)
def _hashed(secret: str, key: str) -> int:
    # Remembered: the same keys (a common given name, a year, a province) come back for many persons.
    digest = hmac.digest(secret.encode(), f"match|{key}".encode(), "sha256")
    return int.from_bytes(digest[:8], "big", signed=True)


def match_key_rows(person, resolver: UnitResolver | None = None) -> list:
    """Unsaved ``MatchKey`` rows for a person (decrypted, in memory), for bulk inserts."""
    from trove.people.models import MatchKey

    return [MatchKey(person_id=person.pk, key=key) for key in person_match_keys(person, resolver)]


def person_match_keys(person, resolver: UnitResolver | None = None) -> list[int]:
    """The stored keys of a person (decrypted, in memory), in the order ``match_key_rows`` gives them."""
    profile = (resolver or UnitResolver()).profile(person_data(person))
    return [hashed_key(key) for key in sorted(stored_keys(profile))]


def refresh_match_keys(person, resolver: UnitResolver | None = None) -> None:
    """(Re)compute and store a person's blocking keys. Call it after every save that changes the person's names,
    birth date, sex, ID numbers, home unit or parents' names (the intake action does, after ``index_identity`` and
    ``refresh_name_tokens``); a merged person keeps its keys, and ``find_candidates`` skips it."""
    from trove.people.models import MatchKey

    rows = match_key_rows(person, resolver)
    with transaction.atomic():
        MatchKey.objects.filter(person_id=person.pk).delete()
        MatchKey.objects.bulk_create(rows)
