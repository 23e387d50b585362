"""Which reminders are due (planned as rows in the outbox), and what they say.

The database decides what is due: `plan` writes one `reminder` row per chat, obligation
occurrence and lead time; the dispatcher (dispatch.py) only claims and sends rows.

Timing rules
- A reminder goes out `lead` days before the occurrence's *anchor day*, at the chat's send
  time (default 09:00) in Europe/Amsterdam, so 08:00 UTC in winter and 07:00 UTC in summer.
- The anchor day is the day itself for an exact date, and the FIRST day of a period or
  window ("eerste helft 2022" -> 1 januari 2022). Counting back from the start is the safe
  side: the obligation may apply from its first day on, so a team is never reminded after
  that. The text names the whole period and its certainty ("verwacht in de eerste helft
  van 2022 · begint over 30 dagen"), so nobody reads it as "due on 1 January".
- A reminder day on a weekend or Dutch public holiday moves to the previous working day
  (workdays.py). Lead times that land on the same moment (1 day before a Saturday, and the
  Saturday itself) get one row, for the shortest of them. All of a chat's reminders due
  at one moment go out as one message.
- An occurrence is *ahead* while its anchor day is today or later. Only occurrences ahead
  are planned and sent; for a recurring obligation that is the next occurrence (and any
  later one whose reminders already fall inside the horizon).
- A team that marked an obligation afgerond or nvt gets no more reminders for it.
- A chat with `digest` on gets a weekly digest on Monday at its send time (holidays too):
  what starts in the coming four weeks, and open items whose date passed in the last eight.

Planning is incremental: each run plans the rows due in [from, now + PLAN_HORIZON), where
`from` is where the previous run stopped (kept in `reminder_planner`), so a routine run only
adds the newly covered slice. After downtime `from` lies in the past (at most MAX_GAP), and
the rows of the gap are planned too: the dispatcher sends them as one catch-up message.
Chats changed since the last run (settings, subscriptions, team status: their `updated_at`)
and every chat after a catalogue change get their whole window re-planned, and their rows
that are no longer wanted (unsubscribed, lead time removed, obligation withdrawn, moved or
closed) are cancelled; rows are never deleted. Inserts are bulk upserts on the unique key:
a new row is added, an existing one is left alone, except that a cancelled row comes back
(re-subscribed) and a planned row follows a changed send time.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    and_,
    bindparam,
    exists,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from obligations.catalogue import Obligation
from obligations.display import day_label, month_label, span_label
from obligations.precision import SEASON_START_MONTHS
from obligations.queries import Catalog, Occurrence
from obligations.recurrence import occurrences
from obligations.span import Span
from obligations.store import ALL_TOPICS, DEFAULT_SEND_TIME
from obligations.workdays import previous_working_day

log = logging.getLogger(__name__)

ZONE = ZoneInfo("Europe/Amsterdam")
DIGEST_ID = "*digest"  # obligation_id of a weekly digest row; catalogue ids never start with *
CLOSED_STATUSES = ("afgerond", "nvt")
PLAN_HORIZON = timedelta(days=2)  # rows exist this far ahead; routine runs refresh it
MAX_GAP = timedelta(days=31)  # after longer downtime older reminders are not caught up
CHANGE_OVERLAP = timedelta(minutes=5)  # re-plan chats changed a little before the last run
SHIFT_MARGIN = timedelta(days=10)  # holidays move a reminder earlier by at most this much
PLANNER_NAME = "reminders"
PLAN_CHUNK = 1000  # chats per INSERT ... SELECT and per commit (short SQLite write locks)
IN_CHUNK = 500  # ids per IN (...) list

DIGEST_WEEKS = 4
OVERDUE_DAYS = 56  # the digest lists open items whose date passed in the last eight weeks
DIGEST_MAX_ITEMS = 40  # per section; the rest is counted and linked
MESSAGE_LIMIT = 4000  # Telegram allows 4096; keep room for the part counter
FULL_ITEMS = 5  # up to this many reminders in one message get title, date, action and link
MAX_LIST_ITEMS = 25  # items per message in the compact list form (one details button each)
DETAILS_PREFIX = "d:"  # callback data "d:<ref>": the bot shows the obligation (bot.pages)
DONE_PREFIX = "a:"  # callback data "a:<ref>": mark afgerond (handled from the next issue)


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


REMINDER = _table("reminder")
PLANNER = _table("reminder_planner")
CHAT = _table("chat")
SUBSCRIPTION = _table("subscription")
TEAM_STATUS = _table("team_status")
OBLIGATION = _table("obligation")
OBLIGATION_TOPIC = _table("obligation_topic")


# --- timing --------------------------------------------------------------------------------


def anchor_day(span: Span) -> date:
    """The day reminders count back from: the first day of the occurrence (see module doc)."""
    return span.start


def is_ahead(span: Span, today: date) -> bool:
    return anchor_day(span) >= today


@lru_cache(maxsize=16384)
def reminder_day(anchor: date, lead_days: int) -> date:
    """`lead_days` before `anchor`, moved back to a working day."""
    return previous_working_day(anchor - timedelta(days=lead_days))


@lru_cache(maxsize=16384)
def local_moment(day: date, send_time: time, zone: ZoneInfo = ZONE) -> datetime:
    """`send_time` on `day` in `zone`, as UTC (DST decides whether 09:00 is 07:00 or 08:00 UTC)."""
    return datetime.combine(day, send_time, tzinfo=zone).astimezone(UTC)


def reminder_moment(
    anchor: date, lead_days: int, send_time: time = DEFAULT_SEND_TIME, zone: ZoneInfo = ZONE
) -> datetime:
    return local_moment(reminder_day(anchor, lead_days), send_time, zone)


def digest_moment(
    monday: date, send_time: time = DEFAULT_SEND_TIME, zone: ZoneInfo = ZONE
) -> datetime:
    """Digests go out on Monday at the send time, holiday or not: they are a weekly rhythm."""
    return local_moment(monday, send_time, zone)


def occurrence_span(obligation: Obligation, occurrence: date) -> Span | None:
    """The occurrence of `obligation` that starts on `occurrence`; None if there is none
    (the catalogue moved or removed that date)."""
    if obligation.recurrence is None:
        return obligation.span if obligation.span.start == occurrence else None
    for span in occurrences(obligation, Span.day(occurrence)):
        if span.start == occurrence:
            return span
    return None


def occurrences_ahead(obligation: Obligation, today: date, last_anchor: date) -> list[Span]:
    """Occurrences whose anchor day lies in [today, last_anchor]."""
    if last_anchor < today:
        return []
    if obligation.recurrence is None:
        spans = [obligation.span]
    else:
        spans = occurrences(obligation, Span(today, last_anchor))
    return [span for span in spans if today <= anchor_day(span) <= last_anchor]


# --- who wants what ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatInfo:
    id: int
    kind: str
    active: bool
    send_time: time
    lead_days: tuple[int, ...]
    digest: bool

    @property
    def is_group(self) -> bool:
        return self.kind in ("group", "supergroup", "channel")


def _lead_days(value: Any) -> tuple[int, ...]:
    """The chat's lead times, sane whatever the JSON holds: distinct whole days, 0..366."""
    if not isinstance(value, list):
        return ()
    return tuple(sorted({int(v) for v in value if isinstance(v, int) and 0 <= v <= 366}))


