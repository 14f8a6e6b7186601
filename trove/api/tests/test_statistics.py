from django.test import override_settings
from django.utils import timezone

from trove.api.tests.helpers import ApiTestCase
from trove.core.models import AuditEntry


@override_settings(API_RATE_LIMIT_PER_MINUTE=1000)
class StatisticsTests(ApiTestCase):
    def test_the_month_as_the_page_shows_it(self):
        month = timezone.localdate(self.case.intake.received_at)
        query = f"/api/v1/statistics?kind=month&year={month.year}&number={month.month}&place=2025:29926"
        exact = self.call("GET", query, who="supervisor")
        self.assertEqual(exact.status_code, 200, exact.content)
        body = exact.json()
        self.assertTrue(body["exact"])
        self.assertTrue(body["tables"])
        # The observer sees aggregates only: the one case is a small count, hidden as on the page.
        hidden = self.call("GET", query, who="readonly").json()
        self.assertFalse(hidden["exact"])
        texts = {cell["text"] for table in hidden["tables"] for row in table["rows"] for cell in row["cells"]}
        self.assertIn("<11", texts)
        self.assertFalse(any(cell["value"] == 1 for table in hidden["tables"] for row in table["rows"]
                             for cell in row["cells"] if cell["hidden"]))
        self.assertFalse(AuditEntry.objects.filter(action="api.call").exists())  # no identity, nothing changed

    def test_refusals_as_the_page(self):
        self.assertError(self.call("GET", "/api/v1/statistics?kind=month&year=2026", who="supervisor"), 422)
        self.assertError(self.call("GET", "/api/v1/statistics?place=Không có nơi này", who="supervisor"), 422,
                         "place")
        self.assertError(self.call("GET", "/api/v1/statistics?kind=year&year=2026&place=country", who="readonly"),
                         404)
        self.assertError(self.call("GET", "/api/v1/statistics?place=An Giang", who="readonly"), 404)
        self.assertError(self.call("GET", "/api/v1/statistics?kind=week"), 400, "kind")
