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

Own deadlines (workflow.py, table team_deadline) are reminded like catalogue obligations,
at the chat's lead times and send time with the same holiday rule, but only in the chat
that added them and whatever its topics: a team that added a deadline wants it reminded.
Their id carries the chat ("eigen-100200-3", see `own_prefix`), so a row shows whose it is.
They are few, so they are planned per chat next to the shared profiles. "Obligation
withdrawn" and "unsubscribed" never apply to them; a removed one is cancelled as
"deadline removed", a moved one as "date changed", a closed one as "closed by team".

Snoozes ("Later" on a reminder, `snooze`) are one extra row for one occurrence at the
moment the team chose; the regular series stays as it is. Their `lead_days` is negative:
minus the moment in whole minutes since 1970-01-01 UTC (`snooze_lead_days`), so it never
meets a real lead time (0..366), and each moment has its own key: a snooze that was sent
never blocks the next one. At most one snooze per occurrence is planned at a time (a new
one moves it). "Lead time removed" does not apply to them; everything else does, except
that a snooze still goes out after the occurrence's day (the team asked for it).
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
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
    String,
    Table,
    and_,
    bindparam,
    cast,
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
from obligations.workflow import TeamDeadline, own_obligation_id

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
SNOOZE_PREFIX = "s:"  # callback data "s:<ref>:<yyyymmdd>": the bot offers SNOOZE_CHOICES
SNOOZE_CHOICES = (("1 dag", timedelta(days=1)), ("1 week", timedelta(weeks=1)))
SNOOZE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # snooze keys count minutes from here
OWN_SOURCE = "team"  # the `source` of TeamDeadline.as_obligation: a team's own deadline
OWN_LINE = "Eigen deadline van dit team"
# The fixed head of every own-deadline id: own_obligation_id(c, n) == f"{OWN_HEAD}{c}-{n}".
OWN_HEAD = own_obligation_id(7, 0).removesuffix("7-0")


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


REMINDER = _table("reminder")
PLANNER = _table("reminder_planner")
CHAT = _table("chat")
SUBSCRIPTION = _table("subscription")
TEAM_STATUS = _table("team_status")
OBLIGATION = _table("obligation")
OBLIGATION_TOPIC = _table("obligation_topic")
TEAM_DEADLINE = _table("team_deadline")


def own_prefix(chat_id: int) -> str:
    """What every own-deadline id of `chat_id` starts with ("eigen-100200-", "eigen42-"):
    an id with another chat's prefix is never this chat's, whatever it looks like."""
    return f"{OWN_HEAD}{chat_id}-"


def is_own(obligation: Obligation) -> bool:
    """A team's own deadline (no catalogue page, no source to link)."""
    return obligation.source == OWN_SOURCE


# --- snoozes -------------------------------------------------------------------------------


