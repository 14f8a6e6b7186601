import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.functional import empty

from trove.cases.attachment_actions import attachment_add
from trove.cases.attachments import ascii_name, content_disposition, sniff
from trove.cases.models import Attachment, CaseEvent
from trove.cases.tests.test_case_list import open_case
from trove.core.models import AuditEntry
from trove.core.storage import private_storage
from trove.core.testing import PersonaTestCase

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


class AttachmentTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p.owner, cls.p.owner_agency, "Nguyễn Thị Hoa")
        cls.upload_url = reverse("cases:attachment_upload", args=[cls.case.code])

    def setUp(self):
        self.root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        overrides = override_settings(ATTACHMENTS_ROOT=self.root)
        overrides.enable()
        self.addCleanup(overrides.disable)
        # The storage is built lazily from the setting: make it read the temporary root now, and forget it after.
        private_storage._wrapped = empty
        self.addCleanup(setattr, private_storage, "_wrapped", empty)

    def stored_files(self):
        return [path for path in self.root.rglob("*") if path.is_file()]

    def upload(self, user, content, name="Biên bản bàn giao.pdf", claimed="application/pdf", **extra):
        self.sign_in(user)
        return self.client.post(self.upload_url, {"file": SimpleUploadedFile(name, content, claimed),
                                                  "description": "biên bản", **extra}, HTTP_ACCEPT_LANGUAGE="en")

    def test_the_owner_uploads_a_pdf_stored_encrypted_under_a_random_name(self):
        response = self.upload(self.p.owner, PDF)
        self.assertRedirects(response, self.case.get_absolute_url(), fetch_redirect_response=False)
        attachment = Attachment.objects.get(case=self.case)
        self.assertEqual((attachment.content_type, attachment.size), ("application/pdf", len(PDF)))
        self.assertEqual(attachment.sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual(attachment.original_name, "Biên bản bàn giao.pdf")
        [stored] = self.stored_files()
        self.assertNotIn("Bi", stored.name)
        self.assertNotIn(b"%PDF", stored.read_bytes())
        self.assertTrue(str(stored).startswith(str(self.root)))
        upload_entry = AuditEntry.objects.get(action="attachment.upload")
        self.assertEqual(upload_entry.object_id, str(attachment.pk))
        self.assertNotIn("Biên", str(upload_entry.changes))
        self.assertEqual(CaseEvent.objects.filter(case=self.case, kind="attachment.added").count(), 1)
        self.assertContains(self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"),
                            "File attached (PDF)")

    def test_the_type_comes_from_the_content_not_the_name_or_the_browser(self):
        self.upload(self.p.owner, JPEG, name="ảnh chụp.png", claimed="image/png")
        self.assertEqual(Attachment.objects.get().content_type, "image/jpeg")
        self.assertEqual(self.upload(self.p.owner, docx(), name="x.docx").status_code, 302)
        self.assertEqual(self.upload(self.p.owner, PNG, name="x.png").status_code, 302)
        self.assertEqual(Attachment.objects.count(), 3)

    def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_written(self):
        cases = [
            (b"<html><script>alert(1)</script></html>", "hoso.pdf", "cannot be attached"),
            (b"MZ\x90\x00" + b"\x00" * 100, "scan.pdf", "cannot be attached"),
            (plain_zip(), "hoso.docx", "cannot be attached"),
            (b"", "trong.pdf", "The file is empty"),
        ]
        for content, name, message in cases:
            response = self.upload(self.p.owner, content, name=name)
            self.assertContains(response, message, status_code=400)
        with override_settings(ATTACHMENT_MAX_BYTES=len(PDF) - 1):
            response = self.upload(self.p.owner, PDF)
        self.assertContains(response, "at most", status_code=400)
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="attachment.upload").exists())
        self.assertFalse(CaseEvent.objects.filter(kind="attachment.added").exists())

    def test_the_messages_are_vietnamese_by_default(self):
        self.sign_in(self.p.owner)
        response = self.client.post(self.upload_url, {"file": SimpleUploadedFile("a.pdf", b"nope")},
                                    HTTP_ACCEPT_LANGUAGE="vi")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["upload_form"].errors["file"])

    def test_read_only_members_get_403_and_outsiders_404_and_nothing_is_written(self):
        self.assertEqual(self.upload(self.p.readonly, PDF).status_code, 403)
        self.assertEqual(self.upload(self.p.outsider, PDF).status_code, 404)
        self.assertEqual(self.upload(self.p.statistician, PDF).status_code, 404)
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(Attachment.objects.exists())

    def test_a_download_gives_the_file_back_with_safe_headers_and_is_audited_every_time(self):
        attachment = attachment_add(acting_user=self.p.owner, case=self.case, name="Biên bản/../bàn giao.exe",
                                    content=PDF)
        url = reverse("cases:attachment_download", args=[self.case.code, attachment.pk])
        self.sign_in(self.p.owner)
        for _ in range(2):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        disposition = response["Content-Disposition"]
        self.assertTrue(disposition.startswith('attachment; filename="ban_giao.pdf"'), disposition)
        self.assertIn("filename*=UTF-8''b%C3%A0n%20giao.pdf", disposition)
        self.assertEqual(AuditEntry.objects.filter(action="attachment.download", object_id=str(attachment.pk))
                         .count(), 2)

    def test_who_may_download(self):
        attachment = attachment_add(acting_user=self.p.owner, case=self.case, name="a.pdf", content=PDF)
        url = reverse("cases:attachment_download", args=[self.case.code, attachment.pk])
        # Files may show who the person is: a member who may see the case but not identity gets 403.
        for persona, status in ((self.p.readonly, 403), (self.p.outsider, 404), (self.p.statistician, 404),
                                (self.p.supervisor, 200)):
            self.sign_in(persona)
            self.assertEqual(self.client.get(url).status_code, status, persona.username)
        other = open_case(self.p.outsider, self.p.other_agency, "Lâm Văn Khác", unit="2025:91")
        self.sign_in(self.p.outsider)
        wrong_case = reverse("cases:attachment_download", args=[other.code, attachment.pk])
        self.assertEqual(self.client.get(wrong_case).status_code, 404)
        self.assertEqual(AuditEntry.objects.filter(action="attachment.download").count(), 1)

    def test_the_case_page_lists_files_and_links_them_only_for_identity_roles(self):
        attachment_add(acting_user=self.p.owner, case=self.case, name="Nguyễn Thị Hoa CCCD.pdf", content=PDF)
        self.sign_in(self.p.owner)
        self.assertContains(self.client.get(self.case.get_absolute_url()), "Nguyễn Thị Hoa CCCD.pdf")
        self.sign_in(self.p.readonly)
        response = self.client.get(self.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(response, "CCCD.pdf")
        self.assertNotContains(response, "attachments/")
        self.assertContains(response, "permission to see identity")


def test_sniffing_and_names():
    assert sniff(PDF) == "application/pdf"
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(PNG) == "image/png"
    assert sniff(docx()).endswith("wordprocessingml.document")
    assert sniff(plain_zip()) is None
    assert sniff(b"PK\x03\x04broken") is None
    assert ascii_name("Đơn trình báo của bà Hoa.pdf") == "Don_trinh_bao_cua_ba_Hoa.pdf"
    assert ascii_name("../../") == "file"
    header = content_disposition('a"b\r\n.pdf')
    assert "\r" not in header and "\n" not in header and 'a_b_.pdf"' in header
