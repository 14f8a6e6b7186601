"""Identity values never reach a log line or the audit table in clear, even with SQL logging switched on."""

import io
import logging

from django.core.management import call_command
from django.db import connection

from trove.core import audit
from trove.core.crypto import blind_index, generate_fernet_key
from trove.core.models import AuditEntry
from trove.core.testapp.models import IdentityRecord

NAME = "Nguyễn Thị Hoa"
ALIAS = "Hoa Xinh"


def test_saving_reading_auditing_and_rotating_identity_logs_no_plaintext(db, caplog, settings):
    # Both overrides through the ``settings`` fixture: mixing it with @override_settings restored the decorator's
    # DEBUG=True on teardown and left it on for every later test.
    settings.DEBUG = True
    output = io.StringIO()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        record = IdentityRecord.objects.create(
            full_name=NAME, full_name_index=blind_index(NAME, kind="name"), aliases=[ALIAS]
        )
        found = IdentityRecord.objects.get(full_name_index=blind_index("nguyen thi hoa", kind="name"))
        assert found.full_name == NAME
        audit.record("case.update", obj=record, changes=audit.diff(
            {"full_name": "", "note": "a"}, {"full_name": NAME, "note": "b"}, sensitive={"full_name"}))
        settings.FIELD_ENCRYPTION_KEYS = [generate_fernet_key(), *settings.FIELD_ENCRYPTION_KEYS]
        call_command("rotate_keys", "--restart", stdout=output)
    finally:
        connection.force_debug_cursor = False

    assert "SELECT" in caplog.text, "SQL logging should have been on, or this test proves nothing"
    assert "2 value(s) re-encrypted, 0 already on the first key" in output.getvalue()
    # Whole values with diacritics: they cannot turn up by chance inside base64 tokens.
    for value in (NAME, ALIAS, "Thị Hoa"):
        assert value not in caplog.text
        assert value not in output.getvalue()
    entry = AuditEntry.objects.get(action="case.update")
    assert NAME not in str(entry.changes)
    assert entry.changes["note"] == ["a", "b"]
    assert repr(IdentityRecord.objects.get(pk=record.pk)).find(NAME) == -1
