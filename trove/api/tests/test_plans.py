import json

from django.test import override_settings

from trove.api.tests.helpers import make_token
from trove.plans.tests.helpers import PlanTestCase, issued_plan, today


@override_settings(API_RATE_LIMIT_PER_MINUTE=1000)
class PlanApiTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = issued_plan(cls.p, cls.coordinator)
        users = {"owner": cls.p.owner, "readonly": cls.p.readonly, "outsider": cls.p.outsider,
                 "coordinator": cls.coordinator}
        cls.tokens = {name: make_token(user) for name, user in users.items()}
        cls.tokens["owner_read_only"] = make_token(cls.p.owner, read_only=True)

    def call(self, method, path, who="owner", body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def test_list_detail_and_indicators(self):
        listed = self.call("GET", "/api/v1/plans", who="readonly").json()["results"]
        self.assertEqual([row["id"] for row in listed], [self.plan.pk])
        self.assertEqual(self.call("GET", "/api/v1/plans", who="outsider").json()["results"], [])
        url = f"/api/v1/plans/{self.plan.pk}"
        self.assertEqual(self.call("GET", url, who="outsider").status_code, 404)
        detail = self.call("GET", url, who="readonly").json()
        self.assertEqual((detail["indicators"], detail["goals"][0]), (1, "Mục tiêu thứ nhất."))
        indicators = self.call("GET", url + "/indicators", who="readonly").json()
        row = indicators["indicators"][0]
        self.assertEqual((row["definition"], row["target"]), ("verification.started", "100.00"))
        self.assertEqual(self.call("GET", url + "/indicators", who="outsider").status_code, 404)

    def test_record_an_activity_and_a_report(self):
        url = f"/api/v1/plans/{self.plan.pk}"
        activity = {"kind": "awareness", "agency": self.p.owner_agency.pk, "title": "Truyền thông tại chợ",
                    "held_on": today().isoformat(), "channel": "meeting", "reach": 120,
                    "content_item": self.plan.content_items.first().pk}
        self.assertEqual(self.call("POST", url + "/activities", who="readonly", body=activity).status_code, 403)
        self.assertEqual(self.call("POST", url + "/activities", who="owner_read_only", body=activity).status_code,
                         403)
        self.assertEqual(self.call("POST", url + "/activities", who="outsider", body=activity).status_code, 404)
        refused = self.call("POST", url + "/activities", body={**activity, "title": ""})
        self.assertEqual(refused.status_code, 422, refused.content)
        made = self.call("POST", url + "/activities", body=activity)
        self.assertEqual(made.status_code, 201, made.content)
        listed = self.call("GET", url + "/activities", who="readonly").json()["results"]
        self.assertEqual([row["id"] for row in listed], [made.json()["id"]])
        period = {"agency": self.p.owner_agency.pk, "period_start": "2000-01-01", "period_end": "2000-01-31",
                  "results": "Đã tổ chức 1 buổi truyền thông"}
        self.assertEqual(self.call("POST", url + "/reports", body=period).status_code, 422)
        self.assertEqual(self.call("POST", url + "/reports", who="readonly", body=period).status_code, 403)
