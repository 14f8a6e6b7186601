from django.db import models

from trove.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from trove.core.models.access import AgencyOwned


class IdentityRecord(models.Model):
    """Stands in for a person's identity: encrypted values and the blind index beside them."""

    full_name = EncryptedTextField(blank=True)
    full_name_index = models.CharField(max_length=64, blank=True, db_index=True)
    birth_date = EncryptedDateField(null=True, blank=True)
    aliases = EncryptedJSONField(null=True, blank=True)
    note = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return f"identity record {self.pk}"


class ContactRecord(models.Model):
    """A second model with an encrypted field, so that rotation is seen to walk every model."""

    phone = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return f"contact record {self.pk}"


class Dossier(AgencyOwned):
    """Stands in for any agency-owned record (a case, a tip, a plan) in the access-policy tests."""

    title = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.title
