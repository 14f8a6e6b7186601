"""Charts as inline SVG, drawn on the server: no script, no build step, and they print as they look.

Only presentation attributes are used (``fill``, ``width``…), never ``style`` attributes, so the pages keep their
strict content security policy. Every chart has a title and a text alternative, and a number hidden by the
small-count rule is drawn as no bar with its "<11" label, never as its true length.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from trove.reports.report import Shown

BAR = "#0b5c57"
HIDDEN = "#c9ced6"
INK = "#1b1f24"


def _scale(items: list[tuple[str, Shown]]) -> int:
    return max([shown.value or 0 for _label, shown in items] + [1])


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(items: list[tuple[str, Shown]], *, title: str, label_width: int = 260, width: int = 640) -> SafeString:
    """Horizontal bars, one per item (a channel mix, say)."""
    row, gap = 22, 6
    height = len(items) * (row + gap) + gap
    top = _scale(items)
    room = width - label_width - 60
    bars = []
    for index, (label, shown) in enumerate(items):
        y = gap + index * (row + gap)
        length = 0 if shown.value is None else max(1 if shown.value else 0, round(room * shown.value / top))
        bars.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}"><title>{}</title>{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
            '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
            label_width - 6, y + 15, INK, label, _short(label),
            label_width, y, length, row, HIDDEN if shown.hidden else BAR,
            label_width + length + 6, y + 15, INK, shown.text,
        ))
    return _svg(title, width, height, mark_safe("".join(bars)))  # noqa: S308 - every part built by format_html


def column_chart(items: list[tuple[str, Shown]], *, title: str, width: int = 640, height: int = 220) -> SafeString:
    """Vertical columns, one per item in order (a trend by month)."""
    bottom, top_room = height - 34, 18
    count = max(len(items), 1)
    slot = (width - 20) / count
    column = max(4.0, slot * 0.7)
    top = _scale(items)
    parts = [format_html('<line x1="10" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>',
                         bottom, width - 10, bottom, INK)]
    for index, (label, shown) in enumerate(items):
        x = 10 + index * slot + (slot - column) / 2
        size = 0 if shown.value is None else round((bottom - top_room) * shown.value / top)
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
            f"{x:.1f}", bottom - size, f"{column:.1f}", size, HIDDEN if shown.hidden else BAR,
            f"{x + column / 2:.1f}", bottom - size - 4, INK, shown.text,
            f"{x + column / 2:.1f}", bottom + 16, INK, label,
        ))
    return _svg(title, width, height, mark_safe("".join(parts)))  # noqa: S308 - every part built by format_html


TARGET = "#b3261e"


def target_chart(rows, *, title: str, label_width: int = 300, width: int = 680) -> SafeString:
    """One bar per indicator against a mark at its target. ``rows`` have ``wording``, ``value`` (a Shown),
    ``number`` (the value drawn, None when hidden or not computed), ``target`` and ``scale`` (the bar's full length:
    100 for a share, else the larger of value and target), so shares and counts share one drawing."""
    row, gap = 22, 8
    height = max(len(rows), 1) * (row + gap) + gap
    room = width - label_width - 90
    parts = []
    for index, item in enumerate(rows):
        y = gap + index * (row + gap)
        scale = float(item.scale) or 1.0
        length = 0 if item.number is None else max(1 if item.number else 0, round(room * float(item.number) / scale))
        mark = label_width + round(room * min(float(item.target), scale) / scale)
        target_text = f"{item.target.normalize():f}{' %' if item.share else ''}"
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}"><title>{}</title>{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"><title>{}</title></line>'
            '<text x="{}" y="{}" font-size="12" fill="{}">{} / {}</text>',
            label_width - 6, y + 15, INK, item.wording, _short(item.wording, 46),
            label_width, y + 3, length, row - 6, HIDDEN if item.value.hidden else BAR,
            mark, y, mark, y + row, TARGET, target_text,
            label_width + room + 8, y + 15, INK, item.value.text, target_text,
        ))
    return _svg(title, width, height, mark_safe("".join(parts)))  # noqa: S308 - every part built by format_html


def _svg(title: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}"><title>{}</title>{}</svg>', width, height, title, title, body)


def description(items: list[tuple[str, Shown]]) -> SafeString:
    """The chart's numbers as a list, for screen readers and for print under the chart."""
    return format_html_join("; ", "{}: {}", ((label, shown.text) for label, shown in items))
