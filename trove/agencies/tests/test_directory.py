import datetime
import time

import pytest
from django.urls import reverse

from trove.agencies.models import Agency, AgencyType
from trove.agencies.views import PAGE_SIZE
from trove.geo.models import AdminUnit

URL = reverse("agencies:directory")


def names(response) -> list[str]:
    return [agency.name for agency in response.context["page"].object_list]


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_current_agencies(personas, sign_in):
    response = sign_in(personas.statistician).get(URL)
    assert response.status_code == 200
    assert set(names(response)) == {
        personas.owner_agency.name, personas.partner_agency.name, personas.province_agency.name,
        personas.other_agency.name,
    }
    assert "Tân Hồng" in response.content.decode()  # the unit's full name is shown


def test_it_filters_by_type(personas, sign_in):
    response = sign_in(personas.statistician).get(URL, {"agency_type": AgencyType.POLICE})
    assert names(response) == [personas.partner_agency.name]


def test_it_ignores_an_unknown_type_and_says_so(personas, sign_in):
    response = sign_in(personas.statistician).get(URL, {"agency_type": "secret_service"})
    assert response.status_code == 200
    assert len(names(response)) == 4
    assert response.context["form"].errors


def test_a_province_filter_includes_agencies_on_its_communes(personas, sign_in):
    client = sign_in(personas.statistician)
    by_key = client.get(URL, {"unit": "2025:82"})
    assert set(names(by_key)) == {
        personas.owner_agency.name, personas.partner_agency.name, personas.province_agency.name,
    }
    # A name, without diacritics, means the current province of that name.
    by_name = client.get(URL, {"unit": "dong thap"})
    assert by_name.context["unit_choice"].unit == personas.province
    assert set(names(by_name)) == set(names(by_key))


def test_a_commune_filter_keeps_only_that_commune(personas, sign_in):
    response = sign_in(personas.statistician).get(URL, {"unit": "Tân Hồng"})
    assert response.context["unit_choice"].unit == personas.commune
    assert names(response) == [personas.owner_agency.name]


def test_an_unknown_unit_finds_nothing_and_says_so(personas, sign_in):
    response = sign_in(personas.statistician).get(URL, {"unit": "Atlantis"})
    assert names(response) == []
    assert response.context["unit_not_found"]


def test_it_finds_names_without_diacritics(personas, sign_in):
    police = Agency.objects.create(name="Công an tỉnh Đồng Tháp", agency_type=AgencyType.POLICE,
                                   unit=personas.province, valid_from=datetime.date(2025, 7, 1))
    client = sign_in(personas.statistician)
    assert police.name in names(client.get(URL, {"q": "cong an"}))
    assert police.name in names(client.get(URL, {"q": "CÔNG AN đồng tháp"}))
    assert names(client.get(URL, {"q": "cong an an giang"})) == []


def test_it_searches_the_short_name(personas, sign_in):
    personas.other_agency.short_name = "SYT AG"
    personas.other_agency.save()
    response = sign_in(personas.statistician).get(URL, {"q": "syt ag"})
    assert names(response) == [personas.other_agency.name]


def test_it_hides_ended_agencies_unless_asked(personas, sign_in):
    ended = Agency.objects.create(name="Phòng Lao động – Thương binh và Xã hội huyện Tân Hồng",
                                  agency_type=AgencyType.LABOUR_SOCIAL, unit=AdminUnit.objects.by_key("legacy:869"),
                                  valid_to=datetime.date(2025, 6, 30))
    client = sign_in(personas.statistician)
    assert ended.name not in names(client.get(URL))
    response = client.get(URL, {"include_ended": "on", "q": "lao dong"})
    assert names(response) == [ended.name]
    assert "badge-ended" in response.content.decode()


def test_empty_and_very_long_searches_answer_quickly(personas, sign_in):
    client = sign_in(personas.statistician)
    assert len(names(client.get(URL, {"q": ""}))) == 4
    started = time.monotonic()
    response = client.get(URL, {"q": "cong an " * 1250, "unit": "dong thap " * 1000})
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    assert len(response.context["form"].cleaned_data["q"]) == 100


def _make_agencies(count: int, unit: AdminUnit, parent: Agency) -> None:
    for number in range(count):
        Agency.objects.create(name=f"Trạm Y tế số {number:03}", agency_type=AgencyType.HEALTH_STATION, unit=unit,
                              parent=parent, phone="0277 3000 999")


def test_the_number_of_queries_does_not_grow_with_the_rows(personas, sign_in, django_assert_max_num_queries):
    client = sign_in(personas.statistician)
    _make_agencies(2, personas.commune, personas.owner_agency)
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"unit": "dong thap"})
    _make_agencies(PAGE_SIZE, personas.commune, personas.owner_agency)
    with django_assert_max_num_queries(12) as many:
        response = client.get(URL, {"unit": "dong thap"})
    assert len(names(response)) == PAGE_SIZE
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_shows_fifty_agencies_a_page(personas, sign_in):
    _make_agencies(PAGE_SIZE + 3, personas.commune, personas.owner_agency)
    client = sign_in(personas.statistician)
    first = client.get(URL, {"q": "tram y te"})
    assert len(names(first)) == PAGE_SIZE
    second = client.get(URL, {"q": "tram y te", "page": 2})
    assert names(second) == [f"Trạm Y tế số {number:03}" for number in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert 'href="?q=tram+y+te&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "999", "-1"])
def test_a_bad_page_number_shows_a_page(personas, sign_in, page):
    response = sign_in(personas.statistician).get(URL, {"page": page})
    assert response.status_code == 200


def test_it_speaks_vietnamese_by_default_and_english_on_request(personas, sign_in):
    client = sign_in(personas.statistician)
    assert "<h1>Danh bạ cơ quan</h1>" in client.get(URL).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    content = client.get(URL).content.decode()
    assert "<h1>Agency directory</h1>" in content
    assert "Health department" in content
