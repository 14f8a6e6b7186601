"""Cases, their intake, documents, accompanying children, attachments and timeline (DESIGN §2 point 1)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.core.storage import private_files
from trove.core.versioning import Versioned
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


class ExploitationType(models.TextChoices):
    # shared/domain/categories.md, "Exploitation"; codes are HTCDS v2.0 vic_TypeOfExploitation values. The purposes
    # of Decree 62/2012/NĐ-CP Art. 5 (regime A) and of Law 53/2024/QH15 (regime B) map onto them.
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Forced childbirth")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced law-breaking")
    OTHER = "Other", _("Other")


class Case(AgencyOwned, Versioned):
    """A person's file (hồ sơ). Its code and pseudonym carry no personal data, so they may be shown to anyone who
    may see the case; ``unit`` is where the person was received, under the units valid on that day. ``version`` is
    the optimistic lock (trove.core.versioning) for edits of the file."""

    code = models.CharField(_("case code"), max_length=24, unique=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="cases")
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED,
                              db_index=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    # The intake's ``received_at`` (set with it, never changed): the cases of an agency or a unit received in a month
    # are then one range of an index, instead of every intake of that month in the country, each joined to its case.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, editable=False)
    closed_reason = models.CharField(_("reason for closing"), max_length=40, blank=True)
    # Set by the retention run on a case closed longer than the configured period: read-only, out of daily lists.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["owner_agency", "-opened_at"]), models.Index(fields=["unit", "-opened_at"]),
                   # The owning agencies of the cases a supervisor sees, read from the index alone (case list filter).
                   models.Index(fields=["unit", "owner_agency"], name="cases_case_unit_owner"),
                   models.Index(fields=["owner_agency", "received_at"], name="cases_case_owner_received"),
                   models.Index(fields=["unit", "received_at"], name="cases_case_unit_received")]

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
        # The case list's "received from/until" filter and the statistics by receiving date.
        indexes = [models.Index(fields=["received_at"], name="cases_intake_received_at")]

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


class CaseExploitation(models.Model):
    """One type of exploitation the person suffered, as the officers recorded it on the case (either regime); a case
    may have several. Statistics count cases by these rows; a case with none is "not recorded"."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="exploitations")
    type = models.CharField(_("type of exploitation"), max_length=24, choices=ExploitationType.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("type of exploitation")
        verbose_name_plural = _("types of exploitation")
        constraints = [models.UniqueConstraint(fields=["case", "type"], name="case_exploitation_once")]
        indexes = [models.Index(fields=["type", "case"])]

    def __str__(self) -> str:
        return f"{self.type} of {self.case_id}"


# Attachments live in the private storage (trove.core.storage): outside the web root, read only by views that ask
# the access policy.


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the uploaded name may hold a person's name and stays encrypted in the row.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_files, upload_to=attachment_path, max_length=200)
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


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the receiving agency")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CaseTransfer(models.Model):
    """A request to hand a case over to another agency, usually because the person moved to another commune or
    province (issue 7, part 3). While it waits, the receiving agency takes part in the case so that it can decide;
    when it accepts, the case and every record that belongs to the case move to it, history included."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey("agencies.Agency", verbose_name=_("from"), on_delete=models.PROTECT,
                                    related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", verbose_name=_("to"), on_delete=models.PROTECT,
                                  related_name="case_transfers_received")
    # Why the case moves (the person's new place, say): it may say where the person lives, so it is encrypted.
    reason = EncryptedTextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why the receiving agency rejected it; encrypted for the same reason.
    rejection_reason = EncryptedTextField(_("reason for rejecting"), blank=True)
    participation = models.ForeignKey("core.Participation", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["case", "requested_at", "pk"]
        constraints = [
            # One request at a time waits for an answer.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="requested"),
                                    name="cases_one_waiting_transfer"),
        ]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self) -> str:
        return f"transfer {self.pk} of {self.case_id}"


class CaseReopening(models.Model):
    """Why a closed case was reopened (categories.md: "Reopen is allowed, with a reason"). The reason may say
    something about the person, so it is kept here, encrypted, rather than in the timeline or the audit log."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reopenings")
    at = models.DateTimeField(_("reopened at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    closed_reason = models.CharField(_("reason it had been closed for"), max_length=40, blank=True)
    reason = EncryptedTextField(_("reason for reopening"))

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"reopening {self.pk} of {self.case_id}"
