"""The intel app's reference data in the admin: the time limits for tips and the Penal Code articles, editable with
their citations and validity dates; every change is audited. Tips and proceedings themselves are changed only through
their pages (the actions), never here."""

from __future__ import annotations

from django.contrib import admin

from trove.core.admin_audit import AuditedAdmin
from trove.intel.models import PenalArticle, TipTimeLimit


@admin.register(TipTimeLimit)
class TipTimeLimitAdmin(AuditedAdmin):
    list_display = ("code", "kind", "days", "limit_kind", "confirmed_by_law", "valid_from", "valid_to", "citation")
    list_filter = ("kind", "confirmed_by_law")
    search_fields = ("code", "citation")


@admin.register(PenalArticle)
class PenalArticleAdmin(AuditedAdmin):
    list_display = ("article", "name_vi", "name_en", "valid_from", "valid_to", "citation")
    search_fields = ("article", "name_vi", "name_en", "citation")
