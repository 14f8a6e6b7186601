"""The child-protection checklist of a case whose person was a child (or a minor, flagged) at intake."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trove.core.fields import EncryptedTextField


class GuardianStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked yet")
    WITH_PARENTS = "with_parents", _("Lives with a parent")
    WITH_RELATIVES = "with_relatives", _("Cared for by relatives")
    GUARDIAN_APPOINTED = "guardian_appointed", _("Guardian appointed")
    NO_GUARDIAN = "no_guardian", _("No guardian: one must be found")


class SchoolingStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked yet")
    IN_SCHOOL = "in_school", _("In school")
    BACK_TO_SCHOOL = "back_to_school", _("Enrolled back in school")
    VOCATIONAL = "vocational", _("In vocational training")
    NOT_IN_SCHOOL = "not_in_school", _("Not in school")


class ChildProtectionChecklist(models.Model):
    """Guardian, schooling, and — when no child-protection referral is made — the recorded reason why not. The third
    item of the checklist, the referral itself, is read from the case's referrals."""

    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="child_checklist")
    guardian = models.CharField(_("guardian"), max_length=20, choices=GuardianStatus.choices,
                                default=GuardianStatus.UNKNOWN)
    # Who the guardian is: identity data, encrypted.
    guardian_note = EncryptedTextField(_("about the guardian"), blank=True)
    schooling = models.CharField(_("schooling"), max_length=20, choices=SchoolingStatus.choices,
                                 default=SchoolingStatus.UNKNOWN)
    schooling_note = EncryptedTextField(_("about the schooling"), blank=True)
    no_referral_reason = EncryptedTextField(_("why there is no child-protection referral"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("child-protection checklist")
        verbose_name_plural = _("child-protection checklists")

    def __str__(self) -> str:
        return f"child-protection checklist of {self.case_id}"
