"""Archiving a year of the audit log (``audit_archive``) and verifying across archives (``audit_verify``).

The years are counted back from this one, so the tests do not age. Archiving detaches and drops a partition inside
the test's transaction; the rollback brings it back. Files go to pytest's temporary folder.
"""

import datetime
import gzip
import hashlib
import io
import json
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from trove.core.audit_partitions import current_year, ensure_partitions, partition_name, year_partitions
from trove.core.models.audit import GENESIS_HASH, AuditArchive, AuditEntry
from trove.core.tests.test_audit import tamper, verify
from trove.core.tests.test_audit_partitions import VIETNAM, record_at

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="archiving takes a year's partition: PostgreSQL"),
    pytest.mark.django_db,
]
THIS = current_year()
OLDEST = THIS - 5


@pytest.fixture
def history():
    """Three entries in each of the five years before last, then two last year and two this year."""
    ensure_partitions(range(OLDEST, THIS))
    entries = {}
    for year, count in ((OLDEST, 3), (OLDEST + 1, 3), (OLDEST + 2, 3), (THIS - 1, 2), (THIS, 2)):
        entries[year] = [
            record_at(
                datetime.datetime(year, 3, 1 + n, 8, tzinfo=VIETNAM),
                object_type="cases.case",
                object_id=str(n),
                changes={"status": ["mở", "đóng"]},
            )
            for n in range(count)
        ]
    return entries


def archive(year: int, folder, *args) -> str:
    out = io.StringIO()
    with override_settings(AUDIT_ONLINE_YEARS=2):
        call_command("audit_archive", "--year", str(year), "--to", str(folder), *args, stdout=out)
    return out.getvalue()


def verify_file(path) -> str:
    out = io.StringIO()
    call_command("audit_verify", "--archive", str(path), stdout=out)
    return out.getvalue()


