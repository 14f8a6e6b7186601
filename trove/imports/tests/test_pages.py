"""Every page of the wizard, walked by each persona: the owner imports, a read-only member of the agency sees and is
refused changes (403), other agencies get 404; names are shown only to members who may see identity."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from trove.core.models import AuditEntry
from trove.imports import actions
from trove.imports.models import BatchStatus, ColumnMapping, ImportBatch
from trove.imports.tests.helpers import ImportTestCase, existing_case, persons_workbook

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


class WizardTests(ImportTestCase):
    def test_the_owner_walks_the_wizard_to_the_report(self):
        self.sign_in(self.p.owner)
        self.assertContains(self.client.get(reverse("imports:list"), **EN), reverse("imports:new"))
        self.assertEqual(self.client.get(reverse("imports:new"), **EN).status_code, 200)
        upload = SimpleUploadedFile("Danh sách.xlsx", persons_workbook())
        response = self.client.post(reverse("imports:new"), {"agency": self.p.owner_agency.pk, "kind": "persons",
                                                              "file": upload}, **EN)
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("imports:sheet", args=[batch.pk]), fetch_redirect_response=False)
        page = self.client.get(reverse("imports:sheet", args=[batch.pk]), **EN)
        self.assertContains(page, "NGUYEN THI HOA")  # the owner may see who people are
        response = self.client.post(reverse("imports:sheet", args=[batch.pk]), {"sheet": "Danh sách"}, **EN)
        self.assertRedirects(response, reverse("imports:mapping", args=[batch.pk]), fetch_redirect_response=False)
        page = self.client.get(reverse("imports:mapping", args=[batch.pk]), **EN)
        self.assertContains(page, "Ngày sinh / Nữ")
        self.assertContains(page, "Where people were received before 1 July 2025")
        form = page.context["form"]
        data = {name: field.value() or "" for name, field in ((n, form[n]) for n in form.fields)}
        data["save_as"] = "Mẫu UBND xã"
        response = self.client.post(reverse("imports:mapping", args=[batch.pk]), data, **EN)
        self.assertRedirects(response, reverse("imports:preview", args=[batch.pk]), fetch_redirect_response=False)
        self.assertTrue(ColumnMapping.objects.filter(name="Mẫu UBND xã").exists())
        page = self.client.get(reverse("imports:preview", args=[batch.pk]), **EN)
        self.assertEqual([row.outcome for row in page.context["rows"]], ["created", "created", "created", "skipped"])
        self.assertContains(page, "NGUYEN THI HOA")
        self.assertFalse(ImportBatch.objects.get().created_count)  # the preview saved nothing
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("imports:start", args=[batch.pk]), **EN)
        batch.refresh_from_db()
        self.assertRedirects(response, reverse("job", args=[batch.job_id]), fetch_redirect_response=False)
        job_page = self.client.get(reverse("job", args=[batch.job_id]), **EN)
        self.assertContains(job_page, reverse("imports:detail", args=[batch.pk]))
        detail = self.client.get(reverse("imports:detail", args=[batch.pk]), **EN)
        self.assertContains(detail, "3 created, 0 linked to an existing person, 1 skipped, 0 failed")
        self.assertContains(detail, reverse("job_download", args=[batch.job_id]))
        self.assertContains(detail, "A signature or a date line")

    def test_the_preview_shows_possible_duplicates(self):
        existing_case(self.p)
        batch = self.prepared(persons_workbook())
        self.sign_in(self.p.owner)
        page = self.client.get(reverse("imports:preview", args=[batch.pk]), **EN)
        first = page.context["rows"][0]
        self.assertEqual(first.outcome, "linked")
        self.assertEqual(first.candidates[0]["name"], "Nguyễn Thị Hoa")
        self.assertContains(page, "same citizen ID")

    def test_a_dry_run_from_the_preview_saves_nothing_and_reports(self):
        batch = self.prepared(persons_workbook())
        self.sign_in(self.p.owner)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("imports:check", args=[batch.pk]), **EN)
        job = batch.__class__.objects.get(pk=batch.pk)
        self.assertEqual(job.status, BatchStatus.READY)
        from trove.core.models import Job

        check = Job.objects.get(kind="imports.run")
        self.assertRedirects(response, reverse("job", args=[check.pk]), fetch_redirect_response=False)
        self.assertEqual(check.summary.get("created"), 3)
        self.assertTrue(check.result_name.startswith("import-check"))


class PersonaTests(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.batch = self.prepared(persons_workbook())
        with translation.override("en"):  # the reasons are stored in the language of the run
            self.done = self.run_import(self.prepared(persons_workbook(), name="b.xlsx"))

    def status(self, user, method, name, batch=None, data=None):
        self.sign_in(user)
        url = reverse(name, args=[(batch or self.batch).pk])
        call = self.client.post if method == "post" else self.client.get
        return call(url, data or {}, **EN).status_code

    def test_readers_see_writers_change_and_others_get_404(self):
        pages = [("get", "imports:detail")]
        changes = [("get", "imports:sheet"), ("get", "imports:mapping"), ("get", "imports:preview"),
                   ("post", "imports:start"), ("post", "imports:check"), ("post", "imports:resume"),
                   ("post", "imports:abandon")]
        for method, name in pages:
            self.assertEqual(self.status(self.p.owner, method, name), 200, name)
            self.assertEqual(self.status(self.p.readonly, method, name), 200, name)
            self.assertEqual(self.status(self.p.supervisor, method, name), 200, name)  # their scope covers it
            for user in (self.p.outsider, self.p.partner, self.p.statistician, self.commune_admin):
                self.assertEqual(self.status(user, method, name), 404, (name, user.username))
        for method, name in changes:
            for user in (self.p.readonly, self.p.supervisor):
                self.assertEqual(self.status(user, method, name), 403, (name, user.username))
            for user in (self.p.outsider, self.p.partner, self.p.statistician):
                self.assertEqual(self.status(user, method, name), 404, (name, user.username))
        self.assertEqual(ImportBatch.objects.get(pk=self.batch.pk).status, BatchStatus.READY)

    def test_the_list_and_the_upload_page(self):
        for user, listed in ((self.p.owner, 2), (self.p.readonly, 2), (self.p.supervisor, 2), (self.commune_admin, 2),
                             (self.p.outsider, 0), (self.p.partner, 0)):
            self.sign_in(user)
            response = self.client.get(reverse("imports:list"), **EN)
            self.assertEqual(len(response.context["batches"]), listed, user.username)
        self.sign_in(self.p.statistician)
        self.assertEqual(self.client.get(reverse("imports:list")).status_code, 403)
        for user in (self.p.readonly, self.p.statistician, self.commune_admin):
            self.sign_in(user)
            self.assertEqual(self.client.get(reverse("imports:new")).status_code, 403, user.username)
        # A supervisor records support and activities, so imports such lists (not persons).
        self.sign_in(self.p.supervisor)
        page = self.client.get(reverse("imports:new"), **EN)
        self.assertEqual([code for code, _label in page.context["form"].fields["kind"].choices],
                         ["support", "activities"])
        with self.assertRaises(PermissionDenied):
            actions.batch_create(acting_user=self.p.supervisor, agency=self.p.province_agency, kind="persons",
                                 file_name="ds.xlsx", content=persons_workbook())
        # The owner, who imports every kind, is offered the lists of persons first.
        self.sign_in(self.p.owner)
        choices = self.client.get(reverse("imports:new"), **EN).context["form"].fields["kind"].choices
        self.assertEqual([code for code, _label in choices][:3], ["persons", "suspected", "missing"])

    def test_a_kind_the_chosen_agency_does_not_allow_is_refused_on_the_form(self):
        """Offered because the officer imports persons for one agency, refused for the other: a message on the form
        in the officer's language, nothing stored."""
        from trove.agencies.models import Membership, Role
        from trove.core.testing import SINCE

        Membership.objects.create(user=self.p.supervisor, agency=self.p.owner_agency, role=Role.CASEWORKER,
                                  scope_unit=self.p.owner_agency.unit, valid_from=SINCE)
        self.sign_in(self.p.supervisor)
        before = ImportBatch.objects.count()
        upload = SimpleUploadedFile("Danh sách.xlsx", persons_workbook())
        response = self.client.post(reverse("imports:new"), {"agency": self.p.province_agency.pk, "kind": "persons",
                                                             "file": upload}, HTTP_ACCEPT_LANGUAGE="vi")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Bạn không được nhập loại danh sách này cho", status_code=400)
        self.assertEqual(ImportBatch.objects.count(), before)

    def test_identity_is_shown_only_to_members_who_may_see_it(self):
        self.sign_in(self.p.readonly)
        detail = self.client.get(reverse("imports:detail", args=[self.done.pk]), **EN)
        self.assertNotContains(detail, "signature")  # the reasons are hidden from who may not see identity
        self.sign_in(self.p.owner)
        self.assertContains(self.client.get(reverse("imports:detail", args=[self.done.pk]), **EN), "signature")
        self.client.get(reverse("imports:preview", args=[self.batch.pk]), **EN)
        # Seeing the rows is seeing who people are: audited like any view of identity.
        self.assertTrue(AuditEntry.objects.filter(action="identity.view", object_type="imports.importbatch",
                                                  object_id=str(self.batch.pk), actor_id=self.p.owner.pk).exists())

    def test_only_the_agency_administrator_opens_the_undo_page(self):
        self.assertEqual(self.status(self.commune_admin, "get", "imports:undo", self.done), 200)
        for user in (self.p.owner, self.p.readonly, self.p.outsider, self.p.administrator, self.p.supervisor):
            self.assertEqual(self.status(user, "get", "imports:undo", self.done), 404, user.username)
        self.assertEqual(self.status(self.commune_admin, "post", "imports:undo", self.done, {"reason": "x"}), 400)
        self.sign_in(self.commune_admin)
        response = self.client.post(reverse("imports:undo", args=[self.done.pk]),
                                    {"reason": "Nhập nhầm danh sách của năm trước"}, **EN)
        self.assertRedirects(response, reverse("imports:list"), fetch_redirect_response=False)
        self.assertEqual(ImportBatch.objects.get(pk=self.done.pk).status, BatchStatus.UNDONE)

    def test_saved_mappings_are_deleted_by_members_of_their_agency_only(self):
        mapping = actions.mapping_save(acting_user=self.p.owner, agency=self.p.owner_agency, kind="persons",
                                       name="Mẫu", columns={"full_name": "ho va ten"})
        url = reverse("imports:mapping_delete", args=[mapping.pk])
        for user, expected in ((self.p.outsider, 404), (self.p.readonly, 403)):
            self.sign_in(user)
            self.assertEqual(self.client.post(url).status_code, expected)
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(ColumnMapping.objects.exists())
