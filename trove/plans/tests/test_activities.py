import datetime
import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import empty

from trove.core.models import AuditEntry, Participation
from trove.core.storage import private_storage
from trove.plans import actions
from trove.plans.actions import ActivityData
from trove.plans.models import Activity, ActivityFile, ActivityKind, TrainingParticipants
from trove.plans.tests.helpers import PlanTestCase, draft_plan, issued_plan, today, training

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


class ActivityTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = issued_plan(cls.p, cls.coordinator)
        cls.item = cls.plan.content_items.get()
        cls.yesterday = today() - datetime.timedelta(days=1)

    def record(self, user, data):
        return actions.activity_record(acting_user=user, plan=self.plan, data=data)

    def test_a_training_records_its_participants_by_agency(self):
        activity = self.record(self.p.owner, training(self.plan, self.p.owner_agency, self.yesterday,
                                                      [(self.p.owner_agency, 4), (self.p.province_agency, 2)],
                                                      agencies=[self.p.province_agency], trainers="Sở Y tế"))
        self.assertEqual((activity.participants, activity.owner_agency, activity.unit, activity.series),
                         (6, self.p.owner_agency, self.plan.unit, self.plan.series))
        self.assertEqual(TrainingParticipants.objects.filter(activity=activity).count(), 2)
        # The agency involved takes part, so it sees the activity; the plan's keeper owns it already.
        self.assertEqual(set(Participation.objects.for_object(activity).values_list("agency_id", flat=True)),
                         {self.p.province_agency.pk})
        self.assertTrue(AuditEntry.objects.filter(action="plan.activity_record", object_id=str(activity.pk)).exists())

    def test_each_kind_asks_for_its_own_facts(self):
        base = {"agency": self.p.owner_agency, "title": "Hoạt động", "held_on": self.yesterday,
                "content_item": self.item}
        cases = [
            (ActivityData(kind=ActivityKind.TRAINING, **base), {"topics", "participants"}),
            (ActivityData(kind=ActivityKind.AWARENESS, **base), {"channel", "reach"}),
            (ActivityData(kind=ActivityKind.INSPECTION, **base), {"visited_unit", "findings"}),
            (ActivityData(kind=ActivityKind.REVIEW, **base), {"review_kind"}),
        ]
        for data, fields in cases:
            with self.subTest(kind=data.kind), self.assertRaises(ValidationError) as caught:
                self.record(self.coordinator, data)
            self.assertEqual(set(caught.exception.message_dict), fields)
        self.assertFalse(Activity.objects.exists())

    def test_an_activity_outside_the_plan_or_not_linked_is_refused(self):
        outside = self.plan.period_start - datetime.timedelta(days=1)
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            self.record(self.coordinator, ActivityData(
                kind=ActivityKind.AWARENESS, agency=self.p.other_agency, title="x", held_on=outside, channel="online",
                reach=5))
        errors = caught.exception.message_dict
        self.assertIn("within the plan's period", errors["held_on"][0])
        self.assertIn("has no part in this plan", errors["agency"][0])
        self.assertIn("content item or solution", errors["content_item"][0])
        other = draft_plan(self.p, self.coordinator, number="2/KH")
        with self.assertRaises(ValidationError) as caught:
            self.record(self.coordinator, training(other, self.p.owner_agency, self.yesterday,
                                                   [(self.p.owner_agency, 1)]))
        self.assertIn("content_item", caught.exception.message_dict)
        with self.assertRaises(ValidationError):  # a draft takes no activities
            actions.activity_record(acting_user=self.coordinator, plan=other, data=training(
                other, self.p.owner_agency, self.yesterday, [(self.p.owner_agency, 1)]))
        self.assertFalse(Activity.objects.exists())

    def test_members_record_for_their_own_agency_and_readers_not_at_all(self):
        data = training(self.plan, self.p.province_agency, self.yesterday, [(self.p.province_agency, 1)])
        with self.assertRaises(PermissionDenied):
            self.record(self.p.owner, data)
        for user in (self.p.readonly, self.p.partner, self.p.statistician):
            with self.assertRaises(PermissionDenied):
                self.record(user, data)
        self.assertEqual(self.record(self.p.supervisor, data).owner_agency, self.p.province_agency)


class ActivityFileTests(PlanTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = issued_plan(cls.p, cls.coordinator)
        cls.activity = actions.activity_record(acting_user=cls.p.owner, plan=plan, data=training(
            plan, cls.p.owner_agency, today(), [(cls.p.owner_agency, 3)]))
        cls.upload_url = reverse("plans:activity_file_add", args=[plan.pk, cls.activity.pk])

    def setUp(self):
        self.root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        overrides = override_settings(ATTACHMENTS_ROOT=self.root)
        overrides.enable()
        self.addCleanup(overrides.disable)
        private_storage._wrapped = empty
        self.addCleanup(setattr, private_storage, "_wrapped", empty)

    def upload(self, user, content, name="Danh sách dự tập huấn.pdf"):
        self.sign_in(user)
        return self.client.post(self.upload_url, {"file": SimpleUploadedFile(name, content, "application/pdf"),
                                                  "description": "danh sách"}, HTTP_ACCEPT_LANGUAGE="en")

    def test_a_file_is_stored_encrypted_and_downloaded_by_those_who_see_the_plan(self):
        response = self.upload(self.p.owner, PDF)
        self.assertEqual(response.status_code, 302)
        stored = ActivityFile.objects.get()
        on_disk = [path for path in self.root.rglob("*") if path.is_file()]
        self.assertEqual(len(on_disk), 1)
        self.assertNotIn(b"%PDF", on_disk[0].read_bytes())
        self.assertNotIn("Danh", on_disk[0].name)
        url = reverse("plans:activity_file", args=[self.activity.plan_id, self.activity.pk, stored.pk])
        self.sign_in(self.p.readonly)
        response = self.client.get(url)
        self.assertEqual(response.content, PDF)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(AuditEntry.objects.filter(action="plan.activity_file_download", actor=self.p.readonly).exists())
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_file_of_another_type_or_by_a_reader_is_refused(self):
        response = self.upload(self.p.owner, b"MZ\x90\x00 not a document", name="virus.pdf")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "cannot be attached", status_code=400)
        self.assertEqual(self.upload(self.p.readonly, PDF).status_code, 403)
        self.assertEqual(self.upload(self.p.outsider, PDF).status_code, 404)
        with self.assertRaises(PermissionDenied):  # the health department may not add to the commune's activity
            actions.activity_file_add(acting_user=self.p.supervisor, activity=self.activity, name="a.pdf",
                                      content=PDF)
        self.assertFalse(ActivityFile.objects.exists())
        self.assertEqual([path for path in self.root.rglob("*") if path.is_file()], [])
