"""The privacy pages with the personas: an outsider gets 404, a read-only member 403, the allowed officer 200."""

import datetime

from django.urls import reverse

from trove.core.models import AuditEntry
from trove.people.models import Person
from trove.privacy.actions import access_request_receive
from trove.privacy.models import RequestStatus, SubjectRequest
from trove.privacy.tests.helpers import NAME, PrivacyTestCase

BASIS = "Điều 16 Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15"
REASON = "Người được hỗ trợ yêu cầu xóa dữ liệu bằng văn bản"


class PageTests(PrivacyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()
        cls.request_row = access_request_receive(acting_user=cls.p.owner, case=cls.case,
                                                 received_on=datetime.date(2026, 3, 6))

    def status(self, user, method, url, data=None):
        self.client.logout()
        self.sign_in(user)
        response = getattr(self.client, method)(url, data or {})
        return response.status_code

    def test_each_page_answers_each_persona(self):
        code, pk = self.case.code, self.request_row.pk
        pages = [
            ("get", reverse("privacy:access_new", args=[code]), {"owner": 200, "supervisor": 200}),
            ("get", reverse("privacy:report", args=[pk]), {"owner": 200, "supervisor": 200, "admin": 403}),
            ("get", reverse("privacy:report_download", args=[pk]), {"owner": 200, "admin": 403}),
            ("get", reverse("privacy:erase", args=[code]), {"admin": 200, "owner": 403, "supervisor": 403}),
        ]
        for method, url, allowed in pages:
            for name, user, expected in (("outsider", self.p.outsider, 404), ("readonly", self.p.readonly, 403),
                                         ("province admin", self.p.administrator, 404),
                                         *((who, getattr(self, who, None) or getattr(self.p, who), status)
                                           for who, status in allowed.items())):
                with self.subTest(url=url, persona=name):
                    self.assertEqual(self.status(user, method, url), expected)

    def test_posts_are_refused_to_those_who_may_not(self):
        code, pk = self.case.code, self.request_row.pk
        posts = [
            (reverse("privacy:access_new", args=[code]), {"received_on": "2026-03-06"}),
            (reverse("privacy:answer", args=[pk]), {}),
            (reverse("privacy:erase", args=[code]), {"legal_basis": BASIS, "reason": REASON, "confirm": "on"}),
        ]
        for url, data in posts:
            for user, expected in ((self.p.outsider, 404), (self.p.readonly, 403)):
                with self.subTest(url=url, persona=user.username):
                    self.assertEqual(self.status(user, "post", url, data), expected)
        self.assertEqual(SubjectRequest.objects.count(), 1)
        self.assertIsNone(Person.objects.get(pk=self.case.person_id).erased_at)

    def test_the_list_needs_the_permission_and_shows_only_reachable_requests(self):
        self.assertEqual(self.status(self.p.readonly, "get", reverse("privacy:list")), 403)
        self.sign_in(self.p.outsider)
        self.assertNotContains(self.client.get(reverse("privacy:list")), self.case.code)
        self.client.logout()
        self.sign_in(self.p.owner)
        response = self.client.get(reverse("privacy:list"))
        self.assertContains(response, self.case.code)
        self.assertNotContains(response, NAME)

    def test_the_officer_records_a_request_and_reads_the_report(self):
        self.sign_in(self.p.owner)
        response = self.client.post(reverse("privacy:access_new", args=[self.case.code]),
                                    {"received_on": "2026-03-06"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "10/03/2026")
        self.assertContains(response, NAME)
        self.assertContains(response, "356/2025")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        download = self.client.get(reverse("privacy:report_download", args=[self.request_row.pk]))
        self.assertEqual(download["Content-Type"].split(";")[0],
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        self.assertEqual(AuditEntry.objects.filter(action="privacy.access_report").count(), 2)
        self.client.post(reverse("privacy:answer", args=[self.request_row.pk]))
        self.assertEqual(SubjectRequest.objects.get(pk=self.request_row.pk).status, RequestStatus.ANSWERED)

    def test_bad_dates_get_a_message_and_nothing_is_saved(self):
        self.sign_in(self.p.owner)
        response = self.client.post(reverse("privacy:access_new", args=[self.case.code]),
                                    {"received_on": "2024-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "No time limit for answering this request", status_code=400)
        self.assertEqual(SubjectRequest.objects.count(), 1)

    def test_the_administrator_erases_without_seeing_the_identity(self):
        self.sign_in(self.admin)
        url = reverse("privacy:erase", args=[self.case.code])
        page = self.client.get(url)
        self.assertNotContains(page, NAME)
        refused = self.client.post(url, {"legal_basis": BASIS, "reason": "ngắn", "confirm": "on"},
                                   HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(refused, "at least 10 characters", status_code=400)
        self.assertIsNone(Person.objects.get(pk=self.case.person_id).erased_at)
        self.client.post(url, {"legal_basis": BASIS, "reason": REASON, "confirm": "on"})
        self.assertIsNotNone(Person.objects.get(pk=self.case.person_id).erased_at)


class PartnerTests(PrivacyTestCase):
    def test_an_agency_that_sees_only_some_sections_does_not_record_requests(self):
        from django.utils import timezone

        from trove.agencies.models import Agency, AgencyType, Role
        from trove.core.actions import participation_start
        from trove.core.models.access import ParticipationReason
        from trove.core.testing import SINCE, _member, _user

        case = self.identified()
        union = Agency.objects.create(name="Hội Phụ nữ tỉnh (thử)", agency_type=AgencyType.WOMENS_UNION,
                                      unit=self.p.province, valid_from=SINCE)
        referee = _member(_user("r_referee", "Cao Thị Nhận"), union, Role.CASEWORKER, self.p.province)
        participation_start(acting_user=self.p.owner, obj=case, agency=union,
                            reason=ParticipationReason.REFERRAL, sections=["needs"])
        self.sign_in(referee)
        url = reverse("privacy:access_new", args=[case.code])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, {"received_on": timezone.localdate().isoformat()}).status_code, 403)
        self.assertFalse(SubjectRequest.objects.filter(case=case).exists())
