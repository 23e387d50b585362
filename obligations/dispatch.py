"""Sending planned reminders: claim due rows, send them through a Notifier, record the result.

The scheduler only ticks; the `reminder` table decides what is due. Each tick claims the
due rows of a batch of chats in one short transaction, so two dispatchers (two replicas
on one PostgreSQL database) never claim the same row:

- PostgreSQL: the chats with due rows are locked with `SELECT ... FOR UPDATE SKIP LOCKED`
  (the chat is the unit of a claim, so one chat's reminders stay one message), then their
  due rows go planned -> claimed with this dispatcher's id and the time, in the same
  transaction.
- SQLite: one conditional `UPDATE ... WHERE state = 'planned' ... RETURNING`. SQLite runs
  a write statement under its database-wide write lock, so a row moves to claimed for
  exactly one dispatcher, and RETURNING tells each which rows are its own.

Exactly once, and the in-flight window. A row is marked sent right after Telegram answers
with the message id. If the process dies between Telegram accepting a message and that
write (at most CONCURRENCY messages, each to another chat, for a few milliseconds), the
row stays claimed; claims older than STALE_CLAIM (10 minutes) are released to planned by
the next start or tick of any dispatcher, and that message goes out a second time, about
10 minutes late. That is the only duplicate a crash can cause. A network
timeout on a message that did arrive (TemporaryFailure) can repeat one too; the Bot API
has no idempotency key to prevent it. Claimed rows that were not sent yet go out once.
No dispatcher holds a claim longer than CLAIM_BUDGET (far below STALE_CLAIM): a wait that
would run past it (rate limits, Telegram's retry_after, backoff) hands the rows back to
planned instead, so a live dispatcher's rows are never released from under it.

Downtime. On start, planned rows whose moment passed more than CATCH_UP_GRACE ago were
missed while the service was down: per chat they go out as one "terwijl ik offline was"
message if the obligation is still ahead, and are dropped (state 'dropped', with a log
line) if it is not. The planner plans the gap first (see reminders.py). A snooze (negative
lead_days, see reminders.py) is never dropped for its date: the team asked for it, after
the day or not. A team's own deadlines are sent like catalogue obligations (Teams.own).

Telegram's limits are kept by `RateLimiter`: at most 30 messages in any second overall,
one per second per chat, 20 per minute per group. RetryLater (HTTP 429) pauses all sends
for as long as Telegram says; TemporaryFailure (network, 5xx) is retried with exponential
backoff up to `max_attempts`, then the row is 'failed' with the error; ChatGone (403,
blocked or removed) deactivates the chat and cancels its rows; PermanentFailure (400) fails
the row at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, and_, select, update

from obligations.catalogue import Obligation
from obligations.clock import Clock
from obligations.queries import Catalog, Occurrence
from obligations.reminders import (
    CHAT,
    DIGEST_ID,
    REMINDER,
    ZONE,
    Button,
    OutgoingMessage,
    Teams,
    build_digest,
    digest_messages,
    is_ahead,
    is_snooze,
    occurrence_span,
    plan,
    reminder_messages,
)
from obligations.teams import set_active

__all__ = [
    "Button",
    "ChatGone",
    "Dispatcher",
    "Notifier",
    "NotifierError",
    "PermanentFailure",
    "RateLimiter",
    "RetryLater",
    "TemporaryFailure",
    "TickReport",
    "schedule",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

TICK_SECONDS = 30  # ticks at :00 and :30 of every minute
JOB_ID = "reminders"
STALE_CLAIM = timedelta(minutes=10)  # a claim this old belongs to a dispatcher that died
CLAIM_BUDGET = 120.0  # seconds a dispatcher may hold a claim before handing rows back
CATCH_UP_GRACE = timedelta(minutes=10)  # later than this at start: "terwijl ik offline was"
DIGEST_LATE = timedelta(days=1)  # a digest missed by more than this is dropped, not sent
PLAN_EVERY = timedelta(minutes=10)
BATCH_CHATS = 100  # chats per claim: about 3 seconds of sending at 30 messages per second
CONCURRENCY = 16  # messages on the way at once (Telegram answers in ~100 ms; 30/s needs a few)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1.0  # 1, 2, 4, 8 seconds between attempts
MAX_RETRY_LATER = 5  # 429s for one message before its rows go back to the queue


# --- the Notifier contract -----------------------------------------------------------------


class NotifierError(Exception):
    """A send failed; the subclass says what the dispatcher should do about it."""


class RetryLater(NotifierError):
    """Telegram said "too many requests, retry after N seconds" (HTTP 429)."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds} s")
        self.seconds = float(seconds)