@dataclass
class Teams:
    """What planning and sending need to know about a set of chats, loaded in three queries."""

    chats: dict[int, ChatInfo] = field(default_factory=dict)
    topics: dict[int, frozenset[str]] = field(default_factory=dict)
    closed: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, connection: Connection, chat_ids: Collection[int] | None = None) -> Teams:
        """All chats (None) or the given ones, inactive included (the caller decides)."""
        teams = cls()
        for where in _id_filters(CHAT.c.id, chat_ids):
            for row in connection.execute(select(CHAT).where(*where)):
                teams.chats[row.id] = ChatInfo(
                    id=row.id,
                    kind=row.kind,
                    active=bool(row.active),
                    send_time=row.send_time,
                    lead_days=_lead_days(row.lead_days),
                    digest=bool(row.digest),
                )
        topics: dict[int, set[str]] = defaultdict(set)
        for where in _id_filters(SUBSCRIPTION.c.chat_id, chat_ids):
            query = select(SUBSCRIPTION.c.chat_id, SUBSCRIPTION.c.topic_id).where(*where)
            for chat_id, topic_id in connection.execute(query):
                topics[chat_id].add(topic_id)
        teams.topics = {chat_id: frozenset(found) for chat_id, found in topics.items()}
        for where in _id_filters(TEAM_STATUS.c.chat_id, chat_ids):
            query = select(TEAM_STATUS.c.chat_id, TEAM_STATUS.c.obligation_id).where(
                TEAM_STATUS.c.status.in_(CLOSED_STATUSES), *where
            )
            for chat_id, obligation_id in connection.execute(query):
                teams.closed.setdefault(chat_id, set()).add(obligation_id)
        return teams

    def follows(self, chat_id: int, obligation: Obligation) -> bool:
        topics = self.topics.get(chat_id, frozenset())
        return ALL_TOPICS in topics or not topics.isdisjoint(obligation.topics)

    def unwanted(
        self,
        chat_id: int,
        obligation_id: str,
        occurrence: date,
        lead_days: int,
        obligations: dict[str, Obligation],
    ) -> str | None:
        """Why this row should no longer go out, or None when it still should.

        The same rules as `_cancel_unwanted` in SQL; the dispatcher asks this right before
        sending, so a change that planning has not seen yet still stops a reminder."""
        chat = self.chats.get(chat_id)
        if chat is None or not chat.active:
            return "chat inactive"
        if not self.topics.get(chat_id):
            return "no subscriptions"
        if obligation_id == DIGEST_ID:
            return None if chat.digest else "digest off"
        obligation = obligations.get(obligation_id)
        if obligation is None:
            return "obligation withdrawn"
        if occurrence_span(obligation, occurrence) is None:
            return "date changed"
        if obligation_id in self.closed.get(chat_id, ()):
            return "closed by team"
        if not self.follows(chat_id, obligation):
            return "unsubscribed"
        if lead_days not in chat.lead_days:
            return "lead time removed"
        return None


