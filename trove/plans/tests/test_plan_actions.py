import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from trove.agencies.models import Agency, AgencyType
from trove.core.models import AuditEntry, Participation
from trove.geo.models import AdminUnit
from trove.plans import actions
from trove.plans.actions import DutyData, IndicatorData, ItemData
from trove.plans.models import ContentItem, Duty, Objective, Plan, PlanIndicator, PlanStatus
from trove.plans.tests.helpers import PlanTestCase, draft_plan, issued_plan, plan_data, today


def gone_agency(p) -> Agency:
    """A district office of the legacy units, ended on 2025-06-30 with the districts."""
    return Agency.objects.create(name="Phòng LĐ-TB&XH huyện Tân Hồng (thử)", agency_type=AgencyType.LABOUR_SOCIAL,
                                 unit=AdminUnit.objects.by_key("legacy:869"), valid_to=datetime.date(2025, 6, 30))


class CreateAndEditTests(PlanTestCase):
    def test_a_coordinator_creates_a_draft_with_its_lists(self):
        plan = actions.plan_create(acting_user=self.coordinator, data=plan_data(self.p))
        self.assertEqual((plan.status, plan.version, plan.owner_agency, plan.level), (PlanStatus.DRAFT, 1,
                                                                                    self.p.owner_agency, "commune"))
        self.assertEqual([o.text for o in plan.objectives.filter(kind="goal")], ["Mục tiêu thứ nhất.",
                                                                                 "Mục tiêu thứ hai."])
        self.assertEqual([s.number for s in plan.solutions.all()], [1, 2])
        self.assertEqual(plan.recipient_lines(), ["Sở Y tế;", "Lưu: VT."])
        self.assertTrue(AuditEntry.objects.filter(action="plan.create", object_id=str(plan.pk)).exists())

    def test_only_a_plan_coordinator_may_create(self):
        for user in (self.p.owner, self.p.supervisor, self.p.readonly):
            with self.assertRaises(PermissionDenied):
                actions.plan_create(acting_user=user, data=plan_data(self.p))
        self.assertFalse(Plan.objects.exists())

    def test_bad_plan_fields_are_refused_with_their_messages_and_nothing_is_saved(self):
        legacy = AdminUnit.objects.by_key("legacy:29926")
        cases = [
            ({"title": " "}, "title", "Write the plan's title"),
            ({"unit": self.p.province}, "unit", "is for a unit of that level"),
            ({"unit": legacy}, "unit", "did not exist on"),
            ({"period_end": today() - datetime.timedelta(days=200)}, "period_end", "cannot end before"),
            ({"issuing_agency": gone_agency(self.p)}, "issuing_agency", "did not exist on"),
            ({"report_due_days": 400}, "report_due_days", "between 0 and 90"),
        ]
        with translation.override("en"):
            for overrides, field, message in cases:
                with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                    actions.plan_create(acting_user=self.coordinator, data=plan_data(self.p, **overrides))
                self.assertIn(message, " ".join(caught.exception.message_dict[field]))
        self.assertFalse(Plan.objects.exists())

    def test_a_draft_is_edited_in_place_keeping_its_rows(self):
        plan = draft_plan(self.p, self.coordinator)
        first = plan.objectives.get(kind="goal", order=1)
        actions.plan_update(acting_user=self.coordinator, plan=plan,
                            data=plan_data(self.p, goals=["Mục tiêu sửa."], number="76/KH-UBND"))
        plan.refresh_from_db()
        self.assertEqual(plan.number, "76/KH-UBND")
        self.assertEqual(list(plan.objectives.filter(kind="goal").values_list("pk", "text")),
                         [(first.pk, "Mục tiêu sửa.")])
        entry = AuditEntry.objects.get(action="plan.update")
        self.assertEqual(entry.changes["number"], ["75/KH-UBND", "76/KH-UBND"])

    def test_a_member_who_does_not_manage_plans_gets_403_and_an_outsider_404(self):
        plan = draft_plan(self.p, self.coordinator)
        with self.assertRaises(PermissionDenied):
            actions.plan_update(acting_user=self.p.owner, plan=plan, data=plan_data(self.p))
        with self.assertRaises(Http404):
            actions.plan_update(acting_user=self.other_coordinator, plan=plan, data=plan_data(self.p))


class PartsTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = actions.plan_create(acting_user=cls.coordinator, data=plan_data(cls.p))

    def test_a_share_target_above_100_percent_is_refused_and_nothing_saved(self):
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.indicator_add(acting_user=self.coordinator, plan=self.plan, data=IndicatorData(
                wording="120% trường hợp", target=Decimal(120), definition_code="verification.started"))
        self.assertIn("percentage between 0 and 100", caught.exception.message_dict["target"][0])
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.indicator_add(acting_user=self.coordinator, plan=self.plan, data=IndicatorData(
                wording="Tỷ lệ âm", target=Decimal(-1), kind="share"))
        self.assertIn("cannot be negative", caught.exception.message_dict["target"][0])
        self.assertFalse(PlanIndicator.objects.exists())

    def test_a_count_target_may_exceed_100_and_an_unknown_code_is_refused(self):
        indicator = actions.indicator_add(acting_user=self.coordinator, plan=self.plan, data=IndicatorData(
            wording="3.000 lượt người", target=Decimal(3000), definition_code="plans.people_reached"))
        self.assertEqual((indicator.kind, indicator.target), ("sum", Decimal(3000)))
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.indicator_add(acting_user=self.coordinator, plan=self.plan, data=IndicatorData(
                wording="x", target=1, definition_code="no.such"))
        self.assertIn("is not an indicator this system computes", caught.exception.message_dict["definition_code"][0])
        with self.assertRaises(ValidationError) as caught:
            actions.indicator_add(acting_user=self.coordinator, plan=self.plan, data=IndicatorData(
                wording="Không đo", target=1))
        self.assertIn("kind", caught.exception.message_dict)

    def test_a_duty_for_an_agency_not_valid_in_the_plans_period_is_refused(self):
        gone = gone_agency(self.p)
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.duty_save(acting_user=self.coordinator, plan=self.plan, data=DutyData(
                heading="", agencies=[self.p.partner_agency, gone], tasks=["Phối hợp."]))
        self.assertIn(f"{gone.name} did not exist during the plan's period",
                      caught.exception.message_dict["agencies"][0])
        with self.assertRaises(ValidationError):
            actions.item_save(acting_user=self.coordinator, plan=self.plan, data=ItemData(
                title="Hỗ trợ", activities=["Hỗ trợ."], lead_agency=gone))
        self.assertFalse(Duty.objects.exists())
        self.assertFalse(ContentItem.objects.exists())

    def test_items_and_duties_are_numbered_edited_and_removed(self):
        item = actions.item_save(acting_user=self.coordinator, plan=self.plan, data=ItemData(
            title="Một", activities=["a"], lead_agency=self.p.owner_agency))
        second = actions.item_save(acting_user=self.coordinator, plan=self.plan, data=ItemData(
            title="Hai", activities=["b", "c"], lead_agency=self.p.owner_agency, partners=[self.p.partner_agency]))
        self.assertEqual((item.number, second.number), (1, 2))
        actions.item_save(acting_user=self.coordinator, plan=self.plan, item=second, data=ItemData(
            title="Hai (sửa)", activities=["b"], lead_agency=self.p.province_agency))
        second.refresh_from_db()
        self.assertEqual((second.title, second.activity_lines(), list(second.partners.all())), ("Hai (sửa)", ["b"], []))
        duty = actions.duty_save(acting_user=self.coordinator, plan=self.plan, data=DutyData(
            heading="", agencies=[self.p.partner_agency], tasks=["Xác minh."]))
        self.assertEqual(duty.heading, self.p.partner_agency.name)
        actions.duty_remove(acting_user=self.coordinator, duty=duty)
        actions.item_remove(acting_user=self.coordinator, item=item)
        self.assertEqual(list(self.plan.content_items.values_list("number", flat=True)), [2])

    def test_a_reference_names_a_plan_in_the_system_or_in_words(self):
        other = issued_plan(self.p, self.coordinator, number="90/KH-UBND")
        linked = actions.reference_add(acting_user=self.coordinator, plan=self.plan, implemented_plan=other)
        written = actions.reference_add(acting_user=self.coordinator, plan=self.plan, number="90/KH-UBND",
                                        date=datetime.date(2019, 4, 12), issuer="Ủy ban nhân dân Tỉnh")
        self.assertEqual([linked.order, written.order], [1, 2])
        with self.assertRaises(ValidationError):
            actions.reference_add(acting_user=self.coordinator, plan=self.plan)
        with self.assertRaises(ValidationError):
            actions.reference_add(acting_user=self.coordinator, plan=other, implemented_plan=other)


