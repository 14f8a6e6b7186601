"""The support rules as data: support types a–k, entitlements by regime and beneficiary group, rates left for an
administrator where the law does not confirm an amount; loading them again keeps what an administrator set."""

import datetime
import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from trove.core.models import User
from trove.core.testing import sign_in
from trove.rules.admin import describe_amount
from trove.rules.loading import FIXTURES_DIR, load_rules
from trove.rules.models import Entitlement, Rate, Regime, SupportType
from trove.rules.selectors import entitlements_for, rates_for, unset_rates

pytestmark = pytest.mark.django_db


def test_the_support_types_are_regime_bs_letters():
    assert list(SupportType.objects.values_list("code", flat=True)) == ["a", "b", "c", "d", "dd", "e", "g", "h", "i",
                                                                        "k"]
    assert SupportType.objects.get(code="dd").letter == "đ"
    assert all("Điều 37" in citation for citation in SupportType.objects.values_list("citation", flat=True))


def test_every_row_has_a_citation_and_the_unconfirmed_amounts_are_unset():
    assert not Entitlement.objects.filter(citation="").exists()
    assert not Rate.objects.filter(citation="").exists()
    assert set(unset_rates().values_list("regime__code", "code")) == {
        ("A", "shelter_meal"), ("A", "vocational_training"), ("A", "hardship_allowance"),
        ("B", "essential_needs"), ("B", "travel_day_meal"), ("B", "hardship_allowance")}
    travel = Rate.objects.get(regime__code="A", code="travel_day_meal")
    assert (travel.amount, travel.is_minimum, travel.amount_confirmed) == (70_000, True, True)


def test_the_selectors_answer_by_regime_group_and_day():
    regime_b = Regime.objects.get(code="B")
    assert [e.support_type.code for e in entitlements_for(regime_b, "being_identified_abroad")] == ["a", "b", "c", "d"]
    Entitlement.objects.filter(regime=regime_b, group="being_identified_abroad", support_type__code="d").update(
        valid_to="2025-12-31")
    day = datetime.date(2026, 1, 1)
    assert [e.support_type.code for e in entitlements_for(regime_b, "being_identified_abroad", day)] == ["a", "b", "c"]
    assert {r.code for r in rates_for(regime_b, day)} == {"essential_needs", "travel_day_meal", "hardship_allowance"}


def test_an_amount_set_by_an_administrator_survives_reloading():
    Rate.objects.filter(regime__code="A", code="hardship_allowance").update(amount=1_500_000)
    Entitlement.objects.filter(regime__code="A", group="victim", support_type__code="a").update(max_days=90)
    report = load_rules()
    assert Rate.objects.get(regime__code="A", code="hardship_allowance").amount == 1_500_000
    assert Entitlement.objects.get(regime__code="A", group="victim", support_type__code="a").max_days == 90
    assert report.counts["rates"]["kept"] == 1
    assert report.counts["entitlements"]["kept"] == 1


def test_a_new_fixture_version_updates_what_the_administrator_left_alone(tmp_path):
    for path in FIXTURES_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    data = json.loads((tmp_path / "entitlements_v1.json").read_text(encoding="utf-8"))
    (rate,) = [r for r in data["rates"] if (r["regime"], r["code"]) == ("B", "hardship_allowance")]
    rate.update(amount=2_000_000, amount_confirmed=True)
    (tmp_path / "entitlements_v2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = load_rules(tmp_path)
    assert Rate.objects.get(regime__code="B", code="hardship_allowance").amount == 2_000_000
    assert report.counts["rates"]["updated"] == 1


def test_items_in_kind_must_be_a_list_of_items():
    entitlement = Entitlement.objects.get(regime__code="A", group="victim", support_type__code="a")
    assert entitlement.item("clothes")["max_quantity"] == 2
    entitlement.in_kind_items = [{"code": "clothes", "name_vi": "Quần áo", "max_quantity": 0}]
    with pytest.raises(ValidationError):
        entitlement.clean()


def test_amounts_read_well_in_both_languages():
    rate = Rate.objects.get(regime__code="A", code="travel_day_meal")
    with override("en"):
        assert describe_amount(rate) == "70.000 ₫ per person per day (at least)"
        assert describe_amount(Rate(amount=None, unit="once")) == "not configured — an administrator must set it"
    with override("vi"):
        assert "chưa" in describe_amount(Rate(amount=None, unit="once"))


@pytest.fixture
def admin_client(client):
    sign_in(client, User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["supporttype", "entitlement", "rate"])
def test_the_admin_pages_render(admin_client, model):
    assert admin_client.get(reverse(f"admin:rules_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:rules_{model}_add")).status_code == 200


def test_an_administrator_finds_and_sets_an_unconfigured_amount(admin_client):
    unset = admin_client.get(reverse("admin:rules_rate_changelist"), {"amount": "unset"}, HTTP_ACCEPT_LANGUAGE="en")
    assert set(unset.context["cl"].result_list) == set(Rate.objects.filter(amount__isnull=True))
    assert "not configured" in unset.content.decode()
    rate = Rate.objects.get(regime__code="B", code="essential_needs")
    page = admin_client.get(reverse("admin:rules_rate_change", args=[rate.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(amount=45_000, valid_from="", valid_to="")
    response = admin_client.post(reverse("admin:rules_rate_change", args=[rate.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rate.refresh_from_db()
    assert rate.amount == 45_000
