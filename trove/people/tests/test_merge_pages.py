import datetime

from django.urls import reverse
from django.utils import timezone

from trove.cases.actions import IntakeData, receive_person
from trove.core.models import AuditEntry
from trove.core.testing import PersonaTestCase
from trove.geo.models import AdminUnit
from trove.people.actions import PersonData
from trove.people.models import Person, PersonMerge


def intake():
    return IntakeData(channel="self_reported", received_at=timezone.now() - datetime.timedelta(hours=1),
                      place_kind="commune", place_unit=AdminUnit.objects.by_key("2025:29926"), consent_given=True)


class MergePagesTests(PersonaTestCase):
    def setUp(self):
        self.first = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=intake(),
                                    person=PersonData(full_name="Sùng Thị Dua", sex="female", birth_year=2002,
                                                      birth_precision="year", citizen_id="011302004455"))
        self.second = receive_person(acting_user=self.p.owner, agency=self.p.owner_agency, intake=intake(),
                                     person=PersonData(full_name="Sung Thi Dua", sex="female", birth_year=2002,
                                                       birth_precision="year", citizen_id="011302004455"))
        self.url = reverse("people_merge:duplicates", args=[self.second.code])

    def post_merge(self, **fields):
        prefix = f"p{self.first.person_id}"
        data = {"other_person": self.first.person_id, f"{prefix}-other": self.first.person_id,
                f"{prefix}-keep": "other", f"{prefix}-reason": "Cùng số CCCD và năm sinh"}
        data.update(fields)
        return self.client.post(self.url, data)

    def test_the_owner_sees_the_other_record_and_merges_into_it(self):
        self.sign_in(self.p.owner)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["person_id"] for c in response.context["candidates"]], [self.first.person_id])
        self.assertContains(response, "Sùng Thị Dua")
        response = self.post_merge()
        self.assertRedirects(response, self.second.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(Person.objects.get(pk=self.second.person_id).merged_into_id, self.first.person_id)
        self.second.refresh_from_db()
        self.assertEqual(self.second.person_id, self.first.person_id)

    def test_a_merge_needs_a_reason_and_a_listed_person(self):
        self.sign_in(self.p.owner)
        self.assertEqual(self.post_merge(**{f"p{self.first.person_id}-reason": ""}).status_code, 400)
        stranger = Person.objects.create(full_name="Người Lạ")
        self.assertEqual(self.post_merge(other_person=stranger.pk).status_code, 400)
        self.assertFalse(PersonMerge.objects.exists())

    def test_read_only_members_get_403_and_outsiders_404(self):
        self.sign_in(self.p.readonly)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.post_merge().status_code, 403)
        self.sign_in(self.p.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(PersonMerge.objects.exists())

    def test_an_administrator_in_scope_undoes_a_merge_from_the_list(self):
        self.sign_in(self.p.owner)
        self.post_merge()
        merge = PersonMerge.objects.get()
        self.sign_in(self.p.administrator)
        self.assertContains(self.client.get(reverse("people_merge:list")), reverse("people_merge:undo",
                                                                                     args=[merge.pk]))
        self.client.post(reverse("people_merge:undo", args=[merge.pk]), {"reason": "Hai chị em khác nhau"})
        merge.refresh_from_db()
        self.assertIsNotNone(merge.undone_at)
        self.second.refresh_from_db()
        self.assertEqual(self.second.person.full_name, "Sung Thi Dua")
        self.assertTrue(AuditEntry.objects.filter(action="person.merge_undone").exists())

    def test_only_administrators_reach_the_merge_list(self):
        for persona in (self.p.owner, self.p.supervisor, self.p.outsider):
            self.sign_in(persona)
            self.assertEqual(self.client.get(reverse("people_merge:list")).status_code, 403)
