"""Funding sources, yearly estimates and spending against them from the ledger; the finance pages and the Excel
export, with the personas."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from trove.core import policy
from trove.core.models import AuditEntry
from trove.support import budget_actions as budget
from trove.support.budgets import budget_table
from trove.support.ledger_actions import cancel_entry, record_support
from trove.support.models import BudgetEstimate, EstimateLine, EstimateStatus, FundingSource
from trove.support.tests.helpers import SupportTestCase, d, open_case, types, vn


class BudgetTestCase(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()
        health = cls.p.province_agency
        cls.state = budget.funding_source_create(acting_user=cls.finance, owner_agency=cls.finance_agency,
                                                 name="Ngân sách tỉnh (thử)", kind="state_budget", level="province",
                                                 valid_from=d(2025, 1, 1))
        cls.donor = budget.funding_source_create(acting_user=cls.finance, owner_agency=health,
                                                 name="Dự án tài trợ (thử)", kind="donor_project",
                                                 donor="Nhà tài trợ thử", valid_from=d(2025, 1, 1))
        cls.estimate = budget.estimate_create(acting_user=cls.finance, agency=health, year=2025)
        budget.estimate_line_set(acting_user=cls.finance, estimate=cls.estimate, funding_source=cls.state,
                                 support_type=cls.t["a"], amount=10_000_000, basis="20 người × 50 ngày × 10.000 ₫")
        budget.estimate_line_set(acting_user=cls.finance, estimate=cls.estimate, funding_source=cls.donor,
                                 support_type=cls.t["g"], amount=2_000_000)
        cls.case = open_case(cls.p, vn(2025, 8, 4))

    def give(self, code, amount, source=None, agency=None, day=None, **values):
        return record_support(case=self.case, acting_user=self.p.supervisor, support_type=self.t[code],
                              given_on=day or d(2025, 8, 10), giving_agency=agency or self.p.province_agency,
                              amount=amount, funding_source=source, **values)


class FundingAndEstimateTests(BudgetTestCase):
    def test_the_finance_office_manages_the_budget_of_the_agencies_it_covers_and_keeps_seeing_it(self):
        self.assertIn(self.estimate, policy.visible(self.finance, BudgetEstimate.objects.all(), "budget.view"))
        self.assertIn(self.donor, policy.visible(self.finance, FundingSource.objects.all(), "budget.view"))
        self.assertTrue(policy.can(self.finance, "budget.manage", self.estimate))
        # The health department's own finance officer, and its supervisor (who may only read).
        self.assertTrue(policy.can(self.health_finance, "budget.manage", self.estimate))
        self.assertTrue(policy.can(self.p.supervisor, "budget.view", self.estimate))
        self.assertFalse(policy.can(self.p.supervisor, "budget.manage", self.estimate))
        for user in (self.other_finance, self.p.owner, self.p.outsider):
            self.assertNotIn(self.estimate, policy.visible(user, BudgetEstimate.objects.all(), "budget.view"))

    def test_only_who_may_manage_an_agencys_budget_opens_its_estimate_or_sources(self):
        for user in (self.other_finance, self.p.owner, self.p.supervisor):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                budget.estimate_create(acting_user=user, agency=self.p.province_agency, year=2026)
        with self.assertRaises(PermissionDenied):
            budget.funding_source_create(acting_user=self.other_finance, owner_agency=self.p.province_agency,
                                         name="x", kind="other", valid_from=d(2025, 1, 1))
        self.assertEqual(BudgetEstimate.objects.count(), 1)

    def test_bad_estimates_and_sources_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            budget.estimate_create(acting_user=self.finance, agency=self.p.province_agency, year=2025)
        self.assertIn("year", raised.exception.message_dict)
        with self.assertRaises(ValidationError):
            budget.estimate_create(acting_user=self.finance, agency=self.p.province_agency, year=1999)
        with self.assertRaises(ValidationError) as raised:
            budget.funding_source_create(acting_user=self.finance, owner_agency=self.finance_agency, name="",
                                         kind="state_budget", valid_from=d(2025, 2, 1), valid_to=d(2025, 1, 1))
        self.assertEqual(set(raised.exception.message_dict), {"name", "level", "valid_to"})
        with self.assertRaises(ValidationError) as raised:
            budget.funding_source_create(acting_user=self.finance, owner_agency=self.finance_agency, name="Dự án",
                                         kind="donor_project", valid_from=d(2025, 1, 1))
        self.assertIn("donor", raised.exception.message_dict)

    def test_lines_take_whole_positive_amounts_of_usable_sources(self):
        line = dict(acting_user=self.finance, estimate=self.estimate, funding_source=self.state,
                    support_type=self.t["a"])
        for amount in (-1, 0, 2.5, None):
            with self.subTest(amount=amount), self.assertRaises(ValidationError) as raised:
                budget.estimate_line_set(**line, amount=amount)
            self.assertIn("amount", raised.exception.message_dict)
        elsewhere = budget.funding_source_create(acting_user=self.other_finance,
                                                 owner_agency=self.other_finance_agency(), name="Ngân sách An Giang",
                                                 kind="state_budget", level="province", valid_from=d(2025, 1, 1))
        with self.assertRaises(ValidationError) as raised:
            budget.estimate_line_set(**{**line, "funding_source": elsewhere}, amount=5)
        self.assertIn("funding_source", raised.exception.message_dict)
        budget.estimate_line_set(**line, amount=12_000_000)  # replaces the line
        self.assertEqual(EstimateLine.objects.get(funding_source=self.state).amount, 12_000_000)
        with self.assertRaises(PermissionDenied):
            budget.estimate_line_set(**{**line, "acting_user": self.p.supervisor}, amount=1)

    def test_a_submitted_estimate_is_locked_until_reopened_with_a_reason(self):
        budget.estimate_submit(acting_user=self.finance, estimate=self.estimate)
        with self.assertRaises(ValidationError):
            budget.estimate_line_set(acting_user=self.finance, estimate=self.estimate, funding_source=self.state,
                                     support_type=self.t["b"], amount=1_000)
        with self.assertRaises(ValidationError):
            budget.estimate_reopen(acting_user=self.finance, estimate=self.estimate, reason="sửa")
        budget.estimate_reopen(acting_user=self.finance, estimate=self.estimate, reason="Bổ sung dòng y tế")
        self.assertEqual(BudgetEstimate.objects.get().status, EstimateStatus.DRAFT)

    def other_finance_agency(self):
        return policy.memberships_with(self.other_finance, "budget.manage")[0].agency


class SpendingTests(BudgetTestCase):
    def test_spending_is_the_ledger_of_the_agency_in_the_year_by_source_and_type(self):
        self.give("a", 1_200_000, self.state)
        self.give("a", 300_000, self.state, day=d(2025, 8, 20))
        self.give("g", 500_000, self.donor)
        self.give("b", 400_000, self.state)  # no line for it: a row of its own, estimated 0
        cancel_entry(entry=self.give("a", 999_999, self.state), acting_user=self.p.supervisor,
                     reason="Nhập trùng phiếu chi")
        self.give("a", 700_000, self.state, agency=self.p.owner_agency)  # another agency's spending
        self.give("b", 100_000, self.state, day=d(2026, 1, 5))  # another year
        self.give("a", None, None, items=[("clothes", 1)])  # in kind: no money

        table = budget_table(self.estimate)
        self.assertEqual((table.estimated, table.spent, table.remaining), (12_000_000, 2_400_000, 9_600_000))
        rows = {(r.funding_source.name, r.support_type.code): (r.estimated, r.spent, r.entries)
                for total in table.sources for r in total.rows}
        self.assertEqual(rows, {
            ("Ngân sách tỉnh (thử)", "a"): (10_000_000, 1_500_000, 2),
            ("Ngân sách tỉnh (thử)", "b"): (0, 400_000, 1),
            ("Dự án tài trợ (thử)", "g"): (2_000_000, 500_000, 1),
        })
        totals = {t.funding_source.name: (t.estimated, t.spent) for t in table.sources}
        self.assertEqual(totals, {"Ngân sách tỉnh (thử)": (10_000_000, 1_900_000),
                                  "Dự án tài trợ (thử)": (2_000_000, 500_000)})
        self.assertEqual({r.support_type.code: r.spent for r in table.by_type}, {"a": 1_500_000, "b": 400_000,
                                                                                   "g": 500_000})
        self.assertEqual(table.entries, 5)
        self.assertEqual(table.without_receipt, 4)

    def test_the_finance_pages_and_the_export(self):
        self.give("a", 1_200_000, self.state)
        url = reverse("support:estimate", args=[self.estimate.pk])
        self.sign_in(self.finance)
        listing = self.client.get(reverse("support:budgets"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(listing, url)
        self.assertContains(listing, "Open an estimate")
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        for text in ("12,000,000 ₫", "1,200,000 ₫", "10,800,000 ₫", "Save the line", "Submit the estimate"):
            self.assertContains(page, text)
        self.assertNotContains(page, self.case.code)  # the finance office sees amounts, not cases
        export = self.client.get(reverse("support:estimate_export", args=[self.estimate.pk]),
                                 HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(export.status_code, 200)
        workbook = load_workbook(io.BytesIO(export.content))
        self.assertEqual(workbook.sheetnames, ["Estimate and spending", "By support type", "Entries"])
        values = [row for row in workbook["Estimate and spending"].iter_rows(values_only=True)]
        self.assertIn((None, None, "Total", 12_000_000, 1_200_000, 10_800_000, 1, None), values)
        entries = list(workbook["Entries"].iter_rows(values_only=True))
        self.assertEqual(len(entries), 2)
        self.assertNotIn(self.case.code, str(entries))
        self.assertTrue(AuditEntry.objects.filter(action="budget.estimate_export", actor=self.finance).exists())

    def test_the_finance_pages_with_the_personas(self):
        url = reverse("support:estimate", args=[self.estimate.pk])
        line = reverse("support:line_set", args=[self.estimate.pk])
        data = {"funding_source": self.state.pk, "support_type": self.t["b"].pk, "amount": "1.000.000"}
        # The supervisor of the province sees its estimates but may not change them.
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.client.get(reverse("support:budgets")).status_code, 200)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Save the line")
        for post in (line, reverse("support:estimate_submit", args=[self.estimate.pk]),
                     reverse("support:source_close", args=[self.state.pk])):
            self.assertEqual(self.client.post(post, {**data, "valid_to": "2025-12-31"}).status_code, 403, post)
        self.assertEqual(self.client.post(reverse("support:estimate_add"), {"agency": self.p.province_agency.pk,
                                                                            "year": 2026}).status_code, 400)
        # Without budget.view the list is refused; another province's finance office does not see the estimate.
        for user in (self.p.owner, self.p.readonly, self.p.statistician, self.p.outsider):
            self.sign_in(user)
            self.assertEqual(self.client.get(reverse("support:budgets")).status_code, 403, user.username)
            self.assertEqual(self.client.get(url).status_code, 404, user.username)
            self.assertEqual(self.client.post(line, data).status_code, 404, user.username)
        self.sign_in(self.other_finance)
        self.assertNotContains(self.client.get(reverse("support:budgets")), url)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("support:estimate_export", args=[self.estimate.pk])).status_code,
                         404)
        self.assertEqual(EstimateLine.objects.count(), 2)

    def test_the_finance_officer_works_through_the_forms(self):
        self.sign_in(self.finance)
        response = self.client.post(reverse("support:line_set", args=[self.estimate.pk]),
                                    {"funding_source": self.state.pk, "support_type": self.t["b"].pk,
                                     "amount": "-1.000"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "a negative amount cannot be recorded", status_code=400)
        self.client.post(reverse("support:line_set", args=[self.estimate.pk]),
                         {"funding_source": self.state.pk, "support_type": self.t["b"].pk, "amount": "1.000.000"})
        self.assertEqual(EstimateLine.objects.get(support_type=self.t["b"]).amount, 1_000_000)
        response = self.client.post(reverse("support:estimate_add"),
                                    {"agency": self.p.province_agency.pk, "year": 2026})
        created = BudgetEstimate.objects.get(year=2026)
        self.assertRedirects(response, reverse("support:estimate", args=[created.pk]), fetch_redirect_response=False)
        response = self.client.post(reverse("support:source_add"),
                                    {"owner_agency": self.finance_agency.pk, "name": "Ngân sách xã (thử)",
                                     "kind": "state_budget", "level": "commune", "valid_from": "2026-01-01"})
        self.assertEqual(response.status_code, 302)
        self.client.post(reverse("support:source_close", args=[self.state.pk]), {"valid_to": "2025-12-31"})
        self.state.refresh_from_db()
        self.assertEqual(self.state.valid_to, d(2025, 12, 31))
        self.client.post(reverse("support:estimate_submit", args=[self.estimate.pk]))
        self.assertEqual(BudgetEstimate.objects.get(pk=self.estimate.pk).status, EstimateStatus.SUBMITTED)
