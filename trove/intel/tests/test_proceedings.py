import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from trove.core import policy
from trove.core.models import AuditEntry, Participation
from trove.core.models.access import ParticipationReason
from trove.intel.models import Charge, Defendant, PenalArticle, ProceedingStage, Stage
from trove.intel.proceeding_actions import (
    charge_add,
    defendant_add,
    proceeding_open,
    proceeding_record_stage,
    sentence_record,
)
from trove.intel.stages import NEXT, ORDER, check_next
from trove.intel.tests.helpers import IntelTestCase, advance, days_ago, open_proceeding
from trove.notifications.models import Notification


def test_the_stage_table_allows_the_documented_path_only():
    for current, target in zip(ORDER, ORDER[1:], strict=False):
        if (current, target) != (Stage.FIRST_INSTANCE, Stage.APPEAL):
            assert target in NEXT[current] or target == Stage.APPEAL, (current, target)
    check_next(Stage.FIRST_INSTANCE, Stage.FINAL)  # no appeal
    for current, target in [(Stage.REPORTED, Stage.PROSECUTED), (Stage.INITIATED, Stage.FIRST_INSTANCE),
                            (Stage.PROSECUTED, Stage.INITIATED), (Stage.FINAL, Stage.APPEAL),
                            (Stage.DISCONTINUED, Stage.INITIATED), (Stage.APPEAL, Stage.DISCONTINUED)]:
        try:
            check_next(current, target)
        except ValidationError:
            continue
        raise AssertionError(f"{current} -> {target} should be refused")


class OpenTests(IntelTestCase):
    def test_the_investigating_body_opens_a_proceeding(self):
        proceeding = open_proceeding(self)
        self.assertRegex(proceeding.code, r"^VA-\d{4}-\d{5}$")
        self.assertEqual((proceeding.stage, proceeding.owner_agency), (Stage.REPORTED, self.p.partner_agency))
        self.assertEqual(ProceedingStage.objects.get(proceeding=proceeding).stage, Stage.REPORTED)
        self.assertTrue(AuditEntry.objects.filter(action="proceeding.open").exists())

    def test_a_procuracy_a_court_or_a_member_without_the_right_cannot_open_one(self):
        for user, agency in ((self.prosecutor, self.procuracy), (self.judge, self.court),
                             (self.p.partner, self.p.partner_agency), (self.police_observer, self.p.partner_agency)):
            with self.assertRaises(PermissionDenied):
                proceeding_open(acting_user=user, agency=agency, unit=self.commune, reported_on=days_ago(3))
        with self.assertRaises(ValidationError) as raised:
            proceeding_open(acting_user=self.investigator, agency=self.p.partner_agency, unit=self.commune,
                            reported_on=timezone.localdate() + datetime.timedelta(days=1))
        self.assertIn("reported_on", raised.exception.message_dict)
        self.assertFalse(ProceedingStage.objects.exists())


