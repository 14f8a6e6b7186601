"""Building cases and people for the support tests through the real actions (intake, verification)."""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils.functional import empty

from trove.agencies.models import Agency, AgencyType, Role
from trove.cases.actions import ChildData, IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.storage import private_storage
from trove.core.testing import SINCE, PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData
from trove.rules.models import IdentificationGround, SupportType
from trove.verification.actions import approve_decision, propose_decision, tick_ground

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Đinh Thị Thử Nghiệm"
CHILD_NAME = "Đinh Văn Bé"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def vn(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=VIETNAM)


def d(year, month, day) -> datetime.date:
    return datetime.date(year, month, day)


def types() -> dict[str, SupportType]:
    return {t.code: t for t in SupportType.objects.all()}


def open_case(p, received_at: datetime.datetime, *, channel: str = "self_reported", nationality: str = "",
              child_birth_year: int | None = None, birth_date: datetime.date | None = datetime.date(2000, 3, 9)):
    """A case received by the owner persona on ``received_at`` (legacy units before 2025-07-01)."""
    legacy = received_at.date() < datetime.date(2025, 7, 1)
    values = {"channel": channel, "received_at": received_at, "place_kind": PlaceKind.COMMUNE,
              "place_unit": AdminUnit.objects.by_key("legacy:29926" if legacy else "2025:29926"),
              "place_name": "UBND xã Tân Hồng"}
    if channel in ("handover_official", "returned_self", "returned_mission"):
        values["country_returned_from"] = Country.objects.get(code="KH")
    if child_birth_year:
        values["children"] = [ChildData(person=PersonData(full_name=CHILD_NAME, sex="male", birth_year=child_birth_year,
                                                          birth_precision="year"), relation="con trai")]
    person = PersonData(full_name=NAME, sex="female", birth_date=birth_date,
                        nationality=Country.objects.get(code=nationality) if nationality else None)
    return receive_person(acting_user=p.owner, agency=p.owner_agency, intake=IntakeData(**values), person=person)


def giver(test, day: datetime.date):
    """An agency that existed on ``day``: the district labour office before 2025-07-01, the commune after."""
    return test.legacy_agency if day < datetime.date(2025, 7, 1) else test.p.owner_agency


class SupportTestCase(PersonaTestCase):
    """The personas, plus a verifier of the owning commune (to propose decisions), a finance office of the province
    with its finance officer, a finance officer of the health department, and one of another province."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.verifier = _member(_user("s_verifier", "Bùi Văn Định"), p.owner_agency, Role.VERIFIER, p.commune)
        cls.finance_agency = Agency.objects.create(name="Sở Tài chính tỉnh Đồng Tháp (thử)",
                                                   agency_type=AgencyType.FINANCE, unit=p.province, valid_from=SINCE)
        cls.finance = _member(_user("s_finance", "Trịnh Thị Tài"), cls.finance_agency, Role.FINANCE_OFFICER,
                              p.province)
        cls.health_finance = _member(_user("s_health_finance", "Lý Văn Kế"), p.province_agency,
                                     Role.FINANCE_OFFICER, p.province)
        # Before 2025-07-01 support was given by the district labour office (regime A).
        cls.legacy_agency = Agency.objects.create(
            name="Phòng LĐ-TB&XH huyện Tân Hồng (thử)", agency_type=AgencyType.LABOUR_SOCIAL,
            unit=AdminUnit.objects.by_key("legacy:869"), valid_from=datetime.date(2012, 1, 1),
            valid_to=datetime.date(2025, 6, 30))
        other_finance = Agency.objects.create(name="Sở Tài chính tỉnh An Giang (thử)", agency_type=AgencyType.FINANCE,
                                              unit=p.other_province, valid_from=SINCE)
        cls.other_finance = _member(_user("s_other_finance", "Lâm Văn Khác"), other_finance, Role.FINANCE_OFFICER,
                                    p.other_province)

    def identify(self, case, on: datetime.date, regime: str = "B"):
        """Identify the case's person as a victim through the verification actions, decided on ``on``."""
        ground = IdentificationGround.objects.filter(regime__code=regime).order_by("order").first()
        tick_ground(case=case, acting_user=self.p.owner, ground=ground, source="Công văn 12/CAT (thử)")
        decision = propose_decision(case=case, acting_user=self.verifier, outcome="victim", decision_date=on,
                                    reasons="Đủ căn cứ (thử)")
        approve_decision(decision=decision, acting_user=self.p.supervisor)
        case.refresh_from_db()
        return case


class TemporaryAttachments:
    """Attachments written under a temporary root for the duration of a test."""

    def use_temporary_attachments(self) -> Path:
        root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        overrides = override_settings(ATTACHMENTS_ROOT=root)
        overrides.enable()
        self.addCleanup(overrides.disable)
        private_storage._wrapped = empty
        self.addCleanup(setattr, private_storage, "_wrapped", empty)
        return root
