import datetime
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from trove.agencies.models import Agency, AgencyType, Membership, Role
from trove.core import actions, policy
from trove.core.models import BreakGlassGrant, Participation
from trove.core.models.access import ParticipationReason
from trove.core.testapp.models import Dossier
from trove.core.testing import PersonaTestCase, _member, _user
from trove.geo.models import AdminUnit


class PolicyTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dossier = Dossier.objects.create(title="owned", owner_agency=cls.p.owner_agency, unit=cls.p.commune)
        # A record of the other province: nobody in Đồng Tháp reaches it.
        cls.far = Dossier.objects.create(title="far", owner_agency=cls.p.other_agency, unit=cls.p.other_province)

    def visible_titles(self, user):
        return set(policy.visible(user, Dossier.objects.all()).values_list("title", flat=True))

    def fresh(self, user):
        policy.forget_memberships(user)
        return user


class OwnershipTests(PolicyTestCase):
    def test_it_shows_the_owning_agency_its_records_and_nothing_else(self):
        self.assertEqual(self.visible_titles(self.p.owner), {"owned"})
        self.assertEqual(self.visible_titles(self.p.outsider), {"far"})

    def test_it_answers_404_to_an_outsider(self):
        with self.assertRaises(Http404):
            policy.require(self.p.outsider, "case.view", self.dossier)
        with self.assertRaises(Http404):
            policy.get_for_user(self.p.outsider, Dossier, self.dossier.pk)

    def test_it_answers_403_to_a_read_only_member(self):
        self.assertIn("case.view", policy.require(self.p.readonly, "case.view", self.dossier))
        with self.assertRaises(PermissionDenied):
            policy.require(self.p.readonly, "case.edit", self.dossier)
        policy.require(self.p.owner, "case.edit", self.dossier)

    def test_a_statistician_sees_no_record(self):
        self.assertEqual(self.visible_titles(self.p.statistician), set())
        with self.assertRaises(Http404):
            policy.require(self.p.statistician, "case.view", self.dossier)
        self.assertTrue(policy.has_permission(self.p.statistician, "report.view_aggregate"))

    def test_an_unknown_or_malformed_id_is_404(self):
        for pk in (999_999, "abc", None):
            with self.assertRaises(Http404):
                policy.get_for_user(self.p.owner, Dossier, pk)

    def test_ended_and_future_memberships_give_nothing(self):
        Membership.objects.filter(user=self.p.owner).update(valid_to=datetime.date(2025, 12, 31))
        self.assertEqual(self.visible_titles(self.fresh(self.p.owner)), set())
        Membership.objects.filter(user=self.p.owner).update(valid_from=timezone.localdate() + datetime.timedelta(1),
                                                            valid_to=None)
        self.assertEqual(self.visible_titles(self.fresh(self.p.owner)), set())

    def test_an_ended_agency_gives_its_members_nothing(self):
        Agency.objects.filter(pk=self.p.owner_agency.pk).update(valid_to=datetime.date(2025, 12, 31))
        self.assertFalse(policy.can(self.fresh(self.p.owner), "case.view", self.dossier))

    def test_a_deactivated_user_sees_nothing(self):
        self.p.owner.is_active = False
        self.assertEqual(self.visible_titles(self.fresh(self.p.owner)), set())


class ParticipationTests(PolicyTestCase):
    def test_a_partner_sees_the_record_only_while_taking_part(self):
        self.assertFalse(policy.can(self.p.partner, "case.view", self.dossier))
        participation = actions.participation_start(
            acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
            reason=ParticipationReason.VERIFICATION_REQUEST,
        )
        self.assertEqual(self.visible_titles(self.p.partner), {"owned"})
        # The partner acts with its own role: a verifier may decide, even though the owner's caseworker may not.
        self.assertTrue(policy.can(self.p.partner, "case.decide", self.dossier))
        self.assertFalse(policy.can(self.p.owner, "case.decide", self.dossier))

        actions.participation_end(acting_user=self.p.owner, participation=participation)
        self.assertEqual(self.visible_titles(self.p.partner), set())
        with self.assertRaises(Http404):
            policy.require(self.p.partner, "case.view", self.dossier)

    def test_a_participation_that_has_not_started_gives_nothing(self):
        Participation.objects.create(
            content_type=ContentType.objects.get_for_model(Dossier),
            object_id=self.dossier.pk, agency=self.p.partner_agency, reason=ParticipationReason.REFERRAL,
            started_at=timezone.now() + datetime.timedelta(hours=1),
        )
        self.assertFalse(policy.can(self.p.partner, "case.view", self.dossier))

    def test_participation_in_one_record_does_not_open_another(self):
        other = Dossier.objects.create(title="other", owner_agency=self.p.owner_agency, unit=self.p.commune)
        actions.participation_start(acting_user=self.p.owner, obj=other, agency=self.p.partner_agency,
                                    reason=ParticipationReason.REFERRAL)
        self.assertEqual(self.visible_titles(self.p.partner), {"other"})