def snooze_lead_days(until: datetime) -> int:
    """The `lead_days` key of a snooze row due at `until`: minus whole minutes since
    SNOOZE_EPOCH (17 March 2022 08:00 UTC is -27456960). Negative, so never a real lead
    time; one key per minute, so a sent snooze never blocks a later one."""
    return -((until - SNOOZE_EPOCH) // timedelta(minutes=1))


def is_snooze(lead_days: int) -> bool:
    return lead_days < 0


def _minute_up(moment: datetime) -> datetime:
    """`moment` rounded up to a whole minute: due times are whole minutes (ticks at :00)."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


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
    """What planning and sending need to know about a set of chats, loaded in four queries."""

    chats: dict[int, ChatInfo] = field(default_factory=dict)
    topics: dict[int, frozenset[str]] = field(default_factory=dict)
    closed: dict[int, set[str]] = field(default_factory=dict)
    own: dict[int, dict[str, Obligation]] = field(default_factory=dict)  # chat: id: deadline
    owners: dict[int, dict[str, str]] = field(default_factory=dict)  # chat: id: "@piet"

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
            query = select(
                TEAM_STATUS.c.chat_id,
                TEAM_STATUS.c.obligation_id,
                TEAM_STATUS.c.status,
                TEAM_STATUS.c.owner,
            ).where(*where)
            for row in connection.execute(query):
                if row.status in CLOSED_STATUSES:
                    teams.closed.setdefault(row.chat_id, set()).add(row.obligation_id)
                if row.owner:
                    teams.owners.setdefault(row.chat_id, {})[row.obligation_id] = row.owner
        for where in _id_filters(TEAM_DEADLINE.c.chat_id, chat_ids):
            query = select(TEAM_DEADLINE).where(TEAM_DEADLINE.c.removed_at.is_(None), *where)
            for row in connection.execute(query):
                deadline = TeamDeadline(
                    number=row.number,
                    title=row.title,
                    span=Span(row.start, row.end),
                    linked_obligation_id=row.linked_obligation_id,
                    revision=row.revision,
                    updated_at=row.updated_at,
                )
                item = deadline.as_obligation(row.chat_id)
                teams.own.setdefault(row.chat_id, {})[item.id] = item
        return teams

    def obligation(
        self, chat_id: int, obligation_id: str, obligations: dict[str, Obligation]
    ) -> Obligation | None:
        """This chat's own deadline with that id, else the catalogue obligation."""
        own = self.own.get(chat_id)
        if own is not None and obligation_id in own:
            return own[obligation_id]
        return obligations.get(obligation_id)

    def own_obligations(self) -> dict[str, Obligation]:
        """Every loaded chat's own deadlines by id (ids carry the chat, so none collide)."""
        return {key: item for own in self.own.values() for key, item in own.items()}

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
        sending, so a change that planning has not seen yet still stops a reminder. A
        team's own deadline needs no subscription; a snooze keeps whatever the lead times."""
        chat = self.chats.get(chat_id)
        if chat is None or not chat.active:
            return "chat inactive"
        own = self.own.get(chat_id, {}).get(obligation_id)
        if own is None and obligation_id.startswith(own_prefix(chat_id)):
            return "deadline removed"
        if own is None and not self.topics.get(chat_id):
            return "no subscriptions"
        if obligation_id == DIGEST_ID:
            return None if chat.digest else "digest off"
        obligation = own or obligations.get(obligation_id)
        if obligation is None:
            return "obligation withdrawn"
        if occurrence_span(obligation, occurrence) is None:
            return "date changed"
        if obligation_id in self.closed.get(chat_id, ()):
            return "closed by team"
        if own is None and not self.follows(chat_id, obligation):
            return "unsubscribed"
        if not is_snooze(lead_days) and lead_days not in chat.lead_days:
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
    own_chats, own_planned = _insert_own(
        engine, teams, now, end, start_all, start_changed, changed, zone
    )
    report.chats += len([chat_id for chat_id in own_chats if not teams.topics.get(chat_id)])
    report.planned += own_planned
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
    ordered = sorted(lead_days)
    rows = []
    for candidate in candidates:
        item = candidate.obligation
        if not everything and topics.isdisjoint(item.topics):
            continue
        for span in candidate.spans:
            rows += [
                (item.id, span.start, lead, due_at)
                for lead, due_at in _moments(anchor_day(span), ordered, send_time, start, end, zone)
            ]
    return rows


def _moments(
    anchor: date,
    ordered_leads: list[int],
    send_time: time,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
) -> list[tuple[int, datetime]]:
    """(lead, due_at) in [start, end) for one anchor day, one row per moment: the shortest
    lead of those that land on it (`ordered_leads` is sorted)."""
    moments: dict[datetime, int] = {}
    for lead in ordered_leads:
        moments.setdefault(local_moment(reminder_day(anchor, lead), send_time, zone), lead)
    return [(lead, due_at) for due_at, lead in moments.items() if start <= due_at < end]


def _insert_own(
    engine: Engine,
    teams: Teams,
    now: datetime,
    end: datetime,
    start_all: datetime,
    start_changed: datetime,
    changed: set[int],
    zone: ZoneInfo,
) -> tuple[set[int], int]:
    """Upsert the rows of the teams' own deadlines; returns (chats planned, rows written).

    One chat's deadlines are that chat's alone, so no profile is shared: they are few and
    computed per chat, for every active chat whatever its topics."""
    today = now.astimezone(zone).date()
    values: list[dict[str, Any]] = []
    chats: set[int] = set()
    for chat_id, own in teams.own.items():
        chat = teams.chats.get(chat_id)
        start = start_changed if chat_id in changed else start_all
        if chat is None or not chat.active or start >= end:
            continue
        chats.add(chat_id)
        closed = teams.closed.get(chat_id, set())
        leads = sorted(chat.lead_days)
        for item in own.values():
            if item.id in closed or not is_ahead(item.span, today):
                continue
            values += [
                {
                    "chat_id": chat_id,
                    "obligation_id": item.id,
                    "occurrence": item.span.start,
                    "lead_days": lead,
                    "due_at": due_at,
                    "state": "planned",
                    "attempts": 0,
                }
                for lead, due_at in _moments(
                    anchor_day(item.span), leads, chat.send_time, start, end, zone
                )
            ]
    written = 0
    if values:
        with engine.begin() as connection:
            for first in range(0, len(values), IN_CHUNK):
                statement = _dialect_insert(connection.dialect.name, REMINDER).values(
                    values[first : first + IN_CHUNK]
                )
                result = connection.execute(
                    _upsert(statement).execution_options(preserve_rowcount=True)
                )
                written += max(result.rowcount, 0)
    return chats, written


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
    # A team's own deadline: the id starts with the row's own chat prefix (own_prefix). The
    # constant test first, so catalogue rows are passed over without building a string.
    is_own_row = and_(
        reminder.c.obligation_id.like(f"{OWN_HEAD}%"),
        reminder.c.obligation_id.like(
            literal(OWN_HEAD) + cast(reminder.c.chat_id, String) + literal("-%")
        ),
    )
    live_own_ids = select(
        literal(OWN_HEAD)
        + cast(TEAM_DEADLINE.c.chat_id, String)
        + literal("-")
        + cast(TEAM_DEADLINE.c.number, String)
    ).where(TEAM_DEADLINE.c.removed_at.is_(None))
    rules: list[tuple[str, ColumnElement[bool]]] = [
        (
            "chat inactive",
            reminder.c.chat_id.in_(select(CHAT.c.id).where(CHAT.c.active.is_(False))),
        ),
        ("deadline removed", and_(is_own_row, reminder.c.obligation_id.not_in(live_own_ids))),
        (
            "obligation withdrawn",
            and_(
                not_(is_digest),
                reminder.c.obligation_id.not_in(
                    select(OBLIGATION.c.id).where(OBLIGATION.c.withdrawn_at.is_(None))
                ),
                not_(is_own_row),
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
        ("unsubscribed", and_(not_(is_digest), not_(subscribed_to_it), not_(is_own_row))),
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
        # "Deadline removed" looks only at chats that ever had an own deadline (removed
        # ones stay in the table): a lookup by the unique key's chat_id for a few chats
        # instead of one more pass over the whole outbox, and none at all when no team
        # has one.
        had_own = set(connection.execute(select(TEAM_DEADLINE.c.chat_id).distinct()).scalars())
        own_scope = had_own if scope is None else had_own & scope
        for reason, condition in rules:
            chats = own_scope if reason == "deadline removed" else scope
            for where in _id_filters(reminder.c.chat_id, chats):
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
    """The two rules SQL cannot check portably: lead times (a JSON list) and recurrence dates.
    Snoozes keep their own moment, whatever the lead times."""
    reminder = REMINDER
    planned = and_(reminder.c.state == "planned", reminder.c.obligation_id != DIGEST_ID)
    stale_leads: list[dict[str, Any]] = []
    stale_dates: list[dict[str, Any]] = []
    known = {**obligations, **teams.own_obligations()}
    for where in _id_filters(reminder.c.chat_id, scope):
        pairs = connection.execute(
            select(reminder.c.chat_id, reminder.c.lead_days)
            .where(planned, reminder.c.lead_days >= 0, *where)
            .distinct()
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
            item = known.get(obligation_id)
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


# --- snoozing ------------------------------------------------------------------------------


def snooze(
    engine: Engine,
    chat_id: int,
    obligation_id: str,
    occurrence: date,
    until: datetime,
    now: datetime,
    *,
    zone: ZoneInfo = ZONE,
) -> bool:
    """Remind this chat once more of this occurrence at `until` (the "Later" button; rounded
    up to a whole minute). The regular series stays as it is; a snooze still planned for
    this occurrence moves to the new moment. False when there is nothing to snooze: the
    moment is not in the future, the chat is inactive, the obligation is withdrawn, moved,
    closed by the team or not followed, or it ended more than OVERDUE_DAYS before `until`.

    The row's lead_days is `snooze_lead_days` of that whole minute (see the module doc);
    `zone` only decides which day `until` falls on."""
    if until.tzinfo is None or now.tzinfo is None:
        raise ValueError("snooze needs aware datetimes")
    due_at = _minute_up(until.astimezone(UTC))
    if due_at <= now:
        return False
    lead = snooze_lead_days(due_at)
    found = Catalog(engine).get(obligation_id)
    obligations = {} if found is None else {obligation_id: found}
    with engine.connect() as connection:
        teams = Teams.load(connection, [chat_id])
    if teams.unwanted(chat_id, obligation_id, occurrence, lead, obligations) is not None:
        return False
    item = teams.obligation(chat_id, obligation_id, obligations)
    span = None if item is None else occurrence_span(item, occurrence)
    if span is None or (due_at.astimezone(zone).date() - span.end).days > OVERDUE_DAYS:
        return False
    this_occurrence = and_(
        REMINDER.c.chat_id == chat_id,
        REMINDER.c.obligation_id == obligation_id,
        REMINDER.c.occurrence == occurrence,
    )
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two presses at once must not leave two planned snoozes: one at a time per chat.
            connection.execute(select(CHAT.c.id).where(CHAT.c.id == chat_id).with_for_update())
        connection.execute(
            update(REMINDER)
            .where(
                this_occurrence,
                REMINDER.c.state == "planned",
                REMINDER.c.lead_days < 0,
                REMINDER.c.lead_days != lead,
            )
            .values(state="cancelled", last_error="cancelled: snoozed again")
        )
        statement = _dialect_insert(connection.dialect.name, REMINDER).values(
            chat_id=chat_id,
            obligation_id=obligation_id,
            occurrence=occurrence,
            lead_days=lead,
            due_at=due_at,
            state="planned",
            attempts=0,
        )
        connection.execute(_upsert(statement))
        state = connection.execute(
            select(REMINDER.c.state).where(this_occurrence, REMINDER.c.lead_days == lead)
        ).scalar_one()
    return bool(state == "planned")


def snooze_callback(obligation_id: str, occurrence: date) -> str:
    """ "s:<ref>:<yyyymmdd>", 21 bytes: the "Later" button of one occurrence."""
    return f"{SNOOZE_PREFIX}{obligation_ref(obligation_id)}:{occurrence:%Y%m%d}"


def parse_snooze_callback(data: str) -> tuple[str, date] | None:
    """(ref, occurrence) from a "Later" button's callback data; None if it is not one."""
    if not data.startswith(SNOOZE_PREFIX):
        return None
    ref, _, day = data.removeprefix(SNOOZE_PREFIX).partition(":")
    if len(ref) != 10 or len(day) != 8 or not day.isdigit():
        return None
    try:
        return ref, datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        return None


def resolve_ref(ref: str, obligation_ids: Iterable[str]) -> str | None:
    """The id among `obligation_ids` (the catalogue's and the chat's own) whose button
    reference is `ref`; None when none is, or more than one (never guess)."""
    found = {item for item in obligation_ids if obligation_ref(item) == ref}
    return found.pop() if len(found) == 1 else None


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


def _full_block(
    item: Occurrence, today: date, public_url: str, number: int | None, snoozed: bool = False
) -> str:
    """Title, date, action and link; an own deadline has no catalogue page, so no link."""
    obligation, span = item.obligation, item.span
    title = f"<b>{escape(obligation.title)}</b>"
    if snoozed:
        title += " · <i>uitgesteld</i>"
    when = _capital(when_phrase(span, obligation.precision, obligation.certainty))
    relative = relative_phrase(span, obligation.precision, today)
    lines = [
        f"{number}. {title}" if number is not None else title,
        f"{escape(when)} · {escape(relative)}",
    ]
    if is_own(obligation):
        lines.append(escape(OWN_LINE))
    else:
        url = escape(obligation_url(public_url, obligation.id))
        lines += [escape(obligation.action), f'<a href="{url}">Details en bron</a>']
    return "\n".join(lines)


def _linked_title(obligation: Obligation, public_url: str) -> str:
    """The title linked to its page; an own deadline's title plain, marked as the team's."""
    if is_own(obligation):
        return f"{escape(obligation.title)} ({escape(OWN_LINE.lower())})"
    url = escape(obligation_url(public_url, obligation.id))
    return f'<a href="{url}">{escape(obligation.title)}</a>'


def _list_line(item: Occurrence, today: date, public_url: str, marker: str) -> str:
    """One line per item: "3. <title linked> — verwacht in 2022 · begint over 30 dagen"."""
    obligation, span = item.obligation, item.span
    when = when_phrase(span, obligation.precision, obligation.certainty)
    relative = relative_phrase(span, obligation.precision, today)
    return f"{marker} {_linked_title(obligation, public_url)} — {escape(when)} · {escape(relative)}"


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
    items: Iterable[Occurrence],
    today: date,
    public_url: str,
    *,
    catch_up: bool = False,
    snoozed: Collection[tuple[str, date]] = (),
    owners: Mapping[str, str] | None = None,
) -> list[OutgoingMessage]:
    """The reminders for one chat at one moment, as one message (more only past Telegram's
    length limit). Up to FULL_ITEMS items show title, date, action and link with buttons
    "Details", "Afgerond" and "Later"; more become a numbered list with a details button
    each. `catch_up` says they come late because the service was down; `snoozed` holds the
    (obligation id, occurrence) pairs the team postponed, so the text says so."""
    chosen = _dedupe(items)
    if not chosen:
        return []
    count = len(chosen)
    postponed = [(item.obligation.id, item.span.start) in snoozed for item in chosen]
    if catch_up:
        header = "📬 <b>Terwijl ik offline was</b>\n" + (
            "Deze herinnering kon ik niet op tijd sturen:"
            if count == 1
            else f"Deze {count} herinneringen kon ik niet op tijd sturen:"
        )
    elif all(postponed):
        header = (
            "⏰ <b>Uitgestelde herinnering</b>"
            if count == 1
            else f"⏰ <b>{count} uitgestelde herinneringen</b>"
        )
    else:
        header = "🔔 <b>Herinnering</b>" if count == 1 else f"🔔 <b>{count} herinneringen</b>"
    mark = catch_up or not all(postponed)  # the header says it when all were postponed
    full = count <= FULL_ITEMS
    if full:
        blocks = [
            _full_block(item, today, public_url, None if count == 1 else number, mark and later)
            for number, (item, later) in enumerate(zip(chosen, postponed, strict=True), start=1)
        ]
        separator, max_items = "\n\n", FULL_ITEMS
    else:
        blocks = [
            _list_line(item, today, public_url, f"{number}.")
            for number, item in enumerate(chosen, start=1)
        ]
        separator, max_items = "\n", MAX_LIST_ITEMS
    for index, item in enumerate(chosen):  # the team's owner is named with the item
        owner = (owners or {}).get(item.obligation.id)
        if owner:
            blocks[index] += f"\nEigenaar: {escape(owner)}" if full else f" ({escape(owner)})"
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
    """Details, Afgerond and Later per item in the full form; the long list (more than
    FULL_ITEMS) keeps to one details button each, so it stays readable. An own deadline
    has no catalogue page to show (the bot's "d:" looks in the catalogue): no Details."""
    refs = [obligation_ref(m.obligation.id) for m in members]
    if full:
        rows = []
        for n, ref, member in zip(numbers, refs, members, strict=True):
            label = "" if count == 1 else f"{n}. "
            details = (
                ()
                if is_own(member.obligation)
                else (Button(f"{label}Details", DETAILS_PREFIX + ref),)
            )
            later = snooze_callback(member.obligation.id, member.span.start)
            rows.append(
                (
                    *details,
                    Button(f"{label}Afgerond", DONE_PREFIX + ref),
                    Button(f"{label}Later", later),
                )
            )
        return tuple(rows)
    buttons = [
        Button(str(n), DETAILS_PREFIX + ref)
        for n, ref, member in zip(numbers, refs, members, strict=True)
        if not is_own(member.obligation)
    ]
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
    own = list(teams.own.get(chat_id, {}).values())  # the team's own, whatever its topics
    for item in [*obligations, *own]:
        if item.id in closed or not (is_own(item) or teams.follows(chat_id, item)):
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
    if precision_is_day(obligation.precision, span):
        when = f"{day_label(span.end)}, {_days_phrase((span.end - today).days)}"
    else:
        when = f"{span_label(span, obligation.precision)}, afgelopen op {day_label(span.end)}"
    return f"• {_linked_title(obligation, public_url)} — {escape(when)}"


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
