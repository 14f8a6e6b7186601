"""Reading one cell of a legacy list: the mess of spreadsheets typed by many people over many years.

Each parser takes a cell as the reader gives it (text, a number, a date, or None) and returns the clean value and
remarks, or raises ``CellError`` with a message that says what to do. Messages never repeat the cell's value: the
report puts them next to the row, and they also go where identity must not (counts, logs).

- dates: a date cell, an Excel serial number (35932), dd/mm/yyyy text (also with - or .), yyyy-mm-dd, mm/yyyy,
  "1998", "năm 1998", "ngày 12 tháng 5 năm 1998"; a two-digit year is read in the last hundred years;
- sex: Nam/Nữ, nam/nu, M/F, male/female, 1/0 (1 = male, 0 = female, as the commune forms number them);
- names: collapsed spaces, names typed in capitals (NGUYEN THI HOA) written with capitals at word starts;
- ID numbers: typed as numbers they lose their leading zeros (079123456789 becomes 79123456789); a CCCD has 12
  digits and a CMND 9, so a shorter number of only digits gets its zeros back;
- phones: a mobile number typed as a number loses its 0;
- choices: the code, the label in either language, or a common way of writing it ("XKLĐ", "tự về").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's 29 February 1900 is allowed for
EARLIEST_SERIAL = 61  # 1 March 1900: before it Excel's serials are off by one
LATEST_SERIAL = 73415  # 31 December 2100
# Words around the digits of a date typed as text: "ngày 12 tháng 5 năm 1998", "sinh năm 1998", "khoảng 1998".
DATE_WORDS = frozenset({"ngay", "thang", "nam", "sinh", "khoang", "vao", "luc", "gio", "h", "tu", "t"})
UNKNOWN_WORDS = frozenset({"khong ro", "ko ro", "k ro", "chua ro", "khong biet", "khong", "unknown", "n a", "na"})
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


class CellError(ValueError):
    """A cell that cannot be read; the message says what to do."""


@dataclass
class Cleaned:
    value: object
    remarks: list[str] = field(default_factory=list)


def fold(text: object) -> str:
    """Lower case, without diacritics (đ -> d), punctuation as single spaces: "Nữ " -> "nu", "XKLĐ" -> "xkld"."""
    return _fold(str(text or ""))


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    # Remembered: a list repeats the same communes, channels and countries thousands of times.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", stripped.lower()).strip()


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, dates as dd/mm/yyyy, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


# Text ---------------------------------------------------------------------------------------------------------------


def clean_text(value: object) -> Cleaned:
    return Cleaned(as_text(value))


def clean_name(value: object) -> Cleaned:
    """A person's name; one typed all in capitals is written with capitals at word starts only."""
    text = as_text(value)
    letters = [char for char in text if char.isalpha()]
    if letters and all(char.isupper() for char in letters):
        text = " ".join(word[:1] + word[1:].lower() for word in text.split())
    return Cleaned(text)


# Dates --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzyDate:
    """A date and how much of it is known: "day", "month" (the day is the 1st) or "year" (1 January)."""

    day: datetime.date
    precision: str = "day"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        this = timezone.localdate().year % 100
        year += 2000 if year <= this else 1900
    return year


