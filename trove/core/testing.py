"""Test personas: the people every app's tests act as (issue 3, DESIGN §4).

The setting is the 2026 Đồng Tháp of the demo, cut to what access tests need:

| persona | agency | role | scope |
|---|---|---|---|
| owner | UBND xã Tân Hồng (owns the records under test) | caseworker | the commune |
| readonly | UBND xã Tân Hồng | observer (read only) | the commune |
| partner | Công an tỉnh Đồng Tháp (takes part when asked) | verifier | the province |
| supervisor | Sở Y tế tỉnh Đồng Tháp | supervisor | the province |
| statistician | Sở Y tế tỉnh Đồng Tháp | statistician | the province |
| auditor | Sở Y tế tỉnh Đồng Tháp | auditor | the province |
| administrator | Sở Y tế tỉnh Đồng Tháp | administrator | the province |
| outsider | Sở Y tế tỉnh An Giang | caseworker | An Giang |

Users get no password (tests sign in with ``force_login``), which keeps set-up fast. The test database holds the real
administrative units (conftest.py loads them once per session).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from trove.agencies.models import Agency, AgencyType, Membership, Role
from trove.core.models import User
from trove.geo.models import AdminUnit

SINCE = datetime.date(2025, 7, 1)


@dataclass
class Personas:
    commune: AdminUnit
    province: AdminUnit
    other_province: AdminUnit
    owner_agency: Agency
    partner_agency: Agency
    province_agency: Agency
    other_agency: Agency
    owner: User
    readonly: User
    partner: User
    supervisor: User
    statistician: User
    auditor: User
    administrator: User
    outsider: User


def _user(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name)
    user.set_unusable_password()
    user.save()
    return user


def _member(user: User, agency: Agency, role: str, scope: AdminUnit) -> User:
    Membership.objects.create(user=user, agency=agency, role=role, scope_unit=scope, valid_from=SINCE)
    return user


def make_personas() -> Personas:
    commune = AdminUnit.objects.by_key("2025:29926")  # Xã Tân Hồng
    province = AdminUnit.objects.by_key("2025:82")  # Tỉnh Đồng Tháp
    other_province = AdminUnit.objects.by_key("2025:91")  # Tỉnh An Giang

    def agency(name: str, kind: str, unit: AdminUnit) -> Agency:
        return Agency.objects.create(name=name, agency_type=kind, unit=unit, valid_from=SINCE,
                                     email=f"{kind}.{unit.code}@example.vn")

    owner_agency = agency("UBND xã Tân Hồng (thử)", AgencyType.COMMUNE_PC, commune)
    partner_agency = agency("Công an tỉnh Đồng Tháp (thử)", AgencyType.POLICE, province)
    province_agency = agency("Sở Y tế tỉnh Đồng Tháp (thử)", AgencyType.HEALTH_DEPARTMENT, province)
    other_agency = agency("Sở Y tế tỉnh An Giang (thử)", AgencyType.HEALTH_DEPARTMENT, other_province)
    return Personas(
        commune=commune, province=province, other_province=other_province,
        owner_agency=owner_agency, partner_agency=partner_agency, province_agency=province_agency,
        other_agency=other_agency,
        owner=_member(_user("p_owner", "Lê Thị Chủ"), owner_agency, Role.CASEWORKER, commune),
        readonly=_member(_user("p_readonly", "Phan Văn Xem"), owner_agency, Role.OBSERVER, commune),
        partner=_member(_user("p_partner", "Võ Văn Phối"), partner_agency, Role.VERIFIER, province),
        supervisor=_member(_user("p_supervisor", "Đỗ Thị Giám"), province_agency, Role.SUPERVISOR, province),
        statistician=_member(_user("p_statistician", "Hồ Văn Số"), province_agency, Role.STATISTICIAN, province),
        auditor=_member(_user("p_auditor", "Ngô Thị Soát"), province_agency, Role.AUDITOR, province),
        administrator=_member(_user("p_admin", "Trương Văn Quản"), province_agency, Role.ADMINISTRATOR, province),
        outsider=_member(_user("p_outsider", "Lâm Thị Ngoài"), other_agency, Role.CASEWORKER, other_province),
    )


def sign_in(client: Client, user: User, *, second_factor: bool = True) -> None:
    """Sign ``user`` in on the test client; with ``second_factor`` the session is also verified by an authenticator,
    as after a real TOTP sign-in, so that pages behind the two-factor requirement open."""
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class PersonaTestCase(TestCase):
    """Base test case: ``self.p`` holds the personas; ``self.sign_in(user)`` signs a persona in."""

    p: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p = make_personas()

    def sign_in(self, user: User, *, second_factor: bool = True) -> None:
        sign_in(self.client, user, second_factor=second_factor)
