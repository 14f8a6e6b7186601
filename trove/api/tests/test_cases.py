from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase, open_case
from trove.core.models import AuditEntry


class CaseListTests(ApiTestCase):
    def test_each_persona_sees_its_scope(self):
        codes = lambda who: [row["code"] for row in self.call("GET", "/api/v1/cases", who=who).json()["results"]]  # noqa: E731
        self.assertEqual(codes("owner"), [self.case.code])
        self.assertEqual(codes("readonly"), [self.case.code])
        self.assertEqual(codes("supervisor"), [self.case.code])
        self.assertEqual(codes("outsider"), [])
        self.assertEqual(codes("partner"), [])  # not asked to take part yet
        self.assertError(self.call("GET", "/api/v1/cases", who="statistician"), 403)

    def test_the_filters_of_the_case_list_page(self):
        second = open_case(self.p, name="Lò Thị Mỷ")
        base = "/api/v1/cases"
        self.assertEqual(len(self.call("GET", f"{base}?status=closed").json()["results"]), 0)
        self.assertEqual(len(self.call("GET", f"{base}?channel=self_reported").json()["results"]), 2)
        self.assertEqual(len(self.call("GET", f"{base}?unit=2025:82").json()["results"]), 2)
        self.assertEqual(len(self.call("GET", f"{base}?unit=2025:91").json()["results"]), 0)
        self.assertEqual([c["code"] for c in self.call("GET", f"{base}?q={second.code}").json()["results"]],
                         [second.code])
        by_name = self.call("GET", f"{base}?q=Lò Mỷ").json()["results"]
        self.assertEqual([c["code"] for c in by_name], [second.code])
        # A name search reads identity: audited with the token, without the name.
        entry = AuditEntry.objects.filter(action="api.call", object_id="name-search").last()
        self.assertIn("#", entry.changes["token"][1])
        self.assertNotIn("Mỷ", str(entry.changes))
        self.assertError(self.call("GET", f"{base}?q=Lò Mỷ", who="readonly"), 403)
        self.assertError(self.call("GET", f"{base}?unit=nowhere-at-all-xyz"), 422, "unit")
        self.assertError(self.call("GET", f"{base}?status=lost"), 400, "status")

    def test_pages_link_to_each_other_with_the_filters(self):
        for name in ("Lò Thị Mỷ", "Giàng Thị Pàng"):
            open_case(self.p, name=name)
        first = self.call("GET", "/api/v1/cases?page_size=2&channel=self_reported").json()
        self.assertEqual(len(first["results"]), 2)
        self.assertIsNone(first["previous"])
        self.assertIn("channel=self_reported", first["next"])
        second = self.call("GET", first["next"]).json()
        self.assertEqual(len(second["results"]), 1)
        self.assertIsNone(second["next"])
        self.assertIn("page=1", second["previous"])


class CaseDetailTests(ApiTestCase):
    def url(self, suffix=""):
        return f"/api/v1/cases/{self.case.code}{suffix}"

    def test_owner_readonly_outsider(self):
        owner = self.call("GET", self.url()).json()
        self.assertEqual(owner["person_id"], self.case.person_id)
        self.assertIsNone(owner["person"])
        self.assertIsNone(owner["intake"]["immediate_needs"])
        readonly = self.call("GET", self.url(), who="readonly").json()
        self.assertIsNone(readonly["person_id"])
        self.assertError(self.call("GET", self.url(), who="outsider"), 404)
        self.assertError(self.call("GET", "/api/v1/cases/DT-2026-99999"), 404)

    def test_identity_is_revealed_on_request_to_who_may_see_it_and_audited_with_the_token(self):
        before = AuditEntry.objects.count()
        body = self.call("GET", self.url("?reveal=true")).json()
        self.assertEqual(body["person"]["full_name"], "Trần Thị Bích Ngọc")
        self.assertEqual(body["intake"]["immediate_needs"], "Chỗ ở tạm thời")
        entries = list(AuditEntry.objects.filter(pk__gt=before).order_by("pk"))
        self.assertEqual([e.action for e in entries], ["identity.view", "api.call"])
        self.assertEqual(entries[1].object_id, str(self.case.pk))
        self.assertTrue(entries[1].changes["token"][1].startswith("#"))
        self.assertIn("trv_", entries[1].changes["token"][1])
        self.assertNotIn("Trần", str(entries[1].changes))
        # The observer asks too, but does not hold case.view_identity: no identity, no identity.view entry.
        before = AuditEntry.objects.count()
        body = self.call("GET", self.url("?reveal=true"), who="readonly").json()
        self.assertIsNone(body["person"])
        self.assertFalse(AuditEntry.objects.filter(pk__gt=before, action="identity.view").exists())

    def test_status_changes_go_through_the_actions(self):
        from trove.rules.models import IdentificationGround
        from trove.verification.actions import approve_decision, propose_decision, tick_ground

        # Closing a case still being identified is refused by the transitions table: the action's message.
        self.assertError(self.call("POST", self.url("/status"), body={"to": "closed", "closing_reason": "moved"}),
                         422)
        ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
        tick_ground(case=self.case, acting_user=self.p.owner, ground=ground, source="Công văn 12/CAT")
        decision = propose_decision(case=self.case, acting_user=self.verifier, outcome="victim",
                                    reasons="Lời khai phù hợp với thông tin của Công an",
                                    decision_date=timezone.localdate())
        approve_decision(decision=decision, acting_user=self.p.supervisor)
        body = {"to": "closed", "closing_reason": "moved"}
        self.assertError(self.call("POST", self.url("/status"), who="outsider", body=body), 404)
        self.assertError(self.call("POST", self.url("/status"), who="readonly", body=body), 403)
        refused = self.assertError(self.call("POST", self.url("/status"), body={"to": "closed"}), 422)
        self.assertTrue(refused["error"])
        response = self.call("POST", self.url("/status"), body=body)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "closed")
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_id=str(self.case.pk)).exists())
        reopened = self.call("POST", self.url("/reopen"), body={"reason": "Người này đã quay lại địa phương"})
        self.assertEqual(reopened.json()["status"], "identified_victim")
