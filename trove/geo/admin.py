"""Reference data in the admin: read-only, because the loaders own it (``manage.py load_reference_data``)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from trove.geo.models import AdminUnit, Country, UnitSuccession
from trove.geo.search import MAX_QUERY_LENGTH, normalise


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ["key", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["unit_set", "level"]
    list_select_related = ["parent"]
    # Searching the normalised text lets "tan ho co" and "Tân Hộ Cơ" find the same units.
    search_fields = ["search_text", "=code"]
    search_help_text = _("Part of a name, with or without diacritics, or a code.")
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        return super().get_search_results(request, queryset, normalise(search_term[:MAX_QUERY_LENGTH]))

    @admin.display(description=_("key"), ordering="code")
    def key(self, unit: AdminUnit) -> str:
        return unit.key


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["legacy_unit_key", "legacy_unit", "new_unit_key", "new_unit", "is_default"]
    list_filter = ["is_default", "legacy_unit__level"]
    list_select_related = ["legacy_unit", "new_unit"]
    search_fields = ["legacy_unit__search_text", "new_unit__search_text", "=legacy_unit__code", "=new_unit__code"]
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        return super().get_search_results(request, queryset, normalise(search_term[:MAX_QUERY_LENGTH]))

    @admin.display(description=_("legacy key"), ordering="legacy_unit__code")
    def legacy_unit_key(self, row: UnitSuccession) -> str:
        return row.legacy_unit.key

    @admin.display(description=_("2025 key"), ordering="new_unit__code")
    def new_unit_key(self, row: UnitSuccession) -> str:
        return row.new_unit.key


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_vi", "name_en"]
    search_fields = ["=code", "name_vi", "name_en"]
