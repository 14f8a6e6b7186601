import datetime
import io

from django.urls import reverse
from django.utils import timezone
from docx import Document

from trove.core.models import AuditEntry
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, propose_decision, send_request, tick_ground
from trove.verification.tests.helpers import NAME, VerificationTestCase, open_case


def text_of(response) -> str:
    document = Document(io.BytesIO(response.content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


class VerificationDocumentTests(VerificationTestCase):
    def setUp(self):
        self.case = open_case(self.p)
        self.request_obj = send_request(case=self.case, acting_user=self.p.owner, to_agency=self.p.partner_agency,
                                        kind="verify_identity",
                                        due_on=timezone.localdate() + datetime.timedelta(days=5))
        self.letter_url = reverse("documents:request_letter", args=[self.case.code, self.request_obj.pk])

    def test_the_request_letter_names_both_agencies_the_case_and_the_person(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.letter_url)
        self.assertEqual(response.status_code, 200)
        text = text_of(response)
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", self.case.code, NAME,
                         self.p.partner_agency.name):
            self.assertIn(expected, text)
        self.assertNotIn(NAME.split()[-1], response["Content-Disposition"])
        self.assertTrue(AuditEntry.objects.filter(action="document.generate", object_id=str(self.case.pk)).exists())

    def test_the_decision_document_exists_only_once_approved(self):
        ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
        tick_ground(case=self.case, acting_user=self.p.owner, ground=ground, source="Công văn 12/CAT")
        decision = propose_decision(case=self.case, acting_user=self.verifier, outcome="victim",
                                    reasons="Lời khai phù hợp với thông tin của cơ quan giải cứu.",
                                    decision_date=timezone.localdate())
        url = reverse("documents:decision_document", args=[self.case.code, decision.pk])
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.get(url).status_code, 404)
        approve_decision(decision=decision, acting_user=self.p.supervisor)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        text = text_of(response)
        self.assertIn("QUYẾT ĐỊNH", text)
        self.assertIn(NAME, text)
        self.assertIn("Công văn 12/CAT", text)

    def test_personas_without_identity_get_403_and_outsiders_404(self):
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.get(self.letter_url).status_code, 403)
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(self.letter_url).status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action="document.generate").exists())
