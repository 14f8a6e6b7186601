"""The idle timeout: a session unused for SESSION_COOKIE_AGE ends, and every request pushes the end back."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from trove.core.models import User

PASSWORD = "sông Tiền chảy qua 2026"


@pytest.fixture
def client_signed_in(db) -> Client:
    User.objects.create_user(username="lan", password=PASSWORD)
    client = Client()
    assert client.post("/signin/", {"username": "lan", "password": PASSWORD}).status_code == 302
    return client


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_timeout_is_thirty_minutes_of_idleness():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_each_request_moves_the_end_of_the_session(client_signed_in):
    row = session_row(client_signed_in)
    row.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    row.save()
    assert client_signed_in.get("/").status_code == 200
    remaining = session_row(client_signed_in).expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=29)


def test_an_idle_session_is_signed_out(client_signed_in):
    assert client_signed_in.get("/").status_code == 200
    row = session_row(client_signed_in)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save()
    response = client_signed_in.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/signin/")
    assert "_auth_user_id" not in client_signed_in.session
