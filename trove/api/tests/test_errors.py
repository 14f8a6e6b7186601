import datetime

from django.test import override_settings
from django.utils import timezone

from trove.api.models import ApiRateWindow
from trove.api.ratelimit import count_call
from trove.api.tests.helpers import ApiTestCase


class ErrorShapeTests(ApiTestCase):
    def test_malformed_requests_are_400(self):
        response = self.client.post("/api/v1/intakes", data="{not json", content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {self.tokens['owner']}")
        self.assertError(response, 400)
        body = self.assertError(self.call("POST", "/api/v1/intakes", body={"channel": "hotline"}), 400)
        self.assertIn("person", body["fields"])
        self.assertIn("received_at", body["fields"])
        self.assertError(self.call("GET", "/api/v1/cases?page=0"), 400, "page")
        self.assertError(self.call("GET", "/api/v1/persons/abc"), 400, "person_id")
        self.assertError(self.call("POST", "/api/v1/intakes", body={"person": {"full_name": "a\u0000b"}}), 400,
                         "person.full_name")

    def test_unknown_addresses_and_methods_keep_the_shape(self):
        self.assertError(self.call("GET", "/api/v1/no/such/thing"), 404)
        response = self.call("DELETE", "/api/v1/cases")
        self.assertError(response, 405)
        self.assertEqual(response["Allow"], "GET")
        self.assertEqual(self.client.get("/api/v1/").json()["openapi"], "/api/v1/openapi.json")

    def test_messages_follow_accept_language(self):
        vi = self.assertError(self.call("GET", "/api/v1/cases/DT-2026-99999"), 404)["error"]
        en = self.assertError(self.call("GET", "/api/v1/cases/DT-2026-99999", HTTP_ACCEPT_LANGUAGE="en"), 404)["error"]
        self.assertEqual(en, "Not found, or outside what you may see.")
        self.assertNotEqual(vi, en)

    def test_a_stale_if_match_is_409(self):
        url = f"/api/v1/cases/{self.case.code}/status"
        body = self.assertError(self.call("POST", url, body={"to": "supporting"}, IF_MATCH='"old"'), 409)
        self.assertTrue(body["error"])


class RateLimitTests(ApiTestCase):
    @override_settings(API_RATE_LIMIT_PER_MINUTE=3)
    def test_too_many_calls_get_429_with_retry_after(self):
        for _ in range(3):
            self.assertEqual(self.call("GET", "/api/v1/me").status_code, 200)
        response = self.call("GET", "/api/v1/me")
        self.assertError(response, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        # Each token counts on its own.
        self.assertEqual(self.call("GET", "/api/v1/me", who="readonly").status_code, 200)

    @override_settings(API_RATE_LIMIT_PER_MINUTE=2)
    def test_the_window_starts_again_each_minute(self):
        start = timezone.now().replace(second=5, microsecond=0)
        self.assertTrue(count_call("token:x", now=start).allowed)
        self.assertTrue(count_call("token:x", now=start + datetime.timedelta(seconds=10)).allowed)
        refused = count_call("token:x", now=start + datetime.timedelta(seconds=20))
        self.assertFalse(refused.allowed)
        self.assertEqual(refused.retry_after, 35)
        self.assertTrue(count_call("token:x", now=start + datetime.timedelta(minutes=1)).allowed)
        self.assertEqual(ApiRateWindow.objects.get(caller="token:x").calls, 1)
