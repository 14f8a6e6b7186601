"""The rules in the Django admin: everything is editable, with its validity dates and citation, and every change is
audited. Reloading the fixtures keeps what an administrator changed (trove/rules/loading.py).

Time limits the law leaves unset are what an administrator most needs to find: the step list says "unset" in their
limit column and has a filter for them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trove.core.admin_audit import AuditedAdmin
from trove.rules.models import (
    Entitlement,
    Holiday,
    IdentificationGround,
    LegalText,
    LimitKind,
    ProcedureStep,
    Rate,
    Regime,
    SupportType,
    WorkdayOverride,
    in_language,
)

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def describe_limit(step: ProcedureStep) -> str:
    """"3 calendar days", "at once", or "unset"; a limit set locally (not confirmed by the law) says so."""
    if step.limit_days is None:
        return str(_("unset — an administrator must set it"))
    if step.limit_days == 0:
        text = str(_("at once"))
    elif step.limit_kind == LimitKind.WORKING:
        text = ngettext("%(n)d working day", "%(n)d working days", step.limit_days) % {"n": step.limit_days}
    else:
        text = ngettext("%(n)d calendar day", "%(n)d calendar days", step.limit_days) % {"n": step.limit_days}
    if not step.limit_confirmed:
        text = str(_("%(limit)s (set locally)")) % {"limit": text}
    return text


class LimitSetFilter(admin.SimpleListFilter):
    title = _("time limit")
    parameter_name = "limit"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("unset", _("unset")), ("set", _("set"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "unset":
            return queryset.filter(limit_days__isnull=True)
        if self.value() == "set":
            return queryset.filter(limit_days__isnull=False)
        return queryset


@admin.register(LegalText)
class LegalTextAdmin(AuditedAdmin):
    list_display = ["code", "kind", "title", "issued_on", "effective_from", "effective_to"]
    list_filter = ["kind"]
    search_fields = ["code", "title_vi", "title_en"]

    @admin.display(description=_("title"), ordering="title_vi")
    def title(self, text: LegalText) -> str:
        return in_language(text, "title")


@admin.register(Regime)
class RegimeAdmin(AuditedAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "citation"]
    filter_horizontal = ["legal_texts"]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, regime: Regime) -> str:
        return in_language(regime, "name")


@admin.register(ProcedureStep)
class ProcedureStepAdmin(AuditedAdmin):
    list_display = ["regime", "channel", "order", "name", "responsible_agency_type", "limit", "citation"]
    list_display_links = ["name"]
    list_filter = ["regime", "channel", LimitSetFilter, "limit_confirmed", "procedure", "responsible_agency_type"]
    list_select_related = ["regime"]
    search_fields = ["code", "name_vi", "name_en", "citation"]
    raw_id_fields = ["starts_after"]
    fieldsets = [
        (None, {"fields": ["regime", "channel", "procedure", "order", "code", "name_vi", "name_en"]}),
        (_("Who acts"), {"fields": ["responsible_agency_type", "partner_agency_types"]}),
        (_("Time limit"), {"fields": ["limit_days", "limit_kind", "limit_confirmed", "starts_after"]}),
        (_("What the step does"), {
            "fields": ["condition_vi", "condition_en", "documents_vi", "documents_en", "ends_when_vi", "ends_when_en"]
        }),
        (_("Source and validity"), {"fields": ["citation", "valid_from", "valid_to", "notes"]}),
    ]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, step: ProcedureStep) -> str:
        return in_language(step, "name")

    @admin.display(description=_("limit"), ordering="limit_days")
    def limit(self, step: ProcedureStep) -> str:
        if step.limit_days is None:
            # Marked in bold with a warning sign: inline styles would be refused by the content security policy.
            return format_html("<strong>⚠ {}</strong>", describe_limit(step))
        return describe_limit(step)


@admin.register(IdentificationGround)
class IdentificationGroundAdmin(AuditedAdmin):
    list_display = ["regime", "order", "group", "text", "citation"]
    list_display_links = ["text"]
    list_filter = ["regime", "group"]
    list_select_related = ["regime"]
    search_fields = ["code", "text_vi", "text_en", "citation"]

    @admin.display(description=_("text"), ordering="text_vi")
    def text(self, ground: IdentificationGround) -> str:
        return in_language(ground, "text")


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ["date", "weekday", "name", "kind", "citation"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name_vi", "name_en"]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, holiday: Holiday) -> str:
        return in_language(holiday, "name")

    @admin.display(description=_("weekday"))
    def weekday(self, holiday: Holiday) -> str:
        return WEEKDAYS[holiday.date.weekday()]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedAdmin):
    list_display = ["date", "weekday", "name", "citation"]
    date_hierarchy = "date"

    @admin.display(description=_("reason"), ordering="name_vi")
    def name(self, day: WorkdayOverride) -> str:
        return in_language(day, "name")

    @admin.display(description=_("weekday"))
    def weekday(self, day: WorkdayOverride) -> str:
        return WEEKDAYS[day.date.weekday()]



@admin.register(SupportType)
class SupportTypeAdmin(AuditedAdmin):
    list_display = ["letter", "name", "code", "citation"]
    list_display_links = ["name"]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, support_type: SupportType) -> str:
        return in_language(support_type, "name")


@admin.register(Entitlement)
class EntitlementAdmin(AuditedAdmin):
    list_display = ["regime", "group", "support_type", "name", "max_days", "once_only", "citation"]
    list_display_links = ["name"]
    list_filter = ["regime", "group", "support_type"]
    list_select_related = ["regime", "support_type"]
    search_fields = ["name_vi", "name_en", "citation"]
    fieldsets = [
        (None, {"fields": ["regime", "group", "support_type", "name_vi", "name_en"]}),
        (_("Limits"), {"fields": ["max_days", "extendable", "extension_citation", "once_only",
                                  "requires_poor_household", "application_window_months", "forward_limit_days",
                                  "forward_limit_kind", "max_age", "in_kind_items"]}),
        (_("Source and validity"), {"fields": ["citation", "valid_from", "valid_to", "notes"]}),
    ]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, entitlement: Entitlement) -> str:
        return in_language(entitlement, "name")


class AmountSetFilter(admin.SimpleListFilter):
    title = _("amount")
    parameter_name = "amount"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("unset", _("not configured")), ("set", _("set"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "unset":
            return queryset.filter(amount__isnull=True)
        if self.value() == "set":
            return queryset.filter(amount__isnull=False)
        return queryset


def describe_amount(rate: Rate) -> str:
    """"70.000 ₫ per person per day (at least)", or "not configured"; an amount set locally says so."""
    if rate.amount is None:
        return str(_("not configured — an administrator must set it"))
    text = f"{rate.amount:,}".replace(",", ".") + " ₫ " + str(rate.get_unit_display())
    if rate.is_minimum:
        text = str(_("%(amount)s (at least)")) % {"amount": text}
    if not rate.amount_confirmed:
        text = str(_("%(limit)s (set locally)")) % {"limit": text}
    return text


@admin.register(Rate)
class RateAdmin(AuditedAdmin):
    list_display = ["regime", "support_type", "name", "amount_shown", "valid_from", "valid_to", "citation"]
    list_display_links = ["name"]
    list_filter = ["regime", "support_type", AmountSetFilter, "amount_confirmed"]
    list_select_related = ["regime", "support_type"]
    search_fields = ["code", "name_vi", "name_en", "citation"]
    fieldsets = [
        (None, {"fields": ["regime", "support_type", "code", "name_vi", "name_en"]}),
        (_("Amount"), {"fields": ["amount", "unit", "is_minimum", "amount_confirmed", "max_days"]}),
        (_("Source and validity"), {"fields": ["citation", "valid_from", "valid_to", "notes"]}),
    ]

    @admin.display(description=_("name"), ordering="name_vi")
    def name(self, rate: Rate) -> str:
        return in_language(rate, "name")

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, rate: Rate) -> str:
        if rate.amount is None:
            return format_html("<strong>⚠ {}</strong>", describe_amount(rate))
        return describe_amount(rate)
