"""Synthetic cases for the demo: invented people, received the way the law's channels describe, in 2026 Đồng Tháp.

Every name, number and story here is made up. They go through ``receive_person`` like real intakes, so the demo shows
what the system would hold, encrypted and audited the same way.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from trove.agencies.models import Agency
from trove.cases.actions import ChildData, DocumentData, IntakeData, receive_person
from trove.core.models import User
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData

DINH_BA = "Cửa khẩu quốc tế Dinh Bà"


def _at(days_ago: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed_demo_cases(*, intake_officer: User, agency: Agency) -> int:
    unit = AdminUnit.objects.by_key
    country = Country.objects.get
    cases = [
        (IntakeData(channel="handover_official", received_at=_at(40, 9), place_kind="border_gate", place_name=DINH_BA,
                    place_unit=unit("2025:29929"), country_returned_from=country(code="KH"),
                    immediate_needs="Ăn uống, quần áo, khám sức khỏe", first_support="Suất ăn, 2 bộ quần áo",
                    consent_given=True,
                    documents=[DocumentData(title="Biên bản bàn giao", number="03/BB", issued_by="Phía Campuchia")]),
         PersonData(full_name="Nguyễn Thị Thu Trang", sex="female", birth_date=datetime.date(2006, 5, 12),
                    citizen_id="087306009901", home_unit=unit("2025:29926"), father_name="Nguyễn Văn Tám")),
        (IntakeData(channel="returned_self", received_at=_at(25, 14), place_kind="commune",
                    place_unit=unit("2025:29926"), country_returned_from=country(code="CN"), consent_given=True,
                    children=[ChildData(person=PersonData(full_name="Giàng A Páo", sex="male", birth_year=2023,
                                                          birth_precision="year"), relation="con trai")]),
         PersonData(full_name="Giàng Thị Mỷ", sex="female", birth_year=2001, birth_precision="year",
                    ethnicity="H'Mông", home_unit=unit("2025:29929"))),
        (IntakeData(channel="hotline", received_at=_at(12, 20), place_kind="commune", place_unit=unit("2025:29926"),
                    source_reference="Tổng đài 111 — cuộc gọi thử 0007", consent_given=False),
         PersonData(full_name="Lê Văn Hậu", sex="male", birth_date=datetime.date(1998, 1, 3))),
        (IntakeData(channel="rescued_domestic", received_at=_at(5, 10), place_kind="police",
                    place_name="Công an xã Tân Hồng", place_unit=unit("2025:29926"), consent_given=True,
                    immediate_needs="Chỗ ở tạm thời"),
         PersonData(full_name="Trần Thị Ngọc Hân", sex="female", birth_date=datetime.date(2009, 11, 20),
                    phone="0900000101")),
    ]
    opened = [receive_person(acting_user=intake_officer, agency=agency, intake=intake, person=person)
              for intake, person in cases]
    # The older cases have moved on: the commune's own steps are done, so the deadlines page shows a real mix.
    from trove.verification.actions import complete_step

    for case in opened[:2]:
        for step in case.verification_steps.order_by("order")[:2]:
            complete_step(step=step, acting_user=intake_officer, note="Đã thực hiện (dữ liệu thử).")
    return len(opened)
