import pytest
from django.core.exceptions import ValidationError

from trove.rules.models import IntakeChannel, LimitKind, ProcedureStep, Regime
from trove.rules.selectors import steps_for, unset_limits

pytestmark = pytest.mark.django_db

DOMESTIC = ["rescued_domestic", "self_reported", "referred", "hotline"]


@pytest.mark.parametrize("regime_code", ["A", "B"])
@pytest.mark.parametrize("channel", IntakeChannel.values)
def test_every_channel_of_each_regime_has_steps_that_start_at_intake_and_follow_each_other(regime_code, channel):
    steps = list(steps_for(Regime.objects.get(code=regime_code), channel))
    assert steps, f"regime {regime_code} has no steps for {channel}"
    assert [step.order for step in steps] == list(range(1, len(steps) + 1))
    assert steps[0].starts_after is None
    for previous, step in zip(steps, steps[1:], strict=False):
        assert step.starts_after == previous
    assert all(step.citation for step in steps)


def test_channels_the_law_treats_alike_share_a_procedure():
    def procedures(regime_code, channels):
        regime = Regime.objects.get(code=regime_code)
        return {tuple(steps_for(regime, channel).values_list("procedure", "code")) for channel in channels}

    assert len(procedures("A", DOMESTIC)) == 1
    assert len(procedures("A", ["handover_official", "returned_self", "returned_mission"])) == 1
    assert procedures("A", ["self_reported"]) != procedures("A", ["returned_self"])
    assert len(procedures("B", [*DOMESTIC, "handover_official", "returned_self"])) == 1
    assert {p for ((p, _),) in procedures("B", ["returned_mission"])} == {"art30"}


def test_regime_b_first_check_is_three_days_by_the_health_department_with_the_police():
    steps = {step.code: step for step in steps_for(Regime.objects.get(code="B"), "self_reported")}
    assert list(steps) == ["receive_and_bring", "notify_health_department", "first_check", "verification"]
    assert (steps["receive_and_bring"].limit_days, steps["notify_health_department"].limit_days) == (0, 0)
    first_check = steps["first_check"]
    limit = (first_check.limit_days, first_check.limit_kind, first_check.limit_confirmed)
    assert limit == (3, LimitKind.CALENDAR, True)
    assert first_check.responsible_agency_type == "health_department"
    assert first_check.partner_agency_types == ["police"]
    assert first_check.starts_after == steps["notify_health_department"]
    assert "Điều 27" in first_check.citation and "86/2025/QH15" in first_check.citation


def test_regime_a_domestic_procedure_follows_the_2011_law():
    steps = {step.code: step for step in steps_for(Regime.objects.get(code="A"), "rescued_domestic")}
    assert steps["declaration"].responsible_agency_type == "commune_pc"
    assert steps["declaration"].partner_agency_types == ["police"]
    assert (steps["labour_office_review"].responsible_agency_type, steps["labour_office_review"].limit_days) == (
        "labour_social", 3)
    verification = steps["police_verification"]
    assert verification.responsible_agency_type == "police"
    assert verification.limit_days is None and not verification.limit_confirmed
    assert verification.condition_en  # only when there is no confirming document


def test_regime_a_return_from_abroad_starts_with_the_certificate_of_return_at_once():
    first = steps_for(Regime.objects.get(code="A"), "handover_official").first()
    assert first.code == "certificate_of_return"
    assert (first.limit_days, first.limit_confirmed) == (0, True)
    assert "TK/NNa" in " ".join(first.documents_vi)


def test_regime_b_return_through_a_mission_follows_article_30_with_the_limit_unset():
    (step,) = steps_for(Regime.objects.get(code="B"), "returned_mission")
    assert "Điều 30" in step.citation
    assert step.responsible_agency_type == "police"
    assert step.limit_days is None


def test_unconfirmed_limits_are_null_and_listed_for_the_administrator():
    unconfirmed = ProcedureStep.objects.filter(limit_confirmed=False)
    assert unconfirmed.exists()
    assert not unconfirmed.filter(limit_days__isnull=False).exists()
    unset = list(unset_limits())
    assert set(unset) == set(unconfirmed)
    codes = {(step.regime.code, step.channel, step.code) for step in unset}
    assert ("A", "self_reported", "police_verification") in codes
    assert ("B", "hotline", "verification") in codes
    assert ("B", "returned_mission", "receive_verify_confirm") in codes
    assert ("B", "self_reported", "first_check") not in codes
    assert all(step.regime.code == "B" for step in unset_limits(Regime.objects.get(code="B")))


def test_every_shipped_row_passes_validation():
    for step in ProcedureStep.objects.all():
        step.full_clean()


def test_it_refuses_unknown_agency_types_and_links_across_channels():
    regime = Regime.objects.get(code="B")
    step = steps_for(regime, "hotline").last()
    step.partner_agency_types = ["ministry_of_magic"]
    step.starts_after = steps_for(regime, "referred").first()
    with pytest.raises(ValidationError) as error:
        step.full_clean()
    assert {"partner_agency_types", "starts_after"} <= set(error.value.message_dict)
