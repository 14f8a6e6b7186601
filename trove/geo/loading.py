"""Load the administrative units, the 2025 succession and the countries from the packages that publish them.

Units and the old-to-new mapping come from the data files of the ``vietnamadminunits`` package, read directly (its
SQLite ``dataset.db`` and ``converter_2025.json``) so that none of its heavy modules is imported. Countries come from
``pycountry`` and its gettext catalogues.

Every loader compares what the source says with what the database holds and writes only the difference, in bulk and in
one transaction: the first run creates everything, a second run changes nothing, and a new package version updates
what changed. Units are never deleted, because records may point at them.
"""

from __future__ import annotations

import gettext
import importlib.util
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from trove.geo.models import SET_VALIDITY, AdminUnit, Country, UnitLevel, UnitSet, UnitSuccession
from trove.geo.search import normalise

BATCH_SIZE = 1000
# The fields of AdminUnit the source determines; ``parent`` is compared by its id.
UNIT_FIELDS = [
    "level",
    "name",
    "short_name",
    "unit_type",
    "parent_id",
    "province_code",
    "valid_from",
    "valid_to",
    "search_text",
    "search_name",
]


@dataclass
class LoadReport:
    """What a loader did, by kind of row: ``{"units": {"created": 13_000, "updated": 0, "unchanged": 0}, …}``."""

    counts: dict[str, dict[str, int]]

    def __str__(self) -> str:
        return "; ".join(
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['deleted']} deleted" if c.get("deleted") else "")
            for kind, c in self.counts.items()
        )


def _package_data_dir() -> Path:
    # find_spec locates the package without running its __init__, which imports pandas and friends.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed: install requirements.txt first.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True)
class _SourceUnit:
    unit_set: str
    code: str
    level: str
    name: str
    short_name: str
    unit_type: str
    parent_code: str | None
    province_code: str


def _unit_type(name: str, short_name: str) -> str:
    """The type is the name without its short name: "Thành phố Hà Nội" - "Hà Nội" = "Thành phố"."""
    if name.endswith(short_name):
        return name[: -len(short_name)].strip()
    return name.split()[0]


@dataclass
class _Source:
    units: list[_SourceUnit]
    # (legacy code, 2025 code, is_default)
    successions: list[tuple[str, str, bool]]


