"""The second factor: who needs it, enrolment, verification, recovery codes, and what a half-signed-in user reaches."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trove.agencies.models import Agency, Membership, Role
from trove.core.models import AuditEntry, Installation, SignInFailure, User
from trove.core.signin import user_needs_two_factor
from trove.geo.models import AdminUnit

PASSWORD = "sông Tiền chảy qua 2026"
VERIFY = "/account/two-factor/"
ENROL = "/account/two-factor/enrol/"


def member(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    unit = AdminUnit.objects.by_key("2025:29926")
    agency = Agency.objects.create(name="Công an xã", agency_type="police", unit=unit)
    Membership.objects.create(user=user, agency=agency, role=role, scope_unit=unit)
    return user


@pytest.fixture
def caseworker(db) -> User:
    return member("hoa", Role.CASEWORKER)


def sign_in(client: Client, username: str = "hoa") -> None:
    response = client.post("/signin/", {"username": username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, "the password step should succeed"


def code_for(device: TOTPDevice, seconds_ago: int = 0) -> str:
    # totp() counts steps from t0; moving t0 forward gives the code that was current that many seconds ago.
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 + seconds_ago, digits=device.digits):06d}"


def enrol(client: Client, user: User) -> list[str]:
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_for(device)})
    assert response.status_code == 200
    return response.context["recovery_codes"]


@pytest.fixture
def enrolled(caseworker) -> tuple[User, list[str]]:
    """Hoa with a confirmed authenticator, signed out again."""
    client = Client()
    sign_in(client)
    codes = enrol(client, caseworker)
    client.post("/signout/")
    return caseworker, codes


def verified(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_roles_that_see_identity_need_two_factor(db):
    assert user_needs_two_factor(member("a", Role.CASEWORKER))
    assert user_needs_two_factor(member("b", Role.SUPERVISOR))
    assert not user_needs_two_factor(member("c", Role.STATISTICIAN))
    staff = User.objects.create_user(username="d", password=PASSWORD, is_staff=True)
    assert user_needs_two_factor(staff)


def test_an_ended_membership_does_not_count(db):
    user = member("e", Role.CASEWORKER)
    Membership.objects.filter(user=user).update(valid_to=timezone.localdate() - timezone.timedelta(days=1))
    assert not user_needs_two_factor(user)


def test_a_statistician_goes_straight_in(client, db):
    member("thu", Role.STATISTICIAN)
    sign_in(client, "thu")
    assert verified(client)


def test_a_caseworker_without_a_device_is_sent_to_enrolment(client, caseworker):
    sign_in(client)
    for path in ("/", "/agencies/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(ENROL + "?next=")
    response = client.get(ENROL)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in response.text
    device = TOTPDevice.objects.get(user=caseworker)
    assert not device.confirmed
    secret = response.context["secret"]
    assert secret.replace(" ", "") in device.config_url
    assert secret in response.text


def test_enrolment_with_the_right_code_confirms_the_device_and_shows_recovery_codes(client, caseworker):
    sign_in(client)
    codes = enrol(client, caseworker)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=caseworker).confirmed
    assert StaticToken.objects.filter(device__user=caseworker).count() == 10
    assert AuditEntry.objects.filter(action="auth.two_factor_enrolled", actor_id=caseworker.pk).count() == 1
    assert verified(client)


def test_enrolment_with_a_wrong_code_is_refused_and_counted(client, caseworker):
    sign_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=caseworker)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post(ENROL, {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "That code is not right" in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert SignInFailure.objects.filter(username="hoa").count() == 1
    assert AuditEntry.objects.filter(action="auth.two_factor_failed").count() == 1
    assert not verified(client)


def test_enrolment_is_closed_once_a_device_is_confirmed(client, enrolled):
    # Someone holding only the password must not be able to enrol an authenticator of their own.
    sign_in(client)
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url == VERIFY
    assert client.post(ENROL, {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.count() == 1
    assert client.get("/").url.startswith(VERIFY)


def test_the_right_code_lets_an_enrolled_user_in(client, enrolled):
    user, _codes = enrolled
    sign_in(client)
    assert not verified(client)
    device = TOTPDevice.objects.get(user=user)
    # The enrolment used the current step; wait is not allowed, so take the device's record back one step.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/agencies/"})
    assert response.status_code == 302 and response.url == "/agencies/"
    assert verified(client)


def test_a_reused_code_is_refused(client, enrolled):
    user, _codes = enrolled
    device = TOTPDevice.objects.get(user=user)
    used = code_for(device)  # the code that confirmed the enrolment a moment ago, still within its time step
    sign_in(client)
    response = client.post(VERIFY, {"code": used}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not verified(client)
    assert AuditEntry.objects.filter(action="auth.two_factor_failed", actor_id=user.pk).count() == 1


def test_an_expired_code_is_refused(client, enrolled):
    user, _codes = enrolled
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    sign_in(client)
    # The device accepts one step either side of now; four steps ago is too old.
    response = client.post(VERIFY, {"code": code_for(device, seconds_ago=4 * device.step)})
    assert response.status_code == 200
    assert not verified(client)


def test_a_recovery_code_works_once(client, enrolled):
    user, codes = enrolled
    sign_in(client)
    response = client.post(VERIFY, {"code": codes[0].upper()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert verified(client)
    assert AuditEntry.objects.filter(action="auth.recovery_code_used", actor_id=user.pk).count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post("/signout/")
    sign_in(client)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert not verified(client)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_wrong_codes_count_toward_the_lockout_across_sign_ins(client, enrolled):
    user, _codes = enrolled
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 500000) % 1000000:06d}"
    sign_in(client)
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post(VERIFY, {"code": wrong})
    # Signing in with the password again must not wipe the count and hand out fresh guesses.
    client.post("/signout/")
    sign_in(client)
    client.post(VERIFY, {"code": wrong})
    assert AuditEntry.objects.filter(action="auth.lockout").count() == 1
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(VERIFY, {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign-in is locked" in response.text
    assert not verified(client)
    client.post("/signout/")
    response = client.post("/signin/", {"username": "hoa", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Sign-in is locked" in response.text


def test_a_half_signed_in_user_reaches_only_the_open_pages(client, enrolled):
    sign_in(client)
    assert client.get("/healthz").status_code == 200
    assert client.get(VERIFY).status_code == 200
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/agencies/").url == VERIFY + "?next=%2Fagencies%2F"
    # A POST elsewhere is turned away too, without a next address.
    assert client.post("/agencies/", {}).url == VERIFY
    # A script calling the API with that session gets a JSON answer it can read, not a sign-in page.
    api = client.get("/api/v1/cases")
    assert api.status_code == 401 and api.json()["error"]
    assert client.post("/signout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_next_address_must_be_on_this_site(client, enrolled):
    user, codes = enrolled
    sign_in(client)
    response = client.post(VERIFY, {"code": codes[1], "next": "https://evil.example/"})
    assert response.url == "/"


@override_settings(DEMO_SKIP_TWO_FACTOR=True)
def test_a_demo_installation_may_skip_two_factor_and_says_so(client, caseworker):
    sign_in(client)
    assert not verified(client), "the setting alone, without demo data, must not switch two-factor off"
    Installation.objects.update_or_create(pk=1, defaults={"demo_seeded_at": timezone.now()})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Two-factor sign-in is switched off in this demo." in response.text


def test_the_demo_banner_does_not_claim_two_factor_is_off_when_it_is_on(client, db):
    Installation.objects.update_or_create(pk=1, defaults={"demo_seeded_at": timezone.now()})
    member("thu", Role.STATISTICIAN)
    sign_in(client, "thu")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Demo data" in response.text
    assert not re.search("Two-factor sign-in is switched off", response.text)
