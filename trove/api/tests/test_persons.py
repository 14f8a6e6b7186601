from trove.api.tests.helpers import ApiTestCase
from trove.core.models import AuditEntry


class PersonTests(ApiTestCase):
    def url(self):
        return f"/api/v1/persons/{self.case.person_id}"

    def test_identity_for_who_may_see_it_audited_with_the_token(self):
        before = AuditEntry.objects.count()
        body = self.call("GET", self.url()).json()
        self.assertEqual(body["full_name"], "Trần Thị Bích Ngọc")
        self.assertEqual(body["cases"], [self.case.code])
        actions = list(AuditEntry.objects.filter(pk__gt=before).values_list("action", flat=True))
        self.assertEqual(actions, ["identity.view", "api.call"])
        self.assertEqual(self.call("GET", self.url(), who="supervisor").status_code, 200)

    def test_others_get_403_or_404(self):
        self.assertError(self.call("GET", self.url(), who="readonly"), 403)
        self.assertError(self.call("GET", self.url(), who="outsider"), 404)
        self.assertError(self.call("GET", "/api/v1/persons/987654"), 404)
        self.assertFalse(AuditEntry.objects.filter(action="identity.view", actor=self.p.outsider).exists())
