"""Tables for publication: the command, the page, and the k = 11 rule on the dataset."""

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from trove.core.models import AuditEntry
from trove.geo.models import AdminUnit
from trove.reports.periods import parse_period
from trove.reports.places import Place
from trove.reports.publication import WITHHELD, publication_tables
from trove.reports.tests.helpers import ReportsTestCase

YEAR = {"kind": "year", "year": "2026", "units": "today"}


def numbers(lines: list[list[str]]) -> list[int]:
    return [int(value) for line in lines[1:] for value in line[1:] if value.isdigit()]


class PublicationTests(ReportsTestCase):
    def test_no_published_cell_describes_fewer_than_eleven_people(self):
        tables = publication_tables(parse_period("2026"), Place(AdminUnit.objects.by_key("2025:82")))
        self.assertTrue(tables)
        withheld = 0
        for table in tables:
            lines = table.published()
            self.assertFalse([n for n in numbers(lines) if 0 < n < 11], table.key)
            withheld += sum(value == WITHHELD for line in lines for value in line)
        self.assertGreater(withheld, 0)
        received = next(table for table in tables if table.key == "received-sex")
        self.assertEqual(received.text("total", "total"), "16")  # the total of the province may be published
        units = next(table for table in tables if table.key == "received-unit")
        labels = [label for _key, label in units.rows]
        self.assertNotIn("Xã Tân Hộ Cơ", labels)  # 2 persons: counted with the other units
        self.assertIn("Xã Tân Hồng", labels)

    def test_the_command_writes_the_tables_and_a_readme(self):
        with tempfile.TemporaryDirectory() as directory:
            call_command("publish_stats", "--period", "2026", "--out", directory, stdout=io.StringIO())
            files = sorted(path.name for path in Path(directory).iterdir())
            self.assertIn("README.txt", files)
            self.assertIn("received-sex.csv", files)
            for name in files:
                if name.endswith(".csv"):
                    lines = list(csv.reader(io.StringIO((Path(directory) / name).read_text("utf-8-sig"))))
                    self.assertFalse([n for n in numbers(lines) if 0 < n < 11], name)
            sex = list(csv.reader(io.StringIO((Path(directory) / "received-sex.csv").read_text("utf-8-sig"))))
            self.assertEqual(sex[-1][-1], "17")  # the whole country, An Giang included
        self.assertTrue(AuditEntry.objects.filter(action="report.publish", object_id="today:country/2026").exists())

    def test_the_command_refuses_bad_input(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        with self.assertRaisesMessage(CommandError, "before it starts"):
            call_command("publish_stats", "--period", "2026-05-01..2026-01-01", "--out", "/tmp/x")
        with self.assertRaisesMessage(CommandError, "63-province set"):
            call_command("publish_stats", "--period", "2026", "--place", "legacy:87", "--out", "/tmp/x")
        with self.assertRaisesMessage(CommandError, "No administrative unit"):
            call_command("publish_stats", "--period", "2026", "--place", "2025:99999", "--out", "/tmp/x")

    def test_the_page_and_its_workbook(self):
        self.sign_in(self.p.owner)
        response = self.client.get(reverse("reports:publication"), YEAR, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        for table in response.context["tables"]:
            self.assertFalse([n for n in numbers(table.published()) if 0 < n < 11])
        response = self.client.post(reverse("reports:publication"), YEAR)
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        values = [value for sheet in book for row in sheet.iter_rows(values_only=True) for value in row]
        self.assertFalse([v for v in values if isinstance(v, int) and 0 < v < 11])
        self.assertTrue(AuditEntry.objects.filter(action="report.publish", actor_id=self.p.owner.pk).exists())
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(reverse("reports:publication"), {**YEAR, "place": "2025:82"}).status_code,
                         404)
