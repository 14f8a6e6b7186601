"""Each figure against the hand-counted dataset of helpers.py, under today's units and under the units of the time."""

import datetime

from django.core.cache import cache

from trove.geo.models import AdminUnit
from trove.reports import engine, freshness
from trove.reports.periods import parse_period
from trove.reports.places import Place
from trove.reports.registry import get
from trove.reports.report import TOTAL, build_report
from trove.reports.tests.helpers import ReportsTestCase, receive, vn


def unit(key):
    return AdminUnit.objects.by_key(key)


class FigureTests(ReportsTestCase):
    def report(self, period="2026", place="2025:29926", option="today"):
        return build_report(parse_period(period), Place(unit(place) if place else None, option))

    def row(self, report, label_index):
        table = report.table("figures")
        row = table.rows[label_index]
        return [table.cell(row.key, column.key).tally.n for column in table.columns]

    def test_persons_received_by_channel_sex_and_age(self):
        report = self.report()
        n = lambda code="received", **f: report.total(code, **f).n  # noqa: E731
        self.assertEqual(n(), 14)
        self.assertEqual(n(channel=("handover_official", "returned_mission", "returned_self")), 8)
        self.assertEqual(n(channel=("handover_official",)), 3)
        self.assertEqual(n(channel=("returned_self",)), 4)
        self.assertEqual(n(channel=("returned_mission",)), 1)
        self.assertEqual(n(channel=("rescued_domestic", "self_reported")), 4)
        self.assertEqual(n(channel=("hotline", "referred")), 2)
        # Columns: total, female, male, other or unknown, under 16, 16–17, 18 and over, age unknown.
        self.assertEqual(self.row(report, 0), [14, 9, 4, 1, 1, 1, 11, 1])
        self.assertEqual(self.row(report, 2), [3, 2, 1, 0, 0, 0, 3, 0])  # official handover
        self.assertEqual(self.row(report, 3), [4, 3, 1, 0, 1, 1, 2, 0])  # returned by themselves

    def test_identification_outcomes(self):
        report = self.report()
        self.assertEqual(report.total("identification.victim").n, 3)
        self.assertEqual(report.total("identification.not_victim").n, 1)
        self.assertEqual(report.total("identification.being_identified").n, 10)
        # Decided in 2026, so not "still being identified" at the end of 2026, but still so at the end of June.
        self.assertEqual(self.report("2026-H1").total("identification.being_identified").n,
                         self.report("2026-H1").total("received").n)
        self.assertEqual(self.report("2019").total("identification.victim").n, 2)

    def test_registries(self):
        report = self.report()
        self.assertEqual(report.total("suspected").n, 6)
        self.assertEqual(report.total("suspected", risk_channel=("labour_export",)).n, 2)
        self.assertEqual(report.total("suspected", risk_channel=("marriage_foreigner",)).n, 2)
        self.assertEqual(report.total("suspected", risk_channel=("tourism",)).n, 1)
        self.assertEqual(report.total("suspected", age=("16_17",)).n, 1)
        # Not yet rescued: reported by the end of the period and still missing today.
        self.assertEqual(report.total("missing").n, 2)
        self.assertEqual(self.report("2025").total("missing").n, 1)

    def test_destination_countries(self):
        table = self.report().table("countries")
        received = {row.key: table.cell(row.key, "received").tally.n for row in table.rows}
        self.assertEqual(received, {"CN": 4, "KH": 3, "MY": 1, "unknown": 0, TOTAL: 8, "KR": 0})
        suspected = {row.key: table.cell(row.key, "suspected").tally.n for row in table.rows}
        self.assertEqual((suspected["CN"], suspected["KR"], suspected["KH"]), (3, 2, 1))

    def test_exploitation_type_from_the_approved_grounds(self):
        table = self.report("2019").table("exploitation")
        counts = {row.key: table.cell(row.key, TOTAL).tally.n for row in table.rows}
        self.assertEqual(counts, {"exploitation:SexualExploitation": 1, "exploitation:ForcedMarriage": 1,
                                  "exploitation:ForcedLabour": 1, "exploitation:unknown": 0})
        # Regime B decisions record no purpose: the 2026 victims are "not recorded".
        table = self.report().table("exploitation")
        self.assertEqual({row.key: table.cell(row.key, TOTAL).tally.n for row in table.rows},
                         {"exploitation:unknown": 3})

    def test_2019_data_under_todays_communes_and_under_the_units_of_the_time(self):
        self.assertEqual(self.report("2019").total("received").n, 3)  # Sa Rài and Bình Phú are now Tân Hồng
        self.assertEqual(self.report("2019", "2025:29929").total("received").n, 1)
        province = self.report("2019", "2025:82").table("units")
        self.assertEqual({row.key: province.cell(row.key, "received").tally.n for row in province.rows},
                         {"2025:29926": 3, "2025:29929": 1, TOTAL: 4})
        self.assertEqual(self.report("2019", "legacy:29926", "time").total("received").n, 2)
        district = self.report("2019", "legacy:869", "time")
        self.assertEqual(district.total("received").n, 4)
        units = district.table("units")
        self.assertEqual({row.key: units.cell(row.key, "received").tally.n for row in units.rows},
                         {"legacy:29926": 2, "legacy:29935": 1, "legacy:29929": 1, TOTAL: 4})

    def test_the_province_and_the_country(self):
        province = self.report("2026", "2025:82")
        self.assertEqual(province.total("received").n, 16)
        units = province.table("units")
        self.assertEqual({row.key: units.cell(row.key, "received").tally.n for row in units.rows},
                         {"2025:29926": 14, "2025:29929": 2, TOTAL: 16})
        country = self.report("2026", None)
        self.assertEqual(country.total("received").n, 17)  # with An Giang
        units = country.table("units")
        self.assertEqual({row.key: units.cell(row.key, "received").tally.n for row in units.rows},
                         {"2025:82": 16, "2025:91": 1, TOTAL: 17})
        self.assertEqual(self.report("2025-12").total("received").n, 1)

    def test_drill_down_filters_give_the_records_behind_each_number(self):
        figure, period, place = get("received"), parse_period("2026"), Place(unit("2025:82"), "today")
        base = engine.records(figure, period, place)
        for filters, expected in (
            ({"channel": ("hotline",)}, 1), ({"sex": ("female",)}, 10), ({"age": ("unknown",)}, 1),
            ({"age": ("under_16", "16_17")}, 2), ({"unit": ("2025:29929",)}, 2),
            ({"country": ("CN",)}, 4), ({"channel": ("self_reported",), "sex": ("male",)}, 1),
        ):
            self.assertEqual(engine.filtered(figure, base, place, filters).count(), expected, filters)
        victims = engine.records(get("identification.victim"), parse_period("2019"), Place(unit("2025:29926")))
        exploitation = get("identification.victim")
        self.assertEqual(engine.filtered(exploitation, victims, place, {"exploitation": ("ForcedLabour",)}).count(),
                         1)
        self.assertEqual(engine.filtered(exploitation, victims, place, {"exploitation": ("unknown",)}).count(), 0)

    def test_a_change_makes_cached_figures_stale(self):
        period, place = parse_period("2026"), Place(unit("2025:29926"))
        before = freshness.version()
        self.assertEqual(build_report(period, place).total("received").n, 14)
        with self.captureOnCommitCallbacks(execute=True):
            receive(self.p.owner, self.p.owner_agency, vn(2026, 11, 1), "hotline", "male", 1990)
        self.assertGreater(freshness.version(), before)
        self.assertEqual(build_report(period, place).total("received").n, 15)

    def test_cached_figures_are_read_without_counting_again(self):
        period, place = parse_period("2026"), Place(unit("2025:29926"))
        cache.clear()
        build_report(period, place)
        with self.assertNumQueries(1):  # the data version only
            build_report(period, place)
        self.assertEqual(datetime.date(2026, 1, 1), period.start)
