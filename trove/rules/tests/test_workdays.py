import datetime

import pytest

from trove.rules.models import Holiday, LimitKind, ProcedureStep, Regime, WorkdayOverride
from trove.rules.selectors import steps_for
from trove.rules.workdays import add_calendar_days, add_working_days, deadline_for, is_working_day

pytestmark = pytest.mark.django_db
D = datetime.date


def test_three_working_days_from_the_friday_before_tet_2026_land_after_the_break():
    # Friday 13 Feb 2026; the break runs 14-22 Feb (Tết days 16-20, with the weekends).
    assert add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_working_days_skip_30_april_1_may_and_the_weekend():
    # 2026: Thursday 30 April and Friday 1 May, then the weekend.
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # 2026: Hùng Kings' day falls on Sunday 26 April, so Monday 27 April is a compensatory day off.
    assert add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)


def test_a_swapped_saturday_is_a_working_day_and_the_swapped_friday_is_not():
    # 2025: Friday 2 May off, made up on Saturday 26 April.
    assert is_working_day(D(2025, 4, 26))
    assert not is_working_day(D(2025, 5, 2))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_the_day_of_the_event_does_not_count():
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday -> Tuesday
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # Saturday -> Monday
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_calendar_days(D(2026, 2, 13), 3) == D(2026, 2, 16)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_it_reads_the_calendar_once_per_count(django_assert_num_queries):
    # Twenty working days in January, fifteen in February (16-20 Feb is Tết), twenty-two in March, then 1-3 April.
    with django_assert_num_queries(1):
        assert add_working_days(D(2026, 1, 2), 60) == D(2026, 4, 3)


def test_a_long_count_reads_further_when_it_runs_past_the_first_span():
    start = D(2030, 1, 1)
    Holiday.objects.bulk_create(
        Holiday(date=start + datetime.timedelta(days=i), name_vi="Thử", kind="public_holiday") for i in range(1, 60)
    )
    # Days off from 2 January to Friday 1 March 2030: the next working day is Monday 4 March.
    assert add_working_days(start, 1) == D(2030, 3, 4)


def test_a_holiday_an_administrator_adds_counts_at_once():
    assert add_working_days(D(2026, 9, 1), 1) == D(2026, 9, 3)
    Holiday.objects.create(date=D(2026, 9, 3), name_vi="Quốc khánh", kind="public_holiday")
    assert add_working_days(D(2026, 9, 1), 1) == D(2026, 9, 4)
    assert add_working_days(D(2026, 9, 3), 2) == D(2026, 9, 7)
    WorkdayOverride.objects.create(date=D(2026, 9, 5), name_vi="Làm bù")
    assert add_working_days(D(2026, 9, 3), 2) == D(2026, 9, 5)


def test_deadline_for_a_step():
    regime = Regime.objects.get(code="B")
    first_check = steps_for(regime, "self_reported").get(code="first_check")
    notified = datetime.datetime(2026, 2, 13, 16, 0, tzinfo=datetime.UTC)  # 23:00 Friday 13 Feb in Vietnam
    assert deadline_for(first_check, notified) == D(2026, 2, 16)  # calendar days: Tết does not stop it
    late = datetime.datetime(2026, 2, 13, 17, 30, tzinfo=datetime.UTC)  # 00:30 Saturday 14 Feb in Vietnam
    assert deadline_for(first_check, late) == D(2026, 2, 17)
    first_check.limit_kind = LimitKind.WORKING
    assert deadline_for(first_check, notified) == D(2026, 2, 25)
    at_once = steps_for(regime, "self_reported").get(code="receive_and_bring")
    assert deadline_for(at_once, D(2026, 2, 17)) == D(2026, 2, 17)
    with pytest.raises(ValueError, match="aware"):
        deadline_for(first_check, datetime.datetime(2026, 2, 13, 9, 0))  # noqa: DTZ001


def test_an_unset_limit_has_no_deadline():
    step = ProcedureStep.objects.filter(limit_days__isnull=True).first()
    assert deadline_for(step, D(2026, 3, 2)) is None
