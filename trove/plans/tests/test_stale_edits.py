"""Optimistic locking on a plan (issue 14 part 2): an edit, issue or revision started from an older revision of the
plan is refused with "changed by someone else" and the other change listed; nothing is saved."""

from django.urls import reverse
from django.utils import translation

from trove.core.models import AuditEntry
from trove.core.versioning import StaleEdit
from trove.plans import actions
from trove.plans.models import Plan, PlanStatus
from trove.plans.tests.helpers import PlanTestCase, draft_plan, plan_data

STALE = "Someone else changed this record while you were editing it"


class StalePlanTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = draft_plan(cls.p, cls.coordinator)

    def update(self, title: str, expected: int | None):
        return actions.plan_update(acting_user=self.coordinator, plan=Plan.objects.get(pk=self.plan.pk),
                                   data=plan_data(self.p, title=title), expected_version=expected)

    def test_each_save_moves_the_revision_on_and_the_plan_number_stays(self):
        start = Plan.objects.get(pk=self.plan.pk).revision
        self.update("Tiêu đề một", start)
        self.update("Tiêu đề hai", start + 1)
        stored = Plan.objects.get(pk=self.plan.pk)
        self.assertEqual((stored.revision, stored.version, stored.title), (start + 2, 1, "Tiêu đề hai"))

    def test_a_stale_edit_is_refused_and_nothing_is_saved(self):
        start = Plan.objects.get(pk=self.plan.pk).revision
        self.update("Tiêu đề của người kia", start)
        entries = AuditEntry.objects.count()
        with translation.override("en"), self.assertRaises(StaleEdit) as raised:
            self.update("Tiêu đề của tôi", start)
        self.assertIn(STALE, raised.exception.messages[0])
        self.assertEqual([entry.action for entry in raised.exception.changes], ["plan.update"])
        self.assertEqual(Plan.objects.get(pk=self.plan.pk).title, "Tiêu đề của người kia")
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_a_stale_issue_is_refused(self):
        start = Plan.objects.get(pk=self.plan.pk).revision
        self.update("Tiêu đề của người kia", start)
        with self.assertRaises(StaleEdit):
            actions.plan_issue(acting_user=self.coordinator, plan=self.plan, expected_version=start)
        self.assertEqual(Plan.objects.get(pk=self.plan.pk).status, PlanStatus.DRAFT)

    def test_the_edit_page_keeps_the_input_and_shows_the_other_change(self):
        self.sign_in(self.coordinator)
        url = reverse("plans:edit", args=[self.plan.pk])
        page = self.client.get(url)
        start = Plan.objects.get(pk=self.plan.pk).revision
        self.assertContains(page, f'name="revision" value="{start}"')
        form = page.context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(report_recipients=[a.pk for a in self.plan.report_recipients.all()], title="Tiêu đề của tôi",
                    unit=self.p.commune.key, revision=start)
        self.update("Tiêu đề của người kia", start)
        response = self.client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, STALE, status_code=409)
        self.assertContains(response, self.coordinator.display_name, status_code=409)
        self.assertContains(response, "Tiêu đề của tôi", status_code=409)
        self.assertContains(response, f'name="revision" value="{start + 1}"', status_code=409)
        self.assertEqual(Plan.objects.get(pk=self.plan.pk).title, "Tiêu đề của người kia")

    def test_a_stale_issue_from_the_page_shows_the_plan_as_it_is(self):
        self.sign_in(self.coordinator)
        start = Plan.objects.get(pk=self.plan.pk).revision
        self.update("Tiêu đề của người kia", start)
        response = self.client.post(reverse("plans:issue", args=[self.plan.pk]), {"revision": start},
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, STALE, status_code=409)
        self.assertEqual(Plan.objects.get(pk=self.plan.pk).status, PlanStatus.DRAFT)
