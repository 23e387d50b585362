"""Sending reminders: claims, Telegram's errors, restarts and downtime, on real databases.

Telegram is faked here by a small Notifier that records sends and raises the dispatcher's
typed errors on cue; the bot adapter's tests run the real thing against the fake Bot API.
Time for rate limits and backoff is fake too (no test sleeps); the business clock is the
`now` each tick gets.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine, insert, select
from sqlmodel import SQLModel

from obligations.clock import FixedClock
from obligations.dispatch import (
    Button,
    ChatGone,
    Dispatcher,
    PermanentFailure,
    RateLimiter,
    RetryLater,
    TemporaryFailure,
    schedule,
)
from obligations.queries import Catalog
from obligations.reminders import DIGEST_ID, plan
from obligations.store import is_sqlite, make_engine, open_database
from obligations.teams import get_chat, unsubscribe
from tests.fakebotapi import parse_html
from tests.test_reminders import (
    ALL,
    PUBLIC_URL,
    add_chat,
    database,
    obligation,
    rows,
    utc,
)

REMINDER = SQLModel.metadata.tables["reminder"]
ELECTION_DAY = utc(2022, 3, 16, 8)  # 09:00 in Amsterdam on 16 March 2022
ELECTION_EVE = utc(2022, 3, 15, 8)


class Crash(BaseException):
    """The process dies (kill -9 as far as the dispatcher can tell)."""


class FakeTime:
    """Monotonic time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Sent:
    chat_id: int
    text: str
    buttons: Sequence[Sequence[Button]]
    message_id: int


class FakeTelegram:
    """The Telegram side of the Notifier contract: records what arrives, fails on cue."""

    def __init__(self, crash_at: int | None = None, crash_after_delivery: bool = False) -> None:
        self.sent: list[Sent] = []
        self.calls = 0
        self.failures: dict[int, list[Exception]] = defaultdict(list)
        self.crash_at = crash_at
        self.crash_after_delivery = crash_after_delivery
        self.lock = threading.Lock()

    def fail(self, chat_id: int, *errors: Exception) -> None:
        self.failures[chat_id].extend(errors)

    async def send(self, chat_id: int, html_text: str, buttons: Sequence[Sequence[Button]]) -> int:
        await asyncio.sleep(0)
        with self.lock:
            self.calls += 1
            crash = self.calls == self.crash_at
            if crash and not self.crash_after_delivery:
                raise Crash
            if self.failures.get(chat_id):
                raise self.failures[chat_id].pop(0)
            parse_html(html_text)  # what Telegram would refuse, we refuse
            sent = Sent(chat_id, html_text, buttons, 5000 + len(self.sent))
            self.sent.append(sent)
        if crash:
            raise Crash  # delivered, but the process dies before the dispatcher hears back
        return sent.message_id

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]


def dispatcher(engine: Engine, telegram: FakeTelegram, **options: Any) -> Dispatcher:
    time = options.pop("time", None) or FakeTime()
    options.setdefault("plan_every", None)  # most tests plan themselves
    limiter = RateLimiter(clock=time.monotonic, sleep=time.sleep)
    return Dispatcher(engine, telegram, public_url=PUBLIC_URL, limiter=limiter, **options)


def run(dispatcher: Dispatcher, now: datetime) -> Any:
    return asyncio.run(dispatcher.tick(now))


def states(engine: Engine, **where: Any) -> dict[tuple[int, str, int], str]:
    return {(r.chat_id, r.obligation_id, r.lead_days): r.state for r in rows(engine, **where)}


def election_chats(url: str, count: int, items: Sequence[Any] = ALL) -> Engine:
    """`count` chats following the elections, reminded on the day only; planned the day before."""
    engine = database(url, items)
    for chat_id in range(1, count + 1):
        add_chat(engine, chat_id, ["verkiezingen"], lead_days=[0])
    plan(engine, Catalog(engine), utc(2022, 3, 15, 12))
    return engine


# --- sending -------------------------------------------------------------------------------