def _id_filters(
    column: Any, ids: Collection[int] | None
) -> Iterator[tuple[ColumnElement[bool], ...]]:
    """WHERE clauses restricting `column` to `ids` in chunks; one empty clause for "all"."""
    if ids is None:
        yield ()
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_CHUNK):
        yield (column.in_(ordered[start : start + IN_CHUNK]),)


# --- planning ------------------------------------------------------------------------------


@dataclass
class PlanReport:
    """What one planning run did. `window_start` is the earliest `from` used."""

    window_start: datetime
    window_end: datetime
    full: bool
    chats: int = 0  # chats whose rows were planned
    changed_chats: int = 0  # chats re-planned over the whole window
    planned: int = 0  # rows added, revived or moved
    cancelled: int = 0


@dataclass(frozen=True)
class _Candidate:
    obligation: Obligation
    spans: tuple[Span, ...]


def _dialect_insert(dialect: str, table: Table) -> Any:
    """The dialect's own INSERT, which knows ON CONFLICT (both spell it the same way)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"reminders support SQLite and PostgreSQL, not {dialect}")


def _upsert(statement: Any) -> Any:
    """ON CONFLICT on the unique key: an existing row stays as it is, except a cancelled one
    (wanted again, e.g. re-subscribed) and a planned one whose moment moved (new send time).
    Sent, claimed, failed and dropped rows never change."""
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["chat_id", "obligation_id", "occurrence", "lead_days"],
        set_={
            "state": "planned",
            "due_at": excluded.due_at,
            "attempts": 0,
            "claimed_by": None,
            "claimed_at": None,
            "last_error": None,
        },
        where=or_(
            REMINDER.c.state == "cancelled",
            and_(REMINDER.c.state == "planned", REMINDER.c.due_at != excluded.due_at),
        ),
    )


def catalogue_version(obligations: Iterable[Obligation]) -> str:
    """A digest of which obligations exist in which revision: any sync that changes,
    adds or withdraws one changes it. Taken from the very list planned with, so a
    catalogue read a moment before a sync can never hide that sync."""
    pairs = sorted(f"{item.id}@{item.revision}" for item in obligations)
    return hashlib.sha256("\n".join(pairs).encode()).hexdigest()


def _changed_chats(connection: Connection, since: datetime) -> set[int]:
    changed = set(connection.execute(select(CHAT.c.id).where(CHAT.c.updated_at >= since)).scalars())
    changed.update(
        connection.execute(
            select(TEAM_STATUS.c.chat_id).where(TEAM_STATUS.c.updated_at >= since)
        ).scalars()
    )
    return changed


def plan(
    engine: Engine,
    catalog: Catalog,
    now: datetime,
    chat_ids: Collection[int] | None = None,
    *,
    full: bool = False,
    horizon: timedelta = PLAN_HORIZON,
    zone: ZoneInfo = ZONE,
) -> PlanReport:
    """Bring the outbox in line with chats, subscriptions, statuses and the catalogue.

    `chat_ids`: re-plan just these chats over [now, now + horizon) (call it after a chat's
    settings changed, so the change counts at once). Without: a routine run for everyone
    (see the module doc); `full` forces a re-plan of every chat, as a catalogue change does.
    Safe to run concurrently and as often as wanted: the unique key keeps it idempotent."""
    if now.tzinfo is None:
        raise ValueError("plan needs an aware datetime")
    now = now.astimezone(UTC)
    end = now + horizon
    obligations = catalog.all()
    version = catalogue_version(obligations)
    state = None
    is_full = False
    with engine.connect() as connection:
        if chat_ids is not None:
            # Only these chats, over the whole window; nobody else gets a routine slice.
            changed, start_all, start_changed = set(chat_ids), end, now
        else:
            state = connection.execute(
                select(PLANNER).where(PLANNER.c.name == PLANNER_NAME)
            ).first()
            floor = now - MAX_GAP
            is_full = full or state is None or state.catalogue_version != version
            changed = set()
            if state is None:
                start_all = now
            elif is_full:
                start_all = max(min(state.planned_until, now), floor)
            else:
                start_all = max(state.planned_until, floor)
                changed = _changed_chats(connection, state.planned_at - CHANGE_OVERLAP)
            start_changed = min(now, start_all)
        teams = Teams.load(connection, chat_ids)
    by_id = {item.id: item for item in obligations}
    report = PlanReport(
        window_start=min(start_all, start_changed) if changed else start_all,
        window_end=end,
        full=is_full,
        changed_chats=len(changed),
    )
    # Whose rows to check for cancellation: everyone after a catalogue change, else the
    # chats that changed (the dispatcher checks each row again right before sending).
    if is_full or changed:
        report.cancelled = _cancel_unwanted(engine, None if is_full else changed, teams, by_id)
    report.chats, report.planned = _insert_wanted(
        engine, teams, obligations, now, end, start_all, start_changed, changed, zone
    )
    if chat_ids is None:
        _save_state(engine, state, now, end, version)
    log.info(
        "reminders planned: %d rows, %d cancelled, %d chats (%s, from %s to %s)",
        report.planned,
        report.cancelled,
        report.chats,
        "full" if is_full else "routine" if chat_ids is None else "these chats",
        report.window_start.isoformat(),
        end.isoformat(),
    )
    return report


def _save_state(engine: Engine, state: Any, now: datetime, end: datetime, version: str) -> None:
    until = end if state is None else max(state.planned_until, end)
    values = {"planned_until": until, "planned_at": now, "catalogue_version": version}
    with engine.begin() as connection:
        done = connection.execute(
            update(PLANNER).where(PLANNER.c.name == PLANNER_NAME).values(**values)
        ).rowcount
        if not done:
            statement = _dialect_insert(connection.dialect.name, PLANNER)
            statement = statement.values(name=PLANNER_NAME, **values)
            connection.execute(statement.on_conflict_do_nothing(index_elements=["name"]))


def _staging_tables() -> tuple[Table, Table]:
    """Two temporary tables (one database session only) that let the database write the
    outbox rows itself: which profile each chat has, and the rows of each profile."""
    metadata = MetaData()
    chats = Table(
        "reminder_plan_chat",
        metadata,
        Column("chat_id", REMINDER.c.chat_id.type, nullable=False),
        Column("profile", Integer, nullable=False),
        Column("chunk", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )
    rows = Table(
        "reminder_plan_row",
        metadata,
        Column("profile", Integer, nullable=False),
        Column("obligation_id", REMINDER.c.obligation_id.type, nullable=False),
        Column("occurrence", REMINDER.c.occurrence.type, nullable=False),
        Column("lead_days", Integer, nullable=False),
        Column("due_at", REMINDER.c.due_at.type, nullable=False),
        prefixes=["TEMPORARY"],
    )
    return chats, rows


def _insert_from_staging(dialect: str, chats: Table, rows: Table) -> Any:
    """The upsert of one chunk of chats: every row of each chat's profile, except the
    obligations the team closed. Runs inside the database, no row passes through Python."""
    closed = exists(
        select(1)
        .select_from(TEAM_STATUS)
        .where(
            TEAM_STATUS.c.chat_id == chats.c.chat_id,
            TEAM_STATUS.c.obligation_id == rows.c.obligation_id,
            TEAM_STATUS.c.status.in_(CLOSED_STATUSES),
        )
    )
    # Rows that exist and would not change are left out before the upsert: a lookup in
    # the unique index is much cheaper than a conflicting insert (a full re-plan of a
    # busy day takes a third of the time on PostgreSQL).
    existing = REMINDER.alias("existing")
    settled = exists(
        select(1)
        .select_from(existing)
        .where(
            existing.c.chat_id == chats.c.chat_id,
            existing.c.obligation_id == rows.c.obligation_id,
            existing.c.occurrence == rows.c.occurrence,
            existing.c.lead_days == rows.c.lead_days,
            or_(
                existing.c.state.not_in(("planned", "cancelled")),
                and_(existing.c.state == "planned", existing.c.due_at == rows.c.due_at),
            ),
        )
    )
    source = (
        select(
            chats.c.chat_id,
            rows.c.obligation_id,
            rows.c.occurrence,
            rows.c.lead_days,
            rows.c.due_at,
            literal("planned"),
            literal(0),
        )
        .select_from(chats.join(rows, rows.c.profile == chats.c.profile))
        # A WHERE clause is required here anyway: SQLite needs one between a join's ON and
        # the upsert's ON CONFLICT to parse the statement.
        .where(chats.c.chunk == bindparam("chunk"), not_(closed), not_(settled))
    )
    columns = ["chat_id", "obligation_id", "occurrence", "lead_days", "due_at", "state", "attempts"]
    statement = _dialect_insert(dialect, REMINDER).from_select(columns, source)
    return _upsert(statement).execution_options(preserve_rowcount=True)


def _insert_wanted(
    engine: Engine,
    teams: Teams,
    obligations: list[Obligation],
    now: datetime,
    end: datetime,
    start_all: datetime,
    start_changed: datetime,
    changed: set[int],
    zone: ZoneInfo,
) -> tuple[int, int]:
    """Upsert the rows due in each chat's window; returns (chats planned, rows written).

    Chats with the same settings (topics, lead times, send time, digest, window) share a
    *profile*, whose rows are computed once in Python. The database then joins chats to
    profile rows in chunks of PLAN_CHUNK chats, committing between chunks so SQLite's write
    lock is never held for long."""
    today = now.astimezone(zone).date()
    active = [chat for chat in teams.chats.values() if chat.active and teams.topics.get(chat.id)]
    if not active:
        return 0, 0
    max_lead = max(max(chat.lead_days, default=0) for chat in active)
    last_anchor = end.astimezone(zone).date() + timedelta(days=max_lead) + SHIFT_MARGIN
    candidates = [
        _Candidate(item, tuple(spans))
        for item in obligations
        if (spans := occurrences_ahead(item, today, last_anchor))
    ]
    profiles: dict[tuple[Any, ...], int] = {}
    profile_rows: list[dict[str, Any]] = []
    chat_rows: list[dict[str, Any]] = []
    for chat in active:
        start = start_changed if chat.id in changed else start_all
        if start >= end:
            continue
        topics = teams.topics[chat.id]
        key = (topics, chat.lead_days, chat.send_time, chat.digest, start)
        profile = profiles.get(key)
        if profile is None:
            profile = profiles[key] = len(profiles)
            found = _profile_rows(
                candidates, topics, chat.lead_days, chat.send_time, start, end, zone
            )
            if chat.digest:
                found += [
                    (DIGEST_ID, monday, 0, digest_moment(monday, chat.send_time, zone))
                    for monday in _mondays(start, end, chat.send_time, zone)
                ]
            profile_rows += [
                {
                    "profile": profile,
                    "obligation_id": obligation_id,
                    "occurrence": occurrence,
                    "lead_days": lead,
                    "due_at": due_at,
                }
                for obligation_id, occurrence, lead, due_at in found
            ]
        chat_rows.append(
            {"chat_id": chat.id, "profile": profile, "chunk": len(chat_rows) // PLAN_CHUNK}
        )
    if not profile_rows or not chat_rows:
        return len(chat_rows), 0
    staged_chats, staged_rows = _staging_tables()
    written = 0
    with engine.connect() as connection:
        for table in (staged_chats, staged_rows):
            table.drop(connection, checkfirst=True)
            table.create(connection)
        try:
            connection.execute(insert(staged_rows), profile_rows)
            connection.execute(insert(staged_chats), chat_rows)
            connection.commit()
            statement = _insert_from_staging(connection.dialect.name, staged_chats, staged_rows)
            for chunk in range(chat_rows[-1]["chunk"] + 1):
                written += max(connection.execute(statement, {"chunk": chunk}).rowcount, 0)
                connection.commit()
        finally:
            connection.rollback()
            for table in (staged_rows, staged_chats):
                table.drop(connection)
            connection.commit()
    return len(chat_rows), written


def _profile_rows(
    candidates: list[_Candidate],
    topics: frozenset[str],
    lead_days: tuple[int, ...],
    send_time: time,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
) -> list[tuple[str, date, int, datetime]]:
    """(obligation, occurrence, lead, due_at) for one combination of chat settings.

    Lead times that land on the same moment (1 day before a Saturday and the Saturday
    itself both move to Friday) would say the same thing in the same message: only the
    shortest of them gets a row. That halves the busiest planning days."""
    everything = ALL_TOPICS in topics
    rows = []
    for candidate in candidates:
        item = candidate.obligation
        if not everything and topics.isdisjoint(item.topics):
            continue
        for span in candidate.spans:
            anchor = anchor_day(span)
            moments: dict[datetime, int] = {}
            for lead in sorted(lead_days):
                moments.setdefault(local_moment(reminder_day(anchor, lead), send_time, zone), lead)
            rows += [
                (item.id, span.start, lead, due_at)
                for due_at, lead in moments.items()
                if start <= due_at < end
            ]
    return rows


def _mondays(start: datetime, end: datetime, send_time: time, zone: ZoneInfo) -> list[date]:
    day = start.astimezone(zone).date()
    day -= timedelta(days=day.weekday())
    found = []
    while (moment := digest_moment(day, send_time, zone)) < end:
        if moment >= start:
            found.append(day)
        day += timedelta(days=7)
    return found


def _cancel_unwanted(
    engine: Engine, scope: set[int] | None, teams: Teams, obligations: dict[str, Obligation]
) -> int:
    """Cancel planned rows (of the chats in `scope`, or all) that are no longer wanted.

    Mirrors `Teams.unwanted`, as set-based UPDATEs so a full run stays cheap."""
    reminder = REMINDER
    is_digest = reminder.c.obligation_id == DIGEST_ID
    # Explicit correlation: the topic subquery sits two levels below the UPDATE, where
    # automatic correlation would quietly read the whole reminder table instead.
    subscribed_to_it = exists(
        select(1)
        .select_from(SUBSCRIPTION)
        .where(
            SUBSCRIPTION.c.chat_id == reminder.c.chat_id,
            or_(
                SUBSCRIPTION.c.topic_id == ALL_TOPICS,
                exists(
                    select(1)
                    .select_from(OBLIGATION_TOPIC)
                    .where(
                        OBLIGATION_TOPIC.c.obligation_id == reminder.c.obligation_id,
                        OBLIGATION_TOPIC.c.topic_id == SUBSCRIPTION.c.topic_id,
                    )
                    .correlate(reminder, SUBSCRIPTION)
                ),
            ),
        )
        .correlate(reminder)
    )
    subscribed_at_all = exists(
        select(1).select_from(SUBSCRIPTION).where(SUBSCRIPTION.c.chat_id == reminder.c.chat_id)
    )
    rules: list[tuple[str, ColumnElement[bool]]] = [
        (
            "chat inactive",
            reminder.c.chat_id.in_(select(CHAT.c.id).where(CHAT.c.active.is_(False))),
        ),
        (
            "obligation withdrawn",
            and_(
                not_(is_digest),
                reminder.c.obligation_id.not_in(
                    select(OBLIGATION.c.id).where(OBLIGATION.c.withdrawn_at.is_(None))
                ),
            ),
        ),
        (
            "closed by team",
            exists(
                select(1)
                .select_from(TEAM_STATUS)
                .where(
                    TEAM_STATUS.c.chat_id == reminder.c.chat_id,
                    TEAM_STATUS.c.obligation_id == reminder.c.obligation_id,
                    TEAM_STATUS.c.status.in_(CLOSED_STATUSES),
                )
            ),
        ),
        ("unsubscribed", and_(not_(is_digest), not_(subscribed_to_it))),
        ("no subscriptions", and_(is_digest, not_(subscribed_at_all))),
        (
            "digest off",
            and_(
                is_digest,
                reminder.c.chat_id.in_(select(CHAT.c.id).where(CHAT.c.digest.is_(False))),
            ),
        ),
    ]
    cancelled = 0
    with engine.begin() as connection:
        for reason, condition in rules:
            for where in _id_filters(reminder.c.chat_id, scope):
                cancelled += connection.execute(
                    update(reminder)
                    .where(reminder.c.state == "planned", condition, *where)
                    .values(state="cancelled", last_error=f"cancelled: {reason}")
                ).rowcount
        cancelled += _cancel_by_python_rules(connection, scope, teams, obligations)
    return cancelled


def _cancel_by_python_rules(
    connection: Connection,
    scope: set[int] | None,
    teams: Teams,
    obligations: dict[str, Obligation],
) -> int:
    """The two rules SQL cannot check portably: lead times (a JSON list) and recurrence dates."""
    reminder = REMINDER
    planned = and_(reminder.c.state == "planned", reminder.c.obligation_id != DIGEST_ID)
    stale_leads: list[dict[str, Any]] = []
    stale_dates: list[dict[str, Any]] = []
    for where in _id_filters(reminder.c.chat_id, scope):
        pairs = connection.execute(
            select(reminder.c.chat_id, reminder.c.lead_days).where(planned, *where).distinct()
        )
        for chat_id, lead in pairs:
            chat = teams.chats.get(chat_id)
            if chat is not None and lead not in chat.lead_days:
                stale_leads.append({"c": chat_id, "l": lead})
    for where in _id_filters(reminder.c.chat_id, scope):
        pairs = connection.execute(
            select(reminder.c.obligation_id, reminder.c.occurrence)
            .where(planned, *where)
            .distinct()
        )
        for obligation_id, occurrence in pairs:
            item = obligations.get(obligation_id)
            if item is not None and occurrence_span(item, occurrence) is None:
                stale_dates.append({"o": obligation_id, "d": occurrence})
    cancelled = 0
    if stale_leads:
        statement = (
            update(reminder)
            .where(
                planned,
                reminder.c.chat_id == bindparam("c"),
                reminder.c.lead_days == bindparam("l"),
            )
            .values(state="cancelled", last_error="cancelled: lead time removed")
        )
        cancelled += connection.execute(statement, stale_leads).rowcount
    if stale_dates:
        for where in _id_filters(reminder.c.chat_id, scope):
            statement = (
                update(reminder)
                .where(
                    planned,
                    reminder.c.obligation_id == bindparam("o"),
                    reminder.c.occurrence == bindparam("d"),
                    *where,
                )
                .values(state="cancelled", last_error="cancelled: date changed")
            )
            cancelled += connection.execute(statement, stale_dates).rowcount
    return cancelled


# --- texts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """An inline button; the bot turns it into Telegram's InlineKeyboardButton."""

    text: str
    callback_data: str


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to send: Telegram HTML, button rows, and which (obligation, occurrence)
    pairs it covers, so the dispatcher knows which rows it settles."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    covers: tuple[tuple[str, date], ...] = ()


