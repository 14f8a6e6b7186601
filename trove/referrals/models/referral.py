"""A referral (chuyển tuyến): a person sent to a service of another agency, or to a provider outside the system.

The sending side is the case's owner (``owner_agency``; ``from_agency`` keeps who sent it, for the history). While the
referral is open (sent or accepted) the receiving agency takes part in the case (``participation``) and sees only the
sections the sender chose. Free text about the person — needs, who consented, reasons, feedback, services — is
encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField
from trove.core.models.access import AgencyOwned


class ServiceKind(models.TextChoices):
    # DESIGN §2 point 6; the facility names follow the glossary.
    SHELTER = "shelter", _("Shelter")
    SOCIAL_FACILITY = "social_facility", _("Social-assistance facility")
    VICTIM_FACILITY = "victim_facility", _("Victim-support facility")
    CHILD_PROTECTION = "child_protection", _("Child-protection service")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SCHOOL = "school", _("School")
    VOCATIONAL = "vocational", _("Vocational training")
    LOAN = "loan", _("Loan service")
    OTHER = "other", _("Other service")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Referral(AgencyOwned):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey("agencies.Agency", verbose_name=_("sent by agency"), on_delete=models.PROTECT,
                                    related_name="+")
    # An agency of the directory, or a provider outside the system recorded by name (a school, a private clinic).
    to_agency = models.ForeignKey("agencies.Agency", verbose_name=_("to agency"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="referrals_received")
    provider_name = models.CharField(_("provider outside the system"), max_length=200, blank=True)
    service_kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    referred_on = models.DateField(_("referral date"))
    # The case sections the receiver sees (keys of trove.cases.sections.SECTIONS).
    sections = models.JSONField(_("sections shared"), default=list)
    needs = EncryptedTextField(_("what the person needs"))

    consent_basis = models.ForeignKey("referrals.ConsentBasis", verbose_name=_("consent"), on_delete=models.PROTECT,
                                      related_name="+")
    consent_by = EncryptedTextField(_("consent given by"), blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    exception_reason = EncryptedTextField(_("legal exception: reason"), blank=True)
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consent recorded by"),
                                            null=True, on_delete=models.SET_NULL, related_name="+")

    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed or revoked by"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(_("closed or revoked at"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)
    revoke_reason = EncryptedTextField(_("reason for revoking"), blank=True)
    participation = models.ForeignKey("core.Participation", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(to_agency__isnull=False) | ~models.Q(provider_name=""),
                                   name="referrals_referral_has_a_receiver"),
        ]
        indexes = [
            models.Index(fields=["to_agency", "status", "-referred_on"]),
            models.Index(fields=["owner_agency", "status", "-referred_on"]),
            models.Index(fields=["case", "status"]),
            models.Index(fields=["referred_on"]),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} of {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def off_system(self) -> bool:
        return self.to_agency_id is None

    @property
    def receiver_name(self) -> str:
        return self.to_agency.name if self.to_agency_id else self.provider_name


class ReferralService(models.Model):
    """A service the receiver gave under the referral (a medical examination, legal advice, a place in a shelter)."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE,
                                 related_name="services")
    given_on = models.DateField(_("given on"))
    description = EncryptedTextField(_("service given"))
    by_agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("service given")
        verbose_name_plural = _("services given")
        ordering = ["given_on", "pk"]

    def __str__(self) -> str:
        return f"service {self.pk} under referral {self.referral_id}"
