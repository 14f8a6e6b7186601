import datetime

from django.utils import timezone

from trove.core.indicators import Scope, get
from trove.geo.models import AdminUnit
from trove.referrals.actions import VisitAnswers, followup_plan_create, followup_visit_record, referral_decline
from trove.referrals.tests.helpers import ReferralTestCase, open_case

CALM = VisitAnswers(contact="in_person")


class IndicatorTests(ReferralTestCase):
    def setUp(self):
        today = timezone.localdate()
        self.year = Scope(start=today - datetime.timedelta(days=365), end=today)

    def test_referrals_made_counts_the_referrals_of_the_period_and_place(self):
        case = open_case(self.p)
        self.send(case)
        declined = self.send(case, to_agency=self.care_agency)
        referral_decline(acting_user=self.protector, referral=declined, reason_text="Không đúng đối tượng phục vụ")
        indicator = get("referrals.referrals_made")
        self.assertEqual(indicator.compute(self.year).numerator, 2)
        elsewhere = Scope(start=self.year.start, end=self.year.end, unit=self.p.other_province)
        self.assertEqual(indicator.compute(elsewhere).numerator, 0)
        here = Scope(start=self.year.start, end=self.year.end, unit=AdminUnit.objects.by_key("2025:82"))
        self.assertEqual(indicator.compute(here).numerator, 2)

    def test_follow_up_visits_done_on_time(self):
        case = open_case(self.p, received_at=timezone.now() - datetime.timedelta(days=120))
        returned = timezone.localdate() - datetime.timedelta(days=110)
        plan = followup_plan_create(acting_user=self.p.owner, case=case, returned_on=returned)
        first, second = plan.visits.order_by("number")[:2]
        followup_visit_record(acting_user=self.p.owner, visit=first, visited_on=first.due_on, answers=CALM)
        # Visit 2 is overdue; visits 3 and 4 are not due yet and are left out.
        value = get("referrals.followup_visits_on_time").compute(self.year)
        self.assertEqual((value.numerator, value.denominator), (1, 2))
        followup_visit_record(acting_user=self.p.owner, visit=second,
                              visited_on=timezone.localdate(), answers=CALM)  # late
        value = get("referrals.followup_visits_on_time").compute(self.year)
        self.assertEqual((value.numerator, value.denominator, value.percent), (1, 2, 50))

    def test_children_referred_to_child_protection(self):
        received = timezone.now() - datetime.timedelta(days=20)
        referred = open_case(self.p, received_at=received, birth_date=datetime.date(2013, 1, 1))
        not_referred = open_case(self.p, received_at=received, birth_date=datetime.date(2014, 1, 1))
        declined_child = open_case(self.p, received_at=received, birth_date=datetime.date(2015, 1, 1))
        open_case(self.p, received_at=received)  # an adult
        self.send(referred, to_agency=self.care_agency, service_kind="child_protection")
        self.send(not_referred, service_kind="vocational")
        refused = self.send(declined_child, to_agency=self.care_agency, service_kind="child_protection")
        referral_decline(acting_user=self.protector, referral=refused, reason_text="Không đúng địa bàn phụ trách")
        indicator = get("referrals.children_referred_to_child_protection")
        value = indicator.compute(self.year)
        self.assertEqual((value.numerator, value.denominator), (1, 3))
        self.assertEqual(list(indicator.records(self.year, meeting=True)), [referred])
