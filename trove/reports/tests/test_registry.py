"""The extension point: another app registers a figure in its ``figures`` module, and it appears everywhere."""

import pytest
from django.utils.translation import gettext_lazy as _

from trove.cases.models import Case, Intake
from trove.reports import registry
from trove.reports.periods import parse_period
from trove.reports.places import Place
from trove.reports.report import build_report
from trove.reports.tests.helpers import ReportsTestCase


def hotline_cases(period):
    return Case.objects.filter(intake__channel="hotline", intake__received_at__gte=period.start_moment(),
                               intake__received_at__lt=period.end_moment())


class ExtensionTests(ReportsTestCase):
    def setUp(self):
        super().setUp()
        self.figure = registry.register(registry.Figure(
            code="test.hotline", section="support", order=1, label=_("Calls that became cases"), model=Case,
            records=hotline_cases, paths={"sex": "person__sex", "birth_year": "person__birth_year",
                                          "date": "intake__received_at"},
        ))

    def tearDown(self):
        registry._FIGURES.pop("test.hotline", None)
        super().tearDown()

    def test_a_registered_figure_is_counted_in_the_report_and_the_unit_table(self):
        report = build_report(parse_period("2026"), Place(self.p.province))
        self.assertEqual(report.total("test.hotline").n, 1)
        figures = report.table("figures")
        self.assertIn("Calls that became cases", [row.label for row in figures.rows])
        self.assertIn("test.hotline", [column.key for column in report.table("units").columns])
        self.assertIn(self.figure, registry.figures("support"))

    def test_its_records_are_listed_through_the_policy(self):
        self.sign_in(self.p.readonly)
        response = self.client.get("/reports/records/", {"kind": "year", "year": "2026", "units": "today",
                                                         "figure": "test.hotline"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["rows"]), 1)


def test_only_agency_owned_records_may_be_counted():
    with pytest.raises(TypeError):
        registry.register(registry.Figure(code="x", label="x", section="other", model=Intake,
                                          records=lambda period: Intake.objects.none()))
    with pytest.raises(ValueError, match="unknown breakdowns"):
        registry.register(registry.Figure(code="x", label="x", section="other", model=Case,
                                          records=lambda period: Case.objects.none(), dimensions=("colour",)))
    with pytest.raises(ValueError, match="unknown section"):
        registry.register(registry.Figure(code="x", label="x", section="weather", model=Case,
                                          records=lambda period: Case.objects.none()))
    assert registry.get("x") is None
