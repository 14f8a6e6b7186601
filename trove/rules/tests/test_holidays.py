import datetime

import pytest

from trove.rules.models import Holiday, HolidayKind, WorkdayOverride

pytestmark = pytest.mark.django_db
D = datetime.date

# The 10th day of the 3rd lunar month.
HUNG_KINGS = {2019: D(2019, 4, 14), 2020: D(2020, 4, 2), 2021: D(2021, 4, 21), 2022: D(2022, 4, 10),
              2023: D(2023, 4, 29), 2024: D(2024, 4, 18), 2025: D(2025, 4, 7), 2026: D(2026, 4, 26),
              2027: D(2027, 4, 16)}


def days_off(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True))


def weekdays(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    span = (first + datetime.timedelta(days=i) for i in range((last - first).days + 1))
    return {day for day in span if day.weekday() < 5}


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2020, 1, 23), D(2020, 1, 29)),
        (D(2024, 2, 8), D(2024, 2, 14)),
        (D(2025, 1, 25), D(2025, 2, 2)),
        (D(2026, 2, 14), D(2026, 2, 22)),
    ],
)
def test_every_weekday_of_the_official_tet_break_is_a_day_off(first, last):
    assert weekdays(first, last) <= days_off(first, last)
    # ... and the working days on either side are not.
    assert not days_off(first - datetime.timedelta(days=3), first - datetime.timedelta(days=1)) - {
        first - datetime.timedelta(days=1), first - datetime.timedelta(days=2)}
    assert Holiday.objects.filter(date__range=(first, last), kind=HolidayKind.TET).count() == 5


def test_tet_2027_ships_the_statutory_days_and_says_so():
    tet = Holiday.objects.filter(date__year=2027, kind=HolidayKind.TET).order_by("date")
    assert [day.date for day in tet] == [D(2027, 2, 5) + datetime.timedelta(days=i) for i in range(5)]
    assert all("statutory" in day.name_en for day in tet)


def test_each_year_has_its_fixed_holidays_and_hung_kings_day():
    for year in range(2019, 2028):
        dates = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
        assert {D(year, 1, 1), D(year, 4, 30), D(year, 5, 1), D(year, 9, 2), HUNG_KINGS[year]} <= dates, year


def test_national_day_has_two_days_from_2021():
    for year in (2021, 2022, 2023, 2024, 2025):
        national = Holiday.objects.filter(date__year=year, date__month=9, kind=HolidayKind.PUBLIC_HOLIDAY)
        assert national.count() == 2, year
    assert Holiday.objects.filter(date__year=2020, date__month=9).count() == 1


def test_holidays_cite_the_labour_code_in_force():
    assert all("10/2012/QH13" in c for c in Holiday.objects.filter(date__year=2020).values_list("citation", flat=True))
    assert all("45/2019/QH14" in c for c in Holiday.objects.filter(date__year=2026).values_list("citation", flat=True))


def test_compensatory_and_swapped_days_fall_on_weekdays_and_working_weekend_days_on_saturdays():
    assert all(
        day.weekday() < 5
        for day in Holiday.objects.filter(kind__in=[HolidayKind.COMPENSATORY, HolidayKind.SWAPPED])
        .values_list("date", flat=True)
    )
    assert all(day.weekday() == 5 for day in WorkdayOverride.objects.values_list("date", flat=True))
