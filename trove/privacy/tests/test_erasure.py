"""Erasure of identity on a lawful request (issue 14 part 7): identity, blind indexes, name tokens and match keys go;
the cases and the statistics stay, to the unit; the request is recorded and audited without identity."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from trove.core.models import AuditEntry
from trove.geo.models import AdminUnit
from trove.people.actions import PersonData, person_update
from trove.people.identity import persons_named
from trove.people.matching import PersonData as MatchData
from trove.people.matching import find_candidates
from trove.people.models import MatchKey, NameToken, Person
from trove.privacy.actions import erase_identity
from trove.privacy.models import RequestKind, RequestStatus, SubjectRequest
from trove.privacy.tests.helpers import NAME, PrivacyTestCase
from trove.reports import engine
from trove.reports.periods import parse_period
from trove.reports.places import Place
from trove.reports.registry import get

CITIZEN_ID = "001300012345"
PHONE = "0912345678"
BASIS = "Điều 16 Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15"
REASON = "Người được hỗ trợ yêu cầu xóa dữ liệu bằng văn bản ngày hôm nay"


def received_figure() -> dict:
    """The people received this year in Đồng Tháp, by sex and age: what the statistics page counts."""
    year = str(timezone.localdate().year)
    cube = engine.compute_cube(get("received"), parse_period(year), Place(AdminUnit.objects.by_key("2025:82"),
                                                                         "today"), ("sex", "age"))
    return {key: tally.n for key, tally in cube.items()}


class ErasureTests(PrivacyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = cls.identified()
        person_update(acting_user=cls.p.owner, case=cls.case, expected_version=None, reason="document",
                      data=PersonData(full_name=NAME, sex="female", birth_date=datetime.date(2000, 3, 9),
                                      citizen_id=CITIZEN_ID, phone=PHONE, mother_name="Nguyễn Thị Mẹ"))
        cls.person = Person.objects.get(pk=cls.case.person_id)

    def test_identity_goes_and_the_figures_stay(self):
        before = received_figure()
        self.assertTrue(NameToken.objects.filter(person=self.person).exists())
        self.assertTrue(MatchKey.objects.filter(person=self.person).exists())
        self.assertEqual(persons_named(NAME).count(), 1)
        erasure = erase_identity(acting_user=self.admin, person=self.person, reason=REASON, legal_basis=BASIS)
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual((person.full_name, person.citizen_id, person.phone, person.mother_name), ("", "", "", ""))
        self.assertIsNone(person.birth_date)
        self.assertEqual((person.citizen_id_index, person.phone_index), ("", ""))
        self.assertEqual((person.sex, person.birth_year), ("female", 2000))
        self.assertIsNotNone(person.erased_at)
        self.assertFalse(NameToken.objects.filter(person=person).exists())
        self.assertFalse(MatchKey.objects.filter(person=person).exists())
        self.assertEqual(received_figure(), before)
        self.assertEqual(person.cases.get().pk, self.case.pk)
        self.assertEqual((erasure.kind, erasure.status, erasure.legal_basis, erasure.reason, erasure.received_by),
                         (RequestKind.ERASURE, RequestStatus.ANSWERED, BASIS, REASON, self.admin))

    def test_searches_and_duplicate_checks_no_longer_find_the_person(self):
        probe = MatchData(full_name=NAME, sex="female", birth_date=datetime.date(2000, 3, 9), citizen_id=CITIZEN_ID,
                          phone=PHONE)
        self.assertIn(self.person.pk, [candidate.person.pk for candidate in find_candidates(probe)])
        erase_identity(acting_user=self.admin, person=self.person, reason=REASON, legal_basis=BASIS)
        self.assertNotIn(self.person.pk, [candidate.person.pk for candidate in find_candidates(probe)])
        self.assertEqual(persons_named(NAME).count(), 0)

    def test_the_audit_entry_holds_no_identity(self):
        erase_identity(acting_user=self.admin, person=self.person, reason=REASON, legal_basis=BASIS)
        entry = AuditEntry.objects.get(action="person.erase")
        text = str(entry.changes) + entry.reason
        for secret in (NAME, "Quyền", CITIZEN_ID, PHONE, REASON):
            self.assertNotIn(secret, text)
        self.assertEqual(entry.object_id, str(self.person.pk))
        self.assertEqual(entry.actor, self.admin)

    def test_only_an_administrator_of_the_owning_agency_erases(self):
        for user in (self.p.owner, self.p.supervisor, self.p.readonly, self.p.outsider, self.p.administrator):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                erase_identity(acting_user=user, person=self.person, reason=REASON, legal_basis=BASIS)
        self.assertIsNone(Person.objects.get(pk=self.person.pk).erased_at)
        self.assertFalse(SubjectRequest.objects.exists())

    def test_bad_input_is_refused_and_nothing_is_erased(self):
        with translation.override("en"), self.assertRaises(ValidationError) as raised:
            erase_identity(acting_user=self.admin, person=self.person, reason="xóa", legal_basis="")
        self.assertEqual(set(raised.exception.message_dict), {"reason", "legal_basis"})
        self.assertIn("at least 10 characters", " ".join(raised.exception.message_dict["reason"]))
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual((person.full_name, person.erased_at), (NAME, None))
        self.assertFalse(AuditEntry.objects.filter(action="person.erase").exists())

    def test_a_second_erasure_is_refused(self):
        erase_identity(acting_user=self.admin, person=self.person, reason=REASON, legal_basis=BASIS)
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "already erased"):
            erase_identity(acting_user=self.admin, person=Person.objects.get(pk=self.person.pk), reason=REASON,
                           legal_basis=BASIS)
        self.assertEqual(SubjectRequest.objects.count(), 1)
