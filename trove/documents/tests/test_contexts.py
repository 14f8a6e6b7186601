"""The request letter and the decision, from stand-ins for the verification app's objects."""

import datetime
from types import SimpleNamespace

from trove.core.testing import PersonaTestCase
from trove.documents.contexts import (
    identification_decision_context,
    regime_of,
    sample_context,
    verification_request_context,
)
from trove.documents.render import render_document
from trove.documents.tests.helpers import docx_text, handover_case


class ContextTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = handover_case(cls.p)

    def test_the_regime_follows_the_intake_date(self):
        self.assertEqual(regime_of(datetime.date(2025, 6, 30)), "A")
        self.assertEqual(regime_of(datetime.date(2025, 7, 1)), "B")

    def test_the_verification_request_letter(self):
        request_obj = SimpleNamespace(
            case=self.case, from_agency=self.p.owner_agency, to_agency=self.p.partner_agency, kind="identity",
            get_kind_display=lambda: "Nhân thân và nơi cư trú", pk=7,
            sent_at=datetime.datetime(2026, 5, 15, 3, 0, tzinfo=datetime.UTC), due_on=datetime.date(2026, 5, 18),
        )
        text = docx_text(render_document("verification_request", verification_request_context(request_obj)))
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND XÃ TÂN HỒNG (THỬ)", "Số: ……/UBND",
                         "V/v đề nghị xác minh nhân thân và nơi cư trú", "Tân Hồng, ngày 15 tháng 5 năm 2026",
                         "Kính gửi: Công an tỉnh Đồng Tháp (thử).", self.case.code, "Trần Thị Bích Ngọc",
                         "trước ngày 18 tháng 5 năm 2026", "YC-7", "Nơi nhận:", "- Như trên;"):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_the_identification_decision(self):
        ground = SimpleNamespace(text_vi="Thông tin của cơ quan giải cứu", citation="Điều 32 khoản 1 điểm b")
        case = SimpleNamespace(
            code=self.case.code, intake=self.case.intake, person=self.case.person, owner_agency=self.p.owner_agency,
            evidence_items=SimpleNamespace(all=lambda: [SimpleNamespace(ground=ground, source="Biên bản giải cứu")]),
        )
        decision = SimpleNamespace(
            case=case, outcome="victim", get_outcome_display=lambda: "Là nạn nhân bị mua bán",
            decision_date=datetime.date(2026, 6, 2), reasons="Có đủ căn cứ.\n\nNgười được tiếp nhận xác nhận.",
            decided_by=self.p.partner, approved_by=self.p.supervisor, number="15",
        )
        text = docx_text(render_document("identification_decision", identification_decision_context(decision)))
        for expected in ("QUYẾT ĐỊNH", "Về việc xác định nạn nhân bị mua bán", "Số: 15/QĐ-UBND",
                         "Tân Hồng, ngày 02 tháng 6 năm 2026", "Kết quả: Là nạn nhân bị mua bán.",
                         "1. Thông tin của cơ quan giải cứu (Điều 32 khoản 1 điểm b); nguồn: Biên bản giải cứu.",
                         "Có đủ căn cứ.", "Người được tiếp nhận xác nhận.", "Người đề xuất: Võ Văn Phối.",
                         "Đỗ Thị Giám", "(Ký, ghi rõ họ tên, đóng dấu)", "Trần Thị Bích Ngọc"):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_values_cannot_break_the_document(self):
        context = sample_context("intake_record")
        context["person"] = context["person"] | {"full_name": "A & B <C>"}
        text = docx_text(render_document("intake_record", context))
        self.assertIn("A & B <C>", text)
