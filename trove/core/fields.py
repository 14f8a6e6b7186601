"""Model fields that keep identity data encrypted at rest (DESIGN §4).

A value is encrypted with the first of ``FIELD_ENCRYPTION_KEYS`` when it is saved and decrypted when it is loaded;
the column is a text column holding a Fernet token. The database cannot compare encrypted values, so every lookup
except ``isnull`` is refused: exact look-ups go through a blind index stored next to the field
(``trove.core.crypto.blind_index``), fuzzy matching decrypts only the candidates.

An empty text is stored as "" rather than encrypted, so that an added column with a default of "" reads back.
"""

from __future__ import annotations

import datetime
import json

from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from trove.core import crypto


class EncryptedFieldLookupError(FieldError):
    pass


def _refuse(field: models.Field, lookup_name: str) -> EncryptedFieldLookupError:
    return EncryptedFieldLookupError(
        f"{field.model._meta.label}.{field.name} is encrypted and cannot be filtered with __{lookup_name}: "
        "look it up through its blind index (trove.core.crypto.blind_index) instead."
    )


class _NoneOnlyExact(Exact):
    """``field=None`` is how Django spells ``field__isnull=True``; any other value cannot be compared."""

    def __init__(self, lhs, rhs):
        if rhs is not None:
            raise _refuse(lhs.output_field, "exact")
        super().__init__(lhs, rhs)


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Subclasses change only how a value becomes text and back."""

    description = _("Encrypted text")
    empty_value: object = ""

    def serialise(self, value: object) -> str:
        return str(value)

    def deserialise(self, text: str) -> object:
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_value
        try:
            text = crypto.decrypt(value)
        except crypto.InvalidToken:
            # Name the field, never the value or the token.
            raise ImproperlyConfigured(
                f"{self.model._meta.label}.{self.name} cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
                "the key that encrypted it is missing."
            ) from None
        return self.deserialise(text)

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        value = self.to_python(value)
        if value is None:
            return None
        text = self.serialise(value)
        return crypto.encrypt(text) if text != "" else ""

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _NoneOnlyExact
        raise _refuse(self, lookup_name)

    def get_transform(self, lookup_name):
        raise EncryptedFieldLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted and cannot be transformed with __{lookup_name}."
        )


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted as its ISO text."""

    description = _("Encrypted date")
    empty_value = None

    def serialise(self, value: object) -> str:
        return value.isoformat()

    def deserialise(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("Enter a valid date."), code="invalid") from None

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{"form_class": forms.DateField, **kwargs})


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a list of aliases, of relatives…) stored encrypted as one token."""

    description = _("Encrypted JSON")
    empty_value = None

    def serialise(self, value: object) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def deserialise(self, text: str) -> object:
        return json.loads(text)

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{"form_class": forms.JSONField, **kwargs})


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """The encrypted columns a model declares itself (not those it inherits through a parent table)."""
    return [field for field in model._meta.local_concrete_fields if isinstance(field, EncryptedTextField)]
