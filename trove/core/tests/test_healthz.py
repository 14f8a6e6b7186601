from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_and_the_reason_when_the_database_is_down(client, db):
    with mock.patch("trove.core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "unavailable"
    assert body["reason"] == "OperationalError"


def test_it_needs_no_sign_in_and_takes_only_get(client, db):
    assert client.post("/healthz").status_code == 405
