import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from trove.agencies.models import Role
from trove.cases.models import Case, CaseStatus
from trove.core.testing import _member, _user
from trove.people.models import Person
from trove.referrals.actions import child_checklist_update, referral_decline
from trove.referrals.children import age_range, age_status, child_cases
from trove.referrals.models import AgeGroup, ChildProtectionChecklist
from trove.referrals.tests.helpers import ReferralTestCase, open_case, vn
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, change_status, propose_decision, tick_ground
from trove.verification.models import IdentificationDecision

RECEIVED = vn(2026, 3, 2)
REASON = "Cha mẹ đang chăm sóc tốt, đã có xác nhận của UBND xã"


def test_the_age_range_follows_the_precision_of_the_birth_date():
    on = datetime.date(2026, 3, 2)
    assert age_range(Person(birth_date=datetime.date(2010, 3, 3), birth_precision="day"), on) == (15, 15)
    assert age_range(Person(birth_date=datetime.date(2010, 3, 2), birth_precision="day"), on) == (16, 16)
    assert age_range(Person(birth_date=datetime.date(2010, 3, 1), birth_precision="month"), on) == (15, 16)
    assert age_range(Person(birth_year=2010, birth_precision="year"), on) == (15, 16)
    assert age_range(Person(), on) == (None, None)


class ChildRuleTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.verifier = _member(_user("p_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        cls.ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()

    def child(self, **person):
        person.setdefault("birth_date", datetime.date(2012, 6, 1))
        case = open_case(self.p, received_at=RECEIVED, **person)
        tick_ground(case=case, acting_user=self.p.owner, ground=self.ground, source="Công văn 12/CAT")
        return case

    def propose(self, case, outcome="victim"):
        return propose_decision(case=case, acting_user=self.verifier, outcome=outcome, reasons="Đủ căn cứ",
                                decision_date=timezone.localdate())

    def test_a_childs_case_cannot_be_decided_without_a_child_protection_referral_or_a_reason(self):
        case = self.child()
        self.assertEqual(age_status(case).group, AgeGroup.CHILD)
        for outcome in ("victim", "not_victim"):
            with translation.override("en"), self.assertRaises(ValidationError) as raised:
                self.propose(case, outcome)
            message = " ".join(raised.exception.message_dict["outcome"])
            self.assertIn("child-protection service", message)
            self.assertIn("Luật Trẻ em số 102/2016/QH13, Điều 1", message)
        self.assertFalse(IdentificationDecision.objects.exists())
        self.propose(case, "still_being_identified")  # staying in identification is always possible

    def test_a_child_protection_referral_lets_the_case_move_on(self):
        case = self.child()
        self.send(case, to_agency=self.care_agency, service_kind="child_protection", sections=["identity", "referrals"])
        approve_decision(decision=self.propose(case), acting_user=self.p.supervisor)
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.IDENTIFIED_VICTIM)

    def test_a_declined_child_protection_referral_does_not_count(self):
        case = self.child()
        referral = self.send(case, to_agency=self.care_agency, service_kind="child_protection", sections=["needs"])
        referral_decline(acting_user=self.protector, referral=referral, reason_text="Không đúng địa bàn phụ trách")
        with self.assertRaises(ValidationError):
            self.propose(case)

    def test_a_recorded_reason_lets_it_move_on_and_support_is_guarded_too(self):
        case = self.child()
        with self.assertRaises(ValidationError):  # too short to be a reason
            child_checklist_update(acting_user=self.p.owner, case=case, guardian="with_parents", schooling="in_school",
                                   no_referral_reason="không cần")
        child_checklist_update(acting_user=self.p.owner, case=case, guardian="with_parents", schooling="in_school",
                               no_referral_reason=REASON)
        approve_decision(decision=self.propose(case), acting_user=self.p.supervisor)
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.IDENTIFIED_VICTIM)
        # The reason withdrawn, support may not start until a referral or a reason is there again.
        child_checklist_update(acting_user=self.p.owner, case=case, guardian="with_parents", schooling="in_school")
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            change_status(case=case, acting_user=self.p.owner, to=CaseStatus.SUPPORTING)
        self.assertIn("child-protection", raised.exception.messages[0])
        self.assertEqual(Case.objects.get(pk=case.pk).status, CaseStatus.IDENTIFIED_VICTIM)

    def test_a_birth_year_alone_is_read_protectively(self):
        case = self.child(birth_date=None, birth_year=2010, birth_precision="year")  # 15 or 16 on 2 March 2026
        status = age_status(case)
        self.assertEqual((status.group, status.exact), (AgeGroup.CHILD, False))
        with self.assertRaises(ValidationError):
            self.propose(case)

    def test_a_minor_of_16_or_17_is_flagged_but_not_held(self):
        case = self.child(birth_date=datetime.date(2009, 1, 1))
        self.assertEqual(age_status(case).group, AgeGroup.MINOR)
        self.propose(case)
        self.sign_in(self.p.owner)
        response = self.client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The person was a minor at intake (under 18: Bộ luật Dân sự số 91/2015/QH13")
        self.assertContains(response, "Save the checklist")

    def test_an_adult_has_no_checklist(self):
        case = open_case(self.p, received_at=RECEIVED)
        self.assertEqual(age_status(case).group, AgeGroup.ADULT)
        with self.assertRaises(ValidationError):
            child_checklist_update(acting_user=self.p.owner, case=case, guardian="with_parents", schooling="in_school")
        self.sign_in(self.p.owner)
        self.assertNotContains(self.client.get(case.get_absolute_url()), 'id="child-protection"')


class ChecklistPageTests(ReferralTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, received_at=RECEIVED, birth_date=datetime.date(2013, 2, 1))
        cls.url = reverse("referrals:checklist", args=[cls.case.code])
        cls.data = {"guardian": "no_guardian", "schooling": "not_in_school", "guardian_note": "Bà ngoại Lê Thị Tư",
                    "no_referral_reason": ""}

    def test_the_case_page_shows_the_checklist_to_the_owner(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The person was a child at intake (under 16: Luật Trẻ em số 102/2016/QH13")
        self.assertContains(response, "None yet")
        response = self.client.post(self.url, self.data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "The child-protection checklist is saved.")
        checklist = ChildProtectionChecklist.objects.get(case=self.case)
        self.assertEqual((checklist.guardian, checklist.guardian_note), ("no_guardian", "Bà ngoại Lê Thị Tư"))
        self.assertTrue(self.case.events.filter(kind="childprotection.updated").exists())

    def test_personas(self):
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.post(self.url, self.data).status_code, 403)
        self.assertNotContains(self.client.get(self.case.get_absolute_url()), "Save the checklist")
        for user in (self.p.outsider, self.p.statistician, self.p.partner):
            self.sign_in(user)
            self.assertEqual(self.client.post(self.url, self.data).status_code, 404)
        self.assertFalse(ChildProtectionChecklist.objects.exists())
        with self.assertRaises(PermissionDenied):
            child_checklist_update(acting_user=self.p.readonly, case=self.case, guardian="with_parents",
                                   schooling="in_school")


class ChildCasesTests(ReferralTestCase):
    def test_the_sql_reading_matches_the_exact_one(self):
        def case(**person):
            return open_case(self.p, received_at=RECEIVED, **person)

        child = case(birth_date=datetime.date(2013, 5, 1))
        boundary_child = case(birth_date=datetime.date(2010, 5, 1))  # 15 on 2 March 2026
        boundary_adult = case(birth_date=datetime.date(2010, 1, 15))  # 16
        year_only = case(birth_date=None, birth_year=2010, birth_precision="year")  # may be 15
        minor = case(birth_date=datetime.date(2009, 1, 1))
        adult = case()
        unknown = case(birth_date=None)
        found = set(child_cases(Case.objects.all(), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
        self.assertEqual(found, {child, boundary_child, year_only})
        for each in (child, boundary_child, boundary_adult, year_only, minor, adult, unknown):
            self.assertEqual(each in found, age_status(each).is_child, each.code)
        self.assertFalse(child_cases(Case.objects.all(), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