class StageTests(IntelTestCase):
    def setUp(self):
        self.proceeding = open_proceeding(self, reported_on=days_ago(60))

    def record(self, user, stage, date, **extra):
        return proceeding_record_stage(proceeding=self.proceeding, acting_user=user, stage=stage, date=date, **extra)

    def test_a_stage_out_of_order_is_refused_with_the_order_and_nothing_is_saved(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.record(self.investigator, Stage.INVESTIGATED, days_ago(50))
        message = raised.exception.message_dict["stage"][0]
        self.assertIn("cannot follow", message)
        self.assertIn("Criminal case initiated", message)
        self.assertEqual(ProceedingStage.objects.filter(proceeding=self.proceeding).count(), 1)
        self.proceeding.refresh_from_db()
        self.assertEqual(self.proceeding.stage, Stage.REPORTED)

    def test_each_stage_is_recorded_by_its_agency_and_the_file_passes_with_participation(self):
        # The procuracy cannot even see the proceeding before the file reaches it.
        with self.assertRaises(Http404):
            self.record(self.prosecutor, Stage.INITIATED, days_ago(55))
        with self.captureOnCommitCallbacks(execute=True):
            self.record(self.investigator, Stage.INITIATED, days_ago(55), pass_to=self.procuracy, number="01/QĐ")
        participation = Participation.objects.get(agency=self.procuracy)
        self.assertEqual(participation.reason, ParticipationReason.SHARED_ASSIGNMENT)
        self.assertTrue(policy.can(self.prosecutor, "proceeding.view", self.proceeding))
        self.assertTrue(Notification.objects.filter(user=self.prosecutor, message__contains=self.proceeding.code))
        # The police records the investigation; the procuracy may not.
        with translation.override("en"), self.assertRaises(PermissionDenied) as raised:
            self.record(self.prosecutor, Stage.INVESTIGATED, days_ago(45))
        self.assertIn("Police", str(raised.exception))
        self.record(self.investigator, Stage.INVESTIGATED, days_ago(45))
        # Only the procuracy prosecutes, and the indictment must name the court.
        with self.assertRaises(PermissionDenied):
            self.record(self.investigator, Stage.PROSECUTED, days_ago(40))
        with self.assertRaises(ValidationError) as raised:
            self.record(self.prosecutor, Stage.PROSECUTED, days_ago(40))
        self.assertIn("pass_to", raised.exception.message_dict)
        with self.assertRaises(ValidationError):  # the file goes to a court, not to a police agency
            self.record(self.prosecutor, Stage.PROSECUTED, days_ago(40), pass_to=self.p.partner_agency)
        self.assertFalse(Participation.objects.filter(agency=self.court).exists())
        self.record(self.prosecutor, Stage.PROSECUTED, days_ago(40), pass_to=self.court)
        self.assertTrue(policy.can(self.judge, "proceeding.record", self.proceeding))
        with self.assertRaises(PermissionDenied):
            self.record(self.prosecutor, Stage.FIRST_INSTANCE, days_ago(30))
        self.record(self.judge, Stage.FIRST_INSTANCE, days_ago(30), mobile=True, mobile_place="Nhà văn hóa ấp",
                    audience=250)
        self.record(self.judge, Stage.FINAL, days_ago(15))
        self.proceeding.refresh_from_db()
        self.assertEqual(self.proceeding.stage, Stage.FINAL)
        with self.assertRaises(ValidationError):  # nothing follows a final judgment
            self.record(self.judge, Stage.APPEAL, days_ago(10))

    def test_a_judgment_dated_before_the_trial_is_refused(self):
        advance(self, self.proceeding, Stage.FIRST_INSTANCE)
        trial = self.proceeding.stage_on
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            self.record(self.judge, Stage.FINAL, trial - datetime.timedelta(days=1))
        self.assertIn("before the trial", raised.exception.message_dict["date"][0])
        with self.assertRaises(ValidationError):
            self.record(self.judge, Stage.APPEAL, trial - datetime.timedelta(days=1))
        self.assertFalse(ProceedingStage.objects.filter(stage__in=[Stage.FINAL, Stage.APPEAL]).exists())
        self.record(self.judge, Stage.APPEAL, trial + datetime.timedelta(days=20))
        with self.assertRaises(ValidationError):  # nor before the appeal trial
            self.record(self.judge, Stage.FINAL, trial + datetime.timedelta(days=19))
        self.record(self.judge, Stage.FINAL, trial + datetime.timedelta(days=20))

    def test_any_stage_before_its_predecessor_or_in_the_future_is_refused(self):
        with self.assertRaises(ValidationError):
            self.record(self.investigator, Stage.INITIATED, days_ago(61))
        with self.assertRaises(ValidationError):
            self.record(self.investigator, Stage.INITIATED, timezone.localdate() + datetime.timedelta(days=1))
        self.assertEqual(ProceedingStage.objects.count(), 1)

    def test_mobile_trials_need_a_place_and_an_audience_and_only_at_first_instance(self):
        advance(self, self.proceeding, Stage.PROSECUTED)
        with self.assertRaises(ValidationError) as raised:
            self.record(self.judge, Stage.FIRST_INSTANCE, days_ago(20), mobile=True)
        self.assertEqual(set(raised.exception.message_dict), {"mobile_place", "audience"})
        self.record(self.judge, Stage.FIRST_INSTANCE, days_ago(20))
        with self.assertRaises(ValidationError) as raised:
            self.record(self.judge, Stage.APPEAL, days_ago(10), mobile=True, mobile_place="Sân UBND", audience=90)
        self.assertIn("mobile", raised.exception.message_dict)

    def test_the_holder_of_the_file_may_discontinue_it(self):
        advance(self, self.proceeding, Stage.INVESTIGATED)
        with self.assertRaises(PermissionDenied):  # the file is with the procuracy now
            self.record(self.investigator, Stage.DISCONTINUED, days_ago(20))
        self.record(self.prosecutor, Stage.DISCONTINUED, days_ago(20), number="02/QĐ-ĐC")
        self.proceeding.refresh_from_db()
        self.assertEqual(self.proceeding.stage, Stage.DISCONTINUED)

    def test_read_only_members_and_outsiders(self):
        with self.assertRaises(PermissionDenied):
            self.record(self.police_observer, Stage.INITIATED, days_ago(50))
        for user in (self.p.outsider, self.p.readonly, self.judge):
            with self.assertRaises(Http404):
                self.record(user, Stage.INITIATED, days_ago(50))
        self.assertEqual(ProceedingStage.objects.count(), 1)


class DefendantTests(IntelTestCase):
    def setUp(self):
        self.proceeding = open_proceeding(self, reported_on=days_ago(60))
        self.art150 = PenalArticle.objects.get(code="blhs-2015-150")

    def add(self, user=None, **extra):
        values = {"full_name": "Trương Văn Môi", "roles": ["RecruiterOrIntermediary", "Transporter"], "sex": "male"}
        values.update(extra)
        return defendant_add(proceeding=self.proceeding, acting_user=user or self.investigator, **values)

    def test_suspects_with_their_htcds_roles_identity_encrypted_and_charges_under_art_150_151(self):
        defendant = self.add(id_number="087090001234")
        self.assertEqual(defendant.number, 1)
        self.assertEqual(defendant.role_labels(), ["Recruiter or intermediary", "Transporter"])
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, id_number FROM intel_defendant")
            self.assertNotIn("Môi", " ".join(cursor.fetchone()))
        charge_add(defendant=defendant, acting_user=self.investigator, article=self.art150, clause="2",
                   charged_on=days_ago(50))
        self.assertIn("100/2015/QH13", Charge.objects.get().article.citation)
        self.assertTrue(PenalArticle.objects.filter(article="151", name_en="Trafficking in persons under 16").exists())
        with self.assertRaises(ValidationError) as raised:
            charge_add(defendant=defendant, acting_user=self.investigator,
                       article=PenalArticle.objects.get(article="151"), clause="9", charged_on=days_ago(50))
        self.assertIn("clause", raised.exception.message_dict)
        with self.assertRaises(ValidationError):
            charge_add(defendant=defendant, acting_user=self.investigator, article=self.art150, charged_on=days_ago(70))
        self.assertEqual(Charge.objects.count(), 1)
        self.assertNotIn("Môi", str(AuditEntry.objects.filter(action__startswith="proceeding.").values_list(
            "changes", flat=True)))

    def test_roles_must_come_from_the_htcds_list(self):
        with self.assertRaises(ValidationError) as raised:
            self.add(roles=["Mastermind"])
        self.assertIn("roles", raised.exception.message_dict)
        self.assertFalse(Defendant.objects.exists())

    def test_suspects_and_charges_change_only_with_the_holder_of_the_file_before_the_indictment(self):
        defendant = self.add()
        advance(self, self.proceeding, Stage.INVESTIGATED)
        with self.assertRaises(PermissionDenied):
            self.add(user=self.investigator)
        self.add(user=self.prosecutor, full_name="Đinh Thị Chứa", roles=["HarbouredIndividual"])
        advance(self, self.proceeding, Stage.PROSECUTED)
        with self.assertRaises(ValidationError):
            charge_add(defendant=defendant, acting_user=self.judge, article=self.art150, charged_on=days_ago(1))
        self.assertEqual(Defendant.objects.count(), 2)

    def test_the_court_records_the_sentence_after_the_trial(self):
        defendant = self.add()
        with self.assertRaises(ValidationError):  # no trial yet
            sentence_record(defendant=defendant, acting_user=self.investigator, verdict="convicted",
                            sentence_kind="imprisonment", prison_years=8)
        advance(self, self.proceeding, Stage.FIRST_INSTANCE)
        with self.assertRaises(PermissionDenied):
            sentence_record(defendant=defendant, acting_user=self.prosecutor, verdict="convicted",
                            sentence_kind="imprisonment", prison_years=8)
        for bad in ({"sentence_kind": "imprisonment"}, {"sentence_kind": "imprisonment", "prison_months": 14},
                    {"sentence_kind": "life", "prison_years": 3}, {"sentence_kind": "fine"},
                    {"sentence_kind": ""}):
            with self.assertRaises(ValidationError):
                sentence_record(defendant=defendant, acting_user=self.judge, verdict="convicted", **bad)
        with self.assertRaises(ValidationError):
            sentence_record(defendant=defendant, acting_user=self.judge, verdict="acquitted", prison_years=2)
        self.assertEqual(Defendant.objects.get().verdict, "")
        sentence_record(defendant=defendant, acting_user=self.judge, verdict="convicted",
                        sentence_kind="imprisonment", prison_years=8, prison_months=6,
                        other_penalties="Phạt bổ sung 20.000.000 đồng")
        defendant = Defendant.objects.get()
        self.assertEqual((defendant.verdict, defendant.prison_years, defendant.prison_months,
                          defendant.sentenced_at), ("convicted", 8, 6, Stage.FIRST_INSTANCE))
        advance(self, self.proceeding, Stage.FINAL)
        with self.assertRaises(ValidationError):  # the judgment is final
            sentence_record(defendant=defendant, acting_user=self.judge, verdict="acquitted")
