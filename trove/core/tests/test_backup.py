"""Backup and restore round-trip every table and every private file exactly (issue 14 part 4)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from trove.agencies.models import Agency
from trove.cases.attachment_actions import attachment_add
from trove.cases.demo import seed_demo_cases
from trove.cases.models import Case
from trove.core import actions, backup, jobs
from trove.core.models import AuditEntry, Job
from trove.core.testing import make_personas
from trove.geo.models import AdminUnit

PDF = b"%PDF-1.4\n% synthetic\n" + b"0" * 200


@jobs.handler("test.backup_result")
def _result(job, progress):
    progress.attach("bảng.csv", "text/csv", b"ma_ho_so\nDT-2026-00001\n")


def snapshot() -> dict:
    """Every row of every table (auto-created many-to-many tables included), decrypted, in id order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in backup.SKIPPED or not model._meta.managed:
            continue
        if model._meta.auto_created:  # a many-to-many table: its rows' own ids carry no meaning
            fields = [field.attname for field in model._meta.fields if not field.primary_key]
            rows[label] = sorted(model._base_manager.values_list(*fields))
        else:
            rows[label] = list(model._base_manager.order_by("pk").values_list())
    return rows


def files(root: Path) -> dict:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def wipe(root: Path) -> None:
    """Empty the installation the way a new one is: no rows, no files (reference data goes too)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the append-only trigger; the test's transaction rolls this back
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
    with connection.constraint_checks_disabled():
        for model in reversed(backup._models()):
            for field in model._meta.many_to_many:
                field.remote_field.through._base_manager.all()._raw_delete(connection.alias)
            model._base_manager.all()._raw_delete(connection.alias)
    for path in root.rglob("*"):
        if path.is_file():
            path.unlink()


@pytest.fixture
def installation(db, tmp_path):
    root = tmp_path / "private"
    root.mkdir()
    with override_settings(ATTACHMENTS_ROOT=root):
        p = make_personas()
        seed_demo_cases(intake_officer=p.owner, agency=p.owner_agency)
        case = Case.objects.order_by("pk").first()
        attachment_add(acting_user=p.owner, case=case, name="Giấy xác nhận.pdf", content=PDF)
        actions.identity_restrict(acting_user=p.owner, obj=case, members=[], reason="Giữ kín vì lý do an toàn")
        job = Job.objects.create(kind="test.backup_result", created_by=p.owner)
        jobs.run(str(job.pk))
        yield root


def test_a_backup_restores_every_row_and_file_exactly(installation, tmp_path):
    root = installation
    before, before_files = snapshot(), files(root)
    assert before["cases.case"] and before["core.identityrestriction"] and len(before_files) == 2
    archive = tmp_path / "trove.backup"
    call_command("backup", out=archive, stdout=open(tmp_path / "out.txt", "w"))
    content = archive.read_bytes()
    # Sealed: neither a name nor a case code nor the attachment's bytes appear in the archive. (Markers are long or
    # non-ASCII: a short ASCII string can turn up by chance in the archive's base64 tokens.)
    for clear in ("Nguyễn Thị Thu Trang".encode(), b"DT-2026-0000", b"%PDF-1.4\n% synthetic"):
        assert clear not in content
    after_backup = snapshot()  # the backup itself wrote one audit entry
    wipe(root)
    assert not Case.objects.exists() and not AdminUnit.objects.exists() and not files(root)
    call_command("restore", archive, stdout=open(tmp_path / "out.txt", "w"))
    restored = snapshot()
    restored_entries = restored.pop("core.auditentry")
    expected = dict(after_backup)
    expected_entries = expected.pop("core.auditentry")
    assert restored == expected
    # The audit log comes back whole, plus one entry saying it was restored.
    assert restored_entries[:-1] == expected_entries[:len(restored_entries) - 1]
    assert AuditEntry.objects.order_by("-pk").first().action == "backup.restore"
    assert files(root) == before_files
    call_command("audit_verify", stdout=open(tmp_path / "out.txt", "w"))
    # Sequences continue after the restored ids.
    agency = Agency.objects.create(name="Cơ quan mới", agency_type="other", unit=AdminUnit.objects.first())
    assert agency.pk > max(row[0] for row in before["agencies.agency"])


def test_restore_refuses_an_installation_that_holds_data(installation, tmp_path):
    archive = tmp_path / "trove.backup"
    backup.backup(archive)
    count = Case.objects.count()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", archive)
    assert Case.objects.count() == count


def test_restore_refuses_a_damaged_archive_and_keeps_nothing(installation, tmp_path):
    root = installation
    archive = tmp_path / "trove.backup"
    backup.backup(archive)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    wipe(root)
    with pytest.raises(CommandError):
        call_command("restore", archive)
    assert not Case.objects.exists() and not files(root)


def test_restore_needs_the_same_blind_index_key(installation, tmp_path):
    root = installation
    archive = tmp_path / "trove.backup"
    backup.backup(archive)
    wipe(root)
    with override_settings(BLIND_INDEX_KEY="another-key"), pytest.raises(CommandError, match="BLIND_INDEX_KEY"):
        call_command("restore", archive)
    assert not Case.objects.exists()


def test_backup_refuses_to_overwrite_a_file(installation, tmp_path):
    archive = tmp_path / "old.backup"
    archive.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", out=archive)
    assert archive.read_bytes() == b"keep me"
