"""Dates the Dutch way: "16 maart 2022", "eerste helft 2022 (verwacht)".

Babel knows the Dutch month names; the rest (quarters, halves, seasons) is ours
because no library names them in Dutch the way municipalities write them.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from obligations.precision import SEASON_START_MONTHS
from obligations.span import Span

LOCALE = "nl_NL"
_HALF_NAMES = {1: "eerste helft", 7: "tweede helft"}
_CERTAINTY_SUFFIX = {"vast": "", "verwacht": " (verwacht)", "onzeker": " (onzeker)"}


def day_label(day: date) -> str:
    return str(format_date(day, "d MMMM y", locale=LOCALE))


def month_label(day: date, with_year: bool = True) -> str:
    return str(format_date(day, "MMMM y" if with_year else "MMMM", locale=LOCALE))


def _unit_label(start: date, precision: str) -> str:
    if precision == "month":
        return month_label(start)
    if precision == "quarter":
        return f"{(start.month - 1) // 3 + 1}e kwartaal {start.year}"
    if precision == "half":
        return f"{_HALF_NAMES[start.month]} {start.year}"
    if precision == "season":
        name = SEASON_START_MONTHS[start.month]
        return (
            f"winter {start.year}-{start.year + 1}" if name == "winter" else f"{name} {start.year}"
        )
    if precision == "year":
        return str(start.year)
    return day_label(start)


def _single_unit(span: Span, precision: str) -> bool:
    """Whether the span is exactly one unit of its precision (one month, one year...)."""
    months = span.end.year * 12 + span.end.month - (span.start.year * 12 + span.start.month) + 1
    size = {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12}[precision]
    return months == size


def span_label(span: Span, precision: str = "day") -> str:
    """A span in words, never more exact than its precision allows."""
    if precision == "day":
        if span.is_day:
            return day_label(span.start)
        if span.start.year == span.end.year:
            start = format_date(span.start, "d MMMM", locale=LOCALE)
            return f"{start} t/m {day_label(span.end)}"
        return f"{day_label(span.start)} t/m {day_label(span.end)}"
    if _single_unit(span, precision):
        return _unit_label(span.start, precision)
    if precision == "month" and span.start.year == span.end.year:
        return f"{month_label(span.start, with_year=False)} t/m {month_label(span.end)}"
    if precision == "year":
        return f"{span.start.year} t/m {span.end.year}"
    end_start = _last_unit_start(span, precision)
    return f"{_unit_label(span.start, precision)} t/m {_unit_label(end_start, precision)}"


def _last_unit_start(span: Span, precision: str) -> date:
    size = {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12}[precision]
    index = span.end.year * 12 + span.end.month - 1 - (size - 1)
    return date(index // 12, index % 12 + 1, 1)


def when_label(span: Span, precision: str, certainty: str) -> str:
    """The date as a reader should see it, with its certainty."""
    return span_label(span, precision) + _CERTAINTY_SUFFIX[certainty]
