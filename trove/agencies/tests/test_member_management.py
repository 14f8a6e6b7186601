from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from trove.agencies import actions
from trove.agencies.models import Membership, Role
from trove.core import policy
from trove.core.models import AuditEntry, User
from trove.core.testing import PersonaTestCase
from trove.geo.models import AdminUnit


class MemberManagementTests(PersonaTestCase):
    """The province health department's administrator manages its members, within Đồng Tháp only."""

    def setUp(self):
        self.agency = self.p.province_agency
        self.add_url = reverse("agencies:member_add", args=[self.agency.pk])

    def post_add(self, **fields):
        data = {"username": "p_owner", "role": Role.CASEWORKER, "scope": "2025:82", "valid_from": "2026-01-01"}
        data.update(fields)
        return self.client.post(self.add_url, data, HTTP_ACCEPT_LANGUAGE="en")

    def test_an_administrator_adds_an_existing_account(self):
        self.sign_in(self.p.administrator)
        response = self.post_add()
        self.assertRedirects(response, self.agency.get_absolute_url(), fetch_redirect_response=False)
        membership = Membership.objects.get(user=self.p.owner, agency=self.agency)
        self.assertEqual(membership.role, Role.CASEWORKER)
        entry = AuditEntry.objects.get(action="membership.add")
        self.assertEqual(entry.actor, self.p.administrator)
        self.assertEqual(entry.changes["role"], [None, "caseworker"])

    def test_an_administrator_opens_an_account_for_a_new_colleague(self):
        self.sign_in(self.p.administrator)
        self.post_add(username="newcomer", full_name="Lý Thị Mới", password="một mật khẩu dài")
        newcomer = User.objects.get(username="newcomer")
        self.assertTrue(newcomer.check_password("một mật khẩu dài"))
        self.assertTrue(Membership.objects.current().filter(user=newcomer, agency=self.agency).exists())
        self.assertEqual(list(AuditEntry.objects.filter(action__in=["user.create", "membership.add"])
                              .values_list("action", flat=True)), ["user.create", "membership.add"])

    def test_a_weak_password_saves_nothing_and_says_why(self):
        self.sign_in(self.p.administrator)
        response = self.post_add(username="newcomer", full_name="Lý Thị Mới", password="123")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "too short", status_code=400)
        self.assertFalse(User.objects.filter(username="newcomer").exists())
        self.assertFalse(AuditEntry.objects.filter(action="user.create").exists())

    def test_scope_beyond_the_administrators_own_is_refused(self):
        self.sign_in(self.p.administrator)
        response = self.post_add(scope="2025:91")  # An Giang
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "within your own", status_code=400)
        self.assertFalse(Membership.objects.filter(user=self.p.owner, agency=self.agency).exists())

    def test_a_malformed_scope_key_is_explained(self):
        self.sign_in(self.p.administrator)
        response = self.post_add(scope="Đồng Tháp")
        self.assertContains(response, "2025:82", status_code=400)

    def test_members_who_are_not_administrators_get_403_and_change_nothing(self):
        for persona in (self.p.supervisor, self.p.statistician, self.p.outsider):
            self.sign_in(persona)
            self.assertEqual(self.post_add().status_code, 403, persona.username)
        self.assertFalse(Membership.objects.filter(user=self.p.owner, agency=self.agency).exists())

    def test_an_administrator_of_another_agency_cannot_manage_this_one(self):
        self.sign_in(self.p.administrator)
        url = reverse("agencies:member_add", args=[self.p.owner_agency.pk])
        response = self.client.post(url, {"username": "p_partner", "role": Role.CASEWORKER, "scope": "2025:29926"})
        self.assertEqual(response.status_code, 403)

    def test_removing_a_member_ends_the_role_and_every_session_at_once(self):
        self.sign_in(self.p.supervisor)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        admin_client = self.client_class()
        from trove.core.testing import sign_in

        sign_in(admin_client, self.p.administrator)
        membership = Membership.objects.get(user=self.p.supervisor)
        response = admin_client.post(reverse("agencies:member_end", args=[self.agency.pk, membership.pk]))
        self.assertEqual(response.status_code, 302)

        membership.refresh_from_db()
        self.assertIsNotNone(membership.ended_at)
        self.assertEqual(membership.ended_by, self.p.administrator)
        self.assertFalse(policy.has_permission(User.objects.get(pk=self.p.supervisor.pk), "case.view"))
        # The supervisor's existing session no longer works.
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next=/", fetch_redirect_response=False)
        self.assertTrue(AuditEntry.objects.filter(action="membership.end", object_id=str(membership.pk)).exists())

    def test_the_detail_page_offers_the_forms_to_administrators_only(self):
        self.sign_in(self.p.administrator)
        response = self.client.get(self.agency.get_absolute_url())
        self.assertContains(response, self.add_url)
        self.sign_in(self.p.supervisor)
        response = self.client.get(self.agency.get_absolute_url())
        self.assertNotContains(response, self.add_url)

    def test_the_action_refuses_a_disabled_account(self):
        self.p.owner.is_active = False
        self.p.owner.save()
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "disabled"):
            actions.membership_add(acting_user=self.p.administrator, agency=self.agency, user=self.p.owner,
                                   role=Role.CASEWORKER, scope_unit=AdminUnit.objects.by_key("2025:82"))
