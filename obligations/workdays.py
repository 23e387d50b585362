"""Working days in the Netherlands: when a reminder may go out.

A reminder that would fall on a Saturday, a Sunday or a Dutch public holiday moves to
the previous working day: a team that hears about a deadline early can act, a team that
hears about it after the weekend may be too late. The holidays are those of the
`holidays` package for country NL (so Goede Vrijdag counts, and Bevrijdingsdag only in
the lustrum years the package lists).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "NL"
LANGUAGE = "nl"


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[date, str]:
    """One year's public holidays by date, with their Dutch names (cached: planning asks often)."""
    found = holidays.country_holidays(COUNTRY, years=year, language=LANGUAGE)
    return {day: str(name) for day, name in found.items()}


def holiday_name(day: date) -> str | None:
    """The Dutch name of the public holiday on `day` ("Koningsdag"), or None."""
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the nearest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
