"""The person a row is about: the fields every kind about a person shares, and how they become ``PersonData``.

Lists record the same facts in many layouts. Besides one column per fact, two layouts of Vietnamese forms are read:
the date of birth in a column for men and a column for women under one heading ("Ngày sinh: Nam | Nữ"), which gives
the sex too, and the sex as a tick in a "Nam" or a "Nữ" column. An ID column may hold CCCD, CMND and passport numbers
alike; the address may be one cell or a commune, a district and a province in three.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trove.imports.cleaning import FuzzyDate
from trove.imports.registry import Field
from trove.people.actions import PersonData
from trove.people.matching import PersonData as MatchingData

PERSON_FIELDS = (
    Field("full_name", gettext_lazy("Full name"), "name",
          ("ho va ten", "ho ten", "ho ten nan nhan", "ho va ten nan nhan", "ten nan nhan", "ho ten nguoi", "ten",
           "full name", "name")),
    Field("other_names", gettext_lazy("Other names and aliases"), "text",
          ("ten goi khac", "ten khac", "biet danh", "ten thuong goi", "alias", "other names")),
    Field("sex", gettext_lazy("Sex"), "sex", ("gioi tinh", "gioi", "nam nu", "nam hay nu", "sex", "gender")),
    Field("sex_male", gettext_lazy("Sex: the column ticked for men"), "mark"),
    Field("sex_female", gettext_lazy("Sex: the column ticked for women"), "mark"),
    Field("birth_date", gettext_lazy("Date of birth"), "date",
          ("ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay", "sinh nam", "ngay sinh nam sinh",
           "date of birth", "birth date", "dob", "year of birth")),
    Field("birth_date_male", gettext_lazy("Date of birth in the column for men"), "date"),
    Field("birth_date_female", gettext_lazy("Date of birth in the column for women"), "date"),
    Field("id_number", gettext_lazy("ID number (CCCD, CMND or passport)"), "id_number",
          ("so cmnd cccd", "cmnd cccd", "cccd cmnd", "so cccd cmnd", "so giay to", "giay to tuy than",
           "so dinh danh", "so dinh danh ca nhan", "id number")),
    Field("citizen_id", gettext_lazy("Citizen ID (CCCD)"), "citizen_id",
          ("cccd", "so cccd", "can cuoc cong dan", "so can cuoc cong dan", "so can cuoc", "can cuoc", "citizen id")),
    Field("old_id", gettext_lazy("Old ID card (CMND)"), "old_id",
          ("cmnd", "so cmnd", "chung minh nhan dan", "so chung minh nhan dan", "so chung minh")),
    Field("passport", gettext_lazy("Passport"), "passport", ("ho chieu", "so ho chieu", "passport")),
    Field("phone", gettext_lazy("Phone"), "phone",
          ("dien thoai", "so dien thoai", "sdt", "so dt", "dt lien he", "dien thoai lien he", "phone")),
    Field("home_address", gettext_lazy("Home address"), "text",
          ("dia chi", "que quan", "noi cu tru", "dia chi thuong tru", "thuong tru", "noi thuong tru", "noi o",
           "cho o", "ho khau thuong tru", "dia chi cu tru", "noi o hien nay", "address", "home address")),
    Field("home_commune", gettext_lazy("Home commune"), "text",
          ("xa", "xa phuong", "phuong xa", "xa phuong thi tran", "commune")),
    Field("home_district", gettext_lazy("Home district (before July 2025)"), "text",
          ("huyen", "quan huyen", "huyen thi xa", "huyen thanh pho", "district")),
    Field("home_province", gettext_lazy("Home province"), "text",
          ("tinh", "tinh thanh pho", "tinh tp", "tinh thanh", "province")),
    Field("father_name", gettext_lazy("Father's name"), "name", ("ho ten cha", "ten cha", "ho ten bo", "ten bo")),
    Field("mother_name", gettext_lazy("Mother's name"), "name", ("ho ten me", "ten me")),
    Field("ethnicity", gettext_lazy("Ethnicity"), "text", ("dan toc", "ethnicity")),
    Field("nationality", gettext_lazy("Nationality"), "country", ("quoc tich", "nationality")),
)


def _birth(values: dict) -> tuple[FuzzyDate | None, str | None]:
    """The date of birth, and the sex its column says when the form splits it by sex."""
    for name, sex in (("birth_date_male", "male"), ("birth_date_female", "female")):
        if values.get(name) is not None:
            return values[name], sex
    return values.get("birth_date"), None


def _sex(values: dict, from_birth: str | None) -> str:
    sex = values.get("sex") or "unknown"
    if sex != "unknown":
        return sex
    if from_birth:
        return from_birth
    male, female = bool(values.get("sex_male")), bool(values.get("sex_female"))
    if male != female:
        return "male" if male else "female"
    return "unknown"


def _address(values: dict) -> tuple[str, str]:
    """The address to keep as text, and the text to find the unit in (the unit columns when there are some)."""
    address = values.get("home_address") or ""
    parts = ", ".join(values[name] for name in ("home_commune", "home_district", "home_province") if values.get(name))
    if parts:
        return address or parts, parts
    return address, address


def person_from(values: dict, *, context, on: datetime.date | None) -> tuple[PersonData, list[str]]:
    """The person a row describes; ``on`` is the row's date, which says which unit set its address is in."""
    remarks: list[str] = []
    birth, sex_from_birth = _birth(values)
    birth_date, precision, year = None, "day", None
    if birth is not None:
        precision = birth.precision
        if precision == "year":
            year = birth.day.year
        else:
            birth_date = birth.day
    ids = dict(values.get("id_number") or {})
    for name in ("citizen_id", "old_id", "passport"):
        if values.get(name):
            ids[name] = values[name]
    address, unit_text = _address(values)
    unit = None
    if unit_text:
        unit, found = context.places.unit_for(unit_text, on=on)
        remarks.extend(found)
    other = values.get("other_names") or ""
    person = PersonData(
        full_name=values.get("full_name") or "",
        sex=_sex(values, sex_from_birth),
        birth_date=birth_date, birth_precision=precision, birth_year=year,
        other_names=[name.strip() for name in other.replace(";", ",").split(",") if name.strip()],
        citizen_id=ids.get("citizen_id") or "", old_id=ids.get("old_id") or "", passport=ids.get("passport") or "",
        phone=values.get("phone") or "",
        home_address=address, home_unit=unit,
        father_name=values.get("father_name") or "", mother_name=values.get("mother_name") or "",
        ethnicity=(values.get("ethnicity") or "")[:40], nationality=values.get("nationality"),
    )
    return person, remarks


def matching_data(person: PersonData) -> MatchingData:
    """The plain values duplicate matching reads."""
    return MatchingData(
        full_name=person.full_name, other_names=list(person.other_names), birth_date=person.birth_date,
        birth_precision=person.birth_precision, birth_year=person.birth_year, sex=person.sex,
        citizen_id=person.citizen_id, old_id=person.old_id, passport=person.passport, phone=person.phone,
        home_unit=person.home_unit, father_name=person.father_name, mother_name=person.mother_name,
    )


def day_of(value: FuzzyDate | None, remarks: list[str], what: str) -> datetime.date | None:
    """A date the actions need as a whole day; a year or month alone is taken as its first day, with a remark."""
    if value is None:
        return None
    if value.precision != "day":
        remarks.append(_("Only part of the %(what)s is known; its first day is recorded.") % {"what": what})
    return value.day
