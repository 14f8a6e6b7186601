"""The policy's answers kept for a request (trove.core.access_memo): asked once, and never kept past a change.

Each test holds one user object across a change, as a request does when an action runs and the page is then shown:
the answer read before the change must not be the one given after it.
"""

import datetime
from unittest import mock

from django.db import transaction
from django.http import Http404
from django.test import RequestFactory

from trove.agencies.actions import membership_add, membership_end
from trove.agencies.models import Membership, Role
from trove.cases import lifecycle
from trove.core import access_memo, actions, policy
from trove.core.models.access import ParticipationReason
from trove.core.testapp.models import Dossier
from trove.core.testing import PersonaTestCase, _member, _user
from trove.verification.tests.helpers import open_case

REASON = "Người bị hại đang ở tỉnh này, cần hồ sơ ngay"


class MemoTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dossier = Dossier.objects.create(title="owned", owner_agency=cls.p.owner_agency, unit=cls.p.commune)
        cls.administrator = _member(_user("p_commune_admin", "Quách Văn Quản"), cls.p.owner_agency,
                                    Role.ADMINISTRATOR, cls.p.commune)

    def setUp(self):
        # One request scope per test, as the middleware opens one per request.
        scope = access_memo.request_scope()
        scope.__enter__()
        self.addCleanup(scope.__exit__, None, None, None)


class KeptTests(MemoTestCase):
    def test_it_reads_the_database_once_per_record_within_a_request(self):
        policy.current_memberships(self.p.partner)
        actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                    reason=ParticipationReason.REFERRAL)
        with self.assertNumQueries(3):  # the glass broken, the participations, the confidentiality flag
            permissions = policy.require(self.p.partner, "case.view", self.dossier)
        with self.assertNumQueries(0):
            self.assertEqual(policy.permissions_on(self.p.partner, self.dossier), permissions)
            self.assertIsNone(policy.sections_on(self.p.partner, self.dossier))
            self.assertTrue(policy.can(self.p.partner, "case.view", self.dossier))

    def test_an_owner_costs_one_query_and_only_for_the_confidentiality_flag(self):
        policy.current_memberships(self.p.owner)
        with self.assertNumQueries(1):
            self.assertIn("case.view_identity", policy.permissions_on(self.p.owner, self.dossier))
        with self.assertNumQueries(0):  # and whether the flag is set is known from then on
            self.assertFalse(policy.identity_restricted(self.dossier))

    def test_nothing_is_kept_outside_a_request(self):
        policy.current_memberships(self.p.owner)
        with access_memo.request_scope():
            pass
        scope = access_memo._scope.set(None)
        try:
            with self.assertNumQueries(1):
                policy.permissions_on(self.p.owner, self.dossier)
            with self.assertNumQueries(1):
                policy.permissions_on(self.p.owner, self.dossier)
        finally:
            access_memo._scope.reset(scope)

    def test_changes_outside_a_request_are_not_tracked(self):
        # The background worker saves records in transactions all day: with no request keeping answers, nothing
        # about those changes may pile up in the process.
        scope = access_memo._scope.set(None)
        try:
            with transaction.atomic():
                before = len(access_memo._uncommitted)
                actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                            reason=ParticipationReason.REFERRAL)
                self.assertEqual(len(access_memo._uncommitted), before)
        finally:
            access_memo._scope.reset(scope)

    def test_a_new_request_reads_again(self):
        policy.current_memberships(self.p.owner)
        policy.permissions_on(self.p.owner, self.dossier)
        with access_memo.request_scope(), self.assertNumQueries(1):
            policy.permissions_on(self.p.owner, self.dossier)

    def test_the_middleware_keeps_answers_for_the_request_only(self):
        seen = []

        def view(request):
            policy.current_memberships(self.p.owner)
            with self.assertNumQueries(1):
                policy.permissions_on(self.p.owner, self.dossier)
                policy.permissions_on(self.p.owner, self.dossier)
            seen.append(access_memo._scope.get())
            return None

        access_memo.AccessMemoMiddleware(view)(RequestFactory().get("/"))
        access_memo.AccessMemoMiddleware(view)(RequestFactory().get("/"))
        self.assertEqual(len(seen), 2)
        self.assertIsNot(seen[0], seen[1])


