from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trove.intel.models import Defendant, PenalArticle, Proceeding, ProceedingStage, ProceedingVictim, Stage
from trove.intel.proceeding_actions import defendant_add, victim_link
from trove.intel.tests.helpers import IntelTestCase, advance, days_ago, open_proceeding
from trove.intel.tests.test_links import open_case

LIST = reverse("intel:proceedings")
NEW = reverse("intel:proceeding_new")
NAME = "Trương Văn Môi"


class ProceedingPageTests(IntelTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.proceeding = open_proceeding(cls, reported_on=days_ago(40))
        cls.defendant = defendant_add(proceeding=cls.proceeding, acting_user=cls.investigator, full_name=NAME,
                                      roles=["Exploiter"])
        cls.url = cls.proceeding.get_absolute_url()

    def get(self, user, url, **params):
        self.sign_in(user)
        return self.client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")

    def post_urls(self):
        code, d = self.proceeding.code, self.defendant.pk
        article = PenalArticle.objects.get(article="150").pk
        return [
            (reverse("intel:stage_record", args=[code]), {"stage": "initiated", "date": days_ago(35).isoformat()}),
            (reverse("intel:defendant_add", args=[code]), {"full_name": "Người Thử", "sex": "unknown"}),
            (reverse("intel:defendant_roles", args=[code, d]), {"roles": ["Transporter"]}),
            (reverse("intel:charge_add", args=[code, d]),
             {"article": article, "clause": "1", "charged_on": days_ago(30).isoformat()}),
            (reverse("intel:charge_remove", args=[code, d, 1]), {}),
            (reverse("intel:sentence_record", args=[code, d]), {"verdict": "acquitted"}),
            (reverse("intel:victim_link", args=[code]), {"case_code": "DT-2026-00001"}),
            (reverse("intel:victim_unlink", args=[code, 1]), {}),
        ]

    def test_the_list_for_each_persona(self):
        response = self.get(self.investigator, LIST)
        self.assertEqual([p.code for p in response.context["proceedings"]], [self.proceeding.code])
        self.assertContains(response, "Open a proceeding")
        self.assertEqual(len(self.get(self.police_observer, LIST).context["proceedings"]), 1)
        self.assertNotContains(self.get(self.police_observer, LIST), "Open a proceeding")
        self.assertEqual(len(self.get(self.p.supervisor, LIST).context["proceedings"]), 1)
        for user in (self.prosecutor, self.judge, self.p.readonly, self.p.partner):
            # The procuracy and the court see nothing until the file reaches them; the commune's observer and the
            # police verifier see proceedings of their own agency only.
            expected = 1 if user == self.p.partner else 0
            self.assertEqual(len(self.get(user, LIST).context["proceedings"]), expected, user)
        for user in (self.p.owner, self.p.outsider, self.p.statistician, self.p.auditor):
            self.assertEqual(self.get(user, LIST).status_code, 403)
        filtered = self.get(self.investigator, LIST, stage="prosecuted")
        self.assertEqual(filtered.context["proceedings"], [])

    def test_the_list_costs_the_same_queries_whatever_the_rows(self):
        def count():
            self.sign_in(self.investigator)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(LIST)
            return len(queries)

        before = count()
        for _ in range(3):
            open_proceeding(self)
        self.assertEqual(count(), before)

    def test_the_page_for_each_persona(self):
        response = self.get(self.investigator, self.url)
        self.assertContains(response, "Record the next stage")
        self.assertContains(response, "Add a suspect")
        self.assertContains(response, NAME)
        observer = self.get(self.police_observer, self.url)
        self.assertEqual(observer.status_code, 200)
        self.assertNotContains(observer, NAME)  # an observer may not see identity
        self.assertContains(observer, "Person 1")
        for text in ("Record the next stage", "Add a suspect", "Link the victim"):
            self.assertNotContains(observer, text)
        self.assertEqual(self.get(self.p.supervisor, self.url).status_code, 200)
        for user in (self.prosecutor, self.judge, self.p.readonly, self.p.owner, self.p.outsider,
                     self.p.statistician, self.intake):
            self.assertEqual(self.get(user, self.url).status_code, 404, user)

    def test_a_read_only_member_gets_403_and_an_outsider_404_on_every_form(self):
        for user, status in ((self.police_observer, 403), (self.p.outsider, 404), (self.prosecutor, 404),
                             (self.p.readonly, 404)):
            self.sign_in(user)
            for url, data in self.post_urls():
                self.assertEqual(self.client.post(url, data).status_code, status, (user, url))
        self.assertEqual(ProceedingStage.objects.count(), 1)
        self.assertEqual(Defendant.objects.count(), 1)

    def test_the_procuracy_and_the_court_record_their_stages_on_the_page(self):
        self.sign_in(self.investigator)
        stage_url = self.post_urls()[0][0]
        response = self.client.post(stage_url, {"stage": "investigated", "date": days_ago(30).isoformat()},
                                    HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "cannot follow")
        self.client.post(stage_url, {"stage": "initiated", "date": days_ago(35).isoformat()})
        self.client.post(stage_url, {"stage": "investigated", "date": days_ago(30).isoformat(),
                                     "pass_to": self.procuracy.pk})
        prosecutor = self.get(self.prosecutor, self.url)
        self.assertEqual(prosecutor.status_code, 200)
        self.assertEqual([c[0] for c in prosecutor.context["stage_form"].fields["stage"].choices],
                         ["prosecuted", "discontinued"])
        self.client.post(stage_url, {"stage": "prosecuted", "date": days_ago(20).isoformat(),
                                     "pass_to": self.court.pk})
        self.sign_in(self.investigator)
        response = self.client.post(stage_url, {"stage": "first_instance", "date": days_ago(10).isoformat()},
                                    HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "is recorded by: People&#x27;s Court")
        self.sign_in(self.judge)
        self.client.post(stage_url, {"stage": "first_instance", "date": days_ago(10).isoformat(), "mobile": "on",
                                     "mobile_place": "Hội trường UBND xã", "audience": "300"})
        trial = ProceedingStage.objects.get(stage=Stage.FIRST_INSTANCE)
        self.assertEqual((trial.mobile, trial.audience), (True, 300))
        response = self.client.post(reverse("intel:sentence_record", args=[self.proceeding.code, self.defendant.pk]),
                                    {"verdict": "convicted", "sentence_kind": "imprisonment", "prison_years": "7"},
                                    HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "The verdict is recorded")
        self.assertContains(response, "mobile trial")
        self.assertEqual(Defendant.objects.get(pk=self.defendant.pk).prison_years, 7)

    def test_opening_a_proceeding_through_the_form(self):
        self.assertEqual(self.get(self.investigator, NEW).status_code, 200)
        for user in (self.prosecutor, self.judge, self.police_observer, self.p.partner, self.p.outsider):
            self.assertEqual(self.get(user, NEW).status_code, 403)
        self.sign_in(self.investigator)
        data = {"agency": self.p.partner_agency.pk, "reported_on": days_ago(1).isoformat(), "unit": "2025:29926",
                "summary": "Tin báo chuyển từ tổng đài (thử)"}
        response = self.client.post(NEW, {**data, "reported_on": "2030-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "cannot be in the future", status_code=400)
        response = self.client.post(NEW, data)
        proceeding = Proceeding.objects.latest("pk")
        self.assertRedirects(response, proceeding.get_absolute_url())

    def test_victims_are_linked_by_whoever_records_on_the_proceeding_or_changes_the_case(self):
        case = open_case(self.p)
        victims = reverse("intel:victim_link", args=[self.proceeding.code])
        # The investigator cannot see the commune's case: the code is not open to them.
        self.sign_in(self.investigator)
        response = self.client.post(victims, {"case_code": case.code}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        self.assertContains(response, "No case with this code is open to you")
        # The province's supervisor sees both and may change the case.
        self.sign_in(self.p.supervisor)
        self.client.post(victims, {"case_code": case.code})
        link = ProceedingVictim.objects.get()
        self.assertEqual(link.case, case)
        response = self.get(self.investigator, self.url)
        self.assertContains(response, "a case you may not see")
        self.assertNotContains(response, case.code)

    def test_the_case_page_lists_the_proceedings_of_its_victim_that_the_user_may_see(self):
        case = open_case(self.p)
        victim_link(proceeding=self.proceeding, acting_user=self.p.supervisor, case=case)
        advance(self, self.proceeding, Stage.INITIATED)
        response = self.get(self.p.supervisor, case.get_absolute_url())
        self.assertContains(response, "Criminal proceedings")
        self.assertContains(response, self.proceeding.get_absolute_url())
        self.assertContains(response, "Criminal case initiated")
        # The commune's observer may see proceedings in general, but not this one (it is the police's).
        response = self.get(self.p.readonly, case.get_absolute_url())
        self.assertContains(response, "not linked as a victim to any proceeding you may see")
        self.assertNotContains(response, self.proceeding.code)
        # The caseworker may see no proceedings at all: no panel.
        response = self.get(self.p.owner, case.get_absolute_url())
        self.assertNotContains(response, 'id="proceedings"')

    def test_the_menu_shows_proceedings_to_those_who_may_see_them(self):
        self.assertContains(self.get(self.investigator, reverse("home")), LIST)
        self.assertNotContains(self.get(self.p.owner, reverse("home")), LIST)
