from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase
from trove.people.models import SuspectedVictim


class RegistryTests(ApiTestCase):
    def create(self, who="owner", **overrides):
        body = {"person": {"full_name": "Vàng Thị Mai", "sex": "female"}, "risk_channel": "online_recruitment",
                "reported_on": timezone.localdate().isoformat(), "reported_by": "Mẹ của người này",
                "destination_country": "kh"}
        body.update(overrides)
        return self.call("POST", "/api/v1/registries/suspected", who=who, body=body)

    def test_record_list_read_change(self):
        self.assertError(self.create("readonly"), 403)
        created = self.create()
        self.assertEqual(created.status_code, 201, created.content)
        entry = created.json()
        self.assertEqual((entry["registry"], entry["destination_country"]), ("suspected", "KH"))
        self.assertEqual([e["id"] for e in self.call("GET", "/api/v1/registries/suspected").json()["results"]],
                         [entry["id"]])
        self.assertEqual(self.call("GET", "/api/v1/registries/suspected", who="outsider").json()["results"], [])
        url = f"/api/v1/registries/suspected/{entry['id']}"
        self.assertError(self.call("GET", url, who="outsider"), 404)
        self.assertIsNone(self.call("GET", url, who="readonly").json()["person_id"])
        self.assertEqual(self.call("GET", f"{url}?reveal=true").json()["reported_by"], "Mẹ của người này")
        self.assertError(self.call("POST", f"{url}/status", who="readonly", body={"status": "located"}), 403)
        self.assertError(self.call("POST", f"{url}/status", body={"status": "returned"}), 422, "status")
        changed = self.call("POST", f"{url}/status", body={"status": "located"})
        self.assertEqual(changed.json()["status"], "located")

    def test_bad_input_is_refused_and_nothing_saved(self):
        self.assertError(self.create(reported_on="2099-01-01"), 422, "reported_on")
        self.assertError(self.create(destination_country="ZZ"), 422, "destination_country")
        self.assertError(self.create(risk_channel="bus"), 400, "risk_channel")
        self.assertFalse(SuspectedVictim.objects.exists())

    def test_an_entry_becomes_a_case(self):
        entry = self.create().json()
        url = f"/api/v1/registries/suspected/{entry['id']}/case"
        body = {"channel": "self_reported", "received_at": timezone.localtime().isoformat(),
                "place_kind": "commune", "place_unit": "2025:29926"}
        self.assertError(self.call("POST", url, who="readonly", body=body), 403)
        opened = self.call("POST", url, body=body)
        self.assertEqual(opened.status_code, 201, opened.content)
        again = self.call("GET", f"/api/v1/registries/suspected/{entry['id']}").json()
        self.assertEqual((again["status"], again["case"]), ("became_case", opened.json()["code"]))

    def test_missing_persons(self):
        body = {"person": {"full_name": "Sùng A Páo"}, "reported_on": timezone.localdate().isoformat(),
                "missing_since": "2025-12-01", "last_known_country": "CN"}
        created = self.call("POST", "/api/v1/registries/missing", body=body)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["registry"], "missing")
        listed = self.call("GET", "/api/v1/registries/missing?status=missing").json()["results"]
        self.assertEqual(len(listed), 1)
