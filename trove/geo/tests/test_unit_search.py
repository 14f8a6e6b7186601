import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("geo:units")


@pytest.fixture
def signed_in(client, django_user_model):
    user = django_user_model.objects.create_user(username="tim", password="not-used-here-1")
    client.force_login(user)
    return client


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL, {"q": "tan ho co"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_units_with_their_keys_and_2025_units(signed_in):
    response = signed_in.get(URL, {"q": "tan ho co"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025:29929" in html and "legacy:29929" in html
    assert "Xã Tân Hộ Cơ, Huyện Tân Hồng, Tỉnh Đồng Tháp" in html
    assert "Xã Tân Hộ Cơ, Tỉnh Đồng Tháp" in html


def test_it_shows_the_2025_unit_of_sa_rai(signed_in):
    response = signed_in.get(URL, {"q": "sa rai tan hong", "unit_set": "legacy", "level": "commune"})
    results = response.context["results"]
    assert [(unit.key, [u.key for u in current]) for unit, current in results] == [("legacy:29926", ["2025:29926"])]
    assert "Xã Tân Hồng, Tỉnh Đồng Tháp" in response.content.decode()


def test_it_shows_no_results_before_a_search(signed_in):
    response = signed_in.get(URL)
    assert response.status_code == 200
    assert response.context["results"] == []


def test_it_ignores_an_unknown_set(signed_in):
    response = signed_in.get(URL, {"q": "tan ho co", "unit_set": "1999"})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_it_cuts_a_very_long_query(signed_in):
    response = signed_in.get(URL, {"q": "tan ho co " * 1000})
    assert response.status_code == 200
    assert response.context["results"]


def test_it_uses_as_many_queries_for_fifty_results_as_for_one(signed_in):
    def count(params):
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(URL, params)
        return len(response.context["results"]), len(queries)

    few, few_queries = count({"q": "sa rai tan hong", "unit_set": "legacy", "level": "commune"})
    many, many_queries = count({"q": "tan", "unit_set": "legacy"})
    assert (few, many) == (1, 50)
    assert many_queries == few_queries


def test_it_bounds_the_queries_of_a_full_page(signed_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        signed_in.get(URL, {"q": "xa"})


def test_it_renders_in_vietnamese(signed_in):
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = signed_in.get(URL, {"q": "tan ho co"}).content.decode()
    assert "Đơn vị hành chính" in html and "Tìm kiếm" in html
    assert "Unit set" not in html


def test_it_renders_in_english_after_switching_language(signed_in):
    signed_in.post(reverse("set_language"), {"language": "en", "next": URL})
    html = signed_in.get(URL, {"q": "tan ho co"}).content.decode()
    assert "Administrative units" in html and "Unit set" in html
    assert "Đơn vị hành chính" not in html
