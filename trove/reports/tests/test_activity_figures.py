"""The figures of referrals, follow-up visits, tips and proceedings against the hand-counted data of activity_data.py:
in the report's tables, the cross tables, the drill-down through the policy, the publication, and the cache."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from trove.geo.models import AdminUnit
from trove.reports import engine, freshness
from trove.reports.periods import parse_period
from trove.reports.places import Place
from trove.reports.publication import publication_tables
from trove.reports.registry import UNKNOWN, get
from trove.reports.report import TOTAL, build_report
from trove.reports.tests.activity_data import make_activity
from trove.reports.tests.helpers import ReportsTestCase

COMMUNE, PROVINCE = "2025:29926", "2025:82"


def place(key=COMMUNE):
    return Place(AdminUnit.objects.by_key(key), "today")


class ActivityTestCase(ReportsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.act = make_activity(cls.p, cls.data)

    def report(self, period="2026", key=COMMUNE):
        return build_report(parse_period(period), place(key))


class ReferralFigureTests(ActivityTestCase):
    def test_referrals_by_service_and_sex(self):
        report = self.report()
        n = lambda code, **f: report.total(code, **f).n  # noqa: E731
        self.assertEqual(n("referrals.sent"), 5)
        self.assertEqual([n("referrals.sent", service_kind=(kind,)) for kind in
                          ("vocational", "loan", "shelter", "health", "school")], [1, 1, 2, 1, 0])
        self.assertEqual((n("referrals.sent", sex=("female",)), n("referrals.sent", sex=("male",))), (4, 1))
        self.assertEqual(n("referrals.received"), 0)  # the receivers are provincial agencies
        self.assertEqual(self.report(key=PROVINCE).total("referrals.received").n, 4)
        self.assertEqual(n("referrals.accepted"), 2)
        self.assertEqual(n("referrals.declined"), 1)
        self.assertEqual(n("referrals.closed"), 1)
        self.assertEqual(self.report("2025").total("referrals.sent").n, 0)

    def test_referrals_by_type_of_receiving_agency(self):
        with translation.override("en"):
            table = self.report().table("referrals-by-receiver_type")
        row = {column.key: table.cell("referrals.sent", column.key).tally.n for column in table.columns}
        self.assertEqual(row, {TOTAL: 5, "receiver_type:womens_union": 2, "receiver_type:social_facility": 2,
                               f"receiver_type:{UNKNOWN}": 1})
        accepted = {column.key: table.cell("referrals.accepted", column.key).tally.n for column in table.columns}
        self.assertEqual(accepted[TOTAL], 2)
        self.assertEqual((accepted["receiver_type:womens_union"], accepted["receiver_type:social_facility"]), (1, 1))
        labels = {column.key: column.label for column in table.columns}
        self.assertEqual(str(labels[f"receiver_type:{UNKNOWN}"]), "Provider outside the system")

    def test_follow_up_visits(self):
        report = self.report()
        self.assertEqual(report.total("followup.done").n, 2)
        self.assertEqual(report.total("followup.due").n, 3)
        self.assertEqual(report.total("followup.overdue").n, 2)
        self.assertEqual(self.report("2026-H1").total("followup.overdue").n, 1)  # the late visit 2

    def test_drill_down_goes_through_the_policy(self):
        figure, period, here = get("referrals.sent"), parse_period("2026"), place()
        behind = engine.filtered(figure, engine.records(figure, period, here), here, {"receiver_type": (UNKNOWN,)})
        self.assertEqual(list(behind), [self.act.referrals[4]])
        query = urlencode({"kind": "year", "year": "2026", "units": "today", "place": COMMUNE,
                           "figure": "referrals.sent", "f": "service_kind:shelter"})
        self.sign_in(self.p.owner)
        response = self.client.get(f"{reverse('reports:records')}?{query}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual({row.url for row in response.context["rows"]},
                         {reverse("referrals:detail", args=[r.pk]) for r in self.act.referrals[2:4]})
        # A reader of another province does not reach the place; the statistician sees no records.
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(f"{reverse('reports:records')}?{query}").status_code, 404)
        self.sign_in(self.p.statistician)
        self.assertEqual(self.client.get(f"{reverse('reports:records')}?{query}").context["rows"], [])

    def test_published_as_people_without_sub_rows(self):
        tables = {table.key: table for table in publication_tables(parse_period("2026"), place(PROVINCE))}
        sent = tables["referrals-sent-people-sex"]
        self.assertEqual([key for key, _label in sent.rows], ["referrals.sent.people", TOTAL])
        self.assertEqual(sent.values[(TOTAL, TOTAL)], 5)
        for table in tables.values():
            for (row, column), value in table.values.items():
                if 0 < value < 11:
                    self.assertIn(table.keys[(row, column)], table.hidden)


class IntelFigureTests(ActivityTestCase):
    def test_tips_by_source_classification_and_outcome(self):
        report = self.report()
        n = lambda code, **f: report.total(code, **f).n  # noqa: E731
        self.assertEqual(n("intel.tips.received"), 3)
        self.assertEqual((n("intel.tips.received", tip_source=("hotline",)),
                          n("intel.tips.received", tip_source=("citizen",)),
                          n("intel.tips.received", tip_source=("online",))), (2, 1, 0))
        self.assertEqual(n("intel.tips.handled"), 3)
        self.assertEqual((n("intel.tips.handled", tip_outcome=("passed_to_investigation",)),
                          n("intel.tips.handled", tip_outcome=("closed",))), (1, 2))
        table = report.table("intel-by-tip_classification")
        received = {column.key: table.cell("intel.tips.received", column.key).tally.n for column in table.columns}
        self.assertEqual(received, {TOTAL: 3, "tip_classification:trafficking": 1,
                                    "tip_classification:not_related": 1, f"tip_classification:{UNKNOWN}": 1,
                                    "tip_classification:related": 0})

    def test_proceedings_by_stage_and_persons(self):
        report = self.report()
        n = lambda code, **f: report.total(code, **f).n  # noqa: E731
        self.assertEqual((n("intel.proceedings.initiated"), n("intel.persons.initiated")), (2, 3))
        self.assertEqual((n("intel.persons.initiated", sex=("female",)),
                          n("intel.persons.initiated", sex=("male",))), (1, 2))
        self.assertEqual((n("intel.proceedings.indicted"), n("intel.persons.indicted")), (2, 3))
        self.assertEqual(n("intel.persons.indicted", sex=("female",)), 2)
        self.assertEqual((n("intel.proceedings.tried"), n("intel.persons.tried")), (1, 2))
        self.assertEqual(n("intel.persons.convicted"), 1)
        self.assertEqual(n("intel.persons.convicted", sex=("male",)), 1)
        self.assertEqual(self.report("2025").total("intel.proceedings.initiated").n, 1)  # p3

    def test_convicted_drill_down_lists_each_proceeding_once(self):
        figure, period, here = get("intel.persons.convicted"), parse_period("2026"), place()
        self.assertEqual(list(engine.records(figure, period, here)), [self.act.proceedings[0]])

    def test_the_statistics_page_shows_the_new_sections(self):
        self.sign_in(self.p.supervisor)
        response = self.client.get(reverse("reports:statistics"), {"kind": "year", "year": "2026",
                                                                   "units": "today", "place": COMMUNE},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Referrals sent")
        self.assertContains(response, "Tips received")
        self.assertContains(response, "Persons convicted")
        self.assertContains(response, "Referrals and follow-up by type of receiving agency")


class FreshnessTests(ActivityTestCase):
    def test_changes_to_the_counted_records_make_cached_figures_stale(self):
        from trove.referrals.actions import referral_accept

        period, here = parse_period("2026"), place()
        self.assertEqual(build_report(period, here).total("referrals.accepted").n, 2)
        before = freshness.version()
        with self.captureOnCommitCallbacks(execute=True):
            referral_accept(acting_user=self.act.carer, referral=self.act.referrals[3])
        self.assertGreater(freshness.version(), before)
        self.assertEqual(build_report(period, here).total("referrals.accepted").n, 3)

    def test_proceeding_stages_and_defendants_are_watched(self):
        from trove.intel.models import Defendant, ProceedingStage

        self.assertIn(ProceedingStage, freshness._WATCHED)
        self.assertIn(Defendant, freshness._WATCHED)
        for code in ("referrals.sent", "followup.done", "intel.tips.received", "intel.proceedings.initiated"):
            self.assertIn(get(code).model, freshness._WATCHED)

    def tearDown(self):
        cache.clear()
        super().tearDown()
