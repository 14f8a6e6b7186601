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
administrator = of the provincial health department; outsider = caseworker in another province; referee =
caseworker of the provincial Women's Union, to which the case was referred showing only the needs assessment and the
support plan (so it takes part in the case without seeing who the person is, its verification or its files).

The world holds one case of the owning commune with everything hanging from it (verification, decisions, an
attachment, support given, a risk assessment, a support plan, a hardship application, a referral, follow-up visits, a
tip and a proceeding that name it), a plan of the commune with an indicator, a report and a training with a file, an
import waiting for its sheet, a budget estimate of the province, a data subject's access request, and a finished
report export of the statistician.
Run with ``MATRIX_DISCOVER=/tmp/file`` to write the outcomes actually met, one row per line, when updating the table.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.functional import empty

from trove.agencies.models import Agency, AgencyType, Role
from trove.api.actions import token_create
from trove.cases import lifecycle
from trove.cases.attachment_actions import attachment_add
from trove.core.models import Job
from trove.core.storage import private_storage
from trove.core.testing import SINCE, PersonaTestCase, _member, _user, sign_in
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

PERSONAS = ("owner", "readonly", "partner", "supervisor", "statistician", "auditor", "administrator", "outsider",
            "referee")
# Who may see identity on the world's case: the owner agency's caseworker, the police verifier whose agency was asked
# to verify (a verification request shows the whole case), and the province supervisor. The referee (the Women's
# Union, sent a referral showing the needs and the support plan only) may not.
SEES_IDENTITY = {"owner", "partner", "supervisor"}


@dataclass
class Route:
    args: object = None  # world -> kwargs for reverse()
    get: str = ""  # nine outcomes in PERSONAS order, space separated; "" = not requested with GET
    post: str = ""  # the same for an empty POST
    anonymous: str = "in"  # the outcome for someone not signed in
    extra: dict = field(default_factory=dict)


def _all(outcome: str) -> str:
    return " ".join([outcome] * len(PERSONAS))