def _make(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _from_serial(number: float) -> FuzzyDate:
    if not EARLIEST_SERIAL <= number <= LATEST_SERIAL:
        raise CellError(_("The number in this cell is not a date Excel can hold; write the date as dd/mm/yyyy."))
    return FuzzyDate(EXCEL_EPOCH + datetime.timedelta(days=int(number)))


def clean_date(value: object) -> Cleaned:
    """A date of any of the forms in the module's description, as a ``FuzzyDate``."""
    if isinstance(value, datetime.datetime):
        return Cleaned(FuzzyDate(value.date()))
    if isinstance(value, datetime.date):
        return Cleaned(FuzzyDate(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return Cleaned(FuzzyDate(datetime.date(int(value), 1, 1), "year"))
        return Cleaned(_from_serial(value))
    folded = fold(value)
    if folded in UNKNOWN_WORDS:
        return Cleaned(None, [_("The date is written as unknown; it is left empty.")])
    groups = _DIGITS.findall(folded)
    if any(not word.isdigit() and word not in DATE_WORDS for word in folded.split()):
        groups = []  # other letters: "7.9e+11" is a number Excel wrote, not 7 September 2011
    remarks: list[str] = []
    if len(groups) == 1:
        (only,) = groups
        if len(only) == 4:
            return Cleaned(FuzzyDate(datetime.date(int(only), 1, 1), "year"))
        if len(only) == 5:
            return Cleaned(_from_serial(int(only)))
    elif len(groups) == 2 and len(groups[1]) == 4 and 1 <= int(groups[0]) <= 12:
        return Cleaned(FuzzyDate(datetime.date(int(groups[1]), int(groups[0]), 1), "month"))
    elif len(groups) >= 3:
        first, second, third = groups[:3]
        if len(first) == 4:
            day = _make(int(first), int(second), int(third))
        elif len(third) in (2, 4):
            year = _year(third)
            day = _make(year, int(second), int(first))  # Vietnamese documents write the day first
            if day is None:
                day = _make(year, int(first), int(second))
                if day is not None:
                    remarks.append(_("The date was read as month/day/year; check it."))
        else:
            day = None
        if day is not None:
            return Cleaned(FuzzyDate(day), remarks)
    raise CellError(_("This is not a date that can be read: write it as dd/mm/yyyy, or the year alone."))


def clean_moment(value: object) -> Cleaned:
    """A date and time of day in Vietnam. A date alone is taken at noon (never later than now), so that it falls on
    the same day in every time zone the server may run in."""
    if isinstance(value, datetime.datetime) and (value.time() != datetime.time(0, 0) or timezone.is_aware(value)):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
        return Cleaned(moment)
    cleaned = clean_date(value)  # a date cell comes as midnight: a day, like a date typed as text
    if cleaned.value is None:
        return cleaned
    noon = timezone.make_aware(datetime.datetime.combine(cleaned.value.day, datetime.time(12, 0)))
    if cleaned.value.day == timezone.localdate():
        noon = min(noon, timezone.now() - datetime.timedelta(minutes=1))  # today's noon may not have come yet
    return Cleaned(noon, cleaned.remarks)


# Sex ----------------------------------------------------------------------------------------------------------------

SEX_WORDS = {
    "male": {"nam", "m", "male", "1", "trai", "nam gioi", "man"},
    "female": {"nu", "f", "female", "0", "gai", "nu gioi", "woman", "w"},
}


def clean_sex(value: object) -> Cleaned:
    folded = fold(as_text(value))
    for sex, words in SEX_WORDS.items():
        if folded in words:
            return Cleaned(sex)
    return Cleaned("unknown", [_("The sex is not one of Nam/Nữ, M/F or 1/0; it is recorded as unknown.")])


def clean_mark(value: object) -> Cleaned:
    """A cell that is ticked (x, 1, ✓) or empty; "0" and "không" count as not ticked."""
    folded = fold(as_text(value))
    return Cleaned(bool(folded) and folded not in {"0", "khong", "no", "k"})


# ID numbers and phones ---------------------------------------------------------------------------------------------


def _digits_of(value: object) -> tuple[str, bool]:
    """The characters of an ID number, and whether the cell was a number (so that zeros in front were lost)."""
    if isinstance(value, bool):
        raise CellError(_("This cell holds yes/no, not a number."))
    if isinstance(value, float):
        if not value.is_integer() or value >= 1e15:
            raise CellError(_("This number lost its last digits (Excel keeps 15); type it again as text."))
        return str(int(value)), True
    if isinstance(value, int):
        return str(value), True
    text = as_text(value)
    if _SCIENTIFIC.match(text):
        raise CellError(_("This number was saved in scientific notation and its last digits are lost; type it "
                          "again as text."))
    return re.sub(r"[\s.\-]", "", text).upper(), False


def _padded(digits: str, length: int, shortest: int) -> tuple[str, list[str]]:
    if digits.isdigit() and shortest <= len(digits) < length:
        return digits.zfill(length), [_("Zeros lost in front of the ID number were put back.")]
    return digits, []


def clean_citizen_id(value: object) -> Cleaned:
    digits, _number = _digits_of(value)
    digits, remarks = _padded(digits, 12, 10)  # provinces 001-096: one or two zeros may be lost
    return Cleaned(digits, remarks)


def clean_old_id(value: object) -> Cleaned:
    digits, _number = _digits_of(value)
    digits, remarks = _padded(digits, 9, 8)
    return Cleaned(digits, remarks)


def clean_id_number(value: object) -> Cleaned:
    """A column that holds CCCD, CMND or passport numbers alike: told apart by their length and letters.
    The value is a dict naming the field it belongs to."""
    digits, _number = _digits_of(value)
    if not digits:
        return Cleaned(None)
    if not digits.isdigit():
        return Cleaned({"passport": digits})
    if len(digits) in (10, 11, 12):
        cleaned = clean_citizen_id(digits)
        return Cleaned({"citizen_id": cleaned.value}, cleaned.remarks)
    if len(digits) in (8, 9):
        cleaned = clean_old_id(digits)
        return Cleaned({"old_id": cleaned.value}, cleaned.remarks)
    raise CellError(_("An ID number has 12 digits (CCCD) or 9 digits (CMND); this one has %(count)d.")
                    % {"count": len(digits)})


def clean_passport(value: object) -> Cleaned:
    return Cleaned(re.sub(r"\s", "", as_text(value)).upper())


def clean_phone(value: object) -> Cleaned:
    text, _was_number = _digits_of(value)
    # Vietnamese numbers have ten digits from 0; nine digits not starting with 0 lost it in a number cell.
    if text.isdigit() and len(text) == 9 and not text.startswith("0"):
        return Cleaned("0" + text, [_("The 0 lost in front of the phone number was put back.")])
    return Cleaned(text)


# Choices ------------------------------------------------------------------------------------------------------------


def choice_lookup(choices, aliases: dict[str, str] | None) -> dict[str, str]:
    """Folded ways of writing each value -> its code: the code, the labels in Vietnamese and English, the aliases."""
    from django.utils import translation

    table: dict[str, str] = {}
    for code, label in choices.choices:
        table[fold(code)] = code
        for language in ("vi", "en"):
            with translation.override(language):
                table[fold(str(label))] = code
    for alias, code in (aliases or {}).items():
        table[fold(alias)] = code
    return table


def clean_choice(value: object, lookup: dict[str, str], choices=None) -> Cleaned:
    folded = fold(as_text(value))
    if folded in lookup:
        return Cleaned(lookup[folded])
    # "Tự trở về (qua cửa khẩu)": the longest known phrase the cell holds as whole words.
    padded = f" {folded} "
    found = sorted((phrase for phrase in lookup if phrase and f" {phrase} " in padded), key=len, reverse=True)
    if found:
        return Cleaned(lookup[found[0]])
    names = [str(label) for label in choices.labels] if choices is not None else sorted(set(lookup.values()))
    raise CellError(_("This value is not one of the list; use one of: %(values)s.") % {"values": "; ".join(names)})


# Numbers ------------------------------------------------------------------------------------------------------------

_MONEY_WORDS = re.compile(r"(vnd|vnđ|dong|đồng|đ|d)\.?$", re.IGNORECASE)


def clean_amount(value: object) -> Cleaned:
    """A whole number of đồng, as offices type it: ``1500000``, ``1.500.000``, ``1,500,000 đ``, ``1.5 triệu``."""
    if isinstance(value, bool):
        raise CellError(_("Write an amount in đồng, such as 1.500.000."))
    if isinstance(value, int | float):
        if value < 0 or (isinstance(value, float) and not value.is_integer()):
            raise CellError(_("An amount is a whole, positive number of đồng."))
        return Cleaned(int(value))
    text = " ".join(str(value).split()).lower()
    millions = re.fullmatch(r"([0-9]+(?:[.,][0-9]+)?)\s*(trieu|triệu)", text)
    if millions:
        return Cleaned(round(float(millions.group(1).replace(",", ".")) * 1_000_000))
    text = _MONEY_WORDS.sub("", text).strip()
    digits = re.sub(r"[.,\s]", "", text)
    if not digits.isdigit() or not re.fullmatch(r"[0-9]{1,3}([.,\s]?[0-9]{3})*", text):
        raise CellError(_("Write an amount in đồng, such as 1.500.000."))
    return Cleaned(int(digits))


def clean_count(value: object) -> Cleaned:
    """A number of people or days: ``25``, ``25 người``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return Cleaned(value)
    found = re.fullmatch(r"([0-9][0-9.,]*)\s*[^\d]*", " ".join(str(value).split()))
    if not found or not re.sub(r"[.,]", "", found.group(1)).isdigit():
        raise CellError(_("Write a whole number, such as 25."))
    return Cleaned(int(re.sub(r"[.,]", "", found.group(1))))
