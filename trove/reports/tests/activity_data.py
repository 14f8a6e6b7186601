"""Referrals, follow-up visits, tips and proceedings on top of the reports dataset (``helpers.make_dataset``), made
through the real actions, with their counts worked out by hand. Every person is invented.

Referrals of Tân Hồng's 2026 cases (sex of the person; receivers: the provincial Women's Union and social-assistance
centre, both in Đồng Tháp, and a clinic outside the system):
    r1 case 0 (female)  Women's Union   vocational  2026-06-01  accepted, a service given, closed
    r2 case 1 (female)  Women's Union   loan        2026-06-02  declined
    r3 case 2 (male)    social centre   shelter     2026-06-03  accepted
    r4 case 3 (female)  social centre   shelter     2026-06-04  waiting (past the 7-day answer limit)
    r5 case 4 (female)  clinic outside  health      2026-06-05  (no answer for a provider outside the system)
  2026, Tân Hồng: sent 5 (vocational 1, loan 1, shelter 2, health 1; Women's Union 2, social facility 2, outside 1;
  female 4, male 1); received 0 (the receivers are provincial); accepted 2; declined 1; closed 1 (answers and the
  closing are dated the day the test runs, in 2026).
  2026, Đồng Tháp: received 4.

Follow-up of case 0 (returned home 2026-01-15; visits due 1, 3, 6 and 12 months later): visit 1 made on time, visit 2
made late, visit 3 not made (its last day has passed), visit 4 due in 2027.
  2026: made 2; due 3; overdue 2.

Tips recorded by Tân Hồng's commune:
    t1 hotline  2026-02-01  trafficking   handled 2026-02-10 passed to investigation
    t2 hotline  2026-03-01  not related   handled 2026-03-05 closed
    t3 citizen  2026-04-01  not yet classified
    t4 online   2025-12-01  related       handled 2026-01-05 closed
  2026: received 3 (hotline 2, citizen 1; trafficking 1, not related 1, not yet classified 1); handled 3 (passed to
  investigation 1, closed 2).

Proceedings in Tân Hồng (defendants' sex):
    p1 reported 2026-01-10, initiated 01-15, investigated 01-20, indicted 01-25, tried 01-30; two defendants (a man
       convicted, a woman acquitted)
    p2 reported 2026-02-01, initiated 02-06; one defendant (a man)
    p3 reported 2025-11-01, initiated 2025-11-06, investigated 2025-11-11, indicted 2026-01-05; one defendant (a woman)
  2026: initiated 2 (persons 3: female 1, male 2); indicted 2 (persons 3: female 2, male 1); tried 1 (persons 2);
  convicted persons 1 (male).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from trove.agencies.models import Agency, AgencyType, Role
from trove.core.testing import SINCE, _member, _user
from trove.intel.actions import TipData, tip_classify, tip_conclude, tip_receive
from trove.intel.proceeding_actions import defendant_add, proceeding_open, proceeding_record_stage, sentence_record
from trove.referrals.actions import (
    VisitAnswers,
    followup_plan_create,
    followup_visit_record,
    referral_accept,
    referral_close,
    referral_decline,
    referral_record_service,
    referral_send,
)
from trove.referrals.models import ConsentBasis, ServiceKind
from trove.reports.tests.helpers import vn

D = datetime.date


@dataclass
class Activity:
    women: Agency = None
    care: Agency = None
    referrals: list = field(default_factory=list)
    plan: object = None
    tips: list = field(default_factory=list)
    proceedings: list = field(default_factory=list)
    women_worker: object = None
    carer: object = None


def make_activity(p, data) -> Activity:
    act = Activity()
    province = p.province
    act.women = Agency.objects.create(name="Hội LHPN tỉnh Đồng Tháp (thử)", agency_type=AgencyType.WOMENS_UNION,
                                      unit=province, valid_from=SINCE)
    act.care = Agency.objects.create(name="Trung tâm CTXH tỉnh Đồng Tháp (thử)",
                                     agency_type=AgencyType.SOCIAL_FACILITY, unit=province, valid_from=SINCE)
    act.women_worker = _member(_user("p_women", "Hà Thị Hội"), act.women, Role.CASEWORKER, province)
    act.carer = _member(_user("p_carer", "Lưu Văn Bảo"), act.care, Role.CASEWORKER, province)
    cases = data.cases_2026

    def send(case, day, kind, to=None, provider=""):
        signed = ConsentBasis.objects.on(day).get(code="signed")
        return referral_send(acting_user=p.owner, case=case, service_kind=kind, referred_on=day,
                             needs="Nhu cầu thử nghiệm", sections=["needs"] if to else [], consent_basis=signed,
                             to_agency=to, provider_name=provider, consent_by="Chính người được hỗ trợ",
                             consent_on=day)

    r1 = send(cases[0], D(2026, 6, 1), ServiceKind.VOCATIONAL, act.women)
    r2 = send(cases[1], D(2026, 6, 2), ServiceKind.LOAN, act.women)
    r3 = send(cases[2], D(2026, 6, 3), ServiceKind.SHELTER, act.care)
    r4 = send(cases[3], D(2026, 6, 4), ServiceKind.SHELTER, act.care)
    r5 = send(cases[4], D(2026, 6, 5), ServiceKind.HEALTH, provider="Phòng khám tư (thử)")
    referral_accept(acting_user=act.women_worker, referral=r1)
    referral_record_service(acting_user=act.women_worker, referral=r1, given_on=D(2026, 6, 10),
                            description="Lớp học may")
    referral_close(acting_user=act.women_worker, referral=r1, feedback="Đã hoàn thành khóa học")
    referral_decline(acting_user=act.women_worker, referral=r2, reason_text="Hết chỉ tiêu vay vốn")
    referral_accept(acting_user=act.carer, referral=r3)
    act.referrals = [r1, r2, r3, r4, r5]

    act.plan = followup_plan_create(acting_user=p.owner, case=cases[0], returned_on=D(2026, 1, 15))
    visits = list(act.plan.visits.order_by("number"))
    followup_visit_record(acting_user=p.owner, visit=visits[0], visited_on=visits[0].due_on,
                          answers=VisitAnswers(contact="in_person"))
    followup_visit_record(acting_user=p.owner, visit=visits[1], visited_on=visits[1].due_by + datetime.timedelta(3),
                          answers=VisitAnswers(contact="by_phone"))

    intake = _member(_user("p_intake", "Lý Thị Nhận"), p.owner_agency, Role.INTAKE_OFFICER, p.commune)

    def tip(source, when, classification=None, classified_on=None, outcome=None, concluded_on=None):
        found = tip_receive(acting_user=intake, agency=p.owner_agency, tip=TipData(
            source=source, received_at=when, content="Tin báo thử nghiệm", unit=p.commune))
        if classification:
            tip_classify(tip=found, acting_user=intake, classification=classification, priority="normal",
                         classified_on=classified_on)
        if outcome:
            found.refresh_from_db()
            tip_conclude(tip=found, acting_user=intake, outcome=outcome, concluded_on=concluded_on)
        return found

    act.tips = [tip("hotline", vn(2026, 2, 1), "trafficking", D(2026, 2, 2), "passed_to_investigation",
                    D(2026, 2, 10)),
                tip("hotline", vn(2026, 3, 1), "not_related", D(2026, 3, 2), "closed", D(2026, 3, 5)),
                tip("citizen", vn(2026, 4, 1)),
                tip("online", vn(2025, 12, 1), "related", D(2025, 12, 2), "closed", D(2026, 1, 5))]

    investigator = _member(_user("p_investigator", "Cao Văn Tra"), p.partner_agency, Role.PROCEEDINGS_OFFICER,
                           province)
    procuracy = Agency.objects.create(name="Viện KSND tỉnh Đồng Tháp (thử)", agency_type=AgencyType.PROCURACY,
                                      unit=province, valid_from=SINCE)
    court = Agency.objects.create(name="TAND tỉnh Đồng Tháp (thử)", agency_type=AgencyType.COURT, unit=province,
                                  valid_from=SINCE)
    prosecutor = _member(_user("p_prosecutor", "Lý Thị Tố"), procuracy, Role.PROCEEDINGS_OFFICER, province)
    judge = _member(_user("p_judge", "Mai Văn Xử"), court, Role.PROCEEDINGS_OFFICER, province)
    by_stage = {"initiated": (investigator, {"pass_to": procuracy}), "investigated": (investigator, {}),
                "prosecuted": (prosecutor, {"pass_to": court}), "first_instance": (judge, {})}

    def proceeding(reported, stages, sexes):
        found = proceeding_open(acting_user=investigator, agency=p.partner_agency, unit=p.commune,
                                reported_on=reported, summary="Vụ việc thử nghiệm")
        defendants = [defendant_add(proceeding=found, acting_user=investigator, full_name=f"Bị can Thử {i}",
                                    sex=sex) for i, sex in enumerate(sexes, start=1)]
        for stage, day in stages:
            user, extra = by_stage[stage]
            proceeding_record_stage(proceeding=found, acting_user=user, stage=stage, date=day, **extra)
        return found, defendants

    p1, (man, woman) = proceeding(D(2026, 1, 10), [("initiated", D(2026, 1, 15)), ("investigated", D(2026, 1, 20)),
                                                   ("prosecuted", D(2026, 1, 25)),
                                                   ("first_instance", D(2026, 1, 30))], ["male", "female"])
    sentence_record(defendant=man, acting_user=judge, verdict="convicted", sentence_kind="imprisonment",
                    prison_years=7)
    sentence_record(defendant=woman, acting_user=judge, verdict="acquitted")
    p2, _defendants = proceeding(D(2026, 2, 1), [("initiated", D(2026, 2, 6))], ["male"])
    p3, _defendants = proceeding(D(2025, 11, 1), [("initiated", D(2025, 11, 6)), ("investigated", D(2025, 11, 11)),
                                                  ("prosecuted", D(2026, 1, 5))], ["female"])
    act.proceedings = [p1, p2, p3]
    return act
