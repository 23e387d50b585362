"""Properties of parse_period that must hold on any day, not only the ones in the table."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obligations.periods import OPEN_END, PeriodNotUnderstood, parse_period

AMS = ZoneInfo("Europe/Amsterdam")

NOWS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2040, 12, 31),
    timezones=st.just(UTC),
)
MODEST = settings(max_examples=60, deadline=None)


def _today(now: datetime) -> date:
    return now.astimezone(AMS).date()


# One or more phrases of every kind the grammar supports; none of them can fail on any day.
ALWAYS_VALID = [
    "16 maart 2022", "16-3-2022", "2022-03-16", "1 maart", "29 februari", "vandaag", "morgen",
    "overmorgen", "maandag", "zondag", "volgende week dinsdag", "volgende vrijdag",
    "deze week", "volgende week", "vorige week", "week 11", "week 53", "week 11 2022",
    "maart", "maart 2022", "deze maand", "volgende maand", "vorige maand",
    "dit kwartaal", "volgend kwartaal", "vorig kwartaal", "Q2", "Q2 2022", "2e kwartaal 2022",
    "tweede kwartaal", "eerste helft 2022", "H2 2022", "tweede helft van het jaar",
    "eerste helft", "voorjaar 2022", "najaar", "winter", "2022", "dit jaar", "volgend jaar",
    "vorig jaar", "komende 30 dagen", "de komende 2 weken", "binnen 3 maanden",
    "afgelopen 30 dagen", "tot eind juni", "t/m 31 december", "vanaf 1 april",
    "tussen 1 maart en 15 april", "van 1 maart t/m 15 april", "van december t/m februari",
    "1 t/m 15 maart", "this quarter", "next month", "next 30 days", "in March",
    "first half of 2022", "today", "tomorrow", "what's due this quarter?",
]  # fmt: skip


@MODEST
@given(now=NOWS, phrase=st.sampled_from(ALWAYS_VALID))
def test_start_never_after_end(now: datetime, phrase: str) -> None:
    asked = parse_period(phrase, now)
    assert asked.span.start <= asked.span.end
    assert asked.open_end == (asked.span.end == OPEN_END)


THIS_NEXT_PREV = [
    ("deze week", "volgende week", "vorige week"),
    ("deze maand", "volgende maand", "vorige maand"),
    ("dit kwartaal", "volgend kwartaal", "vorig kwartaal"),
    ("dit halfjaar", "volgend halfjaar", "vorig halfjaar"),
    ("dit jaar", "volgend jaar", "vorig jaar"),
    ("this week", "next week", "last week"),
    ("this quarter", "next quarter", "last quarter"),
]


@MODEST
@given(now=NOWS, words=st.sampled_from(THIS_NEXT_PREV))
def test_this_next_previous_tile_the_calendar(now: datetime, words: tuple[str, str, str]) -> None:
    this, following, previous = (parse_period(w, now).span for w in words)
    assert this.contains(_today(now))
    assert following.start == this.end + timedelta(days=1)
    assert previous.end == this.start - timedelta(days=1)


MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


@MODEST
@given(now=NOWS, month=st.sampled_from(MONTHS))
def test_month_without_year_is_the_first_not_yet_over(now: datetime, month: str) -> None:
    today = _today(now)
    span = parse_period(month, now).span
    assert span.end >= today  # never ends before today
    assert span.start.month == MONTHS.index(month) + 1
    # ... and it is the first such month: the one a year earlier had ended already.
    year_before = span.start.year - 1
    assert date(year_before, span.start.month, monthrange(year_before, span.start.month)[1]) < today


@MODEST
@given(now=NOWS, days=st.integers(min_value=1, max_value=400))
def test_window_of_n_days_holds_n_days_from_today(now: datetime, days: int) -> None:
    span = parse_period(f"komende {days} dagen", now).span
    assert span.start == _today(now)
    assert (span.end - span.start).days + 1 == days


@MODEST
@given(now=NOWS, months=st.integers(min_value=1, max_value=36))
def test_window_of_months_grows_with_months(now: datetime, months: int) -> None:
    shorter = parse_period(f"binnen {months} maanden", now).span
    longer = parse_period(f"binnen {months + 1} maanden", now).span
    assert shorter.start == longer.start == _today(now)
    assert 28 <= (longer.end - shorter.end).days <= 31


@MODEST
@given(now=NOWS, day=st.integers(min_value=1, max_value=28), month=st.sampled_from(MONTHS))
def test_day_without_year_is_today_or_within_a_year(now: datetime, day: int, month: str) -> None:
    today = _today(now)
    span = parse_period(f"{day} {month}", now).span
    assert span.is_day
    assert today <= span.start < today + timedelta(days=366)


@MODEST
@given(now=NOWS)
def test_before_a_day_ends_the_day_before(now: datetime) -> None:
    today = _today(now)
    try:
        span = parse_period("voor 1 april", now).span
    except PeriodNotUnderstood:
        assert (today.month, today.day) == (4, 1)  # nothing is left before today
        return
    assert span.start == today
    assert (span.end.month, span.end.day) == (3, 31)
    assert span.end < today + timedelta(days=366)


NONSENSE = ["week", "Q", "wk 99", "blabla", "32 maart", "Q9", "maart 31 april", "H3", "week 54"]


@MODEST
@given(now=NOWS, phrase=st.sampled_from(NONSENSE))
def test_nonsense_never_becomes_a_period(now: datetime, phrase: str) -> None:
    with pytest.raises(PeriodNotUnderstood):
        parse_period(phrase, now)


@MODEST
@given(now=NOWS, text=st.text(max_size=40))
def test_any_text_is_a_period_or_a_dutch_refusal(now: datetime, text: str) -> None:
    try:
        asked = parse_period(text, now)
    except PeriodNotUnderstood as refusal:
        assert str(refusal) and len(refusal.examples) == 3
    else:
        assert asked.span.start <= asked.span.end and asked.label