def lines(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def write_lines(path, rows: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def unchanged(folder) -> bool:
    return (
        not list(folder.iterdir())
        and not AuditArchive.objects.exists()
        and OLDEST in year_partitions()
        and AuditEntry.objects.count() == 13
        and not AuditEntry.objects.filter(action="audit.archive").exists()
    )


class TestArchive:
    def test_it_writes_the_oldest_year_checks_it_and_drops_its_partition(self, history, tmp_path):
        out = archive(OLDEST, tmp_path)

        data, manifest_path = tmp_path / f"audit-{OLDEST}.jsonl.gz", tmp_path / f"audit-{OLDEST}.manifest.json"
        assert f"Archived 3 entries of {OLDEST}, numbers 1–3" in out
        written = lines(data)
        year = history[OLDEST]
        assert [row["id"] for row in written] == [1, 2, 3]
        assert written[0]["prev_hash"] == GENESIS_HASH
        assert [row["entry_hash"] for row in written] == [entry.entry_hash for entry in year]
        assert written[1]["changes"] == {"status": ["mở", "đóng"]}
        assert written[1]["at"] == year[1].at.astimezone(datetime.UTC).isoformat()
        sha256 = hashlib.sha256(data.read_bytes()).hexdigest()
        manifest = json.loads(manifest_path.read_text())
        assert {
            key: manifest[key]
            for key in (
                "year",
                "first_id",
                "last_id",
                "entry_count",
                "first_prev_hash",
                "last_hash",
                "file_name",
                "file_sha256",
            )
        } == {
            "year": OLDEST,
            "first_id": 1,
            "last_id": 3,
            "entry_count": 3,
            "first_prev_hash": GENESIS_HASH,
            "last_hash": year[2].entry_hash,
            "file_name": data.name,
            "file_sha256": sha256,
        }
        checkpoint = AuditArchive.objects.get()
        assert (checkpoint.year, checkpoint.first_id, checkpoint.last_id, checkpoint.entry_count) == (OLDEST, 1, 3, 3)
        assert (checkpoint.last_hash, checkpoint.file_sha256) == (year[2].entry_hash, sha256)
        assert OLDEST not in year_partitions()
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [partition_name(OLDEST)])
            assert cursor.fetchone()[0] is None
        assert not AuditEntry.objects.filter(pk__lte=3).exists()
        recorded = AuditEntry.objects.get(action="audit.archive")
        assert (recorded.object_type, recorded.object_id) == ("core.auditarchive", str(checkpoint.pk))
        assert recorded.changes["file_sha256"] == [None, sha256] and recorded.changes["entries"] == [None, 3]
        assert verify().startswith("11 entries, chain intact")  # 10 left and the archive's own entry
        assert f"3 entries ({OLDEST}) are archived in 1 file(s)" in verify()
        assert "chain intact and linked to the genesis hash" in verify_file(data)

    def test_the_next_archive_continues_the_first(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        archive(OLDEST + 1, tmp_path)

        second = AuditArchive.objects.get(year=OLDEST + 1)
        assert (second.first_id, second.first_prev_hash) == (4, history[OLDEST][-1].entry_hash)
        assert f"linked to the archive of {OLDEST}" in verify_file(tmp_path / f"audit-{OLDEST + 1}.jsonl.gz")
        assert f"6 entries ({OLDEST}–{OLDEST + 1}) are archived in 2 file(s)" in verify()

    def test_a_dry_run_writes_nothing(self, history, tmp_path):
        out = archive(OLDEST, tmp_path, "--dry-run")

        assert f"Dry run: 3 entries of {OLDEST}, numbers 1–3, chain intact" in out
        assert unchanged(tmp_path)


class TestRefusals:
    @pytest.mark.parametrize(
        ("year", "reason"),
        [
            (THIS, "not over yet"),
            (THIS - 1, "within the 2 full years kept online"),
            (THIS - 3, f"oldest year still in the database is {OLDEST}"),
            (OLDEST - 1, f"oldest year still in the database is {OLDEST}"),
        ],
    )
    def test_it_takes_only_the_oldest_year_beyond_the_years_kept_online(self, history, tmp_path, year, reason):
        with pytest.raises(CommandError, match=reason):
            archive(year, tmp_path)
        assert unchanged(tmp_path)

    def test_the_years_kept_online_are_a_setting(self, history, tmp_path):
        with override_settings(AUDIT_ONLINE_YEARS=5), pytest.raises(CommandError, match="AUDIT_ONLINE_YEARS=5"):
            call_command("audit_archive", "--year", str(OLDEST), "--to", str(tmp_path), stdout=io.StringIO())
        assert unchanged(tmp_path)

    def test_a_broken_chain_is_not_archived(self, history, tmp_path):
        tamper("UPDATE core_auditentry SET reason = 'rewritten' WHERE id = 2", [])

        with pytest.raises(CommandError, match="Audit entry 2 is broken: content changed.*was not archived"):
            archive(OLDEST, tmp_path)
        assert unchanged(tmp_path)

    def test_entries_numbered_out_of_order_across_the_year_end_are_not_archived(self, history, tmp_path):
        # The first entry of the next year must be the one after the archived year's last: a clock set back breaks it.
        tamper("UPDATE core_auditentry SET prev_hash = 'x' WHERE id = 4", [])

        with pytest.raises(CommandError, match="does not follow the year's last entry 3"):
            archive(OLDEST, tmp_path)
        assert unchanged(tmp_path)

    def test_an_existing_file_is_never_overwritten(self, history, tmp_path):
        (tmp_path / f"audit-{OLDEST}.jsonl.gz").write_bytes(b"earlier")

        with pytest.raises(CommandError, match="never overwritten"):
            archive(OLDEST, tmp_path)
        assert (tmp_path / f"audit-{OLDEST}.jsonl.gz").read_bytes() == b"earlier"
        assert not AuditArchive.objects.exists() and OLDEST in year_partitions()

    def test_when_the_database_refuses_the_files_are_removed_and_nothing_changes(self, history, tmp_path):
        refusal = DatabaseError("must be owner of table core_auditentry")
        with (
            mock.patch("trove.core.audit_archive.detach_year_partition", side_effect=refusal),
            pytest.raises(CommandError, match="must be owner.*Nothing was changed.*owner's DATABASE_URL"),
        ):
            archive(OLDEST, tmp_path)
        assert unchanged(tmp_path)
        assert verify().startswith("13 entries, chain intact")


class TestVerifyAcrossArchives:
    def test_a_changed_archive_file_is_named(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        path = tmp_path / f"audit-{OLDEST}.jsonl.gz"
        rows = lines(path)
        rows[1]["reason"] = "rewritten"
        write_lines(path, rows)

        with pytest.raises(CommandError, match="SHA-256 .* is not the .* recorded.*Audit entry 2 is broken: content"):
            verify_file(path)

    def test_a_changed_file_with_a_changed_checkpoint_still_fails_on_its_chain(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        path = tmp_path / f"audit-{OLDEST}.jsonl.gz"
        rows = lines(path)
        del rows[1]
        write_lines(path, rows)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditarchive DISABLE TRIGGER core_auditarchive_append_only")
            cursor.execute(
                "UPDATE core_auditarchive SET file_sha256 = %s", [hashlib.sha256(path.read_bytes()).hexdigest()]
            )

        with pytest.raises(CommandError, match=r"Audit entry 3 is broken: the entries before it are missing"):
            verify_file(path)

    def test_a_file_this_installation_did_not_archive_is_refused(self, history, tmp_path):
        stranger = tmp_path / "audit-1999.jsonl.gz"
        write_lines(stranger, [])
        with pytest.raises(CommandError, match="not an audit log archive of this installation"):
            verify_file(stranger)

    def test_a_gap_between_the_checkpoint_and_the_live_entries_is_named(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        tamper("DELETE FROM core_auditentry WHERE id = 4", [])

        with pytest.raises(
            CommandError, match=r"Audit entry 5 is broken: the entries before it are missing \(deleted: 4"
        ):
            verify()

    def test_live_entries_that_do_not_continue_the_checkpoint_are_named(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditarchive DISABLE TRIGGER core_auditarchive_append_only")
            cursor.execute("UPDATE core_auditarchive SET last_hash = %s", ["f" * 64])

        with pytest.raises(
            CommandError, match=f"Audit entry 4 is broken: its link is not the last hash of the archive of {OLDEST}"
        ):
            verify()

    def test_a_missing_checkpoint_is_named(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        archive(OLDEST + 1, tmp_path)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditarchive DISABLE TRIGGER core_auditarchive_append_only")
            cursor.execute("DELETE FROM core_auditarchive WHERE year = %s", [OLDEST])

        with pytest.raises(CommandError, match=f"checkpoint of {OLDEST + 1} .* does not continue the genesis hash"):
            verify()

    def test_tampering_with_a_live_partition_is_still_found(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        changed = history[THIS][0]
        tamper("UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [changed.pk])

        with pytest.raises(CommandError, match=f"Audit entry {changed.pk} is broken: content changed"):
            verify()

    def test_the_database_refuses_to_change_or_delete_a_checkpoint(self, history, tmp_path):
        archive(OLDEST, tmp_path)
        for sql in ("UPDATE core_auditarchive SET last_hash = 'x'", "DELETE FROM core_auditarchive"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
        assert AuditArchive.objects.get().last_hash == history[OLDEST][-1].entry_hash
