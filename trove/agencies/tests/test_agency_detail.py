import datetime

from django.urls import reverse

from trove.agencies.models import Agency, AgencyType, Membership, Role
from trove.core.models import User


def url(agency: Agency) -> str:
    return reverse("agencies:detail", args=[agency.pk])


def test_it_sends_anonymous_visitors_to_sign_in(client, personas):
    response = client.get(url(personas.owner_agency))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_an_unknown_agency(personas, sign_in):
    response = sign_in(personas.statistician).get(reverse("agencies:detail", args=[987654321]))
    assert response.status_code == 404


def test_it_shows_the_facts(personas, sign_in):
    child = Agency.objects.create(name="Trạm Y tế xã Tân Hồng", agency_type=AgencyType.HEALTH_STATION,
                                  unit=personas.commune, parent=personas.owner_agency, phone="0277 3000 999")
    response = sign_in(personas.outsider).get(url(personas.owner_agency))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Xã Tân Hồng, Tỉnh Đồng Tháp" in content
    assert "2025:29926" in content
    assert personas.owner_agency.email in content
    assert child.name in content
    assert reverse("agencies:detail", args=[child.pk]) in content


def test_a_member_of_the_agency_sees_its_members(personas, sign_in):
    response = sign_in(personas.owner).get(url(personas.owner_agency))
    assert response.context["show_members"]
    members = {membership.user for membership in response.context["members"]}
    assert members == {personas.owner, personas.readonly}
    assert personas.readonly.full_name in response.content.decode()


def test_an_outsider_sees_the_facts_but_not_the_members(personas, sign_in):
    response = sign_in(personas.outsider).get(url(personas.owner_agency))
    assert response.status_code == 200
    assert not response.context["show_members"]
    content = response.content.decode()
    assert personas.owner.full_name not in content
    assert personas.readonly.full_name not in content


def test_a_member_of_another_agency_in_the_same_province_does_not_see_the_members(personas, sign_in):
    response = sign_in(personas.partner).get(url(personas.owner_agency))
    assert not response.context["show_members"]
    assert personas.owner.full_name not in response.content.decode()


def test_an_administrator_whose_scope_covers_the_agency_sees_the_members(personas, sign_in):
    client = sign_in(personas.administrator)
    assert client.get(url(personas.owner_agency)).context["show_members"]
    # An administrator in Đồng Tháp is not responsible for An Giang.
    assert not client.get(url(personas.other_agency)).context["show_members"]


def test_ended_memberships_are_not_listed(personas, sign_in):
    former = User.objects.create(username="former", full_name="Cao Văn Cũ")
    Membership.objects.create(user=former, agency=personas.owner_agency, role=Role.CASEWORKER,
                              scope_unit=personas.commune, valid_from=datetime.date(2025, 7, 1),
                              valid_to=datetime.date(2025, 8, 1))
    response = sign_in(personas.owner).get(url(personas.owner_agency))
    assert former not in {membership.user for membership in response.context["members"]}


def test_a_past_membership_gives_no_sight_of_the_members(personas, sign_in):
    Membership.objects.filter(user=personas.statistician).update(valid_to=datetime.date(2025, 8, 1))
    Membership.objects.create(user=personas.statistician, agency=personas.other_agency, role=Role.STATISTICIAN,
                              scope_unit=personas.other_province, valid_from=datetime.date(2025, 8, 2))
    response = sign_in(personas.statistician).get(url(personas.province_agency))
    assert not response.context["show_members"]


def test_it_speaks_vietnamese_by_default_and_english_on_request(personas, sign_in):
    client = sign_in(personas.owner)
    assert "<h2>Thành viên</h2>" in client.get(url(personas.owner_agency)).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    content = client.get(url(personas.owner_agency)).content.decode()
    assert "<h2>Members</h2>" in content
    assert "Commune People&#x27;s Committee" in content