class ChatGone(NotifierError):
    """The bot can no longer write here (403: blocked, kicked, chat deleted)."""


class TemporaryFailure(NotifierError):
    """Worth another try: a network error, a timeout, a 5xx."""


class PermanentFailure(NotifierError):
    """Telegram refused this message (400); sending it again will not help."""


class Notifier(Protocol):
    """What bot/ implements with python-telegram-bot: send HTML with inline buttons."""

    async def send(self, chat_id: int, html_text: str, buttons: Sequence[Sequence[Button]]) -> int:
        """Send and return Telegram's message id, or raise one of the NotifierErrors."""
        ...


# --- rate limits ---------------------------------------------------------------------------


class _Window:
    """At most `limit` events in any `period` seconds: a token bucket whose tokens come back
    exactly one period after use (a classic refilling bucket lets `limit` plus a refill
    through in one window; this never does). With `smooth`, events are also spaced at
    least period/limit apart, so 30 per second means one every 33 ms, not bursts of 30."""

    def __init__(self, limit: int, period: float, smooth: bool = False) -> None:
        self.limit = limit
        self.period = period
        self.smooth = smooth
        self.times: deque[float] = deque(maxlen=limit)

    def wait(self, now: float, margin: float) -> float:
        wait = 0.0
        if self.times and self.smooth:
            wait = self.times[-1] + (self.period + margin) / self.limit - now
        if len(self.times) == self.limit:
            wait = max(wait, self.times[0] + self.period + margin - now)
        return max(0.0, wait)

    def record(self, now: float) -> None:
        self.times.append(now)