def escape(text: str) -> str:
    """Everything from the catalogue goes through here: Telegram HTML takes no raw <, >, &."""
    return html.escape(text, quote=True)


def obligation_ref(obligation_id: str) -> str:
    """A 10-character reference for callback data (same as bot.pages.short_ref)."""
    return hashlib.sha256(obligation_id.encode()).hexdigest()[:10]


def obligation_url(public_url: str, obligation_id: str) -> str:
    return f"{public_url.rstrip('/')}/obligations/{obligation_id}"


_HALVES = {1: "de eerste helft", 7: "de tweede helft"}


def _period_phrase(span: Span, precision: str) -> str:
    """ "in de eerste helft van 2022", "in maart 2022", "op 16 maart 2022"."""
    if precision == "day":
        if span.is_day:
            return f"op {day_label(span.start)}"
        return f"van {span_label(span)}"
    months = span.end.year * 12 + span.end.month - (span.start.year * 12 + span.start.month) + 1
    single = months == {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12}[precision]
    if not single:
        return f"in de periode {span_label(span, precision)}"
    year = span.start.year
    if precision == "month":
        return f"in {month_label(span.start)}"
    if precision == "quarter":
        return f"in het {(span.start.month - 1) // 3 + 1}e kwartaal van {year}"
    if precision == "half":
        return f"in {_HALVES[span.start.month]} van {year}"
    if precision == "season":
        name = SEASON_START_MONTHS[span.start.month]
        if name == "winter":
            return f"in de winter van {year}-{year + 1}"
        return f"in het {name} van {year}"
    return f"in {year}"


