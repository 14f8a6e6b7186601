"""Fixtures for the agency pages: the shared personas (trove.core.testing) and a sign-in that has passed the second
factor, because several personas hold roles that must use one and would otherwise be sent to the two-factor page."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from trove.core.models import User
from trove.core.testing import Personas, make_personas


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture
def sign_in(client: Client):
    def sign_in(user: User) -> Client:
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in
