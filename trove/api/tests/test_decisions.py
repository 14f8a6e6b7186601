from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase
from trove.cases.models import Case, CaseStatus
from trove.rules.models import IdentificationGround
from trove.verification.actions import tick_ground


class DecisionTests(ApiTestCase):
    def setUp(self):
        ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
        tick_ground(case=self.case, acting_user=self.p.owner, ground=ground, source="Công văn 12/CAT")
        self.body = {"outcome": "victim", "decision_date": timezone.localdate().isoformat(),
                     "reasons": "Lời khai phù hợp với thông tin của Công an"}

    def propose(self, who="verifier"):
        return self.call("POST", f"/api/v1/cases/{self.case.code}/decisions", who=who, body=self.body)

    def test_propose_then_approve_by_another(self):
        self.assertError(self.propose("owner"), 403)  # a caseworker does not decide
        self.assertError(self.propose("readonly"), 403)
        self.assertError(self.propose("outsider"), 404)
        proposed = self.propose("supervisor")
        self.assertEqual(proposed.status_code, 201, proposed.content)
        decision = proposed.json()
        self.assertEqual(decision["status"], "proposed")
        self.assertIsNone(decision["reasons"])
        url = f"/api/v1/decisions/{decision['id']}"
        self.assertError(self.call("POST", f"{url}/approve", who="supervisor"), 422)  # four-eyes rule
        self.assertError(self.call("POST", f"{url}/approve", who="owner"), 403)
        approved = self.call("POST", f"{url}/approve", who="supervisor2")
        self.assertEqual(approved.json()["status"], "approved")
        self.assertTrue(approved.json()["number"])
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, CaseStatus.IDENTIFIED_VICTIM)
        listed = self.call("GET", f"/api/v1/cases/{self.case.code}/decisions", who="readonly").json()
        self.assertEqual([d["id"] for d in listed], [decision["id"]])
        self.assertEqual(self.call("GET", f"{url}?reveal=true").json()["reasons"], self.body["reasons"])
        self.assertIsNone(self.call("GET", f"{url}?reveal=true", who="readonly").json()["reasons"])
        self.assertError(self.call("GET", url, who="outsider"), 404)

    def test_reject_needs_a_reason(self):
        decision = self.propose().json()
        url = f"/api/v1/decisions/{decision['id']}/reject"
        self.assertError(self.call("POST", url, who="supervisor", body={"reason": "ngắn"}), 422)
        rejected = self.call("POST", url, who="supervisor", body={"reason": "Chưa đủ căn cứ, cần xác minh thêm"})
        self.assertEqual(rejected.json()["status"], "rejected")

    def test_a_decision_dated_before_intake_is_refused_with_the_actions_message(self):
        self.body["decision_date"] = "2020-01-01"
        self.assertError(self.propose(), 422, "decision_date")
