"""Protection (risk assessment, safety measures), the needs assessment, the circumstances that decide entitlements, and
the support plan of a case. Free text that may say who the person is or where they stay is encrypted."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class RiskAssessment(models.Model):
    """The risk to the person and to their relatives, from the answers to fixed questions
    (``trove.support.protection.RISK_QUESTIONS``) and a level the assessor sets."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="risk_assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    # {question code: "yes" | "no" | "unknown"}: codes only, the questions' wording lives in the code.
    answers = models.JSONField(_("answers"), default=dict)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["case", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"risk assessment {self.pk} on {self.case_id}"


class SafetyMeasureKind(models.TextChoices):
    CONFIDENTIAL_RESIDENCE = "confidential_residence", _("Confidential residence")
    ESCORT = "escort", _("Escort")
    POLICE_PROTECTION = "police_protection", _("Police protection")
    CONTACT_CHANGE = "contact_change", _("Change of contact details")
    OTHER = "other", _("Other measure")


class ProtectedParty(models.TextChoices):
    PERSON = "person", _("The person")
    RELATIVES = "relatives", _("Relatives")
    BOTH = "both", _("The person and relatives")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


class SafetyMeasure(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="safety_measures")
    kind = models.CharField(_("measure"), max_length=30, choices=SafetyMeasureKind.choices)
    protects = models.CharField(_("protects"), max_length=10, choices=ProtectedParty.choices,
                                default=ProtectedParty.PERSON)
    responsible_agency = models.ForeignKey("agencies.Agency", verbose_name=_("responsible agency"),
                                           on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("planned until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Where the person stays, the escort's route: encrypted.
    details = EncryptedTextField(_("details"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("safety measure")
        verbose_name_plural = _("safety measures")
        ordering = ["case", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="support_measure_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"safety measure {self.pk} on {self.case_id}"

    def status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.ended_on is not None and self.ended_on <= today:
            return MeasureStatus.ENDED
        if self.ends_on is not None and self.ends_on < today:
            return MeasureStatus.ENDED
        return MeasureStatus.PLANNED if self.starts_on > today else MeasureStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(MeasureStatus(self.status()).label)


class NeedsAssessment(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="needs_assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    needs = models.ManyToManyField("rules.SupportType", verbose_name=_("support needed"), blank=True,
                                   related_name="+")
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["case", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"needs assessment {self.pk} on {self.case_id}"


class SupportCircumstances(models.Model):
    """Facts about the person that decide what they are entitled to and that the case itself does not hold."""

    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="support_circumstances")
    poor_household = models.BooleanField(_("from a poor household"), default=False)
    # The certificate's number names the household: encrypted.
    poor_household_reference = EncryptedTextField(_("poor-household certificate"), blank=True)
    abroad_at_intake = models.BooleanField(
        _("abroad when the case was opened"), default=False,
        help_text=_("In the care of a Vietnamese mission abroad, not yet back in Vietnam."))
    arrived_on = models.DateField(_("arrived in Vietnam on"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("circumstances for support")
        verbose_name_plural = _("circumstances for support")

    def __str__(self) -> str:
        return f"circumstances of {self.case_id}"

    def abroad_on(self, day: datetime.date) -> bool:
        return self.abroad_at_intake and (self.arrived_on is None or day < self.arrived_on)


class SupportPlan(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="support_plan")
    goals = EncryptedTextField(_("goals"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self) -> str:
        return f"support plan of {self.case_id}"


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlannedService(models.Model):
    plan = models.ForeignKey(SupportPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="services")
    support_type = models.ForeignKey("rules.SupportType", verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="+")
    description = EncryptedTextField(_("service"))
    responsible_agency = models.ForeignKey("agencies.Agency", verbose_name=_("responsible agency"),
                                           on_delete=models.PROTECT, related_name="+")
    planned_from = models.DateField(_("planned from"))
    planned_to = models.DateField(_("planned until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ServiceStatus.choices,
                              default=ServiceStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")
        ordering = ["plan", "planned_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_to__isnull=True) | models.Q(planned_to__gte=models.F("planned_from")),
                name="support_service_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"service {self.pk} of plan {self.plan_id}"
