"""Demo referrals and follow-up: the provincial Health Department's caseworker follows a woman who came back from
Cambodia about four months ago. She is referred to the Women's Union (vocational training; the ``womenunion`` demo
user receives it) and to the legal aid centre; her follow-up plan has the first visit done and the second overdue.

Every name and story is invented; everything goes through the actions, as real work would.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from trove.agencies.models import Agency
from trove.cases.actions import IntakeData, receive_person
from trove.core.models import User
from trove.geo.models import AdminUnit, Country
from trove.people.actions import PersonData
from trove.referrals import actions
from trove.referrals.models import ConsentBasis, Contact, FamilyRelations, Health, LivingSituation, ServiceKind

DAYS_SINCE_RETURN = 110


def seed_demo_data(agencies: dict[str, Agency]) -> None:
    caseworker = User.objects.get(username="caseworker")
    today = timezone.localdate()
    returned_on = today - datetime.timedelta(days=DAYS_SINCE_RETURN)
    received_at = timezone.make_aware(datetime.datetime.combine(returned_on, datetime.time(9, 30)))
    case = receive_person(
        acting_user=caseworker, agency=agencies["dt_health"],
        intake=IntakeData(channel="returned_self", received_at=received_at, place_kind="facility",
                          place_name="Trung tâm Công tác xã hội tỉnh Đồng Tháp",
                          place_unit=AdminUnit.objects.by_key("2025:29938"),
                          country_returned_from=Country.objects.get(code="KH"), consent_given=True,
                          immediate_needs="Chỗ ở tạm, tư vấn tâm lý, học nghề"),
        person=PersonData(full_name="Phạm Thị Diễm Kiều", sex="female", birth_date=datetime.date(2003, 8, 14),
                          home_unit=AdminUnit.objects.by_key("2025:29938")),
    )
    signed = ConsentBasis.objects.on(today).get(code="signed")
    oral = ConsentBasis.objects.on(today).get(code="oral")
    actions.referral_send(
        acting_user=caseworker, case=case, to_agency=agencies["dt_women"], service_kind=ServiceKind.VOCATIONAL,
        referred_on=today - datetime.timedelta(days=3), sections=["needs", "support_plan", "followup"],
        needs="Muốn học nghề may và vay vốn nhỏ để làm tại nhà (dữ liệu thử).", consent_basis=signed,
        consent_by="Chính người được hỗ trợ", consent_on=today - datetime.timedelta(days=3))
    actions.referral_send(
        acting_user=caseworker, case=case, to_agency=agencies["dt_legal_aid"], service_kind=ServiceKind.LEGAL_AID,
        referred_on=today - datetime.timedelta(days=1), sections=["identity", "intake", "proceedings"],
        needs="Cần trợ giúp pháp lý khi làm chứng trong vụ án (dữ liệu thử).", consent_basis=oral,
        consent_by="Chính người được hỗ trợ", consent_on=today - datetime.timedelta(days=1))
    plan = actions.followup_plan_create(acting_user=caseworker, case=case, returned_on=returned_on)
    first = plan.visits.order_by("number").first()
    actions.followup_visit_record(
        acting_user=caseworker, visit=first, visited_on=first.due_on + datetime.timedelta(days=2),
        answers=actions.VisitAnswers(contact=Contact.IN_PERSON, living_situation=LivingSituation.WITH_FAMILY,
                                     health=Health.GOOD, family_relations=FamilyRelations.GOOD,
                                     notes="Ổn định, sống cùng mẹ (dữ liệu thử)."))
