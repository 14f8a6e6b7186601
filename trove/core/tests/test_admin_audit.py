from django.urls import reverse

from trove.agencies.models import Membership, Role
from trove.core.models import AuditEntry, User
from trove.core.testing import PersonaTestCase


class AdminChangesAreAuditedTests(PersonaTestCase):
    def setUp(self):
        self.staff = User.objects.create_superuser("root", password=None)
        self.sign_in(self.staff)

    def test_a_membership_changed_in_the_admin_is_recorded_with_old_and_new_role(self):
        membership = Membership.objects.get(user=self.p.readonly)
        url = reverse("admin:agencies_membership_change", args=[membership.pk])
        response = self.client.post(url, {
            "user": membership.user_id, "agency": membership.agency_id, "role": Role.CASEWORKER,
            "scope_unit": membership.scope_unit_id, "valid_from": "2025-07-01", "valid_to": "",
        })
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and
                         response.context["adminform"].form.errors)
        entry = AuditEntry.objects.get(action="admin.change", object_id=str(membership.pk))
        self.assertEqual(entry.object_type, "agencies.membership")
        self.assertEqual(entry.changes["role"], [Role.OBSERVER, Role.CASEWORKER])
        self.assertEqual(entry.actor, self.staff)

    def test_a_password_set_in_the_admin_never_reaches_the_audit_log(self):
        url = reverse("admin:auth_user_password_change", args=[self.p.owner.pk])
        password = "một mật khẩu rất dài 2026"
        self.client.post(url, {"password1": password, "password2": password, "usable_password": "true"})
        self.assertTrue(User.objects.get(pk=self.p.owner.pk).check_password(password))
        self.assertTrue(AuditEntry.objects.filter(action="user.password_set_by_admin",
                                                  object_id=str(self.p.owner.pk)).exists())
        for entry in AuditEntry.objects.all():
            self.assertNotIn(password, str(entry.changes))

    def test_deleting_in_the_admin_is_recorded(self):
        membership = Membership.objects.get(user=self.p.readonly)
        url = reverse("admin:agencies_membership_delete", args=[membership.pk])
        self.client.post(url, {"post": "yes"})
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action="admin.delete", object_id=str(membership.pk)).exists())
