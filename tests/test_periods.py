"""Table-driven tests for parse_period: every expected date was worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from obligations.periods import OPEN_END, AskedPeriod, PeriodNotUnderstood, parse_period

AMS = ZoneInfo("Europe/Amsterdam")


def _ams(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


# Fixed moments, each with the facts the expectations below rely on.
WED = _ams(2022, 3, 16, 10)  # Wednesday, ISO week 11 (14-20 March), Q1
DEC30 = _ams(2022, 12, 30)  # Friday, ISO week 52 of 2022 (26 Dec - 1 Jan)
FEB10 = _ams(2022, 2, 10, 9)  # Thursday
DEC15 = _ams(2022, 12, 15)  # Thursday
WEEK53 = _ams(2021, 1, 2)  # Saturday in ISO week 53 of 2020
LEAP = _ams(2024, 2, 10)  # Saturday in a leap year
DST_SPRING = datetime(2022, 3, 27, 1, 30, tzinfo=UTC)  # 03:30 CEST, Sunday 27 March
DST_SPRING_EARLY = datetime(2022, 3, 26, 23, 30, tzinfo=UTC)  # 00:30 CET, 27 March
DST_AUTUMN = datetime(2022, 10, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST, Sunday 30 Oct
DST_AUTUMN_EARLY = datetime(2022, 10, 29, 22, 30, tzinfo=UTC)  # 00:30 CEST, 30 Oct
APRIL_FOOL = datetime(2022, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Amsterdam


def d(iso: str) -> date:
    return date.fromisoformat(iso)


CASES: list[tuple[datetime, str, str, str]] = [
    # --- days ---------------------------------------------------------------
    (WED, "16 maart 2022", "2022-03-16", "2022-03-16"),
    (WED, "16-3-2022", "2022-03-16", "2022-03-16"),
    (WED, "2022-03-16", "2022-03-16", "2022-03-16"),
    (WED, "16/3/2022", "2022-03-16", "2022-03-16"),
    (WED, "16.3.2022", "2022-03-16", "2022-03-16"),
    (WED, "1-3-2022", "2022-03-01", "2022-03-01"),
    (WED, "3-1-2022", "2022-01-03", "2022-01-03"),
    (WED, "1 maart", "2023-03-01", "2023-03-01"),
    (WED, "16 maart", "2022-03-16", "2022-03-16"),
    (WED, "17 maart", "2022-03-17", "2022-03-17"),
    (WED, "1 april", "2022-04-01", "2022-04-01"),
    (WED, "1 mrt 2023", "2023-03-01", "2023-03-01"),
    (WED, "vandaag", "2022-03-16", "2022-03-16"),
    (WED, "morgen", "2022-03-17", "2022-03-17"),
    (WED, "overmorgen", "2022-03-18", "2022-03-18"),
    (WED, "gisteren", "2022-03-15", "2022-03-15"),
    (WED, "maandag", "2022-03-21", "2022-03-21"),
    (WED, "dinsdag", "2022-03-22", "2022-03-22"),
    (WED, "woensdag", "2022-03-16", "2022-03-16"),
    (WED, "zondag", "2022-03-20", "2022-03-20"),
    (WED, "volgende woensdag", "2022-03-23", "2022-03-23"),
    (WED, "vorige maandag", "2022-03-14", "2022-03-14"),
    (WED, "volgende week dinsdag", "2022-03-22", "2022-03-22"),
    (WED, "deze week maandag", "2022-03-14", "2022-03-14"),
    (WED, "vorige week vrijdag", "2022-03-11", "2022-03-11"),
    (WED, "woensdag volgende week", "2022-03-23", "2022-03-23"),
    (WED, "woensdag 16 maart 2022", "2022-03-16", "2022-03-16"),
    (WED, "today", "2022-03-16", "2022-03-16"),
    (WED, "tomorrow", "2022-03-17", "2022-03-17"),
    (WED, "the day after tomorrow", "2022-03-18", "2022-03-18"),
    (WED, "april 1", "2022-04-01", "2022-04-01"),
    (WED, "march 1 2022", "2022-03-01", "2022-03-01"),
    (WED, "1st of april", "2022-04-01", "2022-04-01"),
    (WED, "next monday", "2022-03-21", "2022-03-21"),
    # --- weeks (ISO) ------------------------------------------------------------
    (WED, "deze week", "2022-03-14", "2022-03-20"),
    (WED, "volgende week", "2022-03-21", "2022-03-27"),
    (WED, "vorige week", "2022-03-07", "2022-03-13"),
    (WED, "komende week", "2022-03-21", "2022-03-27"),
    (WED, "week 11", "2022-03-14", "2022-03-20"),
    (WED, "week 11 2022", "2022-03-14", "2022-03-20"),
    (WED, "week 11 van 2022", "2022-03-14", "2022-03-20"),
    (WED, "wk 12", "2022-03-21", "2022-03-27"),
    (WED, "week 1 2022", "2022-01-03", "2022-01-09"),
    (WED, "week 10", "2023-03-06", "2023-03-12"),
    (WED, "week 52 2022", "2022-12-26", "2023-01-01"),
    (WED, "week 53 2020", "2020-12-28", "2021-01-03"),
    (WED, "week 53 2026", "2026-12-28", "2027-01-03"),
    (WED, "this week", "2022-03-14", "2022-03-20"),
    (WED, "next week", "2022-03-21", "2022-03-27"),
    (WED, "last week", "2022-03-07", "2022-03-13"),
    (WED, "dit weekend", "2022-03-19", "2022-03-20"),
    # --- months ---------------------------------------------------------------
    (WED, "maart", "2022-03-01", "2022-03-31"),
    (WED, "april", "2022-04-01", "2022-04-30"),
    (WED, "februari", "2023-02-01", "2023-02-28"),
    (WED, "januari", "2023-01-01", "2023-01-31"),
    (WED, "mei", "2022-05-01", "2022-05-31"),
    (WED, "maart 2022", "2022-03-01", "2022-03-31"),
    (WED, "maart 2021", "2021-03-01", "2021-03-31"),
    (WED, "februari 2024", "2024-02-01", "2024-02-29"),
    (WED, "februari 2023", "2023-02-01", "2023-02-28"),
    (WED, "maart volgend jaar", "2023-03-01", "2023-03-31"),
    (WED, "deze maand", "2022-03-01", "2022-03-31"),
    (WED, "volgende maand", "2022-04-01", "2022-04-30"),
    (WED, "vorige maand", "2022-02-01", "2022-02-28"),
    (WED, "in March", "2022-03-01", "2022-03-31"),
    (WED, "next month", "2022-04-01", "2022-04-30"),
    (WED, "in may", "2022-05-01", "2022-05-31"),
    (WED, "may 2023", "2023-05-01", "2023-05-31"),
    # --- quarters ---------------------------------------------------------------
    (WED, "dit kwartaal", "2022-01-01", "2022-03-31"),
    (WED, "volgend kwartaal", "2022-04-01", "2022-06-30"),
    (WED, "vorig kwartaal", "2021-10-01", "2021-12-31"),
    (WED, "Q1", "2022-01-01", "2022-03-31"),
    (WED, "Q2", "2022-04-01", "2022-06-30"),
    (WED, "Q2 2022", "2022-04-01", "2022-06-30"),
    (WED, "q4 2021", "2021-10-01", "2021-12-31"),
    (WED, "2022 Q3", "2022-07-01", "2022-09-30"),
    (WED, "2e kwartaal 2022", "2022-04-01", "2022-06-30"),
    (WED, "tweede kwartaal", "2022-04-01", "2022-06-30"),
    (WED, "eerste kwartaal 2023", "2023-01-01", "2023-03-31"),
    (WED, "het vierde kwartaal van dit jaar", "2022-10-01", "2022-12-31"),
    (WED, "this quarter", "2022-01-01", "2022-03-31"),
    (WED, "next quarter", "2022-04-01", "2022-06-30"),
    (WED, "Q3", "2022-07-01", "2022-09-30"),
    (WED, "third quarter of 2023", "2023-07-01", "2023-09-30"),
    # --- halves and seasons -------------------------------------------------------
    (WED, "eerste helft 2022", "2022-01-01", "2022-06-30"),
    (WED, "H2 2022", "2022-07-01", "2022-12-31"),
    (WED, "h1", "2022-01-01", "2022-06-30"),
    (WED, "eerste helft", "2022-01-01", "2022-06-30"),
    (WED, "tweede helft van het jaar", "2022-07-01", "2022-12-31"),
    (WED, "dit halfjaar", "2022-01-01", "2022-06-30"),
    (WED, "volgend halfjaar", "2022-07-01", "2022-12-31"),
    (WED, "vorig halfjaar", "2021-07-01", "2021-12-31"),
    (WED, "first half of 2022", "2022-01-01", "2022-06-30"),
    (WED, "second half of the year", "2022-07-01", "2022-12-31"),
    (WED, "voorjaar 2022", "2022-03-01", "2022-05-31"),
    (WED, "voorjaar", "2022-03-01", "2022-05-31"),
    (WED, "lente 2023", "2023-03-01", "2023-05-31"),
    (WED, "zomer", "2022-06-01", "2022-08-31"),
    (WED, "deze zomer", "2022-06-01", "2022-08-31"),
    (WED, "najaar", "2022-09-01", "2022-11-30"),
    (WED, "herfst 2021", "2021-09-01", "2021-11-30"),
    (WED, "winter", "2022-12-01", "2023-02-28"),
    (WED, "winter 2021", "2021-12-01", "2022-02-28"),
    (WED, "winter 2023", "2023-12-01", "2024-02-29"),
    (WED, "winter 2022-2023", "2022-12-01", "2023-02-28"),
    # --- years ------------------------------------------------------------------
    (WED, "2022", "2022-01-01", "2022-12-31"),
    (WED, "2030", "2030-01-01", "2030-12-31"),
    (WED, "dit jaar", "2022-01-01", "2022-12-31"),
    (WED, "volgend jaar", "2023-01-01", "2023-12-31"),
    (WED, "vorig jaar", "2021-01-01", "2021-12-31"),
    (WED, "this year", "2022-01-01", "2022-12-31"),
    (WED, "next year", "2023-01-01", "2023-12-31"),
    (WED, "1900", "1900-01-01", "1900-12-31"),
    (WED, "2100", "2100-01-01", "2100-12-31"),
    # --- spans ------------------------------------------------------------------
    (WED, "komende 30 dagen", "2022-03-16", "2022-04-14"),
    (WED, "de komende 2 weken", "2022-03-16", "2022-03-29"),
    (WED, "binnen 3 maanden", "2022-03-16", "2022-06-15"),
    (WED, "binnen een maand", "2022-03-16", "2022-04-15"),
    (WED, "binnen twee weken", "2022-03-16", "2022-03-29"),
    (WED, "komende 2 kwartalen", "2022-03-16", "2022-09-15"),
    (WED, "afgelopen 7 dagen", "2022-03-10", "2022-03-16"),
    (WED, "afgelopen maand", "2022-02-01", "2022-02-28"),
    (WED, "tot eind juni", "2022-03-16", "2022-06-30"),
    (WED, "tot en met juni", "2022-03-16", "2022-06-30"),
    (WED, "t/m 31 maart", "2022-03-16", "2022-03-31"),
    (WED, "uiterlijk vrijdag", "2022-03-16", "2022-03-18"),
    (WED, "voor 1 april", "2022-03-16", "2022-03-31"),
    (WED, "vóór 1 april", "2022-03-16", "2022-03-31"),
    (WED, "tot 1 april", "2022-03-16", "2022-03-31"),
    (WED, "voor juni", "2022-03-16", "2022-05-31"),
    (WED, "vanaf 1 april", "2022-04-01", "9999-12-31"),
    (WED, "vanaf Q2", "2022-04-01", "9999-12-31"),
    (WED, "per 1 januari 2023", "2023-01-01", "9999-12-31"),
    (WED, "na 1 april", "2022-04-02", "9999-12-31"),
    (WED, "vanaf nu", "2022-03-16", "9999-12-31"),
    (WED, "tussen 1 maart en 15 april", "2022-03-01", "2022-04-15"),
    (WED, "van 1 maart t/m 15 april", "2022-03-01", "2022-04-15"),
    (WED, "van 1 maart tot en met 15 april", "2022-03-01", "2022-04-15"),
    (WED, "van 1 maart tot 15 april", "2022-03-01", "2022-04-14"),
    (WED, "van 1 maart t/m 15 april 2023", "2023-03-01", "2023-04-15"),
    (WED, "van 15 april 2022 t/m 1 maart 2023", "2022-04-15", "2023-03-01"),
    (WED, "1 t/m 31 maart 2022", "2022-03-01", "2022-03-31"),
    (WED, "1-15 april", "2022-04-01", "2022-04-15"),
    (WED, "van maart t/m mei", "2022-03-01", "2022-05-31"),
    (WED, "Q1 t/m Q2", "2022-01-01", "2022-06-30"),
    (WED, "van maandag t/m vrijdag", "2022-03-14", "2022-03-18"),
    (WED, "next 30 days", "2022-03-16", "2022-04-14"),
    (WED, "within 2 weeks", "2022-03-16", "2022-03-29"),
    (WED, "before April 1", "2022-03-16", "2022-03-31"),
    (WED, "from April 1", "2022-04-01", "9999-12-31"),
    (WED, "until the end of June", "2022-03-16", "2022-06-30"),
    (WED, "between march 1 and april 15", "2022-03-01", "2022-04-15"),
    # --- whole questions -------------------------------------------------------------
    (WED, "wat moet er dit kwartaal?", "2022-01-01", "2022-03-31"),
    (WED, "wat komt er volgende maand aan?", "2022-04-01", "2022-04-30"),
    (WED, "what's due this quarter?", "2022-01-01", "2022-03-31"),
    (WED, "welke deadlines in maart?", "2022-03-01", "2022-03-31"),
    (WED, "wat moet er vóór 1 april?", "2022-03-16", "2022-03-31"),
    (WED, "Wat moet er de komende 30 dagen gebeuren?", "2022-03-16", "2022-04-14"),
    (WED, "Welke deadlines vallen in Q2 2022?", "2022-04-01", "2022-06-30"),
    (WED, "What is due next week?", "2022-03-21", "2022-03-27"),
    (WED, "  WAT MOET ER   VOLGENDE WEEK?! ", "2022-03-21", "2022-03-27"),
    # --- year boundaries: asked on Friday 30 December 2022 ---------------------------
    (DEC30, "volgende week", "2023-01-02", "2023-01-08"),
    (DEC30, "deze week", "2022-12-26", "2023-01-01"),
    (DEC30, "volgende maand", "2023-01-01", "2023-01-31"),
    (DEC30, "volgend kwartaal", "2023-01-01", "2023-03-31"),
    (DEC30, "dit kwartaal", "2022-10-01", "2022-12-31"),
    (DEC30, "volgend jaar", "2023-01-01", "2023-12-31"),
    (DEC30, "volgend halfjaar", "2023-01-01", "2023-06-30"),
    (DEC30, "maart", "2023-03-01", "2023-03-31"),
    (DEC30, "morgen", "2022-12-31", "2022-12-31"),
    (DEC30, "overmorgen", "2023-01-01", "2023-01-01"),
    (DEC30, "maandag", "2023-01-02", "2023-01-02"),
    (DEC30, "1 januari", "2023-01-01", "2023-01-01"),
    (DEC30, "30 december", "2022-12-30", "2022-12-30"),
    (DEC30, "29 december", "2023-12-29", "2023-12-29"),
    (DEC30, "week 1", "2023-01-02", "2023-01-08"),
    (DEC30, "week 52", "2022-12-26", "2023-01-01"),
    (DEC30, "winter", "2022-12-01", "2023-02-28"),
    (DEC30, "Q1", "2023-01-01", "2023-03-31"),
    (DEC30, "eerste helft", "2023-01-01", "2023-06-30"),
    (DEC30, "tweede helft van het jaar", "2022-07-01", "2022-12-31"),
    (DEC30, "komende 5 dagen", "2022-12-30", "2023-01-03"),
    (DEC30, "binnen 1 maand", "2022-12-30", "2023-01-29"),
    (DEC30, "binnen 2 maanden", "2022-12-30", "2023-02-28"),
    (DEC30, "voor 1 januari", "2022-12-30", "2022-12-31"),
    (DEC30, "van december t/m februari", "2022-12-01", "2023-02-28"),
    (DEC30, "tussen 20 december en 10 januari", "2022-12-20", "2023-01-10"),
    # --- a month or day named without a year: first one not yet over --------------------
    (FEB10, "januari", "2023-01-01", "2023-01-31"),
    (FEB10, "februari", "2022-02-01", "2022-02-28"),
    (FEB10, "winter", "2021-12-01", "2022-02-28"),
    (FEB10, "10 februari", "2022-02-10", "2022-02-10"),
    (FEB10, "9 februari", "2023-02-09", "2023-02-09"),
    (FEB10, "29 februari", "2024-02-29", "2024-02-29"),
    (FEB10, "donderdag", "2022-02-10", "2022-02-10"),
    (FEB10, "volgende donderdag", "2022-02-17", "2022-02-17"),
    (FEB10, "komende 30 dagen", "2022-02-10", "2022-03-11"),
    (FEB10, "binnen 1 maand", "2022-02-10", "2022-03-09"),
    (FEB10, "voor 1 maart", "2022-02-10", "2022-02-28"),
    (DEC15, "maart", "2023-03-01", "2023-03-31"),
    (DEC15, "december", "2022-12-01", "2022-12-31"),
    (DEC15, "november", "2023-11-01", "2023-11-30"),
    # --- ISO week 53 -----------------------------------------------------------------
    (WEEK53, "deze week", "2020-12-28", "2021-01-03"),
    (WEEK53, "week 53", "2020-12-28", "2021-01-03"),
    (WEEK53, "volgende week", "2021-01-04", "2021-01-10"),
    (WEEK53, "week 1", "2021-01-04", "2021-01-10"),
    (WEEK53, "dit jaar", "2021-01-01", "2021-12-31"),
    # --- leap year -------------------------------------------------------------------
    (LEAP, "februari", "2024-02-01", "2024-02-29"),
    (LEAP, "29 februari", "2024-02-29", "2024-02-29"),
    (LEAP, "29 februari 2024", "2024-02-29", "2024-02-29"),
    (LEAP, "komende 30 dagen", "2024-02-10", "2024-03-10"),
    (LEAP, "winter", "2023-12-01", "2024-02-29"),
    (LEAP, "binnen 1 maand", "2024-02-10", "2024-03-09"),
    # --- DST nights and Amsterdam vs UTC ------------------------------------------------
    (DST_SPRING, "vandaag", "2022-03-27", "2022-03-27"),
    (DST_SPRING, "morgen", "2022-03-28", "2022-03-28"),
    (DST_SPRING, "deze week", "2022-03-21", "2022-03-27"),
    (DST_SPRING, "volgende week", "2022-03-28", "2022-04-03"),
    (DST_SPRING, "zondag", "2022-03-27", "2022-03-27"),
    (DST_SPRING_EARLY, "vandaag", "2022-03-27", "2022-03-27"),
    (DST_AUTUMN, "vandaag", "2022-10-30", "2022-10-30"),
    (DST_AUTUMN, "deze week", "2022-10-24", "2022-10-30"),
    (DST_AUTUMN, "morgen", "2022-10-31", "2022-10-31"),
    (DST_AUTUMN, "volgende maand", "2022-11-01", "2022-11-30"),
    (DST_AUTUMN_EARLY, "vandaag", "2022-10-30", "2022-10-30"),
    (APRIL_FOOL, "deze maand", "2022-04-01", "2022-04-30"),
    (APRIL_FOOL, "vandaag", "2022-04-01", "2022-04-01"),
    (APRIL_FOOL, "dit kwartaal", "2022-04-01", "2022-06-30"),
    (APRIL_FOOL, "vorige maand", "2022-03-01", "2022-03-31"),
]


@pytest.mark.parametrize(("now", "phrase", "start", "end"), CASES)
def test_phrase_gives_span(now: datetime, phrase: str, start: str, end: str) -> None:
    asked = parse_period(phrase, now)
    assert (asked.span.start, asked.span.end) == (d(start), d(end))
    assert asked.open_end == (d(end) == OPEN_END)


LABELS: list[tuple[datetime, str, str]] = [
    (WED, "16 maart 2022", "16 maart 2022"),
    (WED, "morgen", "17 maart 2022"),
    (WED, "maart 2022", "maart 2022"),
    (WED, "dit kwartaal", "1e kwartaal 2022"),
    (WED, "Q4 2022", "4e kwartaal 2022"),
    (WED, "eerste helft 2022", "eerste helft 2022"),
    (WED, "H2 2022", "tweede helft 2022"),
    (WED, "voorjaar 2022", "voorjaar 2022"),
    (WED, "winter 2022", "winter 2022-2023"),
    (WED, "2022", "2022"),
    (WED, "week 11 2022", "week 11 2022 (14 t/m 20 maart)"),
    (WED, "week 53 2020", "week 53 2020 (28 december 2020 t/m 3 januari 2021)"),
    (WED, "1 t/m 31 maart 2022", "1 t/m 31 maart 2022"),
    (WED, "van 1 maart t/m 15 april 2022", "1 maart t/m 15 april 2022"),
    (WED, "van maart t/m mei", "maart t/m mei 2022"),
    (WED, "vanaf 1 april", "vanaf 1 april 2022"),
    (WED, "voor 1 april", "vandaag t/m 31 maart 2022"),
    (WED, "komende 30 dagen", "komende 30 dagen (16 maart t/m 14 april 2022)"),
    (WED, "next 30 days", "komende 30 dagen (16 maart t/m 14 april 2022)"),
    (WED, "what's due this quarter?", "1e kwartaal 2022"),
    (DEC30, "tussen 20 december en 10 januari", "20 december 2022 t/m 10 januari 2023"),
]


@pytest.mark.parametrize(("now", "phrase", "label"), LABELS)
def test_label_is_dutch(now: datetime, phrase: str, label: str) -> None:
    assert parse_period(phrase, now).label == label


NOT_UNDERSTOOD: list[tuple[datetime, str]] = [
    (WED, "blabla"),
    (WED, "Q5 2022"),
    (WED, "Q0"),
    (WED, "5e kwartaal"),
    (WED, "3e helft 2022"),
    (WED, "32 maart"),
    (WED, "31 februari"),
    (WED, "31 april 2022"),
    (WED, "29 februari 2023"),
    (WED, "2022-02-30"),
    (WED, "31-4-2022"),
    (WED, "16-13-2022"),
    (WED, "week 54 2022"),
    (WED, "week 53 2021"),
    (WED, "week 0"),
    (WED, ""),
    (WED, "   "),
    (WED, "?"),
    (WED, "1899"),
    (WED, "3000"),
    (WED, "Q2 1800"),
    (WED, "maandag 16 maart 2022"),  # 16 March 2022 is a Wednesday
    (WED, "maandag 29 februari 2023"),
    (WED, "winter 2022-2024"),
    (WED, "komende 0 dagen"),
    (WED, "maart en april"),  # two periods: ask, do not pick one
    (WED, "vandaag en morgen"),
    (WED, "wat moet er in maart voor artikel 12?"),  # a stray number
    (WED, "van 15 april 2022 t/m 1 maart 2022"),  # ends before it starts
    (WED, "voor 2022"),  # entirely in the past
    (WED, "tot eind 2021"),
    (WED, "kwartaal"),
    (APRIL_FOOL, "voor 1 april"),  # 1 April is today: nothing is left before it
]


@pytest.mark.parametrize(("now", "phrase"), NOT_UNDERSTOOD)
def test_not_understood_raises(now: datetime, phrase: str) -> None:
    with pytest.raises(PeriodNotUnderstood) as caught:
        parse_period(phrase, now)
    assert str(caught.value)
    assert len(caught.value.examples) == 3


def test_error_message_is_dutch_and_helpful() -> None:
    with pytest.raises(PeriodNotUnderstood) as caught:
        parse_period("blabla", WED)
    message = str(caught.value)
    assert "blabla" in message and "Probeer bijvoorbeeld" in message
    assert all(example in message for example in caught.value.examples)


@pytest.mark.parametrize(
    ("phrase", "fragment"),
    [
        ("32 maart", "maart heeft hooguit 31 dagen"),
        ("29 februari 2023", "geen schrikkeljaar"),
        ("week 53 2021", "2021 heeft geen week 53"),
        ("Q5 2022", "vier kwartalen"),
        ("3000", "1900-2100"),
        ("maart en april", "meer dan één periode"),
    ],
)
def test_error_says_why(phrase: str, fragment: str) -> None:
    with pytest.raises(PeriodNotUnderstood, match=fragment):
        parse_period(phrase, WED)


def test_not_understood_is_a_value_error() -> None:
    assert issubclass(PeriodNotUnderstood, ValueError)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_period("vandaag", datetime(2022, 3, 16, 10))


def test_other_zone_can_be_passed() -> None:
    # 22:30 UTC on 31 March is still 31 March in New York.
    asked = parse_period("deze maand", APRIL_FOOL, zone=ZoneInfo("America/New_York"))
    assert asked.span.start == date(2022, 3, 1)


def test_open_end_is_far_away() -> None:
    asked = parse_period("vanaf 1 april", WED)
    assert asked == AskedPeriod(asked.span, "vanaf 1 april 2022", open_end=True)
    assert asked.span.end == OPEN_END == date(9999, 12, 31)


def test_table_is_big_enough() -> None:
    assert len(CASES) + len(NOT_UNDERSTOOD) >= 150
