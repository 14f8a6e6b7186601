import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trove.verification.actions import send_request
from trove.verification.models import RequestKind
from trove.verification.tests.helpers import VerificationTestCase, open_case

URL = reverse("verification:deadlines")


class DeadlinesPageTests(VerificationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.late = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(days=6))
        cls.fresh = open_case(cls.p, received_at=timezone.now() - datetime.timedelta(hours=1))

    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_owner_sees_open_steps_by_deadline_with_overdue_marked(self):
        response = self.get(self.p.owner)
        self.assertEqual(response.status_code, 200)
        steps = [step for step, _overdue in response.context["steps"]]
        self.assertEqual({s.case_id for s in steps}, {self.late.pk, self.fresh.pk})
        deadlines = [s.deadline for s in steps if s.deadline]
        self.assertEqual(deadlines, sorted(deadlines))
        self.assertIsNone(steps[-1].deadline)  # unset limits come last
        self.assertTrue(any(overdue for step, overdue in response.context["steps"] if step.case_id == self.late.pk))
        self.assertContains(response, "overdue")

    def test_an_outsider_a_read_only_member_and_a_statistician(self):
        self.assertEqual(self.get(self.p.outsider).context["steps"], [])
        self.assertEqual(self.get(self.p.readonly).context["steps"], [])  # sees cases, edits none
        self.assertEqual(self.get(self.p.statistician).status_code, 403)

    def test_a_supervisor_sees_the_whole_scope_and_not_their_agency_alone(self):
        response = self.get(self.p.supervisor)
        self.assertEqual(response.context["scope"], "scope")
        self.assertEqual({s.case_id for s, _o in response.context["steps"]}, {self.late.pk, self.fresh.pk})
        self.assertEqual(self.get(self.p.supervisor, scope="agency").context["steps"], [])

    def test_the_requested_agency_sees_the_open_request_while_it_takes_part(self):
        send_request(case=self.late, acting_user=self.p.owner, to_agency=self.p.partner_agency,
                     kind=RequestKind.BACKGROUND_CHECK, due_on=timezone.localdate())
        response = self.get(self.p.partner)
        self.assertEqual([r.case_id for r, _o in response.context["requests"]], [self.late.pk])
        self.assertEqual([r.case_id for r, _o in self.get(self.p.owner).context["requests"]], [self.late.pk])

    def test_the_number_of_queries_does_not_grow_with_the_rows(self):
        def count():
            self.sign_in(self.p.supervisor)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(URL).status_code, 200)
            return len(queries)

        before = count()
        for _ in range(3):
            case = open_case(self.p, received_at=timezone.now() - datetime.timedelta(days=2))
            send_request(case=case, acting_user=self.p.owner, to_agency=self.p.partner_agency,
                         kind=RequestKind.VERIFY_IDENTITY, due_on=timezone.localdate())
        self.assertEqual(count(), before)
        with self.assertNumQueries(before):
            self.client.get(URL)
