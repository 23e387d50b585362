"""The database: SQLModel tables, the engine, and upgrading through Alembic.

National obligations are synced from the YAML catalogue; everything a team owns
(chats, subscriptions, lead times, status, the reminder outbox) lives only here.
Datetimes are aware and stored as UTC (SQLModel's UTCDateTime); dates are plain dates.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, BigInteger, Column, Engine, Index, UniqueConstraint, event
from sqlalchemy.engine import make_url
from sqlmodel import Field, SQLModel, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ALL_TOPICS = "*"  # a subscription to every topic ("alles")
DEFAULT_LEAD_DAYS = [30, 7, 1, 0]
DEFAULT_SEND_TIME = time(9, 0)


class SourceRow(SQLModel, table=True):
    __tablename__ = "source"
    id: str = Field(primary_key=True, max_length=80)
    title: str
    publisher: str
    written: date
    url: str | None = None


class TopicRow(SQLModel, table=True):
    __tablename__ = "topic"
    id: str = Field(primary_key=True, max_length=80)
    label: str
    description: str = ""


class ObligationRow(SQLModel, table=True):
    """A national obligation as last synced; `withdrawn_at` marks one the catalogue dropped."""

    __tablename__ = "obligation"
    id: str = Field(primary_key=True, max_length=80)
    title: str
    action: str
    kind: str = Field(max_length=40, index=True)
    chapter: str
    section: str
    start: date = Field(index=True)
    end: date = Field(index=True)
    precision: str = Field(max_length=10)
    certainty: str = Field(max_length=10)
    recurrence: str | None = None
    amount_eur: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    quote: str
    source_id: str = Field(foreign_key="source.id", max_length=80)
    revision: int = 1
    content_hash: str = Field(max_length=64)
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None = None


class ObligationTopicRow(SQLModel, table=True):
    __tablename__ = "obligation_topic"
    obligation_id: str = Field(foreign_key="obligation.id", primary_key=True, max_length=80)
    topic_id: str = Field(primary_key=True, max_length=80, index=True)
    position: int = 0


class ChatRow(SQLModel, table=True):
    """A Telegram chat: one team (a group) or one person (a private chat)."""

    __tablename__ = "chat"
    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=20)  # private, group, supergroup
    title: str = ""
    active: bool = True
    send_time: time = DEFAULT_SEND_TIME
    lead_days: list[int] = Field(
        default_factory=lambda: list(DEFAULT_LEAD_DAYS), sa_column=Column(JSON, nullable=False)
    )
    digest: bool = False
    everyone_can_update: bool = False
    feed_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime
    updated_at: datetime


class SubscriptionRow(SQLModel, table=True):
    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("chat_id", "topic_id", name="uq_subscription_chat_topic"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    topic_id: str = Field(max_length=80)  # ALL_TOPICS for "alles"
    created_at: datetime


class TeamStatusRow(SQLModel, table=True):
    """What one team has done about one obligation; absent means open."""

    __tablename__ = "team_status"
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    obligation_id: str = Field(primary_key=True, max_length=80)
    status: str = Field(max_length=20)  # open, bezig, afgerond, nvt
    owner: str | None = None
    updated_at: datetime
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class ReminderRow(SQLModel, table=True):
    """The outbox: one planned reminder. The unique key makes planning idempotent.

    `state` moves planned -> claimed -> sent, or ends as cancelled (no longer wanted),
    dropped (its moment and its obligation both passed) or failed (`last_error` says why).
    A weekly digest is a row too: `obligation_id` is reminders.DIGEST_ID, the occurrence its Monday.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        UniqueConstraint(
            "chat_id", "obligation_id", "occurrence", "lead_days", name="uq_reminder_key"
        ),
        # The dispatcher's question, every tick: which planned rows are due? Lookups by
        # chat use the unique key's first column; no more indexes, since planning writes
        # millions of rows on a busy day and each index makes every write dearer.
        Index("ix_reminder_state_due_at", "state", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    obligation_id: str = Field(max_length=80)
    occurrence: date
    lead_days: int
    due_at: datetime
    state: str = Field(default="planned", max_length=20)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_error: str | None = None


class ReminderPlannerRow(SQLModel, table=True):
    """How far reminder planning got, so each run plans only what is new.

    `planned_until`: rows due up to this moment exist; after downtime the next run plans
    from here, so reminders that fell in the gap still get a catch-up. `planned_at`: the
    last run, to find chats changed since. `catalogue_version`: a digest of the obligation
    ids and revisions that run planned with, so a catalogue change triggers a full re-plan.
    """

    __tablename__ = "reminder_planner"
    name: str = Field(primary_key=True, max_length=40)
    planned_until: datetime
    planned_at: datetime
    catalogue_version: str | None = Field(default=None, max_length=64)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file gets its folder created and sane pragmas."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call on every start."""
    command.upgrade(alembic_config(engine), "head")


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


class TeamDeadlineRow(SQLModel, table=True):
    """A deadline a team added itself (e.g. the council decision on an ordinance);
    visible to that team only. `number` is the team's own short reference ("eigen-3")."""

    __tablename__ = "team_deadline"
    __table_args__ = (UniqueConstraint("chat_id", "number", name="uq_team_deadline_number"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    number: int
    title: str = Field(max_length=200)
    start: date
    end: date
    linked_obligation_id: str | None = Field(default=None, max_length=80)
    revision: int = 1
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime
    updated_at: datetime
    removed_at: datetime | None = None


class TeamEventRow(SQLModel, table=True):
    """The history: who changed what, when, for the griffie or the accountant."""

    __tablename__ = "team_event"
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    subject: str = Field(max_length=80)  # a catalogue id or "eigen-N"
    action: str = Field(max_length=20)  # status, eigenaar, toegevoegd, gewijzigd, verwijderd
    detail: str = ""
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    actor_name: str = ""
    at: datetime
