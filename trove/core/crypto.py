"""Encryption of identity data at rest, keyed blind indexes for exact look-ups, and masking for logs (DESIGN §4).

Keys come from settings, which read them from the environment (or ``var/``):

- ``FIELD_ENCRYPTION_KEYS``: Fernet keys, the first encrypts and every one decrypts, so that a new key can be put in
  front, ``manage.py rotate_keys`` run, and the old key removed afterwards.
- ``BLIND_INDEX_KEY``: the HMAC-SHA256 key of blind indexes. Changing it changes every index, so it is not rotated
  with the encryption keys; a new one means recomputing the stored indexes.

Nothing in this module logs or puts a value in an exception message: a value that leaks can get a person hurt.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "BLIND_INDEX_KINDS",
    "InvalidToken",
    "blind_index",
    "decrypt",
    "encrypt",
    "generate_blind_index_key",
    "generate_fernet_key",
    "mask",
    "normalise",
    "rotate",
]


def generate_fernet_key() -> str:
    """A new key for ``FIELD_ENCRYPTION_KEYS`` (used by settings when ``var/`` holds none yet)."""
    return Fernet.generate_key().decode()


def generate_blind_index_key() -> str:
    """A new key for ``BLIND_INDEX_KEY``: 256 random bits as hex."""
    return secrets.token_hex(32)


def _configured_keys() -> tuple[str, ...]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if isinstance(raw, str):
        raw = raw.split(",")
    keys = tuple(key.strip() for key in (raw or ()) if key and key.strip())
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: set it to one or more Fernet keys separated by commas."
        )
    return keys


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            # Never echo the key itself: say which one is wrong.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from None
    return fernets[0], MultiFernet(fernets)


def _current() -> tuple[Fernet, MultiFernet]:
    # Keyed on the configured keys, so override_settings and a changed key list take effect at once.
    return _fernets(_configured_keys())


def encrypt(text: str) -> str:
    """Encrypt ``text`` with the first key; the result is an ASCII Fernet token."""
    return _current()[1].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a token made with any configured key. Raises ``InvalidToken`` when no key fits."""
    return _current()[1].decrypt(token.encode()).decode()


def encrypt_bytes(content: bytes) -> bytes:
    """Encrypt a file's content with the keys of the identity fields (same keys, same rotation)."""
    return _current()[1].encrypt(content)


def decrypt_bytes(token: bytes) -> bytes:
    return _current()[1].decrypt(token)


def rotate(token: str) -> str | None:
    """Re-encrypt ``token`` with the first key, or return None when it already uses that key.

    The new token keeps the original timestamp (``MultiFernet.rotate``). Raises ``InvalidToken`` when no key fits.
    """
    first, multi = _current()
    data = token.encode()
    try:
        first.decrypt(data)
    except InvalidToken:
        return multi.rotate(data).decode()
    return None


# Blind indexes ------------------------------------------------------------------------------------------------------

BLIND_INDEX_KINDS = ("name", "id_number", "phone", "date")

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_NOT_DIGIT = re.compile(r"\D")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _without_diacritics(text: str) -> str:
    # đ/Đ is a letter of its own, not d with a mark, so NFKD leaves it alone.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _normal_date(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return ""
    day_first = _DAY_FIRST.match(text)
    try:
        if day_first:
            # Vietnamese documents write dates day first: 05/01/1990 is 5 January.
            day, month, year = (int(part) for part in day_first.groups())
            return datetime.date(year, month, day).isoformat()
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError("blind_index(kind='date') needs a date, an ISO date or a day/month/year date.") from None


def _normal_phone(value: object) -> str:
    text = str(value).strip()
    digits = _NOT_DIGIT.sub("", text)
    if text.startswith("+84") or text.startswith("0084"):
        digits = "0" + digits[4:] if text.startswith("0084") else "0" + digits[2:]
    elif digits.startswith("84") and len(digits) >= 11:
        # Numbers inside Vietnam start with 0; one that starts with 84 and is long enough was written
        # internationally without the plus.
        digits = "0" + digits[2:]
    return digits


def normalise(value: object, *, kind: str) -> str:
    """The form of ``value`` that a blind index of ``kind`` is computed over."""
    if value is None:
        return ""
    if kind == "name":
        return _SPACES.sub(" ", _without_diacritics(str(value))).strip().casefold()
    if kind == "id_number":
        return _NOT_ALNUM.sub("", _without_diacritics(str(value))).upper()
    if kind == "phone":
        return _normal_phone(value)
    if kind == "date":
        return _normal_date(value)
    raise ValueError(f"Unknown blind index kind {kind!r}; use one of {', '.join(BLIND_INDEX_KINDS)}.")


def _blind_index_key() -> bytes:
    key = getattr(settings, "BLIND_INDEX_KEY", "")
    if not key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty: set it to a long random value (e.g. 64 hex digits).")
    return key.encode()


def blind_index(value: object, *, kind: str) -> str:
    """HMAC-SHA256 of the normalised value as 64 hex digits, or "" when there is nothing to index.

    The kind is part of the hashed text, so a phone number and an ID number with the same digits get different
    indexes. An empty value gets "" rather than a hash so that every empty field does not match every other.
    """
    normal = normalise(value, kind=kind)
    if not normal:
        return ""
    return hmac.new(_blind_index_key(), f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()


# Masking ------------------------------------------------------------------------------------------------------------

HIDDEN = "•••"


def _mask_word(word: str) -> str:
    if len(word) >= 4:
        return f"{word[0]}***{word[-1]}"
    if len(word) == 3:
        return f"{word[0]}**"
    return word[0]


def mask(value: object) -> str:
    """A hint of a value for logs and audit diffs that does not give it away.

    "Nguyễn Văn An" becomes "N***n V** A"; values shorter than four characters become "•••"; nothing stays "".
    Lists (aliases, relatives) are masked item by item.
    """
    if value is None:
        return ""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "; ".join(mask(item) for item in value)
    if isinstance(value, dict):
        return HIDDEN if value else ""
    text = _SPACES.sub(" ", str(value)).strip()
    if not text:
        return ""
    if len(text) < 4:
        return HIDDEN
    return " ".join(_mask_word(word) for word in text.split(" "))
