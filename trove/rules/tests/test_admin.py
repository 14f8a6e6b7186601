import pytest
from django.urls import reverse
from django.utils.translation import override

from trove.core.models import User
from trove.core.testing import sign_in
from trove.rules.admin import describe_limit
from trove.rules.models import ProcedureStep, Regime

pytestmark = pytest.mark.django_db

MODELS = ["legaltext", "regime", "procedurestep", "identificationground", "holiday", "workdayoverride"]


@pytest.fixture
def admin_client(client):
    sign_in(client, User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_the_changelist_and_add_pages_render(admin_client, model):
    assert admin_client.get(reverse(f"admin:rules_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:rules_{model}_add")).status_code == 200


def test_the_step_list_marks_unset_limits_and_filters_by_regime_and_channel(admin_client):
    regime = Regime.objects.get(code="B")
    response = admin_client.get(
        reverse("admin:rules_procedurestep_changelist"),
        {"regime__id__exact": regime.pk, "channel__exact": "returned_mission"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert [step.code for step in response.context["cl"].result_list] == ["receive_verify_confirm"]
    assert "chưa đặt" in response.content.decode()
    unset = admin_client.get(reverse("admin:rules_procedurestep_changelist"), {"limit": "unset"})
    assert set(unset.context["cl"].result_list) == set(ProcedureStep.objects.filter(limit_days__isnull=True))


def test_an_administrator_sets_a_limit_in_the_admin(admin_client):
    step = ProcedureStep.objects.get(regime__code="B", channel="hotline", code="verification")
    page = admin_client.get(reverse("admin:rules_procedurestep_change", args=[step.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(limit_days=5, limit_kind="working", starts_after=step.starts_after_id,
                partner_agency_types='["health_department"]', documents_vi='["Văn bản kết quả xác minh"]',
                documents_en='["Written result of the verification"]', valid_from="", valid_to="")
    data = {name: "" if value is None else value for name, value in data.items()}
    response = admin_client.post(reverse("admin:rules_procedurestep_change", args=[step.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    step.refresh_from_db()
    assert (step.limit_days, step.limit_kind) == (5, "working")


def test_limits_read_well_in_both_languages():
    step = ProcedureStep(limit_days=None)
    with override("en"):
        assert describe_limit(step) == "unset — an administrator must set it"
        assert describe_limit(ProcedureStep(limit_days=3, limit_confirmed=True)) == "3 calendar days"
        assert describe_limit(ProcedureStep(limit_days=0, limit_confirmed=True)) == "at once"
        assert describe_limit(ProcedureStep(limit_days=5, limit_kind="working")) == "5 working days (set locally)"
    with override("vi"):
        assert describe_limit(ProcedureStep(limit_days=3, limit_confirmed=True)) == "3 ngày"
