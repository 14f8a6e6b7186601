import datetime

from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase
from trove.core.models import AuditEntry
from trove.rules.models import IdentificationGround
from trove.verification.models import RequestStatus, StepStatus, VerificationStep


class StepTests(ApiTestCase):
    def setUp(self):
        self.steps = list(self.case.verification_steps.order_by("order"))

    def test_the_case_verification_and_one_step_per_persona(self):
        body = self.call("GET", f"/api/v1/cases/{self.case.code}/verification").json()
        self.assertEqual(body["regime"], "B")
        self.assertEqual([s["id"] for s in body["steps"]], [s.pk for s in self.steps])
        self.assertTrue(body["grounds"])
        url = f"/api/v1/verification/steps/{self.steps[0].pk}"
        self.assertEqual(self.call("GET", url).json()["case"], self.case.code)
        self.assertEqual(self.call("GET", url, who="readonly").status_code, 200)
        self.assertError(self.call("GET", url, who="outsider"), 404)
        self.assertError(self.call("GET", url, who="partner"), 404)
        self.assertError(self.call("GET", "/api/v1/verification/steps/999999"), 404)

    def test_completing_steps_in_order_with_if_match(self):
        first, second = self.steps[0], self.steps[1]
        url = f"/api/v1/verification/steps/{first.pk}/complete"
        self.assertError(self.call("POST", url, who="outsider", body={}), 404)
        self.assertError(self.call("POST", url, who="readonly", body={}), 403)
        out_of_order = self.call("POST", f"/api/v1/verification/steps/{second.pk}/complete", body={})
        self.assertError(out_of_order, 422)
        etag = self.call("GET", f"/api/v1/verification/steps/{first.pk}")["ETag"]
        done = self.call("POST", url, body={"note": "Đã lập tờ khai"}, IF_MATCH=etag)
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], StepStatus.DONE)
        self.assertNotEqual(done["ETag"], etag)
        # A second write with the ETag read before the change is stale: 409, nothing changed.
        stale = self.call("POST", f"/api/v1/verification/steps/{first.pk}/skip", body={"reason": "Không cần nữa"},
                          IF_MATCH=etag)
        self.assertError(stale, 409)
        self.assertEqual(VerificationStep.objects.get(pk=first.pk).status, StepStatus.DONE)
        # The note is free text about the person: only with reveal=true, audited.
        self.assertIsNone(self.call("GET", f"/api/v1/verification/steps/{first.pk}").json()["note"])
        revealed = self.call("GET", f"/api/v1/verification/steps/{first.pk}?reveal=true").json()
        self.assertEqual(revealed["note"], "Đã lập tờ khai")
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_id=str(first.pk)).exists())

    def test_open_steps_like_the_deadlines_page(self):
        body = self.call("GET", "/api/v1/verification/steps").json()
        self.assertEqual({s["case"] for s in body["results"]}, {self.case.code})
        self.assertEqual(self.call("GET", "/api/v1/verification/steps", who="outsider").json()["results"], [])
        scope = self.call("GET", "/api/v1/verification/steps?scope=scope", who="supervisor").json()
        self.assertEqual({s["case"] for s in scope["results"]}, {self.case.code})


class RequestTests(ApiTestCase):
    def send(self, who="owner"):
        due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
        return self.call("POST", f"/api/v1/cases/{self.case.code}/verification/requests", who=who,
                         body={"to_agency": self.p.partner_agency.pk, "kind": "verify_identity", "due_on": due})

    def test_send_reply_close(self):
        self.assertError(self.send("readonly"), 403)
        self.assertError(self.send("outsider"), 404)
        sent = self.send()
        self.assertEqual(sent.status_code, 201, sent.content)
        request_id = sent.json()["id"]
        # The requested agency takes part while the request is open.
        self.assertEqual(self.call("GET", f"/api/v1/cases/{self.case.code}", who="partner").status_code, 200)
        listed = self.call("GET", "/api/v1/verification/requests", who="partner").json()["results"]
        self.assertEqual([r["id"] for r in listed], [request_id])
        self.assertError(self.call("POST", f"/api/v1/verification/requests/{request_id}/replies", who="owner",
                                   body={"text": "Trả lời"}), 403)
        replied = self.call("POST", f"/api/v1/verification/requests/{request_id}/replies", who="partner",
                            body={"text": "Xác minh: đúng người, đúng địa chỉ"})
        self.assertEqual(replied.status_code, 201, replied.content)
        self.assertEqual(replied.json()["status"], RequestStatus.ANSWERED)
        self.assertIsNone(replied.json()["replies"][0]["text"])
        self.assertError(self.call("POST", f"/api/v1/verification/requests/{request_id}/close", who="partner"), 403)
        closed = self.call("POST", f"/api/v1/verification/requests/{request_id}/close")
        self.assertEqual(closed.json()["status"], RequestStatus.CLOSED)
        self.assertError(self.call("GET", f"/api/v1/cases/{self.case.code}", who="partner"), 404)

    def test_a_bad_request_gets_the_actions_messages(self):
        body = {"to_agency": self.p.owner_agency.pk, "kind": "verify_identity", "due_on": "2020-01-01"}
        refused = self.call("POST", f"/api/v1/cases/{self.case.code}/verification/requests", body=body)
        self.assertEqual(set(self.assertError(refused, 422)["fields"]), {"to_agency", "due_on"})


class GroundTests(ApiTestCase):
    def test_tick_and_untick(self):
        ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
        url = f"/api/v1/cases/{self.case.code}/verification/grounds/{ground.pk}"
        self.assertError(self.call("PUT", url, who="readonly", body={"source": "Công văn 12/CAT"}), 403)
        ticked = self.call("PUT", url, body={"source": "Công văn 12/CAT"})
        self.assertEqual(ticked.status_code, 200, ticked.content)
        self.assertTrue(ticked.json()["ticked"])
        self.assertError(self.call("PUT", url, body={"source": "Công văn 13/CAT"}), 422)
        self.assertEqual(self.call("DELETE", url).status_code, 204)
        self.assertError(self.call("DELETE", url), 422)
