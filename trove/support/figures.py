"""The support given, as figures of the periodic statistics (trove.reports.registry): entries by support type, and
the amounts paid. Cancelled entries never count; the place is the case's place (``unit``, as the entry keeps it)."""

from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trove.reports.registry import Dimension, Figure, register, register_dimension
from trove.support.models import SupportEntry


def _support_types() -> list[tuple[str, str]]:
    from trove.rules.models import SupportType

    english = (get_language() or "vi").startswith("en")
    return [(kind.code, f"{kind.letter}) {(kind.name_en if english and kind.name_en else kind.name_vi)}")
            for kind in SupportType.objects.order_by("order")]


register_dimension(Dimension(
    code="support_type", label=_("Support type"), needs=("support_type",),
    expression=lambda paths, prefix: F(f"{prefix}{paths['support_type']}"), choices=_support_types,
))


def _given(period):
    return SupportEntry.objects.filter(cancelled_at__isnull=True, given_on__range=period.dates())


PATHS = {"sex": "case__person__sex", "birth_year": "case__person__birth_year", "date": "given_on",
         "support_type": "support_type__code"}
DIMENSIONS = ("sex", "age", "ctdc_age", "unit", "support_type")

register(Figure(
    code="support.people", section="support", order=10, label=_("People who received support"),
    model=SupportEntry, records=_given, paths=PATHS, dimensions=DIMENSIONS, count_field="case__person",
    split_by="support_type",
))
register(Figure(
    code="support.amount", section="support", order=20, label=_("Support paid in cash (VND)"),
    model=SupportEntry, records=lambda period: _given(period).filter(amount__isnull=False), paths=PATHS,
    dimensions=DIMENSIONS, sum_field="amount", count_field="case__person", split_by="support_type",
))
