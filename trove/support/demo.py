"""Demo protection and support (issue 6): funding sources, this year's estimate of the Đồng Tháp health department,
and the protection, needs, plan, ledger entries, a refusal and a hardship allowance application on the demo cases
(trove/cases/demo.py). Everything goes through the actions; every fact here is invented."""

from __future__ import annotations

import datetime

from django.utils import timezone

from trove.cases.models import Case
from trove.core.actions import identity_restrict
from trove.core.models import User
from trove.rules.models import IdentificationGround, SupportType
from trove.support import actions, budget_actions, hardship_actions, ledger_actions
from trove.support.common import intake_day
from trove.support.models import Answer, BudgetLevel, FundingKind, RiskLevel
from trove.support.risk import QUESTION_CODES


def _types() -> dict[str, SupportType]:
    return {t.code: t for t in SupportType.objects.all()}


def _identify(case: Case, agencies, intake: User, verifier: User, supervisor: User, on: datetime.date) -> None:
    """Case 1 is identified as a victim the way the verification page does it: the police are asked, a ground is
    ticked, the police verifier proposes and the health department's supervisor approves."""
    from trove.verification.actions import approve_decision, propose_decision, send_request, tick_ground

    send_request(case=case, acting_user=intake, to_agency=agencies["dt_police"], kind="confirm_victim",
                 due_on=timezone.localdate())
    ground = IdentificationGround.objects.filter(regime__code="B").order_by("order").first()
    tick_ground(case=case, acting_user=intake, ground=ground, source="Biên bản bàn giao 03/BB (dữ liệu thử)")
    decision = propose_decision(case=case, acting_user=verifier, outcome="victim", decision_date=on,
                                reasons="Lời khai phù hợp với biên bản bàn giao (dữ liệu thử).")
    approve_decision(decision=decision, acting_user=supervisor)