def when_phrase(span: Span, precision: str, certainty: str) -> str:
    """The date with its precision and certainty, as a sentence part:
    "op 16 maart 2022", "verwacht in de eerste helft van 2022", "mogelijk in 2022 (onzeker)"."""
    phrase = _period_phrase(span, precision)
    if certainty == "verwacht":
        return f"verwacht {phrase}"
    if certainty == "onzeker":
        return f"mogelijk {phrase} (onzeker)"
    return phrase


def _days_phrase(days: int) -> str:
    if days == 0:
        return "vandaag"
    if days == 1:
        return "morgen"
    if days == -1:
        return "gisteren"
    if days > 1:
        return f"over {days} dagen"
    return f"{-days} dagen geleden"


def relative_phrase(span: Span, precision: str, today: date) -> str:
    """ "over 7 dagen", "vandaag"; for a period "begint over 30 dagen"."""
    days = (anchor_day(span) - today).days
    words = _days_phrase(days)
    if precision == "day" and span.is_day:
        return words
    return f"begint {words}" if days >= 0 else f"begon {words}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dedupe(items: Iterable[Occurrence]) -> list[Occurrence]:
    seen: dict[tuple[str, date], Occurrence] = {}
    for item in items:
        seen.setdefault((item.obligation.id, item.span.start), item)
    return sorted(seen.values(), key=lambda item: item.sort_key)


