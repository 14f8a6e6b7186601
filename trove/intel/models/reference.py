"""Reference data of the intel app, edited by administrators: the time limits for handling tips and the Penal Code
articles a proceeding charges. Each row carries its legal citation (or says that the figure is set locally) and its
validity dates; the versioned fixture ``fixtures/intel_v1.json`` ships the defaults (``trove/intel/loading.py``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from trove.rules.models import LimitKind, dates_ordered, in_language


class TipLimitKind(models.TextChoices):
    CLASSIFICATION = "classification", _("Classification")
    HANDLING = "handling", _("Handling to an outcome")


class TipTimeLimitQuerySet(models.QuerySet):
    def in_force(self, kind: str, day: datetime.date) -> TipTimeLimit | None:
        """The row of ``kind`` valid on ``day``, or None when no row covers the day (the limit is then unset)."""
        return (
            self.filter(kind=kind)
            .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day))
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
            .order_by(models.F("valid_from").desc(nulls_last=True), "pk")
            .first()
        )


class TipTimeLimit(models.Model):
    """How many days after a tip is received it must be classified, or handled to an outcome.

    Both limits count from the day the tip was received (that day does not count). ``days`` empty means the limit is
    not set: tips received while the row is in force get no deadline and are shown as "time limit not set".
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("limit for"), max_length=20, choices=TipLimitKind.choices)
    days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True, blank=True,
                                            help_text=_("Empty: not set; tips get no deadline."))
    limit_kind = models.CharField(_("counted in"), max_length=10, choices=LimitKind.choices,
                                  default=LimitKind.CALENDAR)
    confirmed_by_law = models.BooleanField(
        _("limit confirmed by the law"), default=False,
        help_text=_("Unticked: the number of days is set locally, not fixed by a legal text the system knows."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    citation = models.CharField(_("citation or source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)

    objects = TipTimeLimitQuerySet.as_manager()

    class Meta:
        verbose_name = _("time limit for tips")
        verbose_name_plural = _("time limits for tips")
        ordering = ["kind", "valid_from"]
        constraints = [dates_ordered("intel_tiptimelimit_dates_ordered", "valid_from", "valid_to")]

    def __str__(self) -> str:
        days = "—" if self.days is None else self.days
        return f"{self.get_kind_display()}: {days} ({self.get_limit_kind_display()})"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
        # Two rows of the same kind in force on one day would make the deadline ambiguous.
        others = TipTimeLimit.objects.filter(kind=self.kind).exclude(pk=self.pk)
        if self.valid_from:
            others = others.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from))
        if self.valid_to:
            others = others.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=self.valid_to))
        clash = others.first()
        if clash:
            raise ValidationError(
                _("These dates overlap the row %(code)s of the same kind; end one row the day before the next "
                  "begins.") % {"code": clash.code})


class PenalArticle(models.Model):
    """An article of the Penal Code that a proceeding may charge (Art. 150 and 151 of Code 100/2015/QH13)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    article = models.CharField(_("article"), max_length=10, help_text=_("The article number, e.g. 150."))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    clauses = models.JSONField(_("clauses"), default=list, blank=True,
                               help_text=_("The clause numbers a charge may name, e.g. [\"1\", \"2\", \"3\"]."))
    citation = models.CharField(_("citation"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("Penal Code article")
        verbose_name_plural = _("Penal Code articles")
        ordering = ["valid_from", "article"]
        constraints = [dates_ordered("intel_penalarticle_dates_ordered", "valid_from", "valid_to")]

    def __str__(self) -> str:
        return f"Điều {self.article} — {in_language(self, 'name')}"

    @property
    def name(self) -> str:
        return in_language(self, "name")

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.clauses, list) or not all(isinstance(item, str) for item in self.clauses):
            raise ValidationError({"clauses": _("Give a list of clause numbers, e.g. [\"1\", \"2\"].")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class IntelCounter(models.Model):
    """The last number given in a code series (TB for tips, VA for proceedings, per year), allocated under a lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="intel_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
