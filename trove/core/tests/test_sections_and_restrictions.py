"""Section-limited participation (a referral's receiver sees only what the sender chose) and the confidentiality
flag that narrows identity to named members (issue 6 part 1, issue 7 part 1)."""

from django.core.exceptions import PermissionDenied, ValidationError

from trove.agencies.models import Role
from trove.core import actions, policy
from trove.core.models import AuditEntry, IdentityRestriction
from trove.core.models.access import ParticipationReason
from trove.core.testapp.models import Dossier
from trove.core.testing import PersonaTestCase, _member, _user


class SectionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dossier = Dossier.objects.create(title="owned", owner_agency=cls.p.owner_agency, unit=cls.p.commune)

    def fresh(self, user):
        policy.forget_memberships(user)
        return user

    def test_the_owner_sees_the_whole_record(self):
        self.assertIsNone(policy.sections_on(self.p.owner, self.dossier))
        self.assertIn("case.view_identity", policy.permissions_on(self.p.owner, self.dossier))

    def test_a_participation_with_sections_shows_only_those_and_no_identity_without_it(self):
        participation = actions.participation_start(
            acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
            reason=ParticipationReason.REFERRAL, sections=["health_needs", "support_plan"])
        self.assertFalse(participation.identity_shown)
        self.assertEqual(policy.sections_on(self.p.partner, self.dossier), {"health_needs", "support_plan"})
        permissions = policy.permissions_on(self.p.partner, self.dossier)
        self.assertIn("case.view", permissions)
        self.assertNotIn("case.view_identity", permissions)
        self.assertNotIn(self.dossier, policy.visible(self.p.partner, Dossier.objects.all(), "case.view_identity"))
        self.assertIn(self.dossier, policy.visible(self.p.partner, Dossier.objects.all()))

    def test_the_identity_section_lets_the_receiver_see_who_the_person_is(self):
        actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                    reason=ParticipationReason.REFERRAL, sections=["identity", "health_needs"])
        self.assertIn("case.view_identity", policy.permissions_on(self.p.partner, self.dossier))
        self.assertIn(self.dossier, policy.visible(self.p.partner, Dossier.objects.all(), "case.view_identity"))

    def test_a_participation_without_sections_shows_everything(self):
        actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                    reason=ParticipationReason.VERIFICATION_REQUEST)
        self.assertIsNone(policy.sections_on(self.p.partner, self.dossier))

    def test_a_supervisor_whose_agency_also_takes_part_still_sees_the_whole_record(self):
        actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.province_agency,
                                    reason=ParticipationReason.REFERRAL, sections=["health_needs"])
        self.assertIsNone(policy.sections_on(self.p.supervisor, self.dossier))

    def test_ending_the_participation_ends_the_access(self):
        participation = actions.participation_start(
            acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
            reason=ParticipationReason.REFERRAL, sections=["health_needs"])
        actions.participation_end(acting_user=self.p.owner, participation=participation)
        self.assertEqual(policy.permissions_on(self.p.partner, self.dossier), frozenset())
        self.assertEqual(policy.sections_on(self.p.partner, self.dossier), frozenset())


class IdentityRestrictionTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dossier = Dossier.objects.create(title="owned", owner_agency=cls.p.owner_agency, unit=cls.p.commune)
        cls.colleague = _member(_user("p_colleague", "Trần Thị Đồng"), cls.p.owner_agency, Role.CASEWORKER,
                                cls.p.commune)

    def restrict(self, user=None, members=(), reason="Người thân bị đe dọa, giữ kín danh tính"):
        return actions.identity_restrict(acting_user=user or self.p.owner, obj=self.dossier, members=list(members),
                                         reason=reason)

    def test_only_named_members_keep_identity(self):
        self.restrict()
        self.assertTrue(policy.identity_restricted(self.dossier))
        self.assertTrue(policy.can(self.p.owner, "case.view_identity", self.dossier))
        for user in (self.colleague, self.p.supervisor):
            self.assertFalse(policy.can(user, "case.view_identity", self.dossier), user)
            # ...but they still see the record itself and may work on it.
            self.assertTrue(policy.can(user, "case.view", self.dossier), user)
        self.assertNotIn(self.dossier, policy.visible(self.colleague, Dossier.objects.all(), "case.view_identity"))
        self.assertIn(self.dossier, policy.visible(self.p.owner, Dossier.objects.all(), "case.view_identity"))
        self.assertFalse(policy.reveal_identity(self.colleague, self.dossier))

    def test_named_members_must_already_see_identity(self):
        with self.assertRaises(ValidationError) as caught:
            self.restrict(members=[self.p.outsider])
        self.assertIn("members", caught.exception.message_dict)
        self.assertFalse(IdentityRestriction.objects.exists())

    def test_a_reason_is_required_and_nothing_is_saved_without_it(self):
        with self.assertRaises(ValidationError) as caught:
            self.restrict(reason="  ")
        self.assertIn("reason", caught.exception.message_dict)
        self.assertFalse(IdentityRestriction.objects.exists())

    def test_a_member_without_the_permission_cannot_restrict(self):
        with self.assertRaises(PermissionDenied):
            self.restrict(user=self.p.readonly)

    def test_only_a_named_member_may_change_or_lift_it(self):
        self.restrict(members=[])
        with self.assertRaises(PermissionDenied):
            self.restrict(user=self.colleague, members=[])
        with self.assertRaises(PermissionDenied):
            actions.identity_unrestrict(acting_user=self.colleague, obj=self.dossier, reason="Không còn nguy hiểm nữa")
        self.assertEqual(actions.identity_unrestrict(acting_user=self.p.owner, obj=self.dossier,
                                                     reason="Không còn nguy hiểm nữa"), 1)
        self.assertTrue(policy.can(self.colleague, "case.view_identity", self.dossier))
        kinds = list(AuditEntry.objects.filter(action__startswith="identity.").values_list("action", flat=True))
        self.assertEqual(kinds, ["identity.restrict", "identity.unrestrict"])

    def test_restricting_again_replaces_the_flag(self):
        self.restrict(members=[self.colleague])
        self.restrict(members=[])
        self.assertEqual(IdentityRestriction.objects.filter(lifted_at__isnull=True).count(), 1)
        self.assertFalse(policy.can(self.colleague, "case.view_identity", self.dossier))
