"""Hostile input (issue 14 part 5): every form, the search pages, uploads and the API meet text an attacker or a broken
client would send — very long strings, NUL bytes, lone surrogates, script tags, SQL — and each either accepts it as
plain text or refuses it with a message; never a server error.

The form tests find every form class in the project's ``forms`` modules, so a new form is fuzzed at once (a form
whose constructor needs arguments gets them from ``FORM_ARGUMENTS``; one missing there fails).
"""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pkgutil
import shutil
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.functional import empty
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

import trove
from trove.agencies.models import Agency
from trove.api.tests.helpers import make_token
from trove.core.storage import private_storage
from trove.core.testing import PersonaTestCase, make_personas, sign_in
from trove.verification.tests.helpers import open_case

SCRIPT = '<script>alert("x")</script>'
HOSTILE = [
    "", " ", SCRIPT, "\"'><img src=x onerror=alert(1)>", "'; DROP TABLE cases_case; --", "' OR '1'='1",
    "1; SELECT pg_sleep(5)", "%' OR 1=1 --", "\x00", "abc\x00def", "\u202e\u200b\ufeff",
    "../../../etc/passwd", "{{ 7*7 }}", "${7*7}", "0" * 300, "A" * 100_000, "Nguyễn Thị <b>Đậm</b>", "\r\n\t",
    "9" * 40, "-1", "2026-02-30", "1e309", "NaN",
]
# Lone surrogates cannot reach a form through a page: the request is decoded with replacement characters (see
# PageTests). They can reach the API through JSON escapes, which PageTests and the API tests send.
LONE_SURROGATES = ["\ud800", "a\udfffb"]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                 st.text(st.characters(codec="utf-8", categories=("Cc", "Lo", "Zs", "So", "Mn")), max_size=20))
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def form_classes() -> list[type[forms.BaseForm]]:
    """Every form defined in a ``trove.<app>.forms`` module."""
    found = []
    for module_info in pkgutil.iter_modules(trove.__path__):
        try:
            module = importlib.import_module(f"trove.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__ and value.base_fields:
                found.append(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _form_arguments(p) -> dict[str, dict]:
    """What the forms whose constructors need more than data are given (as their views give them)."""
    from trove.imports.registry import all_kinds as import_kinds
    from trove.imports.registry import get_kind as import_kind
    from trove.plans.models import ActivityKind

    agencies = Agency.objects.filter(pk__in=[p.owner_agency.pk, p.province_agency.pk])
    return {
        "trove.cases.forms.IntakeForm": {"agency": p.owner_agency},
        "trove.imports.forms.UploadForm": {"agencies": agencies, "kinds": import_kinds()},
        "trove.imports.forms.SheetForm": {"sheets": ["Danh sách", "Sheet2"]},
        "trove.imports.forms.MappingForm": {"kind": import_kind("persons"), "labels": ["Họ và tên", "Năm sinh"],
                                            "agency": p.owner_agency},
        "trove.intel.forms.TipForm": {"agencies": agencies},
        "trove.intel.forms.ProceedingForm": {"agencies": agencies},
        "trove.plans.forms.ActivityForm": {"kind": ActivityKind.TRAINING, "agencies": agencies,
                                           "plan_agencies": agencies, "items": [], "solutions": []},
        "trove.reports.forms.ReportForm": {"user": p.owner},
    }


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _data_for(form: forms.BaseForm, value: str) -> dict[str, str]:
    """The same hostile value in every field, under the names the field's widget reads (``name_0``… for a
    multi-widget), as a browser would post them."""
    data = {}
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for index in range(len(widget.widgets)):
                data[f"{html_name}_{index}"] = value
        else:
            data[html_name] = value
    return data


def _plain_text_fields(form: forms.BaseForm) -> list[str]:
    """Fields that keep what was typed as it was (after trimming): plain CharFields without a clean_<name> method."""
    return [name for name, field in form.fields.items()
            if type(field) is forms.CharField and not hasattr(form, f"clean_{name}")]


class FormFuzzTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.p = make_personas()

    def make(self, cls, data=None, files=None):
        kwargs = _form_arguments(self.p).get(_name(cls), {})
        form = cls(data, files, **kwargs) if "user" not in kwargs else cls(data, **kwargs)
        for field in form.fields.values():
            # Some choice fields get their records from the view (the user's agencies, say).
            if isinstance(field, forms.ModelChoiceField) and field.queryset is None:
                field.queryset = Agency.objects.all()
        return form

    def test_every_form_can_be_built(self):
        classes = form_classes()
        self.assertGreater(len(classes), 50)
        failures = []
        for cls in classes:
            try:
                self.make(cls, {})
            except TypeError as error:
                failures.append(f"{_name(cls)}: {error} (add it to _form_arguments)")
        self.assertEqual(failures, [])

    @FUZZ
    @given(value=TEXT, index=st.integers(min_value=0, max_value=10_000))
    def test_a_form_answers_hostile_text_with_errors_or_keeps_it_as_text(self, value, index):
        classes = form_classes()
        cls = classes[index % len(classes)]
        self.check(cls, value)

    def test_every_form_meets_every_listed_hostile_value(self):
        for cls in form_classes():
            for value in HOSTILE:
                with self.subTest(form=_name(cls), value=value[:20]):
                    self.check(cls, value)

    def check(self, cls, value: str) -> None:
        form = self.make(cls, {})
        form = self.make(cls, _data_for(form, value))
        valid = form.is_valid()  # must not raise, whatever the text
        if valid:
            for name in _plain_text_fields(form):
                cleaned = form.cleaned_data.get(name)
                if isinstance(cleaned, str) and cleaned:
                    self.assertEqual(cleaned, value.strip(), f"{_name(cls)}.{name} changed the text it keeps")
            # PostgreSQL cannot store a NUL in text: no form may accept one.
            for name, cleaned in form.cleaned_data.items():
                self.assertNotIn("\x00", str(cleaned), f"{_name(cls)}.{name} accepted a NUL byte")
        else:
            self.assertTrue(form.errors)
        rendered = str(form)
        self.assertNotIn(SCRIPT, rendered, f"{_name(cls)} renders a script tag unescaped")


class SignedIn(PersonaTestCase):
    """The owner signed in on a client that answers a server error with a 500 (not an exception), a case whose
    person's name holds a script, and files written under a temporary root."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, name=f"Lê Thị {SCRIPT}")

    def setUp(self):
        self.root = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        overrides = override_settings(ATTACHMENTS_ROOT=self.root)
        overrides.enable()
        self.addCleanup(overrides.disable)
        private_storage._wrapped = empty
        self.addCleanup(setattr, private_storage, "_wrapped", empty)
        self.client = Client(raise_request_exception=False)
        sign_in(self.client, self.p.owner)


class PageTests(SignedIn):
    """Script, SQL, NUL bytes and invalid Unicode sent to real pages and API operations."""

    def assertEscaped(self, response):  # noqa: N802
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNotIn(SCRIPT, body)
        self.assertIn("&lt;script&gt;", body)
        policy = response.get("Content-Security-Policy", "")
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy.split("script-src", 1)[1].split(";", 1)[0])

    def test_script_in_a_name_and_a_note_is_escaped_on_the_case_pages(self):
        from trove.support import actions as support

        support.plan_save(case=self.case, acting_user=self.p.owner, goals=f"Ổn định {SCRIPT}")
        self.assertEscaped(self.client.get(self.case.get_absolute_url()))
        self.assertEscaped(self.client.get(reverse("cases:list"), {"q": SCRIPT}))
        self.assertEscaped(self.client.get(reverse("support:case_plan", args=[self.case.code])))

    def test_script_in_an_export_stays_text(self):
        response = self.client.get(reverse("documents:intake_record", args=[self.case.code]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"<script>", response.content)

    def test_sql_and_broken_text_in_searches_give_a_page_not_an_error(self):
        pages = [reverse("cases:list"), reverse("registries:list", args=["suspected"]), reverse("geo:units"),
                 reverse("agencies:directory"), reverse("verification:deadlines"), reverse("notifications:list"),
                 reverse("intel:proceedings"), reverse("plans:list"), reverse("reports:statistics")]
        values = ["'; DROP TABLE cases_case; --", "' OR '1'='1", "%' OR 1=1 --", "\\", "%", "_", "A" * 5000,
                  "\x00", "a\x00b", "\ufffd"]
        for url in pages:
            for value in values:
                for name in ("q", "page", "status", "unit", "agency_type", "year", "place", "kind"):
                    with self.subTest(url=url, name=name, value=value[:12]):
                        response = self.client.get(url, {name: value})
                        self.assertIn(response.status_code, (200, 302, 400, 403), response.content[:300])

    def test_invalid_utf8_and_nul_in_a_raw_query_string_give_no_error(self):
        for query in ("q=%ED%A0%80", "q=%00", "q=%FF%FE", "q=%C0%AF", "page=%00", "q=" + "%41" * 20_000):
            with self.subTest(query=query[:20]):
                response = self.client.get(f"{reverse('cases:list')}?{query}")
                self.assertIn(response.status_code, (200, 400))

    def test_nul_and_broken_text_in_a_post_give_a_form_error(self):
        url = reverse("support:plan_save", args=[self.case.code])
        for value in ("abc\x00def", "\x00"):
            response = self.client.post(url, {"goals": value, "review_on": "2026-02-30"})
            self.assertIn(response.status_code, (200, 302, 400), response.content[:300])
        self.assertNotIn("\x00", str(self.case.support_plan.goals if hasattr(self.case, "support_plan") else ""))
        response = self.client.post(reverse("cases_intake:form"), {"full_name": "a\x00b", "channel": "\x00"})
        self.assertIn(response.status_code, (200, 400))

    def test_the_api_refuses_nul_and_lone_surrogates_with_400(self):
        token = make_token(self.p.owner)
        api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
        body = {"channel": "self_reported", "received_at": "2026-01-05T10:00:00+07:00", "place_kind": "commune",
                "place_unit": "2025:29926", "place_name": "UBND xã", "person": {"full_name": "x", "sex": "female"}}
        for value in ("a\x00b", "\ud800", "a\udfffb", "A" * 100_000, SCRIPT):
            with self.subTest(value=value[:10]):
                payload = json.dumps({**body, "person": {**body["person"], "full_name": value}})
                response = api.post("/api/v1/intakes", payload, content_type="application/json")
                self.assertIn(response.status_code, (201, 400, 422), response.content[:300])
        broken = api.post("/api/v1/intakes", b'{"channel": "\xff\xfe', content_type="application/json")
        self.assertIn(broken.status_code, (400, 422))
        for query in ("q=%00", "q=%ED%A0%80", "q=" + "x" * 5000):
            response = api.get(f"/api/v1/admin-units?{query}")
            self.assertIn(response.status_code, (200, 400, 422), query[:10])


class UploadTests(SignedIn):
    """Uploads: a file that is not what its name says, over the limit, a zip bomb, a path in the name."""

    def upload(self, name: str, content: bytes):
        return self.client.post(reverse("cases:attachment_upload", args=[self.case.code]),
                                {"file": SimpleUploadedFile(name, content, "application/pdf"), "description": "x"},
                                HTTP_ACCEPT_LANGUAGE="en")

    def stored(self) -> list[Path]:
        return [path for path in self.root.rglob("*") if path.is_file()]

    def test_a_program_named_like_a_pdf_is_refused(self):
        response = self.upload("giấy.pdf", b"MZ\x90\x00" + b"\x00" * 200)
        self.assertContains(response, "cannot be attached", status_code=400)
        self.assertEqual(self.stored(), [])

    @override_settings(ATTACHMENT_MAX_BYTES=1000)
    def test_a_file_over_the_limit_is_refused_with_the_limit_named(self):
        response = self.upload("giấy.pdf", b"%PDF-1.4\n" + b"0" * 5000)
        self.assertContains(response, "at most", status_code=400)
        self.assertEqual(self.stored(), [])

    def test_a_path_in_the_file_name_never_reaches_the_storage_path(self):
        for name in ("../../../../tmp/evil.pdf", "..\\..\\evil.pdf", "/etc/passwd.pdf", "a\x00b.pdf"):
            with self.subTest(name=name):
                self.upload(name, b"%PDF-1.4\n% synthetic\n")
        for path in self.stored():
            self.assertTrue(path.resolve().is_relative_to(self.root.resolve()), path)
            self.assertNotIn("evil", path.name)
            self.assertNotIn("passwd", str(path))
        self.assertFalse(Path("/tmp/evil.pdf").exists())

    def import_upload(self, name: str, content: bytes):
        return self.client.post(reverse("imports:new"), {
            "kind": "persons", "agency": self.p.owner_agency.pk,
            "file": SimpleUploadedFile(name, content, "application/octet-stream"),
        }, HTTP_ACCEPT_LANGUAGE="en")

    def test_an_import_workbook_that_is_not_one_is_refused_with_a_message(self):
        for name, content in (("danh sách.xlsx", b"MZ\x90\x00not a workbook"), ("danh sách.xlsx", b""),
                              ("danh sách.xlsx", b"PK\x03\x04broken zip"), ("danh sách.csv", b"\xff\xfe\x00\x00"),
                              ("../../danh sách.xlsx", b"<html><script>alert(1)</script>")):
            with self.subTest(name=name, content=content[:8]):
                response = self.import_upload(name, content)
                if response.status_code == 302:
                    # A text file that decodes (an empty UTF-32 one) is taken; its next step says what it holds.
                    self.assertEqual(self.client.get(response["Location"]).status_code, 200)
                    continue
                self.assertIn(response.status_code, (200, 400), response.content[:300])
                self.assertContains(response, "error", status_code=response.status_code)
        for path in self.stored():
            self.assertTrue(path.resolve().is_relative_to(self.root.resolve()), path)

    def test_a_zip_bomb_disguised_as_a_workbook_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
            bomb.writestr("[Content_Types].xml", "<Types/>")
            with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:  # 200 MB of zeros, about 200 kB packed
                for _ in range(200):
                    sheet.write(b"0" * 1_000_000)
        self.assertLess(len(buffer.getvalue()), 1_000_000)
        response = self.import_upload("danh sách.xlsx", buffer.getvalue())
        self.assertIn(response.status_code, (200, 400))
        self.assertContains(response, "errorlist", status_code=response.status_code)

    @override_settings(IMPORT_MAX_MB=1)
    def test_an_import_over_the_limit_is_refused(self):
        response = self.import_upload("danh sách.csv", b"a;b\n" + b"x;y\n" * 400_000)
        self.assertIn(response.status_code, (200, 400))
        self.assertContains(response, "errorlist", status_code=response.status_code)
