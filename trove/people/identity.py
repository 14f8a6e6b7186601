"""Keeping a person's look-up keys in step with their encrypted identity.

Every exact look-up goes through keyed hashes: ID numbers and phone in ``*_index`` columns, and each word of the
names in ``NameToken`` rows. Call ``index_identity`` before saving a person and ``refresh_name_tokens`` after.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.db import models

from trove.core.crypto import blind_index, normalise
from trove.people.models import NameToken, Person

INDEXED_FIELDS = {
    "citizen_id": ("citizen_id_index", "id_number"),
    "old_id": ("old_id_index", "id_number"),
    "passport": ("passport_index", "id_number"),
    "phone": ("phone_index", "phone"),
}
_WORD = re.compile(r"[0-9a-z]+")
MAX_QUERY_WORDS = 8


def name_words(*names: str) -> list[str]:
    """The words of names without diacritics, lower case: "Giàng Thị Mỷ" -> ["giang", "thi", "my"]."""
    words: list[str] = []
    for name in names:
        for word in _WORD.findall(normalise(name or "", kind="name")):
            if word not in words:
                words.append(word)
    return words


def name_token(word: str) -> str:
    return _name_token(settings.BLIND_INDEX_KEY, word)


@lru_cache(maxsize=1 << 16)
def _name_token(secret: str, word: str) -> str:
    # Remembered (keyed by the blind-index key too): a list of thousands of names has a few hundred distinct words.
    return blind_index(word, kind="name")


def index_identity(person: Person) -> None:
    """Fill the blind indexes and the birth year from the (decrypted, in-memory) identity."""
    for field, (index_field, kind) in INDEXED_FIELDS.items():
        setattr(person, index_field, blind_index(getattr(person, field) or "", kind=kind))
    person.birth_year = person.birth_date.year if person.birth_date else person.birth_year


def refresh_name_tokens(person: Person) -> None:
    words = name_words(person.full_name, *(person.other_names or []))
    tokens = {name_token(word) for word in words}
    NameToken.objects.filter(person=person).exclude(token__in=tokens).delete()
    existing = set(NameToken.objects.filter(person=person).values_list("token", flat=True))
    NameToken.objects.bulk_create([NameToken(person=person, token=token) for token in tokens - existing])


# How far the size of a word's group of names is counted: enough to tell a rare word from "nguyen" or "thi"; between
# two words over the cap the later one is taken first (in a Vietnamese name the given name comes last).
WORD_COUNT_CAP = 2_000


def persons_named(query: str) -> models.QuerySet:
    """Ids of persons whose names contain every word of ``query`` (accents and case ignored), as a subquery.

    The search starts from the rarest word and checks the others person by person: "Nguyễn" and "Thị" each belong to
    a third of all names, so grouping every token row of the words would read hundreds of thousands of rows to find
    the few hundred "Hoa". Each word's group is counted (up to ``WORD_COUNT_CAP``) when this is called.
    """
    words = name_words(query[:200])[:MAX_QUERY_WORDS]
    tokens = list(dict.fromkeys(name_token(word) for word in words))
    if not tokens:
        return NameToken.objects.none().values("person_id")
    if len(tokens) > 1:
        sizes = {token: NameToken.objects.filter(token=token)[:WORD_COUNT_CAP].count() for token in tokens}
        if not all(sizes.values()):
            return NameToken.objects.none().values("person_id")
        order = {token: -position for position, token in enumerate(tokens)}
        tokens.sort(key=lambda token: (sizes[token], order[token]))
    persons = NameToken.objects.filter(token=tokens[0])
    for token in tokens[1:]:
        same_person = NameToken.objects.filter(token=token, person_id=models.OuterRef("person_id"))
        persons = persons.filter(models.Exists(same_person))
    return persons.values("person_id")


def person_ids_named(query: str, limit: int = 5000) -> list[int]:
    """``persons_named`` read now, as a list of at most ``limit`` ids: a filter ``person_id IN (ids)`` lets the
    database go from the few persons named to their cases by index, where the subquery made it read every visible
    case first."""
    return list(persons_named(query).values_list("person_id", flat=True)[:limit])
