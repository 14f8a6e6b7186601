from django.conf import settings
from django.test import Client
from django.urls import path

from trove.urls import urlpatterns as project_urls


def fail(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urls, path("test-failure/", fail)]


def test_the_404_page_speaks_vietnamese_and_english(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Not found" in client.get("/no-such-page/").text


def test_the_403_page_explains_what_to_do(client, db, personas):
    from trove.core.testing import sign_in

    sign_in(client, personas.owner)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "quản trị viên" in response.text


def test_the_500_page_is_bilingual_and_shows_nothing_of_the_request(db, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/test-failure/?name=Nguy%E1%BB%85n")
    assert response.status_code == 500
    assert "Lỗi hệ thống" in response.text and "Server error" in response.text
    assert "boom" not in response.text and "Nguyễn" not in response.text


def test_the_database_going_away_gives_503_and_the_app_recovers(db, settings, personas, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    from trove.core.testing import sign_in

    client = Client(raise_request_exception=False)
    sign_in(client, personas.owner)
    original = BaseDatabaseWrapper.ensure_connection

    def unreachable(self):
        raise OperationalError("could not connect to server: Connection refused (host=db.internal password=x)")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    response = client.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "tạm thời gián đoạn" in response.text and "Temporarily unavailable" in response.text
    assert "db.internal" not in response.text and "Traceback" not in response.text
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", original)
    assert client.get("/cases/").status_code == 200
