"""Synthetic Vietnamese people and a labelled duplicate set with an explicit error model.

Everything here is invented: names are drawn from lists of common Vietnamese family, middle and given names (Kinh
family names at their published frequencies; H'Mông and Thái names for the northern border provinces), dates from
plausible ranges, ID numbers in the CCCD layout (province, century-and-sex digit, year, six random digits), home
communes from the real administrative units. People come in families — a father, a mother and one to four children,
sometimes twins — so that siblings and twins, who share parents, family name, commune and (twins) the birth date,
are in the data as hard negatives.

A duplicate is a second record of a person written by another office, through ``corrupt()``: the error model is the
table ``ERRORS`` below (each error with its probability). ``Record.entity`` is the truth: two records are the same
person exactly when their entities are equal.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, replace

# Kinh family names with their approximate share of the population.
KINH_FAMILIES = [
    ("Nguyễn", 38.4), ("Trần", 12.1), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.1), ("Huỳnh", 2.0), ("Phan", 4.5),
    ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0),
    ("Lý", 0.5), ("Đinh", 0.6), ("Trương", 0.6), ("Lâm", 0.4), ("Mai", 0.4), ("Trịnh", 0.4), ("Đoàn", 0.4),
    ("Lương", 0.4), ("Cao", 0.4), ("Hà", 0.4), ("Tạ", 0.2), ("Lưu", 0.2), ("Đào", 0.3), ("Kiều", 0.1), ("Chu", 0.1),
    ("Tô", 0.1), ("Quách", 0.1), ("Vương", 0.1), ("Triệu", 0.1), ("Thái", 0.1), ("La", 0.1), ("Nông", 0.2),
]
KINH_MIDDLE = {
    "female": [("Thị", 55), ("Ngọc", 6), ("Thu", 5), ("Thanh", 5), ("Kim", 4), ("Hồng", 4), ("Minh", 3), ("Phương", 3),
               ("Mai", 2), ("Bảo", 2), ("Khánh", 2), ("", 9)],
    "male": [("Văn", 45), ("Đức", 8), ("Minh", 7), ("Quốc", 5), ("Hữu", 5), ("Thanh", 4), ("Công", 4), ("Xuân", 3),
             ("Ngọc", 3), ("Anh", 3), ("Duy", 3), ("", 10)],
}
KINH_GIVEN = {
    "female": ["Hoa", "Lan", "Hương", "Hằng", "Trang", "Linh", "Ngọc", "Mai", "Thảo", "Hà", "Nga", "Phương", "Thủy",
               "Hạnh", "Huyền", "Nhung", "Loan", "Yến", "Vân", "Dung", "Tâm", "Hiền", "Thu", "Ly", "My", "Anh", "Nhi",
               "Oanh", "Quỳnh", "Thư", "Uyên", "Vy", "Xuân", "Diệp", "Giang", "Hồng", "Liên", "Ngân", "Nguyệt",
               "Tuyết", "Duyên", "Hậu", "Lụa", "Mến", "Thắm", "Thơm", "Gấm", "Nhàn", "Trinh", "Châu"],
    "male": ["Hùng", "Dũng", "Tuấn", "Nam", "Minh", "Cường", "Hải", "Long", "Sơn", "Thắng", "Trung", "Hiếu", "Huy",
             "Đức", "Quang", "Phong", "Thành", "Toàn", "Tùng", "Vinh", "Bình", "An", "Khoa", "Kiên", "Lâm", "Lộc",
             "Nghĩa", "Phúc", "Quân", "Tài", "Thịnh", "Tiến", "Việt", "Hòa", "Hưng", "Khánh", "Linh", "Mạnh", "Ninh",
             "Tân", "Thanh", "Thông", "Trí", "Tú", "Vũ", "Đạt", "Duy", "Hậu", "Lực", "Quý"],
}
HMONG_FAMILIES = ["Giàng", "Sùng", "Thào", "Vàng", "Lý", "Hầu", "Mùa", "Lầu", "Vừ", "Cứ", "Hờ", "Tráng"]
HMONG_MIDDLE = {"female": [("Thị", 45), ("Mí", 10), ("", 45)], "male": [("A", 35), ("Seo", 25), ("Mí", 15), ("Văn", 10),
                                                                        ("", 15)]}
HMONG_GIVEN = {
    "female": ["Mỷ", "Sua", "Dợ", "Pà", "Chía", "Máy", "Dở", "Xí", "Sinh", "Chở", "Mai", "Di", "Say", "Ly", "Súa",
               "Dính", "Mua", "Chu", "Pằng", "Vư"],
    "male": ["Páo", "Sử", "Chứ", "Dua", "Pó", "Sính", "Lử", "Khua", "Tủa", "Chơ", "Nhìa", "Vư", "Xà", "Sáy", "Dế",
             "Chá", "Tồng", "Phừ", "Pàng", "Chinh"],
}
THAI_FAMILIES = ["Lò", "Cầm", "Quàng", "Lường", "Tòng", "Điêu", "Vì", "Lù", "Hà", "Lộc"]
THAI_GIVEN = {"female": ["Ún", "Pọm", "Xiêng", "Ưởn", "Ín", "Bun", "Khăm", "Panh", "Ánh", "Hương"],
              "male": ["Khăm", "Xiêng", "Pâng", "Ín", "Thoại", "Chăn", "Bun", "Pánh", "Lả", "Hặc"]}
# Ways one minority given name is written by different offices.
SPELLINGS = {"Mỷ": ["Mỉ", "Mị", "My"], "Sử": ["Xử", "Su"], "Páo": ["Pao", "Páu"], "Sua": ["Xua"], "Súa": ["Xúa"],
             "Sính": ["Xính"], "Chứ": ["Trứ"], "Xí": ["Sí"], "Sáy": ["Xáy"], "Dua": ["Zua"], "Xà": ["Sà"],
             "Xiêng": ["Siêng"], "Pà": ["Pa"], "Pó": ["Po"]}
# Legacy province codes of the northern border provinces where the minority names are drawn.
BORDER_PROVINCES = {"02", "04", "10", "11", "12", "14", "15", "20"}


@dataclass(frozen=True)
class Commune:
    legacy_key: str
    new_key: str
    province: str  # legacy province code


@dataclass(frozen=True)
class Record:
    id: str
    entity: int
    full_name: str
    birth_date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    sex: str
    citizen_id: str
    home_unit: str
    father_name: str
    mother_name: str
    family: int  # the family the person belongs to (siblings share it)

    CSV_COLUMNS = ("id", "full_name", "birth_date", "sex", "citizen_id", "home_unit", "father_name", "mother_name")

    def csv_row(self) -> list[str]:
        return [getattr(self, column) for column in self.CSV_COLUMNS]


def load_communes() -> list[Commune]:
    """The legacy communes with their default 2025 commune (needs the reference data in the database)."""
    from trove.geo.models import UnitSuccession

    rows = (UnitSuccession.objects.filter(is_default=True, legacy_unit__level="commune", new_unit__level="commune")
            .values_list("legacy_unit__code", "new_unit__code", "legacy_unit__province_code").order_by("pk"))
    return [Commune(f"legacy:{old}", f"2025:{new}", province) for old, new, province in rows]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _join(*words: str) -> str:
    return " ".join(word for word in words if word)


class PeopleFactory:
    """Draws families and their members; ``rng`` makes everything reproducible from a seed."""

    def __init__(self, communes: list[Commune], seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible from its seed
        self.communes = communes
        self.border = [c for c in communes if c.province in BORDER_PROVINCES] or communes
        self.entity = 0
        self.family = 0

    def _name(self, people: str, family: str, sex: str) -> str:
        rng = self.rng
        if people == "hmong":
            return _join(family, _pick(rng, HMONG_MIDDLE[sex]), rng.choice(HMONG_GIVEN[sex]))
        if people == "thai":
            return _join(family, "Thị" if sex == "female" else "Văn", rng.choice(THAI_GIVEN[sex]))
        return _join(family, _pick(rng, KINH_MIDDLE[sex]), rng.choice(KINH_GIVEN[sex]))

    def _citizen_id(self, commune: Commune, sex: str, born: datetime.date) -> str:
        century = (0 if born.year < 2000 else 2) + (1 if sex == "female" else 0)
        return f"{int(commune.province):03d}{century}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"

    def families(self, persons: int):
        """Yield lists of true records, one list per family, until ``persons`` records were made."""
        rng = self.rng
        made = 0
        while made < persons:
            self.family += 1
            roll = rng.random()
            people = "hmong" if roll < 0.2 else "thai" if roll < 0.27 else "kinh"
            if people == "kinh":
                family = _pick(rng, KINH_FAMILIES)
                commune = rng.choice(self.communes)
                mother_family = _pick(rng, KINH_FAMILIES)
            else:
                family = rng.choice(HMONG_FAMILIES if people == "hmong" else THAI_FAMILIES)
                commune = rng.choice(self.border)
                mother_family = rng.choice(HMONG_FAMILIES if people == "hmong" else THAI_FAMILIES)
            father = self._name(people, family, "male")
            mother = self._name(people, mother_family, "female")
            first_born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 45))
            children = min(persons - made, rng.choice((1, 1, 2, 2, 3, 4)))
            members, used = [], set()
            born = first_born
            for index in range(children):
                twin = index > 0 and rng.random() < 0.15
                if not twin:
                    born = born + datetime.timedelta(days=rng.randrange(300, 1500)) if index else born
                sex = rng.choice(("female", "female", "male"))  # most victims received are women and girls
                for _ in range(20):
                    name = self._name(people, family, sex)
                    given = name.split()[-1]
                    if given not in used:
                        break
                used.add(given)
                self.entity += 1
                members.append(Record(
                    id=f"P{self.entity}", entity=self.entity, full_name=name, birth_date=born.isoformat(), sex=sex,
                    citizen_id=self._citizen_id(commune, sex, born) if rng.random() < 0.65 else "",
                    home_unit=commune.legacy_key if born.year % 2 else commune.new_key,
                    father_name=father if rng.random() < 0.7 else "",
                    mother_name=mother if rng.random() < 0.7 else "",
                    family=self.family,
                ))
            made += len(members)
            yield members


# The error model: what another office's record of the same person looks like, with the chance of each error.
ERRORS = {
    "no_diacritics": 0.35,  # the whole record typed without diacritics
    "case": 0.25,  # UPPER or lower case
    "order": 0.10,  # family name moved to the end, or the whole name reversed
    "drop_marker": 0.25,  # Thị/Văn (or A/Seo/Mí) left out
    "typo": 0.15,  # one letter wrong, missing, doubled or swapped in one word of the name
    "spelling": 0.6,  # another spelling of a minority given name (when it has one)
    "year_only": 0.25,  # only the birth year known
    "month_only": 0.05,
    "year_off": 0.08,  # birth year one off (with year only or a full date)
    "day_month_swapped": 0.03,
    "id_missing": 0.40,
    "id_typo": 0.08,  # one digit of the CCCD wrong
    "unit_other_set": 0.5,  # the home commune under the other unit set
    "unit_missing": 0.10,
    "father_missing": 0.35,
    "mother_missing": 0.35,
    "parent_typo": 0.05,
    "sex_missing": 0.05,
}


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 2:
        return word
    i = rng.randrange(len(word) - 1)
    kind = rng.choice(("sub", "del", "ins", "swap"))
    letters = "aeiouhnmtgc"
    if kind == "sub":
        return word[:i] + rng.choice(letters) + word[i + 1:]
    if kind == "del":
        return word[:i] + word[i + 1:]
    if kind == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _corrupt_name(rng: random.Random, name: str, errors: set[str], communes_by_key=None) -> str:
    words = name.split()
    if "drop_marker" in errors and len(words) > 2 and strip_diacritics(words[1]).lower() in {"thi", "van", "a",
                                                                                             "seo", "mi"}:
        words.pop(1)
    if "spelling" in errors and words[-1] in SPELLINGS:
        words[-1] = rng.choice(SPELLINGS[words[-1]])
    if "typo" in errors:
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
    if "order" in errors and len(words) > 1:
        words = list(reversed(words)) if rng.random() < 0.5 else words[1:] + words[:1]
    name = " ".join(words)
    if "no_diacritics" in errors:
        name = strip_diacritics(name)
    if "case" in errors:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return name


def corrupt(rng: random.Random, record: Record, new_id: str, other_set: dict[str, str]) -> Record:
    """Another office's record of the same person (same entity), with errors drawn from ``ERRORS``."""
    errors = {error for error, chance in ERRORS.items() if rng.random() < chance}
    born = datetime.date.fromisoformat(record.birth_date)
    year, month, day = born.year, born.month, born.day
    if "year_off" in errors:
        year += rng.choice((-1, 1))
    if "day_month_swapped" in errors and day <= 12:
        month, day = day, month
    if "year_only" in errors or "year_off" in errors and rng.random() < 0.7:
        birth = f"{year:04d}"
    elif "month_only" in errors:
        birth = f"{year:04d}-{month:02d}"
    else:
        try:
            birth = datetime.date(year, month, day).isoformat()
        except ValueError:
            birth = f"{year:04d}"
    citizen_id = record.citizen_id
    if citizen_id and "id_missing" in errors:
        citizen_id = ""
    elif citizen_id and "id_typo" in errors:
        i = rng.randrange(4, 12)
        citizen_id = citizen_id[:i] + str((int(citizen_id[i]) + rng.randrange(1, 10)) % 10) + citizen_id[i + 1:]
    home = record.home_unit
    if "unit_missing" in errors:
        home = ""
    elif "unit_other_set" in errors:
        home = other_set.get(home, home)
    name_errors = errors & {"no_diacritics", "case"}

    def parent(name: str, missing: str) -> str:
        if not name or missing in errors:
            return ""
        return _corrupt_name(rng, name, name_errors | ({"typo"} if "parent_typo" in errors else set()))

    return replace(
        record,
        id=new_id,
        full_name=_corrupt_name(rng, record.full_name, errors),
        birth_date=birth,
        sex="" if "sex_missing" in errors else record.sex,
        citizen_id=citizen_id,
        home_unit=home,
        father_name=parent(record.father_name, "father_missing"),
        mother_name=parent(record.mother_name, "mother_missing"),
    )


