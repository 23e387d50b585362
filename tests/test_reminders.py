"""Reminder planning and texts, on a real SQLite file and (when configured) PostgreSQL.

The catalogue here is built in code, with dates chosen for the rules under test:
Koningsdag, weekends, Christmas and New Year, the DST changes, periods and recurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlmodel import SQLModel

from obligations.catalogue import Catalogue, Obligation, Source, Topic
from obligations.queries import Catalog, Occurrence
from obligations.reminders import (
    DIGEST_ID,
    MESSAGE_LIMIT,
    Teams,
    build_digest,
    digest_messages,
    obligation_ref,
    plan,
    reminder_day,
    reminder_messages,
    reminder_moment,
    when_phrase,
)
from obligations.span import Span
from obligations.store import ALL_TOPICS, open_database
from obligations.sync import sync_catalogue
from obligations.teams import ensure_chat, set_lead_days, subscribe, unsubscribe
from obligations.workdays import holiday_name, previous_working_day
from tests.fakebotapi import parse_html

REMINDER = SQLModel.metadata.tables["reminder"]
TEAM_STATUS = SQLModel.metadata.tables["team_status"]
CHAT = SQLModel.metadata.tables["chat"]
SUBSCRIPTION = SQLModel.metadata.tables["subscription"]
PUBLIC_URL = "https://verplichtingen.example"
SYNCED = datetime(2021, 9, 21, 12, 0, tzinfo=UTC)
LONG = timedelta(days=45)  # a horizon that holds every lead time, for tests that want all rows


# --- a catalogue in code -------------------------------------------------------------------


def obligation(
    id: str,
    start: date,
    end: date | None = None,
    *,
    precision: str = "day",
    certainty: str = "vast",
    topics: Sequence[str] = ("wonen",),
    recurrence: str | None = None,
    title: str | None = None,
    action: str = "Zorg dat de gemeente er klaar voor is.",
) -> Obligation:
    return Obligation(
        id=id,
        title=title or id.replace("-", " ").capitalize(),
        action=action,
        kind="deadline",
        topics=tuple(topics),
        chapter="2 Binnenlandse Zaken",
        section="Test",
        span=Span(start, end or start),
        precision=precision,
        certainty=certainty,
        recurrence=recurrence,
        amount_eur=None,
        quote="Een citaat uit de circulaire.",
        source="test-circulaire",
    )


ELECTION = obligation("verkiezingen-2022", date(2022, 3, 16), topics=["verkiezingen"])
KONINGSDAG = obligation(
    "na-koningsdag", date(2022, 4, 28)
)  # a Thursday; the day before is a holiday
MONDAY = obligation("maandag-2-mei", date(2022, 5, 2))  # the day before is a Sunday
NEW_YEAR = obligation("nieuwjaar-2022", date(2022, 1, 1))  # a Saturday and a holiday
WOO = obligation(
    "woo-inwerkingtreding",
    date(2022, 1, 1),
    date(2022, 6, 30),
    precision="half",
    certainty="verwacht",
    topics=["informatiehuishouding"],
    title="Wet open overheid treedt in werking",
)
CYBER = obligation(
    "cyberoefening",
    date(2021, 10, 1),
    date(2021, 10, 31),
    precision="month",
    recurrence="FREQ=YEARLY",
    topics=["digitaal"],
)
ALL = [ELECTION, KONINGSDAG, MONDAY, NEW_YEAR, WOO, CYBER]


def catalogue(items: Iterable[Obligation]) -> Catalogue:
    topics = {
        t: Topic(t, t.capitalize(), "")
        for t in ("wonen", "verkiezingen", "informatiehuishouding", "digitaal")
    }
    source = Source("test-circulaire", "Testcirculaire", "VNG", date(2021, 9, 21), None)
    return Catalogue(topics, {source.id: source}, list(items))


def database(url: str, items: Iterable[Obligation] = ALL) -> Engine:
    engine = open_database(url)
    sync_catalogue(engine, catalogue(items), SYNCED)
    return engine


def add_chat(
    engine: Engine,
    chat_id: int,
    topics: Sequence[str] = (ALL_TOPICS,),
    *,
    kind: str = "private",
    lead_days: list[int] | None = None,
    digest: bool = False,
    at: datetime = SYNCED,
) -> int:
    ensure_chat(engine, chat_id, kind, f"chat {chat_id}", at)
    subscribe(engine, chat_id, topics, at)
    values: dict[str, Any] = {"digest": digest}
    if lead_days is not None:
        values["lead_days"] = lead_days
    with engine.begin() as connection:
        connection.execute(update(CHAT).where(CHAT.c.id == chat_id).values(**values))
    return chat_id


def rows(engine: Engine, **where: Any) -> list[Any]:
    query = select(REMINDER).order_by(
        REMINDER.c.due_at, REMINDER.c.obligation_id, REMINDER.c.lead_days
    )
    for name, value in where.items():
        query = query.where(REMINDER.c[name] == value)
    with engine.connect() as connection:
        return list(connection.execute(query))


def keys(found: Iterable[Any]) -> list[tuple[str, int, datetime, str]]:
    return [(r.obligation_id, r.lead_days, r.due_at, r.state) for r in found]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def close(engine: Engine, chat_id: int, obligation_id: str, status: str, at: datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(TEAM_STATUS).values(
                chat_id=chat_id, obligation_id=obligation_id, status=status, updated_at=at
            )
        )


# --- the calendar rules --------------------------------------------------------------------


def test_reminder_days_move_to_the_previous_working_day() -> None:
    assert holiday_name(date(2022, 4, 27)) == "Koningsdag"
    # 1 day before Thursday 28 April is Koningsdag: Tuesday 26 April.
    assert reminder_day(date(2022, 4, 28), 1) == date(2022, 4, 26)
    # 1 day before Monday 2 May is a Sunday: Friday 29 April.
    assert reminder_day(date(2022, 5, 2), 1) == date(2022, 4, 29)
    # New Year's Day 2022 is a Saturday and a holiday: the same day moves into 2021.
    assert reminder_day(date(2022, 1, 1), 0) == date(2021, 12, 31)
    # 7 days before 1 January is Christmas Day (Saturday): Friday 24 December.
    assert reminder_day(date(2022, 1, 1), 7) == date(2021, 12, 24)
    # Christmas 2022: Sunday 25 and Monday 26 December, so the reminder is on Friday the 23rd.
    assert reminder_day(date(2022, 12, 26), 0) == date(2022, 12, 23)
    # Easter 2022: Good Friday (15th) to Easter Monday (18th) are skipped as a whole.
    assert previous_working_day(date(2022, 4, 18)) == date(2022, 4, 14)
    assert reminder_day(date(2022, 3, 16), 7) == date(2022, 3, 9)  # an ordinary Wednesday


def test_send_time_is_amsterdam_time_across_dst() -> None:
    nine = time(9, 0)
    assert reminder_moment(date(2022, 3, 16), 0, nine) == utc(2022, 3, 16, 8, 0)  # CET
    assert reminder_moment(date(2022, 3, 25), 0, nine) == utc(
        2022, 3, 25, 8, 0
    )  # last winter Friday
    assert reminder_moment(date(2022, 3, 28), 0, nine) == utc(
        2022, 3, 28, 7, 0
    )  # first summer Monday
    assert reminder_moment(date(2022, 10, 28), 0, nine) == utc(2022, 10, 28, 7, 0)  # CEST
    assert reminder_moment(date(2022, 10, 31), 0, nine) == utc(2022, 10, 31, 8, 0)  # CET again
    # Counted back across the change: 7 days before Monday 4 April (CEST) is Monday 28 March.
    assert reminder_moment(date(2022, 4, 4), 7, time(17, 30)) == utc(2022, 3, 28, 15, 30)


# --- planning ------------------------------------------------------------------------------


def test_plan_writes_a_row_per_lead_time_at_nine(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen"])
    report = plan(engine, Catalog(engine), utc(2022, 2, 10, 12), horizon=LONG)
    assert report.planned == 4 and report.full
    assert keys(rows(engine)) == [
        ("verkiezingen-2022", 30, utc(2022, 2, 14, 8), "planned"),  # 14 Feb is a Monday
        ("verkiezingen-2022", 7, utc(2022, 3, 9, 8), "planned"),
        ("verkiezingen-2022", 1, utc(2022, 3, 15, 8), "planned"),
        ("verkiezingen-2022", 0, utc(2022, 3, 16, 8), "planned"),
    ]


def test_plan_applies_holidays_and_merges_lead_times_that_meet(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen"], lead_days=[1, 0])
    plan(engine, Catalog(engine), utc(2021, 12, 20, 12), horizon=timedelta(days=140))
    assert keys(rows(engine)) == [
        # 1 January 2022 (Saturday, holiday): the day before and the day itself are both
        # Friday 31 December; one row says it.
        ("nieuwjaar-2022", 0, utc(2021, 12, 31, 8), "planned"),
        ("na-koningsdag", 1, utc(2022, 4, 26, 7), "planned"),  # not on Koningsdag
        ("na-koningsdag", 0, utc(2022, 4, 28, 7), "planned"),
        ("maandag-2-mei", 1, utc(2022, 4, 29, 7), "planned"),  # not on Sunday 1 May
        ("maandag-2-mei", 0, utc(2022, 5, 2, 7), "planned"),
    ]


def test_a_period_counts_back_from_its_start(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["informatiehuishouding"])
    plan(engine, Catalog(engine), utc(2021, 11, 25, 12), horizon=LONG)
    assert keys(rows(engine)) == [
        ("woo-inwerkingtreding", 30, utc(2021, 12, 2, 8), "planned"),
        ("woo-inwerkingtreding", 7, utc(2021, 12, 24, 8), "planned"),
        ("woo-inwerkingtreding", 0, utc(2021, 12, 31, 8), "planned"),
    ]
    # Once the half-year has begun it is not ahead any more: nothing new is planned.
    assert (
        plan(engine, Catalog(engine), utc(2022, 1, 3, 12), chat_ids=[1], horizon=LONG).planned == 0
    )


def test_a_recurring_obligation_plans_its_next_occurrence(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["digitaal"], lead_days=[7, 0])
    plan(engine, Catalog(engine), utc(2022, 9, 1, 12), horizon=LONG)
    # October 2022; the 1st is a Saturday, so "on the day" is Friday 30 September.
    assert keys(rows(engine)) == [
        ("cyberoefening", 7, utc(2022, 9, 23, 7), "planned"),
        ("cyberoefening", 0, utc(2022, 9, 30, 7), "planned"),
    ]
    assert {r.occurrence for r in rows(engine)} == {date(2022, 10, 1)}


def test_planning_is_idempotent_and_incremental(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1)
    add_chat(engine, 2, ["verkiezingen"])
    catalog = Catalog(engine)
    now = utc(2022, 2, 10, 12)
    first = plan(engine, catalog, now, horizon=timedelta(days=7))
    before = rows(engine)
    assert first.planned == len(before) == 2  # both chats: 30 days before the election
    again = plan(engine, catalog, now, horizon=timedelta(days=7))
    assert again.planned == 0 and rows(engine) == before
    # A routine run plans only the new slice: up to 7 days past the next run.
    later = plan(engine, catalog, now + timedelta(days=30), horizon=timedelta(days=7))
    assert not later.full and later.planned == 2 * 3  # leads 7, 1 and 0 for both chats
    assert [r for r in rows(engine) if r.id in {b.id for b in before}] == before
    assert plan(engine, catalog, now + timedelta(days=30), full=True).planned == 0


def test_unwanted_rows_are_cancelled_and_come_back(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen", "wonen"])
    catalog = Catalog(engine)
    now = utc(2022, 3, 1, 12)
    plan(engine, catalog, now, horizon=LONG)
    assert len(rows(engine, obligation_id="verkiezingen-2022")) == 3  # 7, 1 and 0 days
    ids = {r.id for r in rows(engine)}

    unsubscribe(engine, 1, ["verkiezingen"], now)
    report = plan(engine, catalog, now, chat_ids=[1], horizon=LONG)
    assert report.cancelled == 3
    assert {r.state for r in rows(engine, obligation_id="verkiezingen-2022")} == {"cancelled"}

    subscribe(engine, 1, ["verkiezingen"], now)
    plan(engine, catalog, now, chat_ids=[1], horizon=LONG)
    assert {r.state for r in rows(engine, obligation_id="verkiezingen-2022")} == {"planned"}

    set_lead_days(engine, 1, [7, 1], now)  # the day itself no longer wanted
    plan(engine, catalog, now, chat_ids=[1], horizon=LONG)
    states = {r.lead_days: r.state for r in rows(engine, obligation_id="verkiezingen-2022")}
    assert states == {7: "planned", 1: "planned", 0: "cancelled"}

    close(engine, 1, "na-koningsdag", "afgerond", now)
    plan(engine, catalog, now, chat_ids=[1], horizon=LONG)
    assert {r.state for r in rows(engine, obligation_id="na-koningsdag")} == {"cancelled"}
    assert {r.id for r in rows(engine)} >= ids  # nothing was ever deleted


def test_a_new_send_time_moves_planned_rows(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen"], lead_days=[7, 0])
    catalog = Catalog(engine)
    now = utc(2022, 3, 1, 12)
    plan(engine, catalog, now, horizon=LONG)
    with engine.begin() as connection:
        connection.execute(update(CHAT).where(CHAT.c.id == 1).values(send_time=time(16, 30)))
    report = plan(engine, catalog, now, chat_ids=[1], horizon=LONG)
    assert report.planned == 2
    assert keys(rows(engine)) == [
        ("verkiezingen-2022", 7, utc(2022, 3, 9, 15, 30), "planned"),
        ("verkiezingen-2022", 0, utc(2022, 3, 16, 15, 30), "planned"),
    ]


def test_a_routine_run_notices_changed_chats(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen"])
    catalog = Catalog(engine)
    now = utc(2022, 3, 1, 12)
    plan(engine, catalog, now, horizon=LONG)
    unsubscribe(engine, 1, None, now + timedelta(minutes=3))
    report = plan(engine, catalog, now + timedelta(minutes=10), horizon=LONG)
    assert report.changed_chats == 1 and report.cancelled == 3


def test_a_catalogue_change_replans_and_sent_rows_stay(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen", "verkiezingen"])
    catalog = Catalog(engine)
    now = utc(2022, 3, 1, 12)
    plan(engine, catalog, now, horizon=LONG)
    sent = rows(engine, obligation_id="verkiezingen-2022")[0]
    with engine.begin() as connection:
        connection.execute(update(REMINDER).where(REMINDER.c.id == sent.id).values(state="sent"))
    moved = replace(MONDAY, span=Span.day(date(2022, 5, 3)))
    sync_catalogue(engine, catalogue([KONINGSDAG, moved, NEW_YEAR]), now)  # election withdrawn
    report = plan(engine, Catalog(engine), now + timedelta(minutes=1), horizon=LONG)
    assert report.full
    election = {r.id: r.state for r in rows(engine, obligation_id="verkiezingen-2022")}
    assert election[sent.id] == "sent" and set(election.values()) == {"sent", "cancelled"}
    monday = {
        (r.occurrence, r.lead_days): r.state for r in rows(engine, obligation_id="maandag-2-mei")
    }
    assert monday == {(date(2022, 5, 2), 30): "cancelled", (date(2022, 5, 3), 30): "planned"}


def test_downtime_gap_is_planned_for_catch_up(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen"])
    catalog = Catalog(engine)
    plan(engine, catalog, utc(2022, 3, 5, 12))  # Saturday: plans up to Monday noon
    assert rows(engine) == []
    # Down for over a week; the next run plans from where the last one stopped.
    report = plan(engine, catalog, utc(2022, 3, 14, 12))
    assert report.window_start == utc(2022, 3, 7, 12)
    assert keys(rows(engine)) == [
        ("verkiezingen-2022", 7, utc(2022, 3, 9, 8), "planned"),  # missed: for the catch-up
        ("verkiezingen-2022", 1, utc(2022, 3, 15, 8), "planned"),
        ("verkiezingen-2022", 0, utc(2022, 3, 16, 8), "planned"),
    ]


def test_digest_rows_on_mondays_for_chats_that_want_one(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen"], digest=True, lead_days=[0])
    add_chat(engine, 2, ["wonen"], lead_days=[0])
    plan(engine, Catalog(engine), utc(2022, 3, 1, 12), horizon=timedelta(days=14))
    digests = rows(engine, obligation_id=DIGEST_ID)
    assert [(r.chat_id, r.occurrence, r.due_at) for r in digests] == [
        (1, date(2022, 3, 7), utc(2022, 3, 7, 8)),
        (1, date(2022, 3, 14), utc(2022, 3, 14, 8)),
    ]


# --- texts ---------------------------------------------------------------------------------


def test_when_phrases_say_precision_and_certainty() -> None:
    assert when_phrase(Span.day(date(2022, 3, 16)), "day", "vast") == "op 16 maart 2022"
    assert when_phrase(WOO.span, "half", "verwacht") == "verwacht in de eerste helft van 2022"
    assert when_phrase(Span(date(2022, 4, 1), date(2022, 6, 30)), "quarter", "vast") == (
        "in het 2e kwartaal van 2022"
    )
    assert when_phrase(Span(date(2022, 3, 1), date(2022, 5, 31)), "season", "onzeker") == (
        "mogelijk in het voorjaar van 2022 (onzeker)"
    )
    assert when_phrase(Span(date(2023, 1, 1), date(2025, 12, 31)), "year", "vast") == (
        "in de periode 2023 t/m 2025"
    )


def test_one_reminder_message() -> None:
    risky = replace(
        ELECTION,
        title="Verkiezingen <b>& zo</b>",
        action='Organiseer "alles" <script>',
    )
    [message] = reminder_messages([Occurrence(risky, risky.span)], date(2022, 3, 9), PUBLIC_URL)
    text, _ = parse_html(message.text)  # Telegram would accept it
    assert "Verkiezingen <b>& zo</b>" in text and 'Organiseer "alles" <script>' in text
    assert "Op 16 maart 2022 · over 7 dagen" in text
    assert f'href="{PUBLIC_URL}/obligations/verkiezingen-2022"' in message.text
    assert [[b.text for b in row] for row in message.buttons] == [["Details", "Afgerond", "Later"]]
    assert [b.callback_data for b in message.buttons[0]] == [
        f"d:{obligation_ref(ELECTION.id)}",
        f"a:{obligation_ref(ELECTION.id)}",
        f"s:{obligation_ref(ELECTION.id)}:20220316",
    ]
    assert all(len(b.callback_data.encode()) <= 64 for row in message.buttons for b in row)
    assert message.covers == (("verkiezingen-2022", date(2022, 3, 16)),)
    [today] = reminder_messages(
        [Occurrence(ELECTION, ELECTION.span)], date(2022, 3, 16), PUBLIC_URL
    )
    assert "Op 16 maart 2022 · vandaag" in today.text


def test_a_period_reminder_names_the_period() -> None:
    [message] = reminder_messages([Occurrence(WOO, WOO.span)], date(2021, 12, 2), PUBLIC_URL)
    assert "Verwacht in de eerste helft van 2022 · begint over 30 dagen" in message.text


def test_reminders_at_one_moment_are_one_message_and_split_only_past_the_limit() -> None:
    items = [Occurrence(o, o.span) for o in (ELECTION, KONINGSDAG, NEW_YEAR)]
    [message] = reminder_messages(items + items[:1], date(2021, 12, 1), PUBLIC_URL)
    assert message.text.startswith("🔔 <b>3 herinneringen</b>")  # the duplicate counted once
    assert len(message.covers) == 3
    many = [
        Occurrence(o, o.span)
        for o in (
            replace(ELECTION, id=f"item-{n}", title=f"Verplichting {n} " + "x" * 120)
            for n in range(60)
        )
    ]
    messages = reminder_messages(many, date(2022, 3, 1), PUBLIC_URL, catch_up=True)
    assert len(messages) > 1
    assert sum(len(m.covers) for m in messages) == 60
    for number, message in enumerate(messages, start=1):
        assert len(message.text) <= MESSAGE_LIMIT
        assert f"(deel {number} van {len(messages)})" in message.text
        assert "Terwijl ik offline was" in message.text
        parse_html(message.text)


def test_the_digest_lists_four_weeks_and_overdue_open_items(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen", "verkiezingen"], digest=True)
    close(engine, 1, "na-koningsdag", "nvt", SYNCED)
    with engine.connect() as connection:
        teams = Teams.load(connection, [1])
    digest = build_digest(Catalog(engine).all(), teams, 1, date(2022, 4, 5))
    assert [o.obligation.id for o in digest.upcoming] == ["maandag-2-mei"]  # Koningsdag's closed
    assert [o.obligation.id for o in digest.overdue] == ["verkiezingen-2022"]
    [message] = digest_messages(digest, PUBLIC_URL)
    text, _ = parse_html(message.text)
    assert "Weekoverzicht" in text and "De komende vier weken (1)" in text
    assert "Voorbij en nog open (1)" in text and "20 dagen geleden" in text
