import datetime

from django.urls import reverse
from django.utils import timezone

from trove.agencies.models import Role
from trove.cases.actions import ChildData, DocumentData, IntakeData, receive_person
from trove.cases.models import CaseEvent, PlaceKind
from trove.core import actions as core_actions
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData


class CaseDetailTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        intake = IntakeData(
            channel="handover_official", received_at=timezone.now() - datetime.timedelta(hours=5),
            place_kind=PlaceKind.BORDER_GATE, place_unit=AdminUnit.objects.by_key("2025:29926"),
            place_name="Cửa khẩu quốc tế Dinh Bà", country_returned_from=Country.objects.get(code="KH"),
            documents=[DocumentData(title="Biên bản bàn giao", number="12/BB")],
            immediate_needs="Cần khám sức khỏe",
            children=[ChildData(person=PersonData(full_name="Trần Minh An", birth_year=2022,
                                                  birth_precision="year"), relation="con trai")],
        )
        cls.case = receive_person(acting_user=cls.p.owner, agency=cls.p.owner_agency, intake=intake,
                                  person=PersonData(full_name="Nguyễn Thị Hoa", sex="female",
                                                    citizen_id="087304001234"))
        cls.url = cls.case.get_absolute_url()

    def get(self, user, url=None):
        self.sign_in(user)
        return self.client.get(url or self.url, HTTP_ACCEPT_LANGUAGE="en")

    def identity_views(self, user):
        return AuditEntry.objects.filter(action="identity.view", actor=user, object_id=str(self.case.pk)).count()

    def test_the_owner_sees_identity_intake_and_timeline_and_each_view_is_audited(self):
        response = self.get(self.p.owner)
        self.assertEqual(response.status_code, 200)
        for text in ("Nguyễn Thị Hoa", "087304001234", "Cửa khẩu quốc tế Dinh Bà", "Lê Thị Chủ", "Cambodia",
                     "Biên bản bàn giao", "Trần Minh An", "con trai", "Cần khám sức khỏe",
                     "Received through Official handover"):
            self.assertContains(response, text)
        self.assertEqual(self.identity_views(self.p.owner), 1)
        self.get(self.p.owner)
        self.assertEqual(self.identity_views(self.p.owner), 2)

    def test_a_read_only_member_sees_code_and_pseudonym_only_and_nothing_is_audited(self):
        response = self.get(self.p.readonly)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.case.pseudonym)
        self.assertContains(response, "stays hidden")
        for text in ("Nguyễn Thị Hoa", "087304001234", "Trần Minh An", "Cần khám sức khỏe"):
            self.assertNotContains(response, text)
        self.assertContains(response, "Received through Official handover")
        self.assertEqual(self.identity_views(self.p.readonly), 0)

    def test_outsiders_and_unknown_codes_get_404(self):
        for persona in (self.p.outsider, self.p.statistician, self.p.auditor, self.p.partner):
            self.assertEqual(self.get(persona).status_code, 404, persona.username)
        self.assertEqual(self.get(self.p.owner, reverse("cases:detail", args=["DT-2026-99999"])).status_code, 404)
        self.assertEqual(self.identity_views(self.p.outsider), 0)

    def test_a_partner_sees_the_case_while_taking_part(self):
        participation = core_actions.participation_start(acting_user=self.p.owner, obj=self.case,
                                                         agency=self.p.partner_agency, reason="verification_request")
        response = self.get(self.p.partner)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nguyễn Thị Hoa")
        core_actions.participation_end(acting_user=self.p.owner, participation=participation)
        self.assertEqual(self.get(self.p.partner).status_code, 404)

    def test_a_supervisor_sees_by_scope_and_one_outside_it_only_after_breaking_the_glass(self):
        self.assertEqual(self.get(self.p.supervisor).status_code, 200)
        far = _member(_user("p_far_sup", "Tạ Văn Khẩn"), self.p.other_agency, Role.SUPERVISOR, self.p.other_province)
        self.assertEqual(self.get(far).status_code, 404)
        core_actions.break_glass(acting_user=far, obj=self.case,
                                 reason="Người được giải cứu đang chờ ở cửa khẩu, cần đối chiếu hồ sơ ngay.")
        self.assertEqual(self.get(far).status_code, 200)

    def test_unknown_event_kinds_are_shown_by_their_code(self):
        CaseEvent.objects.create(case=self.case, kind="verification.requested")
        self.assertContains(self.get(self.p.owner), "verification.requested")