def other_set_map(communes: list[Commune]) -> dict[str, str]:
    mapping = {c.legacy_key: c.new_key for c in communes}
    # A 2025 commune may have several legacy predecessors: any of them is a correct legacy key.
    mapping.update({c.new_key: c.legacy_key for c in communes})
    return mapping


def labelled_records(communes: list[Commune], *, persons: int, duplicate_share: float, seed: int) -> list[Record]:
    """``persons`` true records in families, plus a second (sometimes third) corrupted record for
    ``duplicate_share`` of them, shuffled."""
    factory = PeopleFactory(communes, seed)
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, reproducible from its seed
    other = other_set_map(communes)
    records: list[Record] = []
    for family in factory.families(persons):
        records.extend(family)
    duplicates = []
    extra = 0
    for record in records:
        if rng.random() < duplicate_share:
            copies = 2 if rng.random() < 0.1 else 1
            for _ in range(copies):
                extra += 1
                duplicates.append(corrupt(rng, record, f"D{extra}", other))
    records.extend(duplicates)
    rng.shuffle(records)
    return records


def true_pairs(records: list[Record]) -> set[tuple[str, str]]:
    by_entity: dict[int, list[str]] = {}
    for record in records:
        by_entity.setdefault(record.entity, []).append(record.id)
    pairs = set()
    for ids in by_entity.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pairs.add((min(a, b), max(a, b)))
    return pairs
