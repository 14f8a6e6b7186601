import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from trove.rules.models import NoRegimeInForce, Regime
from trove.rules.selectors import regime_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (datetime.date(2012, 1, 1), "A"),
        (datetime.date(2019, 5, 14), "A"),
        (datetime.date(2025, 6, 30), "A"),
        (datetime.date(2025, 7, 1), "B"),
        (datetime.date(2026, 1, 1), "B"),
    ],
)
def test_it_picks_the_regime_in_force_on_the_day(day, code):
    assert regime_for(day).code == code
    assert Regime.objects.in_force(day).code == code


def test_it_takes_a_moment_on_its_day_in_vietnam():
    # 2025-06-30 17:30 UTC is already 2025-07-01 00:30 in Vietnam: regime B.
    moment = datetime.datetime(2025, 6, 30, 17, 30, tzinfo=datetime.UTC)
    assert regime_for(moment).code == "B"
    with pytest.raises(ValueError, match="aware"):
        regime_for(datetime.datetime(2025, 7, 1, 9, 0))  # noqa: DTZ001


def test_it_explains_that_no_regime_covers_a_day_before_2012():
    with override("en"), pytest.raises(NoRegimeInForce) as error:
        regime_for(datetime.date(2011, 12, 31))
    message = str(error.value)
    assert "2011-12-31" in message and "2012-01-01" in message
    with override("vi"), pytest.raises(NoRegimeInForce, match="Không có"):
        regime_for(datetime.date(2005, 1, 1))


def test_it_refuses_to_guess_when_regimes_overlap():
    Regime.objects.filter(code="A").update(valid_to=datetime.date(2025, 7, 31))
    with override("en"), pytest.raises(NoRegimeInForce, match="More than one"):
        regime_for(datetime.date(2025, 7, 15))


def test_it_refuses_overlapping_dates_in_the_admin_form():
    regime = Regime.objects.get(code="B")
    regime.valid_from = datetime.date(2025, 6, 1)
    with pytest.raises(ValidationError):
        regime.full_clean()


def test_each_regime_lists_its_legal_texts():
    a = Regime.objects.get(code="A")
    b = Regime.objects.get(code="B")
    assert (a.valid_from, a.valid_to) == (datetime.date(2012, 1, 1), datetime.date(2025, 6, 30))
    assert (b.valid_from, b.valid_to) == (datetime.date(2025, 7, 1), None)
    assert {"66/2011/QH12", "62/2012/NĐ-CP", "01/2014/TTLT-BCA-BQP-BLĐTBXH-BNG"} <= set(
        a.legal_texts.values_list("code", flat=True)
    )
    assert set(b.legal_texts.values_list("code", flat=True)) == {"53/2024/QH15", "86/2025/QH15", "162/2025/NĐ-CP"}


def test_today_has_a_regime():
    assert regime_for(timezone.localdate()).code == "B"
