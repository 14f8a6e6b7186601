"""Cases, their intake, documents, accompanying children, attachments and timeline (DESIGN §2 point 1)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.rules.models import IntakeChannel  # the channels the law names are a legal code list


class CaseStatus(models.TextChoices):
    # shared/domain/categories.md
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Verifying")
    BEING_IDENTIFIED = "being_identified", _("Being identified")
    IDENTIFIED_VICTIM = "identified_victim", _("Identified as a victim")
    NOT_VICTIM = "not_victim", _("Not a victim")
    SUPPORTING = "supporting", _("Supporting")
    REINTEGRATING = "reintegrating", _("Reintegrating")
    CLOSED = "closed", _("Closed")


FROM_ABROAD = {IntakeChannel.HANDOVER_OFFICIAL, IntakeChannel.RETURNED_SELF, IntakeChannel.RETURNED_MISSION}


class PlaceKind(models.TextChoices):
    BORDER_GATE = "border_gate", _("Border gate")
    BORDER_POST = "border_post", _("Border guard post")
    COMMUNE = "commune", _("Commune People's Committee")
    POLICE = "police", _("Police station")
    FACILITY = "facility", _("Shelter or support facility")
    OTHER = "other", _("Other place")


class Case(AgencyOwned):
    """A person's file (hồ sơ). Its code and pseudonym carry no personal data, so they may be shown to anyone who
    may see the case; ``unit`` is where the person was received, under the units valid on that day."""

    code = models.CharField(_("case code"), max_length=24, unique=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED,
                              db_index=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["owner_agency", "-opened_at"]), models.Index(fields=["unit", "-opened_at"])]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.code])


class CaseCounter(models.Model):
    """The last number given in a code series (prefix and year): codes are allocated under a row lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="cases_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Intake(models.Model):
    """How the person came: channel, when, where, who received them, what came with them, first support."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="intake")
    channel = models.CharField(_("channel"), max_length=20, choices=IntakeChannel.choices, db_index=True)
    received_at = models.DateTimeField(_("received at"))
    receiving_officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("receiving officer"),
                                          on_delete=models.PROTECT, related_name="+")
    place_kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    country_returned_from = models.ForeignKey("geo.Country", verbose_name=_("country returned from"), null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    # The referring body, or the hotline call reference.
    source_reference = models.CharField(_("referred by or call reference"), max_length=200, blank=True)
    immediate_needs = EncryptedTextField(_("immediate needs"), blank=True)
    first_support = EncryptedTextField(_("first support given"), blank=True)
    consent_given = models.BooleanField(_("consents to the processing of their data"), default=False)
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consent recorded by"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"intake of {self.case_id}"


class HandoverDocument(models.Model):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document"), max_length=200)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    attachment = models.ForeignKey("cases.Attachment", verbose_name=_("file"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("handover document")
        verbose_name_plural = _("handover documents")

    def __str__(self) -> str:
        return self.title


class AccompanyingChild(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("accompanying child")
        verbose_name_plural = _("accompanying children")

    def __str__(self) -> str:
        return f"child {self.person_id} of {self.case_id}"


class PrivateStorage(LazyObject):
    """Attachments live under ``ATTACHMENTS_ROOT`` (outside the web root, never served by the web server): only
    the attachment view, which asks the access policy, reads them."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.ATTACHMENTS_ROOT, base_url=None)


private_storage = PrivateStorage()


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the uploaded name may hold a person's name and stays encrypted in the row.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = EncryptedTextField(_("file name"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class CaseEvent(models.Model):
    """One line of a case's timeline. ``kind`` names what happened; ``details`` holds no identity data."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class IntakeDraft(models.Model):
    """An unfinished intake form, kept on the server (encrypted) rather than on a shared phone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = EncryptedTextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user"], name="cases_one_draft_per_user")]

    def __str__(self) -> str:
        return f"draft of {self.user_id}"