def test_reminders_go_out_at_their_moment_once_as_one_message_per_chat(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen", "informatiehuishouding"])
    add_chat(engine, 2, ["informatiehuishouding"])
    plan(engine, Catalog(engine), utc(2021, 12, 30, 12))
    telegram = FakeTelegram()
    sender = dispatcher(engine, telegram)

    assert run(sender, utc(2021, 12, 31, 7, 59)).claimed == 0
    report = run(sender, utc(2021, 12, 31, 8, 0))
    assert (report.messages, report.sent) == (2, 3)
    [both] = telegram.to(1)
    assert both.text.startswith("🔔 <b>2 herinneringen</b>")
    assert "Nieuwjaar 2022" in both.text and "Wet open overheid" in both.text
    assert "verwacht in de eerste helft van 2022" in telegram.to(2)[0].text.lower()
    assert run(sender, utc(2021, 12, 31, 8, 0, 30)).claimed == 0  # the next tick: nothing
    for row in rows(engine):
        assert row.state == "sent" and row.sent_at is not None
        assert row.message_id in {s.message_id for s in telegram.sent}
        assert row.claimed_by == sender.claimer_id
    sender.close()


def test_a_change_since_planning_stops_the_reminder_at_send_time(database_url: str) -> None:
    engine = election_chats(database_url, 2)
    unsubscribe(engine, 1, None, ELECTION_EVE)  # nobody re-planned since
    telegram = FakeTelegram()
    report = run(dispatcher(engine, telegram), ELECTION_DAY)
    assert report.cancelled == 1 and [s.chat_id for s in telegram.sent] == [2]
    assert states(engine) == {
        (1, "verkiezingen-2022", 0): "cancelled",
        (2, "verkiezingen-2022", 0): "sent",
    }


def test_a_restart_in_the_middle_of_a_batch_sends_the_rest_exactly_once(database_url: str) -> None:
    engine = election_chats(database_url, 5)
    telegram = FakeTelegram(crash_at=3)
    first = dispatcher(engine, telegram, concurrency=1)
    with pytest.raises(BaseExceptionGroup) as crashed:  # from the dispatcher's TaskGroup
        run(first, ELECTION_DAY)
    assert crashed.group_contains(Crash)
    assert sorted(s.chat_id for s in telegram.sent) == [1, 2]
    assert sorted(states(engine).values()) == ["claimed"] * 3 + ["sent"] * 2

    # A new process, a new engine. Two minutes later the claims still look alive: hands off.
    again = open_database(database_url)
    second = dispatcher(again, telegram)
    assert run(second, ELECTION_DAY + timedelta(minutes=2)).messages == 0
    # Past STALE_CLAIM they are a dead dispatcher's: released and sent.
    report = run(second, ELECTION_DAY + timedelta(minutes=11))
    assert report.released == 3 and report.messages == 3
    assert sorted(s.chat_id for s in telegram.sent) == [1, 2, 3, 4, 5]  # nobody twice
    assert set(states(again).values()) == {"sent"}
    assert run(second, ELECTION_DAY + timedelta(minutes=12)).claimed == 0
    first.close()
    second.close()


def test_the_in_flight_window_is_one_message(database_url: str) -> None:
    """A crash between Telegram accepting a message and recording it repeats that message
    (documented in dispatch.py); nothing else goes out twice."""
    engine = election_chats(database_url, 4)
    telegram = FakeTelegram(crash_at=2, crash_after_delivery=True)
    with pytest.raises(BaseExceptionGroup):
        run(dispatcher(engine, telegram, concurrency=1), ELECTION_DAY)
    run(dispatcher(open_database(database_url), telegram), ELECTION_DAY + timedelta(minutes=11))
    counts = {chat_id: len(telegram.to(chat_id)) for chat_id in range(1, 5)}
    assert counts == {1: 1, 2: 2, 3: 1, 4: 1}


def test_retry_later_waits_as_long_as_telegram_says(database_url: str) -> None:
    engine = election_chats(database_url, 1)
    telegram = FakeTelegram()
    telegram.fail(1, RetryLater(7))
    time = FakeTime()
    report = run(dispatcher(engine, telegram, time=time), ELECTION_DAY)
    assert report.messages == 1 and telegram.calls == 2
    assert sum(time.slept) >= 7
    [row] = rows(engine)
    assert (row.state, row.attempts) == ("sent", 2)


def test_temporary_failures_are_retried_with_backoff(database_url: str) -> None:
    engine = election_chats(database_url, 1)
    telegram = FakeTelegram()
    telegram.fail(1, TemporaryFailure("502 Bad Gateway"), TemporaryFailure("timed out"))
    time = FakeTime()
    report = run(dispatcher(engine, telegram, time=time), ELECTION_DAY)
    assert report.messages == 1 and [s for s in time.slept if s >= 1] == [1.0, 2.0]
    [row] = rows(engine)
    assert (row.state, row.attempts) == ("sent", 3)


def test_persistent_failures_end_as_failed_with_the_reason(database_url: str) -> None:
    engine = election_chats(database_url, 2)
    telegram = FakeTelegram()
    telegram.fail(1, *[TemporaryFailure("500 Internal Server Error")] * 5)
    telegram.fail(2, PermanentFailure("Bad Request: message is too long"))
    report = run(dispatcher(engine, telegram), ELECTION_DAY)
    assert report.failed == 2 and telegram.sent == [] and telegram.calls == 6
    found = {r.chat_id: r for r in rows(engine)}
    assert found[1].state == "failed" and found[1].attempts == 5
    assert "after 5 attempts: 500 Internal Server Error" in found[1].last_error
    assert found[2].state == "failed" and "message is too long" in found[2].last_error


def test_a_chat_that_blocked_the_bot_is_deactivated(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["verkiezingen"])
    add_chat(engine, 2, ["verkiezingen"])
    plan(engine, Catalog(engine), utc(2022, 3, 8, 12), horizon=timedelta(days=9))
    telegram = FakeTelegram()
    telegram.fail(1, ChatGone("Forbidden: bot was blocked by the user"))
    report = run(dispatcher(engine, telegram), utc(2022, 3, 9, 8))  # a week before
    assert report.chats_gone == 1 and [s.chat_id for s in telegram.sent] == [2]
    chat = get_chat(engine, 1)
    assert chat is not None and not chat.active
    assert set(states(engine, chat_id=1).values()) == {"cancelled"}  # the later ones too
    assert set(states(engine, chat_id=2).values()) == {"sent", "planned"}
    assert plan(engine, Catalog(engine), utc(2022, 3, 9, 9), chat_ids=[1]).planned == 0


def test_a_week_of_downtime_gives_one_catch_up_message_per_chat(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    passed = obligation("voorbij-8-maart", date(2022, 3, 8), topics=["verkiezingen"])
    ahead = obligation("straks-21-maart", date(2022, 3, 21), topics=["verkiezingen"])
    engine = database(database_url, [*ALL, passed, ahead])
    add_chat(engine, 1, ["verkiezingen"])
    add_chat(engine, 2, ["verkiezingen"], lead_days=[7])
    telegram = FakeTelegram()
    before = dispatcher(engine, telegram, plan_every=timedelta(minutes=10))
    # Saturday: plans up to Monday noon, so the day before 8 March is planned. Then down.
    assert run(before, utc(2022, 3, 5, 12)).messages == 0

    after = dispatcher(open_database(database_url), telegram, plan_every=timedelta(minutes=10))
    with caplog.at_level(logging.INFO, logger="obligations.dispatch"):
        report = run(after, utc(2022, 3, 14, 12))
    assert report.catch_up_messages == 2 and report.messages == 2
    for chat_id in (1, 2):
        [message] = telegram.to(chat_id)
        assert message.text.startswith("📬 <b>Terwijl ik offline was</b>")
        assert "Verkiezingen 2022" in message.text and "Straks 21 maart" in message.text
        assert "Voorbij 8 maart" not in message.text
    assert set(states(engine, obligation_id="voorbij-8-maart").values()) == {"dropped"}
    assert "voorbij-8-maart (2022-03-08) for chat 1 dropped" in caplog.text
    # Back to normal: the next reminder comes on its own moment, not as a catch-up.
    normal = run(after, ELECTION_EVE)
    assert normal.messages == 1 and normal.catch_up_messages == 0
    assert telegram.to(1)[-1].text.startswith("🔔")
    before.close()
    after.close()


def test_the_weekly_digest_goes_out_on_monday(database_url: str) -> None:
    engine = database(database_url)
    add_chat(engine, 1, ["wonen", "verkiezingen"], digest=True, lead_days=[0])
    plan(engine, Catalog(engine), utc(2022, 4, 3, 12))  # Sunday
    telegram = FakeTelegram()
    report = run(dispatcher(engine, telegram), utc(2022, 4, 4, 7))  # Monday 09:00 summer time
    assert report.messages == 1
    text, _ = parse_html(telegram.sent[0].text)
    assert text.startswith("🗓 Weekoverzicht — week van 4 april 2022")
    assert "Na koningsdag" in text and "Verkiezingen 2022" in text  # coming, and overdue
    assert set(states(engine, obligation_id=DIGEST_ID).values()) == {"sent"}


# --- limits --------------------------------------------------------------------------------


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t <= start + 1.0) for start in times)


