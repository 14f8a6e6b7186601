"""Demo tips and a demo proceeding in 2026 Đồng Tháp (seed_demo calls ``seed_demo_data``).

Everything here is invented: the callers, the people named, the phone numbers (0277 3000 19x, no real line) and the
accounts. The records go through the actions, so they are encrypted and audited like real ones:

- TB-…: a hotline tip received by the commune nine days ago and not yet classified — it shows as overdue;
- a citizen's tip to the provincial police, classified as trafficking and passed to investigation, which became the
  demo proceeding;
- a hotline tip the commune assigned to the provincial police, classified "not enough information", being handled;
- a citizen's tip classified "not related" and closed;
- the proceeding: reported, initiated, investigated (file passed to the procuracy), prosecuted (file passed to the
  court), tried at first instance in a mobile trial in Tân Hồng, with one defendant sentenced and the victim of the
  first demo case linked.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from trove.cases.models import Case
from trove.core.models import User
from trove.geo.models import AdminUnit
from trove.intel import proceeding_actions
from trove.intel.actions import TipData, tip_assign, tip_classify, tip_conclude, tip_receive, tip_record_step
from trove.intel.models import PenalArticle, RoleInProcess, SentenceKind, Stage

LAST_TRIAL_DAY = datetime.date(2026, 12, 20)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_demo_data(agencies: dict) -> None:
    users = {user.username: user for user in User.objects.filter(
        username__in=["intake", "verifier", "investigator", "prosecutor", "judge", "supervisor"])}
    commune, police = agencies["tan_hong_pc"], agencies["dt_police"]
    tan_hong = AdminUnit.objects.by_key("2025:29926")
    today = timezone.localdate()
    # The trial is in 2026, a few days ago; the earlier stages lead up to it.
    trial = min(today - datetime.timedelta(days=5), LAST_TRIAL_DAY)
    reported = trial - datetime.timedelta(days=34)

    tip_receive(acting_user=users["intake"], agency=commune, tip=TipData(
        source="hotline", received_at=_at(today - datetime.timedelta(days=9), 20, 10), unit=tan_hong,
        content="Người gọi tổng đài 111 (dữ liệu thử) cho biết một cô gái trong ấp được hứa việc làm phục vụ nhà hàng "
                "ở Campuchia, lương cao, đã được đưa qua biên giới tuần trước và gia đình không liên lạc được.",
        place_text="Ấp Thử Nghiệm, xã Tân Hồng", persons=["Chị “Lan” (tên gọi thử)"], phones=["0277 3000 191"],
        accounts=["Facebook: viec-lam-luong-cao-thu"], informant_anonymous=True))

    citizen = tip_receive(acting_user=users["verifier"], agency=police, tip=TipData(
        source="citizen", received_at=_at(reported - datetime.timedelta(days=1), 9, 30), unit=tan_hong,
        content="Một người dân (dữ liệu thử) trình báo có người môi giới đưa hai phụ nữ trong xã sang Campuchia qua "
                "đường mòn biên giới để bán cho một cơ sở giải trí.",
        place_text="Khu vực biên giới xã Tân Hồng", persons=["Người môi giới tên “Tư” (tên gọi thử)"],
        phones=["0277 3000 192"], informant_name="Trần Văn Thử", informant_contact="0277 3000 193",
        priority="high"))
    tip_classify(tip=citizen, acting_user=users["verifier"], classification="trafficking", priority="urgent",
                 classified_on=reported - datetime.timedelta(days=1), note="Có dấu hiệu tội mua bán người.")
    tip_record_step(tip=citizen, acting_user=users["verifier"], kind="field_check", done_on=reported,
                    note="Xác minh tại địa bàn cùng Công an xã (dữ liệu thử).")

    proceeding = proceeding_actions.proceeding_open(
        acting_user=users["investigator"], agency=police, unit=tan_hong, reported_on=reported,
        file_number="01/2026/CSHS-thử", summary="Đường dây đưa phụ nữ sang Campuchia bán (dữ liệu thử).")
    tip_conclude(tip=citizen, acting_user=users["verifier"], outcome="passed_to_investigation", concluded_on=reported,
                 proceeding=proceeding, note="Chuyển Cơ quan Cảnh sát điều tra.")
    record = proceeding_actions.proceeding_record_stage
    record(proceeding=proceeding, acting_user=users["investigator"], stage=Stage.INITIATED,
           date=reported + datetime.timedelta(days=2), number="05/QĐ-KTVA", pass_to=agencies["dt_procuracy"])
    defendant = proceeding_actions.defendant_add(
        proceeding=proceeding, acting_user=users["investigator"], full_name="Lê Văn Thử", sex="male",
        birth_date=datetime.date(1985, 4, 2), roles=[RoleInProcess.RECRUITER, RoleInProcess.SOLD],
        role_details="Tuyển người qua mạng xã hội, nhận tiền khi giao người (dữ liệu thử).")
    proceeding_actions.charge_add(defendant=defendant, acting_user=users["investigator"],
                                  article=PenalArticle.objects.get(code="blhs-2015-150"), clause="2",
                                  charged_on=reported + datetime.timedelta(days=2))
    record(proceeding=proceeding, acting_user=users["investigator"], stage=Stage.INVESTIGATED,
           date=trial - datetime.timedelta(days=22), number="12/KLĐT")
    record(proceeding=proceeding, acting_user=users["prosecutor"], stage=Stage.PROSECUTED,
           date=trial - datetime.timedelta(days=12), number="08/CT-VKS", pass_to=agencies["dt_court"])
    record(proceeding=proceeding, acting_user=users["judge"], stage=Stage.FIRST_INSTANCE, date=trial,
           number="15/2026/HS-ST", mobile=True, mobile_place="Hội trường UBND xã Tân Hồng", audience=320)
    proceeding_actions.sentence_record(defendant=defendant, acting_user=users["judge"], verdict="convicted",
                                       sentence_kind=SentenceKind.IMPRISONMENT, prison_years=9)
    victim_case = Case.objects.filter(owner_agency=commune).order_by("intake__received_at", "pk").first()
    if victim_case is not None:
        proceeding_actions.victim_link(proceeding=proceeding, acting_user=users["supervisor"], case=victim_case)

    assigned = tip_receive(acting_user=users["intake"], agency=commune, tip=TipData(
        source="hotline", received_at=_at(today - datetime.timedelta(days=2), 15, 45), unit=tan_hong,
        content="Người gọi (dữ liệu thử) báo một trang mạng tuyển lao động đi Malaysia không qua công ty nào.",
        accounts=["Zalo: tuyen-dung-thu"], informant_anonymous=True))
    tip_assign(tip=assigned, acting_user=users["intake"], to_agency=police)
    tip_classify(tip=assigned, acting_user=users["verifier"], classification="not_enough", priority="normal",
                 classified_on=today - datetime.timedelta(days=1))

    closed = tip_receive(acting_user=users["intake"], agency=commune, tip=TipData(
        source="citizen", received_at=_at(today - datetime.timedelta(days=20), 8, 0), unit=tan_hong,
        content="Người dân (dữ liệu thử) hỏi về một người hàng xóm đi làm xa lâu ngày; đã liên lạc được, đi làm ở "
                "Thành phố Hồ Chí Minh.", informant_name="Nguyễn Thị Thử", informant_contact="0277 3000 194"))
    tip_classify(tip=closed, acting_user=users["intake"], classification="not_related", priority="low",
                 classified_on=today - datetime.timedelta(days=19))
    tip_conclude(tip=closed, acting_user=users["intake"], outcome="closed",
                 concluded_on=today - datetime.timedelta(days=18), note="Đã xác minh, không liên quan.")
