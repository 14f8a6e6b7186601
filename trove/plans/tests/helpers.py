"""Building plans for the tests through the real actions, on the personas' agencies (trove.core.testing).

The plan is the owner agency's (UBND xã Tân Hồng); its coordinator is a plan coordinator there. Its period runs from
100 days ago to 200 days ahead, so that some monthly reports are overdue whatever day the tests run.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from trove.agencies.models import Role
from trove.core import indicators
from trove.core.testing import PersonaTestCase, _member, _user
from trove.plans import actions
from trove.plans.actions import ActivityData, DutyData, IndicatorData, ItemData, PlanData
from trove.plans.models import ActivityKind, PlanLevel, ReportFrequency


def today() -> datetime.date:
    return timezone.localdate()


def plan_data(p, **overrides) -> PlanData:
    start = today() - datetime.timedelta(days=100)
    values = {
        "title": f"Thực hiện công tác hỗ trợ nạn nhân bị mua bán năm {start.year}", "level": PlanLevel.COMMUNE,
        "unit": p.commune, "issuing_agency": p.owner_agency, "period_start": start,
        "period_end": today() + datetime.timedelta(days=200), "number": "75/KH-UBND", "date": start,
        "place": "Tân Hồng", "signer_authority": "TM. ỦY BAN NHÂN DÂN", "signer_title": "CHỦ TỊCH",
        "signer_name": "Người Ký Thử", "introduction": "Ủy ban nhân dân xã xây dựng kế hoạch như sau:",
        "goals": ["Mục tiêu thứ nhất.", "Mục tiêu thứ hai."], "targets": ["100% trường hợp được xác minh."],
        "solutions": ["Giải pháp một.", "Giải pháp hai."], "recipients": ["Sở Y tế;", "Lưu: VT."],
        "report_frequency": ReportFrequency.MONTH, "report_due_days": 5, "report_compiler": p.owner_agency,
        "report_recipients": [p.province_agency], "report_clause": "Báo cáo hằng tháng./.",
    }
    values.update(overrides)
    return PlanData(**values)


def draft_plan(p, coordinator, **overrides):
    """A draft with one indicator, one content item and duties for the owner, the police and the health
    department."""
    plan = actions.plan_create(acting_user=coordinator, data=plan_data(p, **overrides))
    actions.indicator_add(acting_user=coordinator, plan=plan, data=IndicatorData(
        wording="100% trường hợp tiếp nhận được xác minh", target=Decimal(100),
        definition_code="verification.started"))
    actions.item_save(acting_user=coordinator, plan=plan, data=ItemData(
        title="Tiếp nhận, xác minh", activities=["Tiếp nhận.", "Xác minh."], lead_agency=p.owner_agency,
        partners=[p.partner_agency]))
    for agencies, task in (([p.owner_agency], "Chủ trì tiếp nhận."), ([p.partner_agency], "Phối hợp xác minh."),
                           ([p.province_agency], "Hỗ trợ nạn nhân.")):
        actions.duty_save(acting_user=coordinator, plan=plan, data=DutyData(heading="", agencies=agencies,
                                                                           tasks=[task]))
    return plan


def issued_plan(p, coordinator, **overrides):
    return actions.plan_issue(acting_user=coordinator, plan=draft_plan(p, coordinator, **overrides))


def training(plan, agency, held_on, participants, **extra) -> ActivityData:
    return ActivityData(kind=ActivityKind.TRAINING, agency=agency, title="Tập huấn", held_on=held_on,
                        content_item=plan.content_items.first(), topics="Quy trình tiếp nhận",
                        participants=participants, **extra)


@contextmanager
def registered(definition):
    """A test-only indicator definition, removed afterwards (the library has no public way to remove one)."""
    indicators.definitions()  # discover the apps' own first, so that they do not replace this one later
    indicators.register(definition)
    try:
        yield definition
    finally:
        indicators.unregister(definition.code)


class PlanTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A plan coordinator of the owning commune, and one of the province's health department.
        cls.coordinator = _member(_user("p_coordinator", "Đinh Văn Điều"), cls.p.owner_agency, Role.PLAN_COORDINATOR,
                                  cls.p.commune)
        cls.other_coordinator = _member(_user("p_coordinator2", "Tô Thị Hợp"), cls.p.other_agency,
                                        Role.PLAN_COORDINATOR, cls.p.other_province)


def demo_setting() -> dict:
    """The demo's agencies of 2019 and 2026 (trove.core.demo) and the demo users the plans' demo acts as."""
    from trove.agencies.models import Agency
    from trove.core.demo import AGENCIES_2019, AGENCIES_2026, LEGACY_UNTIL, SINCE_2025
    from trove.geo.models import AdminUnit

    agencies = {}
    for definitions, valid_from, valid_to in ((AGENCIES_2019, None, LEGACY_UNTIL), (AGENCIES_2026, SINCE_2025, None)):
        for d in definitions:
            agencies[d.ref] = Agency.objects.create(
                name=d.name, short_name=d.short_name, agency_type=d.agency_type, unit=AdminUnit.objects.by_key(d.unit),
                parent=agencies.get(d.parent), valid_from=valid_from, valid_to=valid_to)
    province = AdminUnit.objects.by_key("2025:82")
    for username, ref, role in (("coordinator", "dt_pc", Role.PLAN_COORDINATOR),
                                ("supervisor", "dt_health", Role.SUPERVISOR),
                                ("womenunion", "dt_women", Role.CASEWORKER),
                                ("investigator", "dt_police", Role.PROCEEDINGS_OFFICER)):
        _member(_user(username, username.title()), agencies[ref], role, province)
    return agencies
