"""What the law and the administrator set for referrals and follow-up: table rows with validity dates, never ``if``s.

- ``ConsentBasis``: how a person's consent to a referral may be given, and the legal exception, with the law that
  requires consent to share sensitive personal data: Decree 13/2023/NĐ-CP (Art. 11 consent, Art. 17 without consent)
  until 2025-12-31, then the Personal Data Protection Law 91/2025/QH15 and Decree 356/2025/NĐ-CP.
- ``AgeLimit``: below which age a person is a child (Law on Children 102/2016/QH13, Art. 1: under 16) or a minor
  (Civil Code 91/2015/QH13, Art. 21: under 18), by the law in force on the intake date.
- ``FollowUpInterval``: when the reintegration visits fall, in months after the return home, with the days of grace
  after which a visit is overdue. Not law: an administrator sets them (default 1, 3, 6 and 12 months).

The rows come from the versioned fixture ``fixtures/referral_rules_v1.json`` (loaded by a migration through
``loading.load_referral_rules``) and are edited in the admin.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trove.rules.models import dates_ordered, in_language


class DatedRuleQuerySet(models.QuerySet):
    def on(self, day: datetime.date) -> DatedRuleQuerySet:
        return self.filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
                           models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))


def in_force(model: type[models.Model], day: datetime.date | None = None) -> DatedRuleQuerySet:
    """The rows of a rule table valid on ``day`` (today in Vietnam when not given)."""
    return model.objects.on(day or timezone.localdate())


class DatedRule(models.Model):
    citation = models.CharField(_("legal citation"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = DatedRuleQuerySet.as_manager()

    class Meta:
        abstract = True


class ConsentBasis(DatedRule):
    """A way consent to a referral is given (signed, oral, by the legal representative), or the legal exception under
    which a referral goes ahead without it (``is_exception``: only members holding ``referral.consent_exception``)."""

    code = models.CharField(_("code"), max_length=30)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_exception = models.BooleanField(_("legal exception (no consent)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("consent basis")
        verbose_name_plural = _("consent bases")
        ordering = ["order", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="referrals_consent_basis_unique"),
            dates_ordered("referrals_consent_basis_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return in_language(self, "name")


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child")
    MINOR = "minor", _("Minor (16–17)")
    ADULT = "adult", _("Adult")
    UNKNOWN = "unknown", _("Age unknown")


class AgeLimit(DatedRule):
    """A person younger than ``under_age`` on the intake date belongs to ``group`` (a child, a minor)."""

    group = models.CharField(_("group"), max_length=10, choices=[(AgeGroup.CHILD, AgeGroup.CHILD.label),
                                                                 (AgeGroup.MINOR, AgeGroup.MINOR.label)])
    under_age = models.PositiveSmallIntegerField(_("under the age of"))

    class Meta:
        verbose_name = _("age limit")
        verbose_name_plural = _("age limits")
        ordering = ["group", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["group", "valid_from"], name="referrals_age_limit_unique"),
            dates_ordered("referrals_age_limit_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} < {self.under_age}"


class FollowUpInterval(DatedRule):
    """A reintegration visit ``months`` after the person's return home; overdue ``grace_days`` after that day."""

    months = models.PositiveSmallIntegerField(_("months after the return"))
    grace_days = models.PositiveSmallIntegerField(_("days of grace"), default=7)

    class Meta:
        verbose_name = _("follow-up interval")
        verbose_name_plural = _("follow-up intervals")
        ordering = ["months", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["months", "valid_from"], name="referrals_interval_unique"),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="referrals_interval_months_positive"),
            dates_ordered("referrals_interval_dates_ordered", "valid_from", "valid_to"),
        ]

    def __str__(self) -> str:
        return ngettext("%(months)d month after the return", "%(months)d months after the return",
                        self.months) % {"months": self.months}
