"""What a team (a Telegram chat) keeps in the database: itself, its subscriptions,
its lead times and its private feed token.

A feed token is shown to the team once and stored only as a SHA-256 digest, so a
database dump does not leak working feed links; renewing it revokes the old one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, SQLModel, col, select

from obligations.store import ALL_TOPICS, ChatRow, SubscriptionRow

TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def ensure_chat(engine: Engine, chat_id: int, kind: str, title: str, now: datetime) -> ChatRow:
    """The chat's row, created on first contact; a returning chat becomes active again."""
    with Session(engine) as session, session.begin():
        row = session.get(ChatRow, chat_id)
        if row is None:
            row = ChatRow(id=chat_id, kind=kind, title=title, created_at=now, updated_at=now)
            session.add(row)
        elif not row.active or row.title != title or row.kind != kind:
            row.active, row.title, row.kind, row.updated_at = True, title, kind, now
        session.flush()
        session.expunge(row)
        return row


def get_chat(engine: Engine, chat_id: int) -> ChatRow | None:
    with Session(engine) as session:
        row = session.get(ChatRow, chat_id)
        if row is not None:
            session.expunge(row)
        return row


def _touch(session: Session, chat_id: int, now: datetime) -> None:
    row = session.get(ChatRow, chat_id)
    if row is None:
        raise LookupError(f"unknown chat {chat_id}")
    row.updated_at = now


def subscriptions(engine: Engine, chat_id: int) -> list[str]:
    with Session(engine) as session:
        query = select(SubscriptionRow.topic_id).where(SubscriptionRow.chat_id == chat_id)
        return sorted(session.exec(query))


def subscribe(engine: Engine, chat_id: int, topics: Iterable[str], now: datetime) -> list[str]:
    """Add subscriptions (ALL_TOPICS for everything); returns the chat's topics after."""
    with Session(engine) as session, session.begin():
        _touch(session, chat_id, now)
        have = set(
            session.exec(select(SubscriptionRow.topic_id).where(SubscriptionRow.chat_id == chat_id))
        )
        for topic in dict.fromkeys(topics):
            if topic not in have:
                session.add(SubscriptionRow(chat_id=chat_id, topic_id=topic, created_at=now))
    return subscriptions(engine, chat_id)


def unsubscribe(
    engine: Engine, chat_id: int, topics: Iterable[str] | None, now: datetime
) -> list[str]:
    """Remove the given subscriptions, or all of them when `topics` is None."""
    with Session(engine) as session, session.begin():
        _touch(session, chat_id, now)
        query = delete(SubscriptionRow).where(col(SubscriptionRow.chat_id) == chat_id)
        if topics is not None:
            query = query.where(col(SubscriptionRow.topic_id).in_(list(topics)))
        session.exec(query)
    return subscriptions(engine, chat_id)


def subscribed_topics(engine: Engine, chat_id: int) -> set[str] | None:
    """The topics a chat follows; None means everything ("alles")."""
    topics = set(subscriptions(engine, chat_id))
    return None if ALL_TOPICS in topics else topics


def new_feed_token(engine: Engine, chat_id: int, now: datetime) -> str:
    """Issue a fresh private feed token; any earlier token stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with Session(engine) as session, session.begin():
        row = session.get(ChatRow, chat_id)
        if row is None:
            raise LookupError(f"unknown chat {chat_id}")
        row.feed_token_hash = hash_token(token)
        row.updated_at = now
    return token


def chat_for_feed_token(engine: Engine, token: str) -> ChatRow | None:
    """The active chat a token belongs to; None for anything else, malformed included."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    with Session(engine) as session:
        query = select(ChatRow).where(ChatRow.feed_token_hash == hash_token(token))
        row = session.exec(query).first()
        if row is None or not row.active:
            return None
        session.expunge(row)
        return row


MAX_LEAD_DAYS = 365
MAX_LEAD_TIMES = 6


class BadLeadTimes(ValueError):
    """The lead times asked for cannot be used; the message is Dutch, for chat."""


def parse_lead_days(words: Iterable[str]) -> list[int]:
    """ "30 7 1 0" -> [30, 7, 1, 0]: whole days before the date, largest first."""
    values: set[int] = set()
    for word in words:
        cleaned = word.strip().rstrip(",").lower().removesuffix("d")
        if not cleaned.isdigit() or int(cleaned) > MAX_LEAD_DAYS:
            raise BadLeadTimes(
                f"'{word}' is geen aantal dagen. Gebruik hele getallen van 0 tot {MAX_LEAD_DAYS}, "
                "bijvoorbeeld: /vooraf 30 7 1"
            )
        values.add(int(cleaned))
    if not values:
        raise BadLeadTimes("Noem een of meer aantallen dagen, bijvoorbeeld: /vooraf 30 7 1 0")
    if len(values) > MAX_LEAD_TIMES:
        raise BadLeadTimes(f"Kies hoogstens {MAX_LEAD_TIMES} momenten.")
    return sorted(values, reverse=True)


def _update_chat(engine: Engine, chat_id: int, now: datetime, **values: object) -> None:
    """Change a chat's settings; `updated_at` moves so feeds and planning notice."""
    with Session(engine) as session, session.begin():
        row = session.get(ChatRow, chat_id)
        if row is None:
            raise LookupError(f"unknown chat {chat_id}")
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = now


def set_lead_days(engine: Engine, chat_id: int, lead_days: list[int], now: datetime) -> None:
    _update_chat(engine, chat_id, now, lead_days=list(lead_days))


def set_digest(engine: Engine, chat_id: int, enabled: bool, now: datetime) -> None:
    _update_chat(engine, chat_id, now, digest=enabled)


def set_active(engine: Engine, chat_id: int, active: bool, now: datetime) -> None:
    """A chat that blocked the bot or removed it gets no more sends until it returns."""
    with Session(engine) as session, session.begin():
        row = session.get(ChatRow, chat_id)
        if row is not None and row.active != active:
            row.active = active
            row.updated_at = now


def migrate_chat(engine: Engine, old_id: int, new_id: int, now: datetime) -> bool:
    """A group became a supergroup with a new id: move its settings and data over."""
    with Session(engine) as session, session.begin():
        old = session.get(ChatRow, old_id)
        if old is None or session.get(ChatRow, new_id) is not None:
            return False
        values = old.model_dump(exclude={"id"})
        values.update(kind="supergroup", updated_at=now)
        old.feed_token_hash = None  # unique: free it before the new row takes it
        session.flush()
        session.add(ChatRow(id=new_id, **values))
        session.flush()
        for table in SQLModel.metadata.sorted_tables:
            if table.name != ChatRow.__tablename__ and "chat_id" in table.columns:
                session.execute(
                    update(table).where(table.c.chat_id == old_id).values(chat_id=new_id)
                )
        session.delete(old)
    return True


def set_everyone_can_update(engine: Engine, chat_id: int, enabled: bool, now: datetime) -> None:
    """Whether every member of a group may change status and owners (default: admins only)."""
    _update_chat(engine, chat_id, now, everyone_can_update=enabled)
