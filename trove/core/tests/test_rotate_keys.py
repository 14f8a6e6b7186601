import datetime
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from trove.core.testapp.models import ContactRecord, IdentityRecord

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def old_key(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    settings.VAR_DIR = tmp_path


def rotate_keys(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def raw_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM core_testapp_identityrecord ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def make_records(count: int) -> None:
    for number in range(count):
        IdentityRecord.objects.create(
            full_name=f"Người số {number}", birth_date=datetime.date(1990, 1, 1 + number % 28),
            aliases=[f"Bí danh {number}"],
        )
    ContactRecord.objects.create(phone="0912345678")


def test_it_moves_every_value_to_the_new_key(settings):
    make_records(5)
    IdentityRecord.objects.create(full_name="", birth_date=None, aliases=None)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    output = rotate_keys("--batch-size", "2")

    assert "core_testapp.IdentityRecord.full_name/birth_date/aliases  6/6 (100%)" in output
    assert "core_testapp.ContactRecord.phone  1/1 (100%)" in output
    assert "16 value(s) re-encrypted, 0 already on the first key" in output
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    records = list(IdentityRecord.objects.order_by("id"))
    assert [record.full_name for record in records] == [f"Người số {n}" for n in range(5)] + [""]
    assert records[2].birth_date == datetime.date(1990, 1, 3)
    assert records[4].aliases == ["Bí danh 4"]
    assert ContactRecord.objects.get().phone == "0912345678"


def test_it_prints_progress_per_batch(settings):
    make_records(5)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate_keys("--batch-size", "2")
    assert "2/5 (40%)" in output
    assert "4/5 (80%)" in output
    assert "5/5 (100%)" in output


def test_it_continues_after_an_interruption(settings, tmp_path):
    make_records(5)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    first = rotate_keys("--batch-size", "2", "--max-batches", "1")

    assert "Stopped after 1 batch(es)" in first
    state = json.loads((tmp_path / "rotate_keys.json").read_text())
    first_two = list(IdentityRecord.objects.order_by("id").values_list("id", flat=True)[:2])
    assert state["done"] == {"core_testapp.IdentityRecord": first_two[-1]}
    assert KEY_B not in json.dumps(state)
    untouched = raw_names()[2:]

    second = rotate_keys("--batch-size", "2")

    assert "Continuing the rotation" in second
    assert "4/5 (80%)" in second and "2/5" not in second
    assert "10 value(s) re-encrypted, 0 already on the first key" in second
    assert all(token not in raw_names() for token in untouched)
    assert not (tmp_path / "rotate_keys.json").exists()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert [record.full_name for record in IdentityRecord.objects.order_by("id")] == [
        f"Người số {n}" for n in range(5)
    ]


def test_running_again_changes_nothing(settings):
    make_records(3)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate_keys()
    tokens = raw_names()

    output = rotate_keys()

    assert "0 value(s) re-encrypted, 10 already on the first key" in output
    assert raw_names() == tokens


def test_progress_of_another_target_key_is_ignored(settings, tmp_path):
    make_records(3)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate_keys("--batch-size", "1", "--max-batches", "1")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), KEY_B, KEY_A]

    output = rotate_keys()

    assert "Continuing" not in output
    assert "10 value(s) re-encrypted, 0 already on the first key" in output


def test_it_reports_values_no_key_can_read(settings):
    make_records(1)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    with pytest.raises(CommandError, match="4 value") as error:
        rotate_keys()

    assert "core_testapp.IdentityRecord pk" in str(error.value)
    assert "Người" not in str(error.value)
