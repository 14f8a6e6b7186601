"""What the access policy needs to know about records: who owns them, who takes part, who broke the glass.

Any model that belongs to an agency (cases, tips, referrals, plans…) inherits ``AgencyOwned``; the access policy in
``trove.core.policy`` then decides who sees it without the model saying more.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgencyOwned(models.Model):
    owner_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="+"
    )
    # The record's place (the unit valid at the event date); supervisors whose scope covers it may see the record.
    unit = models.ForeignKey("geo.AdminUnit", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")

    # The permission that lets a member see this kind of record at all; without it the record does not exist for them.
    access_view_permission = "case.view"

    class Meta:
        abstract = True


class ParticipationReason(models.TextChoices):
    VERIFICATION_REQUEST = "verification_request", _("Verification request")
    REFERRAL = "referral", _("Referral")
    SHARED_ASSIGNMENT = "shared_assignment", _("Shared assignment")


class ParticipationQuerySet(models.QuerySet):
    def active(self, at=None) -> ParticipationQuerySet:
        at = at or timezone.now()
        return self.filter(models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=at), started_at__lte=at)

    def for_object(self, obj: models.Model) -> ParticipationQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Participation(models.Model):
    """An agency that takes part in another agency's record, for a reason, for as long as it takes part."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE,
                               related_name="participations")
    reason = models.CharField(_("reason"), max_length=30, choices=ParticipationReason.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The parts of the record the agency may see while it takes part (keys of trove.cases.sections.SECTIONS); empty
    # means the whole record. A referral to a health station, say, shows the health needs and nothing else.
    sections = models.JSONField(_("sections shown"), default=list, blank=True)
    # Whether ``sections`` lets the agency see who the person is (kept with it, so the policy can filter in SQL).
    identity_shown = models.BooleanField(default=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [models.Index(fields=["content_type", "agency", "object_id"])]

    def __str__(self) -> str:
        return f"{self.agency} — {self.get_reason_display()}"


class BreakGlassQuerySet(models.QuerySet):
    def active(self, at=None) -> BreakGlassQuerySet:
        return self.filter(expires_at__gt=at or timezone.now())


class BreakGlassGrant(models.Model):
    """Emergency access to one record outside the user's scope, with a written reason, for a few hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_grants")
    membership = models.ForeignKey("agencies.Membership", on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "content_type", "object_id", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} {self.object_id}"


class IdentityRestriction(models.Model):
    """A confidentiality flag on one record: only the named members see who the person is (DESIGN §4, issue 6).

    It narrows ``case.view_identity`` and nothing else: the others who may see the record still see its code,
    pseudonym and work, but not the person's identity. Lifting it keeps the row (``lifted_at``) as history.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("reason"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members who may see identity"),
                                     related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("identity restriction")
        verbose_name_plural = _("identity restrictions")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], condition=models.Q(lifted_at__isnull=True),
                                    name="core_one_active_identity_restriction"),
        ]

    def __str__(self) -> str:
        return f"identity restriction on {self.content_type_id}:{self.object_id}"
