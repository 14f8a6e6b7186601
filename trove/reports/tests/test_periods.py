import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from trove.reports.periods import PeriodKind, make_period, parse_period


@pytest.mark.parametrize(("key", "start", "end"), [
    ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ("2026-H1", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
    ("2026-H2", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
    ("2026-Q1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    ("2026-01-05..2026-02-10", datetime.date(2026, 1, 5), datetime.date(2026, 2, 10)),
])
def test_it_reads_every_kind_of_period_and_writes_the_same_key(key, start, end):
    period = parse_period(key)
    assert (period.start, period.end) == (start, end)
    assert period.key == key


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        make_period(PeriodKind.DATES, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 1, 1))
    assert "ends (01/01/2026) before it starts (01/05/2026)" in raised.value.message_dict["end"][0]
    with pytest.raises(ValidationError):
        parse_period("2026-05-01..2026-01-01")


@pytest.mark.parametrize("key", ["2026-Q5", "26", "2026-13", "next year", "2026-01-01..soon", "1890"])
def test_it_refuses_what_is_not_a_period(key):
    with pytest.raises(ValidationError):
        parse_period(key)


def test_labels_and_months():
    with translation.override("en"):
        assert parse_period("2026-Q3").label() == "Quarter III/2026"
        assert parse_period("2026-H1").label() == "First six months of 2026"
    assert parse_period("2026-Q3").months() == [(2026, 7), (2026, 8), (2026, 9)]
    assert len(parse_period("2025-11-15..2026-02-01").months()) == 4
