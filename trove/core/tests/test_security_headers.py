"""Security headers on every page, and a clean `check --deploy` under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[3]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_the_content_security_policy_forbids_inline_script(client, db):
    response = client.get("/signin/")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Our own pages must keep to it: no inline handlers or inline scripts in what we send.
    assert "onclick=" not in response.text and "onchange=" not in response.text
    assert "<script>" not in response.text


@override_settings(DEBUG=False)
def test_production_headers(client, db):
    response = client.get("/signin/", secure=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "1",
        "ALLOWED_HOSTS": "example.org",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "TROVE_VAR_DIR": str(tmp_path),
        # Production sends mail: the console backend that development uses is an error under --deploy.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
