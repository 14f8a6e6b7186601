import json

from django.test import override_settings
from django.utils import timezone

from trove.api.tests.helpers import make_token
from trove.core.models import AuditEntry
from trove.intel.models import Stage, TipStatus
from trove.intel.tests.helpers import INFORMANT, IntelTestCase, open_proceeding, receive


@override_settings(API_RATE_LIMIT_PER_MINUTE=1000)
class IntelApiTests(IntelTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        users = {"intake": cls.intake, "readonly": cls.p.readonly, "outsider": cls.p.outsider,
                 "far": cls.far_intake, "supervisor": cls.p.supervisor, "investigator": cls.investigator,
                 "police_observer": cls.police_observer, "prosecutor": cls.prosecutor}
        cls.tokens = {name: make_token(user) for name, user in users.items()}
        cls.tokens["intake_read_only"] = make_token(cls.intake, read_only=True)

    def call(self, method, path, who="intake", body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def test_tips_list_detail_and_informant(self):
        tip = receive(self)
        listed = self.call("GET", "/api/v1/tips").json()["results"]
        self.assertEqual([row["code"] for row in listed], [tip.code])
        self.assertEqual(self.call("GET", "/api/v1/tips", who="far").json()["results"], [])
        self.assertEqual(self.call("GET", "/api/v1/tips", who="outsider").status_code, 403)  # no tip.view
        url = f"/api/v1/tips/{tip.code}"
        self.assertEqual(self.call("GET", url, who="far").status_code, 404)
        detail = self.call("GET", url, who="readonly").json()
        self.assertIsNone(detail["content"])
        self.assertFalse(detail["may_see_informant"])
        # The informant: only the handling agency's members who may see informants; each look is audited.
        refused = self.call("GET", url + "/informant", who="readonly")
        self.assertEqual(refused.status_code, 403)
        self.assertTrue(AuditEntry.objects.filter(action="tip.informant_refused", actor=self.p.readonly).exists())
        self.assertEqual(self.call("GET", url + "/informant", who="far").status_code, 404)
        shown = self.call("GET", url + "/informant")
        self.assertEqual(shown.json()["name"], INFORMANT)
        self.assertTrue(AuditEntry.objects.filter(action="tip.informant_view", actor=self.intake).exists())
        self.assertTrue(AuditEntry.objects.filter(action="api.call", object_type="intel.tip",
                                                  object_id=str(tip.pk)).exists())

    def test_record_classify_and_handle(self):
        body = {"agency": self.p.owner_agency.pk, "source": "hotline",
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "content": "Báo tin thử",
                "unit": "2025:29926", "informant_anonymous": True}
        self.assertEqual(self.call("POST", "/api/v1/tips", who="readonly", body=body).status_code, 403)
        self.assertEqual(self.call("POST", "/api/v1/tips", who="intake_read_only", body=body).status_code, 403)
        self.assertEqual(self.call("POST", "/api/v1/tips", body={**body, "content": " "}).status_code, 422)
        made = self.call("POST", "/api/v1/tips", body=body)
        self.assertEqual(made.status_code, 201, made.content)
        code = made.json()["code"]
        classify = {"classification": "trafficking", "priority": "urgent"}
        self.assertEqual(self.call("POST", f"/api/v1/tips/{code}/classify", who="readonly",
                                   body=classify).status_code, 403)
        self.assertEqual(self.call("POST", f"/api/v1/tips/{code}/classify", who="far", body=classify).status_code,
                         404)
        classified = self.call("POST", f"/api/v1/tips/{code}/classify", body=classify)
        self.assertEqual(classified.status_code, 200, classified.content)
        self.assertEqual(classified.json()["status"], TipStatus.CLASSIFIED)
        self.assertEqual(self.call("POST", f"/api/v1/tips/{code}/classify", body=classify).status_code, 422)

    def test_proceedings_and_stages(self):
        proceeding = open_proceeding(self)
        listed = self.call("GET", "/api/v1/proceedings", who="investigator").json()["results"]
        self.assertEqual([row["code"] for row in listed], [proceeding.code])
        self.assertEqual(self.call("GET", "/api/v1/proceedings", who="far").status_code, 403)
        url = f"/api/v1/proceedings/{proceeding.code}"
        self.assertEqual(self.call("GET", url, who="police_observer").status_code, 200)
        self.assertEqual(self.call("GET", url, who="prosecutor").status_code, 404)
        stage = {"stage": Stage.INITIATED, "date": timezone.localdate().isoformat(), "number": "12/QĐ",
                 "pass_to": self.procuracy.pk}
        self.assertEqual(self.call("POST", url + "/stages", who="police_observer", body=stage).status_code, 403)
        self.assertEqual(self.call("POST", url + "/stages", who="investigator",
                                   body={**stage, "stage": Stage.FINAL}).status_code, 422)
        done = self.call("POST", url + "/stages", who="investigator", body=stage)
        self.assertEqual(done.status_code, 201, done.content)
        self.assertEqual(done.json()["stage"], Stage.INITIATED)
        self.assertEqual(self.call("GET", url, who="prosecutor").status_code, 200)  # the file passed to it
