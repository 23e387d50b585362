"""Reminders for a team's own deadlines, and snoozing ("Later") a reminder (issue 7), from
planning through sending, on a real SQLite file and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update

from obligations.queries import Catalog, Occurrence
from obligations.reminders import (
    FULL_ITEMS,
    OWN_LINE,
    SNOOZE_PREFIX,
    Teams,
    build_digest,
    digest_messages,
    obligation_ref,
    own_prefix,
    parse_snooze_callback,
    plan,
    reminder_messages,
    resolve_ref,
    snooze,
    snooze_lead_days,
)
from obligations.span import Span
from obligations.store import ALL_TOPICS
from obligations.sync import sync_catalogue
from obligations.teams import ensure_chat, set_active, set_lead_days, unsubscribe
from obligations.workflow import (
    Actor,
    TeamDeadline,
    add_deadline,
    edit_deadline,
    own_obligation_id,
    remove_deadline,
    set_status,
)
from tests.fakebotapi import parse_html
from tests.test_dispatch import FakeTelegram, dispatcher, run
from tests.test_reminders import (
    ALL,
    CHAT,
    ELECTION,
    KONINGSDAG,
    LONG,
    MONDAY,
    NEW_YEAR,
    PUBLIC_URL,
    SYNCED,
    add_chat,
    catalogue,
    database,
    rows,
    utc,
)

GROUP = -100200  # a supergroup: its own ids look like "eigen-100200-1"
PERSON = 42
OTHER = 7  # subscribed to everything ("alles"), but has no own deadlines
ANNE = Actor(1, "Anne")
COUNCIL_DAY = date(2022, 5, 10)  # a Tuesday in summer time: 09:00 is 07:00 UTC
MORNING = utc(2022, 5, 1, 12)  # planning starts here (a Sunday)


def state_of(engine: Engine, **where: Any) -> dict[tuple[int, int], tuple[str, str | None]]:
    """(chat, lead_days): (state, last_error) of the matching rows."""
    return {(r.chat_id, r.lead_days): (r.state, r.last_error) for r in rows(engine, **where)}


def teams_world(url: str) -> tuple[Engine, str]:
    """A group following an unrelated topic with its own council deadline, a person with
    no subscriptions at all, and a chat that follows everything."""
    engine = database(url)
    add_chat(engine, GROUP, ["digitaal"], kind="supergroup")
    ensure_chat(engine, PERSON, "private", "Piet", SYNCED)
    add_chat(engine, OTHER, [ALL_TOPICS])
    deadline = add_deadline(
        engine, GROUP, "Raadsbesluit <verordening>", Span.day(COUNCIL_DAY), None, ANNE, SYNCED
    )
    return engine, deadline.subject(GROUP)


# --- own deadlines -------------------------------------------------------------------------


def test_own_ids_carry_the_chat_and_the_prefixes_tell_chats_apart() -> None:
    for chat_id in (PERSON, 4, GROUP, -1002, -100):
        assert own_obligation_id(chat_id, 3).startswith(own_prefix(chat_id))
    assert own_obligation_id(GROUP, 3) == "eigen-100200-3"
    assert not own_obligation_id(PERSON, 3).startswith(own_prefix(4))
    assert not own_obligation_id(GROUP, 3).startswith(own_prefix(-1002))


def test_an_own_deadline_is_reminded_on_its_day_at_nine_in_its_chat_only(
    database_url: str,
) -> None:
    engine, subject = teams_world(database_url)
    assert subject == "eigen-100200-1"
    plan(engine, Catalog(engine), MORNING, horizon=LONG)
    # Lead times 30/7/1/0: 30 days before lies before this run; the rest at 09:00 Amsterdam.
    assert [(r.chat_id, r.lead_days, r.due_at) for r in rows(engine, obligation_id=subject)] == [
        (GROUP, 7, utc(2022, 5, 3, 7)),
        (GROUP, 1, utc(2022, 5, 9, 7)),
        (GROUP, 0, utc(2022, 5, 10, 7)),
    ]
    telegram = FakeTelegram()
    sender = dispatcher(engine, telegram)
    for moment in (utc(2022, 5, 3, 7), utc(2022, 5, 9, 7), utc(2022, 5, 10, 6, 59, 30)):
        run(sender, moment)
    assert len(telegram.to(GROUP)) == 2  # a week and a day before
    run(sender, utc(2022, 5, 10, 7))
    mentions = [s for s in telegram.sent if "Raadsbesluit" in s.text]
    assert {s.chat_id for s in mentions} == {GROUP}  # OTHER follows "alles", yet gets none
    message = telegram.to(GROUP)[-1]
    text, _ = parse_html(message.text)
    assert "Raadsbesluit <verordening>" in text  # escaped on the way in, shown as typed
    assert "Op 10 mei 2022 · vandaag" in text and OWN_LINE in text
    assert "href" not in message.text  # no catalogue page to link to
    # No Details: there is no catalogue page; Afgerond and Later work as for any other.
    assert [(b.text, b.callback_data) for b in message.buttons[0]] == [
        ("Afgerond", f"a:{obligation_ref(subject)}"),
        ("Later", f"s:{obligation_ref(subject)}:20220510"),
    ]
    assert {r.state for r in rows(engine, obligation_id=subject)} == {"sent"}
    sender.close()


def test_own_deadlines_follow_lead_times_and_holidays_without_any_subscription(
    database_url: str,
) -> None:
    engine, _ = teams_world(database_url)
    set_lead_days(engine, PERSON, [1, 0], SYNCED)
    # Thursday after Koningsdag: "1 day before" is Koningsdag itself, so Tuesday.
    mine = add_deadline(
        engine, PERSON, "Begroting", Span.day(date(2022, 4, 28)), None, ANNE, SYNCED
    )
    plan(engine, Catalog(engine), utc(2022, 4, 20, 12), horizon=LONG)
    subject = mine.subject(PERSON)
    assert subject == "eigen42-1"
    assert [(r.lead_days, r.due_at) for r in rows(engine, chat_id=PERSON)] == [
        (1, utc(2022, 4, 26, 7)),
        (0, utc(2022, 4, 28, 7)),
    ]
    with engine.connect() as connection:
        teams = Teams.load(connection)
    by_id = {item.id: item for item in Catalog(engine).all()}
    occurrence = date(2022, 4, 28)
    assert teams.unwanted(PERSON, subject, occurrence, 0, by_id) is None
    assert teams.unwanted(OTHER, subject, occurrence, 0, by_id) is not None
    assert teams.unwanted(PERSON, subject, occurrence, 7, by_id) == "lead time removed"
    assert teams.unwanted(PERSON, subject, date(2022, 4, 29), 0, by_id) == "date changed"


def test_removing_an_own_deadline_cancels_its_rows(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    catalog = Catalog(engine)
    plan(engine, catalog, MORNING, horizon=LONG)
    remove_deadline(engine, GROUP, "eigen-1", ANNE, MORNING + timedelta(minutes=1))
    report = plan(engine, catalog, MORNING + timedelta(minutes=10), horizon=LONG)  # routine
    assert report.changed_chats == 1 and report.cancelled == 3
    assert set(state_of(engine, obligation_id=subject).values()) == {
        ("cancelled", "cancelled: deadline removed")
    }
    with engine.connect() as connection:
        teams = Teams.load(connection, [GROUP])
    assert teams.unwanted(GROUP, subject, COUNCIL_DAY, 0, {}) == "deadline removed"


def test_a_removal_the_planner_has_not_seen_stops_the_reminder_at_send_time(
    database_url: str,
) -> None:
    engine, subject = teams_world(database_url)
    plan(engine, Catalog(engine), MORNING, horizon=LONG)
    remove_deadline(engine, GROUP, "eigen-1", ANNE, utc(2022, 5, 3, 6))
    telegram = FakeTelegram()
    run(dispatcher(engine, telegram), utc(2022, 5, 3, 7))
    assert telegram.to(GROUP) == []
    assert state_of(engine, obligation_id=subject)[(GROUP, 7)] == (
        "cancelled",
        "cancelled: deadline removed",
    )


def test_closing_an_own_deadline_cancels_and_reopening_brings_it_back(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    catalog = Catalog(engine)
    plan(engine, catalog, MORNING, horizon=LONG)
    set_status(engine, GROUP, subject, "afgerond", ANNE, MORNING)
    assert plan(engine, catalog, MORNING, chat_ids=[GROUP], horizon=LONG).cancelled == 3
    assert set(state_of(engine, obligation_id=subject).values()) == {
        ("cancelled", "cancelled: closed by team")
    }
    set_status(engine, GROUP, subject, "open", ANNE, MORNING)
    assert plan(engine, catalog, MORNING, chat_ids=[GROUP], horizon=LONG).planned == 3
    assert {s for s, _ in state_of(engine, obligation_id=subject).values()} == {"planned"}


def test_moving_an_own_deadline_replans_it(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    catalog = Catalog(engine)
    plan(engine, catalog, MORNING, horizon=LONG)
    later = date(2022, 5, 17)
    edit_deadline(
        engine, GROUP, "eigen-1", ANNE, MORNING + timedelta(minutes=1), span=Span.day(later)
    )
    plan(engine, catalog, MORNING + timedelta(minutes=10), horizon=LONG)  # routine: sees it
    found = {
        (r.occurrence, r.lead_days): (r.state, r.last_error)
        for r in rows(engine, obligation_id=subject)
    }
    assert {k: v for k, v in found.items() if k[0] == COUNCIL_DAY} == {
        (COUNCIL_DAY, lead): ("cancelled", "cancelled: date changed") for lead in (7, 1, 0)
    }
    assert {k: v[0] for k, v in found.items() if k[0] == later} == {
        (later, lead): "planned" for lead in (7, 1, 0)
    }


def test_a_catalogue_change_leaves_own_deadlines_alone(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    plan(engine, Catalog(engine), MORNING, horizon=LONG)
    sync_catalogue(engine, catalogue([KONINGSDAG, MONDAY, NEW_YEAR]), MORNING)
    report = plan(engine, Catalog(engine), MORNING + timedelta(minutes=1), horizon=LONG)
    assert report.full
    assert {s for s, _ in state_of(engine, obligation_id=subject).values()} == {"planned"}


def test_the_digest_lists_the_teams_own_deadlines(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    with engine.connect() as connection:
        teams = Teams.load(connection)
    digest = build_digest(Catalog(engine).all(), teams, GROUP, date(2022, 5, 2))
    assert subject in [o.obligation.id for o in digest.upcoming]
    others = build_digest(Catalog(engine).all(), teams, OTHER, date(2022, 5, 2))
    assert subject not in [o.obligation.id for o in others.upcoming]
    [message] = digest_messages(digest, PUBLIC_URL)
    text, _ = parse_html(message.text)
    assert "Raadsbesluit <verordening> (eigen deadline van dit team)" in text


# --- snoozing ------------------------------------------------------------------------------


def election_chat(url: str, lead_days: list[int]) -> Engine:
    """Chat 1 follows the elections of 16 March 2022; planned far enough ahead."""
    engine = database(url)
    add_chat(engine, 1, ["verkiezingen"], lead_days=lead_days)
    plan(engine, Catalog(engine), utc(2022, 3, 8, 12), horizon=LONG)
    return engine


def press_later(engine: Engine, data: str, pressed: datetime, wait: timedelta) -> bool:
    """What the bot does with "s:<ref>:<yyyymmdd>" and a choice of 1 dag or 1 week."""
    parsed = parse_snooze_callback(data)
    assert parsed is not None
    ref, occurrence = parsed
    obligation_id = resolve_ref(ref, [item.id for item in Catalog(engine).all()])
    assert obligation_id is not None
    return snooze(engine, 1, obligation_id, occurrence, pressed + wait, pressed)


def test_snooze_a_day_sends_once_more_and_leaves_the_series_alone(database_url: str) -> None:
    engine = election_chat(database_url, [7, 0])
    regular = {r.id: (r.lead_days, r.due_at) for r in rows(engine)}
    telegram = FakeTelegram()
    sender = dispatcher(engine, telegram)
    run(sender, utc(2022, 3, 9, 8))  # a week before
    [first] = telegram.to(1)
    later = first.buttons[0][2]
    assert later.text == "Later" and later.callback_data.startswith(SNOOZE_PREFIX)
    pressed = utc(2022, 3, 9, 8, 5, 20)
    assert press_later(engine, later.callback_data, pressed, timedelta(days=1))
    [snoozed] = [r for r in rows(engine) if r.id not in regular]
    until = utc(2022, 3, 10, 8, 6)  # rounded up to a whole minute
    assert (snoozed.due_at, snoozed.lead_days, snoozed.occurrence) == (
        until,
        snooze_lead_days(until),
        date(2022, 3, 16),
    )
    assert snoozed.lead_days < 0

    assert run(sender, until - timedelta(seconds=30)).messages == 0
    assert run(sender, until).messages == 1
    assert run(sender, until + timedelta(seconds=30)).messages == 0
    second = telegram.to(1)[1]
    text, _ = parse_html(second.text)
    assert text.startswith("⏰ Uitgestelde herinnering") and "Verkiezingen 2022" in text
    assert "over 6 dagen" in text

    run(sender, utc(2022, 3, 16, 8))  # the series goes on as planned
    assert len(telegram.to(1)) == 3 and telegram.to(1)[2].text.startswith("🔔 <b>Herinnering")
    assert {r.id: (r.lead_days, r.due_at) for r in rows(engine) if r.id in regular} == regular
    assert {r.state for r in rows(engine)} == {"sent"}
    sender.close()


def test_a_lead_time_change_does_not_cancel_a_snooze(database_url: str) -> None:
    engine = election_chat(database_url, [7, 0])
    now = utc(2022, 3, 9, 9)
    assert snooze(engine, 1, ELECTION.id, ELECTION.span.start, now + timedelta(days=1), now)
    set_lead_days(engine, 1, [1], now)
    plan(engine, Catalog(engine), now, chat_ids=[1], horizon=LONG)
    plan(engine, Catalog(engine), now + timedelta(minutes=10), horizon=LONG, full=True)
    found = {r.lead_days: (r.state, r.last_error) for r in rows(engine)}
    assert found[0] == ("cancelled", "cancelled: lead time removed")
    assert found[snooze_lead_days(now + timedelta(days=1))] == ("planned", None)
    telegram = FakeTelegram()
    assert run(dispatcher(engine, telegram), now + timedelta(days=1)).messages == 1


def test_snoozing_again_moves_a_planned_snooze_and_a_sent_one_can_be_snoozed_again(
    database_url: str,
) -> None:
    engine = election_chat(database_url, [7])
    telegram = FakeTelegram()
    sender = dispatcher(engine, telegram)
    assert run(sender, utc(2022, 3, 9, 8)).messages == 1  # the regular one, a week before
    occurrence, now = ELECTION.span.start, utc(2022, 3, 9, 9)
    day, week = now + timedelta(days=1), now + timedelta(weeks=1)
    assert snooze(engine, 1, ELECTION.id, occurrence, day, now)
    assert snooze(engine, 1, ELECTION.id, occurrence, day, now)  # twice: still one row
    assert snooze(engine, 1, ELECTION.id, occurrence, week, now + timedelta(minutes=1))
    snoozes = {r.due_at: (r.state, r.last_error) for r in rows(engine) if r.lead_days < 0}
    assert snoozes == {
        day: ("cancelled", "cancelled: snoozed again"),
        week: ("planned", None),
    }
    assert run(sender, day).messages == 0  # moved away from here
    assert run(sender, week).messages == 1
    # The snoozed message has its own "Later": snoozing the same occurrence once more.
    assert snooze(engine, 1, ELECTION.id, occurrence, week + timedelta(days=1), week)
    assert run(sender, week + timedelta(days=1)).messages == 1
    assert [r.state for r in rows(engine) if r.lead_days < 0] == ["cancelled", "sent", "sent"]
    sender.close()


def test_a_snooze_goes_out_after_the_day_itself(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    plan(engine, Catalog(engine), utc(2022, 5, 9, 12), horizon=LONG)  # only the day itself left
    telegram = FakeTelegram()
    sender = dispatcher(engine, telegram)
    run(sender, utc(2022, 5, 10, 7))
    assert len(telegram.to(GROUP)) == 1
    pressed = utc(2022, 5, 10, 7, 1)
    assert snooze(engine, GROUP, subject, COUNCIL_DAY, pressed + timedelta(days=1), pressed)
    assert run(sender, pressed + timedelta(days=1)).messages == 1
    text, _ = parse_html(telegram.to(GROUP)[-1].text)
    assert text.startswith("⏰ Uitgestelde herinnering") and "Op 10 mei 2022 · gisteren" in text
    assert OWN_LINE in text
    sender.close()


def test_a_snooze_is_refused_when_there_is_nothing_to_remind(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    now = utc(2022, 5, 2, 12)
    tomorrow = now + timedelta(days=1)
    assert not snooze(engine, GROUP, subject, COUNCIL_DAY, now, now)  # not in the future
    assert not snooze(engine, GROUP, subject, date(2022, 5, 11), tomorrow, now)  # no such date
    assert not snooze(engine, OTHER, subject, COUNCIL_DAY, tomorrow, now)  # not their deadline
    assert not snooze(engine, GROUP, "bestaat-niet", COUNCIL_DAY, tomorrow, now)
    assert not snooze(engine, GROUP, ELECTION.id, ELECTION.span.start, tomorrow, now)  # unfollowed
    long_after = datetime.combine(COUNCIL_DAY + timedelta(days=60), datetime.min.time(), now.tzinfo)
    assert not snooze(engine, GROUP, subject, COUNCIL_DAY, long_after, long_after)
    set_status(engine, GROUP, subject, "nvt", ANNE, now)
    assert not snooze(engine, GROUP, subject, COUNCIL_DAY, tomorrow, now)
    set_status(engine, GROUP, subject, "open", ANNE, now)
    set_active(engine, GROUP, False, now)
    assert not snooze(engine, GROUP, subject, COUNCIL_DAY, tomorrow, now)
    assert [r for r in rows(engine) if r.lead_days < 0] == []


def test_snoozes_are_still_cancelled_when_closed_withdrawn_or_the_chat_left(
    database_url: str,
) -> None:
    engine, subject = teams_world(database_url)
    for chat_id in (1, 2):
        add_chat(engine, chat_id, ["wonen"])
    now = utc(2022, 4, 20, 12)
    moment = now + timedelta(days=1)
    occurrence = KONINGSDAG.span.start
    for chat_id in (1, 2):
        assert snooze(engine, chat_id, KONINGSDAG.id, occurrence, moment, now)
    assert snooze(engine, GROUP, subject, COUNCIL_DAY, moment, now)
    set_status(engine, 1, KONINGSDAG.id, "afgerond", ANNE, now)
    set_active(engine, 2, False, now)
    remove_deadline(engine, GROUP, "eigen-1", ANNE, now)
    plan(engine, Catalog(engine), now, chat_ids=[1, 2, GROUP], horizon=LONG)
    snoozes = {r.chat_id: r.last_error for r in rows(engine) if r.lead_days < 0}
    assert snoozes == {
        1: "cancelled: closed by team",
        2: "cancelled: chat inactive",
        GROUP: "cancelled: deadline removed",
    }
    # Withdrawn from the catalogue: a snooze in a chat that still follows it goes too.
    add_chat(engine, 3, ["wonen"])
    assert snooze(engine, 3, KONINGSDAG.id, occurrence, moment, now)
    sync_catalogue(engine, catalogue([item for item in ALL if item is not KONINGSDAG]), now)
    plan(engine, Catalog(engine), now + timedelta(minutes=1), horizon=LONG)
    [withdrawn] = [r for r in rows(engine, chat_id=3) if r.lead_days < 0]
    assert withdrawn.last_error == "cancelled: obligation withdrawn"


def test_the_planners_rules_and_teams_unwanted_agree(database_url: str) -> None:
    """What a full re-plan cancels in SQL is exactly what the dispatcher would refuse."""
    engine, subject = teams_world(database_url)
    add_deadline(engine, PERSON, "Begroting", Span.day(date(2022, 5, 12)), None, ANNE, SYNCED)
    now = MORNING
    plan(engine, Catalog(engine), now, horizon=LONG)
    assert snooze(engine, GROUP, subject, COUNCIL_DAY, now + timedelta(days=1), now)
    assert snooze(engine, OTHER, MONDAY.id, MONDAY.span.start, now + timedelta(hours=2), now)
    set_lead_days(engine, GROUP, [1, 0], now)  # 7 days before goes, the snooze stays
    remove_deadline(engine, PERSON, "eigen-1", ANNE, now)
    unsubscribe(engine, OTHER, None, now)
    with engine.connect() as connection:
        teams = Teams.load(connection)
    by_id = {item.id: item for item in Catalog(engine).all()}
    expected = {
        r.id: teams.unwanted(r.chat_id, r.obligation_id, r.occurrence, r.lead_days, by_id)
        for r in rows(engine, state="planned")
    }
    plan(engine, Catalog(engine), now + timedelta(minutes=1), horizon=LONG, full=True)
    after = {r.id: (r.state, r.last_error) for r in rows(engine)}
    # SQL has one rule where Python tells "no subscriptions" apart from "unsubscribed".
    same = {"no subscriptions": "unsubscribed"}
    assert {i: after[i] for i in expected} == {
        i: ("planned", None)
        if reason is None
        else ("cancelled", f"cancelled: {same.get(reason, reason)}")
        for i, reason in expected.items()
    }
    reasons = set(expected.values())
    assert {None, "lead time removed", "deadline removed", "no subscriptions"} <= reasons
    kept = [r for r in rows(engine, chat_id=GROUP, state="planned")]
    assert {r.lead_days for r in kept} == {1, 0, snooze_lead_days(now + timedelta(days=1))}


# --- buttons and their callback data -------------------------------------------------------


def add_own_obligation(title: str, day: date) -> Any:
    """An own deadline in the catalogue's shape, as Teams.load makes it."""
    deadline = TeamDeadline(1, title, Span.day(day), None, 1, SYNCED)
    return deadline.as_obligation(GROUP)


