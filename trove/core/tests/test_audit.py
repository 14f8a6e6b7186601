"""The audit log: recording, masking, the hash chain and its verification.

``audit_verify`` reports a broken chain with a CommandError (exit status 1 from manage.py); through call_command the
tests catch that CommandError.
"""

import datetime
import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory

from trove.core import audit
from trove.core.models.audit import GENESIS_HASH, AuditEntry, AuditLogIsAppendOnly
from trove.core.testapp.models import IdentityRecord

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="canbo.hoa", password=None)


def verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back (on PostgreSQL with the trigger switched off first)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def record_three(user) -> list[AuditEntry]:
    return [
        audit.record("auth.login", actor=user),
        audit.record("case.update", actor=user, object_type="cases.case", object_id="17",
                     changes={"status": ["open", "closed"]}),
        audit.record("auth.logout", actor=user),
    ]


@pytest.mark.django_db
class TestRecord:
    def test_it_chains_entries(self, user):
        first, second, third = record_three(user)
        assert first.prev_hash == GENESIS_HASH
        assert second.prev_hash == first.entry_hash
        assert third.prev_hash == second.entry_hash
        assert [first.pk, second.pk, third.pk] == [1, 2, 3]
        assert len(third.entry_hash) == 64
        assert first.actor_username == "canbo.hoa"
        assert first.at.tzinfo is not None

    def test_it_takes_address_agent_and_user_from_the_request(self, user):
        request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400)
        request.user = user

        entry = audit.record("identity.view", request=request)

        entry = AuditEntry.objects.get(pk=entry.pk)
        assert entry.ip_address == "203.0.113.9"
        assert entry.user_agent.startswith("Mozilla/5.0") and len(entry.user_agent) == 300
        assert entry.actor_id == user.pk
        assert entry.actor_username == "canbo.hoa"

    def test_an_anonymous_request_has_no_actor(self):
        request = RequestFactory().post("/login/", REMOTE_ADDR="2001:DB8:0:0::1")
        request.user = AnonymousUser()

        entry = audit.record("auth.login_failed", request=request, reason="wrong password")

        assert entry.actor_id is None and entry.actor_username == ""
        assert AuditEntry.objects.get(pk=entry.pk).ip_address == "2001:db8::1"
        assert "1 entries, chain intact" in verify()

    def test_a_bad_address_is_left_out(self):
        request = RequestFactory().get("/", REMOTE_ADDR="unix:/run/trove.sock")
        assert audit.record("auth.logout", request=request).ip_address is None

    def test_it_describes_the_object(self, user):
        record = IdentityRecord.objects.create(full_name="Vũ Thị Mai")
        entry = audit.record("identity.view", actor=user, obj=record, agency=42, role="caseworker")
        assert (entry.object_type, entry.object_id) == ("core_testapp.identityrecord", str(record.pk))
        assert (entry.agency_id, entry.role) == (42, "caseworker")

    def test_it_masks_changes_to_encrypted_fields_even_when_the_caller_forgot(self, user):
        record = IdentityRecord.objects.create(full_name="Vũ Thị Mai", note="x")
        entry = audit.record("case.update", actor=user, obj=record, changes={
            "full_name": ["Vũ Thị Mai", "Vũ Thị Mai Anh"], "note": ["x", "y"],
        })
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert stored.changes == {"full_name": ["V T** M**", "V T** M** A**"], "note": ["x", "y"]}
        assert "Mai" not in str(stored.changes)

    def test_it_stores_dates_in_changes_as_text(self, user):
        entry = audit.record("case.update", actor=user, changes={"decided_on": [None, datetime.date(2026, 1, 2)]})
        assert entry.changes == {"decided_on": [None, "2026-01-02"]}
        assert "chain intact" in verify()

    def test_several_records_in_a_row_keep_the_chain(self, user):
        for number in range(25):
            audit.record("case.update", actor=user, object_id=str(number), changes={"n": [number, number + 1]})
        assert verify().startswith("25 entries, chain intact")

    def test_it_needs_an_action(self):
        with pytest.raises(ValueError, match="action"):
            audit.record("")


