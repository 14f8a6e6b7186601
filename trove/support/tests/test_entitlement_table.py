"""The entitlement table for every beneficiary group under both regimes (law.md): which support types a person may
receive on a day, from the regime in force that day and the person's group, as the case decides it."""

from django.utils import timezone, translation

from trove.cases.models import CaseStatus
from trove.rules.models import BeneficiaryGroup as G
from trove.support.actions import circumstances_set
from trove.support.entitlements import group_of
from trove.support.sheet import entitlement_sheet
from trove.support.tests.helpers import SupportTestCase, d, open_case, vn
from trove.verification.actions import change_status

# law.md, regime A (Law 66/2011 Art. 32; Decree 09/2013), in regime B's letters: essential needs and travel (a, e),
# medical (b), psychological (g), legal aid (đ), schooling and vocational training (h, i), hardship allowance (k).
REGIME_A = {
    G.VICTIM: {"a", "e", "b", "g", "dd", "h", "i", "k"},
    G.FOREIGN_VICTIM: {"a", "e", "b", "g", "dd"},
    G.ACCOMPANYING_CHILD: {"a", "e", "b", "g"},
    G.BEING_IDENTIFIED_ABROAD: set(),
    G.BEING_IDENTIFIED_IN_VIETNAM: set(),
    G.FOREIGN_BEING_IDENTIFIED: set(),
}
# law.md, regime B (Law 53/2024 Art. 37(1)).
REGIME_B = {
    G.VICTIM: {"a", "b", "c", "d", "dd", "e", "g", "h", "i", "k"},
    G.ACCOMPANYING_CHILD: {"a", "b", "c", "d", "dd", "e", "g", "h"},
    G.BEING_IDENTIFIED_ABROAD: {"a", "b", "c", "d"},
    G.BEING_IDENTIFIED_IN_VIETNAM: {"a", "b", "c", "d", "dd", "e", "g"},
    G.FOREIGN_VICTIM: {"a", "b", "c", "d", "dd", "g"},
    G.FOREIGN_BEING_IDENTIFIED: {"a", "b", "c", "d", "dd", "g"},
}
DAY_A, DAY_B = d(2025, 6, 20), d(2025, 8, 20)


def entitled(case, day, child=None) -> set[str]:
    return {row.support_type.code for row in entitlement_sheet(case, day, child).entitled_rows}


class EntitlementTableTests(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Received under regime A, so that support given before and after 2025-07-01 falls under either regime.
        cls.victim = open_case(cls.p, vn(2025, 3, 3), child_birth_year=2020)
        cls.foreigner = open_case(cls.p, vn(2025, 3, 4), nationality="KH")
        cls.abroad = open_case(cls.p, vn(2025, 3, 5), channel="returned_mission")
        cls.in_vietnam = open_case(cls.p, vn(2025, 3, 6))

    def test_every_group_under_both_regimes(self):
        victim = self.identify(self.victim, d(2025, 4, 1), regime="A")
        foreign_victim_case = open_case(self.p, vn(2025, 3, 7), nationality="KH")
        foreign_victim = self.identify(foreign_victim_case, d(2025, 4, 1), regime="A")
        child = victim.children.get()
        subjects = {
            G.VICTIM: (victim, None),
            G.ACCOMPANYING_CHILD: (victim, child),
            G.FOREIGN_VICTIM: (foreign_victim, None),
            G.BEING_IDENTIFIED_ABROAD: (self.abroad, None),
            G.BEING_IDENTIFIED_IN_VIETNAM: (self.in_vietnam, None),
            G.FOREIGN_BEING_IDENTIFIED: (self.foreigner, None),
        }
        for regime, day, table in (("A", DAY_A, REGIME_A), ("B", DAY_B, REGIME_B)):
            for group, (case, kid) in subjects.items():
                with self.subTest(regime=regime, group=group):
                    sheet = entitlement_sheet(case, day, kid)
                    self.assertEqual(sheet.regime.code, regime)
                    self.assertEqual(sheet.group.group, group)
                    self.assertEqual(entitled(case, day, kid), table[group])

    def test_the_group_follows_the_case(self):
        self.assertEqual(group_of(self.in_vietnam, DAY_B).group, G.BEING_IDENTIFIED_IN_VIETNAM)
        self.assertEqual(group_of(self.foreigner, DAY_B).group, G.FOREIGN_BEING_IDENTIFIED)
        # Returned through a mission: abroad until the arrival is recorded.
        self.assertEqual(group_of(self.abroad, DAY_B).group, G.BEING_IDENTIFIED_ABROAD)
        circumstances_set(case=self.abroad, acting_user=self.p.owner, poor_household=False, abroad_at_intake=True,
                          arrived_on=d(2025, 8, 1))
        self.assertEqual(group_of(self.abroad, d(2025, 7, 31)).group, G.BEING_IDENTIFIED_ABROAD)
        self.assertEqual(group_of(self.abroad, DAY_B).group, G.BEING_IDENTIFIED_IN_VIETNAM)
        # Someone recorded as abroad although received in Vietnam.
        circumstances_set(case=self.in_vietnam, acting_user=self.p.owner, poor_household=False,
                          abroad_at_intake=True)
        self.assertEqual(group_of(self.in_vietnam, DAY_B).group, G.BEING_IDENTIFIED_ABROAD)

    def test_who_is_entitled_to_nothing(self):
        # A person being identified under regime A (the category exists only under regime B).
        with translation.override("en"):
            sheet = entitlement_sheet(self.in_vietnam, DAY_A)
        self.assertEqual(sheet.entitled_rows, [])
        self.assertIn("no support is set", sheet.group.reason)
        # A child accompanying someone not (yet) identified as a victim.
        case = open_case(self.p, vn(2025, 8, 1), child_birth_year=2019)
        sheet = entitlement_sheet(case, DAY_B, case.children.get())
        self.assertIsNone(sheet.group.group)
        self.assertEqual(sheet.entitled_rows, [])
        # A child who is 18 on the day of support.
        grown = open_case(self.p, vn(2025, 8, 2), child_birth_year=2006)
        grown = self.identify(grown, d(2025, 8, 10))
        with translation.override("en"):
            answer = group_of(grown, d(2025, 8, 20), grown.children.get())
        self.assertIsNone(answer.group)
        self.assertIn("under 18", answer.reason)
        # Not a victim, and a closed case.
        self.in_vietnam.status = CaseStatus.NOT_VICTIM
        self.assertIsNone(group_of(self.in_vietnam, DAY_B).group)
        victim = self.identify(open_case(self.p, vn(2025, 8, 3)), d(2025, 8, 10))
        change_status(case=victim, acting_user=self.p.owner, to=CaseStatus.CLOSED, reason="reintegrated")
        self.assertIsNone(group_of(victim, timezone.localdate()).group)
