"""Importing the lists of support given (issue 12): each row becomes a support entry through ``record_support``.

A row names the case by its code, the type of support (its letter or code, or its name with or without
diacritics), the day and what was given (an amount in đồng, days covered, or a description). The entry is checked
against the person's entitlement exactly as the ledger's form checks it; a row outside the entitlement fails with the
rule's own message as the reason (an import records no override: an approving officer enters such support by hand,
with the reason).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.agencies.models import Agency
from trove.cases.models import Case
from trove.core import policy
from trove.imports.cleaning import fold
from trove.imports.models import RecordOutcome
from trove.imports.persons import day_of
from trove.imports.registry import Field, Kind, Skip, WriteResult, Written, register
from trove.rules.models import SupportType
from trove.support.ledger_actions import record_support
from trove.support.models import SupportEntry

SUPPORT_FIELDS = (
    Field("case_code", gettext_lazy("Case code"), "text",
          ("ma ho so", "so ho so", "ma so ho so", "ma ho so nan nhan", "ma vu viec", "ma nan nhan", "case code",
           "case")),
    Field("support_type", gettext_lazy("Type of support"), "text",
          ("loai ho tro", "hinh thuc ho tro", "che do ho tro", "noi dung ho tro", "muc ho tro", "ho tro",
           "support type", "type of support")),
    Field("given_on", gettext_lazy("Given on"), "date",
          ("ngay ho tro", "ngay chi", "ngay chi tra", "ngay nhan", "ngay cap", "thoi gian ho tro", "ngay",
           "given on", "date")),
    Field("amount", gettext_lazy("Amount (đồng)"), "amount",
          ("so tien", "so tien ho tro", "thanh tien", "kinh phi", "tien ho tro", "so tien vnd", "amount")),
    Field("days_covered", gettext_lazy("Days covered"), "count",
          ("so ngay", "so ngay ho tro", "so ngay an o", "days covered", "days")),
    Field("giving_agency", gettext_lazy("Giving agency"), "text",
          ("co quan ho tro", "don vi ho tro", "don vi chi tra", "co quan chi tra", "noi ho tro", "giving agency")),
    Field("note", gettext_lazy("Description"), "text",
          ("ghi chu", "dien giai", "mo ta", "chi tiet", "note", "description")),
)


def _case(context, code: str) -> Case:
    code = "".join((code or "").split()).upper()
    case = policy.visible(context.acting_user, Case.objects.filter(code=code), "support.record").first()
    if case is None:
        raise ValidationError({"case_code": [_("No case with this code that you may record support on: check the "
                                               "code (such as DT-2024-00012).")]})
    return case


def _types() -> dict[str, SupportType]:
    table: dict[str, SupportType] = {}
    for support_type in SupportType.objects.all():
        for text in (support_type.code, support_type.letter, support_type.name_vi, support_type.name_en):
            if text:
                table.setdefault(fold(text), support_type)
    return table


def _support_type(context, text: str) -> SupportType:
    types = getattr(context, "support_types", None)
    if types is None:
        types = context.support_types = _types()  # read once a run
    folded = fold(text or "")
    found = types.get(folded) or types.get(folded.removeprefix("ho tro ").strip())
    if found is None:
        # "Hỗ trợ nhu cầu thiết yếu (ăn, mặc)": the longest name the cell starts with.
        names = sorted((name for name in types if len(name) > 3 and folded.startswith(name)), key=len, reverse=True)
        found = types[names[0]] if names else None
    if found is None:
        raise ValidationError({"support_type": [_("This type of support is not one the law lists: write its letter "
                                                  "(a, b, c…) or its name.")]})
    return found


def _giving_agency(context, name: str) -> Agency:
    if not name:
        return context.agency
    folded = fold(name)
    for agency in Agency.objects.filter(pk__in=policy.agencies_of(context.acting_user, "support.record")):
        if fold(agency.name) == folded:
            return agency
    raise ValidationError({"giving_agency": [_("No agency of yours has this name: leave the cell empty for your "
                                               "own agency.")]})


def _without_override_hint(error: ValidationError) -> ValidationError:
    """The entitlement's refusal ends with how to record the support anyway in the form; an import cannot, so the
    row keeps the rules' messages and says what to do instead."""
    refusals = getattr(error, "error_dict", {}).get("__all__", [])
    rules = [item for item in refusals if item.code == "not_entitled"]
    if len(rules) < 2:
        return error
    return ValidationError({"__all__": [*(item.message for item in rules[:-1]),
                                        _("Not recorded: an officer who may approve support enters it by hand, with "
                                          "the reason.")]})


def write_support(context, values: dict, person, existing) -> WriteResult:
    remarks: list[str] = []
    case = _case(context, values.get("case_code") or "")
    support_type = _support_type(context, values.get("support_type") or "")
    given_on = day_of(values.get("given_on"), remarks, _("day the support was given"))
    amount, days = values.get("amount"), values.get("days_covered")
    if given_on is not None and SupportEntry.objects.filter(
            case=case, support_type=support_type, given_on=given_on, amount=amount, days_covered=days,
            cancelled_at__isnull=True).exists():
        raise Skip(_("This support is already recorded for case %(code)s.") % {"code": case.code})
    try:
        entry = record_support(case=case, acting_user=context.acting_user, support_type=support_type,
                               given_on=given_on, giving_agency=_giving_agency(context, values.get("giving_agency")),
                               amount=amount, days_covered=days, note=values.get("note") or "",
                               request=context.request)
    except ValidationError as error:
        raise _without_override_hint(error) from error
    return WriteResult([Written(entry, RecordOutcome.CREATED)], remarks)


register(Kind(
    code="support", label=gettext_lazy("Support given"), permission="support.record",
    description=gettext_lazy("Support given to the persons of existing cases: each row becomes an entry of the "
                             "case's support ledger, checked against the person's entitlement."),
    fields=SUPPORT_FIELDS,
    required=(("case_code",), ("support_type",), ("given_on",)),
    write=write_support,
    event_date="given_on",
))
