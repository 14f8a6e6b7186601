"""The 2019 Tân Hồng plan, as the demo loads it, checked item by item against the seed document itself
(shared/seed/000_8cefcaa22de50bb8.txt, read here), and its Word export against the same text."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from docx import Document

from trove.core.models import AuditEntry, User
from trove.core.testing import sign_in
from trove.documents.dates import vietnamese_date
from trove.plans.demo import load_seed_plan, seed_demo_data
from trove.plans.document import reference_line
from trove.plans.models import Activity, AgencyReport, Plan, PlanStatus
from trove.plans.seed_2019 import SIGNER
from trove.plans.selectors import agency_rows
from trove.plans.tests.helpers import demo_setting

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "000_8cefcaa22de50bb8.txt"
COMMUNES = [f"th_commune_{code}" for code in range(29926, 29951, 3)]
# What the seed's words name, in the demo's agencies (trove.core.demo.AGENCIES_2019).
PHRASES = {
    "Bộ Chỉ huy Bộ đội Biên phòng Tỉnh đóng trên địa bàn": ["dt87_border"],
    "Công an huyện": ["th_police"],
    "Phòng Tài chính": ["th_finance"],
    "Phòng Văn hóa và Thông tin": ["th_culture"],
    "Phòng Lao động": ["th_labour"],
    "Viện Kiểm sát Nhân dân huyện": ["th_procuracy"],
    "Tòa án Nhân dân huyện": ["th_court"],
    "Hội Liên hiệp Phụ nữ huyện": ["th_women"],
    "Ủy ban nhân dân các xã, thị trấn": COMMUNES,
}
DUTY_AGENCIES = {
    "Phòng Lao động – Thương binh và Xã hội": ["th_labour"],
    "Công an Huyện": ["th_police"],
    "Phòng Tư pháp": ["th_justice"],
    "Phòng Y tế, Trung tâm Y tế huyện": ["th_health_office", "th_health_centre"],
    "Phòng Tài chính - Kế hoạch": ["th_finance"],
    "Phòng Giáo dục và Đào tạo": ["th_education"],
    "Đề nghị Hội Liên hiệp Phụ nữ huyện": ["th_women"],
    "Phòng Văn hóa và Thông tin": ["th_culture"],
    "Đề nghị Toà án Nhân dân và Viện kiểm sát Nhân dân huyện": ["th_court", "th_procuracy"],
    "Đề nghị Ủy ban MTTQ Việt Nam huyện": ["th_front"],
    "UBND các xã, thị trấn": COMMUNES,
}
NUMBERED = re.compile(r"^(\d+)\. (.+)$")


# The seed document as shipped with the tests: the original (shared/seed/) with its two names of people — the signer
# and the filing clerk's initials — replaced by invented ones, as in the demo data. test_the_copy_differs_only_in_names
# checks that against the original wherever the original is at hand.
COPY = Path(__file__).parent / "data" / "seed_2019_tan_hong.txt"


def _lines(path: Path) -> list[str]:
    # The document marks bold and italics with asterisks; they are not part of the text.
    text = path.read_text(encoding="utf-8").replace("*", "")
    return [line.strip() for line in text.splitlines() if line.strip()]


def seed_lines() -> list[str]:
    return _lines(COPY)


def test_the_copy_differs_from_the_original_only_in_the_two_names():
    if not SEED.exists():
        pytest.skip(f"the original seed document is not at {SEED} (the shipped copy is still checked by the others)")
    original, copy = _lines(SEED), _lines(COPY)
    assert len(original) == len(copy)
    differing = [index for index, (a, b) in enumerate(zip(original, copy, strict=True)) if a != b]
    filing = next(index for index, line in enumerate(copy) if line.startswith("- Lưu:"))
    assert differing == [filing, len(copy) - 1]
    assert copy[-1] == SIGNER[2]


def between(lines: list[str], start: str, end: str) -> list[str]:
    first = lines.index(start) + 1
    last = next(i for i in range(first, len(lines)) if lines[i].startswith(end))
    return lines[first:last]


def bullets(lines: list[str]) -> list[str]:
    return [line[2:] for line in lines if line.startswith("- ")]


class SeedPlanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agencies = demo_setting()
        cls.coordinator = User.objects.get(username="coordinator")
        cls.plan = load_seed_plan(agencies=cls.agencies, acting_user=cls.coordinator)

    def setUp(self):
        self.lines = seed_lines()

    def names(self, refs) -> set[str]:
        return {self.agencies[ref].name for ref in refs}

    def test_the_header_reference_and_introduction(self):
        plan, lines = self.plan, self.lines
        self.assertEqual(lines[0], "Số:")
        self.assertEqual(plan.number, "")
        self.assertEqual(lines[1], f"{plan.place}, {vietnamese_date(plan.date)}")
        self.assertEqual(lines[2], "KẾ HOẠCH")
        self.assertEqual(lines[3], plan.title)
        self.assertEqual([lines[4]], [reference_line(ref) for ref in plan.references.all()])
        self.assertEqual(lines[5], plan.introduction)
        self.assertEqual((plan.issuing_agency, plan.level, plan.unit.key, plan.status),
                         (self.agencies["th_pc"], "district", "legacy:869", PlanStatus.ISSUED))
        self.assertEqual((plan.period_start.isoformat(), plan.period_end.isoformat()), ("2019-01-01", "2019-12-31"))

    def test_the_objectives_and_targets(self):
        goals = bullets(between(self.lines, "1. Mục tiêu", "2. Các chỉ tiêu cụ thể"))
        targets = bullets(between(self.lines, "2. Các chỉ tiêu cụ thể", "II. NỘI DUNG THỰC HIỆN"))
        self.assertEqual(len(goals), 2)
        self.assertEqual([o.text for o in self.plan.objectives.filter(kind="goal")], goals)
        self.assertEqual([o.text for o in self.plan.objectives.filter(kind="target")], targets)

    def test_the_four_indicators_with_100_percent_targets(self):
        targets = " ".join(bullets(between(self.lines, "2. Các chỉ tiêu cụ thể", "II. NỘI DUNG THỰC HIỆN")))
        measured = re.findall(r"100% [^;.]+", targets)
        self.assertEqual(len(measured), 4)
        indicators = list(self.plan.indicators.all())
        self.assertEqual([i.wording for i in indicators], measured)
        self.assertEqual({(i.kind, i.target) for i in indicators}, {("share", 100)})
        self.assertEqual(indicators[2].definition_code, "verification.started")
        self.assertEqual(indicators[0].definition_code, "")  # no records of key routes in the system

    def test_the_two_content_items_with_their_lead_and_co_operating_agencies(self):
        part = between(self.lines, "II. NỘI DUNG THỰC HIỆN", "III. GIẢI PHÁP THỰC HIỆN")
        items = list(self.plan.content_items.select_related("lead_agency").prefetch_related("partners"))
        self.assertEqual(len(items), 2)
        for item in items:
            n = item.number
            self.assertIn(f"{n}. {item.title}", part)
            activities = bullets(between(part, f"{n}.1. Hoạt động chính", f"{n}.2. Cơ quan thực hiện"))
            self.assertEqual(item.activity_lines(), activities)
            agencies = part[part.index(f"{n}.2. Cơ quan thực hiện") + 1: part.index(f"{n}.2. Cơ quan thực hiện") + 3]
            lead = agencies[0].removeprefix("- Cơ quan chủ trì: ").rstrip(".")
            partners = agencies[1].removeprefix("- Cơ quan phối hợp: ").rstrip(".")
            self.assertEqual((item.lead_text, item.partners_text), (lead, partners))
            lead_refs = [ref for phrase, refs in PHRASES.items() if lead.startswith(phrase) for ref in refs]
            self.assertEqual({item.lead_agency.name}, self.names(lead_refs))
            partner_refs = [ref for phrase, refs in PHRASES.items() if phrase in partners for ref in refs]
            self.assertEqual({a.name for a in item.partners.all()}, self.names(partner_refs))

    def test_the_six_solutions(self):
        part = between(self.lines, "III. GIẢI PHÁP THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN")
        expected = [(int(m[1]), m[2]) for m in map(NUMBERED.match, part)]
        self.assertEqual(len(expected), 6)
        self.assertEqual([(s.number, s.text) for s in self.plan.solutions.all()], expected)

    def test_the_eleven_agencies_duties(self):
        part = between(self.lines, "IV. TỔ CHỨC THỰC HIỆN", "Giao phòng")
        expected = []
        for line in part:
            numbered = NUMBERED.match(line)
            if numbered:
                heading, _colon, task = numbered[2].partition(": ")
                expected.append([int(numbered[1]), heading, [task] if task else []])
            else:
                expected[-1][2].append(line.removeprefix("- "))
        self.assertEqual(len(expected), 11)
        duties = list(self.plan.duties.prefetch_related("agencies"))
        self.assertEqual([[d.number, d.heading, d.task_lines()] for d in duties], expected)
        for duty in duties:
            self.assertEqual({a.name for a in duty.agencies.all()}, self.names(DUTY_AGENCIES[duty.heading]),
                             duty.heading)

    def test_the_reporting_duty_recipients_and_signer(self):
        clause = next(line for line in self.lines if line.startswith("Giao phòng"))
        self.assertEqual(self.plan.report_clause, clause)
        self.assertEqual(self.plan.report_compiler, self.agencies["th_labour"])
        self.assertEqual(set(self.plan.report_recipients.all()), {self.agencies["th_pc"],
                                                                 self.agencies["dt87_labour"]})
        recipients = bullets(between(self.lines, "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"))
        self.assertEqual(len(recipients), 11)
        self.assertEqual(self.plan.recipient_lines(), recipients)
        self.assertEqual(self.lines[-3:], [self.plan.signer_authority, self.plan.signer_title, self.plan.signer_name])

    def test_the_word_export_reproduces_the_seed_text(self):
        client = self.client
        sign_in(client, self.coordinator)
        response = client.get(reverse("plans:export", args=[self.plan.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("KH-id", response["Content-Disposition"])
        document = Document(io.BytesIO(response.content))
        texts = [p.text for p in document.paragraphs]
        texts += [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
        found = {text.removeprefix("- ") for text in texts}
        # The layout writes the number's dots and puts a one-paragraph duty on its heading's line.
        duty_11 = self.lines.index("11. UBND các xã, thị trấn")
        layout = {"Số:", self.lines[duty_11], self.lines[duty_11 + 1]}
        missing = [line for line in self.lines if line not in layout and line.removeprefix("- ") not in found]
        self.assertEqual(missing, [])
        self.assertIn("Số: ……/KH-UBND", found)
        self.assertIn(f"{self.lines[duty_11]}: {self.lines[duty_11 + 1]}", found)
        self.assertNotIn("DỰ THẢO", found)
        self.assertTrue(AuditEntry.objects.filter(action="plan.export", object_id=str(self.plan.pk)).exists())


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agencies = demo_setting()
        seed_demo_data(cls.agencies)

    def test_the_2019_plan_at_work_and_the_2026_commune_plan(self):
        plan_2019 = Plan.objects.get(period_start__year=2019)
        self.assertEqual(Activity.objects.filter(series=plan_2019.series).count(), 8)
        self.assertEqual(AgencyReport.objects.filter(series=plan_2019.series).count(), 7)
        rows = {row.agency.name: row for row in agency_rows(plan_2019)}
        self.assertEqual(rows[self.agencies["th_justice"].name].overdue, 2)
        self.assertEqual(rows[self.agencies["th_labour"].name].overdue, 0)
        plan_2026 = Plan.objects.get(period_start__year=2026)
        self.assertEqual((plan_2026.level, plan_2026.unit.key, plan_2026.issuing_agency),
                         ("commune", "2025:29926", self.agencies["tan_hong_pc"]))
        self.assertEqual(plan_2026.status, PlanStatus.ISSUED)
        self.assertGreater(Activity.objects.filter(series=plan_2026.series).count(), 4)
        # The successors of the 2019 bodies see the archived plan: the health department's supervisor does.
        client = self.client
        sign_in(client, User.objects.get(username="supervisor"))
        self.assertEqual(client.get(reverse("plans:progress", args=[plan_2019.pk])).status_code, 200)
        self.assertEqual(client.get(reverse("plans:progress", args=[plan_2026.pk])).status_code, 200)
