import json
import shutil

import pytest
from django.core.management import call_command

from trove.rules.loading import FIXTURES_DIR, load_rules
from trove.rules.models import Holiday, IdentificationGround, ProcedureStep, Regime

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in (Regime, ProcedureStep, IdentificationGround, Holiday)
    }


def test_loading_again_changes_nothing():
    before = snapshot()
    report = load_rules()
    assert snapshot() == before
    for kind, counts in report.counts.items():
        assert counts["created"] == counts["updated"] == counts["kept"] == 0, kind
    assert report.counts["procedure steps"]["unchanged"] == ProcedureStep.objects.count() == 46


def test_the_command_reports_what_it_did(capsys):
    call_command("load_rules")
    assert "procedure steps: 0 created, 0 updated, 46 unchanged" in capsys.readouterr().out


def test_a_limit_set_by_an_administrator_survives_reloading():
    unset = ProcedureStep.objects.get(regime__code="B", channel="hotline", code="verification")
    confirmed = ProcedureStep.objects.get(regime__code="A", channel="referred", code="labour_office_review")
    ProcedureStep.objects.filter(pk=unset.pk).update(limit_days=10, limit_kind="working")
    ProcedureStep.objects.filter(pk=confirmed.pk).update(limit_days=5)
    report = load_rules()
    unset.refresh_from_db()
    confirmed.refresh_from_db()
    assert (unset.limit_days, unset.limit_kind) == (10, "working")
    assert confirmed.limit_days == 5
    assert report.counts["procedure steps"]["kept"] == 3


def copy_fixtures(tmp_path):
    for path in FIXTURES_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return json.loads((tmp_path / "regimes_v1.json").read_text(encoding="utf-8"))


def write_v2(tmp_path, data):
    (tmp_path / "regimes_v2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def art30_step(data):
    (procedure,) = [p for p in data["procedures"] if p["procedure"] == "art30"]
    return procedure["steps"][0]


def test_a_new_fixture_version_updates_what_the_administrator_left_alone(tmp_path):
    data = copy_fixtures(tmp_path)
    art30_step(data).update(limit_days=7, limit_confirmed=True)
    write_v2(tmp_path, data)
    edited = ProcedureStep.objects.get(regime__code="B", channel="hotline", code="verification")
    ProcedureStep.objects.filter(pk=edited.pk).update(citation="Theo văn bản của tỉnh")

    report = load_rules(tmp_path)

    step = ProcedureStep.objects.get(regime__code="B", channel="returned_mission", code="receive_verify_confirm")
    assert (step.limit_days, step.limit_confirmed) == (7, True)
    edited.refresh_from_db()
    assert edited.citation == "Theo văn bản của tỉnh"
    assert report.counts["procedure steps"]["updated"] == 1


def test_a_new_fixture_version_does_not_override_an_administrators_limit(tmp_path):
    data = copy_fixtures(tmp_path)
    art30_step(data).update(limit_days=7, limit_confirmed=True)
    write_v2(tmp_path, data)
    ProcedureStep.objects.filter(code="receive_verify_confirm").update(limit_days=15)

    load_rules(tmp_path)

    step = ProcedureStep.objects.get(code="receive_verify_confirm")
    assert step.limit_days == 15
    assert step.limit_confirmed  # the fixture's own field still follows the fixture


def test_it_creates_what_a_new_version_adds_and_links_it(tmp_path):
    data = copy_fixtures(tmp_path)
    procedure = [p for p in data["procedures"] if p["procedure"] == "art30"][0]
    procedure["steps"].append({**procedure["steps"][0], "code": "hand_over_for_support",
                               "starts_after": "receive_verify_confirm"})
    write_v2(tmp_path, data)
    load_rules(tmp_path)
    new = ProcedureStep.objects.get(code="hand_over_for_support")
    assert new.order == 2
    assert new.starts_after.code == "receive_verify_confirm"
