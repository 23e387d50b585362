"""Dutch date expressions in circular prose, read as periods with a precision.

Why not dateparser's `search_dates`: with English among its languages it reads
"46,5" or "3,5%" as dates, and it knows points, not periods ("eerste helft van
2022", "dit najaar"). Why not `obligations.periods.parse_period`: it reads one
question that must hold exactly one period, asked today; a circular sentence holds
several, written on another day, in other phrases ("in 2022", "per 2024", "elk
jaar in oktober", "de meicirculaire 2022"). Its vocabulary is shared, the grammar
here is a closed table of patterns like it, so anything else is simply not a date.

Conventions (the same the hand-made catalogue follows):

- Relative phrases are read against the day the circular was written (`written`):
  "dit jaar", "eind dit jaar" (December, precision month), "dit najaar", "komend
  voorjaar" (the next one to start), "het derde kwartaal" (of that year), "per
  1 oktober" and "1 oktober a.s." (the next one), "april jongstleden" (the last one).
- "in/voor/vanaf/per/met ingang van/tot (en met) 2024" is the year 2024: the
  catalogue records the year a thing starts or ends, not an open range.
- "uiterlijk vóór 1 januari 2024" is a deadline on 31 December 2023.
- "2023, 2024 en 2025", "2021-2024", "van 2021 tot en met 2025" are one span of years.
- "begin 2022" is the first quarter, "eind 2021" December, "medio 2022" June-July.
- "de meicirculaire 2022" is May 2022; without a year, the circular of `written`'s year.
- "elk jaar in oktober" is the first October from `written` on, recurring yearly.
- A single year right after a name ("Verkiezingsagenda 2030", "Archiefwet 1995") is
  part of the name; "ten opzichte van 2017" is a comparison, not a date.
- Numbers are dates only in these shapes: "46,5", "3,5%", "€ 1.000", "1.030.317",
  "0800-1508" and table rows never are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from obligations.periods import MONTHS, SEASONS
from obligations.precision import month_end, precision_problem
from obligations.span import Span

_MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_MONTH_ABBR = r"jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
MONTH = "|".join(_MONTH_NAMES)
# Years 1950-2099, never part of a larger number, an amount or a decimal.
_YEAR_CORE = r"(?:19[5-9]\d|20\d\d)"
_NOT_BEFORE = r"(?<![\w.,/€-])(?<!€ )(?<!€\u00a0)"
_NOT_AFTER = r"(?![\w%]|[.,]\d|\s?%|-[a-zà-ÿ])"
YEAR = rf"{_NOT_BEFORE}{_YEAR_CORE}{_NOT_AFTER}"
# The second year of "2022-2025" follows a dash, which a lone year may not.
_LATER_YEAR = rf"{_YEAR_CORE}{_NOT_AFTER}"
_DAY = r"(?<![\w.,/€-])(?:[12]\d|3[01]|0?[1-9])"
_WEEKDAY = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
_AFTER_WORDS = r"(?:a\.s\.|aanstaande|jl\.|j\.l\.|jongstleden)"
_ORDINAL = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4}
_REL_YEAR = {
    "dit": 0, "deze": 0, "het": 0, "huidige": 0, "lopende": 0, "komend": 1, "komende": 1,
    "volgend": 1, "volgende": 1, "vorig": -1, "vorige": -1, "afgelopen": -1,
}  # fmt: skip

# Words before a period that say how it is meant.
_PRE = (
    r"(?:(?P<pre>uiterlijk(?:\s+(?:per|op|in|voor|vóór))?|vanaf|per|met ingang van|"
    r"tot en met|t/m|tot|voor|vóór|in|sinds|na|rond|gedurende|op|over|tussen|van)\s+)?"
)
# Where in the period: "eind 2021" is December, "begin 2022" the first quarter.
_POS = r"(?:(?:het\s+)?(?P<pos>begin|eind|einde|medio|halverwege)\s+(?:van\s+)?)?"
_ARTICLE = r"(?:(?:het|de)\s+)?"


@dataclass(frozen=True)
class Period:
    span: Span
    precision: str
    recurrence: str | None = None


@dataclass(frozen=True)
class Mention:
    """A date expression found in a sentence: where, what it says, and how it is meant."""

    start: int
    end: int
    text: str
    period: Period
    # "point", "from", "until", "deadline", "since", "circular", "reference"
    role: str = "point"
    kind: str = "year"  # which rule read it: year, years, day, month, season, ...


Builder = Callable[[re.Match[str], date], tuple[Period, str] | None]


# --- periods -------------------------------------------------------------------------


def _year(year: int) -> Period:
    return Period(Span(date(year, 1, 1), date(year, 12, 31)), "year")


def _years(first: int, last: int) -> Period | None:
    if not first < last <= first + 40:
        return None
    return Period(Span(date(first, 1, 1), date(last, 12, 31)), "year")


def _month(year: int, month: int) -> Period:
    return Period(Span(date(year, month, 1), month_end(year, month)), "month")


def _months(year: int, first: int, last: int, precision: str) -> Period:
    return Period(Span(date(year, first, 1), month_end(year, last)), precision)


def _quarter(year: int, number: int) -> Period:
    return _months(year, 3 * number - 2, 3 * number, "quarter")


def _half(year: int, number: int) -> Period:
    return _months(year, 6 * number - 5, 6 * number, "half")


def _season(year: int, first_month: int) -> Period:
    start = date(year, first_month, 1)
    end_index = year * 12 + first_month - 1 + 2
    end = month_end(end_index // 12, end_index % 12 + 1)
    return Period(Span(start, end), "season")


def _day(value: date) -> Period:
    return Period(Span.day(value), "day")


def _position(period: Period, pos: str | None) -> Period:
    """ "begin", "eind", "medio" narrow a year (or longer unit) to part of it."""
    if not pos or period.precision in ("day", "month"):
        return period
    start, end = period.span.start, period.span.end
    if pos in ("eind", "einde"):
        return _month(end.year, end.month)
    if pos == "begin":
        if period.precision == "year":
            return _quarter(start.year, 1)
        return _month(start.year, start.month)
    if period.precision == "year":  # medio, halverwege
        return _months(start.year, 6, 7, "month")
    return period


def _role(pre: str | None) -> str:
    if pre is None:
        return "point"
    words = pre.split()
    if words[0] == "uiterlijk":
        return "deadline"
    if pre in ("vanaf", "per", "met ingang van", "na"):
        return "from"
    if pre in ("tot", "tot en met", "t/m"):
        return "until"
    if pre == "sinds":
        return "since"
    return "point"


def _next_occurrence(month: int, day: int, written: date) -> date | None:
    for year in (written.year, written.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= written:
            return found
    return None


def _last_occurrence(month: int, day: int, written: date) -> date | None:
    for year in (written.year, written.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found < written:
            return found
    return None


def _year_of(m: re.Match[str], written: date) -> int | None:
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    rel = groups.get("rel")
    if rel:
        word = rel.split()[-2] if rel.split()[-1] == "jaar" and len(rel.split()) > 1 else rel
        return written.year + _REL_YEAR.get(word, 0)
    return None


# --- builders: one per rule ----------------------------------------------------------


def _b_day(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    month = MONTHS.get(m["mon"].rstrip("."))
    if month is None:
        return None
    day = int(m["d"])
    after = (m["after"] or "").replace(" ", "")
    if m["year"]:
        try:
            found: date | None = date(int(m["year"]), month, day)
        except ValueError:
            return None
    elif after.startswith(("jl", "j.l", "jongst")):
        found = _last_occurrence(month, day, written)
    else:
        found = _next_occurrence(month, day, written)
    if found is None:
        return None
    pre = m["pre"]
    role = _role(pre)
    if pre and pre.split()[-1] in ("voor", "vóór"):
        return _day(found - timedelta(days=1)), "deadline"
    if pre == "tot":
        return _day(found - timedelta(days=1)), "until"
    return _day(found), role


def _b_numeric_day(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    try:
        found = date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None
    return _day(found), _role(m["pre"])


def _b_month(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    month = MONTHS[m["mon"]]
    year = _year_of(m, written)
    after = (m["after"] or "").replace(" ", "")
    if year is None:
        if after.startswith(("jl", "j.l", "jongst")) or m["pre"] == "sinds":
            year = written.year if month < written.month else written.year - 1
        elif m["pre"] or after:
            year = written.year if month >= written.month else written.year + 1
        else:
            return None  # a bare month name without a preposition is too weak a signal
    return _month(year, month), _role(m["pre"])


def _b_yearly_month(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    month = MONTHS[m["mon"]]
    year = written.year if month >= written.month else written.year + 1
    period = _month(year, month)
    return Period(period.span, "month", "FREQ=YEARLY"), "point"


def _b_circular(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    year = int(m["year"]) if m["year"] else written.year
    return _month(year, MONTHS[m["mon"]]), "circular"


def _b_quarter(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    digits = m["n"] or m.groupdict().get("n2")
    number = int(digits) if digits else _ORDINAL.get(m["ord"] or "", 0)
    if not 1 <= number <= 4:
        return None
    year = _year_of(m, written) or written.year
    return _quarter(year, number), _role(m["pre"])


def _b_half(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    number = int(m["n"]) if m["n"] else _ORDINAL.get(m["ord"] or "", 0)
    if not 1 <= number <= 2:
        return None
    year = _year_of(m, written) or written.year
    return _half(year, number), _role(m["pre"])


def _b_rest_of_year(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    year = _year_of(m, written) or written.year
    if year == written.year and written.month > 6:
        return _half(year, 2), "point"
    if year == written.year:
        return _months(year, (written.month - 1) // 3 * 3 + 1, 12, "quarter"), "point"
    return _year(year), "point"


def _b_season(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    first_month = SEASONS[m["season"]]
    year = _year_of(m, written)
    if year is not None and not m["rel"]:
        return _season(year, first_month), _role(m["pre"])
    word = (m["srel"] or "").split()[-1] if m["srel"] else ""
    candidates = [_season(y, first_month) for y in range(written.year - 1, written.year + 2)]
    if word in ("dit", "deze"):
        this_year = [c for c in candidates if c.span.start.year == written.year]
        chosen = this_year[0]
        if first_month == 12 and written.month <= 2:
            chosen = candidates[0]
    elif word in ("komend", "komende", "volgend", "volgende", "aanstaande"):
        chosen = next(c for c in candidates if c.span.start > written)
    elif word in ("afgelopen", "vorig", "vorige"):
        chosen = [c for c in candidates if c.span.end < written][-1]
    else:
        chosen = next(c for c in candidates if c.span.end >= written)
    return chosen, _role(m["pre"])


def _b_relative_year(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    if re.match(r"(?:\S+\s+)*het\s+volgende\s+jaar", m[0]):
        return None  # "naar het volgende jaar": the year after some other year
    offset = _REL_YEAR.get(m["rel"].split()[-2], 0)
    period = _position(_year(written.year + offset), m["pos"])
    return period, _role(m["pre"])


def _b_year(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    year = int(m["year"])
    pre = m["pre"]
    period = _position(_year(year), m["pos"])
    if pre == "vóór" and not m["pos"]:
        return _year(year - 1), "deadline"
    if pre == "na" and not m["pos"]:
        return _year(year + 1), "from"
    if pre == "over" and m["het"]:
        return period, "reference"  # "de afrekening over het jaar 2021"
    return period, _role(pre)


def _b_years(m: re.Match[str], written: date) -> tuple[Period, str] | None:
    found = [int(y) for y in re.findall(_YEAR_CORE, m["list"])]
    listed = " en " in m["list"] and not m[0].startswith(("van", "tussen"))
    if listed and found != list(range(found[0], found[-1] + 1)):
        return None  # "in 2030 en 2050" are two moments, not a span
    start_pos = m["pos"]
    end_pos = m.groupdict().get("pos2")
    period = _years(found[0], found[-1])
    if period is None:
        return None
    if start_pos or end_pos:
        first = _position(_year(found[0]), start_pos).span.start
        last = _position(_year(found[-1]), end_pos).span.end
        span = Span(first, last)
        for precision in ("month", "quarter", "year"):
            if precision_problem(span, precision) is None:
                return Period(span, precision), "point"
        return Period(span, "day"), "point"
    return period, "point"


# --- the rule table ------------------------------------------------------------------

_YEARS_LIST = rf"{YEAR}(?:\s*,\s*{YEAR})*\s+en\s+{YEAR}"
_YEARS_DASH = rf"{YEAR}\s*[-\u2013/]\s*{_LATER_YEAR}"
_YEARS_TO = rf"{YEAR}\s+(?:t/m|tot en met|tot)\s+{YEAR}"
_REL_CORE = (
    r"(?:dit|deze|huidige|lopende|komend|komende|volgend|volgende|vorig|vorige|afgelopen)\s+jaar"
)
_REL = rf"(?P<rel>{_REL_CORE})"
# Inside "de tweede helft van het jaar", "het jaar" is the year of writing.
_REL_OR_THIS = rf"(?P<rel>{_REL_CORE}|het\s+jaar)"

_RULES: list[tuple[str, str, Builder]] = [
    (
        "day",
        rf"{_PRE}(?:{_WEEKDAY}\s+)?(?P<d>{_DAY})\s+(?P<mon>{MONTH}|(?:{_MONTH_ABBR})\.?)"
        rf"(?:\s+(?P<year>{YEAR})|\s+(?P<after>{_AFTER_WORDS}))?(?![\w])",
        _b_day,
    ),
    (
        "day",
        rf"{_PRE}(?P<d>{_DAY})[-/.](?P<mo>0?[1-9]|1[0-2])[-/.](?P<y>{_YEAR_CORE})(?!\d)",
        _b_numeric_day,
    ),
    (
        "recurring",
        rf"(?:(?:elk|ieder)\s+jaar,?\s+(?:in|rond|begin|eind)\s+|jaarlijks\s+(?:in|rond)\s+"
        rf"|(?:elke|iedere)\s+)(?:de\s+maand\s+)?(?P<mon>{MONTH})(?![\w])",
        _b_yearly_month,
    ),
    ("circular", rf"(?<![\w])(?P<mon>{MONTH})circulaire(?:\s+(?P<year>{YEAR}))?", _b_circular),
    (
        "month",
        rf"{_PRE}{_POS}(?:de\s+maand\s+)?(?P<mon>{MONTH})(?![\w])"
        rf"(?:\s+(?P<year>{YEAR})|\s+(?:van\s+)?{_REL}|\s+(?P<after>{_AFTER_WORDS}))?",
        _b_month,
    ),
    (
        "quarter",
        rf"{_PRE}{_ARTICLE}(?:(?P<ord>eerste|tweede|derde|vierde|1e|2e|3e|4e)\s+kwartaal"
        rf"|kwartaal\s+(?P<n>[1-4])|q(?P<n2>[1-4]))(?![\w])"
        rf"(?:\s+(?:van\s+)?(?:(?P<year>{YEAR})|{_REL_OR_THIS}))?",
        _b_quarter,
    ),
    (
        "half",
        rf"{_PRE}{_ARTICLE}(?:(?P<ord>eerste|tweede)\s+(?:jaar)?(?:helft|halfjaar|half\s+jaar)"
        rf"|h(?P<n>[12]))(?![\w])(?:\s+(?:van\s+)?(?:(?P<year>{YEAR})|{_REL_OR_THIS}))?",
        _b_half,
    ),
    (
        "rest",
        rf"(?:de\s+)?rest\s+van\s+(?:het\s+jaar|dit\s+jaar)(?:\s+(?P<year>{YEAR}))?(?P<rel>)",
        _b_rest_of_year,
    ),
    (
        "season",
        rf"{_PRE}(?:(?P<srel>dit|deze|komend|komende|volgend|volgende|aanstaande|afgelopen"
        rf"|vorig|vorige|het|in\s+het|de)\s+)?(?P<season>voorjaar|lente|zomer|najaar|herfst|winter)"
        rf"(?![\w])(?:\s+(?:van\s+)?(?P<year>{YEAR}))?(?P<rel>)",
        _b_season,
    ),
    (
        "years",
        rf"{_PRE}{_POS}(?:(?:de|het)\s+)?(?:(?:periode|jaren|kabinetsperiode)\s+)?"
        rf"(?P<list>{_YEARS_LIST}|{_YEARS_DASH}|{_YEARS_TO})",
        _b_years,
    ),
    (
        "years",
        rf"(?:van|tussen)\s+{_POS}(?P<list>{YEAR}\s+(?:tot en met|t/m|tot|en)\s+"
        rf"(?:(?P<pos2>begin|eind|einde)\s+)?{YEAR})",
        _b_years,
    ),
    ("relative", rf"{_PRE}{_POS}(?:het\s+)?{_REL}", _b_relative_year),
    (
        "year",
        rf"{_PRE}{_POS}(?P<het>het\s+)?(?:(?:kalender|begrotings|boek)?jaar\s+)?(?P<year>{YEAR})",
        _b_year,
    ),
]


_COMPILED = [(kind, re.compile(source), build) for kind, source, build in _RULES]
_WORD_BEFORE = re.compile(r"([\w\u2019'-]+)[\s,]*$")
# Words after which a lone year is still a year: "zijn begroting 2022", "2030 en 2050".
_YEAR_NOUNS = {
    "begroting", "begrotingsjaar", "meerjarenraming", "jaarschijf", "jaar", "kalenderjaar",
    "boekjaar", "en", "of", "t/m",
}  # fmt: skip
_COMPARISON = re.compile(
    r"(?:ten opzichte van|t\.o\.v\.|vergeleken met|in vergelijking met|dan"
    r"|(?:met|dan) (?:dat|die))(?:\s+in)?\s+(?:(?:het|de)\s+)?(?:jaar\s+)?$"
    r"|\bdan\s+(?:de|het|in|die|dat)\b[^,.;]{0,40}$"  # "dan de rijksbegroting voor 2021"
)
# "een groei van 3,5% in 2022", "van 370.000 in 2021 naar ...": a figure, not a date.
_STATISTIC = re.compile(r"\d[\d.,]*\s*%?\s*$")
_PAST_VERBS = re.compile(
    r"\b(?:werd|werden|was|waren|had|hadden|kwam|kwamen|ging|gingen|verscheen|bleek|bleken"
    r"|stelde|stelden|deed|deden|startte|startten|gaf|gaven|kreeg|kregen|ontstond|viel|vielen"
    r"|ontwikkelden|besloot|besloten|sneuvelde)\b"
)
_AUXILIARY = re.compile(r"\b(?:is|zijn|heeft|hebben)\b")
_PARTICIPLE = re.compile(
    r"\b(?:aan|af|bij|door|in|mee|na|neer|om|op|over|toe|uit|vast|vrij|voor|weg|terug|samen)?"
    r"ge[a-zà-ÿ]{2,}(?:d|t|en|aan)\b|\bge(?:daan|gaan|staan|slagen)\b|\b(?:besloten|ontvangen|verleend|begonnen|verwerkt|bereikt"
    r"|behaald|verhoogd|verlaagd|ontwikkeld|verschenen|vernieuwd|afgesproken)\b"
)
_NOT_PARTICIPLES = {
    "gemeenten", "gemeentelijk", "gegevens", "geld", "gelden", "gebied", "gebieden", "gevolgen",
    "gesprekken", "gebruiken", "gezondheid", "geven", "gemiddeld", "gevallen", "gezinnen",
    "gericht", "geleden", "genoemd", "gesteld", "gezien", "gelet", "gedurende", "geen",
    "gezet", "geraamd", "geschat", "gepland", "gewenst", "gebonden", "gelegen",
}  # fmt: skip


def past_tense(sentence: str) -> bool:
    """Whether a sentence reports what happened ("is ... gestuurd", "ontwikkelden")."""
    lower = sentence.lower()
    if _PAST_VERBS.search(lower):
        return True
    if not _AUXILIARY.search(lower):
        return False
    return any(m.group(0) not in _NOT_PARTICIPLES for m in _PARTICIPLE.finditer(lower))


def _lone_year_is_name(original: str, m: re.Match[str], kind: str) -> bool:
    """ "Verkiezingsagenda 2030", "het accres 2022": a year with no preposition is part of
    a name unless it follows a word that takes a year ("zijn begroting 2022")."""
    if kind != "year" or m["pre"] or m["pos"] or m["het"]:
        return False
    before = _WORD_BEFORE.search(original[: m.start()])
    if before is None:
        return False
    return before.group(1).lower() not in _YEAR_NOUNS


def _one_year_back(period: Period) -> Period:
    span = period.span
    start = span.start.replace(year=span.start.year - 1)
    end_month = month_end(span.end.year - 1, span.end.month)
    return Period(Span(start, end_month), period.precision, period.recurrence)


def find_dates(text: str, written: date) -> list[Mention]:
    """The date expressions in one sentence, longest first, never overlapping.

    A season or month named without a year in a sentence about the past ("in het
    voorjaar is gekozen") is the last one, not the next.
    """
    lower = text.lower()
    past = past_tense(text)
    found: list[tuple[int, int, str, Period, str]] = []
    for kind, pattern, build in _COMPILED:
        for m in pattern.finditer(lower):
            if m.end() == m.start() or _lone_year_is_name(text, m, kind):
                continue
            built = build(m, written)
            if built is None:
                continue
            period, role = built
            pre = m.groupdict().get("pre")
            before = lower[: m.start()] + (f"{pre} " if pre else "")
            statistic = pre == "in" and _STATISTIC.search(lower[: m.start()])
            if _COMPARISON.search(before) or statistic:
                role = "reference"
            if (
                past
                and kind in ("season", "month")
                and not m.groupdict().get("year")
                and period.span.start > written
            ):
                period = _one_year_back(period)
            found.append((m.start(), m.end(), kind, period, role))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    chosen: list[Mention] = []
    for start, end, kind, period, role in found:
        if any(start < c.end and c.start < end for c in chosen):
            continue
        chosen.append(Mention(start, end, text[start:end], period, role, kind))
    return sorted(chosen, key=lambda c: c.start)
