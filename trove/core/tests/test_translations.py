"""Every user-facing string has a Vietnamese translation: no app catalogue may have an untranslated or fuzzy entry,
and every placeholder in the English must appear in the Vietnamese (msgfmt --check)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

APPS_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS_DIR.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_vietnamese_catalogue():
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {"core", "geo", "agencies"} <= apps


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_the_vietnamese_catalogue_is_complete(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_the_interface_speaks_vietnamese_by_default_and_english_on_request():
    from django.utils.translation import gettext

    with translation.override("vi"):
        assert gettext("Sign in") == "Đăng nhập"
        assert gettext("Agencies") == "Cơ quan"
    with translation.override("en"):
        assert gettext("Sign in") == "Sign in"