class SupervisorScopeTests(PolicyTestCase):
    def test_a_supervisor_sees_records_in_their_scope_only(self):
        self.assertEqual(self.visible_titles(self.p.supervisor), {"owned"})
        self.assertIn("case.decide", policy.require(self.p.supervisor, "case.decide", self.dossier))
        with self.assertRaises(Http404):
            policy.require(self.p.supervisor, "case.view", self.far)

    def test_a_province_scope_covers_records_placed_on_legacy_units_that_became_part_of_it(self):
        # Thị trấn Sa Rài (legacy:29926) became part of Xã Tân Hồng (2025:29926) in Đồng Tháp (2025:82).
        old = Dossier.objects.create(title="2019", owner_agency=self.p.other_agency,
                                     unit=AdminUnit.objects.by_key("legacy:29926"))
        self.assertIn("2019", self.visible_titles(self.p.supervisor))
        self.assertTrue(policy.can(self.p.supervisor, "case.view", old))

    def test_a_commune_scope_does_not_cover_the_neighbouring_commune(self):
        neighbour = AdminUnit.objects.by_key("2025:29929")  # Xã Tân Hộ Cơ
        commune_supervisor = _member(_user("p_commune_sup", "Mai Văn Xã"), self.p.owner_agency, Role.SUPERVISOR,
                                     self.p.commune)
        there = Dossier.objects.create(title="there", owner_agency=self.p.other_agency, unit=neighbour)
        self.assertFalse(policy.can(commune_supervisor, "case.view", there))
        self.assertEqual(self.visible_titles(commune_supervisor), {"owned"})

    def test_a_caseworker_scope_does_not_reach_other_agencies_records(self):
        # Scope extends reach only for supervising roles.
        elsewhere = Dossier.objects.create(title="elsewhere", owner_agency=self.p.province_agency,
                                           unit=self.p.commune)
        self.assertFalse(policy.can(self.p.owner, "case.view", elsewhere))


class BreakGlassTests(PolicyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.far_supervisor = _member(_user("p_far_sup", "Tạ Văn Khẩn"), cls.p.other_agency, Role.SUPERVISOR,
                                     cls.p.other_province)

    reason = "Người này đang ở đồn biên phòng, cần xác minh ngay trong đêm."

    def test_a_supervisor_opens_a_record_outside_their_scope_for_a_while(self):
        with self.assertRaises(Http404):
            policy.require(self.far_supervisor, "case.view", self.dossier)
        with self.captureOnCommitCallbacks(execute=True):
            grant = actions.break_glass(acting_user=self.far_supervisor, obj=self.dossier, reason=self.reason)
        self.assertTrue(policy.can(self.far_supervisor, "case.view", self.dossier))
        self.assertIn("owned", self.visible_titles(self.far_supervisor))
        self.assertAlmostEqual((grant.expires_at - grant.granted_at).total_seconds(), 4 * 3600)

        from trove.core.models.audit import AuditEntry

        entry = AuditEntry.objects.get(action="access.break_glass")
        self.assertEqual(entry.reason, self.reason)
        self.assertEqual(entry.actor, self.far_supervisor)
        self.assertEqual(entry.object_id, str(self.dossier.pk))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.p.owner_agency.email])
        self.assertIn(self.reason, mail.outbox[0].body)

        BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        with self.assertRaises(Http404):
            policy.require(self.far_supervisor, "case.view", self.dossier)
        self.assertNotIn("owned", self.visible_titles(self.far_supervisor))

    def test_it_needs_a_written_reason(self):
        with self.assertRaises(ValidationError):
            actions.break_glass(acting_user=self.far_supervisor, obj=self.dossier, reason="  vội  ")
        self.assertFalse(BreakGlassGrant.objects.exists())

    def test_only_roles_allowed_to_break_the_glass_may(self):
        with self.assertRaises(PermissionDenied):
            actions.break_glass(acting_user=self.p.outsider, obj=self.dossier, reason=self.reason)
        self.assertFalse(BreakGlassGrant.objects.exists())


class QueryCountTests(PolicyTestCase):
    def test_visible_reads_its_reach_once_then_one_query(self):
        for index in range(20):
            Dossier.objects.create(title=f"d{index}", owner_agency=self.p.owner_agency, unit=self.p.commune)
        policy.current_memberships(self.p.supervisor)
        ContentType.objects.get_for_model(Dossier)
        # The records taken part in and the glass broken (one query), the supervised units (one query, kept for the
        # request), then the records.
        with self.assertNumQueries(3):
            dossiers = list(policy.visible(self.p.supervisor, Dossier.objects.all()))
        self.assertEqual(len(dossiers), 21)
        with self.assertNumQueries(2):
            self.assertEqual(policy.visible(self.p.supervisor, Dossier.objects.all()).count(), 21)

    def test_a_long_reach_stays_a_subquery(self):
        actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                    reason=ParticipationReason.REFERRAL)
        with mock.patch.object(policy, "INLINE_IDS_MAX", 0):
            queryset = policy.visible(self.p.partner, Dossier.objects.all())
            self.assertIn("core_participation", str(queryset.query))
            self.assertEqual([d.pk for d in queryset], [self.dossier.pk])


def test_agency_type_codes_cover_the_glossary():
    glossary = {"police", "border_guard", "commune_pc", "province_pc", "labour_social", "health_department",
                "womens_union", "procuracy", "court", "justice", "legal_aid", "fatherland_front", "social_facility",
                "victim_facility"}
    assert glossary <= set(AgencyType.values)


class IdentityTests(PolicyTestCase):
    def test_identity_is_revealed_to_roles_allowed_to_see_it_and_every_view_is_audited(self):
        from trove.core.models import AuditEntry

        self.assertTrue(policy.reveal_identity(self.p.owner, self.dossier))
        self.assertTrue(policy.reveal_identity(self.p.supervisor, self.dossier))
        viewers = list(AuditEntry.objects.filter(action="identity.view", object_id=str(self.dossier.pk))
                       .values_list("actor_username", flat=True))
        self.assertEqual(viewers, ["p_owner", "p_supervisor"])

    def test_identity_stays_hidden_from_read_only_members_auditors_and_outsiders(self):
        from trove.core.models import AuditEntry

        for persona in (self.p.readonly, self.p.auditor, self.p.outsider, self.p.statistician):
            self.assertFalse(policy.reveal_identity(persona, self.dossier), persona.username)
        self.assertFalse(AuditEntry.objects.filter(action="identity.view").exists())
