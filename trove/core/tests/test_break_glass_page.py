from django.urls import reverse

from trove.agencies.models import Role
from trove.core.models import AuditEntry, BreakGlassGrant
from trove.core.testapp.models import Dossier
from trove.core.testing import PersonaTestCase, _member, _user


class BreakGlassPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dossier = Dossier.objects.create(title="owned", owner_agency=cls.p.owner_agency, unit=cls.p.commune)
        cls.far_supervisor = _member(_user("p_far_sup", "Tạ Văn Khẩn"), cls.p.other_agency, Role.SUPERVISOR,
                                     cls.p.other_province)
        cls.url = reverse("break_glass", args=["core_testapp.dossier", cls.dossier.pk])

    def test_members_who_may_not_break_the_glass_get_403_without_learning_anything(self):
        for persona in (self.p.outsider, self.p.readonly, self.p.statistician):
            self.sign_in(persona)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            missing = reverse("break_glass", args=["core_testapp.dossier", 999_999])
            self.assertEqual(self.client.get(missing).status_code, 403)

    def test_unknown_records_and_types_are_404_for_a_supervisor(self):
        self.sign_in(self.far_supervisor)
        for label, pk in (("core_testapp.dossier", 999_999), ("core.user", self.p.owner.pk), ("nope.nothing", 1)):
            self.assertEqual(self.client.get(reverse("break_glass", args=[label, pk])).status_code, 404, label)

    def test_a_short_reason_is_refused_and_nothing_is_granted(self):
        self.sign_in(self.far_supervisor)
        response = self.client.post(self.url, {"reason": "cần gấp"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "at least 15 characters", status_code=400)
        self.assertFalse(BreakGlassGrant.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="access.break_glass").exists())

    def test_a_supervisor_with_a_reason_gets_in_and_it_is_recorded(self):
        self.sign_in(self.far_supervisor)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        reason = "Người được giải cứu đang chờ ở cửa khẩu, cần đối chiếu hồ sơ ngay."
        response = self.client.post(self.url, {"reason": reason})
        self.assertEqual(response.status_code, 302)
        grant = BreakGlassGrant.objects.get(user=self.far_supervisor)
        self.assertEqual(grant.reason, reason)
        self.assertEqual(AuditEntry.objects.get(action="access.break_glass").reason, reason)

    def test_someone_who_already_sees_the_record_is_sent_straight_to_it(self):
        self.sign_in(self.p.supervisor)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(BreakGlassGrant.objects.exists())


class BreakGlassByCaseCodeTests(PersonaTestCase):
    """A supervisor told a case code on the telephone can open it in an emergency."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        import datetime

        from django.utils import timezone

        from trove.cases.actions import IntakeData, receive_person
        from trove.geo.models import AdminUnit
        from trove.people.actions import PersonData

        cls.case = receive_person(
            acting_user=cls.p.owner, agency=cls.p.owner_agency, person=PersonData(full_name="Vàng Thị Sua"),
            intake=IntakeData(channel="self_reported", received_at=timezone.now() - datetime.timedelta(hours=1),
                              place_kind="commune", place_unit=AdminUnit.objects.by_key("2025:29926")))
        cls.far_supervisor = _member(_user("p_far_sup2", "Tạ Thị Khẩn"), cls.p.other_agency, Role.SUPERVISOR,
                                     cls.p.other_province)

    def test_a_supervisor_opens_a_case_by_its_code_and_lands_on_it(self):
        self.sign_in(self.far_supervisor)
        self.assertEqual(self.client.get(self.case.get_absolute_url()).status_code, 404)
        url = reverse("break_glass_case", args=[self.case.code.lower()])
        response = self.client.post(url, {"reason": "Người này đang ở đồn biên phòng, cần đối chiếu ngay."})
        self.assertRedirects(response, self.case.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(self.client.get(self.case.get_absolute_url()).status_code, 200)

    def test_others_get_403_and_unknown_codes_404(self):
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(reverse("break_glass_case", args=[self.case.code])).status_code, 403)
        self.sign_in(self.far_supervisor)
        self.assertEqual(self.client.get(reverse("break_glass_case", args=["DT-1999-00001"])).status_code, 404)
