"""Questions the channels ask of the stored catalogue: what is due, what is this one."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from obligations.catalogue import Obligation, Topic
from obligations.recurrence import next_occurrence, occurrences
from obligations.span import Span
from obligations.store import ObligationRow, ObligationTopicRow, SourceRow, TopicRow

SHORT_WINDOW = timedelta(days=184)


@dataclass(frozen=True)
class Occurrence:
    """One obligation at one of its dates (most have exactly one)."""

    obligation: Obligation
    span: Span

    @property
    def sort_key(self) -> tuple[date, date, str]:
        return (self.span.start, self.span.end, self.obligation.title.casefold())


def _to_obligation(row: ObligationRow, topics: list[str]) -> Obligation:
    return Obligation(
        id=row.id,
        title=row.title,
        action=row.action,
        kind=row.kind,
        topics=tuple(topics),
        chapter=row.chapter,
        section=row.section,
        span=Span(row.start, row.end),
        precision=row.precision,
        certainty=row.certainty,
        recurrence=row.recurrence,
        amount_eur=row.amount_eur,
        quote=row.quote,
        source=row.source_id,
        revision=row.revision,
        updated_at=row.updated_at,
    )


def _hydrate(session: Session, rows: list[ObligationRow]) -> list[Obligation]:
    topics: dict[str, list[str]] = defaultdict(list)
    ids = [row.id for row in rows]
    if ids:
        links = session.exec(
            select(ObligationTopicRow)
            .where(col(ObligationTopicRow.obligation_id).in_(ids))
            .order_by(col(ObligationTopicRow.position))
        )
        for link in links:
            topics[link.obligation_id].append(link.topic_id)
    return [_to_obligation(row, topics[row.id]) for row in rows]


def _current(topic: str | None = None):  # type: ignore[no-untyped-def]
    query = select(ObligationRow).where(col(ObligationRow.withdrawn_at).is_(None))
    if topic is not None:
        query = query.where(
            col(ObligationRow.id).in_(
                select(ObligationTopicRow.obligation_id).where(ObligationTopicRow.topic_id == topic)
            )
        )
    return query


VERSION_TTL = 1.0  # seconds between checks whether another process changed the catalogue


@dataclass(frozen=True)
class Snapshot:
    """The current catalogue in memory: it is small (hundreds of entries) and read on
    every question, so reading it from the database each time would be waste."""

    version: tuple[object, ...]
    items: tuple[Obligation, ...]
    by_id: dict[str, Obligation]
    topics: tuple[Topic, ...]
    source_titles: dict[str, str]


def _version(engine: Engine) -> tuple[object, ...]:
    with Session(engine) as session:
        obligations = session.exec(select(func.count(), func.max(ObligationRow.updated_at))).one()
        topics = session.exec(select(func.count(), func.sum(func.length(TopicRow.label)))).one()
    return (*obligations, *topics)


def _load(engine: Engine, version: tuple[object, ...]) -> Snapshot:
    with Session(engine) as session:
        rows = list(
            session.exec(
                _current().order_by(
                    col(ObligationRow.start), col(ObligationRow.end), col(ObligationRow.title)
                )
            )
        )
        items = tuple(_hydrate(session, rows))
        topics = tuple(
            Topic(row.id, row.label, row.description)
            for row in session.exec(select(TopicRow).order_by(col(TopicRow.label)))
        )
        sources = {row.id: row.title for row in session.exec(select(SourceRow))}
    return Snapshot(version, items, {item.id: item for item in items}, topics, sources)


_snapshots: WeakKeyDictionary[Engine, tuple[float, Snapshot]] = WeakKeyDictionary()
_snapshot_lock = threading.Lock()


def snapshot(engine: Engine, fresh: bool = False) -> Snapshot:
    """The catalogue as the database holds it, re-read only when its version moved."""
    now = time.monotonic()
    with _snapshot_lock:
        known = _snapshots.get(engine)
    if known is not None and not fresh and now - known[0] < VERSION_TTL:
        return known[1]
    version = _version(engine)
    current = known[1] if known is not None and known[1].version == version else None
    current = current or _load(engine, version)
    with _snapshot_lock:
        _snapshots[engine] = (now, current)
    return current


def forget_snapshot(engine: Engine) -> None:
    with _snapshot_lock:
        _snapshots.pop(engine, None)


class Catalog:
    """Read access to the obligations as the database holds them now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def _snapshot(self) -> Snapshot:
        return snapshot(self.engine)

    def all(self, topic: str | None = None) -> list[Obligation]:
        items = self._snapshot.items
        return [item for item in items if topic is None or topic in item.topics]

    def get(self, obligation_id: str) -> Obligation | None:
        return self._snapshot.by_id.get(obligation_id)

    def source_titles(self) -> dict[str, str]:
        return dict(self._snapshot.source_titles)

    def topics(self) -> list[Topic]:
        return list(self._snapshot.topics)

    def due(self, window: Span, topic: str | None = None) -> list[Occurrence]:
        """Occurrences whose date or period overlaps `window`, by date then title."""
        found = [
            Occurrence(item, span)
            for item in self.all(topic)
            if item.span.start <= window.end
            for span in occurrences(item, window)
        ]
        return sorted(found, key=lambda occurrence: occurrence.sort_key)

    def upcoming(self, today: date, count: int, topic: str | None = None) -> list[Occurrence]:
        """The next `count` occurrences still ahead: starting today or later, or expected
        within a window of at most half a year that has not closed yet. A programme that
        runs for years and has begun is not "coming up"."""
        found = []
        for item in self.all(topic):
            span = next_occurrence(item, today)
            if span is None:
                continue
            if span.start >= today or (span.end - span.start) <= SHORT_WINDOW:
                found.append(Occurrence(item, span))
        return sorted(found, key=lambda occurrence: occurrence.sort_key)[:count]
