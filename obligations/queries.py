"""Questions the channels ask of the stored catalogue: what is due, what is this one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, or_
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


class Catalog:
    """Read access to the obligations as the database holds them now."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self, topic: str | None = None) -> list[Obligation]:
        with Session(self.engine) as session:
            rows = list(
                session.exec(
                    _current(topic).order_by(
                        col(ObligationRow.start), col(ObligationRow.end), col(ObligationRow.title)
                    )
                )
            )
            return _hydrate(session, rows)

    def get(self, obligation_id: str) -> Obligation | None:
        with Session(self.engine) as session:
            row = session.get(ObligationRow, obligation_id)
            if row is None or row.withdrawn_at is not None:
                return None
            return _hydrate(session, [row])[0]

    def source_titles(self) -> dict[str, str]:
        with Session(self.engine) as session:
            return {row.id: row.title for row in session.exec(select(SourceRow))}

    def topics(self) -> list[Topic]:
        with Session(self.engine) as session:
            return [
                Topic(row.id, row.label, row.description)
                for row in session.exec(select(TopicRow).order_by(col(TopicRow.label)))
            ]

    def due(self, window: Span, topic: str | None = None) -> list[Occurrence]:
        """Occurrences whose date or period overlaps `window`, by date then title."""
        query = _current(topic).where(
            col(ObligationRow.start) <= window.end,
            or_(col(ObligationRow.end) >= window.start, col(ObligationRow.recurrence).is_not(None)),
        )
        with Session(self.engine) as session:
            items = _hydrate(session, list(session.exec(query)))
        found = [Occurrence(item, span) for item in items for span in occurrences(item, window)]
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
