"""The authorization matrix (issue 14 part 1): every URL of the project, every persona, one table of outcomes.

The table below is the specification. The test fails when
- a persona gets another outcome than the table says (an unexpected 200 is a leak; an unexpected 403/404 a lockout);
- a URL pattern exists that the table does not list (a new page must say who may open it);
- a page shown to a persona who may not see identity contains the synthetic person's name, citizen ID or phone.

Outcomes: ``ok`` (2xx, or a redirect that is not to the sign-in page, or 400 — the request was understood and answered
with a form's errors), ``403``, ``404``, ``405``, ``in`` (sent to sign in). Writes are sent as POST with an empty body,
so "ok" for a write means the user passed the access checks and got the form's answer; each request's writes are rolled
back, so every row meets the same world. Personas (trove.core.testing): owner = caseworker of the owning commune
agency; readonly = observer there; partner = verifier of the provincial police, which takes part in the case through a
verification request; supervisor = supervisor of the province (sees everything placed in it); statistician, auditor,
administrator = of the provincial health department; outsider = caseworker in another province.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from trove.agencies.models import Role
from trove.cases import lifecycle
from trove.cases.attachment_actions import attachment_add
from trove.core.models import Job
from trove.core.testing import PersonaTestCase, _member, _user, sign_in
from trove.people.actions import PersonData
from trove.people.merge import merge_persons
from trove.people.registry_actions import suspected_create
from trove.rules.models import IdentificationGround
from trove.verification import actions as verification
from trove.verification.models import IdentificationDecision
from trove.verification.tests.helpers import open_case

NAME = "Đoàn Thị Mật Danh"
CITIZEN_ID = "087301004455"
PHONE = "0912000455"
PDF = b"%PDF-1.4\n% synthetic\n" + b"0" * 100

PERSONAS = ("owner", "readonly", "partner", "supervisor", "statistician", "auditor", "administrator", "outsider")
# Who may see identity on the world's case: the owner agency's caseworker, the police verifier whose agency was asked
# to verify (a verification request shows the whole case), and the province supervisor.
SEES_IDENTITY = {"owner", "partner", "supervisor"}


@dataclass
class Route:
    args: object = None  # world -> kwargs for reverse()
    get: str = ""  # eight outcomes in PERSONAS order, space separated; "" = not requested with GET
    post: str = ""  # the same for an empty POST
    anonymous: str = "in"  # the outcome for someone not signed in
    extra: dict = field(default_factory=dict)


def _all(outcome: str) -> str:
    return " ".join([outcome] * len(PERSONAS))


CASE = lambda w: {"code": w.case.code}  # noqa: E731

#                                    owner readonly partner supervisor statistician auditor administrator outsider
ROUTES: dict[str, Route] = {
    "home": Route(get=_all("ok")),
    "healthz": Route(get=_all("ok"), anonymous="ok"),
    "login": Route(get=_all("ok"), anonymous="ok"),
    "logout": Route(post=_all("in")),
    "two_factor_verify": Route(get=_all("ok")),
    "two_factor_enrol": Route(get=_all("ok")),
    "set_language": Route(post=_all("ok"), anonymous="ok"),
    "geo:units": Route(get=_all("ok")),
    "agencies:directory": Route(get=_all("ok")),
    "agencies:detail": Route(args=lambda w: {"agency_id": w.p.province_agency.pk}, get=_all("ok")),
    "agencies:my_memberships": Route(get=_all("ok")),
    # Members are managed by the agency's own administrator (the administrator persona is of the province agency).
    "agencies:member_add": Route(args=lambda w: {"agency_id": w.p.province_agency.pk},
                                 post="403 403 403 403 403 403 ok 403"),
    "agencies:member_end": Route(args=lambda w: {"agency_id": w.p.province_agency.pk, "membership_id": w.membership},
                                 post="403 403 403 403 403 403 ok 403"),
    "cases_intake:form": Route(get="ok 403 403 403 403 403 403 ok", post="ok 403 403 403 403 403 403 ok"),
    "cases_intake:autosave": Route(post="ok 403 403 403 403 403 403 ok"),
    "cases_intake:discard": Route(post="ok 403 403 403 403 403 403 ok"),
    "cases:list": Route(get="ok ok ok ok 403 ok 403 ok"),
    "cases:detail": Route(args=CASE, get="ok ok ok ok 404 404 404 404"),
    "cases:lifecycle": Route(args=CASE, get="ok ok ok ok 404 404 404 404"),
    "cases:close": Route(args=CASE, post="ok 403 403 ok 404 404 404 404"),
    "cases:reopen": Route(args=CASE, post="ok 403 403 ok 404 404 404 404"),
    "cases:transfer_request": Route(args=CASE, post="ok 403 403 ok 404 404 404 404"),
    # The transfer was answered already, and only the receiving agency (another province's) may answer one.
    "cases:transfer_accept": Route(args=lambda w: {"code": w.case.code, "transfer_id": w.transfer},
                                   post="403 403 403 403 404 404 404 404"),
    "cases:transfer_reject": Route(args=lambda w: {"code": w.case.code, "transfer_id": w.transfer},
                                   post="403 403 403 403 404 404 404 404"),
    "cases:attachment_upload": Route(args=CASE, post="ok 403 ok ok 404 404 404 404"),
    "cases:attachment_download": Route(args=lambda w: {"code": w.case.code, "attachment_id": w.attachment},
                                       get="ok 403 ok ok 404 404 404 404"),
    "documents:intake_record": Route(args=CASE, get="ok 403 ok ok 404 404 404 404"),
    "documents:request_letter": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                      get="ok 403 ok ok 404 404 404 404"),
    "documents:decision_document": Route(args=lambda w: {"code": w.case.code, "decision_id": w.decision},
                                         get="ok 403 ok ok 404 404 404 404"),
    "verification:deadlines": Route(get="ok ok ok ok 403 ok 403 ok"),
    "verification:case": Route(args=CASE, get="ok ok ok ok 404 404 404 404"),
    "verification:step_complete": Route(args=lambda w: {"code": w.case.code, "step_id": w.step},
                                        post="ok 403 ok ok 404 404 404 404"),
    "verification:step_skip": Route(args=lambda w: {"code": w.case.code, "step_id": w.step},
                                    post="ok 403 ok ok 404 404 404 404"),
    "verification:request_send": Route(args=CASE, post="ok 403 ok ok 404 404 404 404"),
    "verification:request_reply": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                        post="403 403 ok 403 404 404 404 404"),
    "verification:request_close": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                        post="ok 403 403 403 404 404 404 404"),
    "verification:ground_tick": Route(args=lambda w: {"code": w.case.code, "ground_id": w.ground},
                                      post="ok 403 ok ok 404 404 404 404"),
    "verification:ground_untick": Route(args=lambda w: {"code": w.case.code, "ground_id": w.ground},
                                        post="ok 403 ok ok 404 404 404 404"),
    "verification:decision_propose": Route(args=CASE, post="403 403 ok ok 404 404 404 404"),
    "verification:decision_approve": Route(args=lambda w: {"code": w.case.code, "decision_id": w.pending},
                                           post="403 403 403 ok 404 404 404 404"),
    "verification:decision_reject": Route(args=lambda w: {"code": w.case.code, "decision_id": w.pending},
                                          post="403 403 403 ok 404 404 404 404"),
    "verification:status_change": Route(args=CASE, post="ok 403 ok ok 404 404 404 404"),
    "verification:case_reopen": Route(args=CASE, post="ok 403 ok ok 404 404 404 404"),
    "notifications:list": Route(get=_all("ok")),
    "notifications:read": Route(post=_all("ok")),
    "registries:list": Route(args=lambda w: {"kind": "suspected"}, get="ok ok ok ok 403 ok 403 ok"),
    "registries:new": Route(args=lambda w: {"kind": "suspected"}, get="ok 403 403 403 403 403 403 ok",
                            post="ok 403 403 403 403 403 403 ok"),
    "registries:detail": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                               get="ok ok 404 ok 404 404 404 404"),
    "registries:status": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                               post="ok 403 404 ok 404 404 404 404"),
    "registries:to_case": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                                get="ok 403 404 403 404 404 404 404", post="ok 403 404 403 404 404 404 404"),
    "people_merge:person_edit": Route(args=CASE, get="ok 403 ok ok 404 404 404 404",
                                      post="ok 403 ok ok 404 404 404 404"),
    "people_merge:duplicates": Route(args=CASE, get="ok 403 ok ok 404 404 404 404"),
    # Merges are reviewed and undone by administrators.
    "people_merge:list": Route(get="403 403 403 403 403 403 ok 403"),
    "people_merge:undo": Route(args=lambda w: {"pk": w.merge}, post="403 403 403 403 403 403 ok 403"),
    "audit_log": Route(get="403 403 403 403 403 ok 403 403"),
    "job": Route(args=lambda w: {"job_id": w.job}, get="ok 404 404 404 404 404 404 404"),
    "job_status": Route(args=lambda w: {"job_id": w.job}, get="ok 404 404 404 404 404 404 404"),
    "job_download": Route(args=lambda w: {"job_id": w.job}, get="404 404 404 404 404 404 404 404"),
    "break_glass": Route(args=lambda w: {"label": "cases.case", "pk": w.case.pk},
                         get="403 403 403 ok 403 403 403 403", post="403 403 403 ok 403 403 403 403"),
    "break_glass_case": Route(args=CASE, get="403 403 403 ok 403 403 403 403", post="403 403 403 ok 403 403 403 403"),
}


# Apps whose pages are not in this table yet: each tests its own pages with every persona (outsider 404, read-only
# 403) in its own tests; they join this table one by one (issue 14), and a new URL anywhere else fails at once.
NOT_YET_IN_MATRIX = ("api", "plans", "intel", "support", "referrals", "imports", "reports")


def _pending(name: str) -> bool:
    return name.split(":")[0] in NOT_YET_IN_MATRIX or name.startswith("api_") or name == "^(?P<path>.*)$"


def url_names() -> set[str]:
    """Every named URL of the project outside the Django admin (which has its own staff-only guard)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else (pattern.name or str(pattern.pattern))

    return set(walk(get_resolver().url_patterns))


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        return "in" if "/signin/" in response.get("Location", "") else "ok"
    if code in (200, 201, 204, 400):
        return "ok"
    return str(code)


