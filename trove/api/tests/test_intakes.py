from django.utils import timezone, translation

from trove.api.tests.helpers import ApiTestCase
from trove.cases.models import Case
from trove.core.models import AuditEntry
from trove.people.models import Person


def intake(**overrides):
    body = {
        "channel": "self_reported", "received_at": (timezone.localtime() - timezone.timedelta(hours=1)).isoformat(),
        "place_kind": "commune", "place_unit": "2025:29926", "place_name": "UBND xã Tân Hồng", "consent_given": True,
        "immediate_needs": "Ăn uống", "person": {"full_name": "Hà Thị Sen", "sex": "female", "birth_year": 2004},
    }
    body.update(overrides)
    return body


class IntakeTests(ApiTestCase):
    def test_it_opens_a_case_with_its_steps(self):
        response = self.call("POST", "/api/v1/intakes", body=intake())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        case = Case.objects.get(code=body["code"])
        self.assertEqual(case.owner_agency, self.p.owner_agency)
        self.assertEqual(response["Location"], f"/api/v1/cases/{case.code}")
        self.assertGreater(body["verification"]["steps_total"], 0)
        self.assertEqual(case.person.birth_year, 2004)
        self.assertTrue(AuditEntry.objects.filter(action="case.receive", object_id=str(case.pk)).exists())
        call = AuditEntry.objects.get(action="api.call", object_id=str(case.pk))
        self.assertEqual(call.changes["operation"][1], "POST api/v1/intakes")

    def test_the_intake_forms_messages_and_nothing_saved(self):
        cases, persons = Case.objects.count(), Person.objects.count()
        with translation.override("en"):
            response = self.call("POST", "/api/v1/intakes", HTTP_ACCEPT_LANGUAGE="en", body=intake(
                channel="handover_official", place_kind="commune",
                person={"full_name": "Hà Thị Sen", "citizen_id": "12"}))
        body = self.assertError(response, 422)
        self.assertIn("country_returned_from", body["fields"])
        self.assertIn("documents", body["fields"])
        self.assertIn("person.citizen_id", body["fields"])
        self.assertIn("border gate", " ".join(body["fields"]["place_kind"]))
        self.assertEqual((Case.objects.count(), Person.objects.count()), (cases, persons))
        # In Vietnamese by default.
        response = self.call("POST", "/api/v1/intakes", body=intake(person={"full_name": " "}))
        self.assertIn("họ", " ".join(self.assertError(response, 422)["fields"]["person.full_name"]).lower())

    def test_unknown_places_and_agencies_are_refused(self):
        body = self.assertError(self.call("POST", "/api/v1/intakes", body=intake(place_unit="2025:1")), 422)
        self.assertIn("place_unit", body["fields"])
        self.assertError(self.call("POST", "/api/v1/intakes", body=intake(agency=self.p.other_agency.pk)), 422,
                         "agency")
        self.assertError(self.call("POST", "/api/v1/intakes", body=intake(channel="pigeon")), 400, "channel")

    def test_who_may_receive(self):
        self.assertError(self.call("POST", "/api/v1/intakes", who="readonly", body=intake()), 403)
        self.assertError(self.call("POST", "/api/v1/intakes", who="owner_read_only", body=intake()), 403)
        self.assertError(self.call("POST", "/api/v1/intakes", who="statistician", body=intake()), 403)
        # The outsider receives for their own agency only: An Giang's case, invisible to Tân Hồng's observer.
        response = self.call("POST", "/api/v1/intakes", who="outsider", body=intake(place_unit="2025:91"))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertError(self.call("GET", f"/api/v1/cases/{response.json()['code']}", who="readonly"), 404)
