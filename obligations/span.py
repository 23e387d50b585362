"""A closed range of calendar days: the one shape every date in the product takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Span:
    """Inclusive [start, end] in days; an exact day has start == end."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"span ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, day: date) -> Span:
        return cls(day, day)

    @property
    def is_day(self) -> bool:
        return self.start == self.end

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end
