"""Agencies, and the memberships that give people a role in them within a geographic scope.

Agencies come and go with the law (the 2025 reorganisation abolished district offices and moved victim support from
the labour sector to the health sector), so each has validity dates and nothing in the code names a particular one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.geo.models import AdminUnit
from trove.geo.search import normalise


class AgencyType(models.TextChoices):
    # Codes from shared/domain/glossary.md.
    POLICE = "police", _("Police")
    BORDER_GUARD = "border_guard", _("Border guard")
    COMMUNE_PC = "commune_pc", _("Commune People's Committee")
    DISTRICT_PC = "district_pc", _("District People's Committee")
    PROVINCE_PC = "province_pc", _("Provincial People's Committee")
    LABOUR_SOCIAL = "labour_social", _("Labour, invalids and social affairs office")
    HEALTH_DEPARTMENT = "health_department", _("Health department")
    HEALTH_STATION = "health_station", _("Health station or centre")
    JUSTICE = "justice", _("Justice office")
    LEGAL_AID = "legal_aid", _("Legal aid centre")
    EDUCATION = "education", _("Education office")
    WOMENS_UNION = "womens_union", _("Women's Union")
    PROCURACY = "procuracy", _("People's Procuracy")
    COURT = "court", _("People's Court")
    FINANCE = "finance", _("Finance office")
    CULTURE_INFORMATION = "culture_information", _("Culture and information office")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front committee")
    SOCIAL_FACILITY = "social_facility", _("Social-assistance facility")
    VICTIM_FACILITY = "victim_facility", _("Victim-support facility")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    # DESIGN §4. What each role may do is decided by the access policy, not here.
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    VERIFIER = "verifier", _("Verifier")
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    STATISTICIAN = "statistician", _("Statistician")
    PLAN_COORDINATOR = "plan_coordinator", _("Plan coordinator")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    OBSERVER = "observer", _("Observer (read only)")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    # Investigators, prosecutors and judges: they follow criminal proceedings and the tips that lead to them.
    PROCEEDINGS_OFFICER = "proceedings_officer", _("Investigation, prosecution or court officer")


class DatedQuerySet(models.QuerySet):
    def current(self, day: datetime.date | None = None) -> DatedQuerySet:
        """Rows valid on ``day`` (today in Vietnam when not given)."""
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class Dated(models.Model):
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def dates_ordered(name: str) -> models.CheckConstraint:
    """The database refuses a period that ends before it starts."""
    return models.CheckConstraint(
        condition=models.Q(valid_to__isnull=True)
        | models.Q(valid_from__isnull=True)
        | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class Agency(Dated):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    agency_type = models.CharField(_("type"), max_length=30, choices=AgencyType.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT,
                             related_name="agencies")
    parent = models.ForeignKey("self", verbose_name=_("parent agency"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Name and short name in the form trove.geo.search.normalise gives (lower case, no diacritics, đ -> d), kept up to
    # date by save(), so that "cong an" finds "Công an tỉnh Đồng Tháp" with a database filter instead of a Python scan.
    search_text = models.CharField(_("search text"), max_length=300, editable=False, blank=True, db_index=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            dates_ordered("agencies_agency_dates_ordered"),
        ]
        indexes = [models.Index(fields=["agency_type", "unit"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = agency_search_text(self.name, self.short_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "short_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", args=[self.pk])


def agency_search_text(name: str, short_name: str) -> str:
    """What directory search matches: the name and the short name, normalised, cut to fit the column."""
    return normalise(f"{name} {short_name}")[:300]


class MembershipQuerySet(DatedQuerySet):
    def current(self, day: datetime.date | None = None) -> MembershipQuerySet:
        """Memberships valid on ``day`` that no administrator has ended."""
        return super().current(day).filter(ended_at__isnull=True)


class Membership(Dated):
    """A user's role in an agency, over an admin unit and what lies under it, for a period.

    ``valid_to`` is the planned end; ``ended_at`` is set when an administrator removes the member, which takes effect
    at once and keeps the row as history.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="memberships")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    scope_unit = models.ForeignKey(AdminUnit, verbose_name=_("scope"), on_delete=models.PROTECT,
                                   related_name="memberships")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            dates_ordered("agencies_membership_dates_ordered"),
        ]
        indexes = [models.Index(fields=["user", "agency"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
