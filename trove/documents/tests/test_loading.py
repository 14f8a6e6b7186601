from trove.core.testing import PersonaTestCase
from trove.documents.loading import load_document_templates
from trove.documents.models import DocumentKind, DocumentTemplate
from trove.documents.render import select_template


class LoadingTests(PersonaTestCase):
    def test_loading_again_changes_nothing(self):
        # The test session loaded the reference data once already (conftest.py).
        self.assertEqual(DocumentTemplate.objects.filter(shipped=True, active=True).count(), len(DocumentKind.values))
        before = list(DocumentTemplate.objects.values_list("pk", "version", "active"))
        self.assertEqual(load_document_templates(), {"added": 0, "unchanged": 3, "kept": 0})
        self.assertEqual(list(DocumentTemplate.objects.values_list("pk", "version", "active")), before)

    def test_a_changed_shipped_file_waits_while_an_administrators_template_is_in_use(self):
        shipped = DocumentTemplate.objects.get(kind="intake_record", shipped=True)
        DocumentTemplate.objects.create(kind="intake_record", file=shipped.file.name, sha256="0" * 64, version=9,
                                        active=True)
        DocumentTemplate.objects.filter(kind="verification_request").update(sha256="old")
        report = load_document_templates()
        self.assertEqual(report, {"added": 1, "unchanged": 2, "kept": 0})
        newest = DocumentTemplate.objects.filter(kind="verification_request").order_by("-version")
        self.assertEqual([t.active for t in newest], [True, False])
        DocumentTemplate.objects.filter(kind="intake_record", shipped=True).update(sha256="old")
        self.assertEqual(load_document_templates()["kept"], 1)
        newest = DocumentTemplate.objects.filter(kind="intake_record").order_by("-version").first()
        self.assertEqual((newest.shipped, newest.active), (True, False))
        self.assertEqual(select_template("intake_record").version, 9)
