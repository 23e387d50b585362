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

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

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
