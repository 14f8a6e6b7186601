"""The support figures of the periodic statistics: people supported and cash paid, by support type, on a
hand-counted set; cancelled entries and entries outside the period or the place never count."""

from trove.reports import engine
from trove.reports.periods import make_period
from trove.reports.places import Place
from trove.reports.registry import get
from trove.support.ledger_actions import cancel_entry, record_support
from trove.support.tests.helpers import SupportTestCase, d, open_case, types, vn


class SupportFigureTests(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()

    def give(self, case, kind, amount, day):
        return record_support(case=case, acting_user=self.p.owner, support_type=self.t[kind], given_on=day,
                              giving_agency=self.p.owner_agency, amount=amount)

    def test_people_and_amounts_by_support_type(self):
        first, second = (open_case(self.p, vn(2025, 8, 4 + i)) for i in range(2))
        self.give(first, "b", 200_000, d(2025, 8, 20))
        self.give(first, "b", 300_000, d(2025, 8, 27))  # the same person twice: one person, both amounts
        self.give(second, "b", 100_000, d(2025, 8, 22))
        self.give(second, "e", 70_000, d(2025, 8, 23))
        cancel_entry(entry=self.give(second, "e", 999_000, d(2025, 8, 24)), acting_user=self.p.supervisor,
                     reason="Nhập trùng phiếu chi")
        self.give(first, "b", 50_000, d(2025, 9, 2))  # after the period
        period, place = make_period("month", year=2025, number=8), Place(self.p.province)

        people = engine.compute_cube(get("support.people"), period, place, ("support_type",))
        self.assertEqual({key[0]: tally.n for key, tally in people.items()}, {"b": 2, "e": 1})
        amounts = engine.compute_cube(get("support.amount"), period, place, ("support_type",))
        self.assertEqual({key[0]: (tally.n, tally.amount) for key, tally in amounts.items()},
                         {"b": (2, 600_000), "e": (1, 70_000)})
        elsewhere = engine.compute_cube(get("support.amount"), period, Place(self.p.other_province), ())
        self.assertEqual(sum(tally.n for tally in elsewhere.values()), 0)
