"""The Word draft of the period review (báo cáo sơ kết for part of a year, tổng kết for a year), with the figures
filled in, for the officer to complete (situation, assessment, next tasks) and sign.

Rendered with the documents app's ``render_bytes`` (docxtpl in Jinja's sandbox) from ``templates_docx/
period_review.docx``, which ``build_template.py`` builds in the layout of Decree 30/2020/NĐ-CP. In Vietnamese, as an
official document; numbers hidden by the small-count rule appear as "<11" or "×", as on the page.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from trove.documents.render import CONTENT_TYPE, render_bytes
from trove.people.models import RiskChannel
from trove.reports.figures import ABROAD, DOMESTIC, OTHER_CHANNELS
from trove.reports.officials import DOTS, Issuer
from trove.reports.periods import Period, PeriodKind
from trove.reports.places import Place, UnitsOption
from trove.reports.registry import SECTIONS, figures
from trove.reports.report import HIDDEN_OTHER, HIDDEN_SMALL, Report, cell_key, show
from trove.rules.models import IntakeChannel

TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "period_review.docx"
DOCX = CONTENT_TYPE
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
BUILT_IN_SECTIONS = ("received", "identification", "registries")


def period_phrase(period: Period) -> str:
    if period.kind == PeriodKind.YEAR:
        return f"năm {period.year}"
    if period.kind == PeriodKind.HALF:
        return f"6 tháng {'đầu' if period.number == 1 else 'cuối'} năm {period.year}"
    if period.kind == PeriodKind.QUARTER:
        return f"quý {ROMAN[period.number]} năm {period.year}"
    if period.kind == PeriodKind.MONTH:
        return f"tháng {period.number} năm {period.year}"
    return f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


def next_phrase(period: Period) -> str:
    if period.kind == PeriodKind.YEAR:
        return f"NĂM {period.year + 1}"
    return "KỲ TỚI"


def subject(period: Period) -> str:
    kind = "Tổng kết" if period.kind == PeriodKind.YEAR else "Sơ kết"
    return f"{kind} công tác phòng, chống mua bán người {period_phrase(period)}"


def context(report: Report, hidden: set, issuer: Issuer, place: Place) -> dict:
    def number(code: str, **filters) -> str:
        tally = report.total(code, **filters)
        if tally is None:
            return "—"
        return show(_cell(code, filters, tally), hidden).text

    figures_values = {
        "received": number("received"),
        "abroad": number("received", channel=ABROAD),
        "domestic": number("received", channel=DOMESTIC),
        "other": number("received", channel=OTHER_CHANNELS),
        "victims": number("identification.victim"),
        "not_victims": number("identification.not_victim"),
        "being_identified": number("identification.being_identified"),
        "suspected": number("suspected"),
        "missing": number("missing"),
    }
    for channel in IntakeChannel.values:
        figures_values[channel] = number("received", channel=(channel,))
    with translation.override("vi"):
        channels = "; ".join(f"{label.lower()}: {number('suspected', risk_channel=(value,))}"
                             for value, label in RiskChannel.choices)
        others = [f"{figure.label}: {number(figure.code)}" for section in SECTIONS if section not in BUILT_IN_SECTIONS
                  for figure in figures(section)]
    table = report.table("figures")
    rows = []
    for row in table.rows if table else []:
        shown = [show(table.cell(row.key, column.key), hidden).text for column in table.columns]
        rows.append({"label": ("    " * row.level) + row.label, "total": shown[0], "female": shown[1],
                     "male": shown[2], "other": shown[3], "under_16": shown[4], "age_16_17": shown[5],
                     "adult": shown[6], "age_unknown": shown[7]})
    notes = []
    if hidden:
        notes = [f"Ghi chú: “{HIDDEN_SMALL}”: từ 1 đến 10 người; “{HIDDEN_OTHER}”: số được ẩn để không thể suy ra "
                 "các ô nhỏ từ số tổng."]
    return {
        "issuing_parent": issuer.parent, "issuing_body": issuer.body, "issuing_body_name": issuer.body_name,
        "body_abbr": issuer.abbreviation, "number": DOTS, "place": issuer.place_name, "date_line": issuer.date_line,
        "subject": subject(report.period), "period_phrase": period_phrase(report.period),
        "next_phrase": next_phrase(report.period),
        "place_name": place.unit.full_name if place.unit is not None else "cả nước",
        "units_phrase": "theo đơn vị hành chính hiện nay" if place.option == UnitsOption.TODAY
        else "theo đơn vị hành chính tại thời điểm",
        "f": figures_values, "suspected_channels": channels, "other_lines": others, "rows": rows, "notes": notes,
        "dots": DOTS * 6, "recipients": ["Như trên;", "Lưu: VT."],
        "signer": {"position": "THỦ TRƯỞNG ĐƠN VỊ", "name": issuer.signer_name},
    }


def _cell(code: str, filters: dict, tally):
    from trove.reports.report import Cell

    return Cell(cell_key(code, filters), code, filters, tally)


def render(report: Report, hidden: set, issuer: Issuer, place: Place) -> bytes:
    with translation.override("vi"):
        return render_bytes(TEMPLATE.read_bytes(), context(report, hidden, issuer, place))
