"""What the import asks of PostgreSQL besides its rows (``trove.imports.database``), and when the engine asks it."""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import TestCase

from trove.imports import database, engine
from trove.imports.tests.helpers import ImportTestCase, xlsx_bytes

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="synchronous_commit and ANALYZE are PostgreSQL's; elsewhere nothing is asked")


class OtherDatabaseTests(TestCase):
    @pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL is tested below")
    def test_nothing_is_asked_of_other_databases(self):
        with self.assertNumQueries(0):
            database.commit_without_waiting_for_disk()
            database.refresh_statistics()


@on_postgresql
class PostgresTests(TestCase):
    def test_a_batch_commits_without_waiting_for_the_disk_and_only_that_transaction(self):
        def setting():
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                return cursor.fetchone()[0]

        before = setting()
        with transaction.atomic():
            database.commit_without_waiting_for_disk()
            self.assertEqual(setting(), "off")
        self.assertEqual(before, "on")

    def test_statistics_are_refreshed_in_one_statement_for_every_table_a_batch_grows(self):
        from trove.cases.models import Case, CaseEvent, Intake
        from trove.people.models import MatchKey, Person
        from trove.verification.models import VerificationStep

        with self.assertNumQueries(1) as queries:
            database.refresh_statistics()
        statement = queries.captured_queries[0]["sql"]
        self.assertTrue(statement.startswith("ANALYZE"))
        # The duplicate check's tables, and those whose foreign keys the commit checks (a table analysed while
        # empty is then scanned whole for every key).
        for model in (Person, MatchKey, Case, Intake, VerificationStep, CaseEvent):
            self.assertIn(f'"{model._meta.db_table}"', statement)


class WhenTests(ImportTestCase):
    def test_statistics_are_refreshed_as_the_import_grows_the_tables(self):
        rows = [["Họ và tên", "Ngày tiếp nhận", "Nguồn tiếp nhận"]] + [
            [f"Lê Thị {name}", "10/02/2026", "giải cứu"] for name in ("An", "Bình", "Cúc", "Dung", "Em", "Gấm", "Hà",
                                                                      "Huệ", "Lan", "Mai")]
        with mock.patch.object(engine, "BATCH_SIZE", 1), mock.patch.object(engine, "FIRST_STATISTICS", 2), \
                mock.patch.object(database, "refresh_statistics") as refresh:
            batch = self.run_import(self.prepared(xlsx_bytes(rows)))
        self.assertEqual(batch.created_count, 10)
        # After 2 rows, then 8 (and 32, 128… on a longer list): a handful of times, not at every batch.
        self.assertEqual(refresh.call_count, 2)