class World(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.p
        cls.case = open_case(p, name=NAME)
        person = cls.case.person
        person.citizen_id, person.phone = CITIZEN_ID, PHONE
        person.save()
        cls.step = cls.case.verification_steps.order_by("order").first().pk
        cls.verification_request = verification.send_request(
            case=cls.case, acting_user=p.owner, to_agency=p.partner_agency, kind="verify_identity",
            due_on=timezone.localdate() + datetime.timedelta(days=5)).pk
        ground = IdentificationGround.objects.filter(regime__code="B", group="evidence").order_by("pk").first()
        verification.tick_ground(case=cls.case, acting_user=p.owner, ground=ground, source="Công văn 12/CAT")
        cls.decision = verification.propose_decision(case=cls.case, acting_user=p.supervisor, outcome="victim",
                                                     reasons="Có giấy xác nhận của cơ quan giải cứu",
                                                     decision_date=timezone.localdate()).pk
        cls.ground = ground.pk
        cls.attachment = attachment_add(acting_user=p.owner, case=cls.case, name="giấy.pdf", content=PDF).pk
        cls.suspected = suspected_create(
            acting_user=p.owner, agency=p.owner_agency, risk_channel="labour_export",
            reported_on=timezone.localdate(), person=PersonData(full_name="Lò Văn Thử", sex="male")).pk
        twin = open_case(p, name="Đoàn Thị Bản Sao")
        cls.merge = merge_persons(acting_user=p.owner, survivor=cls.case.person, duplicate=twin.person,
                                  reason="Cùng một người, ghi hai lần").pk
        cls.job = Job.objects.create(kind="test.none", created_by=p.owner).pk
        transfer = lifecycle.case_transfer_request(acting_user=p.owner, case=cls.case, to_agency=p.other_agency,
                                                   reason="Người này chuyển đến tỉnh khác sinh sống")
        cls.transfer = lifecycle.case_transfer_reject(acting_user=p.outsider, transfer=transfer,
                                                      reason="Chưa xác nhận được nơi ở mới").pk
        cls.membership = _member(_user("p_leaver", "Hà Văn Rời"), p.province_agency, Role.OBSERVER,
                                 p.province).memberships.get().pk
        # A second supervisor approves the first one's decision, so that the decision document exists.
        approver = _member(_user("p_approver", "Mai Thị Duyệt"), p.province_agency, Role.SUPERVISOR, p.province)
        verification.approve_decision(decision=IdentificationDecision.objects.get(pk=cls.decision),
                                      acting_user=approver)
        cls.pending = verification.propose_decision(case=cls.case, acting_user=p.supervisor, outcome="not_victim",
                                                    reasons="Xem xét lại theo thông tin mới",
                                                    decision_date=timezone.localdate()).pk

    @property
    def p_(self):
        return self.p


class AuthorizationMatrixTests(World):
    def test_every_url_has_a_row_in_the_table(self):
        missing = sorted(name for name in url_names() - set(ROUTES) if not _pending(name))
        self.assertEqual(missing, [], "New URLs need a row in ROUTES saying who may open them")
        stale = sorted(set(ROUTES) - url_names())
        self.assertEqual(stale, [], "ROUTES lists URLs that no longer exist")

    def test_each_persona_gets_exactly_the_outcome_the_table_says(self):
        clients = {persona: Client() for persona in PERSONAS}
        for persona, client in clients.items():
            sign_in(client, getattr(self.p, persona))
        mismatches = []
        for name, route in sorted(ROUTES.items()):
            url = reverse(name, kwargs=route.args(self) if route.args else None)
            for method, expected_row in (("get", route.get), ("post", route.post)):
                if not expected_row:
                    continue
                expected = dict(zip(PERSONAS, expected_row.split(), strict=True))
                for persona in PERSONAS:
                    response = self.request(clients[persona], method, url)
                    got = outcome(response)
                    if got != expected[persona]:
                        mismatches.append(f"{method.upper()} {name} as {persona}: {got}, expected {expected[persona]}")
                    if method == "get" and persona not in SEES_IDENTITY and got == "ok":
                        body = response.content.decode(errors="replace")
                        mismatches.extend(f"GET {name} as {persona} shows identity ({secret[:4]}…)"
                                          for secret in (NAME, CITIZEN_ID, PHONE) if secret in body)
                anonymous = outcome(self.request(Client(), method, url))
                if anonymous != route.anonymous:
                    mismatches.append(f"{method.upper()} {name} signed out: {anonymous}, expected {route.anonymous}")
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))

    @staticmethod
    def request(client, method, url):
        """One request whose writes are rolled back afterwards, so that every row of the table meets the same world
        (an empty POST that succeeds — a sign-out, ending a membership — must not change what the next row sees)."""
        cookies = SimpleCookie(client.cookies)
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        client.cookies = cookies
        return response
