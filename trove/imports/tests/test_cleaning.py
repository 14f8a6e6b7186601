"""The cell parsers read the mess of legacy lists, and refuse what cannot be read with a message."""

import datetime

import pytest
from django.utils import translation

from trove.imports import cleaning
from trove.imports.cleaning import CellError, FuzzyDate


@pytest.mark.parametrize(("value", "expected"), [
    ("12/05/1998", FuzzyDate(datetime.date(1998, 5, 12))),
    ("12-5-1998", FuzzyDate(datetime.date(1998, 5, 12))),
    ("12.05.98", FuzzyDate(datetime.date(1998, 5, 12))),
    (" 1998-05-12 00:00:00", FuzzyDate(datetime.date(1998, 5, 12))),
    (35927, FuzzyDate(datetime.date(1998, 5, 12))),  # an Excel serial number
    ("35927", FuzzyDate(datetime.date(1998, 5, 12))),
    (1998, FuzzyDate(datetime.date(1998, 1, 1), "year")),
    ("1998", FuzzyDate(datetime.date(1998, 1, 1), "year")),
    ("năm 1998", FuzzyDate(datetime.date(1998, 1, 1), "year")),
    ("NAM 1998", FuzzyDate(datetime.date(1998, 1, 1), "year")),
    ("05/1998", FuzzyDate(datetime.date(1998, 5, 1), "month")),
    ("tháng 5 năm 1998", FuzzyDate(datetime.date(1998, 5, 1), "month")),
    ("ngày 12 tháng 5 năm 1998", FuzzyDate(datetime.date(1998, 5, 12))),
    (datetime.datetime(1998, 5, 12, 0, 0), FuzzyDate(datetime.date(1998, 5, 12))),
])
def test_dates_in_every_usual_form(value, expected):
    assert cleaning.clean_date(value).value == expected


def test_a_date_that_only_reads_month_first_says_so():
    cleaned = cleaning.clean_date("05/25/1998")
    assert cleaned.value == FuzzyDate(datetime.date(1998, 5, 25))
    with translation.override("en"):
        assert "month/day/year" in cleaning.clean_date("05/25/1998").remarks[0]


@pytest.mark.parametrize("value", ["32/13/1998", "abc", "12/5", 5, "7.9e+11"])
def test_unreadable_dates_are_refused_with_a_message(value):
    with translation.override("en"), pytest.raises(CellError, match="dd/mm/yyyy"):
        cleaning.clean_date(value)


def test_an_unknown_date_is_left_empty_with_a_remark():
    cleaned = cleaning.clean_date("không rõ")
    assert cleaned.value is None and cleaned.remarks


@pytest.mark.parametrize(("value", "sex"), [
    ("Nam", "male"), ("nam", "male"), ("M", "male"), ("1", "male"), (1, "male"), ("Male", "male"),
    ("Nữ", "female"), ("nu", "female"), ("F", "female"), ("0", "female"), (0, "female"), ("NỮ", "female"),
])
def test_sex_as_offices_write_it(value, sex):
    assert cleaning.clean_sex(value).value == sex


def test_an_unknown_sex_is_recorded_as_unknown_with_a_remark():
    cleaned = cleaning.clean_sex("?")
    assert cleaned.value == "unknown" and cleaned.remarks


def test_names_in_capitals_get_capitals_at_word_starts_only():
    assert cleaning.clean_name("NGUYEN THI  HOA").value == "Nguyen Thi Hoa"
    assert cleaning.clean_name("GIÀNG THỊ MỶ").value == "Giàng Thị Mỷ"
    assert cleaning.clean_name("Lê thị Lan").value == "Lê thị Lan"  # typed by hand: left as it is


def test_id_numbers_get_back_the_zeros_a_number_cell_lost():
    assert cleaning.clean_citizen_id(79123456789).value == "079123456789"
    assert cleaning.clean_citizen_id(1095001234).value == "001095001234"
    assert cleaning.clean_citizen_id(79123456789.0).value == "079123456789"
    assert cleaning.clean_citizen_id("079 123 456 789").value == "079123456789"
    assert cleaning.clean_citizen_id(79123456789).remarks
    assert cleaning.clean_old_id(12345678).value == "012345678"
    assert cleaning.clean_old_id("012345678").remarks == []


def test_a_mixed_id_column_is_told_apart_by_length_and_letters():
    assert cleaning.clean_id_number(79123456789).value == {"citizen_id": "079123456789"}
    assert cleaning.clean_id_number("12345678").value == {"old_id": "012345678"}
    assert cleaning.clean_id_number("c1234567").value == {"passport": "C1234567"}
    with translation.override("en"), pytest.raises(CellError, match="12 digits"):
        cleaning.clean_id_number(12345)


def test_an_id_number_in_scientific_notation_is_refused():
    with translation.override("en"), pytest.raises(CellError, match="scientific notation"):
        cleaning.clean_citizen_id("7.91235E+11")
    with pytest.raises(CellError):
        cleaning.clean_citizen_id(7.91234567891e15)


def test_a_phone_gets_back_its_zero():
    assert cleaning.clean_phone(912345678).value == "0912345678"
    assert cleaning.clean_phone("0912 345 678").value == "0912345678"


def test_choices_by_code_label_alias_or_a_phrase_inside():
    from trove.imports.import_kinds import CHANNEL_ALIASES, RISK_ALIASES
    from trove.people.models import RiskChannel
    from trove.rules.models import IntakeChannel

    channels = cleaning.choice_lookup(IntakeChannel, CHANNEL_ALIASES)
    assert cleaning.clean_choice("Tự trở về", channels).value == "returned_self"
    assert cleaning.clean_choice("TU TRO VE", channels).value == "returned_self"
    assert cleaning.clean_choice("Được giải cứu tại Lạng Sơn", channels).value == "rescued_domestic"
    assert cleaning.clean_choice("hotline", channels).value == "hotline"
    risks = cleaning.choice_lookup(RiskChannel, RISK_ALIASES)
    assert cleaning.clean_choice("XKLĐ", risks).value == "labour_export"
    with translation.override("en"), pytest.raises(CellError, match="not one of the list"):
        cleaning.clean_choice("đi chợ", risks)