CATCH_ALL = "^(?P<path>.*)$"  # the API's 404 for any other address under /api/v1/ (not reversible by name)
CASE = lambda w: {"code": w.case.code}  # noqa: E731
TIP = lambda w: {"code": w.tip}  # noqa: E731
PROCEEDING = lambda w: {"code": w.proceeding}  # noqa: E731
DEFENDANT = lambda w: {"code": w.proceeding, "defendant_id": w.defendant}  # noqa: E731
PLAN = lambda w: {"pk": w.plan}  # noqa: E731
BATCH = lambda w: {"pk": w.batch}  # noqa: E731

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
                                 post="403 403 403 403 403 403 ok 403 403"),
    "agencies:member_end": Route(args=lambda w: {"agency_id": w.p.province_agency.pk, "membership_id": w.membership},
                                 post="403 403 403 403 403 403 ok 403 403"),
    "cases_intake:form": Route(get="ok 403 403 403 403 403 403 ok ok", post="ok 403 403 403 403 403 403 ok ok"),
    "cases_intake:autosave": Route(post="ok 403 403 403 403 403 403 ok ok"),
    "cases_intake:discard": Route(post="ok 403 403 403 403 403 403 ok ok"),
    "cases:list": Route(get="ok ok ok ok 403 ok 403 ok ok"),
    "cases:detail": Route(args=CASE, get="ok ok ok ok 404 404 404 404 ok"),
    # Transfers and the closing reason are the case's history ("timeline"): not for the referee (needs, support plan).
    "cases:lifecycle": Route(args=CASE, get="ok ok ok ok 404 404 404 404 404"),
    # The type of exploitation belongs to the intake section: the referee, shown other sections, may not change it.
    "cases:exploitation": Route(args=CASE, get="ok 403 ok ok 404 404 404 404 403",
                                post="ok 403 ok ok 404 404 404 404 403"),
    "cases:close": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 403"),
    "cases:reopen": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 403"),
    "cases:transfer_request": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 403"),
    # The transfer was answered already, and only the receiving agency (another province's) may answer one.
    "cases:transfer_accept": Route(args=lambda w: {"code": w.case.code, "transfer_id": w.transfer},
                                   post="403 403 403 403 404 404 404 404 403"),
    "cases:transfer_reject": Route(args=lambda w: {"code": w.case.code, "transfer_id": w.transfer},
                                   post="403 403 403 403 404 404 404 404 403"),
    # The referee was not shown the case's files ("documents"): it may not add to them either.
    "cases:attachment_upload": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 403"),
    "cases:attachment_download": Route(args=lambda w: {"code": w.case.code, "attachment_id": w.attachment},
                                       get="ok 403 ok ok 404 404 404 404 403"),
    "documents:intake_record": Route(args=CASE, get="ok 403 ok ok 404 404 404 404 403"),
    "documents:request_letter": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                      get="ok 403 ok ok 404 404 404 404 403"),
    "documents:decision_document": Route(args=lambda w: {"code": w.case.code, "decision_id": w.decision},
                                         get="ok 403 ok ok 404 404 404 404 403"),
    "verification:deadlines": Route(get="ok ok ok ok 403 ok 403 ok ok"),
    "verification:case": Route(args=CASE, get="ok ok ok ok 404 404 404 404 404"),
    "verification:step_complete": Route(args=lambda w: {"code": w.case.code, "step_id": w.step},
                                        post="ok 403 ok ok 404 404 404 404 403"),
    "verification:step_skip": Route(args=lambda w: {"code": w.case.code, "step_id": w.step},
                                    post="ok 403 ok ok 404 404 404 404 403"),
    "verification:request_send": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 403"),
    "verification:request_reply": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                        post="403 403 ok 403 404 404 404 404 403"),
    "verification:request_close": Route(args=lambda w: {"code": w.case.code, "request_id": w.verification_request},
                                        post="ok 403 403 403 404 404 404 404 403"),
    "verification:ground_tick": Route(args=lambda w: {"code": w.case.code, "ground_id": w.ground},
                                      post="ok 403 ok ok 404 404 404 404 403"),
    "verification:ground_untick": Route(args=lambda w: {"code": w.case.code, "ground_id": w.ground},
                                        post="ok 403 ok ok 404 404 404 404 403"),
    "verification:decision_propose": Route(args=CASE, post="403 403 ok ok 404 404 404 404 403"),
    "verification:decision_approve": Route(args=lambda w: {"code": w.case.code, "decision_id": w.pending},
                                           post="403 403 403 ok 404 404 404 404 403"),
    "verification:decision_reject": Route(args=lambda w: {"code": w.case.code, "decision_id": w.pending},
                                          post="403 403 403 ok 404 404 404 404 403"),
    "verification:status_change": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 403"),
    "verification:case_reopen": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 403"),
    "notifications:list": Route(get=_all("ok")),
    "notifications:read": Route(post=_all("ok")),
    "registries:list": Route(args=lambda w: {"kind": "suspected"}, get="ok ok ok ok 403 ok 403 ok ok"),
    "registries:new": Route(args=lambda w: {"kind": "suspected"}, get="ok 403 403 403 403 403 403 ok ok",
                            post="ok 403 403 403 403 403 403 ok ok"),
    "registries:detail": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                               get="ok ok 404 ok 404 404 404 404 404"),
    "registries:status": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                               post="ok 403 404 ok 404 404 404 404 404"),
    "registries:to_case": Route(args=lambda w: {"kind": "suspected", "pk": w.suspected},
                                get="ok 403 404 403 404 404 404 404 404", post="ok 403 404 403 404 404 404 404 404"),
    "people_merge:person_edit": Route(args=CASE, get="ok 403 ok ok 404 404 404 404 403",
                                      post="ok 403 ok ok 404 404 404 404 403"),
    "people_merge:duplicates": Route(args=CASE, get="ok 403 ok ok 404 404 404 404 403"),
    # Merges are reviewed and undone by administrators.
    "people_merge:list": Route(get="403 403 403 403 403 403 ok 403 403"),
    "people_merge:undo": Route(args=lambda w: {"pk": w.merge}, post="403 403 403 403 403 403 ok 403 403"),
    "audit_log": Route(get="403 403 403 403 403 ok 403 403 403"),
    "job": Route(args=lambda w: {"job_id": w.job}, get="ok 404 404 404 404 404 404 404 404"),
    "job_status": Route(args=lambda w: {"job_id": w.job}, get="ok 404 404 404 404 404 404 404 404"),
    "job_download": Route(args=lambda w: {"job_id": w.job}, get="404 404 404 404 404 404 404 404 404"),
    "break_glass": Route(args=lambda w: {"label": "cases.case", "pk": w.case.pk},
                         get="403 403 403 ok 403 403 403 403 403", post="403 403 403 ok 403 403 403 403 403"),
    "break_glass_case": Route(args=CASE, get="403 403 403 ok 403 403 403 403 403",
                              post="403 403 403 ok 403 403 403 403 403"),
    # --- support (DESIGN §2: support, protection, budgets) ---
    "support:overview": Route(get="ok 403 403 ok 403 403 403 ok ok"),
    "support:case_support": Route(args=CASE, get="ok ok ok ok 404 404 404 404 404"),
    "support:entry_add": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 404"),
    "support:entry_cancel": Route(args=lambda w: {"code": w.case.code, "entry_id": w.entry},
                                  post="403 403 403 ok 404 404 404 404 404"),
    "support:refusal_add": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 404"),
    "support:extension_add": Route(args=CASE, post="403 403 403 ok 404 404 404 404 404"),
    "support:hardship_apply": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 404"),
    "support:hardship_step": Route(args=lambda w: {"code": w.case.code, "application_id": w.hardship,
                                                   "step": "forward"}, post="ok 403 403 ok 404 404 404 404 404"),
    "support:case_protection": Route(args=CASE, get="ok ok ok ok 404 404 404 404 404"),
    "support:risk_add": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 404"),
    "support:measure_add": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 404"),
    "support:measure_end": Route(args=lambda w: {"code": w.case.code, "measure_id": w.measure},
                                 post="ok 403 ok ok 404 404 404 404 404"),
    "support:confidentiality_set": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 404"),
    "support:confidentiality_lift": Route(args=CASE, post="ok 403 403 ok 404 404 404 404 404"),
    "support:case_needs": Route(args=CASE, get="ok ok ok ok 404 404 404 404 ok"),
    "support:needs_add": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 ok"),
    "support:circumstances_set": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 ok"),
    "support:case_plan": Route(args=CASE, get="ok ok ok ok 404 404 404 404 ok"),
    "support:plan_save": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 ok"),
    "support:service_add": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 ok"),
    "support:service_status": Route(args=lambda w: {"code": w.case.code, "service_id": w.service},
                                    post="ok 403 ok ok 404 404 404 404 ok"),
    "support:budgets": Route(get="403 403 403 ok 403 403 403 403 403"),
    "support:estimate_add": Route(post="403 403 403 ok 403 403 403 403 403"),
    "support:estimate": Route(args=lambda w: {"estimate_id": w.estimate}, get="404 404 404 ok 404 404 404 404 404"),
    "support:line_set": Route(args=lambda w: {"estimate_id": w.estimate}, post="404 404 404 403 404 404 404 404 404"),
    "support:line_remove": Route(args=lambda w: {"estimate_id": w.estimate, "line_id": w.line},
                                 post="404 404 404 403 404 404 404 404 404"),
    "support:estimate_submit": Route(args=lambda w: {"estimate_id": w.estimate},
                                     post="404 404 404 403 404 404 404 404 404"),
    "support:estimate_reopen": Route(args=lambda w: {"estimate_id": w.estimate},
                                     post="404 404 404 403 404 404 404 404 404"),
    "support:estimate_export": Route(args=lambda w: {"estimate_id": w.estimate},
                                     get="404 404 404 ok 404 404 404 404 404"),
    "support:source_add": Route(post="403 403 403 ok 403 403 403 403 403"),
    "support:source_close": Route(args=lambda w: {"source_id": w.source}, post="404 404 404 403 404 404 404 404 404"),
    # --- referrals and follow-up ---
    "referrals:inbox": Route(get="ok 403 403 ok 403 403 403 ok ok"),
    "referrals:new": Route(args=CASE, get="ok 403 403 ok 404 404 404 404 403",
                           post="ok 403 403 ok 404 404 404 404 403"),
    "referrals:detail": Route(args=lambda w: {"referral_id": w.referral}, get="ok ok ok ok 404 404 404 404 ok"),
    "referrals:accept": Route(args=lambda w: {"referral_id": w.referral}, post="403 403 403 403 404 404 404 404 ok"),
    "referrals:decline": Route(args=lambda w: {"referral_id": w.referral}, post="403 403 403 403 404 404 404 404 ok"),
    "referrals:service": Route(args=lambda w: {"referral_id": w.referral}, post="403 403 403 403 404 404 404 404 ok"),
    "referrals:close": Route(args=lambda w: {"referral_id": w.referral}, post="403 403 403 403 404 404 404 404 ok"),
    "referrals:revoke": Route(args=lambda w: {"referral_id": w.referral}, post="ok 403 403 ok 404 404 404 404 403"),
    "referrals:checklist": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 403"),
    "referrals:followup": Route(get="ok 403 ok ok 403 403 403 ok ok"),
    "referrals:case_followup": Route(args=CASE, get="ok ok ok ok 404 404 404 404 404"),
    "referrals:plan_create": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 404"),
    "referrals:activity_record": Route(args=CASE, post="ok 403 ok ok 404 404 404 404 404"),
    "referrals:visit": Route(args=lambda w: {"visit_id": w.visit}, get="ok ok ok ok 404 404 404 404 404",
                             post="ok 403 ok ok 404 404 404 404 404"),
    # --- tips and proceedings ---
    "intel:tips": Route(get="403 ok ok ok 403 403 403 403 403"),
    "intel:tip_new": Route(get="403 403 ok ok 403 403 403 403 403", post="403 403 ok ok 403 403 403 403 403"),
    "intel:tip": Route(args=TIP, get="404 ok 404 ok 404 404 404 404 404"),
    "intel:tip_informant": Route(args=TIP, get="404 403 404 403 404 404 404 404 404"),
    "intel:tip_classify": Route(args=TIP, post="404 403 404 ok 404 404 404 404 404"),
    "intel:tip_step": Route(args=TIP, post="404 403 404 ok 404 404 404 404 404"),
    "intel:tip_conclude": Route(args=TIP, post="404 403 404 ok 404 404 404 404 404"),
    "intel:tip_assign": Route(args=TIP, post="404 403 404 ok 404 404 404 404 404"),
    "intel:tip_link": Route(args=TIP, post="404 403 404 ok 404 404 404 404 404"),
    "intel:tip_unlink": Route(args=lambda w: {"code": w.tip, "link_id": w.tip_link},
                              post="404 403 404 ok 404 404 404 404 404"),
    "intel:proceedings": Route(get="403 ok ok ok 403 403 403 403 403"),
    "intel:proceeding_new": Route(get="403 403 403 403 403 403 403 403 403",
                                  post="403 403 403 403 403 403 403 403 403"),
    "intel:proceeding": Route(args=PROCEEDING, get="404 404 ok ok 404 404 404 404 404"),
    "intel:stage_record": Route(args=PROCEEDING, post="404 404 403 403 404 404 404 404 404"),
    "intel:defendant_add": Route(args=PROCEEDING, post="404 404 403 403 404 404 404 404 404"),
    "intel:defendant_roles": Route(args=DEFENDANT, post="404 404 403 403 404 404 404 404 404"),
    "intel:charge_add": Route(args=DEFENDANT, post="404 404 403 403 404 404 404 404 404"),
    "intel:charge_remove": Route(args=lambda w: {**DEFENDANT(w), "charge_id": w.charge},
                                 post="404 404 403 403 404 404 404 404 404"),
    "intel:sentence_record": Route(args=DEFENDANT, post="404 404 403 403 404 404 404 404 404"),
    "intel:victim_link": Route(args=PROCEEDING, post="404 404 ok ok 404 404 404 404 404"),
    "intel:victim_unlink": Route(args=lambda w: {"code": w.proceeding, "link_id": w.victim_link},
                                 post="404 404 ok ok 404 404 404 404 404"),
    # --- plans ---
    "plans:list": Route(get="ok ok ok ok ok 403 ok ok ok"),
    "plans:new": Route(get="403 403 403 403 403 403 403 403 403", post="403 403 403 403 403 403 403 403 403"),
    "plans:detail": Route(args=PLAN, get="ok ok ok ok ok 404 ok 404 404"),
    "plans:edit": Route(args=PLAN, get="403 403 403 403 403 404 403 404 404",
                        post="403 403 403 403 403 404 403 404 404"),
    "plans:reference_add": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:reference_remove": Route(args=lambda w: {"pk": w.plan, "ref_id": w.reference},
                                    post="403 403 403 403 403 404 403 404 404"),
    "plans:indicator_add": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:indicator_remove": Route(args=lambda w: {"pk": w.plan, "indicator_id": w.indicator},
                                    post="403 403 403 403 403 404 403 404 404"),
    "plans:indicator": Route(args=lambda w: {"pk": w.plan, "indicator_id": w.indicator},
                             get="ok ok ok ok ok 404 ok 404 404"),
    "plans:item_new": Route(args=PLAN, get="403 403 403 403 403 404 403 404 404",
                            post="403 403 403 403 403 404 403 404 404"),
    "plans:item_edit": Route(args=lambda w: {"pk": w.plan, "item_id": w.item},
                             get="403 403 403 403 403 404 403 404 404", post="403 403 403 403 403 404 403 404 404"),
    "plans:item_remove": Route(args=lambda w: {"pk": w.plan, "item_id": w.item},
                               post="403 403 403 403 403 404 403 404 404"),
    "plans:duty_new": Route(args=PLAN, get="403 403 403 403 403 404 403 404 404",
                            post="403 403 403 403 403 404 403 404 404"),
    "plans:duty_edit": Route(args=lambda w: {"pk": w.plan, "duty_id": w.duty},
                             get="403 403 403 403 403 404 403 404 404", post="403 403 403 403 403 404 403 404 404"),
    "plans:duty_remove": Route(args=lambda w: {"pk": w.plan, "duty_id": w.duty},
                               post="403 403 403 403 403 404 403 404 404"),
    "plans:issue": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:revise": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:copy": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:share": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:export": Route(args=PLAN, get="ok ok ok ok ok 404 ok 404 404"),
    "plans:progress": Route(args=PLAN, get="ok ok ok ok ok 404 ok 404 404"),
    "plans:remind": Route(args=PLAN, post="403 403 403 403 403 404 403 404 404"),
    "plans:report_new": Route(args=PLAN, get="ok 403 403 ok 403 404 403 404 404",
                              post="ok 403 403 ok 403 404 403 404 404"),
    "plans:report": Route(args=lambda w: {"pk": w.plan, "report_id": w.report}, get="ok ok ok ok ok 404 ok 404 404"),
    "plans:activities": Route(args=PLAN, get="ok ok ok ok ok 404 ok 404 404"),
    "plans:activity_new": Route(args=lambda w: {"pk": w.plan, "kind": "training"},
                                get="ok 403 403 ok 403 404 403 404 404", post="ok 403 403 ok 403 404 403 404 404"),
    "plans:activity": Route(args=lambda w: {"pk": w.plan, "activity_id": w.activity},
                            get="ok ok ok ok ok 404 ok 404 404"),
    "plans:activity_file_add": Route(args=lambda w: {"pk": w.plan, "activity_id": w.activity},
                                     post="ok 403 403 ok 403 404 403 404 404"),
    "plans:activity_file": Route(args=lambda w: {"pk": w.plan, "activity_id": w.activity,
                                                 "file_id": w.activity_file}, get="ok ok ok ok ok 404 ok 404 404"),
    # --- imports ---
    "imports:list": Route(get="ok ok ok ok 403 ok ok ok ok"),
    "imports:new": Route(get="ok 403 403 ok 403 403 403 ok ok", post="ok 403 403 ok 403 403 403 ok ok"),
    "imports:detail": Route(args=BATCH, get="ok ok 404 ok 404 404 404 404 404"),
    "imports:sheet": Route(args=BATCH, get="ok 403 404 403 404 404 404 404 404",
                           post="ok 403 404 403 404 404 404 404 404"),
    "imports:mapping": Route(args=BATCH, get="ok 403 404 403 404 404 404 404 404",
                             post="ok 403 404 403 404 404 404 404 404"),
    "imports:preview": Route(args=BATCH, get="ok 403 404 403 404 404 404 404 404"),
    "imports:start": Route(args=BATCH, post="ok 403 404 403 404 404 404 404 404"),
    "imports:check": Route(args=BATCH, post="ok 403 404 403 404 404 404 404 404"),
    "imports:resume": Route(args=BATCH, post="ok 403 404 403 404 404 404 404 404"),
    "imports:abandon": Route(args=BATCH, post="ok 403 404 403 404 404 404 404 404"),
    "imports:undo": Route(args=BATCH, get="404 404 404 404 404 404 404 404 404",
                          post="404 404 404 404 404 404 404 404 404"),
    # Only a running import can be stopped; the world's waits for its sheet, so the page does not exist for anyone.
    "imports:stop": Route(args=BATCH, get=_all("404"), post=_all("404")),
    "imports:mapping_delete": Route(args=lambda w: {"pk": w.mapping}, post="ok 403 404 404 404 404 404 404 404"),
    # --- reports ---
    "reports:statistics": Route(get="ok ok ok ok ok ok ok ok ok"),
    "reports:records": Route(get="404 404 404 404 404 404 404 404 404"),
    "reports:dashboard": Route(get="ok ok ok ok ok ok ok ok ok"),
    "reports:my_work": Route(get="ok ok ok ok 403 ok 403 ok ok"),
    "reports:export": Route(post="ok ok ok ok ok ok ok ok ok"),
    "reports:table_csv": Route(get="404 404 404 404 404 404 404 404 404"),
    "reports:publication": Route(get="ok ok ok ok ok ok ok ok ok", post="ok ok ok ok ok ok ok ok ok"),
    "reports:htcds": Route(get="403 403 403 ok ok 403 403 403 403", post="403 403 403 ok ok 403 403 403 403"),
    "job@export": Route(args=lambda w: {"job_id": w.export_job}, get="404 404 404 404 ok 404 404 404 404"),
    "job_download@export": Route(args=lambda w: {"job_id": w.export_job}, get="404 404 404 404 ok 404 404 404 404"),
    # --- data subjects' requests and erasure (trove.privacy) ---
    "privacy:list": Route(get="ok 403 403 ok 403 403 ok ok ok"),
    "privacy:access_new": Route(args=CASE, get="ok 403 403 ok 404 404 404 404 403",
                                post="ok 403 403 ok 404 404 404 404 403"),
    # Erasure is for a role none of the personas holds on this case.
    "privacy:erase": Route(args=CASE, get="403 403 403 403 404 404 404 404 403",
                           post="403 403 403 403 404 404 404 404 403"),
    "privacy:report": Route(args=lambda w: {"pk": w.subject_request}, get="ok 403 404 ok 404 404 404 404 404"),
    "privacy:report_download": Route(args=lambda w: {"pk": w.subject_request},
                                     get="ok 403 404 ok 404 404 404 404 404"),
    "privacy:answer": Route(args=lambda w: {"pk": w.subject_request}, post="ok 403 404 ok 404 404 404 404 404"),
    # --- API pages (the operations themselves are in test_api_matrix.py) ---
    "api_index": Route(get="ok ok ok ok ok ok ok ok ok", anonymous="ok"),
    "api_docs": Route(get="ok ok ok ok ok ok ok ok ok", anonymous="ok"),
    "api_tokens": Route(get="ok ok ok ok ok ok ok ok ok", post="ok ok ok ok ok ok ok ok ok"),
    "api_token_revoke": Route(args=lambda w: {"token_id": w.token}, post="ok 404 404 404 404 404 404 404 404"),
    "api:api-root": Route(get="ok ok ok ok ok ok ok ok ok", anonymous="ok"),
    "api:openapi-json": Route(get="ok ok ok ok ok ok ok ok ok", anonymous="ok"),
    CATCH_ALL: Route(get=_all("404"), anonymous="404"),
}


