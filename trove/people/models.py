"""Persons and the registries of suspected victims and missing persons (DESIGN §2 points 1–2, §5).

Identity is encrypted at rest. What statistics and matching need in the clear is kept apart and coarse: sex, birth
year, ethnicity, nationality and the home unit. Exact look-ups (ID numbers, phone, name words) go through keyed
blind indexes; nothing is ever found by decrypting the table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.core.versioning import Versioned


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Full date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    VOCATIONAL = "vocational", _("Vocational training")
    HIGHER = "higher", _("College or university")
    UNKNOWN = "unknown", _("Unknown")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced or separated")
    WIDOWED = "widowed", _("Widowed")
    UNKNOWN = "unknown", _("Unknown")


class Person(Versioned):
    """Somebody the system knows: a victim, a person being identified, a child accompanying them, a suspected or
    missing person. A person is seen only through a record that the access policy lets the user see."""

    # Identity, encrypted.
    full_name = EncryptedTextField(_("full name"))
    other_names = EncryptedJSONField(_("other names and aliases"), null=True, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    citizen_id = EncryptedTextField(_("citizen ID (CCCD)"), blank=True)
    old_id = EncryptedTextField(_("old ID card (CMND)"), blank=True)
    passport = EncryptedTextField(_("passport"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    home_address = EncryptedTextField(_("home address"), blank=True)
    current_address = EncryptedTextField(_("current address"), blank=True)
    father_name = EncryptedTextField(_("father's name"), blank=True)
    mother_name = EncryptedTextField(_("mother's name"), blank=True)
    relatives = EncryptedJSONField(_("relatives"), null=True, blank=True)  # [{"name", "relation", "phone"}]
    # Set when identity was erased on a lawful request: the fields above are emptied, the counts keep the person.
    erased_at = models.DateTimeField(_("identity erased at"), null=True, blank=True, editable=False)

    # Keyed blind indexes for exact look-ups (trove.core.crypto.blind_index).
    citizen_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    old_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    passport_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # Coarse facts in the clear, for statistics and for narrowing matches.
    birth_precision = models.CharField(_("precision of the birth date"), max_length=5, choices=DatePrecision.choices,
                                       default=DatePrecision.DAY)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, blank=True)
    nationality = models.ForeignKey("geo.Country", verbose_name=_("nationality"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, default=Education.UNKNOWN)
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices,
                                      default=MaritalStatus.UNKNOWN)
    home_unit = models.ForeignKey("geo.AdminUnit", verbose_name=_("home commune"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    current_unit = models.ForeignKey("geo.AdminUnit", verbose_name=_("current commune"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_from")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        # Never the name: a person's string form ends up in logs, admin messages and error reports.
        return f"person #{self.pk}"


class NameToken(models.Model):
    """One word of a person's names, normalised and keyed (HMAC): what name search and matching look up."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "person"], name="people_name_token_unique")]

    def __str__(self) -> str:
        return f"name token of {self.person_id}"


class RiskChannel(models.TextChoices):
    LABOUR_EXPORT = "labour_export", _("Labour export")
    TOURISM = "tourism", _("Tourism")
    MARRIAGE_FOREIGNER = "marriage_foreigner", _("Marriage to a foreigner")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment")
    OTHER = "other", _("Other")


class SuspectedStatus(models.TextChoices):
    MONITORING = "monitoring", _("Monitoring")
    LOCATED = "located", _("Located")
    BECAME_CASE = "became_case", _("Became a case")
    CLOSED = "closed", _("Closed")


class MissingStatus(models.TextChoices):
    MISSING = "missing", _("Missing, not yet rescued")
    LOCATED = "located", _("Located")
    RETURNED = "returned", _("Returned")
    BECAME_CASE = "became_case", _("Became a case")
    CLOSED = "closed", _("Closed")


class RegistryEntry(AgencyOwned):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("reported on"))
    reported_by = EncryptedTextField(_("reported by"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        abstract = True


class SuspectedVictim(RegistryEntry):
    """Someone who may be a victim (nghi là nạn nhân), followed by risk channel until located or opened as a case."""

    risk_channel = models.CharField(_("risk channel"), max_length=20, choices=RiskChannel.choices)
    destination_country = models.ForeignKey("geo.Country", verbose_name=_("destination country"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=SuspectedStatus.choices,
                              default=SuspectedStatus.MONITORING)

    class Meta:
        verbose_name = _("suspected victim")
        verbose_name_plural = _("suspected victims")

    def __str__(self) -> str:
        return f"suspected #{self.pk}"


class MissingPerson(RegistryEntry):
    """A person reported missing or not yet rescued (chưa được giải cứu), usually by their family."""

    last_known_place = EncryptedTextField(_("last known place"), blank=True)
    last_known_country = models.ForeignKey("geo.Country", verbose_name=_("last known country"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    missing_since = models.DateField(_("missing since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MissingStatus.choices,
                              default=MissingStatus.MISSING)

    class Meta:
        verbose_name = _("missing person")
        verbose_name_plural = _("missing persons")

    def __str__(self) -> str:
        return f"missing #{self.pk}"
from trove.people.models_matching import MatchKey, PersonMerge  # noqa: E402,F401