def _read_source(data_dir: Path) -> _Source:
    connection = sqlite3.connect((data_dir / "dataset.db").as_uri() + "?mode=ro", uri=True)
    try:
        connection.row_factory = sqlite3.Row
        legacy_rows = connection.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort, districtType,"
            " districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey"
            " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        new_rows = connection.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType, wardCode, wardKey"
            " FROM admin_units ORDER BY provinceCode, wardCode"
        ).fetchall()
    finally:
        connection.close()
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))

    legacy, new = UnitSet.LEGACY.value, UnitSet.Y2025.value
    units: dict[tuple[str, str], _SourceUnit] = {}
    # The converter names places by keys: "tinhdongthap" for provinces, "tinhdongthap_huyentanhong_xatanhoco" for
    # legacy communes ("tinhquangngai_huyenlyson_" for a district without communes), "xatanhoco" within a province
    # for 2025 communes.
    legacy_province_by_key: dict[str, str] = {}
    legacy_commune_by_key: dict[str, str] = {}
    new_province_by_key: dict[str, str] = {}
    new_commune_by_key: dict[tuple[str, str], str] = {}

    for row in legacy_rows:
        province_code = row["provinceCode"]
        units.setdefault(
            (legacy, province_code),
            _SourceUnit(
                legacy,
                province_code,
                UnitLevel.PROVINCE,
                row["province"],
                row["provinceShort"],
                _unit_type(row["province"], row["provinceShort"]),
                None,
                province_code,
            ),
        )
        legacy_province_by_key[row["provinceKey"]] = province_code
        units.setdefault(
            (legacy, row["districtCode"]),
            _SourceUnit(
                legacy,
                row["districtCode"],
                UnitLevel.DISTRICT,
                row["district"],
                row["districtShort"],
                row["districtType"],
                province_code,
                province_code,
            ),
        )
        if row["wardCode"] is None:
            # An island district with no communes; the converter names it with an empty commune key.
            legacy_commune_by_key[f"{row['provinceKey']}_{row['districtKey']}_"] = row["districtCode"]
            continue
        units[(legacy, row["wardCode"])] = _SourceUnit(
            legacy,
            row["wardCode"],
            UnitLevel.COMMUNE,
            row["ward"],
            row["wardShort"],
            row["wardType"],
            row["districtCode"],
            province_code,
        )
        legacy_commune_by_key[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = row["wardCode"]

    for row in new_rows:
        province_code = row["provinceCode"]
        units.setdefault(
            (new, province_code),
            _SourceUnit(
                new,
                province_code,
                UnitLevel.PROVINCE,
                row["province"],
                row["provinceShort"],
                _unit_type(row["province"], row["provinceShort"]),
                None,
                province_code,
            ),
        )
        new_province_by_key[row["provinceKey"]] = province_code
        units[(new, row["wardCode"])] = _SourceUnit(
            new,
            row["wardCode"],
            UnitLevel.COMMUNE,
            row["ward"],
            row["wardShort"],
            row["wardType"],
            province_code,
            province_code,
        )
        new_commune_by_key[(row["provinceKey"], row["wardKey"])] = row["wardCode"]

    def look_up(table: dict, key: object) -> str:
        try:
            return table[key]
        except KeyError:
            raise ValueError(f"converter_2025.json names {key!r}, which dataset.db does not have.") from None

    successions: list[tuple[str, str, bool]] = []
    for new_province_key, old_province_keys in converter["DICT_PROVINCE"].items():
        new_code = look_up(new_province_by_key, new_province_key)
        successions.extend((look_up(legacy_province_by_key, key), new_code, True) for key in old_province_keys)
    # A legacy commune wholly inside one 2025 commune: one row, the default.
    for new_province_key, new_communes in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_commune_key, old_keys in new_communes.items():
            new_code = look_up(new_commune_by_key, (new_province_key, new_commune_key))
            successions.extend((look_up(legacy_commune_by_key, key), new_code, True) for key in old_keys)
    # A legacy commune split between several 2025 communes: one row each, the package's default marked.
    for new_province_key, old_communes in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, shares in old_communes.items():
            old_code = look_up(legacy_commune_by_key, old_key)
            successions.extend(
                (
                    old_code,
                    look_up(new_commune_by_key, (new_province_key, share["newWardKey"])),
                    bool(share["isDefaultNewWard"]),
                )
                for share in shares
            )
    return _Source(units=list(units.values()), successions=successions)


def _unit_values(unit: _SourceUnit, parent_id: int | None, names: dict[tuple[str, str], _SourceUnit]) -> dict:
    path = [unit.name]
    parent_code = unit.parent_code
    while parent_code is not None:
        parent = names[(unit.unit_set, parent_code)]
        path.append(parent.name)
        parent_code = parent.parent_code
    valid_from, valid_to = SET_VALIDITY[UnitSet(unit.unit_set)]
    return {
        "level": str(unit.level),
        "name": unit.name,
        "short_name": unit.short_name,
        "unit_type": unit.unit_type,
        "parent_id": parent_id,
        "province_code": unit.province_code,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "search_text": normalise(", ".join(path)),
        "search_name": normalise(unit.short_name),
    }


def _sync_units(source_units: list[_SourceUnit]) -> dict[str, int]:
    by_identity = {(unit.unit_set, unit.code): unit for unit in source_units}
    existing = {
        (row["unit_set"], row["code"]): row for row in AdminUnit.objects.values("id", "unit_set", "code", *UNIT_FIELDS)
    }
    ids = {identity: row["id"] for identity, row in existing.items()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    # Parents before children, so that each level can point at the ids of the one above.
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create: list[AdminUnit] = []
        to_update: list[AdminUnit] = []
        for unit in source_units:
            if unit.level != level:
                continue
            identity = (unit.unit_set, unit.code)
            parent_id = ids[(unit.unit_set, unit.parent_code)] if unit.parent_code else None
            values = _unit_values(unit, parent_id, by_identity)
            current = existing.get(identity)
            if current is None:
                to_create.append(AdminUnit(unit_set=unit.unit_set, code=unit.code, **values))
            elif any(current[name] != value for name, value in values.items()):
                to_update.append(AdminUnit(id=current["id"], unit_set=unit.unit_set, code=unit.code, **values))
            else:
                counts["unchanged"] += 1
        AdminUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        AdminUnit.objects.bulk_update(to_update, UNIT_FIELDS, batch_size=BATCH_SIZE)
        counts["created"] += len(to_create)
        counts["updated"] += len(to_update)
        if to_create:
            # Not every database returns ids from a bulk insert; reading them back works everywhere.
            ids.update(
                ((unit_set, code), pk)
                for pk, unit_set, code in AdminUnit.objects.filter(level=level).values_list("id", "unit_set", "code")
            )
    return counts


def _sync_successions(source: Iterable[tuple[str, str, bool]]) -> dict[str, int]:
    legacy, new = UnitSet.LEGACY.value, UnitSet.Y2025.value
    ids = {(unit_set, code): pk for pk, unit_set, code in AdminUnit.objects.values_list("id", "unit_set", "code")}
    wanted = {(ids[(legacy, old_code)], ids[(new, new_code)]): is_default for old_code, new_code, is_default in source}
    existing = {
        (row.legacy_unit_id, row.new_unit_id): row
        for row in UnitSuccession.objects.only("id", "legacy_unit_id", "new_unit_id", "is_default")
    }
    to_create = [
        UnitSuccession(legacy_unit_id=old_id, new_unit_id=new_id, is_default=is_default)
        for (old_id, new_id), is_default in wanted.items()
        if (old_id, new_id) not in existing
    ]
    to_update = []
    for pair, row in existing.items():
        if pair in wanted and row.is_default != wanted[pair]:
            row.is_default = wanted[pair]
            to_update.append(row)
    # A share the source no longer lists is wrong, not history: nothing points at succession rows, so it goes.
    stale = [row.id for pair, row in existing.items() if pair not in wanted]
    UnitSuccession.objects.filter(id__in=stale).delete()
    UnitSuccession.objects.bulk_update(to_update, ["is_default"], batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    return {
        "created": len(to_create),
        "updated": len(to_update),
        "unchanged": len(existing) - len(to_update) - len(stale),
        "deleted": len(stale),
    }


def load_units() -> LoadReport:
    """Load both unit sets and the succession between them; see the module docstring."""
    source = _read_source(_package_data_dir())
    with transaction.atomic():
        unit_counts = _sync_units(source.units)
        succession_counts = _sync_successions(source.successions)
    return LoadReport({"units": unit_counts, "successions": succession_counts})


# pycountry's Vietnamese catalogue spells many names the old way ("Căm Bốt", "Nam Hàn", "Phi-li-pi-nợ") or not at all.
# The countries that come up most in trafficking cases, and the few it lacks, use the names in current official use.
VIETNAMESE_COUNTRY_NAMES = {
    "AE": "Các Tiểu vương quốc Ả Rập Thống nhất",
    "BL": "Saint Barthélemy",
    "BN": "Brunei",
    "CA": "Canada",
    "CV": "Cabo Verde",
    "CZ": "Séc",
    "GB": "Vương quốc Anh",
    "HK": "Hồng Kông (Trung Quốc)",
    "ID": "Indonesia",
    "IN": "Ấn Độ",
    "JP": "Nhật Bản",
    "KH": "Campuchia",
    "KP": "Triều Tiên",
    "KR": "Hàn Quốc",
    "LA": "Lào",
    "MK": "Bắc Macedonia",
    "MM": "Myanmar",
    "MO": "Ma Cao (Trung Quốc)",
    "MY": "Malaysia",
    "NL": "Hà Lan",
    "PH": "Philippines",
    "QA": "Qatar",
    "RU": "Liên bang Nga",
    "SA": "Ả Rập Xê Út",
    "SG": "Singapore",
    "SZ": "Eswatini",
    "TL": "Timor-Leste",
    "TR": "Thổ Nhĩ Kỳ",
    "TW": "Đài Loan (Trung Quốc)",
    "US": "Hoa Kỳ",
}


def _source_countries() -> dict[str, tuple[str, str]]:
    import pycountry

    vietnamese = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["vi"], fallback=True)
    countries = {}
    for country in pycountry.countries:
        name_en = getattr(country, "common_name", None) or country.name
        name_vi = VIETNAMESE_COUNTRY_NAMES.get(country.alpha_2) or vietnamese.gettext(country.name)
        countries[country.alpha_2] = (name_vi, name_en)
    return countries


def load_countries() -> LoadReport:
    """Load ISO 3166-1 countries with Vietnamese and English names; see the module docstring."""
    source = _source_countries()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {country.code: country for country in Country.objects.all()}
        to_create, to_update = [], []
        for code, (name_vi, name_en) in source.items():
            country = existing.get(code)
            if country is None:
                to_create.append(Country(code=code, name_vi=name_vi, name_en=name_en))
            elif (country.name_vi, country.name_en) != (name_vi, name_en):
                country.name_vi, country.name_en = name_vi, name_en
                to_update.append(country)
            else:
                counts["unchanged"] += 1
        Country.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Country.objects.bulk_update(to_update, ["name_vi", "name_en"], batch_size=BATCH_SIZE)
    counts["created"], counts["updated"] = len(to_create), len(to_update)
    return LoadReport({"countries": counts})
