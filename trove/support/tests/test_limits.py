"""Each limit of the entitlements, with its citation in the refusal: days of essential needs (60 under regime A, 120
extendable under regime B), the travel-day meal minimum, items in kind, once-only, poor households, age, and the
rates an administrator sets."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from trove.rules.models import Entitlement, Rate
from trove.support.actions import circumstances_set
from trove.support.ledger_actions import record_extension, record_support
from trove.support.models import SupportEntry, SupportExtension
from trove.support.tests.helpers import SupportTestCase, d, giver, open_case, types, vn


class LimitTestCase(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()
        cls.case_a = open_case(cls.p, vn(2025, 1, 6), child_birth_year=2020)
        cls.case_b = open_case(cls.p, vn(2025, 8, 4), child_birth_year=2020)

    def setUp(self):
        self.identify(self.case_a, d(2025, 1, 20), regime="A")
        self.identify(self.case_b, d(2025, 8, 11))

    def give(self, case, code, day, user=None, **values):
        values.setdefault("giving_agency", giver(self, day))
        return record_support(case=case, acting_user=user or self.p.owner, support_type=self.t[code], given_on=day,
                              **values)

    def refused(self, case, code, day, *, contains, problem=None, **values):
        before = SupportEntry.objects.count()
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.give(case, code, day, **values)
        text = " ".join(raised.exception.messages)
        for part in ([contains] if isinstance(contains, str) else contains):
            self.assertIn(part, text)
        self.assertEqual(SupportEntry.objects.count(), before)
        return text


class EssentialNeedsDaysTests(LimitTestCase):
    def test_regime_a_pays_at_most_60_days(self):
        self.give(self.case_a, "a", d(2025, 2, 1), amount=1_600_000, days_covered=40)
        self.refused(self.case_a, "a", d(2025, 3, 15), amount=1_000_000, days_covered=25,
                     contains=["at most 60 days", "40 are already covered", "Nghị định 09/2013/NĐ-CP"])
        self.give(self.case_a, "a", d(2025, 3, 15), amount=800_000, days_covered=20)
        self.assertEqual(sum(SupportEntry.objects.filter(case=self.case_a).values_list("days_covered", flat=True)), 60)

    def test_circular_84s_three_months_are_kept_beside_the_decrees_60_days(self):
        entitlement = Entitlement.objects.get(regime__code="A", group="victim", support_type__code="a")
        rate = Rate.objects.get(regime__code="A", code="shelter_meal")
        self.assertEqual((entitlement.max_days, rate.max_days), (60, 90))
        self.assertIn("09/2013", entitlement.citation)
        self.assertIn("84/2019", rate.citation)
        self.assertIsNone(rate.amount)  # the Decree 136/2013 rate is not confirmed: an administrator sets it

    def test_regime_b_pays_120_days_and_more_with_a_recorded_extension(self):
        self.give(self.case_b, "a", d(2025, 8, 12), amount=4_000_000, days_covered=100)
        self.refused(self.case_b, "a", d(2025, 10, 1), amount=1_200_000, days_covered=30,
                     contains=["at most 120 days", "An extension must be recorded first", "Điều 17"])
        with self.assertRaises(PermissionDenied):  # a caseworker cannot record the extension
            record_extension(case=self.case_b, acting_user=self.p.owner, support_type=self.t["a"], days=30,
                             decided_on=d(2025, 9, 30), decided_by="health_department",
                             decision_reference="15/QĐ-SYT")
        record_extension(case=self.case_b, acting_user=self.p.supervisor, support_type=self.t["a"], days=30,
                         decided_on=d(2025, 9, 30), decided_by="health_department", decision_reference="15/QĐ-SYT")
        self.give(self.case_b, "a", d(2025, 10, 1), amount=1_200_000, days_covered=30)

    def test_regime_a_has_no_extension(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            record_extension(case=self.case_a, acting_user=self.p.supervisor, support_type=self.t["a"], days=10,
                             decided_on=d(2025, 3, 1), decided_by="facility_director", decision_reference="1/QĐ")
        self.assertIn("cannot be extended", " ".join(raised.exception.messages))
        self.assertFalse(SupportExtension.objects.exists())

    def test_an_extension_needs_whole_days_and_its_decision(self):
        with self.assertRaises(ValidationError) as raised:
            record_extension(case=self.case_b, acting_user=self.p.supervisor, support_type=self.t["a"], days=0,
                             decided_on=d(2025, 9, 30), decided_by="someone", decision_reference=" ")
        self.assertEqual(set(raised.exception.message_dict), {"days", "decided_by", "decision_reference"})


class OtherLimitTests(LimitTestCase):
    def test_travel_day_meals_are_at_least_70000_a_day_under_regime_a(self):
        self.refused(self.case_a, "e", d(2025, 2, 1), amount=100_000, days_covered=2,
                     contains=["at least 70,000 ₫ per day", "140,000 ₫", "84/2019"])
        self.give(self.case_a, "e", d(2025, 2, 1), amount=140_000, days_covered=2)

    def test_clothing_in_kind_follows_the_list_and_its_quantities(self):
        self.give(self.case_a, "a", d(2025, 2, 1), items=[("clothes", 2), ("underwear", 2), ("soap", 1)])
        self.refused(self.case_a, "a", d(2025, 2, 5), items=[("clothes", 1)],
                     contains=["At most 2 × “Set of clothes”", "2 already given"])
        self.refused(self.case_a, "a", d(2025, 2, 5), items=[("bicycle", 1)], contains="not among the items in kind")
        self.give(self.case_a, "a", d(2025, 2, 5), items=[("soap", 3)])  # no quantity in the law: not capped

    def test_vocational_training_is_paid_once_under_regime_a(self):
        self.give(self.case_a, "i", d(2025, 2, 1), amount=3_000_000)
        self.refused(self.case_a, "i", d(2025, 4, 1), amount=1_000_000, contains=["given once only", "01/02/2025"])

    def test_schooling_under_regime_a_is_for_poor_households(self):
        self.refused(self.case_a, "h", d(2025, 2, 1), amount=500_000, contains="poor households")
        circumstances_set(case=self.case_a, acting_user=self.p.owner, poor_household=True,
                          poor_household_reference="07/GCN (thử)")
        self.give(self.case_a, "h", d(2025, 2, 1), amount=500_000)

    def test_schooling_under_regime_b_is_for_under_18s(self):
        self.refused(self.case_b, "h", d(2025, 9, 5), amount=500_000, contains=["under 18", "Điều 24"])
        self.give(self.case_b, "h", d(2025, 9, 5), amount=500_000, child=self.case_b.children.get())

    def test_outside_the_group_is_refused_with_the_regime(self):
        self.refused(self.case_b, "k", d(2025, 9, 5), amount=500_000, contains="paid through its application")
        self.refused(self.case_a, "c", d(2025, 2, 1), note="Phiên dịch", contains=["regime A", "not entitled"])


class RateTests(LimitTestCase):
    def test_an_unset_rate_says_not_configured_and_the_entry_records_what_was_paid(self):
        rate = Rate.objects.get(regime__code="B", code="essential_needs")
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("support:case_support", args=[self.case_b.code]), {"on": "2025-09-01"},
                               HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "amount not configured")
        entry = self.give(self.case_b, "a", d(2025, 9, 1), amount=5_000_000, days_covered=1, rate=rate)
        self.assertEqual(entry.amount, 5_000_000)
        self.assertEqual(entry.override_codes, [])

    def test_a_rate_set_by_an_administrator_caps_what_is_paid_at_it(self):
        rate = Rate.objects.get(regime__code="B", code="essential_needs")
        Rate.objects.filter(pk=rate.pk).update(amount=50_000)
        rate.refresh_from_db()
        self.refused(self.case_b, "a", d(2025, 9, 1), amount=200_000, days_covered=3, rate=rate,
                     contains=["50,000 ₫ per person per day", "at most 150,000 ₫"])
        self.give(self.case_b, "a", d(2025, 9, 1), amount=150_000, days_covered=3, rate=rate)
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("support:case_support", args=[self.case_b.code]), {"on": "2025-09-01"},
                               HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "50,000 ₫ per person per day")

    def test_a_rate_of_another_regime_or_type_is_refused(self):
        rate_a = Rate.objects.get(regime__code="A", code="travel_day_meal")
        with self.assertRaises(ValidationError) as raised:
            self.give(self.case_b, "e", d(2025, 9, 1), amount=200_000, days_covered=2, rate=rate_a)
        self.assertIn("rate", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            self.give(self.case_b, "a", d(2025, 9, 1), amount=200_000, days_covered=2, rate=rate_a)
        self.assertIn("rate", raised.exception.message_dict)
