"""Personas and builders for the intel tests, on top of trove.core.testing: the commune's intake officer records
tips; the provincial police's investigator, a procuracy's prosecutor and a court's judge follow proceedings."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from trove.agencies.models import Agency, AgencyType, Role
from trove.core.testing import SINCE, PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit
from trove.intel.actions import TipData, tip_receive
from trove.intel.models import Stage
from trove.intel.proceeding_actions import proceeding_open, proceeding_record_stage

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
INFORMANT = "Đặng Thị Báo Tin"
INFORMANT_PHONE = "0277 3000 199"
CONTENT = "Người gọi báo có người môi giới đưa em gái sang Campuchia (dữ liệu thử)"


def vn(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class IntelTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.commune = p.commune
        # The commune's intake officer records tips and may see their informants.
        cls.intake = _member(_user("p_intake", "Lý Thị Nhận"), p.owner_agency, Role.INTAKE_OFFICER, p.commune)
        cls.investigator = _member(_user("p_investigator", "Cao Văn Tra"), p.partner_agency,
                                   Role.PROCEEDINGS_OFFICER, p.province)
        cls.police_observer = _member(_user("p_police_observer", "Hà Văn Nhìn"), p.partner_agency, Role.OBSERVER,
                                      p.province)
        cls.procuracy = Agency.objects.create(name="Viện Kiểm sát nhân dân tỉnh Đồng Tháp (thử)",
                                              agency_type=AgencyType.PROCURACY, unit=p.province, valid_from=SINCE)
        cls.court = Agency.objects.create(name="Tòa án nhân dân tỉnh Đồng Tháp (thử)", agency_type=AgencyType.COURT,
                                          unit=p.province, valid_from=SINCE)
        cls.prosecutor = _member(_user("p_prosecutor", "Lý Thị Tố"), cls.procuracy, Role.PROCEEDINGS_OFFICER,
                                 p.province)
        cls.judge = _member(_user("p_judge", "Mai Văn Xử"), cls.court, Role.PROCEEDINGS_OFFICER, p.province)
        # An intake officer in another province: may see tips, but none of these.
        cls.far_intake = _member(_user("p_far_intake", "Lâm Thị Xa"), p.other_agency, Role.INTAKE_OFFICER,
                                 p.other_province)


def tip_data(unit: AdminUnit, **overrides) -> TipData:
    values = {
        "unit": unit, "source": "hotline", "received_at": timezone.now() - datetime.timedelta(hours=3),
        "content": CONTENT,
        "place_text": "Ấp Thử, xã Tân Hồng", "persons": ["Anh “Tư” môi giới"],
        "phones": ["0277 3000 198"], "accounts": ["Zalo: tu-moi-gioi-thu"], "informant_name": INFORMANT,
        "informant_contact": INFORMANT_PHONE,
    }
    values.update(overrides)
    return TipData(**values)


def receive(case: IntelTestCase, user=None, agency=None, **overrides):
    return tip_receive(acting_user=user or case.intake, agency=agency or case.p.owner_agency,
                       tip=tip_data(overrides.pop("unit", case.commune), **overrides))


def open_proceeding(case: IntelTestCase, reported_on: datetime.date | None = None):
    return proceeding_open(acting_user=case.investigator, agency=case.p.partner_agency, unit=case.commune,
                           reported_on=reported_on or days_ago(60), summary="Đường dây thử nghiệm",
                           file_number="01/thử")


def advance(case: IntelTestCase, proceeding, to: str, start: datetime.date | None = None):
    """Record the stages up to ``to`` through the actions, a few days apart, each by its agency."""
    day = start or proceeding.stage_on
    plan = [
        (Stage.INITIATED, case.investigator, {"pass_to": case.procuracy}),
        (Stage.INVESTIGATED, case.investigator, {}),
        (Stage.PROSECUTED, case.prosecutor, {"pass_to": case.court}),
        (Stage.FIRST_INSTANCE, case.judge, {}),
        (Stage.APPEAL, case.judge, {}),
        (Stage.FINAL, case.judge, {}),
    ]
    from trove.intel.stages import ORDER

    for stage, user, extra in plan:
        if ORDER.index(stage) <= ORDER.index(proceeding.stage):
            continue  # already there
        day = day + datetime.timedelta(days=5)
        proceeding_record_stage(proceeding=proceeding, acting_user=user, stage=stage, date=day, **extra)
        if stage == to:
            break
    return proceeding
