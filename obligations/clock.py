"""The one source of "now". Everything that needs the time gets a Clock passed in.

`OBLIGATIONS_NOW` starts the clock at a chosen moment and lets it run on from
there, so a demo or a black-box test can live in March 2022 with real seconds.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()


class ShiftedClock:
    """Starts at `start` and runs on with the real monotonic clock."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


class FixedClock:
    """A clock that moves only when told to; for tests."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._moment = moment

    def now(self) -> datetime:
        return self._moment

    def set(self, moment: datetime) -> None:
        self._moment = moment

    def advance(self, delta: timedelta) -> None:
        self._moment += delta


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """An ISO date (midnight local time) or datetime (local unless it names an offset)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(
            f"'{text}' is geen datum of tijdstip; gebruik JJJJ-MM-DD of JJJJ-MM-DDTUU:MM"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def clock_from_setting(now: str | None, zone: ZoneInfo) -> Clock:
    return ShiftedClock(parse_moment(now, zone)) if now else SystemClock()


def local_today(clock: Clock, zone: ZoneInfo) -> date:
    return clock.now().astimezone(zone).date()
