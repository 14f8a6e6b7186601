"""Cases for the privacy tests, made through the real actions; every person is invented."""

from __future__ import annotations

from django.utils import timezone

from trove.agencies.models import Role
from trove.cases.lifecycle import case_close
from trove.cases.models import Case
from trove.core.testing import PersonaTestCase, _member, _user
from trove.rules.models import IdentificationGround
from trove.verification.actions import approve_decision, propose_decision, tick_ground
from trove.verification.tests.helpers import open_case

NAME = "Hà Thị Quyền Riêng"


class PrivacyTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.verifier = _member(_user("r_verifier", "Bùi Văn Định"), cls.p.owner_agency, Role.VERIFIER, cls.p.commune)
        # An administrator of the owning commune: the one who may erase identity on its cases.
        cls.admin = _member(_user("r_admin", "Trương Văn Quản Trị"), cls.p.owner_agency, Role.ADMINISTRATOR,
                            cls.p.commune)

    @classmethod
    def identified(cls, name: str = NAME) -> Case:
        case = open_case(cls.p, name=name)
        ground = IdentificationGround.objects.filter(regime__code="B").first()
        tick_ground(case=case, acting_user=cls.p.owner, ground=ground, source="Công văn 3/CAT")
        decision = propose_decision(case=case, acting_user=cls.verifier, outcome="victim", reasons="Đủ căn cứ",
                                    decision_date=timezone.localdate())
        approve_decision(decision=decision, acting_user=cls.p.supervisor)
        return Case.objects.get(pk=case.pk)

    @classmethod
    def closed(cls, name: str = NAME) -> Case:
        case = cls.identified(name)
        case_close(acting_user=cls.p.owner, case=case, reason="reintegrated", expected_version=None)
        return Case.objects.get(pk=case.pk)
