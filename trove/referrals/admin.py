"""The referral rules in the Django admin: consent bases, age limits and follow-up intervals, each with its validity
dates and citation; every change is audited."""

from __future__ import annotations

from django.contrib import admin

from trove.core.admin_audit import AuditedAdmin
from trove.referrals.models import AgeLimit, ConsentBasis, FollowUpInterval


@admin.register(ConsentBasis)
class ConsentBasisAdmin(AuditedAdmin):
    list_display = ["code", "name_vi", "is_exception", "citation", "valid_from", "valid_to"]
    list_filter = ["is_exception"]
    ordering = ["order", "code", "valid_from"]


@admin.register(AgeLimit)
class AgeLimitAdmin(AuditedAdmin):
    list_display = ["group", "under_age", "citation", "valid_from", "valid_to"]


@admin.register(FollowUpInterval)
class FollowUpIntervalAdmin(AuditedAdmin):
    list_display = ["months", "grace_days", "valid_from", "valid_to"]
