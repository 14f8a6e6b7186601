import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.agencies.models import Role
from trove.cases.lifecycle import case_close, case_reopen
from trove.cases.models import CaseStatus
from trove.core.testing import _member, _user
from trove.notifications.models import Notification
from trove.referrals.actions import (
    VisitAnswers,
    add_months,
    followup_plan_create,
    followup_visit_record,
    union_activity_record,
)
from trove.referrals.models import FollowUpInterval, FollowUpVisit, UnionActivity, VisitStatus
from trove.referrals.selectors import visits_due
from trove.referrals.tests.helpers import NAME, ReferralTestCase, open_case
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, propose_decision, tick_ground

CALM = VisitAnswers(contact="in_person", living_situation="with_family", health="good", schooling="not_applicable",
                    work_income="irregular", family_relations="good", stigma="none")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_months_are_added_to_the_calendar():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 8, 11), 6) == datetime.date(2027, 2, 11)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)


class PlanTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p, received_at=timezone.now() - datetime.timedelta(days=120))

    def test_the_default_schedule_is_1_3_6_and_12_months_after_the_return(self):
        returned = days_ago(110)
        plan = followup_plan_create(acting_user=self.p.owner, case=self.case, returned_on=returned)
        visits = list(plan.visits.order_by("number"))
        self.assertEqual([v.months for v in visits], [1, 3, 6, 12])
        self.assertEqual([v.due_on for v in visits], [add_months(returned, m) for m in (1, 3, 6, 12)])
        self.assertEqual({(v.due_by - v.due_on).days for v in visits}, {7})
        self.assertEqual({v.owner_agency_id for v in visits}, {self.p.owner_agency.pk})
        self.assertEqual(plan.caseworker, self.p.owner)
        with self.assertRaises(ValidationError):
            followup_plan_create(acting_user=self.p.owner, case=self.case, returned_on=returned)

    def test_the_intervals_are_data_an_administrator_changes(self):
        FollowUpInterval.objects.filter(months=12).update(valid_to=datetime.date(2025, 12, 31))
        FollowUpInterval.objects.create(months=2, grace_days=3)
        FollowUpInterval.objects.filter(months=6).update(grace_days=14)
        plan = followup_plan_create(acting_user=self.p.owner, case=self.case, returned_on=days_ago(100))
        self.assertEqual([(v.months, (v.due_by - v.due_on).days) for v in plan.visits.order_by("number")],
                         [(1, 7), (2, 3), (3, 7), (6, 14)])

    def test_a_return_in_the_future_or_before_intake_is_refused(self):
        for day in (days_ago(-1), days_ago(200)):
            with self.assertRaises(ValidationError) as raised:
                followup_plan_create(acting_user=self.p.owner, case=self.case, returned_on=day)
            self.assertIn("returned_on", raised.exception.message_dict)
        with self.assertRaises(PermissionDenied):
            followup_plan_create(acting_user=self.p.readonly, case=self.case, returned_on=days_ago(100))
        self.assertFalse(FollowUpVisit.objects.exists())


class VisitTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p, received_at=timezone.now() - datetime.timedelta(days=120))
        self.plan = followup_plan_create(acting_user=self.p.owner, case=self.case, returned_on=days_ago(110))
        self.first, self.second = self.plan.visits.order_by("number")[:2]

    def test_a_visit_dated_in_the_future_is_refused_and_nothing_is_saved(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            followup_visit_record(acting_user=self.p.owner, visit=self.first, visited_on=days_ago(-1), answers=CALM)
        self.assertIn("cannot be in the future", raised.exception.message_dict["visited_on"][0])
        self.first.refresh_from_db()
        self.assertEqual((self.first.status, self.first.visited_on), (VisitStatus.PLANNED, None))
        self.assertFalse(self.case.events.filter(kind="followup.visit_recorded").exists())

    def test_calm_answers_raise_no_alert(self):
        with self.captureOnCommitCallbacks(execute=True):
            visit = followup_visit_record(acting_user=self.p.owner, visit=self.first, visited_on=days_ago(78),
                                          answers=CALM)
        self.assertEqual((visit.status, visit.risk_alert, visit.on_time), (VisitStatus.DONE, False, True))
        self.assertFalse(Notification.objects.exists())
        with self.assertRaises(ValidationError):
            followup_visit_record(acting_user=self.p.owner, visit=self.first, visited_on=days_ago(77), answers=CALM)

    def test_risky_answers_flag_the_visit_and_alert_the_caseworker(self):
        answers = VisitAnswers(contact="in_person", family_relations="violence", stigma="severe",
                               risk_signs=["debt_pressure", "offer_abroad"],
                               notes=f"{NAME} kể có người hứa đưa sang Trung Quốc làm việc")
        with self.captureOnCommitCallbacks(execute=True):
            visit = followup_visit_record(acting_user=self.women_as_participant(), visit=self.second,
                                          visited_on=days_ago(1), answers=answers)
        self.assertTrue(visit.risk_alert)
        self.assertEqual(visit.alerts, ["family_relations:violence", "stigma:severe", "sign:debt_pressure",
                                        "sign:offer_abroad"])
        self.assertFalse(visit.on_time)  # three months and a week after the return had passed
        note = Notification.objects.get(user=self.p.owner)
        self.assertIn(self.case.code, note.message)
        self.assertNotIn(NAME, note.message)
        self.assertEqual(note.link, f"/referrals/visits/{visit.pk}/")

    def women_as_participant(self):
        self.send(self.case, sections=["followup"])
        return self.women

    def test_bad_answers_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            followup_visit_record(acting_user=self.p.owner, visit=self.first, visited_on=days_ago(1),
                                  answers=VisitAnswers(contact="telepathy", stigma="", risk_signs=["aliens"]))
        self.assertEqual(set(raised.exception.message_dict), {"contact", "stigma", "risk_signs"})

    def test_a_participant_without_the_followup_section_may_not_record(self):
        self.send(self.case, sections=["needs"])
        with self.assertRaises(PermissionDenied):
            followup_visit_record(acting_user=self.women, visit=self.first, visited_on=days_ago(1), answers=CALM)

    def test_overdue_visits_are_on_the_caseworkers_list_and_closing_cancels_them(self):
        due = list(visits_due(self.p.owner, "mine"))
        self.assertEqual([v.number for v in due], [1, 2])
        self.assertTrue(all(v.is_overdue() for v in due))
        self.assertEqual(list(visits_due(self.p.readonly, "agency")), [])  # may not edit
        self.assertEqual(list(visits_due(self.p.outsider, "scope")), [])
        self.assertEqual([v.number for v in visits_due(self.p.supervisor, "scope")], [1, 2])
        # Identify, close as reintegrated: the planned visits are cancelled; reopening restores those not yet late.
        verifier = _member(_user("p_verifier", "Bùi Văn Định"), self.p.owner_agency, Role.VERIFIER, self.p.commune)
        ground = IdentificationGround.objects.filter(regime__code="B").first()
        tick_ground(case=self.case, acting_user=self.p.owner, ground=ground, source="Công văn 3/CAT")
        decision = propose_decision(case=self.case, acting_user=verifier, outcome="victim", reasons="Đủ căn cứ",
                                    decision_date=timezone.localdate())
        approve_decision(decision=decision, acting_user=self.p.supervisor)
        case_close(acting_user=self.p.owner, case=self.case, reason="reintegrated")
        self.assertEqual(set(FollowUpVisit.objects.values_list("status", flat=True)), {VisitStatus.CANCELLED})
        self.assertEqual(list(visits_due(self.p.owner, "mine")), [])
        case_reopen(acting_user=self.p.owner, case=self.case, reason="Người được hỗ trợ quay lại xin hỗ trợ thêm")
        self.assertEqual(self.case.status, CaseStatus.IDENTIFIED_VICTIM)
        self.assertEqual(sorted(FollowUpVisit.objects.filter(status=VisitStatus.PLANNED)
                                .values_list("number", flat=True)), [3, 4])


class ActivityTests(ReferralTestCase):
    def setUp(self):
        self.case = open_case(self.p)

    def test_the_womens_union_records_its_activities(self):
        self.send(self.case, sections=["followup"])
        activity = union_activity_record(acting_user=self.women, case=self.case, kind="loan", held_on=days_ago(1),
                                         amount=20_000_000, description="Vay vốn Ngân hàng Chính sách xã hội")
        self.assertEqual((activity.agency, activity.amount), (self.women_agency, 20_000_000))
        union_activity_record(acting_user=self.women, case=self.case, kind="membership", held_on=days_ago(0))
        self.assertEqual(UnionActivity.objects.filter(case=self.case).count(), 2)

    def test_bad_activities_are_refused(self):
        for kind, amount, day in (("loan", None, days_ago(1)), ("counselling", 5, days_ago(1)),
                                  ("counselling", None, days_ago(-2)), ("party", None, days_ago(1))):
            with self.assertRaises(ValidationError):
                union_activity_record(acting_user=self.p.owner, case=self.case, kind=kind, held_on=day, amount=amount)
        with self.assertRaises(PermissionDenied):
            union_activity_record(acting_user=self.p.readonly, case=self.case, kind="counselling",
                                  held_on=days_ago(1))
        self.assertFalse(UnionActivity.objects.exists())
