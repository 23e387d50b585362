"""Reading a team's own deadline from chat: "/add 15 december 2021 Verordening in de raad".

The date comes first, in Dutch or English, day before month (dateparser with
DATE_ORDER='DMY' and Dutch first). A numeric date that also reads the other way round
("3-4-2022": 3 April or 4 March?) is ambiguous: the bot asks before saving.
A trailing "bij WOORDEN" links the deadline to a catalogue obligation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dateparser

MAX_DATE_WORDS = 4
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?")


class NoDate(ValueError):
    """No date at the start of the text; the message is Dutch, for chat."""


@dataclass(frozen=True)
class OwnDeadlineText:
    options: tuple[date, ...]  # one date, or two when the order of day and month is unclear
    title: str
    link_words: str  # what followed "bij", to find the catalogue obligation it belongs to

    @property
    def ambiguous(self) -> bool:
        return len(self.options) > 1


def parse_date(words: str, now: datetime, zone: ZoneInfo) -> date | None:
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
        "REQUIRE_PARTS": ["day", "month"],
        "PREFER_DAY_OF_MONTH": "first",
    }
    parsed = dateparser.parse(words, languages=["nl", "en"], settings=settings)
    return parsed.date() if parsed is not None else None


def _swapped(words: str, found: date) -> date | None:
    """The other reading of a numeric date whose day and month could trade places."""
    match = _NUMERIC.fullmatch(words)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    if first == second or first > 12 or second > 12:
        return None
    try:
        return found.replace(month=found.day, day=found.month)
    except ValueError:
        return None


def read_own_deadline(text: str, now: datetime, zone: ZoneInfo) -> OwnDeadlineText:
    words = text.split()
    for count in range(min(MAX_DATE_WORDS, len(words) - 1), 0, -1):
        head = " ".join(words[:count])
        if not re.search(r"\d", head) and not re.search(r"(?i)morgen|vandaag|tomorrow", head):
            continue  # a date without any digit is a weekday or worse: too easy to misread
        found = parse_date(head, now, zone)
        if found is None:
            continue
        rest = " ".join(words[count:]).strip(" :-\u2013,")
        title, _, link = rest.rpartition(" bij ")
        if not title:
            title, link = rest, ""
        if not title:
            break
        other = _swapped(head, found)
        options = (found,) if other is None else (found, other)
        return OwnDeadlineText(options, title, link.strip())
    raise NoDate(
        "Begin met de datum, dan de omschrijving, bijvoorbeeld: "
        "/add 15 december 2021 Verordening opkoopbescherming in de raad bij opkoopbescherming"
    )
