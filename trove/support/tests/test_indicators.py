"""The support indicators of the plans' library."""

from trove.core.indicators import Scope, get
from trove.support.actions import safety_measure_add
from trove.support.ledger_actions import cancel_entry, record_support
from trove.support.tests.helpers import SupportTestCase, d, open_case, types, vn

PERIOD = Scope(d(2025, 8, 1), d(2025, 12, 31))


class IndicatorTests(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()

    def give(self, case, amount, day=None):
        return record_support(case=case, acting_user=self.p.owner, support_type=self.t["b"],
                              given_on=day or d(2025, 8, 20), giving_agency=self.p.owner_agency, amount=amount)

    def test_the_share_of_identified_victims_who_received_protection_or_support(self):
        supported, protected, neither = (self.identify(open_case(self.p, vn(2025, 8, 4 + i)), d(2025, 8, 15))
                                         for i in range(3))
        not_yet = open_case(self.p, vn(2025, 8, 9))
        self.give(supported, 200_000)
        self.give(not_yet, 100_000)  # not identified: outside the base
        safety_measure_add(case=protected, acting_user=self.p.owner, kind="escort",
                           responsible_agency=self.p.partner_agency, starts_on=d(2025, 8, 16))
        value = get("support.victims_supported").compute(PERIOD)
        self.assertEqual((value.numerator, value.denominator), (2, 3))
        self.assertEqual(str(value.percent), "66.7")
        missing = get("support.victims_supported").records(PERIOD, meeting=False)
        self.assertEqual(list(missing), [neither])
        elsewhere = Scope(PERIOD.start, PERIOD.end, unit=self.p.other_province)
        self.assertEqual(get("support.victims_supported").compute(elsewhere).denominator, 0)

    def test_the_count_and_the_amount_of_support_given(self):
        case = open_case(self.p, vn(2025, 7, 20))
        self.give(case, 200_000)
        self.give(case, 300_000, day=d(2025, 8, 21))
        cancel_entry(entry=self.give(case, 999_000), acting_user=self.p.supervisor, reason="Nhập trùng phiếu chi")
        self.give(case, 50_000, day=d(2025, 7, 31))  # before the period
        self.assertEqual(get("support.entries").compute(PERIOD).numerator, 2)
        self.assertEqual(get("support.amount").compute(PERIOD).numerator, 500_000)
        self.assertEqual(get("support.entries").records(PERIOD).model._meta.label, "support.SupportEntry")
