"""Agencies and memberships in the Django admin. Labels come from the models' verbose names, so they follow the
interface language.

There are about 14,000 administrative units, so unit fields are never rendered as a select: the agency form uses
autocomplete (the unit admin searches names without diacritics), the membership forms raw ids."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from trove.agencies.models import Agency, Membership
from trove.core.admin_audit import AuditedAdmin
from trove.geo.search import MAX_QUERY_LENGTH, normalise


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "agency"
    extra = 0
    fields = ["user", "role", "scope_unit", "valid_from", "valid_to"]
    raw_id_fields = ["user", "scope_unit"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "agency_type", "unit", "valid_from", "valid_to"]
    list_filter = ["agency_type"]
    list_select_related = ["unit"]
    # search_text holds the name and short name without diacritics, so "cong an" finds "Công an".
    search_fields = ["search_text"]
    autocomplete_fields = ["unit", "parent"]
    fields = [
        "name", "short_name", "agency_type", "unit", "parent", "valid_from", "valid_to",
        "address", "phone", "email", "notes",
    ]
    inlines = [MembershipInline]
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        return super().get_search_results(request, queryset, normalise(search_term[:MAX_QUERY_LENGTH]))


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "agency", "role", "scope_unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    list_select_related = ["user", "agency", "scope_unit"]
    raw_id_fields = ["user", "agency", "scope_unit"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
