import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trove.referrals.actions import followup_plan_create
from trove.referrals.models import FollowUpPlan, FollowUpVisit, UnionActivity, VisitStatus
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case

LIST = reverse("referrals:followup")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def planned_case(personas, returned_days_ago=110):
    case = open_case(personas, received_at=timezone.now() - datetime.timedelta(days=returned_days_ago + 5))
    followup_plan_create(acting_user=personas.owner, case=case, returned_on=days_ago(returned_days_ago))
    return case


class FollowUpListTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = planned_case(cls.p)

    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(LIST, params, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_caseworker_sees_the_overdue_visits_first(self):
        response = self.get(self.p.owner)
        rows = response.context["visits"]
        self.assertEqual([(visit.number, overdue) for visit, overdue in rows], [(1, True), (2, True)])
        self.assertContains(response, "overdue")
        self.assertContains(response, self.case.code)
        self.assertNotContains(response, NAME)
        self.assertEqual(len(self.get(self.p.owner, scope="mine").context["visits"]), 2)

    def test_personas(self):
        for user in (self.p.readonly, self.p.statistician, self.p.auditor):
            self.assertEqual(self.get(user).status_code, 403, user.username)
        for user in (self.p.outsider, self.p.partner, self.women):
            self.assertEqual(self.get(user).context["visits"], [], user.username)
        self.assertEqual(len(self.get(self.p.supervisor).context["visits"]), 2)  # its scope, by default
        self.assertEqual(self.get(self.p.supervisor, scope="agency").context["visits"], [])
        # The Women's Union sees the visits of a case referred to it with the follow-up section.
        self.send(self.case, sections=["followup"])
        self.assertEqual(len(self.get(self.women).context["visits"]), 2)

    def test_the_number_of_queries_does_not_grow_with_the_rows(self):
        def count():
            self.sign_in(self.p.owner)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(LIST).status_code, 200)
            return len(queries)

        before = count()
        for _ in range(2):
            planned_case(self.p)
        self.assertEqual(count(), before)


class CaseFollowUpPageTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=40))
        cls.url = reverse("referrals:case_followup", args=[cls.case.code])
        cls.plan_url = reverse("referrals:plan_create", args=[cls.case.code])
        cls.activity_url = reverse("referrals:activity_record", args=[cls.case.code])

    def posts(self):
        return [(self.plan_url, {"returned_on": days_ago(35).isoformat()}),
                (self.activity_url, {"kind": "counselling", "held_on": days_ago(1).isoformat(), "description": "x"})]

    def test_the_owner_plans_and_records_through_the_page(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Make the plan")
        response = self.client.post(*self.posts()[0], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The follow-up plan is made")
        self.assertContains(response, "Record the visit")
        self.assertEqual(FollowUpVisit.objects.filter(case=self.case).count(), 4)
        response = self.client.post(*self.posts()[1], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The Women&#x27;s Union activity is recorded.")
        response = self.client.post(self.activity_url, {"kind": "loan", "held_on": days_ago(1).isoformat()},
                                    follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Give the loan")
        self.assertEqual(UnionActivity.objects.count(), 1)
        case_page = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(case_page, "Reintegration follow-up")
        self.assertContains(case_page, "4 visits planned")

    def test_personas(self):
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        for url, data in self.posts():
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        for user in (self.p.outsider, self.p.statistician, self.p.partner, self.women):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.username)
            for url, data in self.posts():
                self.assertEqual(self.client.post(url, data).status_code, 404, url)
        self.send(self.case, sections=["needs"])  # taking part without the follow-up section
        self.sign_in(self.women)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(FollowUpPlan.objects.exists())
        self.assertFalse(UnionActivity.objects.exists())


class VisitPageTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = planned_case(cls.p)
        cls.visit = FollowUpVisit.objects.get(case=cls.case, number=2)
        cls.url = reverse("referrals:visit", args=[cls.visit.pk])

    def data(self, **overrides):
        values = {"visited_on": days_ago(1).isoformat(), "contact": "in_person", "living_situation": "with_family",
                  "health": "good", "schooling": "not_applicable", "work_income": "stable",
                  "family_relations": "good", "stigma": "none", "notes": f"{NAME} ổn định"}
        values.update(overrides)
        return values

    def test_the_owner_records_a_visit_and_risky_answers_are_flagged(self):
        self.sign_in(self.p.owner)
        self.assertContains(self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en"), "Signs of re-trafficking risk")
        response = self.client.post(self.url, self.data(visited_on=days_ago(-1).isoformat()),
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "cannot be in the future", status_code=400)
        self.assertEqual(FollowUpVisit.objects.get(pk=self.visit.pk).status, VisitStatus.PLANNED)
        response = self.client.post(self.url, self.data(risk_signs=["recruiter_contact"]), follow=True,
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "the caseworker is alerted")
        self.assertContains(response, "signs of risk")
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Contacted by a broker or recruiter")
        self.assertContains(response, f"{NAME} ổn định")
        self.assertEqual(len(self.client.get(LIST).context["alerts"]), 1)

    def test_personas(self):
        self.sign_in(self.p.readonly)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Record the visit")
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        for user in (self.p.outsider, self.p.statistician, self.p.partner, self.women):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.username)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 404, user.username)
        self.assertEqual(FollowUpVisit.objects.get(pk=self.visit.pk).status, VisitStatus.PLANNED)
