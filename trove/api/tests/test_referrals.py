import datetime

from django.test import override_settings
from django.utils import timezone

from trove.api.tests.helpers import make_token
from trove.core.models import AuditEntry
from trove.referrals.actions import followup_plan_create
from trove.referrals.models import ReferralStatus, VisitStatus
from trove.referrals.tests.helpers import ReferralTestCase, open_case


@override_settings(API_RATE_LIMIT_PER_MINUTE=1000)
class ReferralApiTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=120))
        users = {"owner": cls.p.owner, "readonly": cls.p.readonly, "outsider": cls.p.outsider, "women": cls.women,
                 "women_reader": cls.women_reader, "supervisor": cls.p.supervisor}
        cls.tokens = {name: make_token(user) for name, user in users.items()}
        cls.tokens["owner_read_only"] = make_token(cls.p.owner, read_only=True)

    def call(self, method, path, who="owner", body=None):
        import json

        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def body(self, **values):
        today = timezone.localdate().isoformat()
        return {"service_kind": "vocational", "to_agency": self.women_agency.pk, "referred_on": today,
                "sections": ["needs", "support_plan"], "needs": "Học nghề may", "consent_basis": self.signed.pk,
                "consent_by": "Chính người được hỗ trợ", "consent_on": today, **values}

    def test_send_accept_close_with_the_receivers_view(self):
        url = f"/api/v1/cases/{self.case.code}/referrals"
        self.assertEqual(self.call("POST", url, who="outsider", body=self.body()).status_code, 404)
        self.assertEqual(self.call("POST", url, who="readonly", body=self.body()).status_code, 403)
        self.assertEqual(self.call("POST", url, who="owner_read_only", body=self.body()).status_code, 403)
        refused = self.call("POST", url, body=self.body(consent_basis=None))
        self.assertEqual(refused.status_code, 422, refused.content)
        sent = self.call("POST", url, body=self.body())
        self.assertEqual(sent.status_code, 201, sent.content)
        referral = sent.json()
        self.assertEqual((referral["status"], referral["sections"]), (ReferralStatus.SENT, ["needs", "support_plan"]))
        detail = f"/api/v1/referrals/{referral['id']}"
        # The receiver sees it in its inbox, with the needs but not who consented.
        inbox = self.call("GET", "/api/v1/referrals?box=received", who="women").json()["results"]
        self.assertEqual([row["id"] for row in inbox], [referral["id"]])
        seen = self.call("GET", detail, who="women").json()
        self.assertEqual((seen["receiving"], seen["needs"], seen["consent_by"]), (True, "Học nghề may", None))
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_type="referrals.referral",
                                                  object_id=str(referral["id"])).exists())
        self.assertEqual(self.call("GET", detail, who="outsider").status_code, 404)
        # Only the sections shared: the receiver does not see the case's protection.
        self.assertEqual(self.call("GET", f"/api/v1/cases/{self.case.code}/protection", who="women").status_code, 404)
        self.assertEqual(self.call("GET", f"/api/v1/cases/{self.case.code}/needs", who="women").status_code, 200)
        self.assertEqual(self.call("POST", detail + "/accept", who="owner").status_code, 403)
        self.assertEqual(self.call("POST", detail + "/accept", who="women_reader").status_code, 403)
        accepted = self.call("POST", detail + "/accept", who="women")
        self.assertEqual(accepted.json()["status"], ReferralStatus.ACCEPTED, accepted.content)
        sent_list = self.call("GET", "/api/v1/referrals?box=sent").json()["results"]
        self.assertEqual([row["status"] for row in sent_list], [ReferralStatus.ACCEPTED])
        # The action's rule: the services given are recorded before closing.
        self.assertEqual(self.call("POST", detail + "/close", who="women", body={"feedback": "Xong"}).status_code, 422)
        service = self.call("POST", detail + "/services", who="women",
                            body={"given_on": timezone.localdate().isoformat(), "description": "Khóa may 3 tháng"})
        self.assertEqual(service.status_code, 200, service.content)
        self.assertEqual(len(service.json()["services"]), 1)
        closed = self.call("POST", detail + "/close", who="women", body={"feedback": "Đã học xong khóa may"})
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual((closed.json()["status"], closed.json()["case"]), (ReferralStatus.CLOSED, None))
        self.assertEqual(self.call("GET", detail, who="women").status_code, 404)
        ended = self.call("GET", "/api/v1/referrals?box=sent&state=ended").json()["results"]
        self.assertEqual([row["id"] for row in ended], [referral["id"]])

    def test_decline_needs_a_reason(self):
        referral = self.call("POST", f"/api/v1/cases/{self.case.code}/referrals", body=self.body()).json()
        url = f"/api/v1/referrals/{referral['id']}/decline"
        self.assertEqual(self.call("POST", url, who="women", body={"reason": ""}).status_code, 422)
        declined = self.call("POST", url, who="women", body={"reason": "Không còn chỗ trong khóa học"})
        self.assertEqual(declined.json()["status"], ReferralStatus.DECLINED, declined.content)

    def test_visits_due_and_recording_one(self):
        plan = followup_plan_create(acting_user=self.p.owner, case=self.case,
                                    returned_on=timezone.localdate() - datetime.timedelta(days=110))
        first = plan.visits.order_by("number").first()
        listed = self.call("GET", "/api/v1/followup/visits").json()["results"]
        self.assertIn(first.pk, [row["id"] for row in listed])
        self.assertTrue(next(row for row in listed if row["id"] == first.pk)["overdue"])
        overdue = self.call("GET", "/api/v1/followup/visits?overdue=true").json()["results"]
        self.assertTrue(all(row["overdue"] for row in overdue))
        self.assertEqual(self.call("GET", "/api/v1/followup/visits", who="outsider").json()["results"], [])
        self.assertEqual(self.call("GET", "/api/v1/followup/visits", who="readonly").status_code, 403)
        url = f"/api/v1/followup/visits/{first.pk}"
        self.assertEqual(self.call("GET", url, who="outsider").status_code, 404)
        self.assertEqual(self.call("GET", url, who="readonly").status_code, 200)
        answers = {"visited_on": timezone.localdate().isoformat(), "contact": "in_person", "stigma": "severe",
                   "notes": "Gặp tại nhà"}
        self.assertEqual(self.call("POST", url, who="readonly", body=answers).status_code, 403)
        self.assertEqual(self.call("POST", url, who="owner_read_only", body=answers).status_code, 403)
        self.assertEqual(self.call("POST", url, body={**answers, "visited_on": "2000-01-01"}).status_code, 422)
        done = self.call("POST", url, body=answers)
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual((done.json()["status"], done.json()["risk_alert"]), (VisitStatus.DONE, True))
        self.assertIsNone(done.json()["notes"])
        self.assertEqual(self.call("GET", url + "?reveal=true").json()["notes"], "Gặp tại nhà")