def _full_block(item: Occurrence, today: date, public_url: str, number: int | None) -> str:
    obligation, span = item.obligation, item.span
    title = f"<b>{escape(obligation.title)}</b>"
    when = _capital(when_phrase(span, obligation.precision, obligation.certainty))
    relative = relative_phrase(span, obligation.precision, today)
    url = escape(obligation_url(public_url, obligation.id))
    return "\n".join(
        [
            f"{number}. {title}" if number is not None else title,
            f"{escape(when)} · {escape(relative)}",
            escape(obligation.action),
            f'<a href="{url}">Details en bron</a>',
        ]
    )


def _list_line(item: Occurrence, today: date, public_url: str, marker: str) -> str:
    """One line per item: "3. <title linked> — verwacht in 2022 · begint over 30 dagen"."""
    obligation, span = item.obligation, item.span
    when = when_phrase(span, obligation.precision, obligation.certainty)
    relative = relative_phrase(span, obligation.precision, today)
    url = escape(obligation_url(public_url, obligation.id))
    return (
        f'{marker} <a href="{url}">{escape(obligation.title)}</a> — '
        f"{escape(when)} · {escape(relative)}"
    )


def _pack(header: str, blocks: list[str], separator: str, max_items: int) -> list[list[int]]:
    """Split block indexes into messages that stay under MESSAGE_LIMIT and `max_items`."""
    parts: list[list[int]] = [[]]
    size = len(header) + 40  # room for " (deel 2 van 3)"
    for index, block in enumerate(blocks):
        grow = len(block) + len(separator)
        if parts[-1] and (size + grow > MESSAGE_LIMIT or len(parts[-1]) >= max_items):
            parts.append([])
            size = len(header) + 40
        parts[-1].append(index)
        size += grow
    return parts


