import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trove.referrals.actions import referral_accept
from trove.referrals.models import Referral, ReferralService, ReferralStatus
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case, today

INBOX = reverse("referrals:inbox")


class InboxTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p)
        cls.referral = cls.send(cls, cls.case)

    def get(self, user, **params):
        self.sign_in(user)
        return self.client.get(INBOX, params, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_receiver_sees_what_waits_and_the_sender_what_it_sent(self):
        response = self.get(self.women)
        self.assertEqual(response.context["box"], "received")
        self.assertEqual(response.context["referrals"], [self.referral])
        self.assertContains(response, self.case.code)
        self.assertNotContains(response, NAME)
        response = self.get(self.p.owner, box="sent")
        self.assertEqual(response.context["referrals"], [self.referral])
        self.assertEqual(self.get(self.p.owner, box="sent", state="ended").context["referrals"], [])
        # The owner's caseworker may receive referrals too, but none was sent to the commune.
        self.assertEqual(self.get(self.p.owner).context["referrals"], [])

    def test_personas(self):
        for user in (self.p.readonly, self.p.statistician, self.p.auditor, self.p.partner, self.women_reader):
            self.assertEqual(self.get(user).status_code, 403, user.username)
        self.assertEqual(self.get(self.p.outsider).context["referrals"], [])
        self.assertEqual(self.get(self.p.outsider, box="sent").context["referrals"], [])
        self.assertEqual(self.get(self.p.supervisor, box="sent").context["referrals"], [])  # its agency sent none
        self.assertEqual(self.get(self.p.supervisor, box="sent", scope="scope").context["referrals"],
                         [self.referral])
        self.assertEqual(self.get(self.protector).context["referrals"], [])

    def test_the_menu_links_the_inbox_and_the_follow_up_list(self):
        response = self.get(self.women)
        self.assertContains(response, f'href="{INBOX}"')
        self.assertContains(response, f'href="{reverse("referrals:followup")}"')
        self.sign_in(self.p.readonly)
        response = self.client.get(reverse("cases:list"))
        self.assertNotContains(response, f'href="{INBOX}"')

    def test_the_inbox_pages_are_the_received_referrals_in_order_and_only_those_the_receiver_sees(self):
        from django.utils import timezone

        from trove.core.models.access import Participation
        from trove.referrals import selectors

        referrals = [self.send(open_case(self.p)) for _ in range(5)]
        accepted = referrals[0]
        referral_accept(acting_user=self.women, referral=accepted)
        # A referral still open whose case the receiver no longer sees (its participation ended): never listed.
        hidden = referrals[3]
        Participation.objects.filter(pk=hidden.participation_id).update(
            ended_at=timezone.now() - datetime.timedelta(minutes=1))
        expected = list(selectors.received_referrals(self.women))
        self.assertEqual(len(expected), 5)
        self.assertNotIn(hidden, expected)
        self.assertEqual(expected[-1], Referral.objects.get(pk=accepted.pk))  # answered ones after those waiting
        pages = [selectors.received_referral_page(self.women, number, size=2) for number in (1, 2, 3, 4)]
        self.assertEqual([row for rows, _more in pages for row in rows], expected)
        self.assertEqual([more for _rows, more in pages], [True, True, False, False])
        self.assertEqual([len(rows) for rows, _more in pages], [2, 2, 1, 0])
        self.assertEqual(selectors.received_referral_page(self.p.outsider, 1), ([], False))
        # Those still waiting for an answer, oldest first (the caseworkers' board), are the same rows.
        waiting = list(selectors.received_referrals(self.women).filter(status=ReferralStatus.SENT)
                       .order_by("referred_on", "pk"))
        self.assertEqual(len(waiting), 4)
        self.assertEqual(selectors.waiting_referrals(self.women, 10), waiting)
        self.assertEqual(selectors.waiting_referrals(self.women, 2), waiting[:2])
        self.assertEqual(selectors.waiting_referrals(self.p.outsider, 10), [])
        # The API's received box pages the same way.
        from trove.api.tests.helpers import make_token

        token = make_token(self.women)
        found = []
        for number in (1, 2, 3):
            page = self.client.get("/api/v1/referrals", {"box": "received", "page": number, "page_size": 2},
                                   HTTP_AUTHORIZATION=f"Bearer {token}").json()
            found += [row["id"] for row in page["results"]]
            self.assertEqual(page["next"] is not None, number < 3, number)
        self.assertEqual(found, [referral.pk for referral in expected])
        # The page as the receiver sees it, with the links to the pages around it.
        with mock.patch.object(selectors, "ROWS", 2):
            response = self.get(self.women, page=2)
        self.assertEqual(response.context["referrals"], expected[2:4])
        self.assertEqual((response.context["previous_page"], response.context["next_page"]), (1, 3))

    def test_a_page_number_past_any_list_shows_an_empty_page(self):
        huge = "9" * 30  # past a 64-bit offset, which the database refuses
        for box, user in (("received", self.women), ("sent", self.p.owner)):
            response = self.get(user, box=box, page=huge)
            self.assertEqual(response.status_code, 200, box)
            self.assertEqual(response.context["referrals"], [])

    def test_the_number_of_queries_does_not_grow_with_the_rows(self):
        def count():
            self.sign_in(self.women)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(INBOX).status_code, 200)
            return len(queries)

        before = count()
        for _ in range(3):
            self.send(open_case(self.p))
        self.assertEqual(count(), before)


class NewReferralPageTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p)
        cls.url = reverse("referrals:new", args=[cls.case.code])

    def data(self, **overrides):
        values = {"service_kind": "vocational", "to_agency": self.women_agency.pk, "referred_on": today().isoformat(),
                  "sections": ["needs", "followup"], "needs": "Học nghề may", "consent_basis": self.signed.pk,
                  "consent_by": "Chính người được hỗ trợ", "consent_on": today().isoformat()}
        values.update(overrides)
        return values

    def test_the_owner_refers_through_the_form(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "91/2025/QH15")
        self.assertContains(response, self.women_agency.name)
        self.assertNotContains(response, "Legal exception: the provision")  # a caseworker may not except
        response = self.client.post(self.url, self.data())
        referral = Referral.objects.get()
        self.assertRedirects(response, reverse("referrals:detail", args=[referral.pk]))
        self.assertEqual(referral.sections, ["followup", "needs"])

    def test_a_refusal_is_shown_on_the_form_and_nothing_is_saved(self):
        self.sign_in(self.p.owner)
        response = self.client.post(self.url, self.data(consent_basis=""), HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Without consent the referral is refused", status_code=400)
        response = self.client.post(self.url, self.data(referred_on=(today() + datetime.timedelta(days=3)).isoformat()),
                                    HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "cannot be in the future", status_code=400)
        self.assertFalse(Referral.objects.exists())

    def test_personas(self):
        for user, status in ((self.p.readonly, 403), (self.women, 404), (self.p.outsider, 404),
                             (self.p.statistician, 404), (self.p.partner, 404)):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, status, user.username)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, status, user.username)
        self.sign_in(self.p.supervisor)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Legal exception: the provision")
        self.assertFalse(Referral.objects.exists())


class DetailPageTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p)
        cls.referral = cls.send(cls, cls.case, consent_by="Bà Đinh Thị Mẹ, mẹ đẻ")
        cls.url = reverse("referrals:detail", args=[cls.referral.pk])

    def route(self, name):
        return reverse(f"referrals:{name}", args=[self.referral.pk])

    def posts(self):
        return [(self.route("accept"), {}), (self.route("decline"), {"reason": "Hết chỗ trong lớp học nghề"}),
                (self.route("service"), {"given_on": today().isoformat(), "description": "Tư vấn nghề"}),
                (self.route("close"), {"feedback": "Đã hoàn thành khóa học nghề"}),
                (self.route("revoke"), {"reason": "Người được hỗ trợ đổi ý"})]

    def test_the_receiver_answers_serves_and_closes_through_the_page(self):
        self.sign_in(self.women)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Học nghề may")  # the needs, which the receiver must know
        self.assertNotContains(response, "Bà Đinh Thị Mẹ")  # who consented is identity: not shared here
        self.assertContains(response, "Accept the referral")
        self.assertNotContains(response, "Revoke the referral")
        self.client.post(self.route("accept"))
        response = self.client.post(*self.posts()[3], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Record the services given before closing")
        self.client.post(*self.posts()[2])
        self.assertEqual(ReferralService.objects.count(), 1)
        response = self.client.post(*self.posts()[3], follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertRedirects(response, INBOX)  # the case is no longer the receiver's to see
        self.assertContains(response, "The referral is closed with your feedback.")
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_the_sender_sees_the_consent_and_may_revoke(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Bà Đinh Thị Mẹ")
        self.assertContains(response, "Revoke the referral")
        self.assertNotContains(response, "Accept the referral")
        self.assertEqual(self.client.post(self.route("accept")).status_code, 403)  # the sender is no receiver
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.SENT)
        self.client.post(*self.posts()[4])
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.REVOKED)

    def test_personas(self):
        self.sign_in(self.women_reader)  # sees the case through the referral, may not answer
        self.assertEqual(self.client.get(self.url).status_code, 200)
        for url, data in self.posts()[:4]:
            self.assertEqual(self.client.post(url, data).status_code, 403, url)
        self.sign_in(self.p.readonly)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "Học nghề may")
        self.assertEqual(self.client.post(*self.posts()[4]).status_code, 403)
        for user in (self.p.outsider, self.p.statistician, self.p.partner, self.protector):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user.username)
            for url, data in self.posts():
                self.assertEqual(self.client.post(url, data).status_code, 404, url)
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.SENT)

    def test_a_receiver_without_the_referrals_section_still_reaches_its_referral(self):
        referral_accept(acting_user=self.women, referral=self.referral)
        self.sign_in(self.women)
        self.assertNotIn("referrals", self.referral.sections)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Record a service")