# The API's operations are enumerated from its OpenAPI document in test_api_matrix.py; their URL names are not
# repeated here.
API_OPERATIONS = "api:"
API_PAGES = {"api:api-root", "api:openapi-json"}


def _elsewhere(name: str) -> bool:
    return name.startswith(API_OPERATIONS) and name not in API_PAGES


def route_url(world, name: str, route: Route) -> str:
    """The address of a row: its URL name (before an ``@variant``), reversed with the row's arguments."""
    if name == CATCH_ALL:
        return "/api/v1/nowhere/"
    return reverse(name.split("@")[0], kwargs=route.args(world) if route.args else None)


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
    def setUpClass(cls):
        # Files written while building the world (attachments, an import workbook, an activity file, an export) go
        # under a temporary root.
        cls._root = Path(tempfile.mkdtemp())
        cls._overrides = override_settings(ATTACHMENTS_ROOT=cls._root)
        cls._overrides.enable()
        private_storage._wrapped = empty
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._overrides.disable()
        private_storage._wrapped = empty
        shutil.rmtree(cls._root, ignore_errors=True)

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
        cls.case.refresh_from_db()
        cls.build_support(p)
        cls.build_referral(p)
        cls.build_intel(p)
        cls.build_plan(p)
        cls.build_import_and_export(p)

    @classmethod
    def build_support(cls, p):
        """Support given on the case, a risk assessment with a safety measure, a support plan with a service, a
        hardship application, and a budget estimate of the province's health department with a funding source."""
        from trove.rules.models import SupportType
        from trove.support import actions as support
        from trove.support import budget_actions as budget
        from trove.support.hardship_actions import hardship_apply
        from trove.support.ledger_actions import record_support
        from trove.support.risk import QUESTION_CODES

        today = timezone.localdate()
        kinds = {t.code: t for t in SupportType.objects.all()}
        cls.entry = record_support(case=cls.case, acting_user=p.owner, support_type=kinds["a"], given_on=today,
                                   giving_agency=p.owner_agency, amount=200_000, days_covered=5).pk
        support.risk_assess(case=cls.case, acting_user=p.owner, assessed_on=today,
                            answers=dict.fromkeys(QUESTION_CODES, "no"), level="low")
        cls.measure = support.safety_measure_add(case=cls.case, acting_user=p.owner, kind="escort",
                                                 responsible_agency=p.owner_agency, starts_on=today).pk
        support.plan_save(case=cls.case, acting_user=p.owner, goals="Ổn định cuộc sống")
        cls.service = support.plan_service_add(case=cls.case, acting_user=p.owner, support_type=kinds["a"],
                                               description="Hỗ trợ ăn ở", responsible_agency=p.owner_agency,
                                               planned_from=today).pk
        support.circumstances_set(case=cls.case, acting_user=p.owner, poor_household=True,
                                  poor_household_reference="21/GCN-UBND (thử)")
        cls.hardship = hardship_apply(case=cls.case, acting_user=p.owner, applied_on=today).pk
        finance = _member(_user("p_finance", "Lý Văn Kế"), p.province_agency, Role.FINANCE_OFFICER, p.province)
        source = budget.funding_source_create(acting_user=finance, owner_agency=p.province_agency,
                                              name="Ngân sách tỉnh (thử)", kind="state_budget", level="province",
                                              valid_from=datetime.date(today.year, 1, 1))
        cls.source = source.pk
        estimate = budget.estimate_create(acting_user=finance, agency=p.province_agency, year=today.year)
        cls.estimate = estimate.pk
        cls.line = budget.estimate_line_set(acting_user=finance, estimate=estimate, funding_source=source,
                                            support_type=kinds["a"], amount=10_000_000).pk

    @classmethod
    def build_referral(cls, p):
        """A referral to the provincial Women's Union showing the needs and the support plan only (not who the person
        is), its caseworker (the ``referee`` persona), and a follow-up plan with its visits."""
        from trove.referrals.actions import followup_plan_create, referral_send
        from trove.referrals.models import ConsentBasis, FollowUpVisit, ServiceKind

        today = timezone.localdate()
        cls.women_agency = Agency.objects.create(name="Hội LHPN tỉnh Đồng Tháp (thử)",
                                                 agency_type=AgencyType.WOMENS_UNION, unit=p.province,
                                                 valid_from=SINCE)
        cls.referee = _member(_user("p_referee", "Hà Thị Hội"), cls.women_agency, Role.CASEWORKER, p.province)
        cls.referral = referral_send(
            acting_user=p.owner, case=cls.case, to_agency=cls.women_agency, service_kind=ServiceKind.VOCATIONAL,
            referred_on=today, sections=["needs", "support_plan"], needs="Học nghề may",
            consent_basis=ConsentBasis.objects.on(today).get(code="signed"), consent_by="Chính người được hỗ trợ",
            consent_on=today).pk
        followup_plan_create(acting_user=p.owner, case=cls.case, returned_on=today)
        cls.visit = FollowUpVisit.objects.filter(case=cls.case).order_by("pk").first().pk

    @classmethod
    def build_intel(cls, p):
        """A tip received by the owning commune (informant named) linked to the case, and a proceeding of the
        provincial police with a defendant, a charge and the case's person as victim."""
        from trove.intel.actions import TipData, tip_link, tip_receive
        from trove.intel.models import PenalArticle
        from trove.intel.proceeding_actions import charge_add, defendant_add, proceeding_open, victim_link

        intake = _member(_user("p_intake", "Lý Thị Nhận"), p.owner_agency, Role.INTAKE_OFFICER, p.commune)
        tip = tip_receive(acting_user=intake, agency=p.owner_agency, tip=TipData(
            unit=p.commune, source="hotline", received_at=timezone.now() - datetime.timedelta(hours=3),
            content="Có người môi giới đưa người sang Campuchia (thử)", place_text="Ấp Thử", persons=[],
            phones=[], accounts=[], informant_name="Đặng Thị Báo Tin", informant_contact="0277 3000 199"))
        cls.tip = tip.code
        cls.tip_link = tip_link(tip=tip, acting_user=intake, kind="case", target=cls.case).pk
        investigator = _member(_user("p_investigator", "Cao Văn Tra"), p.partner_agency, Role.PROCEEDINGS_OFFICER,
                               p.province)
        proceeding = proceeding_open(acting_user=investigator, agency=p.partner_agency, unit=p.commune,
                                     reported_on=timezone.localdate() - datetime.timedelta(days=30),
                                     summary="Đường dây thử nghiệm", file_number="01/thử")
        cls.proceeding = proceeding.code
        defendant = defendant_add(proceeding=proceeding, acting_user=investigator, full_name="Lê Văn Bị Can")
        cls.defendant = defendant.pk
        article = PenalArticle.objects.order_by("pk").first()
        cls.charge = charge_add(defendant=defendant, acting_user=investigator, article=article).pk
        cls.victim_link = victim_link(proceeding=proceeding, acting_user=investigator, case=cls.case).pk

    @classmethod
    def build_plan(cls, p):
        """An issued plan of the owning commune with an indicator, a content item, duties, a reference, a monthly
        report, and a training with an attached file."""
        from trove.plans import actions as plans
        from trove.plans.periods import plan_periods
        from trove.plans.tests.helpers import draft_plan, training

        coordinator = _member(_user("p_coordinator", "Đinh Văn Điều"), p.owner_agency, Role.PLAN_COORDINATOR,
                              p.commune)
        draft = draft_plan(p, coordinator)
        cls.reference = plans.reference_add(acting_user=coordinator, plan=draft, number="90/KH-UBND",
                                            date=timezone.localdate() - datetime.timedelta(days=200),
                                            issuer="UBND tỉnh Đồng Tháp", subject="Kế hoạch của tỉnh").pk
        plan = plans.plan_issue(acting_user=coordinator, plan=draft)
        cls.plan = plan.pk
        cls.indicator = plan.indicators.get().pk
        cls.item = plan.content_items.get().pk
        cls.duty = plan.duties.order_by("pk").first().pk
        period = plan_periods(plan)[0]
        cls.report = plans.report_submit(acting_user=p.owner, plan=plan, agency=p.owner_agency,
                                         period_start=period.start, period_end=period.end, results="Đã thực hiện.").pk
        activity = plans.activity_record(acting_user=p.owner, plan=plan, data=training(
            plan, p.owner_agency, timezone.localdate(), [(p.owner_agency, 3)]))
        cls.activity = activity.pk
        cls.activity_file = plans.activity_file_add(acting_user=p.owner, activity=activity, name="danh sách.pdf",
                                                    content=PDF).pk

    @classmethod
    def build_import_and_export(cls, p):
        """An import of the owning commune waiting for its sheet, a saved column mapping, and a finished export of
        the periodic report asked for by the statistician."""
        from trove.core import jobs
        from trove.imports.actions import batch_create, mapping_save
        from trove.imports.tests.helpers import persons_workbook

        cls.batch = batch_create(acting_user=p.owner, agency=p.owner_agency, kind="persons",
                                 file_name="Danh sách 2024.xlsx", content=persons_workbook()).pk
        cls.mapping = mapping_save(acting_user=p.owner, agency=p.owner_agency, kind="persons", name="Mẫu xã",
                                   columns={"full_name": "Họ và tên"}).pk
        export = jobs.enqueue(kind="reports.export", acting_user=p.statistician, params={
            "export": "report", "format": "xlsx", "kind": "year", "units": "today", "place": "2025:82",
            "year": str(timezone.localdate().year)})
        cls.export_job = jobs.run(export.pk).pk
        request = RequestFactory().post("/api/v1/account/tokens/")
        request.user, p.owner.is_verified = p.owner, lambda: True
        from trove.privacy.actions import access_request_receive

        cls.subject_request = access_request_receive(acting_user=p.owner, case=cls.case,
                                                     received_on=timezone.localdate(),
                                                     requester="Chính người được hỗ trợ").pk
        cls.token = token_create(acting_user=p.owner, name="script", lifetime_days=30, read_only=False,
                                 request=request).token.pk

    def persona(self, name: str):
        return getattr(self.p, name, None) or getattr(self, name)


