from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase
from trove.core.models import AuditEntry
from trove.support.risk import QUESTION_CODES


class ProtectionTests(ApiTestCase):
    def url(self, tail):
        return f"/api/v1/cases/{self.case.code}/{tail}"

    def test_risk_assessment_and_measures(self):
        today = timezone.localdate().isoformat()
        body = {"assessed_on": today, "answers": dict.fromkeys(QUESTION_CODES, "no"), "level": "low",
                "notes": "Gia đình đón nhận"}
        self.assertError(self.call("POST", self.url("protection/risk-assessments"), who="outsider", body=body), 404)
        self.assertError(self.call("POST", self.url("protection/risk-assessments"), who="readonly", body=body), 403)
        self.assertError(self.call("POST", self.url("protection/risk-assessments"), who="owner_read_only",
                                   body=body), 403)
        lower = {**body, "answers": {**body["answers"], "threatened": "yes"}, "notes": ""}
        self.assertError(self.call("POST", self.url("protection/risk-assessments"), body=lower), 422, "notes")
        made = self.call("POST", self.url("protection/risk-assessments"), body=body)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_type="support.riskassessment").exists())
        measure = {"kind": "police_protection", "responsible_agency": self.p.owner_agency.pk, "starts_on": today}
        added = self.call("POST", self.url("protection/measures"), body=measure)
        self.assertEqual(added.status_code, 201, added.content)
        page = self.call("GET", self.url("protection"), who="readonly").json()
        self.assertEqual(len(page["risk_assessments"]), 1)
        self.assertIsNone(page["risk_assessments"][0]["notes"])
        self.assertEqual(len(page["safety_measures"]), 1)
        self.assertError(self.call("GET", self.url("protection"), who="outsider"), 404)
        revealed = self.call("GET", self.url("protection?reveal=true")).json()
        self.assertEqual(revealed["risk_assessments"][0]["notes"], "Gia đình đón nhận")
        end = self.call("POST", self.url(f"protection/measures/{added.json()['id']}/end"), body={"ended_on": today})
        self.assertEqual(end.json()["ended_on"], today)
        self.assertError(self.call("POST", self.url(f"protection/measures/{added.json()['id']}/end"),
                                   body={"ended_on": today}), 422, "ended_on")

    def test_needs_circumstances_and_plan(self):
        today = timezone.localdate().isoformat()
        self.assertError(self.call("POST", self.url("needs/assessments"), body={"assessed_on": today}), 422, "needs")
        self.assertError(self.call("POST", self.url("needs/assessments"),
                                   body={"assessed_on": today, "needs": ["zz"]}), 422, "needs")
        made = self.call("POST", self.url("needs/assessments"), body={"assessed_on": today, "needs": ["a", "b"]})
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(sorted(made.json()["needs"]), ["a", "b"])
        circumstances = {"poor_household": True, "poor_household_reference": ""}
        self.assertError(self.call("PUT", self.url("needs/circumstances"), body=circumstances), 422,
                         "poor_household_reference")
        self.assertError(self.call("PUT", self.url("needs/circumstances"), who="readonly",
                                   body={"poor_household": False}), 403)
        saved = self.call("PUT", self.url("needs/circumstances"),
                          body={"poor_household": True, "poor_household_reference": "HN-123/2026"})
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertIsNone(saved.json()["poor_household_reference"])
        needs = self.call("GET", self.url("needs"), who="readonly").json()
        self.assertTrue(needs["circumstances"]["poor_household"])
        self.assertError(self.call("GET", self.url("needs"), who="outsider"), 404)
        # The support plan: goals first, then services.
        service = {"support_type": "b", "description": "Khám sức khỏe", "responsible_agency": self.p.owner_agency.pk,
                   "planned_from": today}
        self.assertError(self.call("POST", self.url("support-plan/services"), body=service), 422)
        self.assertError(self.call("PUT", self.url("support-plan"), who="readonly", body={"goals": "Học nghề"}), 403)
        written = self.call("PUT", self.url("support-plan"), body={"goals": "Học nghề may"})
        self.assertEqual(written.status_code, 200, written.content)
        added = self.call("POST", self.url("support-plan/services"), body=service)
        self.assertEqual(added.status_code, 201, added.content)
        status = self.call("POST", self.url(f"support-plan/services/{added.json()['id']}/status"),
                           body={"status": "done"})
        self.assertEqual(status.status_code, 200, status.content)
        plan = self.call("GET", self.url("support-plan"), who="readonly").json()
        self.assertEqual((plan["exists"], plan["goals"], len(plan["services"])), (True, None, 1))
        self.assertError(self.call("GET", self.url("support-plan"), who="outsider"), 404)
