"""The support ledger: each support given is an entry; refusals of support by the person; extensions of the days of
essential needs; and the initial hardship allowance's own small flow (application, forwarding, decision, payment)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned
from trove.core.versioning import Versioned


class SupportEntry(AgencyOwned, Versioned):
    """One support given, to the case's person or to a child accompanying them.

    Owned like its case (``owner_agency`` and ``unit`` are the case's when it is recorded), so that lists of entries
    go through the access policy; ``giving_agency`` is who gave it, and whose spending it is. ``amount`` is in whole
    đồng; in-kind items are ``items``. ``override_codes`` lists the entitlement checks the entry failed and that a
    member with ``support.approve`` overrode with ``override_reason``; empty for an entry within the entitlement.
    A wrong entry is cancelled, never deleted.
    """

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="support_entries")
    child = models.ForeignKey("cases.AccompanyingChild", verbose_name=_("accompanying child"), null=True, blank=True,
                              on_delete=models.RESTRICT, related_name="+")
    support_type = models.ForeignKey("rules.SupportType", verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="+")
    regime = models.ForeignKey("rules.Regime", verbose_name=_("regime"), on_delete=models.PROTECT, related_name="+")
    entitlement = models.ForeignKey("rules.Entitlement", verbose_name=_("entitlement"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("beneficiary group"), max_length=40, blank=True)
    given_on = models.DateField(_("given on"))
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    days_covered = models.PositiveSmallIntegerField(_("days covered"), null=True, blank=True)
    rate = models.ForeignKey("rules.Rate", verbose_name=_("paid at the rate"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    funding_source = models.ForeignKey("support.FundingSource", verbose_name=_("funding source"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="entries")
    giving_agency = models.ForeignKey("agencies.Agency", verbose_name=_("giving agency"), on_delete=models.PROTECT,
                                      related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approving officer"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey("cases.Attachment", verbose_name=_("receipt"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    # What was given, as the officer describes it: it may say something about the person, so it is encrypted.
    note = EncryptedTextField(_("what was given"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    override_codes = models.JSONField(_("checks overridden"), default=list, blank=True)
    override_reason = EncryptedTextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("overridden by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    cancel_reason = EncryptedTextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("support entry")
        verbose_name_plural = _("support entries")
        ordering = ["case", "given_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                                   name="support_entry_amount_positive"),
            models.CheckConstraint(condition=models.Q(days_covered__isnull=True) | models.Q(days_covered__gt=0),
                                   name="support_entry_days_positive"),
        ]
        indexes = [
            models.Index(fields=["case", "support_type"]),
            models.Index(fields=["giving_agency", "given_on"]),
            models.Index(fields=["given_on"]),
        ]

    def __str__(self) -> str:
        return f"support entry {self.pk} on {self.case_id}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_codes)


class SupportItem(models.Model):
    """An item given in kind with an entry; ``code`` is the entitlement's item code, ``name`` its name then."""

    entry = models.ForeignKey(SupportEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("item"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("item in kind")
        verbose_name_plural = _("items in kind")
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="support_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.code}"


class SupportRefusal(models.Model):
    """The person (or the child's representative) refused support: all of it, or one type (Law 53/2024: the right to
    receive or refuse support)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="support_refusals")
    child = models.ForeignKey("cases.AccompanyingChild", verbose_name=_("accompanying child"), null=True, blank=True,
                              on_delete=models.RESTRICT, related_name="+")
    support_type = models.ForeignKey("rules.SupportType", verbose_name=_("support type"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("Empty: the person refused all support."))
    refused_on = models.DateField(_("refused on"))
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("refusal of support")
        verbose_name_plural = _("refusals of support")
        ordering = ["case", "refused_on", "pk"]

    def __str__(self) -> str:
        return f"refusal {self.pk} on {self.case_id}"


class ExtensionAuthority(models.TextChoices):
    # Decree 162/2025/NĐ-CP, Art. 17: who may extend essential needs beyond 120 days.
    FACILITY_DIRECTOR = "facility_director", _("Director of the facility")
    HEALTH_DEPARTMENT = "health_department", _("Provincial Health Department")


class SupportExtension(models.Model):
    """A decision that adds days to the limit of a support type (regime B's essential needs), as recorded here."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="support_extensions")
    child = models.ForeignKey("cases.AccompanyingChild", verbose_name=_("accompanying child"), null=True, blank=True,
                              on_delete=models.RESTRICT, related_name="+")
    support_type = models.ForeignKey("rules.SupportType", verbose_name=_("support type"), on_delete=models.PROTECT,
                                     related_name="+")
    regime = models.ForeignKey("rules.Regime", verbose_name=_("regime"), on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("days added"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(_("decided by"), max_length=20, choices=ExtensionAuthority.choices)
    decision_reference = models.CharField(_("decision number"), max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["case", "decided_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(days__gt=0), name="support_extension_days_positive")]

    def __str__(self) -> str:
        return f"extension {self.pk} on {self.case_id}"


class HardshipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    FORWARDED = "forwarded", _("Forwarded")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


OPEN_HARDSHIP = (HardshipStatus.APPLIED, HardshipStatus.FORWARDED, HardshipStatus.APPROVED)


class HardshipApplication(models.Model):
    """The initial hardship allowance: the person applies to the commune, the commune chair forwards the file within
    the time limit of the entitlement (3 working days under regime A), a decision, and the payment, which is the
    ledger entry ``entry``."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="hardship_applications")
    regime = models.ForeignKey("rules.Regime", verbose_name=_("regime"), on_delete=models.PROTECT, related_name="+")
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=10, choices=HardshipStatus.choices,
                              default=HardshipStatus.APPLIED)
    forward_due = models.DateField(_("to be forwarded by"), null=True, blank=True, db_index=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    forwarded_to = models.ForeignKey("agencies.Agency", verbose_name=_("forwarded to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_reference = models.CharField(_("decision number"), max_length=60, blank=True)
    approved_amount = models.PositiveBigIntegerField(_("amount approved (VND)"), null=True, blank=True)
    decision_note = EncryptedTextField(_("note on the decision"), blank=True)
    override_codes = models.JSONField(_("checks overridden"), default=list, blank=True)
    override_reason = EncryptedTextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    # RESTRICT, not PROTECT: deleting the case deletes both together; the payment alone cannot be deleted.
    entry = models.OneToOneField(SupportEntry, verbose_name=_("payment"), null=True, blank=True,
                                 on_delete=models.RESTRICT, related_name="hardship_application")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("hardship allowance application")
        verbose_name_plural = _("hardship allowance applications")
        ordering = ["case", "applied_on", "pk"]
        constraints = [
            # One application at a time is under way.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=OPEN_HARDSHIP),
                                    name="support_one_open_hardship_application"),
        ]

    def __str__(self) -> str:
        return f"hardship application {self.pk} on {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_HARDSHIP

    @property
    def forwarded_late(self) -> bool:
        return bool(self.forward_due and self.forwarded_on and self.forwarded_on > self.forward_due)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == HardshipStatus.APPLIED and self.forward_due is not None and self.forward_due < today