def test_rate_limits() -> None:
    async def scenario() -> None:
        time = FakeTime()
        limiter = RateLimiter(clock=time.monotonic, sleep=time.sleep)
        overall = []
        for chat_id in range(90):
            await limiter.acquire(chat_id, group=False)
            overall.append(time.now)
        assert most_in_one_second(overall) == 30
        assert 28.5 <= (len(overall) - 1) / (overall[-1] - overall[0]) <= 30

        start = time.now
        for _ in range(3):
            await limiter.acquire(500, group=False)
        assert time.now - start >= 2.0  # one per second in one chat

        group = []
        for _ in range(21):
            await limiter.acquire(-100, group=True)
            group.append(time.now)
        assert group[20] - group[0] >= 60.0  # twenty per minute in a group

        limiter.pause(30)
        assert not await limiter.acquire(600, group=False, deadline=time.now + 10)
        assert await limiter.acquire(600, group=False, deadline=time.now + 31)

    asyncio.run(scenario())


# --- two dispatchers -----------------------------------------------------------------------


def bulk_chats(engine: Engine, ids: range, topic: str) -> None:
    chat, subscription = SQLModel.metadata.tables["chat"], SQLModel.metadata.tables["subscription"]
    at = utc(2022, 1, 1)
    with engine.begin() as connection:
        connection.execute(
            insert(chat),
            [
                {
                    "id": i,
                    "kind": "private",
                    "title": str(i),
                    "active": True,
                    "send_time": datetime(2000, 1, 1, 9).time(),
                    "lead_days": [0],
                    "digest": False,
                    "everyone_can_update": False,
                    "created_at": at,
                    "updated_at": at,
                }
                for i in ids
            ],
        )
        connection.execute(
            insert(subscription), [{"chat_id": i, "topic_id": topic, "created_at": at} for i in ids]
        )


