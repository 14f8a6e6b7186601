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
                 stdout=out, stderr=io.StringIO())
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
    call_command("generate_synthetic", "--persons", "60", "--seed", "3", "--flush", stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert sorted(Person.objects.values_list("full_name", flat=True)) == names


def test_it_refuses_a_database_that_holds_real_people(db):
    import pytest
    from django.core.management import CommandError, call_command

    from trove.people.models import Person

    Person.objects.create(full_name="Người thật (thử)")
    with pytest.raises(CommandError, match="did not make"):
        call_command("generate_synthetic", "--persons", "5", "--flush")
    assert Person.objects.count() == 1