class RateLimiter:
    """Telegram's limits for one bot: overall, per chat, and per group.

    `clock` (monotonic seconds) and `sleep` are injectable so tests run in fake time.
    `margin` keeps a little air so jitter between the limiter and the wire cannot make a
    31st message land inside someone's one-second window."""

    def __init__(
        self,
        *,
        overall: tuple[int, float] = (30, 1.0),
        per_chat: tuple[int, float] = (1, 1.0),
        per_group: tuple[int, float] = (20, 60.0),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        margin: float = 0.005,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._overall = _Window(*overall, smooth=True)
        self._per_chat = per_chat
        self._per_group = per_group
        self._margin = margin
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Nobody sends for `seconds` (Telegram's retry_after applies to the whole bot)."""
        self._paused_until = max(self._paused_until, self.clock() + max(0.0, seconds))

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self.clock())

    def _windows(self, chat_id: int, group: bool) -> list[_Window]:
        windows = [self._overall]
        windows.append(self._chats.setdefault(chat_id, _Window(*self._per_chat)))
        if group:
            windows.append(self._groups.setdefault(chat_id, _Window(*self._per_group)))
        return windows

    def _forget_idle(self, now: float) -> None:
        """Drop per-chat windows nobody used for a while, so memory stays flat."""
        for table, period in ((self._chats, self._per_chat[1]), (self._groups, self._per_group[1])):
            if len(table) > 4096:
                for key in [
                    k for k, w in table.items() if not w.times or w.times[-1] < now - period
                ]:
                    del table[key]

    async def acquire(self, chat_id: int, group: bool, deadline: float | None = None) -> bool:
        """Wait until a message to `chat_id` may go out and count it. False (nothing
        counted) when that would be after `deadline` (the limiter's clock)."""
        while True:
            now = self.clock()
            windows = self._windows(chat_id, group)
            wait = max([self._paused_until - now] + [w.wait(now, self._margin) for w in windows])
            if wait <= 0:
                for window in windows:
                    window.record(now)
                self._forget_idle(now)
                return True
            if deadline is not None and now + wait > deadline:
                return False
            await self.sleep(wait)


# --- dispatching ---------------------------------------------------------------------------


@dataclass
class TickReport:
    """What one tick (or start) did, in rows unless it says messages."""

    claimed: int = 0
    sent: int = 0
    messages: int = 0
    catch_up_messages: int = 0
    cancelled: int = 0
    dropped: int = 0
    failed: int = 0
    released: int = 0  # handed back to planned: stale claims and waits past the budget
    chats_gone: int = 0

    def add(self, other: TickReport) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


@dataclass(frozen=True)
class _Row:
    id: int
    chat_id: int
    obligation_id: str
    occurrence: date
    lead_days: int
    due_at: datetime


@dataclass(frozen=True)
class _Batch:
    rows: list[_Row]
    teams: Teams
    obligations: dict[str, Obligation]
    claimed_at: float  # limiter clock: the claim budget counts from here


@dataclass
class _Delivery:
    """The messages for one chat in this batch, each with the row ids it settles."""

    chat_id: int
    group: bool
    messages: list[tuple[OutgoingMessage, list[int]]] = field(default_factory=list)
    catch_up: bool = False


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent, failed, release, gone
    attempts: int
    message_id: int | None = None
    error: str | None = None


def _claimer_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Claims due reminder rows and sends them; one per process (or several, see tests)."""

    def __init__(
        self,
        engine: Engine,
        notifier: Notifier,
        *,
        public_url: str,
        zone: ZoneInfo = ZONE,
        limiter: RateLimiter | None = None,
        claimer_id: str | None = None,
        plan_every: timedelta | None = PLAN_EVERY,
        batch_chats: int = BATCH_CHATS,
        concurrency: int = CONCURRENCY,
        max_attempts: int = MAX_ATTEMPTS,
        backoff_seconds: float = BACKOFF_SECONDS,
        stale_claim: timedelta = STALE_CLAIM,
        claim_budget: float = CLAIM_BUDGET,
        catch_up_grace: timedelta = CATCH_UP_GRACE,
    ) -> None:
        self.engine = engine
        self.notifier = notifier
        self.public_url = public_url.rstrip("/")
        self.zone = zone
        self.limiter = limiter or RateLimiter()
        self.claimer_id = claimer_id or _claimer_id()
        self.plan_every = plan_every
        self.batch_chats = batch_chats
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.stale_claim = stale_claim
        self.claim_budget = claim_budget
        self.catch_up_grace = catch_up_grace
        self._started = False
        self._stopping = False
        self._ticking = 0
        self._planned_at: datetime | None = None
        # One thread for all database work: the event loop never blocks on it, and this
        # process's writes never compete with each other for SQLite's lock.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dispatch-db")

    def close(self) -> None:
        self._db.shutdown(wait=True)

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, function, *args)

    # -- the public steps --

    async def start(self, now: datetime) -> TickReport:
        """Once per process, before the first tick: plan (covering any downtime), release
        claims of a crashed dispatcher, and send what was missed as catch-up messages."""
        report = TickReport()
        await self._maybe_plan(now, force=True)
        released = await self._run(self._release_stale, now)
        report.released += released
        done = await self._drain(now, now - self.catch_up_grace, catch_up=True)
        report.add(done)
        self._started = True  # only now: a start that failed is tried again next tick
        return report

    async def tick(self, now: datetime) -> TickReport:
        """Send everything due at `now`, then plan if PLAN_EVERY has passed (after sending,
        so planning never delays a message). The first tick of a process runs `start`."""
        if self._stopping:
            return TickReport()
        self._ticking += 1
        try:
            return await self._tick(now)
        finally:
            self._ticking -= 1

    async def _tick(self, now: datetime) -> TickReport:
        report = await self.start(now) if not self._started else TickReport()
        released = await self._run(self._release_stale, now)
        report.released += released
        report.add(await self._drain(now, now, catch_up=False))
        if report.claimed or report.released:
            log.info("reminders: %s", report)
        await self._maybe_plan(now)
        return report

    async def _drain(self, now: datetime, due_by: datetime, catch_up: bool) -> TickReport:
        """Claim and send batch after batch until nothing is due by `due_by`."""
        report = TickReport()
        if self.limiter.paused_for() >= self.claim_budget:
            return report  # Telegram asked for a long pause: leave the rows planned
        batch = await self._run(self._claim_batch, now, due_by)
        while batch is not None:
            if self._stopping:  # shutting down: hand the claimed batch back, claim no more
                ids = [row.id for row in batch.rows]
                report.released += await self._run(self._settle, ids, "planned", "released: stop")
                break
            # The next batch is claimed and loaded while this one is sent, so sending
            # never stops to wait for the database between batches.
            upcoming = asyncio.ensure_future(self._run(self._claim_batch, now, due_by))
            done = await self._process(batch, now, catch_up)
            report.add(done)
            if done.released == done.claimed or self.limiter.paused_for() >= self.claim_budget:
                # Everything was handed back (Telegram asked to wait): so is the next batch.
                spare = await upcoming
                if spare is not None:
                    ids = [row.id for row in spare.rows]
                    released = await self._run(self._settle, ids, "planned", "released: paused")
                    report.released += released
                break
            batch = await upcoming
        return report

    async def _maybe_plan(self, now: datetime, force: bool = False) -> None:
        if self.plan_every is None:
            return
        if force or self._planned_at is None or now - self._planned_at >= self.plan_every:
            await self._run(plan, self.engine, Catalog(self.engine), now)
            self._planned_at = now

    # -- database work (runs on the db thread) --

    def _release_own(self) -> int:
        """Hand this dispatcher's unsent claims back, so a restart sends them at once."""
        with self.engine.begin() as connection:
            released: int = connection.execute(
                update(REMINDER)
                .where(REMINDER.c.state == "claimed", REMINDER.c.claimed_by == self.claimer_id)
                .values(
                    state="planned",
                    claimed_by=None,
                    claimed_at=None,
                    last_error="released: dispatcher stopped",
                )
            ).rowcount
        return released

    async def stop(self, timeout: float = 20.0) -> int:
        """Graceful stop (SIGTERM): claim nothing new, let the message being sent finish,
        then release what this dispatcher still held. Returns the rows released."""
        self._stopping = True
        deadline = time.monotonic() + timeout
        while self._ticking and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        released = await self._run(self._release_own)
        if released:
            log.info("reminders: %d claimed rows released at shutdown", released)
        return released

    def _release_stale(self, now: datetime) -> int:
        with self.engine.begin() as connection:
            released: int = connection.execute(
                update(REMINDER)
                .where(
                    REMINDER.c.state == "claimed", REMINDER.c.claimed_at < now - self.stale_claim
                )
                .values(
                    state="planned",
                    claimed_by=None,
                    claimed_at=None,
                    last_error="released: claim expired (dispatcher stopped mid-batch)",
                )
            ).rowcount
        if released:
            log.warning("reminders: %d claimed rows of a stopped dispatcher released", released)
        return released

    def _claim(self, now: datetime, due_by: datetime) -> list[_Row]:
        """Claim the rows due by `due_by` of up to `batch_chats` chats."""
        reminder = REMINDER
        due = and_(reminder.c.state == "planned", reminder.c.due_at <= due_by)
        # LIMIT applies after SKIP LOCKED has passed over other dispatchers' chats, so a
        # second dispatcher takes the next chats instead of finding the first ones busy.
        chats_due = (
            select(CHAT.c.id)
            .where(CHAT.c.id.in_(select(reminder.c.chat_id).where(due)))
            .order_by(CHAT.c.id)
            .limit(self.batch_chats)
        )
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                locked = list(
                    connection.execute(chats_due.with_for_update(skip_locked=True)).scalars()
                )
                if not locked:
                    return []
                mine = reminder.c.chat_id.in_(locked)
            else:
                mine = reminder.c.chat_id.in_(chats_due)
            rows = connection.execute(
                update(reminder)
                .where(due, mine)
                .values(state="claimed", claimed_by=self.claimer_id, claimed_at=now)
                .returning(
                    reminder.c.id,
                    reminder.c.chat_id,
                    reminder.c.obligation_id,
                    reminder.c.occurrence,
                    reminder.c.lead_days,
                    reminder.c.due_at,
                )
            ).all()
        # Earliest first, whatever order RETURNING gave them in.
        return sorted((_Row(*row) for row in rows), key=lambda r: (r.due_at, r.chat_id, r.id))

    def _claim_batch(self, now: datetime, due_by: datetime) -> _Batch | None:
        """Claim a batch and load what sending it needs: the chats and the catalogue."""
        rows = self._claim(now, due_by)
        if not rows:
            return None
        with self.engine.connect() as connection:
            teams = Teams.load(connection, {row.chat_id for row in rows})
        obligations = {item.id: item for item in Catalog(self.engine).all()}
        return _Batch(rows, teams, obligations, self.limiter.clock())

    def _settle(
        self,
        ids: Sequence[int],
        state: str,
        error: str | None = None,
        *,
        message_id: int | None = None,
        sent_at: datetime | None = None,
        attempts: int = 0,
    ) -> int:
        """Move this dispatcher's claimed rows `ids` to `state`."""
        if not ids:
            return 0
        values: dict[str, Any] = {
            "state": state,
            "last_error": error,
            "attempts": REMINDER.c.attempts + attempts,
        }
        if state == "sent":
            values.update(message_id=message_id, sent_at=sent_at)
        if state == "planned":
            values.update(claimed_by=None, claimed_at=None)
        with self.engine.begin() as connection:
            settled: int = connection.execute(
                update(REMINDER)
                .where(
                    REMINDER.c.id.in_(list(ids)),
                    REMINDER.c.state == "claimed",
                    REMINDER.c.claimed_by == self.claimer_id,
                )
                .values(**values)
            ).rowcount
        return settled

    def _chat_gone(self, chat_id: int, now: datetime, error: str) -> int:
        """Deactivate the chat and cancel everything still queued for it."""
        set_active(self.engine, chat_id, False, now)
        with self.engine.begin() as connection:
            cancelled: int = connection.execute(
                update(REMINDER)
                .where(
                    REMINDER.c.chat_id == chat_id,
                    (REMINDER.c.state == "planned")
                    | (
                        (REMINDER.c.state == "claimed") & (REMINDER.c.claimed_by == self.claimer_id)
                    ),
                )
                .values(state="cancelled", last_error=f"cancelled: chat gone ({error})")
            ).rowcount
        log.warning("reminders: chat %s is gone (%s); deactivated", chat_id, error)
        return cancelled

    # -- one claimed batch --

    async def _process(self, batch: _Batch, now: datetime, catch_up: bool) -> TickReport:
        report = TickReport(claimed=len(batch.rows))
        teams, obligations = batch.teams, batch.obligations
        by_chat: dict[int, list[_Row]] = {}
        for row in batch.rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        today = now.astimezone(self.zone).date()
        cancelled: dict[str, list[int]] = {}
        dropped: dict[str, list[int]] = {}
        deliveries = []
        for chat_id, rows in by_chat.items():
            delivery = self._prepare(
                chat_id, rows, teams, obligations, now, today, catch_up, cancelled, dropped
            )
            if delivery.messages:
                deliveries.append(delivery)
        for reason, ids in cancelled.items():
            count = await self._run(self._settle, ids, "cancelled", f"cancelled: {reason}")
            report.cancelled += count
        for reason, ids in dropped.items():
            count = await self._run(self._settle, ids, "dropped", f"dropped: {reason}")
            report.dropped += count
        budget_end = batch.claimed_at + self.claim_budget
        gate = asyncio.Semaphore(self.concurrency)
        started = self.limiter.clock()

        async def deliver(delivery: _Delivery) -> None:
            async with gate:
                await self._deliver(delivery, now, started, budget_end, report)

        async with asyncio.TaskGroup() as group:
            for delivery in deliveries:
                group.create_task(deliver(delivery))
        return report

    def _prepare(
        self,
        chat_id: int,
        rows: list[_Row],
        teams: Teams,
        obligations: dict[str, Obligation],
        now: datetime,
        today: date,
        catch_up: bool,
        cancelled: dict[str, list[int]],
        dropped: dict[str, list[int]],
    ) -> _Delivery:
        """Sort one chat's claimed rows into cancelled, dropped and messages to send."""
        chat = teams.chats.get(chat_id)
        delivery = _Delivery(chat_id, chat is not None and chat.is_group, catch_up=catch_up)
        items: dict[tuple[str, date], list[_Row]] = {}
        found: dict[tuple[str, date], Occurrence] = {}
        digests: list[_Row] = []
        for row in rows:
            reason = teams.unwanted(
                chat_id, row.obligation_id, row.occurrence, row.lead_days, obligations
            )
            if reason is not None:
                cancelled.setdefault(reason, []).append(row.id)
            elif row.obligation_id == DIGEST_ID:
                if now - row.due_at > DIGEST_LATE:
                    log.info(
                        "reminders: digest for chat %s of %s dropped: too late",
                        chat_id,
                        row.occurrence,
                    )
                    dropped.setdefault("digest too late", []).append(row.id)
                else:
                    digests.append(row)
            else:
                # The catalogue's or, for an own deadline, the chat's (unwanted checked it).
                item = teams.obligation(chat_id, row.obligation_id, obligations)
                span = None if item is None else occurrence_span(item, row.occurrence)
                if item is None or span is None:
                    cancelled.setdefault("obligation withdrawn", []).append(row.id)
                elif not is_ahead(span, today) and not is_snooze(row.lead_days):
                    log.info(
                        "reminders: %s (%s) for chat %s dropped: the date has passed",
                        row.obligation_id,
                        row.occurrence,
                        chat_id,
                    )
                    dropped.setdefault("date passed", []).append(row.id)
                else:
                    key = (row.obligation_id, row.occurrence)
                    found[key] = Occurrence(item, span)
                    items.setdefault(key, []).append(row)
        if items:
            # Postponed: every row of the item is a snooze (a regular row at the same
            # moment makes it an ordinary reminder again).
            snoozed = {
                key
                for key, rows_of in items.items()
                if all(is_snooze(r.lead_days) for r in rows_of)
            }
            for message in reminder_messages(
                list(found.values()),
                today,
                self.public_url,
                catch_up=catch_up,
                snoozed=snoozed,
                owners=teams.owners.get(chat_id, {}),
            ):
                ids = [row.id for key in message.covers for row in items[key]]
                delivery.messages.append((message, ids))
        if digests:
            digest = build_digest(obligations.values(), teams, chat_id, today)
            messages = digest_messages(digest, self.public_url)
            ids = [row.id for row in digests]
            for index, message in enumerate(messages):
                delivery.messages.append((message, ids if index == len(messages) - 1 else []))
        return delivery

    async def _deliver(
        self,
        delivery: _Delivery,
        now: datetime,
        started: float,
        budget_end: float,
        report: TickReport,
    ) -> None:
        # Counts are added only after each await: `report.x += await ...` would read the
        # old value before the await and lose what other deliveries added meanwhile.
        for position, (message, ids) in enumerate(delivery.messages):
            outcome = await self._send(delivery, message, budget_end)
            if outcome.kind == "sent":
                sent_at = now + timedelta(seconds=self.limiter.clock() - started)
                settle = partial(
                    self._settle,
                    ids,
                    "sent",
                    message_id=outcome.message_id,
                    sent_at=sent_at,
                    attempts=outcome.attempts,
                )
                count = await self._run(settle)
                report.sent += count
                report.messages += 1
                report.catch_up_messages += int(delivery.catch_up)
                continue
            rest = [i for _, more in delivery.messages[position:] for i in more]
            if outcome.kind == "gone":
                count = await self._run(self._chat_gone, delivery.chat_id, now, outcome.error or "")
                report.cancelled += count
                report.chats_gone += 1
            elif outcome.kind == "release":
                settle = partial(self._settle, rest, "planned", outcome.error)
                count = await self._run(partial(settle, attempts=outcome.attempts))
                report.released += count
            else:
                log.error("reminders: chat %s: giving up: %s", delivery.chat_id, outcome.error)
                settle = partial(self._settle, rest, "failed", outcome.error)
                count = await self._run(partial(settle, attempts=outcome.attempts))
                report.failed += count
            return

    async def _send(
        self, delivery: _Delivery, message: OutgoingMessage, budget_end: float
    ) -> _Outcome:
        """One message, with Telegram's limits, retry_after and backoff."""
        attempts = retry_laters = failures = 0
        while True:
            if not await self.limiter.acquire(delivery.chat_id, delivery.group, budget_end):
                return _Outcome("release", attempts, error="released: rate limit wait past budget")
            attempts += 1
            try:
                message_id = await self.notifier.send(
                    delivery.chat_id, message.text, message.buttons
                )
                return _Outcome("sent", attempts, message_id=message_id)
            except RetryLater as exc:
                retry_laters += 1
                self.limiter.pause(exc.seconds)
                log.warning("reminders: Telegram asks to wait %.0f s", exc.seconds)
                if (
                    retry_laters > MAX_RETRY_LATER
                    or self.limiter.clock() + exc.seconds > budget_end
                ):
                    return _Outcome("release", attempts, error=f"released: {exc}")
            except TemporaryFailure as exc:
                failures += 1
                if failures >= self.max_attempts:
                    return _Outcome(
                        "failed", attempts, error=f"failed after {failures} attempts: {exc}"
                    )
                delay = self.backoff_seconds * 2 ** (failures - 1)
                if self.limiter.clock() + delay > budget_end:
                    return _Outcome("release", attempts, error=f"released: {exc}")
                await self.limiter.sleep(delay)
            except ChatGone as exc:
                return _Outcome("gone", attempts, error=str(exc) or "forbidden")
            except PermanentFailure as exc:
                return _Outcome("failed", attempts, error=f"refused: {exc}")
            except Exception as exc:  # a bug in the adapter must not stop everyone's reminders
                log.exception("reminders: unexpected error sending to chat %s", delivery.chat_id)
                return _Outcome("failed", attempts, error=f"unexpected: {exc!r}")


# --- scheduling ----------------------------------------------------------------------------


class JobScheduler(Protocol):
    """The part of APScheduler 3's AsyncIOScheduler that `schedule` uses."""

    def add_job(self, func: Callable[..., Any], trigger: str, **options: Any) -> Any: ...


def schedule(
    scheduler: JobScheduler, dispatcher: Dispatcher, clock: Clock, *, seconds: int = TICK_SECONDS
) -> Any:
    """Tick in the scheduler's event loop at every whole `seconds` of the minute (:00 and
    :30): send times are whole minutes, so a tick falls on the moment itself. The first tick
    runs at once (and does the start-up catch-up). No late run is ever skipped
    (misfire_grace_time=None), late runs collapse into one (coalesce), and ticks never
    overlap (max_instances=1): a long send-out simply delays the next tick."""
    if seconds <= 0 or 60 % seconds:
        raise ValueError("seconds must divide a minute")

    async def run() -> None:
        try:
            await dispatcher.tick(clock.now())
        except Exception:
            log.exception("reminders: tick failed; the next tick tries again")

    return scheduler.add_job(
        run,
        "cron",
        second=f"*/{seconds}",
        id=JOB_ID,
        name="reminders: send and plan",
        replace_existing=True,
        misfire_grace_time=None,
        coalesce=True,
        max_instances=1,
        # The scheduler's own wake-up time is real time, not the application clock.
        next_run_time=datetime.now(UTC),
    )
