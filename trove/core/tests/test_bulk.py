"""``trove.core.bulk``: many rows written with PostgreSQL COPY (bulk_create on SQLite) read back exactly as the
ORM writes them — encrypted fields encrypted, JSON as JSON, keys from the sequence, defaults filled in."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from trove.cases.actions import receive_person
from trove.cases.models import CaseEvent
from trove.cases.tests.test_receive_person import intake_for
from trove.core import bulk
from trove.core.testing import PersonaTestCase
from trove.people.actions import PersonData
from trove.people.models import MatchKey, NameToken, Person
from trove.verification.models import VerificationStep

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="COPY and sequences are PostgreSQL's; SQLite takes the bulk_create path")


def _person(name: str, **values) -> Person:
    return Person(full_name=name, citizen_id="079123456789", birth_date=datetime.date(1990, 5, 1),
                  other_names=["Bé Hai"], home_address="", sex="female", **values)


class BulkInsertTests(TestCase):
    def test_instances_get_their_keys_and_read_back_as_saved(self):
        persons = [_person("Nguyễn Thị Hoa"), _person("Lò Thị Mai", phone="0912345678")]
        bulk.insert(persons)
        self.assertTrue(all(person.pk for person in persons))
        self.assertEqual(len({person.pk for person in persons}), 2)
        self.assertFalse(persons[0]._state.adding)
        stored = Person.objects.get(pk=persons[1].pk)
        self.assertEqual((stored.full_name, stored.citizen_id, stored.birth_date, stored.other_names, stored.phone,
                          stored.home_address, stored.languages, stored.sex),
                         ("Lò Thị Mai", "079123456789", datetime.date(1990, 5, 1), ["Bé Hai"], "0912345678", "", [],
                          "female"))
        # Encrypted at rest, as the ORM stores it: the column holds a token, an empty text stays empty.
        with connection.cursor() as cursor:
            cursor.execute("SELECT full_name, home_address FROM people_person WHERE id = %s", [persons[1].pk])
            token, empty = cursor.fetchone()
        self.assertNotIn("Mai", token)
        self.assertEqual(empty, "")
        # The ORM's next row comes after them.
        self.assertGreater(Person.objects.create(full_name="Sau").pk, max(person.pk for person in persons))

    def test_rows_of_plain_values_take_the_defaults_of_the_fields_not_named(self):
        person = Person.objects.create(full_name="Lê Văn An")
        bulk.insert_values(NameToken, ("person_id", "token"), [(person.pk, "a" * 64), (person.pk, "b" * 64)])
        bulk.insert_values(MatchKey, ("person_id", "key"), [(person.pk, -(2**63)), (person.pk, 2**63 - 1)])
        self.assertEqual(sorted(NameToken.objects.filter(person=person).values_list("token", flat=True)),
                         ["a" * 64, "b" * 64])
        self.assertEqual(sorted(MatchKey.objects.filter(person=person).values_list("key", flat=True)),
                         [-(2**63), 2**63 - 1])



class ChildRowTests(PersonaTestCase):
    def test_json_dates_and_defaults_of_child_rows(self):
        case = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=intake_for("self_reported"),
                              person=PersonData(full_name="Hà Thị Lan"))
        now = timezone.now()
        bulk.insert_values(CaseEvent, ("case_id", "at", "actor_id", "agency_id", "kind", "details"),
                           [(case.pk, now, self.p.owner.pk, self.p.owner_agency.pk, "test.bulk",
                             {"a": [1, "hai"], "b": None})])
        event = CaseEvent.objects.get(case=case, kind="test.bulk")
        self.assertEqual((event.at, event.details), (now, {"a": [1, "hai"], "b": None}))
        rule = VerificationStep.objects.filter(case=case).first().rule
        bulk.insert_values(VerificationStep, ("case_id", "rule_id", "regime_code", "order", "started_at", "deadline"),
                           [(case.pk, rule.pk, "X", 99, now, datetime.date(2030, 1, 2))])
        step = VerificationStep.objects.get(case=case, order=99)
        self.assertEqual((step.status, step.note, step.deadline, step.done_at),
                         ("pending", "", datetime.date(2030, 1, 2), None))


@on_postgresql
class CopyTests(TestCase):
    def test_postgresql_writes_with_copy_and_keys_from_the_sequence(self):
        self.assertTrue(bulk.copy_available())
        first, second = bulk.allocate_ids(Person, 2)
        self.assertLess(first, second)
        persons = [_person("Trần Thị Bình") for _ in range(3)]
        with self.assertNumQueries(1):  # one nextval for the keys; COPY is not a query Django counts
            bulk.insert(persons)
        self.assertGreater(persons[0].pk, second)
        self.assertEqual(Person.objects.filter(pk__in=[p.pk for p in persons]).count(), 3)

    def test_a_related_object_without_a_key_is_refused(self):
        person = Person(full_name="Chưa lưu")
        with self.assertRaises(ValueError):
            bulk.insert([NameToken(person=person, token="c" * 64)])
