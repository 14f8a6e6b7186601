import datetime

from django.urls import reverse

from trove.agencies.models import Membership, Role

URL = reverse("agencies:my_memberships")


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_only_the_users_own_memberships(personas, sign_in):
    response = sign_in(personas.owner).get(URL)
    assert response.status_code == 200
    memberships = list(response.context["memberships"])
    assert [membership.user for membership in memberships] == [personas.owner]
    content = response.content.decode()
    assert personas.owner_agency.name in content
    assert personas.other_agency.name not in content


def test_current_memberships_come_before_past_ones(personas, sign_in):
    past = Membership.objects.create(user=personas.owner, agency=personas.partner_agency, role=Role.VERIFIER,
                                     scope_unit=personas.province, valid_from=datetime.date(2025, 7, 1),
                                     valid_to=datetime.date(2025, 7, 31))
    later = Membership.objects.create(user=personas.owner, agency=personas.province_agency, role=Role.OBSERVER,
                                      scope_unit=personas.province, valid_from=datetime.date(2025, 9, 1))
    response = sign_in(personas.owner).get(URL)
    memberships = list(response.context["memberships"])
    assert memberships[-1] == past
    assert {membership.pk for membership in memberships[:2]} == {
        later.pk, Membership.objects.get(user=personas.owner, agency=personas.owner_agency).pk,
    }
    assert [membership.is_current for membership in memberships] == [True, True, False]
    assert "badge-ended" in response.content.decode()


def test_it_says_so_when_the_user_has_no_membership(db, sign_in, django_user_model):
    user = django_user_model.objects.create(username="nobody")
    response = sign_in(user).get(URL)
    assert response.status_code == 200
    assert response.context["memberships"].count() == 0


def test_it_speaks_vietnamese_by_default_and_english_on_request(personas, sign_in):
    client = sign_in(personas.owner)
    assert "<h1>Tư cách thành viên của tôi</h1>" in client.get(URL).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    content = client.get(URL).content.decode()
    assert "<h1>My memberships</h1>" in content
    assert "Caseworker" in content
