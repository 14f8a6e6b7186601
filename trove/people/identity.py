"""Keeping a person's look-up keys in step with their encrypted identity.

Every exact look-up goes through keyed hashes: ID numbers and phone in ``*_index`` columns, and each word of the
names in ``NameToken`` rows. Call ``index_identity`` before saving a person and ``refresh_name_tokens`` after.
"""

from __future__ import annotations

import re

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


def persons_named(query: str) -> models.QuerySet:
    """Ids of persons whose names contain every word of ``query`` (accents and case ignored), as a subquery."""
    words = name_words(query[:200])[:MAX_QUERY_WORDS]
    if not words:
        return Person.objects.none().values("pk")
    tokens = [name_token(word) for word in words]
    return (
        NameToken.objects.filter(token__in=tokens)
        .values("person_id")
        .annotate(hits=models.Count("token", distinct=True))
        .filter(hits=len(set(tokens)))
        .values("person_id")
    )