def test_later_buttons_and_their_callback_data() -> None:
    items = [Occurrence(o, o.span) for o in (ELECTION, KONINGSDAG, NEW_YEAR)]
    [message] = reminder_messages(items, date(2021, 12, 1), PUBLIC_URL)
    assert [[b.text for b in row] for row in message.buttons] == [
        [f"{n}. Details", f"{n}. Afgerond", f"{n}. Later"] for n in (1, 2, 3)
    ]
    datas = [b.callback_data for row in message.buttons for b in row]
    assert all(len(data.encode()) <= 64 for data in datas)
    later = message.buttons[0][2].callback_data
    assert parse_snooze_callback(later) == (obligation_ref(NEW_YEAR.id), NEW_YEAR.span.start)
    assert parse_snooze_callback("d:0123456789") is None
    assert parse_snooze_callback("s:0123456789:20221301") is None  # no 13th month
    ids = [ELECTION.id, KONINGSDAG.id, own_obligation_id(GROUP, 1)]
    assert resolve_ref(obligation_ref(ids[2]), ids) == ids[2]
    assert resolve_ref("0000000000", ids) is None
    # The long list keeps to one details button per catalogue item.
    own = add_own_obligation(title="Raadsvoorstel", day=date(2022, 2, 1))
    many = [Occurrence(o, o.span) for o in [*ALL[:FULL_ITEMS], own]]
    [listed] = reminder_messages(many, date(2021, 9, 1), PUBLIC_URL)
    assert [b.callback_data[:2] for r in listed.buttons for b in r] == ["d:"] * FULL_ITEMS
    assert "Raadsvoorstel (eigen deadline van dit team)" in parse_html(listed.text)[0]


def test_a_snooze_meeting_a_regular_reminder_is_one_message() -> None:
    items = [Occurrence(ELECTION, ELECTION.span), Occurrence(NEW_YEAR, NEW_YEAR.span)]
    snoozed = {(ELECTION.id, ELECTION.span.start)}
    [message] = reminder_messages(items, date(2021, 12, 1), PUBLIC_URL, snoozed=snoozed)
    text, _ = parse_html(message.text)
    assert text.startswith("🔔 2 herinneringen")
    assert "Verkiezingen 2022 · uitgesteld" in text and "Nieuwjaar 2022 · uitgesteld" not in text


def test_a_chat_made_inactive_gets_no_own_deadline_rows(database_url: str) -> None:
    engine, subject = teams_world(database_url)
    with engine.begin() as connection:
        connection.execute(update(CHAT).where(CHAT.c.id == GROUP).values(active=False))
    plan(engine, Catalog(engine), MORNING, horizon=LONG)
    assert rows(engine, obligation_id=subject) == []
    with engine.begin() as connection:
        connection.execute(update(CHAT).where(CHAT.c.id == GROUP).values(active=True))
    assert plan(engine, Catalog(engine), MORNING, chat_ids=[GROUP], horizon=LONG).planned == 3