def _header_for(header: str, part: int, total: int) -> str:
    if total == 1:
        return header
    first, _, rest = header.partition("\n")
    counter = f"{first} (deel {part} van {total})"
    return f"{counter}\n{rest}" if rest else counter


def reminder_messages(
    items: Iterable[Occurrence], today: date, public_url: str, *, catch_up: bool = False
) -> list[OutgoingMessage]:
    """The reminders for one chat at one moment, as one message (more only past Telegram's
    length limit). Up to FULL_ITEMS items show title, date, action and link with buttons
    "Details" and "Afgerond"; more become a numbered list with a details button each.
    `catch_up` says they come late because the service was down."""
    chosen = _dedupe(items)
    if not chosen:
        return []
    count = len(chosen)
    if catch_up:
        header = "📬 <b>Terwijl ik offline was</b>\n" + (
            "Deze herinnering kon ik niet op tijd sturen:"
            if count == 1
            else f"Deze {count} herinneringen kon ik niet op tijd sturen:"
        )
    else:
        header = "🔔 <b>Herinnering</b>" if count == 1 else f"🔔 <b>{count} herinneringen</b>"
    full = count <= FULL_ITEMS
    if full:
        blocks = [
            _full_block(item, today, public_url, None if count == 1 else number)
            for number, item in enumerate(chosen, start=1)
        ]
        separator, max_items = "\n\n", FULL_ITEMS
    else:
        blocks = [
            _list_line(item, today, public_url, f"{number}.")
            for number, item in enumerate(chosen, start=1)
        ]
        separator, max_items = "\n", MAX_LIST_ITEMS
    parts = _pack(header, blocks, separator, max_items)
    messages = []
    for part_number, indexes in enumerate(parts, start=1):
        text = _header_for(header, part_number, len(parts)) + "\n\n"
        text += separator.join(blocks[i] for i in indexes)
        members = [chosen[i] for i in indexes]
        messages.append(
            OutgoingMessage(
                text=text,
                buttons=_buttons(members, [i + 1 for i in indexes], full, count),
                covers=tuple((m.obligation.id, m.span.start) for m in members),
            )
        )
    return messages