def seed_demo_data(agencies) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["intake", "verifier", "supervisor",
                                                                       "finance"])}
    intake, verifier, supervisor, finance = (users[name] for name in ("intake", "verifier", "supervisor",
                                                                       "finance"))
    today = timezone.localdate()
    year = today.year
    types = _types()

    # Funding and this year's estimate, prepared by the provincial finance department for the health department.
    state = budget_actions.funding_source_create(
        acting_user=finance, owner_agency=agencies["dt_finance"], kind=FundingKind.STATE_BUDGET,
        level=BudgetLevel.PROVINCE, name="Ngân sách tỉnh Đồng Tháp — kinh phí phòng, chống mua bán người",
        valid_from=datetime.date(year, 1, 1))
    donor = budget_actions.funding_source_create(
        acting_user=finance, owner_agency=agencies["dt_health"], kind=FundingKind.DONOR_PROJECT,
        name="Dự án hỗ trợ nạn nhân trở về (nhà tài trợ thử nghiệm)", donor="Tổ chức tài trợ thử nghiệm",
        project_code=f"DA-THU-{year}", valid_from=datetime.date(year, 1, 1),
        valid_to=datetime.date(year + 1, 12, 31))
    estimate = budget_actions.estimate_create(acting_user=finance, agency=agencies["dt_health"], year=year,
                                              notes="Dự trù kinh phí hỗ trợ nạn nhân (dữ liệu thử).")
    for source, code, amount, basis in (
        (state, "a", 120_000_000, "30 người × 100 ngày × 40.000 ₫"),
        (state, "b", 30_000_000, "30 người × 1.000.000 ₫"),
        (state, "e", 20_000_000, "40 lượt × 500.000 ₫"),
        (donor, "g", 15_000_000, "60 buổi tư vấn × 250.000 ₫"),
        (donor, "k", 50_000_000, "10 người (mức do tỉnh quyết định)"),
    ):
        budget_actions.estimate_line_set(acting_user=finance, estimate=estimate, funding_source=source,
                                         support_type=types[code], amount=amount, basis=basis)

    cases = {case.intake.channel: case for case in Case.objects.filter(owner_agency=agencies["tan_hong_pc"])
             .select_related("intake", "person")}
    handover, returned, hotline, rescued = (cases.get(channel) for channel in (
        "handover_official", "returned_self", "hotline", "rescued_domestic"))

    if handover is not None:
        received = intake_day(handover)
        _identify(handover, agencies, intake, verifier, supervisor, received + datetime.timedelta(days=20))
        handover.refresh_from_db()
        answers = dict.fromkeys(QUESTION_CODES, Answer.NO)
        answers.update(threatened=Answer.YES, traffickers_free=Answer.YES, debt=Answer.UNKNOWN)
        actions.risk_assess(case=handover, acting_user=intake, assessed_on=received, answers=answers,
                            level=RiskLevel.HIGH, notes="Người môi giới còn liên lạc qua mạng xã hội (dữ liệu thử).")
        actions.safety_measure_add(case=handover, acting_user=intake, kind="confidential_residence",
                                   responsible_agency=agencies["dt_social"], starts_on=received,
                                   details="Ở tại cơ sở, không công khai địa chỉ (dữ liệu thử).")
        actions.safety_measure_add(case=handover, acting_user=intake, kind="police_protection", protects="both",
                                   responsible_agency=agencies["dt_police"], starts_on=received,
                                   ends_on=today + datetime.timedelta(days=60))
        actions.needs_assess(case=handover, acting_user=intake, assessed_on=received,
                             needs=[types[c] for c in ("a", "b", "e", "g", "k")],
                             notes="Cần khám sức khỏe và tư vấn tâm lý (dữ liệu thử).")
        actions.circumstances_set(case=handover, acting_user=intake, poor_household=True,
                                  poor_household_reference="12/GCN-UBND (dữ liệu thử)")
        actions.plan_save(case=handover, acting_user=intake, review_on=today + datetime.timedelta(days=30),
                          goals="Ổn định sức khỏe, tâm lý; trở về gia đình; học nghề may (dữ liệu thử).")
        for code, agency, text, start in (
            ("b", "dt_health", "Khám sức khỏe tổng quát", received + datetime.timedelta(days=3)),
            ("g", "dt_women", "Tư vấn tâm lý hằng tuần", received + datetime.timedelta(days=5)),
            ("i", "dt_women", "Học nghề may tại địa phương", today + datetime.timedelta(days=14)),
        ):
            actions.plan_service_add(case=handover, acting_user=intake, support_type=types[code], description=text,
                                     responsible_agency=agencies[agency], planned_from=start)
        for code, days_after, amount, days, items, source, note in (
            ("a", 1, 1_200_000, 30, [("clothes", 2), ("underwear", 2), ("towel", 1), ("toothbrush", 1)], state,
             "Tiền ăn 30 ngày tại cơ sở và đồ dùng cá nhân"),
            ("e", 2, 300_000, 2, [], state, "Vé xe khách và tiền ăn 2 ngày đi đường"),
            ("b", 5, 450_000, None, [], state, "Khám sức khỏe tổng quát, thuốc thông thường"),
            ("g", 6, 250_000, None, [], donor, "Buổi tư vấn tâm lý đầu tiên"),
        ):
            ledger_actions.record_support(
                case=handover, acting_user=supervisor, support_type=types[code],
                given_on=received + datetime.timedelta(days=days_after), giving_agency=agencies["dt_health"],
                amount=amount, days_covered=days, items=items, funding_source=source, approved_by=supervisor,
                note=note)
        hardship_actions.hardship_apply(case=handover, acting_user=intake,
                                        applied_on=today - datetime.timedelta(days=2))

    if returned is not None:
        received = intake_day(returned)
        ledger_actions.record_support(
            case=returned, acting_user=intake, support_type=types["a"], given_on=received,
            giving_agency=agencies["tan_hong_pc"], amount=600_000, days_covered=15, funding_source=state,
            items=[("clothes", 2), ("soap", 1)], note="Hỗ trợ ban đầu tại xã")

    if hotline is not None:
        ledger_actions.record_refusal(case=hotline, acting_user=intake, support_type=types["g"],
                                      refused_on=intake_day(hotline) + datetime.timedelta(days=1),
                                      note="Người này chưa muốn gặp chuyên viên tư vấn (dữ liệu thử).")

    if rescued is not None:
        received = intake_day(rescued)
        ledger_actions.record_support(
            case=rescued, acting_user=intake, support_type=types["a"], given_on=received,
            giving_agency=agencies["tan_hong_pc"], amount=150_000, days_covered=3, funding_source=state,
            items=[("clothes", 2), ("sanitary_pads", 2)], note="Chỗ ở tạm thời và đồ dùng cá nhân")
        identity_restrict(acting_user=supervisor, obj=rescued, members=[intake],
                          reason="Người chưa thành niên, đối tượng còn tìm cách liên lạc (dữ liệu thử).")
