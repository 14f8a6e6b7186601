"""Money is a whole number of đồng (STYLE.md). Reading what an officer types and writing amounts back."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import get_language

# 1500000, or grouped by thousands the Vietnamese way (1.500.000) or the English way (1,500,000), or with spaces.
_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})*$")


def parse_vnd(text: str) -> int | None:
    """The amount in ``text`` as an integer, or None when it is not a whole, non-negative number of đồng.

    "1.5" and "12,50" are refused rather than guessed: in Vietnam "1.500" means one thousand five hundred."""
    text = (text or "").strip().removesuffix("₫").removesuffix("đ").removesuffix("VND").strip()
    if _PLAIN.match(text):
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    return None


def is_whole_dong(value: object) -> bool:
    """Whether ``value`` is a whole number of đồng as the actions accept it (an int, or an integral Decimal)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


def format_vnd(amount: int | None) -> str:
    """1500000 -> "1.500.000 ₫" in Vietnamese, "1,500,000 ₫" in English."""
    if amount is None:
        return ""
    separator = "," if (get_language() or "vi").startswith("en") else "."
    return f"{int(amount):,}".replace(",", separator) + " ₫"
