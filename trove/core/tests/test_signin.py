"""Password sign-in: refusals, lockout per account and per address, audit, CSRF and session cookies."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from trove.core.models import AuditEntry, SignInFailure, User

PASSWORD = "sông Tiền chảy qua 2026"
SIGNIN = "/signin/"


@pytest.fixture
def lan(db) -> User:
    # No membership: nobody asks her for a second factor, so these tests see the password step alone.
    return User.objects.create_user(username="lan", password=PASSWORD)


def sign_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(SIGNIN, {"username": username, "password": password}, REMOTE_ADDR=address,
                       HTTP_ACCEPT_LANGUAGE="en")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def age_failures(minutes: int) -> None:
    for failure in SignInFailure.objects.all():
        failure.attempted_at -= datetime.timedelta(minutes=minutes)
        failure.save(update_fields=["attempted_at"])


def test_it_signs_in_with_the_right_password_and_audits_it(client, lan):
    response = sign_in(client, "lan", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == lan.pk
    assert entry.ip_address == "127.0.0.1"


def test_it_refuses_a_wrong_password_counts_and_audits_it(client, lan):
    response = sign_in(client, "LAN", "not the password")
    assert response.status_code == 200
    assert not signed_in(client)
    failure = SignInFailure.objects.get()
    assert (failure.username, failure.ip_address) == ("lan", "127.0.0.1")
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor_id is None
    assert entry.actor_username == "lan"
    # The password typed must not reach the log in any field.
    assert all("not the password" not in entry.canonical_content() for entry in AuditEntry.objects.all())


def test_it_locks_the_account_after_five_failures_even_with_the_right_password(client, lan):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "lan", "wrong password")
    response = sign_in(client, "lan", PASSWORD)
    assert not signed_in(client)
    assert "Sign-in is locked for 15 minutes" in response.text
    assert "contact your administrator" in response.text
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    # Refused attempts are not counted, so a locked account does not stay locked for ever.
    assert SignInFailure.objects.count() == settings.LOGIN_FAILURE_LIMIT
    # Another address does not help: the account itself is locked.
    sign_in(client, "lan", PASSWORD, address="10.1.2.3")
    assert not signed_in(client)


def test_it_does_not_lock_below_the_limit(client, lan):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "lan", "wrong password")
    sign_in(client, "lan", PASSWORD)
    assert signed_in(client)
    assert not AuditEntry.objects.filter(action="auth.lockout").exists()


def test_it_answers_the_same_for_an_account_that_does_not_exist(client, lan):
    for username in ("lan", "nobody"):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            sign_in(client, username, "wrong password")
    real = sign_in(client, "lan", PASSWORD)
    invented = sign_in(client, "nobody", PASSWORD)
    real_errors = real.context["form"].non_field_errors()
    assert real_errors == invented.context["form"].non_field_errors()
    assert "locked" in real_errors[0]


def test_it_locks_an_address_after_twenty_failures_with_different_usernames(client, lan):
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong password", address="203.0.113.9")
    response = sign_in(client, "lan", PASSWORD, address="203.0.113.9")
    assert not signed_in(client)
    assert "locked" in response.text
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    # The account itself is not locked: from another address she signs in.
    sign_in(client, "lan", PASSWORD, address="198.51.100.7")
    assert signed_in(client)


def test_the_lockout_ends_after_the_window(client, lan):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "lan", "wrong password")
    age_failures(settings.LOGIN_LOCKOUT_MINUTES - 1)
    response = sign_in(client, "lan", PASSWORD)
    assert not signed_in(client)
    assert "locked for 1 minute " in response.text
    age_failures(2)
    sign_in(client, "lan", PASSWORD)
    assert signed_in(client)


def test_failures_spread_wider_than_the_window_do_not_lock(client, lan):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "lan", "wrong password")
    age_failures(settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    sign_in(client, "lan", "wrong password")
    sign_in(client, "lan", PASSWORD)
    assert signed_in(client)


def test_a_successful_sign_in_clears_the_account_failures(client, lan):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "lan", "wrong password")
    sign_in(client, "someone", "wrong password")
    sign_in(client, "lan", PASSWORD)
    assert signed_in(client)
    assert list(SignInFailure.objects.values_list("username", flat=True)) == ["someone"]


def test_sign_out_is_post_only_and_audited(client, lan):
    sign_in(client, "lan", PASSWORD)
    assert client.get("/signout/").status_code == 405
    assert signed_in(client)
    response = client.post("/signout/")
    assert response.status_code == 302
    assert not signed_in(client)
    assert AuditEntry.objects.get(action="auth.logout").actor_id == lan.pk


def test_a_tampered_session_cookie_gives_an_anonymous_user(client, lan):
    sign_in(client, "lan", PASSWORD)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies[settings.SESSION_COOKIE_NAME] = key[:-1] + ("a" if key[-1] != "a" else "b")
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_post_without_csrf_token_is_refused(lan):
    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGNIN, {"username": "lan", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_the_admin_sign_in_form_sends_people_to_ours(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/signin/?next=%2Fadmin%2F"
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302
    assert not SignInFailure.objects.exists()
