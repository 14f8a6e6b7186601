"""Key rotation killed in the middle (issue 14 part 3): the database stays consistent — every encrypted value is
readable with the key ring, no row is half-rotated — and the next run continues where the last committed batch ended.

Two ways to stop it: an error injected at a chosen value (any database), and a real ``manage.py rotate_keys`` process
killed with SIGKILL while it works (PostgreSQL, where a second process can open the test database)."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from trove.core import crypto
from trove.core.fields import encrypted_fields
from trove.core.testapp.models import IdentityRecord
from trove.core.tests.test_concurrency import committed, reference_data_afterwards  # noqa: F401 - fixtures

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
ROOT = Path(__file__).resolve().parents[3]


def raw_tokens(model, field) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field.column} FROM {model._meta.db_table} ORDER BY {model._meta.pk.column}")  # noqa: S608
        return [row[0] for row in cursor.fetchall() if row[0]]


def every_value_readable(keys: list[str]) -> tuple[int, int]:
    """Decrypt every stored encrypted value of every installed model with ``keys``; returns how many were on the
    first key and how many on the others. An unreadable value fails the test."""
    first, others = Fernet(keys[0].encode()), [Fernet(key.encode()) for key in keys[1:]]
    on_first = on_others = 0
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in encrypted_fields(model):
            for token in raw_tokens(model, field):
                try:
                    first.decrypt(token.encode())
                    on_first += 1
                except Exception:  # noqa: BLE001 - not on the first key: must be on another
                    for fernet in others:
                        try:
                            fernet.decrypt(token.encode())
                            on_others += 1
                            break
                        except Exception:  # noqa: BLE001, S112
                            continue
                    else:
                        raise AssertionError(f"{model._meta.label}.{field.name}: a value no key can read") from None
    return on_first, on_others


@pytest.mark.django_db
def test_an_error_in_the_middle_of_a_batch_rolls_the_batch_back_and_the_next_run_continues(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    for number in range(7):
        IdentityRecord.objects.create(full_name=f"Người thử {number}", aliases=[f"Bí danh {number}"])
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    real_rotate, calls = crypto.rotate, {"n": 0}

    def rotate_then_fail(token):
        calls["n"] += 1
        # Two values a row (name, aliases), three rows a batch: the 9th value is in the second batch, which is cut.
        if calls["n"] == 9:
            raise RuntimeError("injected fault")
        return real_rotate(token)

    with mock.patch.object(crypto, "rotate", rotate_then_fail), pytest.raises(RuntimeError):
        call_command("rotate_keys", "--batch-size", "3", stdout=io.StringIO())

    state = json.loads((tmp_path / "rotate_keys.json").read_text())
    ids = list(IdentityRecord.objects.order_by("id").values_list("id", flat=True))
    assert state["done"] == {"core_testapp.IdentityRecord": ids[2]}  # one whole batch of three rows committed
    tokens = raw_tokens(IdentityRecord, IdentityRecord._meta.get_field("full_name"))
    key_b = Fernet(KEY_B.encode())

    def on_b(token):
        try:
            key_b.decrypt(token.encode())
            return True
        except Exception:  # noqa: BLE001
            return False

    assert [on_b(token) for token in tokens] == [True, True, True, False, False, False, False]
    every_value_readable([KEY_B, KEY_A])

    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "3", stdout=out)
    assert "Continuing the rotation" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert every_value_readable([KEY_B])[1] == 0
    assert [r.full_name for r in IdentityRecord.objects.order_by("id")] == [f"Người thử {n}" for n in range(7)]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a second process opens the test database only on PostgreSQL (SQLite's is in memory)")
def test_a_rotation_killed_by_a_signal_leaves_every_value_readable_and_resumes(committed, settings, tmp_path):  # noqa: F811
    from trove.core.testing import make_personas
    from trove.people.models import Person
    from trove.verification.tests.helpers import open_case

    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    personas = make_personas()
    for number in range(5):
        open_case(personas, name=f"Người Thử Số {number}")
    # Enough rows that a rotation of one row per transaction takes seconds, so the kill lands in the middle.
    Person.objects.bulk_create([Person(full_name=f"Người Thử Hàng Loạt {n}", phone=f"09{n:08d}") for n in range(3000)])
    env = {**os.environ, "FIELD_ENCRYPTION_KEYS": f"{KEY_B},{KEY_A}", "TROVE_VAR_DIR": str(tmp_path),
           "BLIND_INDEX_KEY": django_settings.BLIND_INDEX_KEY,
           "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)}
    if connection.settings_dict.get("PASSWORD"):
        env["DATABASE_URL"] = "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    command = [sys.executable, str(ROOT / "manage.py"), "rotate_keys", "--batch-size", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    state_file = tmp_path / "rotate_keys.json"
    deadline = time.monotonic() + 120
    while not state_file.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # at once: the first batch is committed, thousands are not
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    connection.close()  # see what the killed process committed
    on_b, on_a = every_value_readable([KEY_B, KEY_A])
    assert on_b > 0 and on_a > 0, (on_b, on_a)  # killed in the middle, truly
    assert json.loads(state_file.read_text())["done"]

    finished = subprocess.run([*command[:-2], "--batch-size", "200"], cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                              text=True, timeout=600, check=True)
    assert "Continuing the rotation" in finished.stdout
    assert "Every encrypted value now uses the first key" in finished.stdout
    assert every_value_readable([KEY_B]) == (on_a + on_b, 0)
