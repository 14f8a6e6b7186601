"""Building cases for the verification tests through the real intake action."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from trove.agencies.models import Role
from trove.cases.actions import DocumentData, IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Trần Thị Bích Ngọc"


def vn(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def open_case(personas, received_at=None, channel="self_reported", name=NAME):
    received_at = received_at or timezone.now() - datetime.timedelta(hours=2)
    # A place must be the unit valid on the day of intake: before 2025-07-01 the legacy Sa Rài town.
    legacy = timezone.localdate(received_at, VIETNAM) < datetime.date(2025, 7, 1)
    values = {
        "channel": channel, "received_at": received_at, "place_kind": PlaceKind.COMMUNE,
        "place_unit": AdminUnit.objects.by_key("legacy:29926" if legacy else "2025:29926"),
        "place_name": "UBND xã Tân Hồng",
    }
    if channel in ("handover_official", "returned_self", "returned_mission"):
        values["country_returned_from"] = Country.objects.get(code="KH")
    if channel == "handover_official":
        values.update(place_kind=PlaceKind.BORDER_GATE, place_name="Cửa khẩu Dinh Bà",
                      documents=[DocumentData(title="Biên bản bàn giao", number="12/BB")])
    if channel in ("referred", "hotline"):
        values["source_reference"] = "Tổng đài 111"
    return receive_person(acting_user=personas.owner, agency=personas.owner_agency, intake=IntakeData(**values),
                          person=PersonData(full_name=name, sex="female", birth_date=datetime.date(2000, 3, 9)))


class VerificationTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # A verifier of the owning commune: may decide (case.decide) but not approve.
        cls.verifier = _member(_user("p_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        # A second supervisor, to approve what the first one proposed.
        cls.supervisor2 = _member(_user("p_supervisor2", "Mai Thị Duyệt"), cls.p.province_agency, Role.SUPERVISOR,
                                  cls.p.province)
