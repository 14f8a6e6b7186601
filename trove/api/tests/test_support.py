import datetime

from django.test import override_settings

from trove.api.tests.helpers import ApiTestCase
from trove.core.models import AuditEntry
from trove.support.models import SupportEntry
from trove.support.tests.helpers import open_case, vn

DAY = "2025-08-05"


def entry_body(agency_id, **values):
    return {"support_type": "a", "given_on": DAY, "giving_agency": agency_id, "amount": 4_800_000,
            "days_covered": 120, "note": "Ăn ở tại cơ sở", **values}


@override_settings(API_RATE_LIMIT_PER_MINUTE=1000)
class SupportEntryTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.support_case = open_case(cls.p, vn(2025, 8, 4))

    def url(self, tail=""):
        return f"/api/v1/cases/{self.support_case.code}/support/{tail}"

    def test_record_list_and_detail_by_persona(self):
        body = entry_body(self.p.owner_agency.pk)
        self.assertError(self.call("POST", self.url("entries"), who="outsider", body=body), 404)
        self.assertError(self.call("POST", self.url("entries"), who="readonly", body=body), 403)
        self.assertError(self.call("POST", self.url("entries"), who="owner_read_only", body=body), 403)
        self.assertFalse(SupportEntry.objects.exists())
        made = self.call("POST", self.url("entries"), body=body)
        self.assertEqual(made.status_code, 201, made.content)
        entry = made.json()
        self.assertEqual((entry["support_type"], entry["amount"], entry["version"]), ("a", 4_800_000, 1))
        self.assertIsNone(entry["note"])  # free text only on request
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_type="support.supportentry",
                                                  object_id=str(entry["id"])).exists())
        listed = self.call("GET", self.url("entries"), who="readonly").json()["results"]
        self.assertEqual([row["id"] for row in listed], [entry["id"]])
        self.assertError(self.call("GET", self.url("entries"), who="outsider"), 404)
        detail = f"/api/v1/support/entries/{entry['id']}"
        self.assertError(self.call("GET", detail, who="outsider"), 404)
        revealed = self.call("GET", detail + "?reveal=true").json()
        self.assertEqual(revealed["note"], "Ăn ở tại cơ sở")
        self.assertTrue(AuditEntry.objects.filter(action="identity.view",
                                                  object_id=str(self.support_case.pk)).exists())

    def test_the_entitlement_rule_refuses_with_its_message(self):
        self.call("POST", self.url("entries"), body=entry_body(self.p.owner_agency.pk))
        over = entry_body(self.p.owner_agency.pk, given_on="2025-08-06", amount=40_000, days_covered=1)
        refused = self.call("POST", self.url("entries"), body=over, ACCEPT_LANGUAGE="en")
        body = self.assertError(refused, 422, "__all__")
        self.assertIn("at most 120 days", " ".join(body["fields"]["__all__"]))
        self.assertIn("A member who may approve support can record it anyway", body["error"] + str(body["fields"]))
        # The owner may not override; the supervisor may, with a reason.
        self.assertError(self.call("POST", self.url("entries"),
                                   body={**over, "override_reason": "Điều trị kéo dài theo chỉ định"}), 403)
        overridden = self.call("POST", self.url("entries"), who="supervisor",
                               body={**over, "override_reason": "Điều trị kéo dài theo chỉ định"})
        self.assertEqual(overridden.status_code, 201, overridden.content)
        self.assertEqual(overridden.json()["override_codes"], ["max_days"])
        self.assertEqual(SupportEntry.objects.count(), 2)

    def test_cancel_with_a_stale_version_is_409(self):
        entry = self.call("POST", self.url("entries"), body=entry_body(self.p.owner_agency.pk)).json()
        url = f"/api/v1/support/entries/{entry['id']}/cancel"
        body = {"reason": "Nhập sai số ngày", "version": entry["version"]}
        self.assertError(self.call("POST", url, who="outsider", body=body), 404)
        self.assertError(self.call("POST", url, who="owner", body=body), 403)  # support.approve needed
        done = self.call("POST", url, who="supervisor", body=body)
        self.assertEqual(done.status_code, 200, done.content)
        self.assertTrue(done.json()["cancelled"])
        self.assertGreater(done.json()["version"], entry["version"])
        stale = self.call("POST", url, who="supervisor", body=body)
        self.assertError(stale, 409, "version")

    def test_entitlements_on_a_day(self):
        url = self.url("entitlements?on=2025-08-05")
        sheet = self.call("GET", url, who="readonly").json()
        self.assertEqual(sheet["regime"], "B")
        rows = {row["support_type"]: row for row in sheet["rows"]}
        self.assertTrue(rows["a"]["entitled"])
        self.assertEqual(rows["a"]["day_limit"], 120)
        self.assertError(self.call("GET", url, who="outsider"), 404)
        self.assertError(self.call("GET", self.url("entitlements?child=999999")), 404)

    def test_a_malformed_entry_is_400(self):
        self.assertError(self.call("POST", self.url("entries"), body=entry_body(self.p.owner_agency.pk, amount=-5)),
                         400, "amount")
        self.assertError(self.call("POST", self.url("entries"),
                                   body=entry_body(self.p.owner_agency.pk, given_on=str(datetime.date(2025, 7, 1)))),
                         422, "given_on")
