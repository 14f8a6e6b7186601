"""Correcting a person's identity: the policy, validation, the audit trail, and optimistic locking."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.core.versioning import StaleEdit
from trove.people.actions import PersonData, person_update
from trove.people.models import Person
from trove.verification.tests.helpers import open_case

NAME = "Vi Thị Sửa Sai"


def corrected(**changes) -> PersonData:
    values = {"full_name": NAME, "sex": "female", "birth_date": datetime.date(2000, 3, 9)}
    values.update(changes)
    return PersonData(**values)


class CorrectionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, name=NAME)

    def update(self, user=None, version=1, **changes):
        return person_update(acting_user=user or self.p.owner, case=self.case, data=corrected(**changes),
                             expected_version=version, reason="document")

    def test_a_correction_saves_reindexes_and_audits_without_the_values(self):
        person = self.update(full_name="Vi Thị Sửa Đúng", citizen_id="087300112233")
        person.refresh_from_db()
        self.assertEqual((person.full_name, person.citizen_id, person.version), ("Vi Thị Sửa Đúng", "087300112233", 2))
        self.assertEqual(Person.objects.filter(citizen_id_index=person.citizen_id_index).get(), person)
        entry = AuditEntry.objects.filter(action="person.update").get()
        self.assertEqual(set(entry.changes), {"full_name", "citizen_id"})
        self.assertNotIn("Đúng", str(entry.changes))
        self.assertNotIn("087300112233", str(entry.changes))
        self.assertEqual(entry.reason, "document")

    def test_nothing_changed_writes_nothing(self):
        person = self.update()
        self.assertEqual(person.version, 1)
        self.assertFalse(AuditEntry.objects.filter(action="person.update").exists())

    def test_a_stale_version_is_refused_and_names_the_other_change(self):
        self.update(phone="0912000001")
        with self.assertRaises(StaleEdit) as caught:
            self.update(version=1, full_name="Người Khác Sửa")
        self.assertEqual(caught.exception.current.version, 2)
        self.assertEqual([set(entry.changes) for entry in caught.exception.changes], [{"phone"}])
        self.case.person.refresh_from_db()
        self.assertEqual(self.case.person.full_name, NAME)

    def test_bad_values_are_refused_and_nothing_is_saved(self):
        with self.assertRaises(ValidationError) as caught:
            self.update(citizen_id="12ab", full_name=" ")
        self.assertIn("citizen_id", caught.exception.message_dict)
        self.assertIn("full_name", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            person_update(acting_user=self.p.owner, case=self.case, data=corrected(), expected_version=1,
                          reason="because I say so")
        self.case.person.refresh_from_db()
        self.assertEqual((self.case.person.version, self.case.person.full_name), (1, NAME))

    def test_only_members_who_edit_and_see_identity_may_correct(self):
        with self.assertRaises(PermissionDenied):
            self.update(user=self.p.readonly)
        for outsider in (self.p.outsider, self.p.partner, self.p.statistician):
            with self.assertRaises(Exception) as caught:
                self.update(user=outsider)
            self.assertEqual(type(caught.exception).__name__, "Http404")


class CorrectionPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = open_case(cls.p, name=NAME)

    def url(self):
        return reverse("people_merge:person_edit", args=[self.case.code])

    def post(self, version=1, **changes):
        data = {"version": version, "reason": "spelling", "full_name": NAME, "sex": "female",
                "birth_date": "2000-03-09"}
        data.update(changes)
        return self.client.post(self.url(), data)

    def test_the_owner_corrects_the_details(self):
        self.sign_in(self.p.owner)
        page = self.client.get(self.url())
        self.assertContains(page, NAME)
        self.assertRedirects(self.post(phone="0912 000 002"), self.case.get_absolute_url(),
                             fetch_redirect_response=False)
        self.case.person.refresh_from_db()
        self.assertEqual(self.case.person.phone, "0912000002")

    def test_a_stale_form_shows_who_changed_what_and_keeps_the_input(self):
        self.sign_in(self.p.owner)
        person_update(acting_user=self.p.supervisor, case=self.case, data=corrected(phone="0912000003"),
                      expected_version=1, reason="statement")
        response = self.post(version=1, full_name="Vi Thị Sửa Lần Hai")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Vi Thị Sửa Lần Hai", status_code=409)
        self.assertContains(response, self.p.supervisor.display_name, status_code=409)
        self.assertContains(response, 'name="version" value="2"', status_code=409)
        self.case.person.refresh_from_db()
        self.assertEqual(self.case.person.full_name, NAME)
        # Saving again, knowingly, applies the officer's input over the other change.
        self.post(version=2, full_name="Vi Thị Sửa Lần Hai", phone="0912000003")
        self.case.person.refresh_from_db()
        self.assertEqual((self.case.person.full_name, self.case.person.version), ("Vi Thị Sửa Lần Hai", 3))

    def test_bad_input_is_shown_on_the_form(self):
        self.sign_in(self.p.owner)
        response = self.post(citizen_id="123")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "errorlist", status_code=400)

    def test_personas(self):
        for user, status in ((self.p.readonly, 403), (self.p.outsider, 404), (self.p.partner, 404),
                             (self.p.statistician, 404), (self.p.supervisor, 200)):
            self.sign_in(user)
            self.assertEqual(self.client.get(self.url()).status_code, status, user)
            if status != 200:
                self.assertEqual(self.post().status_code, status, user)
