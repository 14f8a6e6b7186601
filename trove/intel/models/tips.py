"""Tips about trafficking (thông tin liên quan đến mua bán người, DESIGN §2 point 8).

A tip belongs to the agency handling it (``owner_agency``); assigning it to another agency moves it. Everything that
may say who somebody is — what was reported, the place, the people, phone numbers and accounts named, and the
informant — is encrypted. The informant is shown only to members of the handling agency who hold
``tip.view_informant``, each time on request and audited.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedJSONField, EncryptedTextField
from trove.core.models.access import AgencyOwned


class TipSource(models.TextChoices):
    HOTLINE = "hotline", _("Hotline 111")
    CITIZEN = "citizen", _("Citizen")
    AGENCY = "agency", _("Agency or organisation")
    MEDIA = "media", _("Press and media")
    ONLINE = "online", _("Online (website, social network)")


class Classification(models.TextChoices):
    TRAFFICKING = "trafficking", _("Trafficking in persons")
    RELATED = "related", _("Related offence")
    NOT_RELATED = "not_related", _("Not related")
    NOT_ENOUGH = "not_enough", _("Not enough information")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Not yet classified")
    CLASSIFIED = "classified", _("Being handled")
    CONCLUDED = "concluded", _("Handled")


class TipOutcome(models.TextChoices):
    PASSED_TO_INVESTIGATION = "passed_to_investigation", _("Passed to investigation")
    BECAME_CASE = "became_case", _("Became a case")
    RESCUED = "rescued", _("Persons rescued")
    CLOSED = "closed", _("Closed without further action")


class Tip(AgencyOwned):
    access_view_permission = "tip.view"

    code = models.CharField(_("code"), max_length=24, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=TipSource.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    received_agency = models.ForeignKey("agencies.Agency", verbose_name=_("received by agency"),
                                        on_delete=models.PROTECT, related_name="+")
    # What was reported, where, about whom: free text that may name people, so encrypted.
    content = EncryptedTextField(_("what was reported"))
    place_text = EncryptedTextField(_("place"), blank=True)
    incident_on = models.DateField(_("when it happened"), null=True, blank=True)
    # {"persons": [...], "places": [...], "phones": [...], "accounts": [...]}: lines as the informant gave them.
    subjects = EncryptedJSONField(_("people, places, phone numbers and accounts named"), null=True, blank=True)
    informant_name = EncryptedTextField(_("informant's name"), blank=True)
    informant_contact = EncryptedTextField(_("informant's contact"), blank=True)
    informant_anonymous = models.BooleanField(_("the informant did not give their name"), default=False)

    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices,
                                      blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    classified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("classified by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    # Deadlines fixed when the tip is received, from the time-limit rows in force that day (NULL: limit not set).
    classification_due = models.DateField(_("to be classified by"), null=True, blank=True)
    handling_due = models.DateField(_("to be handled by"), null=True, blank=True)
    # The deadline the tip waits on now (classification, then handling; NULL once handled): what lists sort on.
    next_due = models.DateField(_("next deadline"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=30, choices=TipOutcome.choices, blank=True)
    concluded_on = models.DateField(_("handled on"), null=True, blank=True)
    rescued_count = models.PositiveSmallIntegerField(_("persons rescued"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["owner_agency", "status", "next_due"]),
            models.Index(fields=["status", "next_due"]),
            models.Index(fields=["unit", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status="received", classification="")
                                   | ~models.Q(status="received") & ~models.Q(classification=""),
                                   name="intel_tip_classified_when_not_received"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("intel:tip", args=[self.code])

    @property
    def received_on(self) -> datetime.date:
        return timezone.localdate(self.received_at)

    @property
    def classification_overdue(self) -> bool:
        return (self.status == TipStatus.RECEIVED and self.classification_due is not None
                and self.classification_due < timezone.localdate())

    @property
    def handling_overdue(self) -> bool:
        return (self.status != TipStatus.CONCLUDED and self.handling_due is not None
                and self.handling_due < timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.classification_overdue or self.handling_overdue

    @property
    def classified_on_time(self) -> bool | None:
        if not self.classified_on:
            return None
        return self.classification_due is None or self.classified_on <= self.classification_due

    @property
    def handled_on_time(self) -> bool | None:
        if not self.concluded_on:
            return None
        return self.handling_due is None or self.concluded_on <= self.handling_due


class TipStepKind(models.TextChoices):
    # Written by the actions.
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned to another agency")
    CLASSIFIED = "classified", _("Classified")
    CONCLUDED = "concluded", _("Handled to an outcome")
    # Recorded by the people handling the tip.
    CHECK = "check", _("Information checked")
    FIELD_CHECK = "field_check", _("Checked on the spot")
    COORDINATION = "coordination", _("Worked with another agency")
    OTHER = "other", _("Other step")


RECORDED_STEP_KINDS = (TipStepKind.CHECK, TipStepKind.FIELD_CHECK, TipStepKind.COORDINATION, TipStepKind.OTHER)


class TipStep(models.Model):
    """One line of a tip's handling: what the actions did (received, assigned, classified, handled) and the steps
    the handling agency records. ``details`` holds codes and ids only; ``note`` may name people and is encrypted."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=TipStepKind.choices)
    done_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    note = EncryptedTextField(_("note"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("step of a tip")
        verbose_name_plural = _("steps of tips")
        ordering = ["tip", "done_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.tip_id}"


class LinkKind(models.TextChoices):
    CASE = "case", _("Case")
    PERSON = "person", _("Person")
    SUSPECTED = "suspected", _("Suspected victim")
    MISSING = "missing", _("Missing person")
    PROCEEDING = "proceeding", _("Criminal proceeding")


class TipLink(models.Model):
    """A record the tip is about or led to. Exactly one target is set, the one its ``kind`` names."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip"), on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    suspected = models.ForeignKey("people.SuspectedVictim", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    missing = models.ForeignKey("people.MissingPerson", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    proceeding = models.ForeignKey("intel.Proceeding", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="tip_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link of a tip")
        verbose_name_plural = _("links of tips")
        ordering = ["tip", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tip", "case"], name="intel_tiplink_unique_case"),
            models.UniqueConstraint(fields=["tip", "person"], name="intel_tiplink_unique_person"),
            models.UniqueConstraint(fields=["tip", "suspected"], name="intel_tiplink_unique_suspected"),
            models.UniqueConstraint(fields=["tip", "missing"], name="intel_tiplink_unique_missing"),
            models.UniqueConstraint(fields=["tip", "proceeding"], name="intel_tiplink_unique_proceeding"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} link of {self.tip_id}"

    @property
    def target_id(self) -> int | None:
        return getattr(self, f"{self.kind}_id")
