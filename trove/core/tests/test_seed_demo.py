import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trove.agencies.models import Agency, AgencyType, Membership, Role
from trove.core.demo import AGENCIES_2019, AGENCIES_2026, LEGACY_UNTIL, SINCE_2025
from trove.core.models import Installation, User
from trove.geo.models import AdminUnit

EXPECTED_ROLES = {
    "admin": (Role.ADMINISTRATOR, "Sở Y tế tỉnh Đồng Tháp", "2025:82"),
    "intake": (Role.INTAKE_OFFICER, "Ủy ban nhân dân xã Tân Hồng", "2025:29926"),
    "verifier": (Role.VERIFIER, "Công an tỉnh Đồng Tháp", "2025:82"),
    "caseworker": (Role.CASEWORKER, "Sở Y tế tỉnh Đồng Tháp", "2025:82"),
    "supervisor": (Role.SUPERVISOR, "Sở Y tế tỉnh Đồng Tháp", "2025:82"),
    "statistician": (Role.STATISTICIAN, "Sở Y tế tỉnh Đồng Tháp", "2025:82"),
    "coordinator": (Role.PLAN_COORDINATOR, "Ủy ban nhân dân tỉnh Đồng Tháp", "2025:82"),
    "auditor": (Role.AUDITOR, "Sở Y tế tỉnh Đồng Tháp", "2025:82"),
    "outsider": (Role.CASEWORKER, "Sở Y tế tỉnh An Giang", "2025:91"),
    "finance": (Role.FINANCE_OFFICER, "Sở Tài chính tỉnh Đồng Tháp", "2025:82"),
    "womenunion": (Role.CASEWORKER, "Hội Liên hiệp Phụ nữ tỉnh Đồng Tháp", "2025:82"),
    "investigator": (Role.PROCEEDINGS_OFFICER, "Công an tỉnh Đồng Tháp", "2025:82"),
    "prosecutor": (Role.PROCEEDINGS_OFFICER, "Viện Kiểm sát nhân dân tỉnh Đồng Tháp", "2025:82"),
    "judge": (Role.PROCEEDINGS_OFFICER, "Tòa án nhân dân tỉnh Đồng Tháp", "2025:82"),
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Agency.objects.count(), User.objects.count(), Membership.objects.count()


@pytest.mark.django_db
def test_it_creates_the_demo_users_with_their_roles():
    output = seed("--if-empty")
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == set(EXPECTED_ROLES)
    for username, (role, agency_name, scope) in EXPECTED_ROLES.items():
        memberships = list(Membership.objects.filter(user=users[username]).select_related("agency", "scope_unit"))
        assert len(memberships) == 1, username
        membership = memberships[0]
        assert (membership.role, membership.agency.name, membership.scope_unit.key) == (role, agency_name, scope)
        assert membership.is_valid_on() and membership.agency.is_valid_on()
        assert users[username].full_name
        assert username in output
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not any(user.is_staff for name, user in users.items() if name != "admin")
    assert "demo" in output


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_password_demo(client):
    seed()
    for username in EXPECTED_ROLES:
        assert client.login(username=username, password="demo"), username
        client.logout()
    assert not client.login(username="admin", password="wrong password")


@pytest.mark.django_db
def test_it_marks_the_installation_as_a_demo():
    assert not Installation.is_demo()
    seed()
    assert Installation.is_demo()


@pytest.mark.django_db
def test_the_2019_agencies_are_on_legacy_units_and_end_with_june_2025():
    seed()
    legacy = Agency.objects.filter(unit__unit_set="legacy").select_related("unit", "parent")
    assert legacy.count() == len(AGENCIES_2019)
    assert all(agency.valid_to == LEGACY_UNTIL for agency in legacy)
    assert not Agency.objects.filter(unit__unit_set="2025", valid_to__isnull=False).exists()
    district_pc = legacy.get(agency_type=AgencyType.DISTRICT_PC)
    assert district_pc.unit.key == "legacy:869"
    communes = legacy.filter(agency_type=AgencyType.COMMUNE_PC)
    assert sorted(agency.unit.code for agency in communes) == [str(code) for code in range(29926, 29951, 3)]
    assert all(agency.parent == district_pc for agency in communes)
    labour = legacy.get(name="Phòng Lao động – Thương binh và Xã hội huyện Tân Hồng")
    assert labour.parent == district_pc
    assert legacy.get(agency_type=AgencyType.BORDER_GUARD).unit.key == "legacy:87"
    # Nobody works in the 2019 setting today: it ended.
    assert not Agency.objects.current().filter(unit__unit_set="legacy").exists()


@pytest.mark.django_db
def test_the_2026_agencies_are_on_2025_units_from_july_2025():
    seed()
    current = Agency.objects.filter(unit__unit_set="2025").select_related("unit")
    assert current.count() == len(AGENCIES_2026)
    assert all(agency.valid_from == SINCE_2025 and agency.valid_to is None for agency in current)
    communes = {agency.unit.short_name for agency in current.filter(agency_type=AgencyType.COMMUNE_PC)}
    assert communes == {"Tân Hồng", "Tân Thành", "Tân Hộ Cơ", "An Phước"}
    dinh_ba = current.get(agency_type=AgencyType.BORDER_GUARD)
    assert "Dinh Bà" in dinh_ba.name
    assert dinh_ba.unit == AdminUnit.objects.by_key("2025:29929")
    assert current.get(name="Sở Y tế tỉnh An Giang").unit.short_name == "An Giang"


@pytest.mark.django_db
def test_contact_details_are_synthetic():
    seed()
    for agency in Agency.objects.all():
        assert agency.email.endswith("@example.vn")
        assert agency.phone.replace(" ", "")[4:8] == "3000"
    assert all(user.email.endswith("@example.vn") for user in User.objects.all())


@pytest.mark.django_db
def test_if_empty_twice_changes_nothing():
    seed("--if-empty")
    before = counts()
    seeded_at = Installation.current().demo_seeded_at
    output = seed("--if-empty")
    assert counts() == before
    assert Installation.current().demo_seeded_at == seeded_at
    assert "already holds" in output


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_real_users_alone():
    User.objects.create(username="real.officer")
    output = seed("--if-empty")
    assert "not demo users" in output
    assert counts() == (0, 1, 0)
    assert not Installation.is_demo()


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_data_without_the_flag():
    Agency.objects.create(name="Công an xã Tân Hồng", agency_type=AgencyType.POLICE,
                          unit=AdminUnit.objects.by_key("2025:29926"), valid_from=datetime.date(2025, 7, 1))
    with pytest.raises(CommandError, match="Refusing"):
        seed()
    assert counts() == (1, 0, 0)
    assert not Installation.is_demo()


@pytest.mark.django_db
def test_the_directory_shows_the_demo_agencies_to_a_demo_user(client):
    seed()
    client.login(username="statistician", password="demo")
    response = client.get("/agencies/", {"unit": "2025:82"})
    names = {agency.name for agency in response.context["page"].object_list}
    assert {"Ủy ban nhân dân xã Tân Hồng", "Đồn Biên phòng Cửa khẩu quốc tế Dinh Bà"} <= names
    assert "Sở Y tế tỉnh An Giang" not in names
