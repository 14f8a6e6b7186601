"""Each indicator of trove/plans/indicators.py computed on a known set of records: numerator, denominator, value."""

import datetime
from decimal import Decimal

from django.utils import timezone

from trove.core import indicators
from trove.core.indicators import Kind, Scope
from trove.geo.models import AdminUnit
from trove.plans import actions
from trove.plans.actions import ActivityData, IndicatorData
from trove.plans.models import ActivityKind
from trove.plans.selectors import indicator_rows
from trove.plans.tests.helpers import PlanTestCase, issued_plan, plan_data, today, training
from trove.verification.actions import complete_step
from trove.verification.tests.helpers import open_case


def complete(case, steps: int, user) -> None:
    for step in case.verification_steps.order_by("order")[:steps]:
        complete_step(step=step, acting_user=user)


class CaseIndicatorTests(PlanTestCase):
    """Five cases received in the last month in Xã Tân Hồng, and one received earlier:

    | case | received | steps done | started | on time |
    |---|---|---|---|---|
    | A | now | the three with a time limit, at once | yes | yes |
    | B | now | the first | yes | no (two still open) |
    | C | 10 days ago | none | no | no (overdue) |
    | D | 10 days ago, through a mission abroad | none | no | — (its one step has no time limit) |
    | E | 10 days ago | the three with a time limit, today: late | yes | no |
    | F | 40 days ago | the first | outside the period | outside the period |
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        owner = cls.p.owner
        cls.a = open_case(cls.p, received_at=now - datetime.timedelta(minutes=1))
        complete(cls.a, 3, owner)
        cls.b = open_case(cls.p, received_at=now - datetime.timedelta(minutes=1))
        complete(cls.b, 1, owner)
        cls.c = open_case(cls.p, received_at=now - datetime.timedelta(days=10))
        cls.d = open_case(cls.p, received_at=now - datetime.timedelta(days=10), channel="returned_mission")
        cls.e = open_case(cls.p, received_at=now - datetime.timedelta(days=10))
        complete(cls.e, 3, owner)
        cls.f = open_case(cls.p, received_at=now - datetime.timedelta(days=40))
        complete(cls.f, 1, owner)
        cls.scope = Scope(start=today() - datetime.timedelta(days=30), end=today(), unit=cls.p.commune)

    def test_received_cases_whose_verification_has_started(self):
        definition = indicators.get("verification.started")
        self.assertEqual((definition.kind, definition.model), (Kind.SHARE, "cases.Case"))
        value = definition.compute(self.scope)
        self.assertEqual((value.numerator, value.denominator, value.percent), (3, 5, Decimal("60.0")))
        self.assertEqual(set(definition.records(self.scope, meeting=True)), {self.a, self.b, self.e})
        self.assertEqual(set(definition.records(self.scope, meeting=False)), {self.c, self.d})

    def test_received_cases_verified_within_the_time_limits(self):
        definition = indicators.get("verification.on_time")
        value = definition.compute(self.scope)
        self.assertEqual((value.numerator, value.denominator, value.percent), (1, 4, Decimal("25.0")))
        self.assertEqual(list(definition.records(self.scope, meeting=True)), [self.a])
        self.assertNotIn(self.d, definition.records(self.scope))

    def test_the_scope_limits_period_and_place(self):
        definition = indicators.get("verification.started")
        whole = Scope(start=today() - datetime.timedelta(days=60), end=today(), unit=self.p.province)
        self.assertEqual((definition.compute(whole).numerator, definition.compute(whole).denominator), (4, 6))
        elsewhere = Scope(start=self.scope.start, end=self.scope.end, unit=self.p.other_province)
        self.assertEqual(definition.compute(elsewhere).denominator, 0)
        self.assertIsNone(definition.compute(elsewhere).percent)
        # The legacy town the commune came from covers the same cases (either unit set).
        legacy = Scope(start=self.scope.start, end=self.scope.end, unit=AdminUnit.objects.by_key("legacy:29926"))
        self.assertEqual(definition.compute(legacy).denominator, 5)


    def test_a_plan_measures_over_its_unit_and_a_national_plan_everywhere(self):
        national = actions.plan_create(acting_user=self.coordinator, data=plan_data(
            self.p, level="national", unit=self.p.province, title="Kế hoạch quốc gia thử"))
        commune = actions.plan_create(acting_user=self.coordinator, data=plan_data(self.p))
        for plan in (national, commune):
            actions.indicator_add(acting_user=self.coordinator, plan=plan, data=IndicatorData(
                wording="Tỷ lệ", target=Decimal(100), definition_code="verification.started"))
        start, end = self.scope.start, self.scope.end
        [row] = indicator_rows(national, start, end)
        self.assertIsNone(row.scope.unit)
        self.assertEqual((row.value.numerator, row.value.denominator, row.figure, row.met), (3, 5, Decimal("60.0"),
                                                                                           False))
        [row] = indicator_rows(commune, start, end)
        self.assertEqual(row.scope.unit, self.p.commune)


class ActivityIndicatorTests(PlanTestCase):
    """Activities under an issued plan of Xã Tân Hồng; the scope is the last 30 days in the commune:

    two trainings (7 people 5 days ago; 5 people 40 days ago, outside the period); three awareness events (100 and 250
    people in the commune, 999 in Xã Tân Hộ Cơ, outside the place); one inspection; one review meeting.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p, coordinator = cls.p, cls.coordinator
        plan = issued_plan(p, coordinator)
        item = plan.content_items.get()
        solution = plan.solutions.first()
        days = lambda n: today() - datetime.timedelta(days=n)  # noqa: E731
        records = [
            training(plan, p.owner_agency, days(5), [(p.owner_agency, 3), (p.partner_agency, 4)]),
            training(plan, p.owner_agency, days(40), [(p.owner_agency, 5)]),
            ActivityData(kind=ActivityKind.AWARENESS, agency=p.owner_agency, title="Họp dân", held_on=days(3),
                         solution=solution, channel="meeting", reach=100),
            ActivityData(kind=ActivityKind.AWARENESS, agency=p.partner_agency, title="Bài viết", held_on=days(2),
                         solution=solution, channel="online", reach=250),
            ActivityData(kind=ActivityKind.AWARENESS, agency=p.owner_agency, title="Họp dân xã bên",
                         held_on=days(2), solution=solution, channel="meeting", reach=999,
                         unit=AdminUnit.objects.by_key("2025:29929")),
            ActivityData(kind=ActivityKind.INSPECTION, agency=p.province_agency, title="Kiểm tra",
                         held_on=days(1), solution=solution, visited_agency=p.owner_agency, findings="Đầy đủ."),
            ActivityData(kind=ActivityKind.REVIEW, agency=p.owner_agency, title="Sơ kết", held_on=days(1),
                         content_item=item, review_kind="interim"),
        ]
        cls.activities = [actions.activity_record(acting_user=coordinator, plan=plan, data=data) for data in records]
        cls.scope = Scope(start=days(30), end=today(), unit=p.commune)

    def value(self, code, scope=None):
        value = indicators.get(code).compute(scope or self.scope)
        return value.numerator, value.denominator

    def test_staff_trained_is_the_sum_of_the_participants(self):
        self.assertEqual(indicators.get("plans.staff_trained").kind, Kind.SUM)
        self.assertEqual(self.value("plans.staff_trained"), (7, None))
        self.assertEqual(self.value("plans.trainings"), (1, None))
        longer = Scope(start=today() - datetime.timedelta(days=60), end=today(), unit=self.p.commune)
        self.assertEqual(self.value("plans.staff_trained", longer), (12, None))

    def test_awareness_events_and_people_reached(self):
        self.assertEqual(self.value("plans.awareness_events"), (2, None))
        self.assertEqual(self.value("plans.people_reached"), (350, None))
        province = Scope(start=self.scope.start, end=self.scope.end, unit=self.p.province)
        self.assertEqual(self.value("plans.awareness_events", province), (3, None))
        self.assertEqual(self.value("plans.people_reached", province), (1349, None))

    def test_inspections_and_review_meetings(self):
        self.assertEqual(self.value("plans.inspections"), (1, None))
        self.assertEqual(self.value("plans.review_meetings"), (1, None))
        nothing = Scope(start=today() + datetime.timedelta(days=1), end=today() + datetime.timedelta(days=9),
                        unit=self.p.commune)
        self.assertEqual(self.value("plans.inspections", nothing), (0, None))
        self.assertEqual(self.value("plans.people_reached", nothing), (0, None))

    def test_the_records_behind_a_count_are_the_activities(self):
        records = indicators.get("plans.awareness_events").records(self.scope)
        self.assertEqual(set(records), set(self.activities[2:4]))