class AuthorizationMatrixTests(World):
    def test_every_url_has_a_row_in_the_table(self):
        listed = {name.split("@")[0] for name in ROUTES}
        missing = sorted(name for name in url_names() - listed if not _elsewhere(name))
        self.assertEqual(missing, [], "New URLs need a row in ROUTES saying who may open them")
        stale = sorted(listed - url_names())
        self.assertEqual(stale, [], "ROUTES lists URLs that no longer exist")

    def test_each_persona_gets_exactly_the_outcome_the_table_says(self):
        clients = {persona: Client() for persona in PERSONAS}
        for persona, client in clients.items():
            sign_in(client, self.persona(persona))
        mismatches, discovered = [], []
        for name, route in sorted(ROUTES.items()):
            url = route_url(self, name, route)
            for method, expected_row in (("get", route.get), ("post", route.post)):
                if not expected_row:
                    continue
                got_row = []
                for persona in PERSONAS:
                    response = self.request(clients[persona], method, url)
                    got = outcome(response)
                    got_row.append(got)
                    if method == "get" and persona not in SEES_IDENTITY and got == "ok":
                        body = response.content.decode(errors="replace")
                        mismatches.extend(f"GET {name} as {persona} shows identity ({secret[:4]}…)"
                                          for secret in (NAME, CITIZEN_ID, PHONE) if secret in body)
                anonymous = outcome(self.request(Client(), method, url))
                discovered.append(f"{name} {method}: {' '.join(got_row)} | {anonymous}")
                expected = expected_row.split()
                if len(expected) != len(PERSONAS):
                    mismatches.append(f"{method.upper()} {name}: the row has {len(expected)} outcomes")
                    continue
                mismatches.extend(f"{method.upper()} {name} as {persona}: {got}, expected {want}"
                                  for persona, got, want in zip(PERSONAS, got_row, expected, strict=True)
                                  if got != want)
                if anonymous != route.anonymous:
                    mismatches.append(f"{method.upper()} {name} signed out: {anonymous}, expected {route.anonymous}")
        if os.environ.get("MATRIX_DISCOVER"):
            Path(os.environ["MATRIX_DISCOVER"]).write_text("\n".join(discovered) + "\n")
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
