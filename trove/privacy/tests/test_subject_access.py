"""The data-subject access report (issue 14 part 7): what the system holds about one person, produced on request by
an authorised officer, audited, with the answer due in 2 working days (Decree 356/2025, a rule in data)."""

import datetime
import io

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from trove.core.models import AuditEntry
from trove.core.policy import reveal_identity
from trove.privacy.actions import access_report_produce, access_request_answer, access_request_receive
from trove.privacy.loading import RESPONSE_RULES
from trove.privacy.models import RequestStatus, ResponseRule
from trove.privacy.report import report_docx
from trove.privacy.tests.helpers import NAME, PrivacyTestCase
from trove.rules.models import Holiday
from trove.rules.workdays import add_working_days

FRIDAY = datetime.date(2026, 3, 6)


class SubjectAccessTests(PrivacyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()

    def receive(self, day=FRIDAY):
        return access_request_receive(acting_user=self.p.owner, case=self.case, received_on=day)

    def test_the_answer_is_due_two_working_days_later_from_the_rule_in_data(self):
        rule = ResponseRule.in_force("access", FRIDAY)
        self.assertEqual(rule.working_days, 2)
        self.assertIn("356/2025/NĐ-CP", rule.citation)
        self.assertEqual([row[1] for row in RESPONSE_RULES], [2, 2])
        subject_request = self.receive()
        # Received on a Friday: Monday and Tuesday are the two working days.
        self.assertEqual(subject_request.due_on, datetime.date(2026, 3, 10))
        self.assertEqual(subject_request.due_on, add_working_days(FRIDAY, 2))
        self.assertEqual(subject_request.rule, rule)

    def test_holidays_push_the_due_date(self):
        Holiday.objects.get_or_create(date=datetime.date(2026, 3, 9),
                                      defaults={"name_vi": "Ngày nghỉ thử", "kind": "compensatory"})
        self.assertEqual(self.receive().due_on, datetime.date(2026, 3, 11))

    def test_a_day_with_no_rule_or_in_the_future_is_refused(self):
        with translation.override("en"):
            with self.assertRaisesMessage(ValidationError, "No time limit for answering this request"):
                self.receive(datetime.date(2025, 6, 2))
            with self.assertRaisesMessage(ValidationError, "today or earlier"):
                self.receive(timezone.localdate() + datetime.timedelta(days=1))

    def test_the_report_lists_what_is_held_and_who_read_the_identity(self):
        reveal_identity(self.p.supervisor, self.case)  # the supervisor opened the person's identity once
        subject_request = self.receive()
        with translation.override("en"):
            report = access_report_produce(acting_user=self.p.owner, subject_request=subject_request)
        self.assertIn(("full name", NAME), report.identity)
        sections = {section.title: section for section in report.sections}
        self.assertEqual([row[0] for row in sections["Cases"].rows], [self.case.code])
        self.assertEqual(len(sections["Intake"].rows), 1)
        self.assertEqual([row[1] for row in sections["Identification decisions"].rows], ["Identified as a victim"])
        readers = [row[1] for row in sections["Who opened the person's identity"].rows]
        self.assertIn(self.p.supervisor.display_name, readers)
        self.assertIn(self.p.owner.display_name, readers)  # producing the report opened it too
        entry = AuditEntry.objects.get(action="privacy.access_report")
        self.assertEqual(entry.object_id, str(subject_request.pk))
        self.assertNotIn(NAME, str(entry.changes))
        content = report_docx(report, due_on=subject_request.due_on)
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        self.assertIn("10/03/2026", text)

    def test_answering_is_recorded_once(self):
        subject_request = self.receive()
        access_request_answer(acting_user=self.p.owner, subject_request=subject_request)
        subject_request.refresh_from_db()
        self.assertEqual((subject_request.status, subject_request.answered_by), (RequestStatus.ANSWERED, self.p.owner))
        self.assertEqual(AuditEntry.objects.get(action="privacy.access_answer").changes["late"], [None, True])
        with self.assertRaises(ValidationError):
            access_request_answer(acting_user=self.p.owner, subject_request=subject_request)
