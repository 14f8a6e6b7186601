import datetime
import hashlib

from django.test import RequestFactory
from django.utils import timezone, translation

from trove.agencies.actions import membership_end
from trove.api.actions import token_create
from trove.api.models import ApiToken
from trove.api.tests.helpers import ApiTestCase, make_token
from trove.core.models import AuditEntry, Installation


class TokenPageTests(ApiTestCase):
    url = "/api/v1/account/tokens/"

    def test_it_creates_a_token_shown_once_and_stores_only_its_hash(self):
        self.sign_in(self.p.owner)
        response = self.client.post(self.url, {"name": "Kịch bản nhập tổng đài", "lifetime_days": "30",
                                                "read_only": "on"})
        self.assertEqual(response.status_code, 200)
        secret = response.context["created"].secret
        self.assertTrue(secret.startswith("trv_"))
        self.assertContains(response, secret)
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)
        token = ApiToken.objects.get(name="Kịch bản nhập tổng đài")
        self.assertEqual(token.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertEqual(token.prefix, secret[:12])
        self.assertTrue(token.read_only)
        self.assertAlmostEqual(token.expires_at, timezone.now() + datetime.timedelta(days=30),
                               delta=datetime.timedelta(minutes=1))
        # Shown once: the list afterwards holds the prefix, never the secret.
        again = self.client.get(self.url)
        self.assertContains(again, token.prefix)
        self.assertNotContains(again, secret)
        entry = AuditEntry.objects.filter(action="api.token_create", object_id=str(token.pk)).get()
        self.assertNotIn(secret, str(entry.changes))
        self.assertIn(token.prefix, str(entry.changes))

    def test_a_bad_name_or_lifetime_is_refused_and_nothing_saved(self):
        self.sign_in(self.p.owner)
        before = ApiToken.objects.count()
        with translation.override("en"):
            response = self.client.post(self.url, {"name": " ", "lifetime_days": "1000"},
                                        HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(ApiToken.objects.count(), before)

    def test_a_role_that_sees_identity_needs_the_second_factor(self):
        self.sign_in(self.p.owner, second_factor=False)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/account/two-factor/", response["Location"])
        # The action refuses too, whoever calls it.
        request = RequestFactory().post(self.url)
        request.user = self.p.owner
        self.p.owner.is_verified = lambda: False
        with self.assertRaises(Exception) as raised:
            token_create(acting_user=self.p.owner, name="x", lifetime_days=30, request=request)
        self.assertEqual(type(raised.exception).__name__, "PermissionDenied")

    def test_a_role_without_identity_needs_no_second_factor_and_outsiders_of_every_agency_get_403(self):
        self.sign_in(self.p.statistician, second_factor=False)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        from trove.core.models import User

        lonely = User.objects.create(username="p_lonely")
        self.client.force_login(lonely)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_revoking_stops_the_token_at_once_and_only_the_owner_may(self):
        secret = make_token(self.p.owner)
        token = ApiToken.objects.get(token_hash=hashlib.sha256(secret.encode()).hexdigest())
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.post(f"{self.url}{token.pk}/revoke/").status_code, 404)
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.post(f"{self.url}{token.pk}/revoke/").status_code, 302)
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.client.logout()
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertError(response, 401)
        self.assertTrue(AuditEntry.objects.filter(action="api.token_revoke", object_id=str(token.pk)).exists())


class TokenApiTests(ApiTestCase):
    def test_a_token_acts_as_its_user(self):
        response = self.call("GET", "/api/v1/me")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["username"], "p_owner")
        self.assertIn("case.create", body["permissions"])
        self.assertTrue(body["token"]["prefix"].startswith("trv_"))

    def test_no_unknown_or_badly_sent_token_is_401(self):
        self.assertError(self.call("GET", "/api/v1/me", who=None), 401)
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer trv_not-a-token")
        self.assertError(response, 401)
        self.assertIn("Bearer", response["WWW-Authenticate"])
        self.assertError(self.client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401)

    def test_an_expired_token_stops_working(self):
        ApiToken.objects.filter(user=self.p.owner).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        with translation.override("en"):
            body = self.assertError(self.call("GET", "/api/v1/me", HTTP_ACCEPT_LANGUAGE="en"), 401)
        self.assertIn("expired", body["error"])

    def test_a_read_only_token_reads_but_never_writes(self):
        self.assertEqual(self.call("GET", f"/api/v1/cases/{self.case.code}", who="owner_read_only").status_code, 200)
        response = self.call("POST", f"/api/v1/cases/{self.case.code}/reopen", who="owner_read_only",
                             body={"reason": "Người này đã quay lại địa phương"})
        self.assertError(response, 403)
        self.assertError(self.call("DELETE", "/api/v1/tokens/1", who="owner_read_only"), 403)

    def test_a_token_of_someone_whose_memberships_ended_stops_on_the_next_call(self):
        self.assertEqual(self.call("GET", "/api/v1/me", who="readonly").status_code, 200)
        membership = self.p.readonly.memberships.get()
        admin = self.p.administrator
        from trove.agencies.models import Membership, Role

        Membership.objects.create(user=admin, agency=self.p.owner_agency, role=Role.ADMINISTRATOR,
                                  scope_unit=self.p.commune)
        membership_end(acting_user=admin, membership=membership)
        self.assertError(self.call("GET", "/api/v1/me", who="readonly"), 401)

    def test_tokens_are_made_from_a_session_only_and_listed_and_revoked_through_the_api(self):
        response = self.call("POST", "/api/v1/tokens", body={"name": "script", "lifetime_days": 30})
        self.assertError(response, 403)
        self.sign_in(self.p.owner)
        # A session needs the CSRF token for unsafe methods.
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        from trove.core.testing import sign_in

        sign_in(client, self.p.owner)
        client.get("/api/v1/account/tokens/")
        response = client.post("/api/v1/tokens", data={"name": "script", "lifetime_days": 30},
                               content_type="application/json")
        self.assertError(response, 403)
        csrf = client.cookies["csrftoken"].value
        response = client.post("/api/v1/tokens", data={"name": "script", "lifetime_days": 30},
                               content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertTrue(created["token"].startswith(created["prefix"]))
        listed = self.call("GET", "/api/v1/tokens").json()
        self.assertIn(created["id"], [token["id"] for token in listed])
        self.assertNotIn("token", listed[0])
        self.assertEqual(self.call("DELETE", f"/api/v1/tokens/{created['id']}").status_code, 204)
        self.assertError(self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {created['token']}"), 401)
        # Someone else's token does not exist for the caller.
        self.assertError(self.call("DELETE", f"/api/v1/tokens/{created['id'] - 1}", who="readonly"), 404)

    def test_demo_tokens_only_for_demo_users_of_a_demo_database(self):
        from django.core.exceptions import PermissionDenied

        from trove.api.actions import demo_token_create

        with self.assertRaises(PermissionDenied):
            demo_token_create(username="intake")
        self.assertFalse(Installation.is_demo())
