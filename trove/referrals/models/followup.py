"""Reintegration follow-up (tái hòa nhập): the plan of visits after the person's return home, the visits with their
answers, and the Women's Union activities recorded against the case.

The answers of a visit are codes, so that statistics can count them; what the visitor writes freely is encrypted.
Answers listed in ``RISK_ANSWERS``, and any sign of re-trafficking risk, raise an alert: the visit is flagged and the
case's caseworker is notified.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned


class FollowUpPlan(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="followup_plan")
    returned_on = models.DateField(_("returned home on"))
    # Who follows the person and receives the alerts.
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("caseworker"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")

    def __str__(self) -> str:
        return f"follow-up plan of {self.case_id}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled (case closed)")


class Contact(models.TextChoices):
    IN_PERSON = "in_person", _("Met in person")
    BY_PHONE = "by_phone", _("Reached by phone")
    NOT_REACHED = "not_reached", _("Could not be reached")


class LivingSituation(models.TextChoices):
    WITH_FAMILY = "with_family", _("Lives with family")
    WITH_RELATIVES = "with_relatives", _("Lives with relatives")
    ALONE = "alone", _("Lives alone")
    SHELTER = "shelter", _("In a shelter or facility")
    NO_STABLE_PLACE = "no_stable_place", _("No stable place to live")
    UNKNOWN = "unknown", _("Unknown")


class Health(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_CARE = "needs_care", _("Needs care")
    SERIOUS = "serious", _("Serious problem")
    UNKNOWN = "unknown", _("Unknown")


class Schooling(models.TextChoices):
    IN_SCHOOL = "in_school", _("In school")
    IN_TRAINING = "in_training", _("In vocational training")
    NOT_IN_SCHOOL = "not_in_school", _("Not in school or training")
    DROPPED_OUT = "dropped_out", _("Dropped out since the last visit")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class WorkIncome(models.TextChoices):
    STABLE = "stable", _("Stable work and income")
    IRREGULAR = "irregular", _("Irregular work or income")
    NONE = "none", _("No work or income")
    UNKNOWN = "unknown", _("Unknown")


class FamilyRelations(models.TextChoices):
    GOOD = "good", _("Good")
    STRAINED = "strained", _("Strained")
    VIOLENCE = "violence", _("Violence or abuse at home")
    UNKNOWN = "unknown", _("Unknown")


class Stigma(models.TextChoices):
    NONE = "none", _("None noticed")
    SOME = "some", _("Some")
    SEVERE = "severe", _("Severe (rejected, harassed)")
    UNKNOWN = "unknown", _("Unknown")


class RiskSign(models.TextChoices):
    RECRUITER_CONTACT = "recruiter_contact", _("Contacted by a broker or recruiter")
    OFFER_ABROAD = "offer_abroad", _("Offered work or marriage abroad")
    DEBT_PRESSURE = "debt_pressure", _("Under pressure to repay a debt")
    WANTS_TO_LEAVE = "wants_to_leave", _("Plans to leave with people the family does not know")
    OTHER = "other", _("Other sign of risk (see the notes)")


# The answers that raise an alert (besides any sign of re-trafficking risk): field -> values.
RISK_ANSWERS: dict[str, frozenset[str]] = {
    "contact": frozenset({Contact.NOT_REACHED}),
    "living_situation": frozenset({LivingSituation.NO_STABLE_PLACE}),
    "health": frozenset({Health.SERIOUS}),
    "schooling": frozenset({Schooling.DROPPED_OUT}),
    "family_relations": frozenset({FamilyRelations.VIOLENCE}),
    "stigma": frozenset({Stigma.SEVERE}),
}


class FollowUpVisit(AgencyOwned):
    """One visit of the plan: due ``months`` after the return, overdue after ``due_by``. It belongs to the case's
    owner (and moves with the case when it is transferred), so that the follow-up list and the indicators go through
    the access policy."""

    plan = models.ForeignKey(FollowUpPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="visits")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="followup_visits")
    number = models.PositiveSmallIntegerField(_("visit"))
    months = models.PositiveSmallIntegerField(_("months after the return"))
    due_on = models.DateField(_("due on"))
    due_by = models.DateField(_("overdue after"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)

    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    visitor_agency = models.ForeignKey("agencies.Agency", verbose_name=_("visiting agency"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    contact = models.CharField(_("contact"), max_length=20, choices=Contact.choices, blank=True)
    living_situation = models.CharField(_("living situation"), max_length=20, choices=LivingSituation.choices,
                                        blank=True)
    health = models.CharField(_("health"), max_length=20, choices=Health.choices, blank=True)
    schooling = models.CharField(_("schooling"), max_length=20, choices=Schooling.choices, blank=True)
    work_income = models.CharField(_("work and income"), max_length=20, choices=WorkIncome.choices, blank=True)
    family_relations = models.CharField(_("family relations"), max_length=20, choices=FamilyRelations.choices,
                                        blank=True)
    stigma = models.CharField(_("stigma"), max_length=20, choices=Stigma.choices, blank=True)
    risk_signs = models.JSONField(_("signs of re-trafficking risk"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    risk_alert = models.BooleanField(_("risk alert"), default=False)
    # What raised the alert, as "field:value" codes ("stigma:severe", "sign:debt_pressure").
    alerts = models.JSONField(_("alert reasons"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="referrals_visit_unique_number")]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_by"]),
            models.Index(fields=["status", "due_by"]),
            models.Index(fields=["due_by"]),
        ]

    def __str__(self) -> str:
        return f"visit {self.number} of {self.case_id}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == VisitStatus.PLANNED and self.due_by < today

    @property
    def on_time(self) -> bool | None:
        if self.status != VisitStatus.DONE or self.visited_on is None:
            return None
        return self.visited_on <= self.due_by


class ActivityKind(models.TextChoices):
    # DESIGN §2 point 7: the Women's Union's part in reintegration.
    COUNSELLING = "counselling", _("Counselling")
    VOCATIONAL_COURSE = "vocational_course", _("Vocational course")
    LOAN = "loan", _("Loan")
    MEMBERSHIP = "membership", _("Union membership")


class UnionActivity(models.Model):
    """A Women's Union activity for the person: counselling, a vocational course, a loan, membership."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="union_activities")
    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    # A loan's amount, in đồng.
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    description = EncryptedTextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Women's Union activity")
        verbose_name_plural = _("Women's Union activities")
        ordering = ["case", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.case_id}"
