"""What each date precision means for the boundaries of a span.

Seasons follow the meteorological convention the KNMI uses: voorjaar is March to
May, zomer June to August, najaar September to November, winter December to
February (named by the year it starts in).
"""

from __future__ import annotations

import calendar
from datetime import date

from obligations.span import Span

SEASON_START_MONTHS = {3: "voorjaar", 6: "zomer", 9: "najaar", 12: "winter"}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def season_of(month: int) -> int:
    """The month in which the season containing `month` starts."""
    return 12 if month in (12, 1, 2) else month - (month % 3)


def _starts_unit(day: date, months: tuple[int, ...]) -> bool:
    return day.day == 1 and day.month in months


def _ends_unit(day: date, months: tuple[int, ...]) -> bool:
    return day.month in months and day == month_end(day.year, day.month)


_UNITS: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {
    # precision: (months a unit starts in, months a unit ends in, Dutch description)
    "month": (tuple(range(1, 13)), tuple(range(1, 13)), "een hele maand"),
    "quarter": ((1, 4, 7, 10), (3, 6, 9, 12), "een heel kwartaal"),
    "half": ((1, 7), (6, 12), "een heel halfjaar"),
    "season": ((3, 6, 9, 12), (2, 5, 8, 11), "een heel seizoen"),
    "year": ((1,), (12,), "een heel jaar"),
}


def precision_problem(span: Span, precision: str) -> str | None:
    """Why `span` cannot have `precision`, or None when it fits.

    A span may cover several whole units ("2023 tot en met 2025" is precision year),
    but it must start and end on unit boundaries.
    """
    if precision == "day":
        return None
    starts, ends, description = _UNITS[precision]
    if not _starts_unit(span.start, starts) or not _ends_unit(span.end, ends):
        return (
            f"precisie '{precision}' vraagt {description}: begin en einde "
            f"({span.start.isoformat()} t/m {span.end.isoformat()}) liggen niet op de grenzen"
        )
    return None
