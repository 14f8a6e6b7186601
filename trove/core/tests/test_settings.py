import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from trove.env import database_from_url, envbool, envint, secret

ROOT = Path(__file__).resolve().parents[3]
DEFAULT = Path("/srv/trove/var/trove.sqlite3")


def test_it_defaults_to_the_embedded_sqlite_file_with_wal_and_immediate_transactions():
    config = database_from_url("", default_sqlite=DEFAULT)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(DEFAULT)
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_it_reads_relative_and_absolute_sqlite_paths():
    assert database_from_url("sqlite:///var/x.sqlite3", default_sqlite=DEFAULT)["NAME"] == "var/x.sqlite3"
    assert database_from_url("sqlite:////tmp/x.sqlite3", default_sqlite=DEFAULT)["NAME"] == "/tmp/x.sqlite3"


def test_it_switches_to_postgresql_through_psycopg():
    config = database_from_url("postgres://trove:s%40cret@db.example:5433/trove_prod", default_sqlite=DEFAULT)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "trove_prod", "trove", "s@cret", "db.example", "5433")
    assert database_from_url("postgresql://postgres@127.0.0.1/t", default_sqlite=DEFAULT)["PORT"] == ""


@pytest.mark.parametrize("url", ["mysql://root@localhost/trove", "postgres://host:5432/", "postgres://h:port/x",
                                 "sqlite://", "nonsense"])
def test_a_malformed_database_url_says_what_to_set(url):
    with pytest.raises(ImproperlyConfigured, match="set DATABASE_URL to"):
        database_from_url(url, default_sqlite=DEFAULT)


def test_the_running_suite_uses_the_engine_the_environment_names():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite3"
    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)


def test_typed_helpers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("TROVE_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TROVE_TEST_FLAG"):
        envbool("TROVE_TEST_FLAG")
    monkeypatch.setenv("TROVE_TEST_FLAG", "off")
    assert envbool("TROVE_TEST_FLAG", True) is False
    monkeypatch.setenv("TROVE_TEST_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("TROVE_TEST_NUMBER", 10)


def test_a_secret_is_generated_once_into_var_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("TROVE_TEST_SECRET", raising=False)
    monkeypatch.delenv("TROVE_TEST_SECRET_FILE", raising=False)
    first = secret("TROVE_TEST_SECRET", tmp_path, generate=lambda: "generated-value")
    second = secret("TROVE_TEST_SECRET", tmp_path, generate=lambda: "another-value")
    assert first == second == "generated-value"
    assert (tmp_path / "trove_test_secret").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("TROVE_TEST_SECRET", "from-environment")
    assert secret("TROVE_TEST_SECRET", tmp_path) == "from-environment"


def test_the_defaults_are_safe():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)


def test_start_up_stops_with_one_clear_line_on_a_bad_database_url():
    result = run_manage("check", DATABASE_URL="mysql://root@localhost/trove")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0] and "postgres://" in lines[0]


def test_debug_is_off_unless_set():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