class IssueReviseCopyTests(PlanTestCase):
    def test_issuing_lets_the_named_agencies_take_part(self):
        plan = issued_plan(self.p, self.coordinator)
        self.assertEqual(plan.status, PlanStatus.ISSUED)
        agencies = set(Participation.objects.for_object(plan).values_list("agency_id", flat=True))
        self.assertEqual(agencies, {self.p.partner_agency.pk, self.p.province_agency.pk})
        self.assertTrue(AuditEntry.objects.filter(action="plan.issue", object_id=str(plan.pk)).exists())

    def test_a_draft_without_date_signer_or_content_is_not_issued(self):
        plan = actions.plan_create(acting_user=self.coordinator, data=plan_data(self.p, date=None, signer_name=""))
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.plan_issue(acting_user=self.coordinator, plan=plan)
        self.assertEqual(set(caught.exception.message_dict), {"date", "signer_name", "duties"})
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.DRAFT)

    def test_an_issued_plan_is_not_edited_in_place(self):
        plan = issued_plan(self.p, self.coordinator)
        item = plan.content_items.get()
        attempts = [
            lambda: actions.plan_update(acting_user=self.coordinator, plan=plan, data=plan_data(self.p, title="Mới")),
            lambda: actions.indicator_add(acting_user=self.coordinator, plan=plan, data=IndicatorData(
                wording="x", target=1, kind="count")),
            lambda: actions.item_save(acting_user=self.coordinator, plan=plan, item=item, data=ItemData(
                title="Mới", activities=["x"], lead_agency=self.p.owner_agency)),
            lambda: actions.item_remove(acting_user=self.coordinator, item=item),
            lambda: actions.duty_save(acting_user=self.coordinator, plan=plan, data=DutyData(
                heading="", agencies=[self.p.owner_agency], tasks=["x"])),
            lambda: actions.reference_add(acting_user=self.coordinator, plan=plan, number="1/KH"),
        ]
        for attempt in attempts:
            with translation.override("en"), self.assertRaises(ValidationError) as caught:
                attempt()
            self.assertIn("revising it", caught.exception.messages[0])
        plan.refresh_from_db()
        self.assertNotEqual(plan.title, "Mới")
        self.assertEqual((plan.indicators.count(), plan.duties.count(), plan.references.count()), (1, 3, 0))

    def test_revising_makes_a_linked_draft_version_that_supersedes_the_plan_when_issued(self):
        plan = issued_plan(self.p, self.coordinator)
        draft = actions.plan_revise(acting_user=self.coordinator, plan=plan)
        self.assertEqual((draft.version, draft.previous, draft.series, draft.status),
                         (2, plan, plan.series, PlanStatus.DRAFT))
        self.assertEqual(draft.duties.count(), 3)
        self.assertEqual(draft.indicators.get().definition_code, "verification.started")
        self.assertEqual(list(draft.content_items.get().partners.all()), [self.p.partner_agency])
        self.assertEqual(draft.objectives.count(), Objective.objects.filter(plan=plan).count())
        with self.assertRaises(ValidationError):
            actions.plan_revise(acting_user=self.coordinator, plan=plan)  # one draft at a time
        actions.plan_update(acting_user=self.coordinator, plan=draft, data=plan_data(self.p, number="80/KH-UBND"))
        plan.refresh_from_db()
        self.assertEqual((plan.number, plan.status), ("75/KH-UBND", PlanStatus.ISSUED))
        actions.plan_issue(acting_user=self.coordinator, plan=draft)
        plan.refresh_from_db()
        self.assertEqual(plan.status, PlanStatus.SUPERSEDED)
        with self.assertRaises(ValidationError):
            actions.plan_revise(acting_user=self.coordinator, plan=plan)

    def test_copying_to_the_next_year_moves_the_period_and_keeps_the_content(self):
        plan = issued_plan(self.p, self.coordinator)
        copy = actions.plan_copy_next_year(acting_user=self.coordinator, plan=plan)
        self.assertEqual(copy.period_start, plan.period_start.replace(year=plan.period_start.year + 1))
        self.assertEqual((copy.status, copy.version, copy.number, copy.date, copy.copied_from),
                         (PlanStatus.DRAFT, 1, "", None, plan))
        self.assertNotEqual(copy.series, plan.series)
        self.assertIn(str(plan.period_start.year + 1), copy.title)
        self.assertEqual((copy.duties.count(), copy.indicators.count(), copy.solutions.count()), (3, 1, 2))

    def test_a_plan_whose_unit_or_agencies_end_is_not_copied(self):
        legacy = AdminUnit.objects.by_key("legacy:29926")
        office = gone_agency(self.p)
        old_pc = Agency.objects.create(name="UBND thị trấn Sa Rài (thử)", agency_type=AgencyType.COMMUNE_PC,
                                       unit=legacy, valid_to=datetime.date(2025, 6, 30))
        coordinator = self.coordinator
        # The 2024 plan of a legacy town: a coordinator keeps it, as the 2019 plan is kept.
        plan = actions.plan_create(acting_user=coordinator, data=plan_data(
            self.p, unit=legacy, issuing_agency=old_pc, period_start=datetime.date(2024, 7, 1),
            period_end=datetime.date(2025, 6, 30), date=datetime.date(2024, 7, 1), report_compiler=old_pc,
            report_recipients=[]))
        actions.duty_save(acting_user=coordinator, plan=plan, data=DutyData(heading="", agencies=[office],
                                                                           tasks=["Hỗ trợ."]))
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            actions.plan_copy_next_year(acting_user=coordinator, plan=plan)
        text = " ".join(caught.exception.messages)
        self.assertIn("no longer exists", text)
        self.assertIn(office.name, text)
        self.assertEqual(Plan.objects.count(), 1)

    def test_sharing_lets_another_agency_see_the_plan(self):
        plan = issued_plan(self.p, self.coordinator)
        actions.plan_share(acting_user=self.coordinator, plan=plan, agency=self.p.other_agency)
        self.assertTrue(Participation.objects.for_object(plan).filter(agency=self.p.other_agency).exists())
        with self.assertRaises(ValidationError):
            actions.plan_share(acting_user=self.coordinator, plan=plan, agency=self.p.other_agency)
        with self.assertRaises(PermissionDenied):
            actions.plan_share(acting_user=self.p.owner, plan=plan, agency=self.p.other_agency)
