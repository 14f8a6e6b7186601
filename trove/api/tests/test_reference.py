from trove.api.tests.helpers import ApiTestCase


class ReferenceTests(ApiTestCase):
    def test_admin_units(self):
        found = self.call("GET", "/api/v1/admin-units?q=tan hong&unit_set=2025").json()
        self.assertIn("2025:29926", [unit["key"] for unit in found])
        unit = self.call("GET", "/api/v1/admin-units/legacy:29926").json()
        self.assertEqual(unit["current_units"][0]["key"], "2025:29926")
        children = self.call("GET", "/api/v1/admin-units/2025:82/children", who="outsider").json()
        self.assertIn("2025:29926", [child["key"] for child in children])
        self.assertError(self.call("GET", "/api/v1/admin-units/2025:1"), 404)
        self.assertError(self.call("GET", "/api/v1/admin-units/nowhere"), 400)
        self.assertIn("KH", [country["code"] for country in self.call("GET", "/api/v1/countries").json()])

    def test_agencies(self):
        listed = self.call("GET", "/api/v1/agencies?unit=2025:82&agency_type=police", who="outsider").json()
        self.assertEqual([a["id"] for a in listed["results"]], [self.p.partner_agency.pk])
        detail = self.call("GET", f"/api/v1/agencies/{self.p.owner_agency.pk}").json()
        self.assertEqual(detail["unit"]["key"], "2025:29926")
        self.assertNotIn("members", detail)
        self.assertError(self.call("GET", "/api/v1/agencies/999999"), 404)
        self.assertError(self.call("GET", "/api/v1/agencies", who=None), 401)
