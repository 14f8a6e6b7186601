"""Personas with API tokens, and a case of the owning agency, for the API's tests."""

from __future__ import annotations

import datetime
import json

from django.test import RequestFactory
from django.utils import timezone

from trove.agencies.models import Role
from trove.api.actions import token_create
from trove.cases.actions import IntakeData, receive_person
from trove.cases.models import PlaceKind
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit
from trove.people.actions import PersonData

NAME = "Trần Thị Bích Ngọc"


def make_token(user, *, read_only: bool = False, lifetime_days: int = 30) -> str:
    """A token made through the action, from a request that passed the second factor (as the token page does)."""
    request = RequestFactory().post("/api/v1/account/tokens/")
    request.user = user
    user.is_verified = lambda: True
    return token_create(acting_user=user, name="test script", lifetime_days=lifetime_days, read_only=read_only,
                        request=request).secret


def open_case(personas, *, name: str = NAME, received_at=None):
    received_at = received_at or timezone.now() - datetime.timedelta(hours=2)
    return receive_person(
        acting_user=personas.owner, agency=personas.owner_agency,
        intake=IntakeData(channel="self_reported", received_at=received_at, place_kind=PlaceKind.COMMUNE,
                          place_unit=AdminUnit.objects.by_key("2025:29926"), place_name="UBND xã Tân Hồng",
                          immediate_needs="Chỗ ở tạm thời"),
        person=PersonData(full_name=name, sex="female", birth_date=datetime.date(2000, 3, 9)),
    )


class ApiTestCase(PersonaTestCase):
    """``self.tokens[name]`` holds a token of each persona; ``self.call`` calls the API with one of them."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.verifier = _member(_user("p_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        cls.supervisor2 = _member(_user("p_supervisor2", "Mai Thị Duyệt"), cls.p.province_agency, Role.SUPERVISOR,
                                  cls.p.province)
        cls.case = open_case(cls.p)
        users = {"owner": cls.p.owner, "readonly": cls.p.readonly, "partner": cls.p.partner,
                 "supervisor": cls.p.supervisor, "statistician": cls.p.statistician, "outsider": cls.p.outsider,
                 "verifier": cls.verifier, "supervisor2": cls.supervisor2}
        cls.tokens = {name: make_token(user) for name, user in users.items()}
        cls.tokens["owner_read_only"] = make_token(cls.p.owner, read_only=True)

    def call(self, method: str, path: str, who: str | None = "owner", body=None, **headers):
        kwargs = {}
        if who is not None:
            kwargs["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[who]}"
        for name, value in headers.items():
            name = name.upper().replace("-", "_")
            kwargs[name if name.startswith("HTTP_") else f"HTTP_{name}"] = value
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def assertError(self, response, status: int, field: str | None = None):  # noqa: N802
        self.assertEqual(response.status_code, status, response.content[:500])
        body = response.json()
        self.assertEqual(set(body), {"error", "fields"})
        self.assertTrue(body["error"])
        if field is not None:
            self.assertIn(field, body["fields"])
        return body