def _buttons(
    members: list[Occurrence], numbers: list[int], full: bool, count: int
) -> tuple[tuple[Button, ...], ...]:
    refs = [obligation_ref(m.obligation.id) for m in members]
    if count == 1:
        ref = refs[0]
        return ((Button("Details", DETAILS_PREFIX + ref), Button("Afgerond", DONE_PREFIX + ref)),)
    if full:
        return tuple(
            (
                Button(f"{n}. Details", DETAILS_PREFIX + ref),
                Button(f"{n}. Afgerond", DONE_PREFIX + ref),
            )
            for n, ref in zip(numbers, refs, strict=True)
        )
    buttons = [Button(str(n), DETAILS_PREFIX + ref) for n, ref in zip(numbers, refs, strict=True)]
    return tuple(tuple(buttons[i : i + 8]) for i in range(0, len(buttons), 8))


# --- weekly digest -------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    """A team's week: what starts in the coming four weeks, and open items that passed."""

    today: date
    upcoming: tuple[Occurrence, ...]
    overdue: tuple[Occurrence, ...]


def build_digest(
    obligations: Iterable[Obligation], teams: Teams, chat_id: int, today: date
) -> Digest:
    """Coming: anchor day in [today, today + 4 weeks). Overdue: the occurrence ended in the
    last OVERDUE_DAYS days and the team has not marked it afgerond or nvt."""
    closed = teams.closed.get(chat_id, set())
    horizon = today + timedelta(weeks=DIGEST_WEEKS)
    window = Span(today - timedelta(days=OVERDUE_DAYS), horizon)
    upcoming: list[Occurrence] = []
    overdue: list[Occurrence] = []
    for item in obligations:
        if item.id in closed or not teams.follows(chat_id, item):
            continue
        for span in occurrences(item, window):
            if today <= anchor_day(span) < horizon:
                upcoming.append(Occurrence(item, span))
            elif window.start <= span.end < today:
                overdue.append(Occurrence(item, span))
    return Digest(
        today,
        tuple(sorted(upcoming, key=lambda o: o.sort_key)),
        tuple(sorted(overdue, key=lambda o: (o.span.end, o.obligation.title.casefold()))),
    )


def _overdue_line(item: Occurrence, today: date, public_url: str) -> str:
    obligation, span = item.obligation, item.span
    url = escape(obligation_url(public_url, obligation.id))
    if precision_is_day(obligation.precision, span):
        when = f"{day_label(span.end)}, {_days_phrase((span.end - today).days)}"
    else:
        when = f"{span_label(span, obligation.precision)}, afgelopen op {day_label(span.end)}"
    return f'• <a href="{url}">{escape(obligation.title)}</a> — {escape(when)}'


def precision_is_day(precision: str, span: Span) -> bool:
    return precision == "day" and span.is_day


def digest_messages(digest: Digest, public_url: str) -> list[OutgoingMessage]:
    """The digest as text; split only past Telegram's limit."""
    today = digest.today
    header = f"🗓 <b>Weekoverzicht</b> — week van {escape(day_label(today))}"
    lines: list[str] = []
    if digest.upcoming:
        lines.append(f"<b>De komende vier weken ({len(digest.upcoming)})</b>")
        shown = digest.upcoming[:DIGEST_MAX_ITEMS]
        lines += [_list_line(item, today, public_url, "•") for item in shown]
        if len(digest.upcoming) > len(shown):
            lines.append(f"… en nog {len(digest.upcoming) - len(shown)}: {escape(public_url)}")
    else:
        lines.append("De komende vier weken begint er niets uit jullie onderwerpen.")
    if digest.overdue:
        lines.append("")
        lines.append(f"<b>Voorbij en nog open ({len(digest.overdue)})</b>")
        shown = digest.overdue[:DIGEST_MAX_ITEMS]
        lines += [_overdue_line(item, today, public_url) for item in shown]
        if len(digest.overdue) > len(shown):
            lines.append(f"… en nog {len(digest.overdue) - len(shown)}")
        lines.append("Klaar of niet van toepassing? Markeer het, dan verdwijnt het hier.")
    parts = _pack(header, lines, "\n", len(lines) or 1)
    return [
        OutgoingMessage(
            text=_header_for(header, number, len(parts))
            + "\n\n"
            + "\n".join(lines[i] for i in part)
        )
        for number, part in enumerate(parts, start=1)
    ]
