"""Verification and identification of a case (DESIGN §2 point 3): the steps the law in force on the intake date
prescribes, with their deadlines; the requests sent to other agencies and their replies; the evidence checklist; and
the identification decision with its approval.

Free text that may say who the person is (replies, reasons, notes) is encrypted; what the timeline and notifications
carry is codes and step names only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class VerificationStep(models.Model):
    """One step of the procedure for one case, copied from the rule in force on the intake date.

    ``deadline`` is the last day of the step's time limit, NULL while the rule leaves the limit unset.
    """

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="verification_steps")
    rule = models.ForeignKey("rules.ProcedureStep", verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+")
    regime_code = models.CharField(_("regime"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # What was done, or why the step was skipped: it may name the person, so it is encrypted.
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="verification_step_unique_order")]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.case_id} step {self.order}"

    @property
    def is_open(self) -> bool:
        return self.status == StepStatus.PENDING

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today


class RequestKind(models.TextChoices):
    VERIFY_IDENTITY = "verify_identity", _("Verify identity")
    CONFIRM_RETURN = "confirm_return", _("Confirm the return")
    BACKGROUND_CHECK = "background_check", _("Check the background and account")
    CONFIRM_VICTIM = "confirm_victim", _("Confirm victim status")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class VerificationRequest(models.Model):
    """A written request to another agency (police, border guard, a mission abroad through the foreign affairs body)
    to verify something; the requested agency takes part in the case until the request is closed."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="verification_requests")
    from_agency = models.ForeignKey("agencies.Agency", verbose_name=_("from"), on_delete=models.PROTECT,
                                    related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", verbose_name=_("to"), on_delete=models.PROTECT,
                                  related_name="verification_requests_received")
    kind = models.CharField(_("kind"), max_length=30, choices=RequestKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("answer due on"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    participation = models.ForeignKey("core.Participation", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["case", "sent_at", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"request {self.pk} on {self.case_id}"

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.CLOSED

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == RequestStatus.OPEN and self.due_on < today


class RequestReply(models.Model):
    request = models.ForeignKey(VerificationRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="replies")
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    by_agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    text = EncryptedTextField(_("reply"))
    attachment = models.ForeignKey("cases.Attachment", verbose_name=_("file"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"reply {self.pk} to request {self.request_id}"


class EvidenceItem(models.Model):
    """A ground of the identification checklist that the evidence supports, with where the evidence comes from."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="evidence_items")
    ground = models.ForeignKey("rules.IdentificationGround", verbose_name=_("ground"), on_delete=models.PROTECT,
                               related_name="+")
    source = models.CharField(_("source"), max_length=300,
                              help_text=_("The document or body the evidence comes from, e.g. a letter's number."))
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ticked by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    ticked_at = models.DateTimeField(_("ticked at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        constraints = [models.UniqueConstraint(fields=["case", "ground"], name="verification_evidence_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} ground {self.ground_id}"


class Outcome(models.TextChoices):
    VICTIM = "victim", _("Identified as a victim")
    NOT_VICTIM = "not_victim", _("Not a victim")
    STILL_BEING_IDENTIFIED = "still_being_identified", _("Still being identified")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class IdentificationDecision(models.Model):
    """The decision on a case, made by a member with ``case.decide`` and approved by another with ``case.approve``."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="identification_decisions")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    decision_date = models.DateField(_("decision date"))
    reasons = EncryptedTextField(_("reasons"))
    # The grounds ticked when the decision was proposed, kept even if the checklist changes later.
    grounds = models.ManyToManyField("rules.IdentificationGround", verbose_name=_("grounds"), blank=True,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices,
                              default=DecisionStatus.PROPOSED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or rejected by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    # Why the approver rejected it; it may name the person, so it is encrypted.
    review_note = EncryptedTextField(_("note of the approver"), blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("identification decision")
        verbose_name_plural = _("identification decisions")
        ordering = ["case", "decided_at", "pk"]
        constraints = [
            # One decision at a time waits for approval.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="proposed"),
                                    name="verification_one_proposed_decision"),
        ]

    def __str__(self) -> str:
        return f"decision {self.pk} on {self.case_id}"
