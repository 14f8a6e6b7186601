import io

import docx
from django.urls import reverse
from docx.shared import Pt

from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.documents.tests.helpers import docx_text, handover_case

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class IntakeRecordTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = handover_case(cls.p)
        cls.url = reverse("documents:intake_record", args=[cls.case.code])

    def generated(self):
        return AuditEntry.objects.filter(action="document.generate")

    def test_it_gives_the_owner_the_record_as_a_word_file_and_audits_it(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX)
        self.assertIn(f'filename="BB-tiep-nhan-{self.case.code}.docx"', response["Content-Disposition"])
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertNotIn("Ngoc", response["Content-Disposition"])
        self.assertIn("no-store", response["Cache-Control"])
        entry = self.generated().get()
        self.assertEqual((entry.actor, entry.object_type, entry.object_id), (self.p.owner, "cases.case",
                                                                             str(self.case.pk)))
        self.assertEqual(entry.changes["kind"], "intake_record")
        self.assertNotIn("Ngọc", str(entry.changes))

    def test_the_record_holds_the_fields_of_the_intake(self):
        self.sign_in(self.p.owner)
        text = docx_text(self.client.get(self.url).content)
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND XÃ TÂN HỒNG (THỬ)",  # the issuing body, upper case
            "Số: ……/BB-UBND",
            "Tân Hồng, ngày 14 tháng 5 năm 2026",
            "BIÊN BẢN TIẾP NHẬN",
            self.case.code,
            "Họ và tên: Trần Thị Bích Ngọc",
            "Căn cước công dân số 087304001234",
            "Hình thức: Trao trả chính thức",
            "Hồi 09 giờ 30 phút, ngày 14 tháng 5 năm 2026",
            "Cửa khẩu quốc tế Dinh Bà",
            "Trở về từ: Campuchia",
            "1. Biên bản bàn giao, số 12/BB, do Cảnh sát Campuchia cấp ngày 13 tháng 5 năm 2026.",
            "Trần Minh An, sinh năm 2022 (con trai)",
            "Chỗ ở tạm thời",
            "Căn cứ Luật Phòng, chống mua bán người số 53/2024/QH15",
            "Nơi nhận:",
            "- Sở Y tế tỉnh Đồng Tháp;",
            "NGƯỜI LẬP BIÊN BẢN",
            "Lê Thị Chủ",  # the receiving officer signs the record
            "THỦ TRƯỞNG CƠ QUAN TIẾP NHẬN",
            "(Ký, ghi rõ họ tên, đóng dấu)",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertNotIn("{{", text)

    def test_the_page_follows_decree_30(self):
        self.sign_in(self.p.owner)
        document = docx.Document(io.BytesIO(self.client.get(self.url).content))
        section = document.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)), (210, 297))
        margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                         section.right_margin)]
        self.assertTrue(20 <= margins[0] <= 25 and 20 <= margins[1] <= 25, margins)
        self.assertTrue(30 <= margins[2] <= 35 and 15 <= margins[3] <= 20, margins)
        normal = document.styles["Normal"].font
        self.assertEqual(normal.name, "Times New Roman")
        self.assertTrue(Pt(13) <= normal.size <= Pt(14))
        header_right = document.tables[0].rows[0].cells[1].paragraphs
        self.assertTrue(all(run.bold for run in header_right[0].runs + header_right[1].runs))

    def test_a_supervisor_in_scope_may_generate_it(self):
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_an_outsider_gets_404_and_nothing_is_generated(self):
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(self.generated().exists())

    def test_a_read_only_member_who_may_not_see_identity_gets_403(self):
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertFalse(self.generated().exists())

    def test_an_unknown_code_is_404_and_a_visitor_must_sign_in(self):
        self.sign_in(self.p.owner)
        self.assertEqual(self.client.get(reverse("documents:intake_record", args=["DT-2026-99999"])).status_code,
                         404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
