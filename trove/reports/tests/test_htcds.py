"""The HTCDS v2.0 export: field and value names, codes, pseudonyms, permissions, reasons and the audit log."""

import csv
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from trove.core import permissions
from trove.core.models import AuditEntry, Job
from trove.reports.tests.helpers import ReportsTestCase

SHARED = Path("/work/shared/standards/htcds-v2-fields.tsv")
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "htcds-v2-fields.tsv"


def standard() -> dict[str, set[str]]:
    """Field name -> its value names (empty for free fields), from the HTCDS v2.0 sheet."""
    fields = {}
    for line in SHIPPED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("Field Name"):
            continue
        parts = line.split("\t")
        values = parts[4] if len(parts) > 4 else ""
        fields[parts[0]] = {v.strip() for v in values.split("/") if v.strip()} if " / " in values else set()
    return fields


def with_identifiable_export(role):
    granted = dict(permissions.ROLE_PERMISSIONS)
    granted[role] = granted[role] | {"export.identifiable"}
    return mock.patch.dict(permissions.ROLE_PERMISSIONS, granted)


class HtcdsTests(ReportsTestCase):
    def run_command(self, *args) -> bytes:
        with tempfile.TemporaryDirectory() as directory, translation.override("en"):
            out = Path(directory) / "export"
            call_command("export_htcds", "--out", str(out), *args, stdout=io.StringIO())
            return out.read_bytes()

    def test_the_shipped_field_list_is_the_standards(self):
        if SHARED.exists():
            self.assertEqual(SHIPPED.read_text(encoding="utf-8"), SHARED.read_text(encoding="utf-8"))

    def test_field_and_value_names_are_those_of_htcds(self):
        document = json.loads(self.run_command("--format", "json", "--pseudonymised", "--user", "p_supervisor"))
        fields = standard()
        self.assertEqual(document["standard"], "HTCDS v2.0")
        self.assertIn("IOM", document["credit"])
        records = document["records"]
        self.assertEqual(len(records), 21)  # every case the supervisor of Đồng Tháp may see
        for name in records[0]:
            self.assertTrue(name in fields or name.startswith("x_vn_"), name)
        for record in records:
            for name, value in record.items():
                if fields.get(name) and value:
                    for part in value.split(";"):
                        self.assertIn(part, fields[name], name)
        victims = [r for r in records if r["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"]
        self.assertEqual(len(victims), 5)
        self.assertEqual(sum(r["vic_TraffickingStatus"] == "NotAVictimOfTrafficking" for r in records), 1)
        multi = [r for r in records if ";" in r["vic_TypeOfExploitation"]]
        self.assertEqual([r["vic_TypeOfExploitation"] for r in multi], ["ForcedMarriage;SexualExploitation"])
        self.assertEqual({r["hte_Country"] for r in records} - {""}, {"CN", "KH", "MY"})
        self.assertEqual({r["prs_Gender"] for r in records}, {"Feminine", "Masculine", "NonConforming"})

    def test_the_pseudonymised_variant_holds_no_identity_and_stable_pseudonyms(self):
        first = json.loads(self.run_command("--format", "json", "--pseudonymised", "--user", "p_supervisor"))
        second = json.loads(self.run_command("--format", "json", "--pseudonymised", "--user", "p_supervisor"))
        text = json.dumps(first, ensure_ascii=False)
        for case in self.data.cases_2026:
            self.assertNotIn(case.person.full_name, text)
            self.assertNotIn(case.code, text)
            self.assertNotIn(case.pseudonym, text)
        self.assertTrue(all(r["prs_FirstName"] == "" and r["prs_Birthdate"] == "" for r in first["records"]))
        self.assertEqual([r["x_vn_record_id"] for r in first["records"]],
                         [r["x_vn_record_id"] for r in second["records"]])
        self.assertTrue(all(r["x_vn_record_id"].startswith("C-") for r in first["records"]))
        self.assertTrue(all(len(r["x_vn_received"]) == 7 for r in first["records"]))  # month only
        entry = AuditEntry.objects.filter(action="report.export_htcds").latest("id")
        self.assertEqual(entry.changes["records"], [None, 21])
        self.assertEqual(entry.changes["pseudonymised"], [None, True])

    def test_csv_with_multi_select_joined(self):
        content = self.run_command("--format", "csv", "--pseudonymised", "--user", "p_supervisor", "--period", "2019")
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 4)
        self.assertIn("ForcedMarriage;SexualExploitation", [row["vic_TypeOfExploitation"] for row in rows])
        self.assertIn("ForcedLabour", [row["x_vn_exploitation"] for row in rows])
        self.assertEqual({row["x_vn_regime"] for row in rows}, {"A"})

    def test_identifiable_exports_need_the_permission_and_a_reason(self):
        # The statistician may have exact statistics but not identifiable records (supervisors hold that).
        with self.assertRaisesMessage(CommandError, "Export data that identifies people"):
            self.run_command("--format", "json", "--user", "p_statistician", "--reason", "Gửi IOM theo công văn 15")
        with with_identifiable_export("supervisor"):
            with self.assertRaisesMessage(CommandError, "Write why"):
                self.run_command("--format", "json", "--user", "p_supervisor")
            document = json.loads(self.run_command("--format", "json", "--user", "p_supervisor", "--period", "2026",
                                                   "--place", "2025:29926", "--reason", "Gửi IOM theo công văn 15"))
        records = document["records"]
        self.assertEqual(len(records), 14)
        names = {case.person.full_name for case in self.data.cases_2026}
        self.assertEqual({f"{r['prs_SecondName']} {r['prs_MiddleName']} {r['prs_FirstName']}" for r in records}, names)
        self.assertEqual({r["x_vn_record_id"] for r in records}, {case.code for case in self.data.cases_2026})
        entry = AuditEntry.objects.filter(action="report.export_htcds").latest("id")
        self.assertEqual(entry.reason, "Gửi IOM theo công văn 15")
        self.assertEqual(entry.changes["pseudonymised"], [None, False])
        for case in self.data.cases_2026:
            self.assertNotIn(case.person.full_name, json.dumps(entry.changes, ensure_ascii=False))

    def test_who_may_export_records(self):
        with self.assertRaisesMessage(CommandError, "exact statistics"):
            self.run_command("--format", "json", "--pseudonymised", "--user", "p_owner")
        document = json.loads(self.run_command("--format", "json", "--pseudonymised", "--user", "p_statistician"))
        self.assertEqual(document["records"], [])  # statistics only: no case is within their reach
        with self.assertRaisesMessage(CommandError, "No active user"):
            self.run_command("--format", "json", "--pseudonymised", "--user", "nobody")
        with self.assertRaises(CommandError):
            self.run_command("--format", "json", "--pseudonymised", "--user", "p_supervisor", "--place", "2025:91",
                             "--period", "2026")

    def test_the_page(self):
        url = reverse("reports:htcds")
        year = {"kind": "year", "year": "2026", "units": "today"}
        for user in (self.p.owner, self.p.readonly, self.p.outsider, self.p.auditor):
            self.sign_in(user)
            self.assertEqual(self.client.get(url, year).status_code, 403, user.username)
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.client.get(url, year).status_code, 200)
        response = self.client.post(url, {**year, "format": "json", "pseudonymised": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(json.loads(response.content)["records"]), 16)
        self.sign_in(self.p.statistician)
        response = self.client.post(url, {**year, "format": "json", "reason": "x"}, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Export data that identifies people", status_code=403)
        self.sign_in(self.p.supervisor)
        with with_identifiable_export("supervisor"):
            response = self.client.post(url, {**year, "format": "csv", "reason": "short"}, HTTP_ACCEPT_LANGUAGE="en")
            self.assertContains(response, "Write why", status_code=400)
            response = self.client.post(url, {**year, "format": "csv", "reason": "Trả lời công văn số 99/IOM"})
            self.assertEqual(response.status_code, 200)
            self.assertIn(self.data.cases_2026[0].code, response.content.decode("utf-8-sig"))


class HtcdsBackgroundTests(ReportsTestCase):
    @override_settings(REPORTS_INLINE_HTCDS_LIMIT=3)
    def test_a_large_export_runs_as_a_job_whose_parameters_hold_no_reason(self):
        self.sign_in(self.p.supervisor)
        with with_identifiable_export("supervisor"), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("reports:htcds"), {"kind": "year", "year": "2026", "units": "today",
                                                                   "format": "csv", "reason": "Trả lời công văn 7/IOM"})
        job = Job.objects.get(created_by=self.p.supervisor, kind="reports.export")
        self.assertRedirects(response, reverse("job", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.status, "done", job.message)
        self.assertNotIn("IOM", json.dumps(job.params, ensure_ascii=False))
        self.assertEqual(job.summary, {"records": 16})
        content = self.client.get(reverse("job_download", args=[job.pk])).content.decode("utf-8-sig")
        self.assertEqual(len(list(csv.DictReader(io.StringIO(content)))), 16)
        entry = AuditEntry.objects.filter(action="report.export_htcds").latest("id")
        self.assertEqual(entry.reason, "Trả lời công văn 7/IOM")
        self.assertEqual(entry.changes["background"], [None, True])
