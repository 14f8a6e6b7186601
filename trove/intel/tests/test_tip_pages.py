import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trove.intel.actions import tip_classify
from trove.intel.models import Tip, TipLink, TipStatus, TipStep
from trove.intel.tests.helpers import IntelTestCase, receive

LIST = reverse("intel:tips")
NEW = reverse("intel:tip_new")


class TipPageTests(IntelTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tip = receive(cls, received_at=timezone.now() - datetime.timedelta(days=9))  # unclassified, overdue
        cls.fresh = receive(cls)
        cls.handled = receive(cls)
        tip_classify(tip=cls.handled, acting_user=cls.intake, classification="related", priority="normal")

    def get(self, user, url, **params):
        self.sign_in(user)
        return self.client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")

    def post_urls(self):
        code, today = self.tip.code, timezone.localdate().isoformat()
        return [
            (reverse("intel:tip_classify", args=[code]),
             {"classification": "trafficking", "priority": "high", "classified_on": today}),
            (reverse("intel:tip_step", args=[code]), {"kind": "check", "done_on": today, "note": "Gọi lại"}),
            (reverse("intel:tip_conclude", args=[code]), {"outcome": "closed", "concluded_on": today}),
            (reverse("intel:tip_assign", args=[code]), {"to_agency": self.p.partner_agency.pk}),
            (reverse("intel:tip_link", args=[code]), {"kind": "person", "reference": "1"}),
            (reverse("intel:tip_unlink", args=[code, 1]), {}),
        ]

    def test_the_list_shows_what_needs_attention_first_and_only_to_those_who_may_see_tips(self):
        response = self.get(self.intake, LIST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([t.code for t in response.context["tips"]], [self.tip.code, self.fresh.code])
        self.assertContains(response, "overdue")
        self.assertContains(response, "Record a tip")
        overdue = self.get(self.intake, LIST, view="overdue").context["tips"]
        self.assertEqual([t.code for t in overdue], [self.tip.code])
        self.assertEqual({t.code for t in self.get(self.intake, LIST, view="all").context["tips"]},
                         {self.tip.code, self.fresh.code, self.handled.code})
        self.assertEqual([t.code for t in self.get(self.intake, LIST, view="open", classification="related")
                          .context["tips"]], [self.handled.code])
        readonly = self.get(self.p.readonly, LIST)
        self.assertEqual(len(readonly.context["tips"]), 2)
        self.assertNotContains(readonly, "Record a tip")
        self.assertEqual(len(self.get(self.p.supervisor, LIST).context["tips"]), 2)
        for user in (self.far_intake, self.p.partner):
            self.assertEqual(self.get(user, LIST).context["tips"], [])
        for user in (self.p.owner, self.p.outsider, self.p.statistician, self.p.auditor, self.p.administrator):
            self.assertEqual(self.get(user, LIST).status_code, 403)

    def test_the_list_costs_the_same_queries_whatever_the_rows(self):
        def count():
            self.sign_in(self.p.supervisor)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(LIST, {"view": "all"}).status_code, 200)
            return len(queries)

        before = count()
        for _ in range(3):
            receive(self)
        self.assertEqual(count(), before)

    def test_the_tip_page_for_each_persona(self):
        url = self.tip.get_absolute_url()
        response = self.get(self.intake, url)
        self.assertEqual(response.status_code, 200)
        for text in ("Classify the tip", "Record a step", "Assign to another agency", "Link a record", "overdue"):
            self.assertContains(response, text)
        readonly = self.get(self.p.readonly, url)
        self.assertEqual(readonly.status_code, 200)
        for text in ("Classify the tip", "Record a step", "Assign to another agency", "Link a record"):
            self.assertNotContains(readonly, text)
        self.assertEqual(self.get(self.p.supervisor, url).status_code, 200)
        for user in (self.p.owner, self.p.outsider, self.p.partner, self.far_intake, self.p.statistician,
                     self.p.auditor, self.p.administrator):
            self.assertEqual(self.get(user, url).status_code, 404, user)
        self.assertEqual(self.get(self.intake, reverse("intel:tip", args=["TB-2026-99999"])).status_code, 404)

    def test_a_read_only_member_gets_403_and_an_outsider_404_on_every_form(self):
        for user, status in ((self.p.readonly, 403), (self.p.outsider, 404), (self.p.partner, 404),
                             (self.far_intake, 404), (self.p.owner, 404)):
            self.sign_in(user)
            for url, data in self.post_urls():
                self.assertEqual(self.client.post(url, data).status_code, status, (user, url))
        tip = Tip.objects.get(pk=self.tip.pk)
        self.assertEqual((tip.status, tip.owner_agency_id), (TipStatus.RECEIVED, self.p.owner_agency.pk))
        self.assertEqual(TipStep.objects.filter(tip=tip).count(), 1)

    def test_the_handling_agency_works_through_the_forms_and_refusals_are_shown(self):
        self.sign_in(self.intake)
        classify, step, conclude, assign, _link, _unlink = self.post_urls()
        response = self.client.post(*classify, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "The tip is classified.")
        response = self.client.post(*classify, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "a tip is classified once")
        self.client.post(*step)
        response = self.client.post(conclude[0], {"outcome": "became_case", "concluded_on": conclude[1]["concluded_on"],
                                                  "case_code": "DT-2026-99999"}, HTTP_ACCEPT_LANGUAGE="en",
                                    follow=True)
        self.assertContains(response, "No case with this code is open to you")
        self.client.post(*conclude)
        tip = Tip.objects.get(pk=self.tip.pk)
        self.assertEqual((tip.status, tip.outcome), (TipStatus.CONCLUDED, "closed"))
        self.assertFalse(TipLink.objects.exists())

    def test_assigning_through_the_page_leads_back_to_the_list_when_the_tip_leaves_ones_sight(self):
        self.sign_in(self.intake)
        url, data = self.post_urls()[3]
        response = self.client.post(url, data)
        self.assertRedirects(response, LIST)
        self.assertEqual(Tip.objects.get(pk=self.tip.pk).owner_agency, self.p.partner_agency)

    def test_recording_a_tip_through_the_form(self):
        self.assertEqual(self.get(self.intake, NEW).status_code, 200)
        for user in (self.p.readonly, self.p.owner, self.p.outsider, self.p.statistician):
            self.assertEqual(self.get(user, NEW).status_code, 403)
        self.sign_in(self.intake)
        data = {"agency": self.p.owner_agency.pk, "source": "online", "received_at": "2026-11-20T08:30",
                "priority": "normal", "content": "Bài đăng tuyển người đi làm ở nước ngoài (dữ liệu thử)",
                "unit": "2025:29926", "phones": "0277 3000 197\n\n0277 3000 196", "informant_anonymous": "on"}
        response = self.client.post(NEW, {**data, "unit": "Nơi Không Có"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "No unit is called", status_code=400)
        response = self.client.post(NEW, {**data, "informant_name": "Tên Thử"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "leave the name empty", status_code=400)
        self.assertEqual(Tip.objects.count(), 3)
        response = self.client.post(NEW, data)
        tip = Tip.objects.latest("pk")
        self.assertRedirects(response, tip.get_absolute_url())
        self.assertEqual((tip.source, tip.subjects), ("online", {"phones": ["0277 3000 197", "0277 3000 196"]}))

    def test_the_menu_shows_tips_to_those_who_may_see_them(self):
        self.assertContains(self.get(self.intake, reverse("home")), LIST)
        self.assertNotContains(self.get(self.p.owner, reverse("home")), LIST)