class ChangesDropTheMemoTests(MemoTestCase):
    def test_a_participation_granted_then_ended(self):
        with self.assertRaises(Http404):
            policy.require(self.p.partner, "case.view", self.dossier)
        participation = actions.participation_start(acting_user=self.p.owner, obj=self.dossier,
                                                    agency=self.p.partner_agency, reason=ParticipationReason.REFERRAL,
                                                    sections=["needs"])
        self.assertTrue(policy.can(self.p.partner, "case.view", self.dossier))
        self.assertEqual(policy.sections_on(self.p.partner, self.dossier), frozenset({"needs"}))
        actions.participation_end(acting_user=self.p.owner, participation=participation)
        self.assertFalse(policy.can(self.p.partner, "case.view", self.dossier))

    def test_a_glass_broken(self):
        far_supervisor = _member(_user("p_far", "Lâm Văn Xa"), self.p.other_agency, Role.SUPERVISOR,
                                 self.p.other_province)
        self.assertFalse(policy.can(far_supervisor, "case.view", self.dossier))
        with self.captureOnCommitCallbacks(execute=True):
            actions.break_glass(acting_user=far_supervisor, obj=self.dossier, reason=REASON)
        self.assertTrue(policy.can(far_supervisor, "case.view", self.dossier))

    def test_a_glass_that_expires_while_the_answer_is_kept(self):
        far_supervisor = _member(_user("p_far", "Lâm Văn Xa"), self.p.other_agency, Role.SUPERVISOR,
                                 self.p.other_province)
        with self.captureOnCommitCallbacks(execute=True):
            grant = actions.break_glass(acting_user=far_supervisor, obj=self.dossier, reason=REASON)
        self.assertTrue(policy.can(far_supervisor, "case.view", self.dossier))
        later = grant.expires_at + datetime.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertFalse(policy.can(far_supervisor, "case.view", self.dossier))

    def test_a_confidentiality_flag_set_then_lifted(self):
        self.assertTrue(policy.can(self.p.readonly, "case.view", self.dossier))
        self.assertTrue(policy.can(self.p.owner, "case.view_identity", self.dossier))
        self.assertFalse(policy.identity_restricted(self.dossier))
        actions.identity_restrict(acting_user=self.p.supervisor, obj=self.dossier, members=[], reason=REASON)
        self.assertFalse(policy.can(self.p.owner, "case.view_identity", self.dossier))
        self.assertTrue(policy.can(self.p.owner, "case.view_identity", self.dossier, restrictions=False))
        self.assertTrue(policy.identity_restricted(self.dossier))
        # Lifting is an update (no model signal): the action says so itself.
        actions.identity_unrestrict(acting_user=self.p.supervisor, obj=self.dossier, reason=REASON)
        self.assertTrue(policy.can(self.p.owner, "case.view_identity", self.dossier))
        self.assertFalse(policy.identity_restricted(self.dossier))

    def test_a_member_named_in_the_flag_later(self):
        restriction = actions.identity_restrict(acting_user=self.p.supervisor, obj=self.dossier, members=[],
                                                reason=REASON)
        self.assertFalse(policy.can(self.p.owner, "case.view_identity", self.dossier))
        restriction.members.add(self.p.owner)
        self.assertTrue(policy.can(self.p.owner, "case.view_identity", self.dossier))

    def test_a_membership_added_to_the_same_user_object(self):
        newcomer = _member(_user("p_newcomer", "Hà Thị Mới"), self.p.other_agency, Role.CASEWORKER,
                           self.p.other_province)
        self.assertFalse(policy.can(newcomer, "case.view", self.dossier))
        membership_add(acting_user=self.administrator, agency=self.p.owner_agency, user=newcomer,
                       role=Role.CASEWORKER, scope_unit=self.p.commune)
        self.assertTrue(policy.can(newcomer, "case.edit", self.dossier))

    def test_a_membership_ended(self):
        leaver = _member(_user("p_leaver", "Hà Văn Rời"), self.p.owner_agency, Role.CASEWORKER, self.p.commune)
        self.assertTrue(policy.can(leaver, "case.edit", self.dossier))
        membership_end(acting_user=self.administrator, membership=Membership.objects.get(user=leaver))
        # Memberships are read once per request (docs/architecture.md); once they are read again, no answer made
        # of the old ones is left.
        policy.forget_memberships(leaver)
        self.assertFalse(policy.can(leaver, "case.view", self.dossier))

    def test_a_record_moved_to_another_agency_in_memory_is_not_answered_from_its_old_owner(self):
        self.assertTrue(policy.can(self.p.owner, "case.edit", self.dossier))
        self.dossier.owner_agency = self.p.other_agency
        self.dossier.unit = self.p.other_province
        self.assertFalse(policy.can(self.p.owner, "case.view", self.dossier))

    def test_a_change_rolled_back_is_not_remembered(self):
        self.assertFalse(policy.can(self.p.partner, "case.view", self.dossier))
        with transaction.atomic():
            actions.participation_start(acting_user=self.p.owner, obj=self.dossier, agency=self.p.partner_agency,
                                        reason=ParticipationReason.REFERRAL)
            self.assertTrue(policy.can(self.p.partner, "case.view", self.dossier))
            transaction.set_rollback(True)
        self.assertFalse(policy.can(self.p.partner, "case.view", self.dossier))


class CaseTransferTests(MemoTestCase):
    def test_a_case_transferred_leaves_its_old_owner_within_the_same_request(self):
        case = open_case(self.p)
        receiver = _member(_user("p_receiver", "Tạ Thị Nhận"), self.p.other_agency, Role.CASEWORKER,
                           self.p.other_province)
        self.assertTrue(policy.can(self.p.owner, "case.edit", case))
        transfer = lifecycle.case_transfer_request(acting_user=self.p.owner, case=case, to_agency=self.p.other_agency,
                                                   reason="Người này chuyển đến tỉnh khác sinh sống")
        # The receiving agency sees the case while the transfer waits (it takes part in it).
        self.assertTrue(policy.can(receiver, "case.view", case))
        lifecycle.case_transfer_accept(acting_user=_member(_user("p_receiver2", "Tạ Văn Nhận"), self.p.other_agency,
                                                           Role.CASEWORKER, self.p.other_province),
                                       transfer=transfer)
        # The action saved its own copy of the case; the page's copy, read again, is answered anew.
        case.refresh_from_db()
        self.assertFalse(policy.can(self.p.owner, "case.view", case))
        self.assertTrue(policy.can(receiver, "case.edit", case))


class RecordSavedTests(MemoTestCase):
    def test_a_record_moved_by_another_copy_of_it(self):
        # The supervisor's reach is read from the record's place in the database: an action that moves the record
        # saves its own copy, and the page's copy (same owner and place in memory) must not keep the old answer.
        self.assertTrue(policy.can(self.p.supervisor, "case.view", self.dossier))
        moved = Dossier.objects.get(pk=self.dossier.pk)
        moved.unit = self.p.other_province
        moved.save()
        self.assertFalse(policy.can(self.p.supervisor, "case.view", self.dossier))
