"""Demo plans: the 2019 plan of Tân Hồng district loaded faithfully from the seed document, with invented activities
and reports for 2019; and an invented 2026 plan of Tân Hồng commune under regime B, half-way through its reports.

Everything goes through the actions. The plans are written by the demo's plan coordinator (UBND tỉnh Đồng Tháp), who
keeps them; the 2019 plan's bodies ended on 2025-06-30, so its activities and reports are the coordinator's records
of what they sent in on paper, and it is shared with their successors (the health department, the commune).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from trove.agencies.models import Agency
from trove.core import indicators
from trove.core.indicators import Kind
from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.plans import actions, seed_2019
from trove.plans.actions import ActivityData, DutyData, IndicatorData, ItemData, PlanData
from trove.plans.models import ActivityKind, Plan, PlanLevel, ReportFrequency
from trove.plans.periods import plan_periods


def seed_definition(seed: seed_2019.SeedIndicator) -> str:
    """The library's definition for a seed indicator: its own code, or the share indicator another app registers over
    the records it names (preferring codes with the seed's words), or none."""
    if seed.code:
        return seed.code
    if not seed.code_prefix:
        return ""
    candidates = [d for d in indicators.definitions() if d.code.startswith(seed.code_prefix) and d.kind == Kind.SHARE]
    for word in seed.prefer:
        for definition in candidates:
            if word in definition.code:
                return definition.code
    return candidates[0].code if candidates else ""


def load_seed_plan(*, agencies: dict[str, Agency], acting_user, issue: bool = True) -> Plan:
    """The 2019 plan, section by section as the seed writes it, kept by the acting coordinator's agency."""
    s = seed_2019
    plan = actions.plan_create(acting_user=acting_user, data=PlanData(
        title=s.TITLE, level=PlanLevel.DISTRICT, unit=AdminUnit.objects.by_key(s.UNIT),
        issuing_agency=agencies[s.ISSUER], period_start=s.PERIOD[0], period_end=s.PERIOD[1], number=s.NUMBER,
        date=s.DATE, place=s.PLACE, signer_authority=s.SIGNER[0], signer_title=s.SIGNER[1], signer_name=s.SIGNER[2],
        introduction=s.INTRODUCTION, goals=s.GOALS, targets=s.TARGETS, solutions=s.SOLUTIONS,
        recipients=s.RECIPIENTS, report_frequency=ReportFrequency.HALF, report_due_days=10,
        report_compiler=agencies[s.REPORT_COMPILER], report_recipients=[agencies[r] for r in s.REPORT_RECIPIENTS],
        report_clause=s.REPORT_CLAUSE,
    ))
    actions.reference_add(acting_user=acting_user, plan=plan, **s.REFERENCE)
    for seed in s.INDICATORS:
        code = seed_definition(seed)
        actions.indicator_add(acting_user=acting_user, plan=plan, data=IndicatorData(
            wording=seed.wording, target=Decimal(100), definition_code=code, kind="" if code else Kind.SHARE))
    for item in s.CONTENT_ITEMS:
        actions.item_save(acting_user=acting_user, plan=plan, data=ItemData(
            title=item.title, activities=item.activities, lead_agency=agencies[item.lead],
            partners=[agencies[ref] for ref in item.partners], lead_text=item.lead_text,
            partners_text=item.partners_text))
    for duty in s.DUTIES:
        actions.duty_save(acting_user=acting_user, plan=plan, data=DutyData(
            heading=duty.heading, agencies=[agencies[ref] for ref in duty.agencies], tasks=duty.tasks))
    if issue:
        plan = actions.plan_issue(acting_user=acting_user, plan=plan)
    return plan


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _record_2019(plan: Plan, agencies: dict[str, Agency], coordinator) -> None:
    a = agencies
    items = {item.number: item for item in plan.content_items.all()}
    solutions = {s.number: s for s in plan.solutions.all()}
    unit = AdminUnit.objects.by_key
    records = [
        ActivityData(kind=ActivityKind.REVIEW, agency=a["th_labour"], title="Sơ kết 6 tháng đầu năm 2019",
                     held_on=_day("2019-07-05"), content_item=items[2], place_name="Hội trường UBND huyện",
                     agencies=[a["th_police"], a["th_women"]], review_kind="interim",
                     covers_start=_day("2019-01-01"), covers_end=_day("2019-06-30"),
                     conclusions="Các đơn vị thực hiện đúng quy trình tiếp nhận; cần tăng cường tuyên truyền ở các "
                                 "xã biên giới."),
        ActivityData(kind=ActivityKind.TRAINING, agency=a["th_labour"],
                     title="Tập huấn quy trình tiếp nhận, hỗ trợ nạn nhân hòa nhập cộng đồng",
                     held_on=_day("2019-06-20"), content_item=items[2], place_name="Hội trường UBND huyện",
                     topics="Quy trình tiếp nhận; chế độ hỗ trợ theo Nghị định 09/2013/NĐ-CP; chuyển tuyến.",
                     trainers="Sở Lao động – Thương binh và Xã hội",
                     participants=[(a["th_labour"], 3), (a["th_police"], 4), (a["th_women"], 3),
                                   (a["th_commune_29926"], 2), (a["th_commune_29929"], 2),
                                   (a["th_commune_29950"], 2)]),
        ActivityData(kind=ActivityKind.TRAINING, agency=a["th_police"],
                     title="Tập huấn nghiệp vụ xác minh, xác định nạn nhân", held_on=_day("2019-08-15"),
                     content_item=items[1], topics="Căn cứ xác định nạn nhân theo Nghị định 62/2012/NĐ-CP.",
                     trainers="Công an tỉnh", participants=[(a["th_police"], 6), (a["dt87_border"], 4)]),
        ActivityData(kind=ActivityKind.AWARENESS, agency=a["th_culture"],
                     title="Chuyên mục phát thanh phòng, chống mua bán người", held_on=_day("2019-07-10"),
                     solution=solutions[2], channel="broadcast", reach=12000, place_name="Đài Truyền thanh huyện"),
        ActivityData(kind=ActivityKind.AWARENESS, agency=a["th_education"],
                     title="Buổi ngoại khóa phòng tránh lừa gạt, mua bán người", held_on=_day("2019-09-05"),
                     solution=solutions[2], channel="school_session", reach=450, unit=unit("legacy:29926"),
                     place_name="Trường THCS thị trấn Sa Rài"),
        ActivityData(kind=ActivityKind.AWARENESS, agency=a["th_women"],
                     title="Sinh hoạt chuyên đề phòng, chống mua bán phụ nữ, trẻ em", held_on=_day("2019-10-20"),
                     solution=solutions[2], channel="meeting", reach=180, unit=unit("legacy:29929"),
                     place_name="Nhà văn hóa ấp, xã Tân Hộ Cơ", agencies=[a["th_commune_29929"]]),
        ActivityData(kind=ActivityKind.INSPECTION, agency=a["th_labour"],
                     title="Kiểm tra công tác tiếp nhận, hỗ trợ nạn nhân tại xã Tân Hộ Cơ",
                     held_on=_day("2019-11-12"), solution=solutions[6], unit=unit("legacy:29929"),
                     agencies=[a["th_police"]], visited_agency=a["th_commune_29929"],
                     visited_unit=unit("legacy:29929"),
                     findings="Xã lập hồ sơ tiếp nhận đầy đủ; sổ theo dõi hỗ trợ chưa cập nhật kịp thời.",
                     recommendations="Cập nhật sổ theo dõi hỗ trợ hằng tháng.",
                     follow_up="Phòng LĐ-TB&XH kiểm tra lại trong tháng 12.", follow_up_due=_day("2019-12-15")),
        ActivityData(kind=ActivityKind.REVIEW, agency=a["th_labour"], title="Tổng kết công tác năm 2019",
                     held_on=_day("2019-12-20"), content_item=items[2], review_kind="final",
                     covers_start=_day("2019-01-01"), covers_end=_day("2019-12-31"),
                     agencies=[a["th_police"], a["th_women"], a["th_culture"]],
                     conclusions="Hoàn thành các chỉ tiêu của kế hoạch; đề nghị duy trì tập huấn cho cán bộ xã."),
    ]
    for data in records:
        actions.activity_record(acting_user=coordinator, plan=plan, data=data)
    first, second = plan_periods(plan)
    reports = [
        ("th_labour", first, "2019-07-08", "Đã tiếp nhận và hỗ trợ các trường hợp theo quy định; tổ chức tập huấn "
                                          "cho cán bộ các xã."),
        ("th_police", first, "2019-07-05", "Phối hợp xác minh các trường hợp tiếp nhận; không phát sinh vụ việc "
                                          "mới trên địa bàn."),
        ("th_culture", first, "2019-07-09", "Phát sóng chuyên mục phòng, chống mua bán người hằng tháng."),
        ("th_women", first, "2019-07-15", "Tổ chức sinh hoạt chuyên đề tại các chi hội; tư vấn cho hội viên."),
        ("th_education", first, "2019-07-10", "Đưa nội dung phòng tránh lừa gạt vào hoạt động ngoại khóa."),
        ("th_labour", second, "2020-01-08", "Tổng hợp kết quả năm 2019; kiểm tra xã Tân Hộ Cơ."),
        ("th_police", second, "2020-01-09", "Tham gia kiểm tra liên ngành; hoàn thành xác minh các trường hợp."),
    ]
    for ref, period, received, text in reports:
        actions.report_submit(acting_user=coordinator, plan=plan, agency=agencies[ref], period_start=period.start,
                              period_end=period.end, results=text, received_on=_day(received))


def commune_plan_2026(*, agencies: dict[str, Agency], acting_user) -> Plan:
    """An invented plan of Tân Hồng commune for 2026, under Law 53/2024/QH15 and Decree 162/2025/NĐ-CP."""
    a = agencies
    plan = actions.plan_create(acting_user=acting_user, data=PlanData(
        title="Thực hiện công tác tiếp nhận, xác minh, bảo vệ và hỗ trợ nạn nhân bị mua bán trên địa bàn xã năm 2026",
        level=PlanLevel.COMMUNE, unit=AdminUnit.objects.by_key("2025:29926"), issuing_agency=a["tan_hong_pc"],
        period_start=_day("2026-01-01"), period_end=_day("2026-12-31"), number="12/KH-UBND",
        date=_day("2026-01-20"), place="Tân Hồng", signer_authority="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH",
        signer_name="Trần Văn Minh",
        introduction="Ủy ban nhân dân xã Tân Hồng xây dựng Kế hoạch thực hiện công tác tiếp nhận, xác minh, bảo vệ "
                     "và hỗ trợ nạn nhân bị mua bán trên địa bàn xã năm 2026, như sau:",
        goals=["Tiếp nhận kịp thời mọi trường hợp trình báo hoặc trở về; thông báo ngay Sở Y tế và hỗ trợ theo Luật "
               "Phòng, chống mua bán người số 53/2024/QH15.",
               "Bảo đảm người đang trong quá trình xác định là nạn nhân được bảo vệ và hỗ trợ theo Nghị định "
               "162/2025/NĐ-CP."],
        targets=["100% các trường hợp tiếp nhận được tiến hành thủ tục xác minh trong thời hạn luật định.",
                 "Tập huấn cho ít nhất 30 lượt cán bộ; tổ chức ít nhất 8 đợt tuyên truyền."],
        solutions=["Tăng cường phối hợp giữa UBND xã, Công an tỉnh, Sở Y tế và Đồn Biên phòng Cửa khẩu quốc tế Dinh "
                   "Bà.",
                   "Đẩy mạnh tuyên truyền tại các ấp giáp biên giới và trường học.",
                   "Cử cán bộ tham gia tập huấn do tỉnh tổ chức.",
                   "Thường xuyên kiểm tra, giám sát việc thực hiện kế hoạch."],
        recipients=["UBND tỉnh Đồng Tháp;", "Sở Y tế tỉnh Đồng Tháp;", "Công an tỉnh Đồng Tháp;",
                    "Hội LHPN tỉnh Đồng Tháp;", "Đồn Biên phòng CKQT Dinh Bà;", "Lưu: VT."],
        report_frequency=ReportFrequency.QUARTER, report_due_days=5, report_compiler=a["tan_hong_pc"],
        report_recipients=[a["dt_pc"], a["dt_health"]],
        report_clause="Giao công chức Văn hóa – Xã hội tổng hợp, báo cáo UBND tỉnh (qua Sở Y tế) hằng quý./.",
    ))
    actions.reference_add(acting_user=acting_user, plan=plan, number="18/KH-UBND", date=_day("2026-01-08"),
                          issuer="Ủy ban nhân dân tỉnh Đồng Tháp",
                          subject="về thực hiện công tác hỗ trợ nạn nhân bị mua bán trên địa bàn tỉnh năm 2026")
    measured = [
        ("100% các trường hợp tiếp nhận được tiến hành thủ tục xác minh", "verification.started", 100),
        ("100% các trường hợp được xác minh trong thời hạn luật định", "verification.on_time", 100),
        ("100% thông tin liên quan mua bán người được phân loại, xử lý theo luật định",
         seed_definition(seed_2019.INDICATORS[1]), 100),
        ("100% nạn nhân có nhu cầu được bảo vệ, hỗ trợ", seed_definition(seed_2019.INDICATORS[3]), 100),
        ("Ít nhất 30 lượt cán bộ được tập huấn", "plans.staff_trained", 30),
        ("Ít nhất 8 đợt tuyên truyền", "plans.awareness_events", 8),
        ("3.000 lượt người được tuyên truyền", "plans.people_reached", 3000),
        ("2 đợt kiểm tra, giám sát", "plans.inspections", 2),
        ("Sơ kết 6 tháng và tổng kết năm", "plans.review_meetings", 2),
    ]
    for wording, code, target in measured:
        actions.indicator_add(acting_user=acting_user, plan=plan, data=IndicatorData(
            wording=wording, target=Decimal(target), definition_code=code, kind="" if code else Kind.SHARE))
    for title, lead, partners, lines in [
        ("Tiếp nhận, xác minh", "tan_hong_pc", ["dt_police", "dt_dinh_ba", "dt_health"],
         ["Tiếp nhận người trình báo, người được trao trả tại Cửa khẩu quốc tế Dinh Bà.",
          "Thông báo ngay Sở Y tế; phối hợp Công an tỉnh kiểm tra ban đầu trong 3 ngày."]),
        ("Bảo vệ, hỗ trợ nạn nhân và người đang trong quá trình xác định là nạn nhân", "dt_health",
         ["tan_hong_pc", "dt_women", "dt_legal_aid", "dt_social"],
         ["Hỗ trợ nhu cầu thiết yếu, y tế, tâm lý, pháp lý theo Nghị định 162/2025/NĐ-CP.",
          "Chuyển tuyến đến cơ sở trợ giúp xã hội khi cần."]),
        ("Truyền thông phòng, chống mua bán người", "tan_hong_pc", ["dt_women"],
         ["Tuyên truyền tại các ấp, trường học và trên mạng xã hội."]),
    ]:
        actions.item_save(acting_user=acting_user, plan=plan, data=ItemData(
            title=title, activities=lines, lead_agency=a[lead], partners=[a[ref] for ref in partners]))
    for heading, refs, tasks in [
        ("UBND xã Tân Hồng", ["tan_hong_pc"], ["Chủ trì tiếp nhận, hỗ trợ ban đầu; tổng hợp báo cáo hằng quý."]),
        ("Công an tỉnh Đồng Tháp", ["dt_police"], ["Phối hợp kiểm tra ban đầu, xác minh các trường hợp."]),
        ("Sở Y tế tỉnh Đồng Tháp", ["dt_health"], ["Hướng dẫn, thực hiện chế độ hỗ trợ; tập huấn cán bộ."]),
        ("Đề nghị Hội LHPN tỉnh Đồng Tháp", ["dt_women"], ["Tư vấn, hỗ trợ tái hòa nhập; tuyên truyền tại cơ sở."]),
        ("Đồn Biên phòng Cửa khẩu quốc tế Dinh Bà", ["dt_dinh_ba"], ["Tiếp nhận các trường hợp được trao trả."]),
    ]:
        actions.duty_save(acting_user=acting_user, plan=plan, data=DutyData(
            heading=heading, agencies=[a[ref] for ref in refs], tasks=tasks))
    return actions.plan_issue(acting_user=acting_user, plan=plan)


def _record_2026(plan: Plan, agencies: dict[str, Agency], coordinator) -> None:
    a = agencies
    user = User.objects.get
    items = {item.number: item for item in plan.content_items.all()}
    solutions = {s.number: s for s in plan.solutions.all()}
    unit = AdminUnit.objects.by_key
    by_member = [
        ("womenunion", ActivityData(kind=ActivityKind.AWARENESS, agency=a["dt_women"],
                                    title="Sinh hoạt chuyên đề nhân ngày Quốc tế Phụ nữ", held_on=_day("2026-03-08"),
                                    content_item=items[3], channel="meeting", reach=250,
                                    place_name="Nhà văn hóa ấp Gò Da", agencies=[a["tan_hong_pc"]])),
        ("womenunion", ActivityData(kind=ActivityKind.AWARENESS, agency=a["dt_women"],
                                    title="Chuỗi bài viết cảnh báo tuyển dụng lừa đảo qua mạng",
                                    held_on=_day("2026-06-15"), content_item=items[3], channel="online",
                                    reach=1800)),
        ("supervisor", ActivityData(kind=ActivityKind.TRAINING, agency=a["dt_health"],
                                    title="Tập huấn hỗ trợ người đang trong quá trình xác định là nạn nhân",
                                    held_on=_day("2026-04-22"), content_item=items[2],
                                    topics="Luật 53/2024/QH15; Nghị định 162/2025/NĐ-CP; quy trình chuyển tuyến.",
                                    trainers="Sở Y tế tỉnh Đồng Tháp",
                                    participants=[(a["dt_health"], 5), (a["tan_hong_pc"], 6), (a["dt_police"], 4),
                                                  (a["dt_women"], 3)])),
        ("supervisor", ActivityData(kind=ActivityKind.INSPECTION, agency=a["dt_health"],
                                    title="Giám sát việc hỗ trợ tại xã Tân Hồng", held_on=_day("2026-09-18"),
                                    solution=solutions[4], visited_agency=a["tan_hong_pc"],
                                    visited_unit=unit("2025:29926"),
                                    findings="Hồ sơ tiếp nhận đầy đủ; thông báo Sở Y tế đúng thời hạn.",
                                    recommendations="Bổ sung danh mục hỗ trợ nhu cầu thiết yếu đã cấp.",
                                    follow_up="Xã báo cáo bổ sung trước ngày 15/10.",
                                    follow_up_due=_day("2026-10-15"))),
        ("investigator", ActivityData(kind=ActivityKind.AWARENESS, agency=a["dt_police"],
                                      title="Tuyên truyền phòng, chống mua bán người cho học sinh",
                                      held_on=_day("2026-10-05"), content_item=items[3], channel="school_session",
                                      reach=420, place_name="Trường THPT Tân Hồng")),
        ("coordinator", ActivityData(kind=ActivityKind.REVIEW, agency=a["tan_hong_pc"],
                                     title="Sơ kết 6 tháng đầu năm 2026", held_on=_day("2026-07-10"),
                                     content_item=items[1], review_kind="interim", covers_start=_day("2026-01-01"),
                                     covers_end=_day("2026-06-30"), agencies=[a["dt_police"], a["dt_health"]],
                                     conclusions="Thông báo đúng thời hạn; cần thêm tuyên truyền trên mạng.")),
    ]
    for username, data in by_member:
        actions.activity_record(acting_user=user(username=username), plan=plan, data=data)
    q1, q2, q3, _q4 = plan_periods(plan)
    for ref, period, received, text in [
        ("tan_hong_pc", q1, "2026-04-03", "Tiếp nhận và thông báo Sở Y tế đúng thời hạn; phối hợp Hội LHPN tuyên "
                                          "truyền."),
        ("tan_hong_pc", q2, "2026-07-04", "Sơ kết 6 tháng; cử cán bộ dự tập huấn của Sở Y tế."),
        ("tan_hong_pc", q3, "2026-10-05", "Khắc phục kiến nghị sau giám sát; tiếp nhận các trường hợp mới."),
        ("dt_health", q1, "2026-04-04", "Hướng dẫn xã thực hiện chế độ hỗ trợ."),
        ("dt_health", q2, "2026-07-03", "Tổ chức tập huấn cho 18 lượt cán bộ."),
        ("dt_health", q3, "2026-10-02", "Giám sát việc hỗ trợ tại xã Tân Hồng."),
        ("dt_police", q1, "2026-04-05", "Phối hợp kiểm tra ban đầu các trường hợp trong 3 ngày."),
        ("dt_women", q1, "2026-04-09", "Sinh hoạt chuyên đề tại ấp Gò Da."),
    ]:
        actions.report_submit(acting_user=coordinator, plan=plan, agency=a[ref], period_start=period.start,
                              period_end=period.end, results=text, received_on=_day(received))
    # The Women's Union gives its second-quarter report itself, late.
    actions.report_submit(acting_user=user(username="womenunion"), plan=plan, agency=a["dt_women"],
                          period_start=q2.start, period_end=q2.end,
                          results="Đăng chuỗi bài cảnh báo tuyển dụng lừa đảo qua mạng.")


def seed_demo_data(agencies: dict[str, Agency]) -> None:
    coordinator = User.objects.get(username="coordinator")
    plan_2019 = load_seed_plan(agencies=agencies, acting_user=coordinator)
    _record_2019(plan_2019, agencies, coordinator)
    # The bodies of 2019 are gone: their successors follow the archived plan.
    for ref in ("dt_health", "tan_hong_pc"):
        actions.plan_share(acting_user=coordinator, plan=plan_2019, agency=agencies[ref])
    plan_2026 = commune_plan_2026(agencies=agencies, acting_user=coordinator)
    _record_2026(plan_2026, agencies, coordinator)
