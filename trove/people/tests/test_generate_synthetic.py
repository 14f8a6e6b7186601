import csv
import io

import pytest
from django.core.management import call_command

from trove.cases.models import Case, Intake
from trove.people.matching import PersonData, find_candidates
from trove.people.models import MatchKey, NameToken, Person

pytestmark = pytest.mark.django_db


def test_it_fills_persons_cases_intakes_and_keys_reproducibly(tmp_path):
    truth = tmp_path / "truth.csv"
    out = io.StringIO()
    call_command("generate_synthetic", "--persons", "60", "--seed", "3", "--batch", "25", "--truth", str(truth),
                 "--only-persons", "--workers", "1", stdout=out, stderr=io.StringIO())
    assert Person.objects.count() == 60
    assert Case.objects.count() == 60 and Intake.objects.count() == 60
    assert NameToken.objects.exists() and MatchKey.objects.count() > 60 * 5
    rows = list(csv.DictReader(truth.open(encoding="utf-8")))
    assert len(rows) == 60 and {int(r["person_id"]) for r in rows} == set(Person.objects.values_list("pk", flat=True))
    assert "persons/s" in out.getvalue()
    # Identity is encrypted like any other person's, and the duplicate check finds the synthetic people.
    person = Person.objects.order_by("pk").first()
    found = find_candidates(PersonData(full_name=person.full_name, birth_date=person.birth_date,
                                       birth_precision=person.birth_precision, sex=person.sex,
                                       home_unit=person.home_unit_id))
    assert person.pk in [c.person_id for c in found]
    names = sorted(Person.objects.values_list("full_name", flat=True))
    # Reproducible from the seed and the chunk size (each chunk of persons has its own seed).
    call_command("generate_synthetic", "--persons", "60", "--seed", "3", "--batch", "25", "--only-persons", "--flush",
                 "--workers", "1", stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(Person.objects.values_list("full_name", flat=True)) == names


def test_it_refuses_a_database_that_holds_real_people(db):
    import pytest
    from django.core.management import CommandError, call_command

    from trove.people.models import Person

    Person.objects.create(full_name="Người thật (thử)")
    with pytest.raises(CommandError, match="did not make"):
        call_command("generate_synthetic", "--persons", "5", "--flush")
    assert Person.objects.count() == 1


def test_it_adds_every_kind_of_record_over_both_regimes_and_keeps_the_audit_chain_valid():
    import datetime

    from trove.cases.models import CaseExploitation
    from trove.core.models import AuditEntry
    from trove.intel.models import Proceeding, Tip
    from trove.plans.models import Activity, Plan
    from trove.referrals.models import FollowUpVisit, Referral
    from trove.support.models import SupportEntry
    from trove.verification.models import IdentificationDecision, VerificationStep

    call_command("generate_synthetic", "--persons", "400", "--seed", "5", "--audit-per-person", "2", "--workers", "1",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert Person.objects.count() == 400
    steps = VerificationStep.objects.all()
    assert {"A", "B"} <= set(steps.values_list("regime_code", flat=True))  # intakes before and after 2025-07-01
    assert steps.filter(status="done").exists() and steps.filter(status="pending").exists()
    decided = IdentificationDecision.objects.filter(status="approved")
    assert 120 < decided.count() < 280
    assert decided.filter(decision_date__lt=datetime.date(2025, 7, 1), grounds__regime__code="A").exists()
    victims = Case.objects.filter(identification_decisions__outcome="victim").distinct()
    assert victims.exists()
    assert not Case.objects.filter(status="identified_victim", identification_decisions__isnull=True).exists()
    assert CaseExploitation.objects.filter(case__in=victims).exists()
    assert SupportEntry.objects.filter(case__in=victims).count() >= 2 * victims.count()
    assert Referral.objects.exists() and FollowUpVisit.objects.exists()
    assert Tip.objects.count() == 80 and Proceeding.objects.count() == 8
    assert Plan.objects.filter(status="issued").count() == 34 and Activity.objects.exists()
    assert AuditEntry.objects.filter(actor_username="synthetic-bench").count() >= 800  # and the plan actions
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())
    assert "chain intact" in out.getvalue()
