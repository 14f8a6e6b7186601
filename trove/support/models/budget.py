"""Funding sources, yearly budget estimates per agency (dự trù kinh phí) and their lines. Spending is not stored: it
is the sum of the ledger's entries (``trove.support.budgets``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.models.access import AgencyOwned


class FundingKind(models.TextChoices):
    STATE_BUDGET = "state_budget", _("State budget")
    DONOR_PROJECT = "donor_project", _("Donor project")
    OTHER = "other", _("Other lawful source")


class BudgetLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class FundingSource(AgencyOwned):
    """Where the money for support comes from: the state budget of one level, or a donor project. It belongs to the
    agency that manages it; entries may draw on it where its place covers the case's place."""

    access_view_permission = "budget.view"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FundingKind.choices)
    level = models.CharField(_("budget level"), max_length=10, choices=BudgetLevel.choices, blank=True)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    project_code = models.CharField(_("project code"), max_length=60, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="support_source_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class EstimateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class BudgetEstimate(AgencyOwned):
    """One agency's yearly estimate of what support will cost, by funding source and support type."""

    access_view_permission = "budget.view"

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=EstimateStatus.choices,
                              default=EstimateStatus.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget estimate")
        verbose_name_plural = _("budget estimates")
        ordering = ["-year", "owner_agency__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner_agency", "year"], name="support_one_estimate_a_year")]

    def __str__(self) -> str:
        return f"estimate {self.year} of {self.owner_agency_id}"


class EstimateLine(models.Model):
    estimate = models.ForeignKey(BudgetEstimate, verbose_name=_("estimate"), on_delete=models.CASCADE,
                                 related_name="lines")
    funding_source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT,
                                       related_name="estimate_lines")
    support_type = models.ForeignKey("rules.SupportType", verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="+")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    basis = models.CharField(_("basis of the estimate"), max_length=300, blank=True,
                             help_text=_("For example: 20 persons × 60 days × 40.000 ₫."))

    class Meta:
        verbose_name = _("estimate line")
        verbose_name_plural = _("estimate lines")
        ordering = ["estimate", "funding_source__name", "support_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["estimate", "funding_source", "support_type"],
                                    name="support_estimate_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="support_estimate_line_positive"),
        ]

    def __str__(self) -> str:
        return f"line {self.pk} of estimate {self.estimate_id}"
