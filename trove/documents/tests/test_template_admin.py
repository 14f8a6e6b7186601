import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from trove.core.models import AuditEntry, User
from trove.core.testing import PersonaTestCase
from trove.documents.models import DocumentTemplate
from trove.documents.render import check_template, select_template, shipped_path
from trove.documents.tests.helpers import docx_text, handover_case, word_file


class TemplateAdminTests(PersonaTestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        settings_override = override_settings(DOCUMENT_TEMPLATES_ROOT=self.root)
        settings_override.enable()
        self.addCleanup(settings_override.disable)
        self.staff = User.objects.create(username="root", is_staff=True, is_superuser=True)

    def upload(self, content: bytes, *, active=True, kind="intake_record"):
        self.sign_in(self.staff)
        data = {"kind": kind, "regime": "both", "valid_from": "2026-01-01", "notes": "",
                "file": SimpleUploadedFile("mau.docx", content)}
        if active:
            data["active"] = "on"
        return self.client.post(reverse("admin:documents_documenttemplate_add"), data, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_shipped_templates_are_installed_and_pass_the_check(self):
        for kind in ("intake_record", "verification_request", "identification_decision"):
            template = select_template(kind)
            self.assertTrue(template.shipped)
            check_template(kind, shipped_path(kind).read_bytes())

    def test_a_template_that_does_not_render_is_refused_and_not_activated(self):
        before = DocumentTemplate.objects.count()
        response = self.upload(word_file("Hồ sơ {{ case_code ", "{% for x in %}"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The template cannot be filled in")
        self.assertContains(response, "TemplateSyntaxError")
        self.assertEqual(DocumentTemplate.objects.count(), before)
        self.assertTrue(select_template("intake_record").shipped)

    def test_a_file_that_is_not_a_word_document_is_refused(self):
        response = self.upload(b"%PDF-1.4 not a template")
        self.assertContains(response, "This is not a Word document (.docx)")
        self.assertFalse(DocumentTemplate.objects.filter(shipped=False).exists())

    def test_a_template_cannot_reach_python_internals(self):
        response = self.upload(word_file("{{ case_code.__class__.__mro__[1].__subclasses__() }}"))
        self.assertContains(response, "SecurityError")
        self.assertFalse(DocumentTemplate.objects.filter(shipped=False).exists())

    def test_an_active_uploaded_template_replaces_the_shipped_one(self):
        response = self.upload(word_file("MẪU CỦA TỈNH", "Hồ sơ {{ case_code }} — {{ person.full_name }}"))
        self.assertEqual(response.status_code, 302)
        template = DocumentTemplate.objects.get(shipped=False)
        self.assertEqual((template.active, template.uploaded_by, template.version), (True, self.staff, 2))
        self.assertTrue(template.file.name.startswith("uploaded/intake_record-"))
        self.assertTrue(AuditEntry.objects.filter(action="admin.add", object_id=str(template.pk)).exists())

        case = handover_case(self.p)
        self.sign_in(self.p.owner)
        text = docx_text(self.client.get(reverse("documents:intake_record", args=[case.code])).content)
        self.assertIn("MẪU CỦA TỈNH", text)
        self.assertIn(f"Hồ sơ {case.code} — Trần Thị Bích Ngọc", text)
        self.assertNotIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)

    def test_an_inactive_upload_is_kept_but_not_used(self):
        self.assertEqual(self.upload(word_file("NHÁP {{ case_code }}"), active=False).status_code, 302)
        self.assertTrue(select_template("intake_record").shipped)

    def test_the_admin_pages_render(self):
        self.sign_in(self.staff)
        shipped = select_template("intake_record")
        for url in (reverse("admin:documents_documenttemplate_changelist"),
                    reverse("admin:documents_documenttemplate_add"),
                    reverse("admin:documents_documenttemplate_change", args=[shipped.pk])):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
