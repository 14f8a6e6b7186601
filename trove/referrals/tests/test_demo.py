from trove.agencies.models import Agency, AgencyType, Role
from trove.core.models import User
from trove.core.testing import SINCE, _member, _user, sign_in
from trove.geo.models import AdminUnit
from trove.referrals.demo import seed_demo_data
from trove.referrals.models import FollowUpVisit, Referral, ReferralStatus, VisitStatus


def test_the_demo_refers_a_person_to_the_womens_union_and_legal_aid_with_visits_done_and_overdue(db, client):
    province = AdminUnit.objects.by_key("2025:82")
    agencies = {ref: Agency.objects.create(name=ref, agency_type=kind, unit=province, valid_from=SINCE)
                for ref, kind in (("dt_health", AgencyType.HEALTH_DEPARTMENT), ("dt_women", AgencyType.WOMENS_UNION),
                                  ("dt_legal_aid", AgencyType.LEGAL_AID))}
    _member(_user("caseworker", "Nguyễn Thị Mai"), agencies["dt_health"], Role.CASEWORKER, province)
    _member(_user("womenunion", "Hà Thị Ngọc"), agencies["dt_women"], Role.CASEWORKER, province)
    seed_demo_data(agencies)
    referrals = Referral.objects.select_related("to_agency", "from_agency")
    assert {r.to_agency.agency_type for r in referrals} == {"womens_union", "legal_aid"}
    assert {r.from_agency.agency_type for r in referrals} == {"health_department"}
    assert {r.status for r in referrals} == {ReferralStatus.SENT}
    visits = FollowUpVisit.objects.order_by("number")
    assert [v.status for v in visits[:2]] == [VisitStatus.DONE, VisitStatus.PLANNED]
    assert visits[1].is_overdue()
    sign_in(client, User.objects.get(username="womenunion"))
    response = client.get("/referrals/")
    assert [r.to_agency.agency_type for r in response.context["referrals"]] == ["womens_union"]
    sign_in(client, User.objects.get(username="caseworker"))
    response = client.get("/referrals/followup/")
    assert [(visit.number, overdue) for visit, overdue in response.context["visits"]] == [(2, True)]
