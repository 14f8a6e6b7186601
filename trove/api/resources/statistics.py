"""The periodic statistics (``trove.reports``): the tables of the statistics page for a period and a place, with the
same choices (``kind``, ``year``, ``number``, ``start``, ``end``, ``place``, ``units``), the same refusals for a bad
period or place (422, the form's messages by field), the same access (403 without ``report.view_aggregate``, 404 for a
place outside the caller's scope) and the same suppression of small counts for callers who do not see exact
statistics (``"<11"``, or ``"×"`` for a cell hidden so that it cannot be worked out). No identity: counts only."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from trove.api.errors import ERRORS
from trove.api.schemas import Choice, Day, Error, Text
from trove.reports import access
from trove.reports.forms import ReportForm
from trove.reports.periods import PeriodKind
from trove.reports.places import UnitsOption
from trove.reports.presenting import present
from trove.reports.report import build_report

router = Router(tags=["statistics"])
KIND = Query(None, description="month, quarter, half, year or dates; year by default.")
YEAR = Query(None, ge=1900, le=2100, description="The year; this year by default.")
NUMBER = Query(None, ge=1, le=99, description="1–12 for a month, 1–4 for a quarter, 1–2 for a half.")
DATES = Query(None, description="With kind=dates.")
PLACE = Query(None, description="A commune or province (name or key such as 2025:82), or \"country\"; the caller's "
                                "scope by default.")
UNITS = Query(None, description="Count under today's units or the units of the time.")


class ColumnOut(Schema):
    key: str
    label: str
    group: str


class CellOut(Schema):
    column: str
    text: str = Field(description="What the page shows: the number, \"<11\" or \"×\" when hidden, \"—\" when the "
                                  "figure has no such breakdown.")
    value: int | None = Field(description="The number; null when hidden or not applicable.")
    hidden: bool


class RowOut(Schema):
    key: str
    label: str
    level: int
    cells: list[CellOut]


class TableOut(Schema):
    key: str
    title: str
    note: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class StatisticsOut(Schema):
    period: dict[str, str] = Field(description="The period and place chosen, as query parameters that choose them "
                                               "again.")
    start: datetime.date
    end: datetime.date
    place: str = Field(description="The place's name, or the whole country.")
    exact: bool = Field(description="False: small counts are hidden, as on the statistics page.")
    tables: list[TableOut]


@router.get("/statistics", response={200: StatisticsOut, ERRORS: Error},
            summary="The periodic statistics of a place, as the statistics page shows them")
def statistics(
    request,
    response: HttpResponse,
    kind: Choice(PeriodKind) | None = KIND,
    year: int | None = YEAR,
    number: int | None = NUMBER,
    start: Day | None = DATES,
    end: Day | None = DATES,
    place: Text(100) | None = PLACE,
    units: Choice(UnitsOption) | None = UNITS,
):
    access.require_statistics(request.user)
    given = {name: value for name, value in (("kind", kind), ("year", year), ("number", number), ("start", start),
                                             ("end", end), ("place", place), ("units", units)) if value is not None}
    if given:  # the form's own defaults for what is left out, as its page offers them
        given = {"kind": PeriodKind.YEAR, "units": UnitsOption.TODAY, **given}
    form = ReportForm({name: str(value) for name, value in given.items()} if given else None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    period, chosen_place = form.resolved()
    viewer = access.viewer_for(request.user, chosen_place)
    tables = present(build_report(period, chosen_place), viewer)
    response["Cache-Control"] = "private, no-store"
    return {
        "period": ReportForm.params(period, chosen_place), "start": period.start, "end": period.end,
        "place": str(chosen_place.label()), "exact": viewer.exact,
        "tables": [{
            "key": table.key, "title": str(table.title), "note": str(table.note or ""),
            "columns": [{"key": c.key, "label": str(c.label), "group": str(c.group or "")} for c in table.columns],
            "rows": [{"key": row.key, "label": str(row.label), "level": row.level, "cells": [
                {"column": column.key, "text": shown.text, "value": shown.value, "hidden": shown.hidden}
                for column, shown in zip(table.columns, row.cells, strict=True)]} for row in table.rows],
        } for table in tables],
    }