class TestDiff:
    def test_it_lists_changed_fields_only(self):
        changes = audit.diff({"status": "open", "note": "a"}, {"status": "closed", "note": "a"}, sensitive=set())
        assert changes == {"status": ["open", "closed"]}

    def test_it_masks_sensitive_fields(self):
        changes = audit.diff(
            {"full_name": "Nguyễn Văn An", "phone": "0912345678", "status": "open"},
            {"full_name": "Nguyễn Văn Anh", "phone": "0987654321", "status": "open"},
            sensitive={"full_name", "phone"},
        )
        assert changes == {"full_name": ["N***n V** A", "N***n V** A**"], "phone": ["0***8", "0***1"]}

    def test_a_field_on_one_side_counts_as_none(self):
        changes = audit.diff({}, {"phone": "0912345678", "note": "mới"}, sensitive={"phone"})
        assert changes == {"note": [None, "mới"], "phone": ["", "0***8"]}


@pytest.mark.django_db
class TestVerify:
    def test_an_empty_log_is_intact(self):
        assert verify().startswith("0 entries, chain intact")

    def test_a_recorded_chain_verifies(self, user):
        record_three(user)
        assert verify().startswith("3 entries, chain intact")

    def test_it_names_an_entry_changed_behind_the_applications_back(self, user):
        _first, second, _third = record_three(user)
        tamper("UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [second.pk])

        with pytest.raises(CommandError, match=f"Audit entry {second.pk} is broken: content changed"):
            verify()

    def test_it_names_the_entry_after_one_rewritten_with_its_hash(self, user):
        first, second, third = record_three(user)
        second.reason = "rewritten"
        rewritten_hash = second.compute_hash()
        tamper("UPDATE core_auditentry SET reason = 'rewritten', entry_hash = %s WHERE id = %s",
               [rewritten_hash, second.pk])

        with pytest.raises(CommandError, match=f"Audit entry {third.pk} is broken: .*entry {second.pk} was rewritten"):
            verify()

    def test_it_notices_a_deleted_entry(self, user):
        _first, second, third = record_three(user)
        tamper("DELETE FROM core_auditentry WHERE id = %s", [second.pk])

        expected = f"Audit entry {third.pk} is broken: .*missing \\(deleted: {second.pk}\\)"
        with pytest.raises(CommandError, match=expected):
            verify()

    def test_it_notices_that_the_first_entry_was_deleted(self, user):
        first, second, _third = record_three(user)
        tamper("DELETE FROM core_auditentry WHERE id = %s", [first.pk])

        with pytest.raises(CommandError, match=f"Audit entry {second.pk} is broken"):
            verify()


@pytest.mark.django_db
class TestAppendOnly:
    def test_python_refuses_to_change_an_entry(self, user):
        entry = audit.record("auth.login", actor=user)
        entry.reason = "changed"
        with pytest.raises(AuditLogIsAppendOnly):
            entry.save()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.update(reason="changed")

    def test_python_refuses_to_delete_an_entry(self, user):
        entry = audit.record("auth.login", actor=user)
        with pytest.raises(AuditLogIsAppendOnly):
            entry.delete()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.all().delete()
        assert AuditEntry.objects.count() == 1

    def test_entries_outside_the_chain_are_refused(self, user):
        with pytest.raises(AuditLogIsAppendOnly, match="record"):
            AuditEntry.objects.create(action="auth.login", at=datetime.datetime.now(datetime.UTC), prev_hash="0" * 64)
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.bulk_create([AuditEntry(action="auth.login")])

    def test_deleting_the_actor_keeps_the_entry_and_the_chain(self, user):
        audit.record("auth.login", actor=user)
        user.delete()
        entry = AuditEntry.objects.get()
        assert entry.actor_username == "canbo.hoa"
        assert "chain intact" in verify()

    @on_postgresql
    def test_the_database_refuses_update_and_delete(self, user):
        entry = audit.record("auth.login", actor=user)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE core_auditentry SET reason = 'x' WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.get().reason == ""


@on_postgresql
@pytest.mark.django_db
def test_concurrent_appends_keep_one_chain():
    """Threads with their own connections append at once; the advisory lock keeps them in one line.

    The threads commit outside the test's transaction, so the last one empties the table again (TRUNCATE is not
    refused by the trigger) to leave the database as the other tests expect it.
    """
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def append(worker: int) -> None:
        try:
            start.wait()
            for number in range(10):
                audit.record("case.update", object_id=f"{worker}-{number}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    outcome: dict[str, object] = {}

    def verify_and_empty() -> None:
        try:
            try:
                outcome["output"] = verify()
            except CommandError as error:
                outcome["output"] = str(error)
            outcome["count"] = AuditEntry.objects.count()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE core_auditentry")
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checker = threading.Thread(target=verify_and_empty)
    checker.start()
    checker.join()

    assert errors == []
    assert outcome["count"] == 60
    assert str(outcome["output"]).startswith("60 entries, chain intact")
