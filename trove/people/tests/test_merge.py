import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from trove.agencies.models import Role
from trove.cases.models import AccompanyingChild, Case
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase, _member, _user
from trove.people.merge import merge_persons, undo_merge
from trove.people.models import MissingPerson, Person, PersonMerge, SuspectedVictim


class MergeTests(PersonaTestCase):
    def setUp(self):
        self.survivor = Person.objects.create(full_name="Giàng Thị Mỷ", sex="female")
        self.duplicate = Person.objects.create(full_name="Giang Thi Mi", sex="female")
        self.child = Person.objects.create(full_name="Giàng A Páo", sex="male")
        self.kept_case = self.case("DT-2026-00001", self.survivor)
        self.dup_case = self.case("DT-2026-00002", self.duplicate)
        self.child_link = AccompanyingChild.objects.create(case=self.dup_case, person=self.duplicate,
                                                           relation="self")
        common = {"owner_agency": self.p.owner_agency, "unit": self.p.commune,
                  "reported_on": datetime.date(2026, 1, 5)}
        self.suspected = SuspectedVictim.objects.create(person=self.duplicate, risk_channel="tourism", **common)
        self.missing = MissingPerson.objects.create(person=self.duplicate, **common)

    def case(self, code, person, agency=None):
        return Case.objects.create(code=code, pseudonym=code, person=person,
                                   owner_agency=agency or self.p.owner_agency, unit=self.p.commune)

    def merge(self, user=None, **overrides):
        values = {"acting_user": user or self.p.owner, "survivor": self.survivor, "duplicate": self.duplicate,
                  "reason": "Cùng CCCD, cùng cha mẹ"}
        values.update(overrides)
        return merge_persons(**values)

    def test_it_repoints_every_row_and_keeps_both_persons(self):
        merge = self.merge()
        self.duplicate.refresh_from_db()
        self.assertEqual(self.duplicate.merged_into, self.survivor)
        self.assertEqual(set(Case.objects.filter(person=self.survivor)), {self.kept_case, self.dup_case})
        self.assertEqual(SuspectedVictim.objects.get().person, self.survivor)
        self.assertEqual(MissingPerson.objects.get().person, self.survivor)
        self.assertEqual(AccompanyingChild.objects.get().person, self.survivor)
        self.assertEqual(Person.objects.count(), 3)
        self.assertEqual(merge.moved["cases.case"], [self.dup_case.pk])
        entry = AuditEntry.objects.get(action="person.merge")
        self.assertEqual(entry.object_id, str(self.duplicate.pk))
        self.assertEqual(entry.actor, self.p.owner)

    def test_undo_puts_back_exactly_the_rows_that_moved(self):
        merge = self.merge()
        undo_merge(acting_user=self.p.administrator, merge=merge, reason="Hai người khác nhau")
        self.duplicate.refresh_from_db()
        self.assertIsNone(self.duplicate.merged_into)
        self.assertEqual(Case.objects.get(pk=self.dup_case.pk).person, self.duplicate)
        self.assertEqual(Case.objects.get(pk=self.kept_case.pk).person, self.survivor)
        self.assertEqual(SuspectedVictim.objects.get().person, self.duplicate)
        self.assertEqual(MissingPerson.objects.get().person, self.duplicate)
        self.assertEqual(AccompanyingChild.objects.get().person, self.duplicate)
        self.assertIsNotNone(PersonMerge.objects.get().undone_at)
        self.assertTrue(AuditEntry.objects.filter(action="person.merge_undone").exists())
        with self.assertRaises(ValidationError):
            undo_merge(acting_user=self.p.administrator, merge=merge, reason="again")

    def test_only_an_administrator_may_undo(self):
        merge = self.merge()
        far_admin = _member(_user("p_far_admin", "Châu Văn Xa"), self.p.other_agency, Role.ADMINISTRATOR,
                            self.p.other_province)
        for user in (self.p.owner, self.p.supervisor, self.p.readonly, self.p.outsider, far_admin):
            with self.assertRaises(PermissionDenied):
                undo_merge(acting_user=user, merge=merge, reason="no")
        self.duplicate.refresh_from_db()
        self.assertEqual(self.duplicate.merged_into, self.survivor)

    def test_who_cannot_edit_a_case_of_each_person_cannot_merge(self):
        for user in (self.p.readonly, self.p.outsider, self.p.statistician, self.p.administrator):
            with self.assertRaises(PermissionDenied):
                self.merge(user)
        other = self.case("DT-2026-00003", Person.objects.create(full_name="Lò Văn Ún"), self.p.other_agency)
        with self.assertRaises(PermissionDenied):
            self.merge(duplicate=other.person)
        self.assertFalse(PersonMerge.objects.exists())
        self.assertEqual(Case.objects.get(pk=self.dup_case.pk).person, self.duplicate)

    def test_it_refuses_a_person_into_themselves_or_into_a_merged_person(self):
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "cannot be merged into themselves"):
            self.merge(duplicate=self.survivor)
        self.merge()
        third = Person.objects.create(full_name="Giàng Mỷ")
        self.case("DT-2026-00004", third)
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "already been merged"):
            self.merge(survivor=self.duplicate, duplicate=third)
        with self.assertRaises(ValidationError):
            self.merge(survivor=third)
        self.assertEqual(PersonMerge.objects.count(), 1)

    def test_a_reason_is_required(self):
        with self.assertRaises(ValidationError):
            self.merge(reason="  ")
