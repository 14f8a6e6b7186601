import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from trove.people.identity import index_identity
from trove.people.matching import refresh_match_keys
from trove.people.models import Person

pytestmark = pytest.mark.django_db
HEADER = "id,full_name,birth_date,sex,citizen_id,home_unit,father_name,mother_name\n"
ROWS = (
    "1,Giàng Thị Mỷ,2003-05-01,female,,legacy:31150,Giàng A Páo,\n"
    "2,GIANG THI MI,2003,female,,2025:31150,Giang A Pao,\n"
    "3,Giàng Thị Dợ,2003-05-01,female,,legacy:31150,Giàng A Páo,\n"
    "4,Nguyễn Văn An,1990-02,male,079090001234,,,\n"
    "5,An Nguyen,1990,male,079090001234,,,\n"
)


def run(tmp_path, text):
    source = tmp_path / "people.csv"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "pairs.csv"
    stderr = io.StringIO()
    call_command("find_duplicates", "--csv", str(source), "--out", str(out), "--workers", "1", stderr=stderr)
    return out, stderr.getvalue()


def test_it_writes_the_pairs_judged_the_same_person(tmp_path):
    out, stderr = run(tmp_path, HEADER + ROWS)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["id_a"], r["id_b"]) for r in rows] == [("1", "2"), ("4", "5")]
    assert all(float(r["score"]) >= 12 for r in rows)
    assert "5/5" in stderr  # the progress bar


@pytest.mark.parametrize(("text", "message"), [
    ("id,full_name,birth_date\n1,A,2000\n", "line 1: missing column(s) sex, citizen_id"),
    (HEADER + "1,Lò Ún,2000-13-01,female,,,,\n", "line 2: birth_date '2000-13-01' is not a real date"),
    (HEADER + "1,Lò Ún,01/02/2000,female,,,,\n", "line 2: birth_date '01/02/2000' is not YYYY-MM-DD"),
    (HEADER + ROWS + "9,Lò Ún,2000,female,,legacy:99999,,\n", "line 7: home_unit 'legacy:99999' is not a known"),
    (HEADER + "1,Lò Ún,2000,female,,,\n", "line 2: 7 fields where the header has 8"),
    (HEADER + "1,Lò Ún,2000,female,,,,\n1,Lò Ín,2000,female,,,,\n", "line 3: id '1' appears twice"),
    (HEADER + '1,"Lò Ún,2000,female,,,,\n', "broken CSV"),
    (HEADER + "1,Lò Ún,2000,unsure,,,,\n", "line 2: sex 'unsure'"),
    (HEADER + f"1,Lò Ún,{datetime.date.today().year + 1},female,,,,\n", "in the future"),
])
def test_bad_input_names_the_line_and_writes_nothing(tmp_path, text, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(tmp_path, text)
    assert not (tmp_path / "pairs.csv").exists()
    assert not list(tmp_path.glob(".pairs.csv.*"))


def test_bad_input_exits_non_zero(tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "find_duplicates", "--csv", str(source), "--out",
                           str(tmp_path / "p.csv")]).execute()
    assert exit_.value.code != 0


def test_without_a_csv_it_matches_the_registry(tmp_path):
    ids = []
    for name in ("Vàng Thị Sua", "Vang Thi Xua", "Vàng Thị Pà"):
        person = Person(full_name=name, birth_date=datetime.date(1999, 1, 9), sex="female",
                        father_name="Vàng Seo Phừ")
        index_identity(person)
        person.save()
        refresh_match_keys(person)
        ids.append(person.pk)
    out = tmp_path / "pairs.csv"
    call_command("find_duplicates", "--out", str(out), "--workers", "1", "--no-progress", stderr=io.StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(int(r["id_a"]), int(r["id_b"])) for r in rows] == [(ids[0], ids[1])]
