"""Building cases, agencies and referrals for the referral tests through the real actions."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from trove.agencies.models import Agency, AgencyType, Role
from trove.cases.actions import IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.testing import SINCE, PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit
from trove.people.actions import PersonData
from trove.referrals.actions import referral_send
from trove.referrals.models import ConsentBasis, ServiceKind

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Đinh Thị Thu Thảo"


def vn(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=VIETNAM)


def today() -> datetime.date:
    return timezone.localdate()


def open_case(personas, *, received_at=None, name=NAME, **person):
    """A case received by the owner persona's commune (2025 units: received after 2025-07-01)."""
    received_at = received_at or timezone.now() - datetime.timedelta(days=10)
    person.setdefault("birth_date", datetime.date(1999, 4, 2))
    intake = IntakeData(channel="self_reported", received_at=received_at, place_kind=PlaceKind.COMMUNE,
                        place_unit=AdminUnit.objects.by_key("2025:29926"), place_name="UBND xã Tân Hồng")
    return receive_person(acting_user=personas.owner, agency=personas.owner_agency, intake=intake,
                          person=PersonData(full_name=name, sex="female", **person))


class ReferralTestCase(PersonaTestCase):
    """Besides the personas: a provincial Women's Union with a caseworker (``women``) and an observer
    (``women_reader``); a child-protection facility with a caseworker (``protector``); a user who belongs to both the
    owning commune and the Women's Union (``both``)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        province = cls.p.province
        cls.women_agency = Agency.objects.create(name="Hội LHPN tỉnh Đồng Tháp (thử)",
                                                 agency_type=AgencyType.WOMENS_UNION, unit=province, valid_from=SINCE)
        cls.care_agency = Agency.objects.create(name="Trung tâm CTXH tỉnh Đồng Tháp (thử)",
                                                agency_type=AgencyType.SOCIAL_FACILITY, unit=province,
                                                valid_from=SINCE)
        cls.women = _member(_user("p_women", "Hà Thị Hội"), cls.women_agency, Role.CASEWORKER, province)
        cls.women_reader = _member(_user("p_women_reader", "Tô Thị Đọc"), cls.women_agency, Role.OBSERVER, province)
        cls.protector = _member(_user("p_protector", "Lưu Văn Bảo"), cls.care_agency, Role.CASEWORKER, province)
        cls.both = _member(_user("p_both", "Kiều Thị Hai"), cls.p.owner_agency, Role.CASEWORKER, cls.p.commune)
        _member(cls.both, cls.women_agency, Role.CASEWORKER, province)
        cls.signed = ConsentBasis.objects.on(today()).get(code="signed")
        cls.exception = ConsentBasis.objects.on(today()).get(code="legal_exception")

    def send(self, case, *, user=None, **overrides):
        values = {
            "to_agency": self.women_agency, "service_kind": ServiceKind.VOCATIONAL, "referred_on": today(),
            "sections": ["needs", "support_plan"], "needs": "Học nghề may, vay vốn nhỏ",
            "consent_basis": self.signed, "consent_by": "Chính người được hỗ trợ", "consent_on": today(),
        }
        values.update(overrides)
        return referral_send(acting_user=user or self.p.owner, case=case, **values)
