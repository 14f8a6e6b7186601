import pytest

from trove.rules.models import GroundGroup, IdentificationGround, Regime
from trove.rules.selectors import grounds_for

pytestmark = pytest.mark.django_db


def test_regime_b_has_the_nine_kinds_of_evidence_of_article_32_1_and_the_checks_of_32_2():
    regime = Regime.objects.get(code="B")
    evidence = list(grounds_for(regime, group=GroundGroup.EVIDENCE))
    assert len(evidence) == 9
    assert all(ground.citation == "Luật 53/2024/QH15, Điều 32 khoản 1" for ground in evidence)
    assert evidence[0].code == "proceedings_evidence" and evidence[-1].code == "other_lawful_evidence"
    checks = grounds_for(regime, group=GroundGroup.SUPPLEMENTARY_CHECK)
    assert checks.count() == 3
    assert all("khoản 2" in ground.citation for ground in checks)


def test_regime_a_has_four_confirming_documents_and_eight_exploitative_purposes():
    regime = Regime.objects.get(code="A")
    documents = grounds_for(regime, group=GroundGroup.CONFIRMING_DOCUMENT)
    purposes = grounds_for(regime, group=GroundGroup.EXPLOITATIVE_PURPOSE)
    assert documents.count() == 4
    assert all("Điều 28" in ground.citation for ground in documents)
    assert purposes.count() == 8
    assert all(ground.citation == "Nghị định 62/2012/NĐ-CP, Điều 5" for ground in purposes)
    assert purposes.last().code == "purpose_other"
    assert grounds_for(regime).count() == 12


def test_every_ground_is_written_in_both_languages_and_passes_validation():
    for ground in IdentificationGround.objects.all():
        assert ground.text_vi and ground.text_en
        ground.full_clean()
