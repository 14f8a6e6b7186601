from django import template

from trove.rules.models import in_language
from trove.support.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """1500000 -> "1.500.000 ₫" (the separator of the page's language); empty for None."""
    return format_vnd(amount)


@register.filter
def translated(obj, field: str) -> str:
    """The Vietnamese or English text of a ``<field>_vi`` / ``<field>_en`` pair, following the page's language."""
    return in_language(obj, field) if obj is not None else ""


@register.filter
def item_label(item) -> str:
    """An item given in kind, named in the page's language from its entitlement's list (the stored name otherwise)."""
    from trove.support.entitlements import item_name

    entitlement = item.entry.entitlement
    listed = entitlement.item(item.code) if entitlement is not None else None
    return item_name(listed) if listed else item.name
