"""Types shared by the resources: bounded input values, references to agencies and units, the error body, pages.

Every input is bounded here, before it reaches an action: text has a length and no NUL character or lone surrogate
(PostgreSQL refuses both), numbers and dates have ranges the database and the calendar can hold. What breaks these
bounds is malformed (400); what the rules refuse is the actions' business (422).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_ID = 2**63 - 1


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("Text cannot contain the NUL character."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Text must be valid Unicode.")) from None
    return value


def Text(max_length: int = 200) -> type[str]:  # noqa: N802 - used like a type: Text(60)
    return Annotated[str, Field(max_length=max_length), AfterValidator(_clean_text)]


def Choice(choices, description: str = "") -> type[str]:  # noqa: N802
    """A code from a code list, declared as an enumeration in the document."""
    values = tuple(str(value) for value in getattr(choices, "values", choices))
    return Annotated[Literal[values], Field(description=description or None)]


def _aware(value: datetime.datetime) -> datetime.datetime:
    if not (FIRST_DAY <= value.date() <= LAST_DAY):
        raise ValueError(_("The date must lie between 1900 and 2100."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # a time without an offset is Vietnam's time
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Moment = Annotated[datetime.datetime, AfterValidator(_aware),
                   Field(description="ISO 8601; without an offset it is read as Vietnam's time (UTC+7).")]
UnitKey = Annotated[str, Field(max_length=20, pattern=r"^(legacy|2025):\d{1,8}$", examples=["2025:29926"],
                               description="An administrative unit: its set and code, e.g. 2025:29926.")]
CountryCode = Annotated[str, BeforeValidator(lambda value: value.upper() if isinstance(value, str) else value),
                        Field(pattern=r"^[A-Z]{2}$", examples=["KH"], description="ISO 3166-1 alpha-2 code.")]
CaseCode = Annotated[str, Field(min_length=1, max_length=24, examples=["DT-2026-00001"],
                                description="The case code, e.g. DT-2026-00001."), AfterValidator(_clean_text)]
Page = Annotated[int, Field(ge=1, le=100_000, description="Page number, from 1.")]
PageSize = Annotated[int, Field(ge=1, le=100, description="Rows per page, at most 100.")]


class Error(Schema):
    error: str = Field(description="What went wrong and what to do, in the caller's language.")
    fields: dict[str, list[str]] = Field(description="Messages by field, for a refused or malformed request.")


class AgencyRef(Schema):
    id: int
    name: str


class UnitRef(Schema):
    key: str = Field(examples=["2025:29926"])
    name: str


class Listing(Schema):
    """The frame of every list: the rows of one page and the links to the pages around it."""

    page: int
    next: str | None = Field(description="The path of the next page, or null on the last page.")
    previous: str | None


def agency_ref(agency) -> dict | None:
    return None if agency is None else {"id": agency.pk, "name": agency.name}


def unit_ref(unit) -> dict | None:
    return None if unit is None else {"key": unit.key, "name": unit.name}