@pytest.mark.skipif(not os.environ.get("OBLIGATIONS_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_two_dispatchers_on_one_postgresql_database_never_send_a_row_twice(
    database_url: str,
) -> None:
    if is_sqlite(database_url):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer anyway")
    second_election = obligation("herindeling-16-maart", date(2022, 3, 16), topics=["verkiezingen"])
    engine = database(database_url, [*ALL, second_election])
    bulk_chats(engine, range(1, 251), "verkiezingen")
    plan(engine, Catalog(engine), utc(2022, 3, 15, 12))
    assert len(rows(engine, state="planned")) == 500

    sends: list[tuple[str, int]] = []
    lock = threading.Lock()
    ready = threading.Barrier(2)

    class Recorder:
        def __init__(self, name: str) -> None:
            self.name = name

        async def send(
            self, chat_id: int, html_text: str, buttons: Sequence[Sequence[Button]]
        ) -> int:
            await asyncio.sleep(0.002)  # a little network time, so the two interleave
            with lock:
                sends.append((self.name, chat_id))
                return len(sends)

    def replica(name: str) -> None:
        own = make_engine(database_url)  # migrated already (Alembic is not thread-safe)
        limiter = RateLimiter(
            overall=(100_000, 1.0), per_chat=(100, 1.0)
        )  # limits are not the point
        worker = Dispatcher(
            own,
            Recorder(name),
            public_url=PUBLIC_URL,
            limiter=limiter,
            plan_every=None,
            batch_chats=10,
            claimer_id=name,
        )
        ready.wait(timeout=30)
        asyncio.run(worker.tick(ELECTION_DAY))
        worker.close()
        own.dispose()

    threads = [threading.Thread(target=replica, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    chats = [chat_id for _, chat_id in sends]
    assert sorted(chats) == list(range(1, 251))  # every chat exactly one message
    with engine.connect() as connection:
        found = list(connection.execute(select(REMINDER.c.state, REMINDER.c.claimed_by)))
    assert len(found) == 500 and {state for state, _ in found} == {"sent"}
    assert {claimer for _, claimer in found} == {"a", "b"}  # both did work
    assert {name for name, _ in sends} == {"a", "b"}


# --- scheduling ----------------------------------------------------------------------------


def test_schedule_ticks_at_once_and_on_the_half_minute() -> None:
    ticks: list[datetime] = []
    clock = FixedClock(ELECTION_DAY)

    class Ticker:
        async def tick(self, now: datetime) -> None:
            ticks.append(now)

    async def scenario() -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        job = schedule(scheduler, Ticker(), clock)  # type: ignore[arg-type]
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (None, True, 1)
        assert str(job.trigger.fields[-1]) == "*/30"  # the cron trigger's seconds
        scheduler.start()
        for _ in range(100):
            if ticks:
                break
            await asyncio.sleep(0.02)
        scheduler.shutdown(wait=False)

    asyncio.run(scenario())
    assert ticks == [ELECTION_DAY]
