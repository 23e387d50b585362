"""Periods asked for in chat: "wat moet er dit kwartaal?" -> 1 januari t/m 31 maart 2022.

Why a grammar of our own: dateparser reads points in time, not periods ("dit kwartaal",
"H2 2022", "voorjaar"), it guesses rather than refuses ("Q5 2022" still yields a date)
and importing it costs about half a second. A closed table of regex rules is fast,
predictable, and anything it does not understand fails loudly with a Dutch hint.
dateparser is therefore not used at all, not even for point dates: the day formats
we accept ("16 maart 2022", "16-3-2022", "2022-03-16", "maandag") are few and exact.

Conventions, i.e. the answers to "what did they mean?":

- Today is the date of `now` in Europe/Amsterdam; all ends are inclusive.
- A day, week, month, quarter, half or season named without a year is the first one
  that has not ended yet, today included ("maart" asked on 15 March is this March,
  asked in December it is next March). A range without years ("van 1 maart t/m
  15 april") is likewise the first occurrence that has not ended yet.
- Weeks are ISO 8601: Monday first, week 1 holds 4 January, so "week 53 2020" exists
  (2020-12-28 t/m 2021-01-03) and "week 53 2021" does not. Week labels use the ISO year.
- Seasons are meteorological (KNMI): voorjaar March-May, zomer June-August, najaar
  September-November, winter December-February, named by the year it starts in
  ("winter 2022" is December 2022 t/m February 2023).
- "komende N dagen/weken/maanden" is a rolling window of N units starting today,
  today included: "komende 30 dagen" on 16 March is 16 March t/m 14 April. Months
  end the day before the same day-of-month; when that day does not exist (31 January
  plus one month) the window ends on the last day of the target month. "binnen N ..."
  means the same; "afgelopen N dagen" is the N days ending today.
- "komende week/maand" without a number is the next calendar unit, like "volgende week".
- "voor/vóór X" and "tot X" exclude X: today up to the day before X starts. "t/m X",
  "tot en met X", "tot eind X" and "uiterlijk X" include X: today up to X's last day.
- "vanaf X" (and "per X") has no end: span.end is OPEN_END (9999-12-31) and
  open_end is True. "na X" starts the day after X ends.
- "maandag" is the first Monday from today (today included); "volgende maandag" is the
  first Monday after today; "volgende week maandag" is the Monday of next ISO week.
- A question must hold exactly one period. Two periods ("maart en april") or stray
  numbers next to the period raise PeriodNotUnderstood instead of being guessed at.
- Years must lie in 1900-2100.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from obligations.display import day_label, month_label, span_label
from obligations.precision import month_end, precision_problem
from obligations.span import Span

OPEN_END = date(9999, 12, 31)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MIN_YEAR, MAX_YEAR = 1900, 2100

EXAMPLES = (
    "wat moet er dit kwartaal?",
    "welke deadlines in maart 2022?",
    "wat komt er de komende 30 dagen aan?",
)
_DAY_EXAMPLES = ("16 maart 2022", "morgen", "volgende week dinsdag")
_WEEK_EXAMPLES = ("deze week", "week 11", "week 11 2022")
_QUARTER_EXAMPLES = ("dit kwartaal", "Q2 2022", "2e kwartaal 2022")
_HALF_EXAMPLES = ("eerste helft 2022", "H2 2022", "tweede helft van het jaar")
_RANGE_EXAMPLES = ("van 1 maart t/m 15 april", "voor 1 april", "vanaf 1 april")


@dataclass(frozen=True)
class AskedPeriod:
    """The period a user asked about, with a Dutch label to echo back.

    open_end is True for "vanaf ..." questions; span.end is then OPEN_END.
    """

    span: Span
    label: str
    open_end: bool = False
    # The question's other words (normalised), for topic or subject filters downstream.
    rest: str = ""


class PeriodNotUnderstood(ValueError):
    """A phrase we refuse to guess at; str() is a Dutch message fit for chat."""

    examples: tuple[str, ...]

    def __init__(self, message: str, examples: tuple[str, ...] = EXAMPLES) -> None:
        super().__init__(message)
        self.examples = examples


# --- vocabulary --------------------------------------------------------------------

_MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_MONTHS_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTHS: dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(_MONTHS_EN)},
    **{name: i + 1 for i, name in enumerate(_MONTHS_NL)},
    **_MONTH_ABBREVIATIONS,
}
_WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {
    **{name: i for i, name in enumerate(_WEEKDAYS_NL)},
    **{name: i for i, name in enumerate(_WEEKDAYS_EN)},
}
SEASONS = {
    "voorjaar": 3, "lente": 3, "spring": 3, "zomer": 6, "summer": 6,
    "najaar": 9, "herfst": 9, "autumn": 9, "winter": 12,
}  # fmt: skip
_RELATIVE_DAYS = {
    "vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2,
    "day after tomorrow": 2, "gisteren": -1, "yesterday": -1, "eergisteren": -2,
    "day before yesterday": -2,
}  # fmt: skip
_ORDINALS = {
    "eerste": 1, "first": 1, "tweede": 2, "second": 2,
    "derde": 3, "third": 3, "vierde": 4, "fourth": 4,
}  # fmt: skip
_NUMBERS = {
    "een": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4, "four": 4,
    "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8,
    "eight": 8, "negen": 9, "nine": 9, "tien": 10, "ten": 10, "elf": 11, "eleven": 11,
    "twaalf": 12, "twelve": 12,
}  # fmt: skip
# Rolling-window units: (days, months) per unit.
_WINDOW_UNITS = {
    "dag": (1, 0), "dagen": (1, 0), "day": (1, 0), "days": (1, 0),
    "week": (7, 0), "weken": (7, 0), "weeks": (7, 0),
    "maand": (0, 1), "maanden": (0, 1), "month": (0, 1), "months": (0, 1),
    "kwartaal": (0, 3), "kwartalen": (0, 3), "quarter": (0, 3), "quarters": (0, 3),
    "jaar": (0, 12), "jaren": (0, 12), "year": (0, 12), "years": (0, 12),
}  # fmt: skip
_WINDOW_WORDS = {  # Dutch (singular, plural) for the label
    (1, 0): ("dag", "dagen"), (7, 0): ("week", "weken"), (0, 1): ("maand", "maanden"),
    (0, 3): ("kwartaal", "kwartalen"), (0, 12): ("jaar", "jaar"),
}  # fmt: skip
_THIS = ("deze", "dit", "this", "current", "huidige")
_NEXT = (
    "volgende", "volgend", "komende", "komend", "aanstaande", "aankomende",
    "eerstvolgende", "next", "coming",
)  # fmt: skip
_PREV = ("vorige", "vorig", "afgelopen", "last", "previous", "past")
_OFFSETS = {**dict.fromkeys(_THIS, 0), **dict.fromkeys(_NEXT, 1), **dict.fromkeys(_PREV, -1)}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "overmorgen" beats "morgen"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_REL = _alt(_OFFSETS)
_MONTH_FULL = _alt({*_MONTHS_NL, *_MONTHS_EN} - {"may"})  # "may" is too common a word
_MONTH_ANY = _alt(MONTHS)
_MONTH_EN = _alt([*_MONTHS_EN, *_MONTH_ABBREVIATIONS])
_WEEKDAY = _alt(WEEKDAYS)
_SEASON = _alt(SEASONS)
_NUMBER = rf"\d{{1,3}}|{_alt(_NUMBERS)}"
_SUFFIX = r"(?:e|ste|de|st|nd|rd|th)?"  # 1e, 2de, 1ste, 1st, 2nd, 3rd, 4th
_ORDINAL = rf"(?:(?P<n>\d{{1,2}}){_SUFFIX}|(?P<word>{_alt(_ORDINALS)}))"
# An optional year after a month, quarter, half or season: "2022", "van het jaar", "volgend jaar".
_YEAR_Q = (
    rf"(?: (?:van |of |in )?(?:(?P<year>\d{{4}})|(?:het |the )?(?P<yrel>{_REL}) (?:jaar|year)"
    r"|(?P<yhet>het|the) (?:jaar|year)))?"
)


# --- spans -------------------------------------------------------------------------

_UNIT_MONTHS = {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12}
_UNIT_SHIFT = {"season": 1}  # seasons start a month before quarters do (in December)


def _unit_index(unit: str, day: date) -> int:
    """Which unit (counted from year 0) `day` falls in; makes "next"/"previous" a +1/-1."""
    months = day.year * 12 + day.month - 1 + _UNIT_SHIFT.get(unit, 0)
    return months // _UNIT_MONTHS[unit]


def _unit_span(unit: str, index: int) -> Span:
    first = index * _UNIT_MONTHS[unit] - _UNIT_SHIFT.get(unit, 0)
    last = first + _UNIT_MONTHS[unit] - 1
    return Span(date(first // 12, first % 12 + 1, 1), month_end(last // 12, last % 12 + 1))


def _unit_at(unit: str, year: int, start_month: int) -> Span:
    return _unit_span(unit, _unit_index(unit, date(year, start_month, 1)))


def _iso_week(year: int, week: int) -> Span:
    monday = date.fromisocalendar(year, week, 1)
    return Span(monday, monday + timedelta(days=6))


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _window_end(today: date, days: int, months: int) -> date:
    """Last day of a window of `days` + `months` that starts today (today included)."""
    if not months:
        return today + timedelta(days=days - 1)
    year, month = _add_months(today, months)
    last = calendar.monthrange(year, month)[1]
    if today.day > last:  # 31 January + 1 month: the whole of February
        return date(year, month, last)
    return date(year, month, today.day) - timedelta(days=1)


def _window_start(today: date, days: int, months: int) -> date:
    """First day of a window of `days` + `months` that ends today (today included)."""
    if not months:
        return today - timedelta(days=days - 1)
    year, month = _add_months(today, -months)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(today.day, last)) + timedelta(days=1)


# --- labels ------------------------------------------------------------------------


def _day_month(day: date) -> str:
    return f"{day.day} {month_label(day, with_year=False)}"


def _days_label(span: Span, with_year: bool = True) -> str:
    """ "16 maart 2022", "1 t/m 31 maart 2022", "1 maart t/m 15 april 2022"."""
    start, end = span.start, span.end
    if start.year != end.year:
        return f"{day_label(start)} t/m {day_label(end)}"
    tail = day_label(end) if with_year else _day_month(end)
    if span.is_day:
        return tail
    head = str(start.day) if start.month == end.month else _day_month(start)
    return f"{head} t/m {tail}"


def _week_label(span: Span) -> str:
    iso = span.start.isocalendar()
    return f"week {iso.week} {iso.year} ({_days_label(span, with_year=False)})"


def _unit_labeler(unit: str) -> Callable[[Span], str]:
    return lambda span: span_label(span, unit)


def _day_labeler(span: Span) -> str:
    return day_label(span.start)


# --- what a rule reads -------------------------------------------------------------

Fits = Callable[[Span], bool]
_SEARCH = 40  # occurrences to try; 29 februari on a given weekday can be decades apart


@dataclass(frozen=True)
class _Cycle:
    """A phrase that recurs because it named no year: "maart", "1 april", "dinsdag".

    `nth(i)` is the i-th occurrence (None where it does not exist, like 29 February
    in 2023); `index_of(day)` is the occurrence index near `day`.
    """

    nth: Callable[[int], Span | None]
    index_of: Callable[[date], int]

    def first(self, fits: Fits, near: date) -> Span:
        start = self.index_of(near) - 2
        return self._scan(fits, range(start, start + _SEARCH))

    def last(self, fits: Fits, near: date) -> Span:
        start = self.index_of(near) + 2
        return self._scan(fits, range(start, start - _SEARCH, -1))

    def _scan(self, fits: Fits, indexes: range) -> Span:
        for i in indexes:
            span = self.nth(i)
            if span is not None and fits(span):
                return span
        raise PeriodNotUnderstood("Die datum komt in de komende jaren niet voor.")


def _annual(make: Callable[[int], Span | None]) -> _Cycle:
    def nth(year: int) -> Span | None:
        return make(year) if MIN_YEAR <= year <= MAX_YEAR else None

    return _Cycle(nth, lambda day: day.year)


@dataclass(frozen=True)
class _Phrase:
    """What one rule read, before "now" picks which occurrence is meant."""

    label: Callable[[Span], str]
    precision: str = "day"
    fixed: Span | None = None
    cycle: _Cycle | None = None
    open_end: bool = False

    def resolve(self, fits: Fits, today: date) -> Span:
        if self.fixed is not None:
            return self.fixed
        assert self.cycle is not None
        return self.cycle.first(fits, today)


def _fixed(span: Span, label: str, open_end: bool = False) -> _Phrase:
    return _Phrase(lambda _span: label, fixed=span, open_end=open_end)


def _not_ended(today: date) -> Fits:
    return lambda span: span.end >= today


def _later_than(today: date) -> Fits:
    return lambda span: span.start > today


Match = re.Match[str]
Builder = Callable[[Match, date], _Phrase]


# --- validation --------------------------------------------------------------------


def _valid_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodNotUnderstood(
            f"Het jaar {year} valt buiten {MIN_YEAR}-{MAX_YEAR}; noem een jaar daartussen."
        )
    return year


def _explicit_year(m: Match, today: date) -> int | None:
    """The year a phrase names: "2022", "volgend jaar", "van het jaar"; None if none."""
    groups = m.groupdict()
    if groups.get("yrel"):
        return today.year + _OFFSETS[groups["yrel"]]
    if groups.get("yhet"):
        return today.year
    return _valid_year(groups.get("year"))


def _check_day(day: int, month: int, phrase: str) -> None:
    if not 1 <= month <= 12:
        raise PeriodNotUnderstood(
            f"'{phrase}': maand {month} bestaat niet (1 t/m 12).", _DAY_EXAMPLES
        )
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if not 1 <= day <= longest:
        raise PeriodNotUnderstood(
            f"'{phrase}' bestaat niet: {_MONTHS_NL[month - 1]} heeft hooguit {longest} dagen.",
            _DAY_EXAMPLES,
        )


def _ordinal(m: Match, highest: int, what: str, examples: tuple[str, ...]) -> int:
    groups = m.groupdict()
    number = int(groups["n"]) if groups["n"] else _ORDINALS[groups["word"]]
    if not 1 <= number <= highest:
        raise PeriodNotUnderstood(f"'{m[0]}' bestaat niet: een jaar heeft {what}.", examples)
    return number


# --- builders: one per kind of phrase ------------------------------------------------


def _point(day: int, month: int, year: int | None, weekday: int | None, phrase: str) -> _Phrase:
    """A calendar day; without a year it recurs, with a weekday it must agree."""
    _check_day(day, month, phrase)

    def make(y: int) -> Span | None:
        try:
            found = date(y, month, day)
        except ValueError:
            return None
        return Span.day(found) if weekday is None or found.weekday() == weekday else None

    if year is None:
        return _Phrase(_day_labeler, cycle=_annual(make))
    if month == 2 and day == 29 and not calendar.isleap(year):
        raise PeriodNotUnderstood(
            f"'{phrase}' bestaat niet: {year} is geen schrikkeljaar.", _DAY_EXAMPLES
        )
    span = make(year)
    if span is None:
        actual = _WEEKDAYS_NL[date(year, month, day).weekday()]
        wanted = _WEEKDAYS_NL[weekday or 0]
        raise PeriodNotUnderstood(
            f"{day_label(date(year, month, day))} is een {actual}, geen {wanted}.", _DAY_EXAMPLES
        )
    return _Phrase(_day_labeler, fixed=span)


def _b_iso_date(m: Match, today: date) -> _Phrase:
    return _point(int(m["d"]), int(m["m"]), _valid_year(m["year"]), None, m[0])


def _b_day_month(m: Match, today: date) -> _Phrase:
    weekday = WEEKDAYS[m["wd"]] if m["wd"] else None
    return _point(int(m["d"]), MONTHS[m["mon"]], _valid_year(m["year"]), weekday, m[0])


def _b_relative_day(m: Match, today: date) -> _Phrase:
    offset = _RELATIVE_DAYS[m[0].removeprefix("the ")]
    return _Phrase(_day_labeler, fixed=Span.day(today + timedelta(days=offset)))


def _b_weekday_in_week(m: Match, today: date) -> _Phrase:
    monday = _monday(today) + timedelta(weeks=_OFFSETS[m["rel"]])
    return _Phrase(_day_labeler, fixed=Span.day(monday + timedelta(days=WEEKDAYS[m["wd"]])))


def _weekday_cycle(weekday: int) -> _Cycle:
    # date.fromordinal(1) is a Monday, so week i holds ordinals 7i+1 .. 7i+7.
    def nth(week: int) -> Span:
        return Span.day(date.fromordinal(7 * week + 1 + weekday))

    return _Cycle(nth, lambda day: (day.toordinal() - 1) // 7)


def _b_weekday(m: Match, today: date) -> _Phrase:
    cycle = _weekday_cycle(WEEKDAYS[m["wd"]])
    offset = _OFFSETS[m["rel"]] if m["rel"] else 0
    if offset > 0:
        return _Phrase(_day_labeler, fixed=cycle.first(_later_than(today), today))
    if offset < 0:
        return _Phrase(_day_labeler, fixed=cycle.last(lambda s: s.start < today, today))
    return _Phrase(_day_labeler, cycle=cycle)


def _b_weekend(m: Match, today: date) -> _Phrase:
    saturday = _monday(today) + timedelta(weeks=_OFFSETS[m["rel"]], days=5)
    span = Span(saturday, saturday + timedelta(days=1))
    return _fixed(span, f"weekend {_days_label(span)}")


def _b_relative_week(m: Match, today: date) -> _Phrase:
    monday = _monday(today) + timedelta(weeks=_OFFSETS[m["rel"]])
    return _Phrase(_week_label, "week", fixed=Span(monday, monday + timedelta(days=6)))


def _b_week_number(m: Match, today: date) -> _Phrase:
    week, year = int(m["n"]), _explicit_year(m, today)
    if not 1 <= week <= 53:
        raise PeriodNotUnderstood(
            f"Week {week} bestaat niet: weken lopen van 1 t/m 52 of 53.", _WEEK_EXAMPLES
        )
    if year is None:

        def nth(y: int) -> Span | None:
            return _iso_week(y, week) if week <= _weeks_in(y) else None

        cycle = _Cycle(nth, lambda day: day.isocalendar().year)
        return _Phrase(_week_label, "week", cycle=cycle)
    if week > _weeks_in(year):
        raise PeriodNotUnderstood(
            f"{year} heeft geen week {week}: de laatste week is week {_weeks_in(year)}.",
            _WEEK_EXAMPLES,
        )
    return _Phrase(_week_label, "week", fixed=_iso_week(year, week))


def _relative(unit: str) -> Builder:
    """ "deze maand", "volgend kwartaal", "vorig jaar": the unit around today, shifted."""

    def build(m: Match, today: date) -> _Phrase:
        span = _unit_span(unit, _unit_index(unit, today) + _OFFSETS[m["rel"]])
        return _Phrase(_unit_labeler(unit), unit, fixed=span)

    return build


def _named(unit: str, start_month: int, m: Match, today: date) -> _Phrase:
    """A unit named by its start month; without a year it recurs every year."""
    year = _explicit_year(m, today)
    if year is not None:
        return _Phrase(_unit_labeler(unit), unit, fixed=_unit_at(unit, year, start_month))
    cycle = _annual(lambda y: _unit_at(unit, y, start_month))
    return _Phrase(_unit_labeler(unit), unit, cycle=cycle)


def _b_month(m: Match, today: date) -> _Phrase:
    return _named("month", MONTHS[m["mon"]], m, today)


def _b_quarter(m: Match, today: date) -> _Phrase:
    number = _ordinal(m, 4, "vier kwartalen", _QUARTER_EXAMPLES)
    return _named("quarter", 3 * number - 2, m, today)


def _b_half(m: Match, today: date) -> _Phrase:
    number = _ordinal(m, 2, "twee helften", _HALF_EXAMPLES)
    return _named("half", 6 * number - 5, m, today)


def _b_season(m: Match, today: date) -> _Phrase:
    return _named("season", SEASONS[m["season"]], m, today)


def _b_winter_years(m: Match, today: date) -> _Phrase:
    first, second = _valid_year(m["year"]), _valid_year(m["year2"])
    if first is None or second != first + 1:
        raise PeriodNotUnderstood(
            f"'{m[0]}': een winter loopt over twee opeenvolgende jaren, zoals winter 2022-2023."
        )
    return _named("season", 12, m, today)


def _b_year(m: Match, today: date) -> _Phrase:
    return _named("year", 1, m, today)


# --- compound phrases: windows, ranges and open ends ---------------------------------


def _b_window(m: Match, today: date) -> _Phrase:
    """ "komende 30 dagen", "binnen 3 maanden", "afgelopen 2 weken": rolling windows."""
    count = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
    if count < 1:
        raise PeriodNotUnderstood(f"'{m[0]}': noem minstens 1.")
    unit = _WINDOW_UNITS[m["unit"]]
    days, months = unit[0] * count, unit[1] * count
    backwards = m["dir"] == "laatste" or _OFFSETS.get(m["dir"] or "", 0) < 0
    if backwards:
        span, word = Span(_window_start(today, days, months), today), "afgelopen"
    else:
        span, word = Span(today, _window_end(today, days, months)), "komende"
    noun = _WINDOW_WORDS[unit][0 if count == 1 else 1]
    return _fixed(span, f"{word} {count} {noun} ({_days_label(span)})")


def _b_day_range(m: Match, today: date) -> _Phrase:
    """ "1 t/m 15 maart 2022", "1-15 maart": both days in one month."""
    end = _point(int(m["d2"]), MONTHS[m["mon"]], _valid_year(m["year"]), None, m[0])
    last = end.resolve(_not_ended(today), today).start
    _check_day(int(m["d1"]), last.month, m[0])
    start = date(last.year, last.month, int(m["d1"]))
    exclusive = m["conj"].strip() == "tot"
    return _range_phrase(start, last - timedelta(days=1) if exclusive else last, m[0])


def _range_phrase(start: date, end: date, phrase: str, precision: str = "day") -> _Phrase:
    if end < start:
        raise PeriodNotUnderstood(
            f"'{phrase}': het einde ligt vóór het begin; noem eerst het begin en dan het einde.",
            _RANGE_EXAMPLES,
        )
    span = Span(start, end)
    if precision in ("day", "week") or precision_problem(span, precision) is not None:
        return _fixed(span, _days_label(span))
    return _fixed(span, span_label(span, precision))


def _pair(a: _Phrase, b: _Phrase, today: date) -> tuple[Span, Span]:
    """Both ends of a range; a missing year comes from the other end, or from today."""

    def b_after(first: Span) -> Span:
        assert b.cycle is not None
        return b.cycle.first(lambda s: s.end >= first.start, first.start)

    if a.fixed is not None and b.fixed is not None:
        return a.fixed, b.fixed
    if a.fixed is not None:
        return a.fixed, b_after(a.fixed)
    assert a.cycle is not None
    if b.fixed is not None:
        end = b.fixed
        return a.cycle.last(lambda s: s.start <= end.end, end.end), end
    first = a.cycle.first(lambda s: b_after(s).end >= today, today)
    return first, b_after(first)


def _b_range(m: Match, today: date) -> _Phrase:
    a, b = _read(m["a"], today), _read(m["b"], today)
    first, second = _pair(a, b, today)
    exclusive = m["conj"] is not None and m["conj"].strip() == "tot"
    end = second.start - timedelta(days=1) if exclusive else second.end
    precision = a.precision if a.precision == b.precision else "day"
    return _range_phrase(first.start, end, m[0], precision)


def _until(end: date, phrase: str, today: date) -> _Phrase:
    if end < today:
        raise PeriodNotUnderstood(
            f"'{phrase}' ligt al achter ons (vandaag is {day_label(today)}); "
            "noem een jaar of een latere datum.",
            _RANGE_EXAMPLES,
        )
    return _fixed(Span(today, end), f"vandaag t/m {day_label(end)}")


def _b_before(m: Match, today: date) -> _Phrase:
    """ "voor 1 april", "tot juni": up to the day before it starts.

    Asked on 1 April itself, "voor 1 april" names today and leaves nothing, so it
    raises rather than jump a year ahead.
    """
    target = _read(m["x"], today).resolve(_not_ended(today), today)
    return _until(target.start - timedelta(days=1), m[0], today)


def _b_through(m: Match, today: date) -> _Phrase:
    """ "t/m 31 maart", "tot eind juni", "uiterlijk vrijdag": up to its last day."""
    target = _read(m["x"], today).resolve(_not_ended(today), today)
    return _until(target.end, m[0], today)


def _b_from(m: Match, today: date) -> _Phrase:
    """ "vanaf 1 april" (open end); "na 1 april" starts the day after."""
    target = _read(m["x"], today).resolve(_not_ended(today), today)
    after = m["word"] in ("na", "after")
    start = target.end + timedelta(days=1) if after else target.start
    return _fixed(Span(start, OPEN_END), f"vanaf {day_label(start)}", open_end=True)


def _b_from_now(m: Match, today: date) -> _Phrase:
    return _fixed(Span(today, OPEN_END), f"vanaf {day_label(today)}", open_end=True)


# --- the rule table ------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    build: Builder


def _rule(source: str, build: Builder) -> _Rule:
    # Whole words only; '-' and '/' count as word characters so "2022" is not read
    # out of "2022-03-16" and "3" not out of "16/3/2022".
    return _Rule(re.compile(rf"(?<![\w/-])(?:{source})(?![\w/-])"), build)


_SIMPLE_SOURCES: list[tuple[str, Builder]] = [
    # days
    (r"(?P<year>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})", _b_iso_date),
    (r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<year>\d{4})", _b_iso_date),
    (
        rf"(?:(?P<wd>{_WEEKDAY}) )?(?P<d>\d{{1,2}}){_SUFFIX}(?: of)? (?P<mon>{_MONTH_ANY})"
        r"(?: (?P<year>\d{4}))?",
        _b_day_month,
    ),
    (
        rf"(?:(?P<wd>{_WEEKDAY}) )?(?P<mon>{_MONTH_EN}) (?P<d>\d{{1,2}}){_SUFFIX}"
        r"(?: (?P<year>\d{4}))?",
        _b_day_month,
    ),
    (rf"(?:the )?(?:{_alt(_RELATIVE_DAYS)})", _b_relative_day),
    (rf"(?P<rel>{_REL}) week (?:op )?(?P<wd>{_WEEKDAY})", _b_weekday_in_week),
    (rf"(?P<wd>{_WEEKDAY}) (?:van |of )?(?P<rel>{_REL}) week", _b_weekday_in_week),
    (rf"(?:(?P<rel>{_REL}) )?(?P<wd>{_WEEKDAY})", _b_weekday),
    (rf"(?P<rel>{_REL}) (?:weekend|weekeinde)", _b_weekend),
    # weeks
    (rf"(?P<rel>{_REL}) week", _b_relative_week),
    (rf"(?:week|wk) (?P<n>\d{{1,2}}){_YEAR_Q}", _b_week_number),
    # months
    (rf"(?P<rel>{_REL}) (?:maand|month)", _relative("month")),
    (rf"(?P<mon>{_MONTH_FULL}){_YEAR_Q}", _b_month),
    (r"(?P<mon>may) (?P<year>\d{4})", _b_month),
    (r"(?<=\bin )(?P<mon>may)", _b_month),
    # quarters
    (rf"(?P<rel>{_REL}) (?:kwartaal|quarter)", _relative("quarter")),
    (rf"q(?P<n>\d){_YEAR_Q}", _b_quarter),
    (r"(?P<year>\d{4})[ -]?q(?P<n>\d)", _b_quarter),
    (rf"(?:het |the )?{_ORDINAL} (?:kwartaal|quarter){_YEAR_Q}", _b_quarter),
    (rf"kwartaal (?P<n>\d){_YEAR_Q}", _b_quarter),
    # halves
    (rf"(?P<rel>{_REL}) (?:halfjaar|half jaar|helft)", _relative("half")),
    (rf"(?:de |het |the )?{_ORDINAL} (?:helft|halfjaar|half jaar|half){_YEAR_Q}", _b_half),
    (rf"h(?P<n>\d){_YEAR_Q}", _b_half),
    (r"(?P<year>\d{4})[ -]?h(?P<n>\d)", _b_half),
    # seasons
    (r"(?P<season>winter) (?P<year>\d{4})[-/](?P<year2>\d{4})", _b_winter_years),
    (
        rf"(?:(?:deze|dit|komende|komend|aanstaande|this|de|het|the) )?"
        rf"(?P<season>{_SEASON}){_YEAR_Q}",
        _b_season,
    ),
    # years
    (rf"(?P<rel>{_REL}) (?:jaar|year)", _relative("year")),
    (r"(?:(?:het )?jaar |(?:the )?year )?(?P<year>\d{4})", _b_year),
]
_SIMPLE_RULES = [_rule(source, build) for source, build in _SIMPLE_SOURCES]

# Any simple phrase, as the end of a range or after "voor"/"vanaf"/"t/m".
_ENDPOINT = "|".join(re.sub(r"\(\?P<\w+>", "(?:", source) for source, _build in _SIMPLE_SOURCES)
_X = rf"(?:de |het |the )?(?P<x>{_ENDPOINT})"
_END_OF = r"(?:het |the )?(?:eind|einde|end) (?:van |of )?(?:de |het |the )?"
_WINDOW = rf"(?P<n>{_NUMBER}) (?P<unit>{_alt(_WINDOW_UNITS)})"
_CONJ = r" ?- ?| (?:t/m|tm|tot en met|tot|to|through|until|till) "

_COMPOUND_SOURCES: list[tuple[str, Builder]] = [
    (rf"(?:(?:de|the) )?(?P<dir>{_REL}|laatste) {_WINDOW}", _b_window),
    (rf"(?:binnen|within) (?:(?:de|the) )?(?:(?P<dir>{_alt(_NEXT)}) )?{_WINDOW}", _b_window),
    (
        rf"(?:(?:van|vanaf|tussen|from|between) )?(?P<d1>\d{{1,2}}){_SUFFIX}"
        rf"(?P<conj> ?- ?| (?:t/m|tm|tot en met|tot|en|and|to|through|until|till) )"
        rf"(?P<d2>\d{{1,2}}){_SUFFIX} (?P<mon>{_MONTH_ANY})(?: (?P<year>\d{{4}}))?",
        _b_day_range,
    ),
    (
        rf"(?:(?:van|vanaf|from) )?(?:de |het |the )?(?P<a>{_ENDPOINT})(?P<conj>{_CONJ})"
        rf"(?:de |het |the )?(?P<b>{_ENDPOINT})",
        _b_range,
    ),
    (
        rf"(?:tussen|between) (?:de |het |the )?(?P<a>{_ENDPOINT}) (?:en|and) "
        rf"(?:de |het |the )?(?P<b>{_ENDPOINT})(?P<conj>)",
        _b_range,
    ),
    (
        rf"(?:(?:tot|until|till|to|by|voor|before|uiterlijk|t/m|tot en met) {_END_OF}"
        rf"|(?:t/m|tm|tot en met|uiterlijk|until|till|through|by) ){_X}",
        _b_through,
    ),
    (rf"(?:voor|before|tot|totdat|eerder dan|prior to) {_X}", _b_before),
    (rf"(?P<word>vanaf|per|from|starting|met ingang van|na|after) {_X}", _b_from),
    (r"(?:vanaf|from) (?:nu|now)(?: on)?", _b_from_now),
]
_COMPOUND_RULES = [_rule(source, build) for source, build in _COMPOUND_SOURCES]
_RULES = _SIMPLE_RULES + _COMPOUND_RULES


# --- reading a whole question --------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, no accents ("vóór" is "voor"), no sentence punctuation, single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = plain.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    plain = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", plain)  # keep the dots of 16.3.2022
    plain = re.sub(r"[?!,;:()\"]", " ", plain)
    return " ".join(plain.split())


def _read(text: str, today: date) -> _Phrase:
    """One simple phrase that fills all of `text` (an end of a range, say)."""
    for rule in _SIMPLE_RULES:
        m = rule.pattern.fullmatch(text)
        if m:
            return rule.build(m, today)
    raise PeriodNotUnderstood(f"Ik begrijp '{text}' niet als datum of periode.")


def _hint(examples: tuple[str, ...]) -> str:
    return "Probeer bijvoorbeeld: " + ", ".join(f"'{e}'" for e in examples) + "."


def _find(clean: str, original: str) -> tuple[Match, _Rule]:
    """The one period in a question: the longest match, with nothing else beside it."""
    found = [(m, rule, i) for i, rule in enumerate(_RULES) for m in rule.pattern.finditer(clean)]
    if not found:
        raise PeriodNotUnderstood(f"Ik zie geen periode in '{original}'. {_hint(EXAMPLES)}")
    best, rule, _order = max(found, key=lambda f: (f[0].end() - f[0].start(), -f[2]))
    others = [m[0] for m, _r, _i in found if m.start() < best.start() or m.end() > best.end()]
    if others:
        raise PeriodNotUnderstood(
            f"Ik zie meer dan één periode ('{best[0]}' en '{others[0]}'). Noem er één, "
            "of een reeks zoals 'van 1 maart t/m 15 april'.",
            _RANGE_EXAMPLES,
        )
    rest = clean[: best.start()] + " " + clean[best.end() :]
    stray = re.search(r"\S*\d\S*", rest)
    if stray:
        raise PeriodNotUnderstood(
            f"Ik begrijp '{stray[0]}' niet naast '{best[0]}'. {_hint(EXAMPLES)}"
        )
    return best, rule


def _check_range(span: Span, open_end: bool) -> None:
    if span.start.year < MIN_YEAR or (not open_end and span.end.year > MAX_YEAR):
        raise PeriodNotUnderstood(f"Die periode valt buiten {MIN_YEAR}-{MAX_YEAR}.")


def parse_period(text: str, now: datetime, zone: ZoneInfo = AMSTERDAM) -> AskedPeriod:
    """The period in `text` ("dit kwartaal", "wat moet er vóór 1 april?") as seen at `now`.

    Raises PeriodNotUnderstood rather than guess; `now` must be timezone-aware.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(zone).date()
    clean = _normalise(text)
    if not clean:
        raise PeriodNotUnderstood(f"Je hebt geen periode genoemd. {_hint(EXAMPLES)}")
    match, rule = _find(clean, text.strip())
    phrase = rule.build(match, today)
    span = phrase.resolve(_not_ended(today), today)
    _check_range(span, phrase.open_end)
    rest = " ".join((clean[: match.start()] + " " + clean[match.end() :]).split())
    return AskedPeriod(span, phrase.label(span), phrase.open_end, rest)
