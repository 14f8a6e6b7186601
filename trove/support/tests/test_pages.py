"""Every support page and form with the personas: 404 to whoever may not see the case (or its section), 403 on writes
to whoever may only read it, and the forms only for those who may use them."""

from django.urls import reverse

from trove.agencies.models import Role
from trove.core.actions import participation_start
from trove.core.models import AuditEntry, IdentityRestriction
from trove.core.models.access import ParticipationReason
from trove.core.testing import _member, _user
from trove.support.actions import plan_save, plan_service_add, safety_measure_add
from trove.support.hardship_actions import hardship_apply
from trove.support.ledger_actions import record_support
from trove.support.models import (
    NeedsAssessment,
    RiskAssessment,
    SafetyMeasure,
    SupportEntry,
    SupportPlan,
    SupportRefusal,
)
from trove.support.tests.helpers import NAME, SupportTestCase, d, open_case, types, vn

PAGES = ["support:case_support", "support:case_protection", "support:case_needs", "support:case_plan"]


class PageTestCase(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.t = types()
        cls.case = open_case(cls.p, vn(2025, 8, 4))
        code = cls.case.code
        cls.pages = [reverse(name, args=[code]) for name in PAGES]
        cls.measure = safety_measure_add(case=cls.case, acting_user=cls.p.owner, kind="escort",
                                         responsible_agency=cls.p.partner_agency, starts_on=d(2025, 8, 5))
        plan_save(case=cls.case, acting_user=cls.p.owner, goals="Ổn định cuộc sống")
        cls.service = plan_service_add(case=cls.case, acting_user=cls.p.owner, support_type=cls.t["b"],
                                       description="Khám sức khỏe", responsible_agency=cls.p.province_agency,
                                       planned_from=d(2025, 8, 6))
        cls.entry = record_support(case=cls.case, acting_user=cls.p.owner, support_type=cls.t["a"],
                                   given_on=d(2025, 8, 5), giving_agency=cls.p.owner_agency, amount=200_000,
                                   days_covered=5)

    def posts(self):
        code, case = self.case.code, self.case
        application_id = 999999
        return [
            (reverse("support:risk_add", args=[code]), {"assessed_on": "2025-08-05", "level": "low"}),
            (reverse("support:measure_add", args=[code]), {"kind": "escort", "protects": "person",
                                                           "responsible_agency": self.p.owner_agency.pk,
                                                           "starts_on": "2025-08-05"}),
            (reverse("support:measure_end", args=[code, self.measure.pk]), {"ended_on": "2025-08-20"}),
            (reverse("support:confidentiality_set", args=[code]), {"reason": "Có nguy cơ bị trả thù"}),
            (reverse("support:confidentiality_lift", args=[code]), {"reason": "Hết nguy cơ trả thù"}),
            (reverse("support:needs_add", args=[code]), {"assessed_on": "2025-08-05", "needs": [self.t["a"].pk]}),
            (reverse("support:circumstances_set", args=[code]), {"poor_household": "on",
                                                                 "poor_household_reference": "1/GCN"}),
            (reverse("support:plan_save", args=[code]), {"goals": "Mục tiêu mới"}),
            (reverse("support:service_add", args=[code]), {"support_type": self.t["g"].pk, "description": "Tư vấn",
                                                           "responsible_agency": self.p.owner_agency.pk,
                                                           "planned_from": "2025-08-10"}),
            (reverse("support:service_status", args=[code, self.service.pk]), {"status": "done"}),
            (reverse("support:entry_add", args=[code]), {"support_type": self.t["b"].pk, "given_on": "2025-08-06",
                                                         "amount": "100000", "giving_agency": self.p.owner_agency.pk}),
            (reverse("support:entry_cancel", args=[code, self.entry.pk]), {"reason": "Nhập nhầm số tiền"}),
            (reverse("support:refusal_add", args=[code]), {"refused_on": "2025-08-06"}),
            (reverse("support:extension_add", args=[code]), {"support_type": self.t["a"].pk, "days": 5,
                                                             "decided_on": "2025-08-06",
                                                             "decided_by": "facility_director",
                                                             "decision_reference": "1/QĐ"}),
            (reverse("support:hardship_apply", args=[code]), {"applied_on": "2025-08-06"}),
            (reverse("support:hardship_step", args=[code, application_id, "forward"]), {}),
            (reverse("support:hardship_step", args=[code, application_id, "decide"]), {}),
            (reverse("support:hardship_step", args=[code, application_id, "pay"]), {}),
        ] if case else []

    def snapshot(self):
        return (RiskAssessment.objects.count(), SafetyMeasure.objects.filter(ended_on__isnull=False).count(),
                SafetyMeasure.objects.count(), NeedsAssessment.objects.count(), SupportPlan.objects.get().goals,
                SupportEntry.objects.count(), SupportEntry.objects.filter(cancelled_at__isnull=False).count(),
                SupportRefusal.objects.count(), IdentityRestriction.objects.count())


class PersonaPageTests(PageTestCase):
    def test_the_owner_sees_every_page_with_its_forms_and_identity(self):
        self.sign_in(self.p.owner)
        for url in self.pages:
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(response.status_code, 200, url)
        support = self.client.get(self.pages[0], HTTP_ACCEPT_LANGUAGE="en")
        for text in ("Record support given", "Record a refusal", NAME, "Entitlements", "200,000 ₫"):
            self.assertContains(support, text)
        self.assertNotContains(support, "Cancel the entry")  # a caseworker does not approve support
        protection = self.client.get(self.pages[1], HTTP_ACCEPT_LANGUAGE="en")
        for text in ("Assess the risk", "Add a safety measure", "Restrict identity to named members", "Escort"):
            self.assertContains(protection, text)

    def test_a_read_only_member_sees_the_pages_without_forms_or_identity_and_gets_403_on_every_post(self):
        self.sign_in(self.p.readonly)
        for url in self.pages:
            response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            self.assertEqual(response.status_code, 200, url)
            for text in ("Record support given", "Assess the risk", "Write the plan", "Assess the needs", NAME,
                         "Restrict identity"):
                self.assertNotContains(response, text)
        before = self.snapshot()
        for url, data in self.posts():
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.assertEqual(self.snapshot(), before)

    def test_who_may_not_see_the_case_gets_404_on_every_page_and_post(self):
        before = self.snapshot()
        for user in (self.p.outsider, self.p.statistician, self.p.partner, self.p.auditor, self.finance):
            self.sign_in(user)
            for url in self.pages:
                self.assertEqual(self.client.get(url).status_code, 404, (user.username, url))
            for url, data in self.posts():
                self.assertEqual(self.client.post(url, data).status_code, 404, (user.username, url))
        self.assertEqual(self.snapshot(), before)

    def test_the_owner_gets_403_where_support_must_be_approved(self):
        self.sign_in(self.p.owner)
        for url, data in self.posts():
            if url.endswith(("cancel/", "extensions/", "/decide/")):
                self.assertEqual(self.client.post(url, data).status_code, 403, url)

    def test_a_supervisor_cancels_and_sees_the_approval_forms(self):
        self.sign_in(self.p.supervisor)
        response = self.client.get(self.pages[0], HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Cancel the entry")
        self.assertContains(response, "Record an extension")
        self.assertContains(response, "Reason for recording it outside the entitlement")
        url = reverse("support:entry_cancel", args=[self.case.code, self.entry.pk])
        self.assertEqual(self.client.post(url, {"reason": "Nhập nhầm số tiền"}).status_code, 302)
        self.entry.refresh_from_db()
        self.assertTrue(self.entry.is_cancelled)

    def test_a_referral_receiver_sees_only_the_sections_it_was_given(self):
        participation_start(acting_user=self.p.owner, obj=self.case, agency=self.p.partner_agency,
                            reason=ParticipationReason.REFERRAL, sections=["support_plan"])
        self.sign_in(self.p.partner)
        statuses = {url: self.client.get(url).status_code for url in self.pages}
        self.assertEqual(statuses, {self.pages[0]: 404, self.pages[1]: 404, self.pages[2]: 404, self.pages[3]: 200})
        plan = self.client.get(self.pages[3], HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(plan, "Ổn định cuộc sống")  # the goals need identity rights
        self.assertNotContains(plan, f'href="{reverse("support:case_support", args=[self.case.code])}"')
        self.assertNotContains(plan, "Change the goals")  # rewriting goals one may not read is not offered

    def test_the_case_page_shows_the_four_panels_and_their_links(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        for url in self.pages:
            self.assertContains(response, url)
        self.assertContains(response, "1 support entry")
        self.assertContains(response, "1 safety measure in force.")


class FormTests(PageTestCase):
    def test_recording_support_through_the_form(self):
        self.sign_in(self.p.owner)
        url = reverse("support:entry_add", args=[self.case.code])
        data = {"support_type": self.t["a"].pk, "given_on": "2025-08-06", "amount": "1.200.000",
                "giving_agency": self.p.owner_agency.pk, "days_covered": "10", "item_1": "clothes",
                "quantity_1": "2"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        entry = SupportEntry.objects.latest("pk")
        self.assertEqual((entry.amount, entry.days_covered, [(i.code, i.quantity) for i in entry.items.all()]),
                         (1_200_000, 10, [("clothes", 2)]))

    def test_bad_input_comes_back_on_the_form_and_nothing_is_saved(self):
        self.sign_in(self.p.owner)
        url = reverse("support:entry_add", args=[self.case.code])
        base = {"support_type": self.t["a"].pk, "given_on": "2025-08-06", "giving_agency": self.p.owner_agency.pk}
        cases = [
            ({"amount": "-150000"}, "a negative amount cannot be recorded"),
            ({"amount": "150000,50"}, "without decimals"),
            ({"amount": "1.5"}, "without decimals"),
            ({"amount": "100", "given_on": "2025-08-03"}, "before the person was received"),
            ({"item_1": "clothes", "quantity_1": "0"}, "an item given zero times is not given"),
            ({"item_1": "clothes"}, "an item given zero times is not given"),
            ({"amount": "100", "days_covered": "2.5"}, "Enter a whole number"),
        ]
        before = SupportEntry.objects.count()
        for extra, message in cases:
            with self.subTest(extra=extra):
                response = self.client.post(url, {**base, **extra}, HTTP_ACCEPT_LANGUAGE="en")
                self.assertContains(response, message, status_code=400)
        self.assertEqual(SupportEntry.objects.count(), before)

    def test_over_the_limit_the_form_asks_for_an_override_that_only_a_supervisor_gives(self):
        url = reverse("support:entry_add", args=[self.case.code])
        data = {"support_type": self.t["a"].pk, "given_on": "2025-08-06", "amount": "5000000",
                "giving_agency": self.p.owner_agency.pk, "days_covered": "120"}
        self.sign_in(self.p.owner)
        response = self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "at most 120 days", status_code=400)
        self.assertContains(response, "A member who may approve support can record it anyway", status_code=400)
        self.sign_in(self.p.supervisor)
        response = self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "write the reason for the override", status_code=400)
        response = self.client.post(url, {**data, "override_reason": "Đang điều trị dài ngày tại cơ sở"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SupportEntry.objects.latest("pk").override_codes, ["max_days"])
        self.assertTrue(AuditEntry.objects.filter(action="support.entry_override", actor=self.p.supervisor).exists())

    def test_the_risk_form_needs_every_answer_and_a_note_for_a_lower_level(self):
        self.sign_in(self.p.owner)
        url = reverse("support:risk_add", args=[self.case.code])
        response = self.client.post(url, {"assessed_on": "2025-08-05", "level": "low"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Answer every question", status_code=400)
        answers = {f"q_{code}": "no" for code in ("threatened", "traffickers_free", "whereabouts_known", "debt",
                                                   "witness", "retrafficking", "self_harm", "relatives_threatened",
                                                   "family_involved", "dependants_at_risk", "rejection")}
        answers["q_threatened"] = "yes"
        response = self.client.post(url, {"assessed_on": "2025-08-05", "level": "low", **answers},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The answers suggest a “High” risk", status_code=400)
        response = self.client.post(url, {"assessed_on": "2025-08-05", "level": "high", **answers})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(RiskAssessment.objects.get().answers["threatened"], "yes")

    def test_the_needs_circumstances_and_plan_forms(self):
        self.sign_in(self.p.owner)
        code = self.case.code
        self.assertEqual(self.client.post(reverse("support:needs_add", args=[code]),
                                          {"assessed_on": "2025-08-05", "needs": [self.t["a"].pk, self.t["g"].pk],
                                           "notes": "Cần tư vấn"}).status_code, 302)
        self.assertEqual(sorted(NeedsAssessment.objects.get().needs.values_list("code", flat=True)), ["a", "g"])
        response = self.client.post(reverse("support:circumstances_set", args=[code]), {"poor_household": "on"},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "certificate", status_code=400)
        self.client.post(reverse("support:service_status", args=[code, self.service.pk]), {"status": "in_progress"})
        self.service.refresh_from_db()
        self.assertEqual(self.service.status, "in_progress")
        response = self.client.post(reverse("support:service_add", args=[code]),
                                    {"support_type": self.t["g"].pk, "description": "Tư vấn",
                                     "responsible_agency": self.p.owner_agency.pk, "planned_from": "2025-08-10",
                                     "planned_to": "2025-08-01"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "cannot end before it starts", status_code=400)

    def test_the_hardship_application_form_appears_only_for_a_victim(self):
        self.sign_in(self.p.owner)
        self.assertNotContains(self.client.get(self.pages[0], HTTP_ACCEPT_LANGUAGE="en"), "Record an application")
        self.identify(self.case, d(2025, 8, 11))
        self.assertContains(self.client.get(self.pages[0], HTTP_ACCEPT_LANGUAGE="en"), "Record an application")
        hardship_apply(case=self.case, acting_user=self.p.owner, applied_on=d(2025, 8, 12))
        page = self.client.get(self.pages[0], HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(page, "Record an application")
        self.assertContains(page, "time limit not set")


class ConfidentialityTests(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.colleague = _member(_user("s_colleague", "Phạm Thị Đồng Nghiệp"), cls.p.owner_agency, Role.CASEWORKER,
                                cls.p.commune)

    def test_the_flag_names_members_who_may_see_identity_and_hides_it_from_the_others(self):
        url = reverse("support:confidentiality_set", args=[self.case.code])
        self.sign_in(self.colleague)
        self.assertContains(self.client.get(self.case.get_absolute_url()), NAME)
        self.sign_in(self.p.owner)
        page = self.client.get(self.pages[1], HTTP_ACCEPT_LANGUAGE="en")
        for candidate in (self.p.supervisor, self.colleague):
            self.assertContains(page, candidate.display_name)
        self.assertNotContains(page, self.p.readonly.display_name)  # an observer cannot see identity: not named
        response = self.client.post(url, {"members": [self.p.readonly.pk], "reason": "Có nguy cơ bị trả thù"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(IdentityRestriction.objects.exists())
        response = self.client.post(url, {"members": [self.p.supervisor.pk], "reason": "ngắn"},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "at least 10 characters", status_code=400)
        response = self.client.post(url, {"members": [self.p.supervisor.pk], "reason": "Có nguy cơ bị trả thù"})
        self.assertEqual(response.status_code, 302)
        restriction = IdentityRestriction.objects.get(lifted_at__isnull=True)
        self.assertEqual(set(restriction.members.all()), {self.p.owner, self.p.supervisor})
        self.assertTrue(AuditEntry.objects.filter(action="identity.restrict", actor=self.p.owner).exists())
        # The colleague still sees the case, not who the person is, and may not lift the flag.
        self.sign_in(self.colleague)
        case_page = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(case_page, NAME)
        self.assertContains(case_page, "only the members named")
        self.assertNotContains(self.client.get(self.pages[0]), NAME)
        lift = reverse("support:confidentiality_lift", args=[self.case.code])
        self.assertEqual(self.client.post(lift, {"reason": "Hết nguy cơ trả thù"}).status_code, 403)
        self.sign_in(self.p.owner)
        self.assertContains(self.client.get(self.pages[0]), NAME)
        self.assertEqual(self.client.post(lift, {"reason": "Hết nguy cơ trả thù"}).status_code, 302)
        self.assertFalse(IdentityRestriction.objects.filter(lifted_at__isnull=True).exists())
        self.sign_in(self.colleague)
        self.assertContains(self.client.get(self.case.get_absolute_url()), NAME)


class OverviewTests(PageTestCase):
    def test_the_overview_and_the_menu_with_the_personas(self):
        url = reverse("support:overview")
        application_case = open_case(self.p, vn(2025, 8, 5))
        self.identify(application_case, d(2025, 8, 11))
        hardship_apply(case=application_case, acting_user=self.p.owner, applied_on=d(2025, 8, 12))
        self.sign_in(self.p.owner)
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, self.case.code)
        self.assertContains(response, application_case.code)
        self.assertContains(response, f'href="{url}"')  # the menu's "Support"
        self.assertNotContains(response, f'href="{reverse("support:budgets")}"')
        self.sign_in(self.p.outsider)  # may record support, but not on these cases
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.case.code)
        self.assertNotContains(response, application_case.code)
        for user in (self.p.readonly, self.p.statistician, self.finance):
            self.sign_in(user)
            self.assertEqual(self.client.get(url).status_code, 403, user.username)
        self.sign_in(self.finance)
        self.assertContains(self.client.get(reverse("support:budgets")), f'href="{reverse("support:budgets")}"')
