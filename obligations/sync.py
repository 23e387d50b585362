"""Bringing the database in line with the catalogue, idempotently.

Runs in one transaction: either the whole catalogue lands or nothing changes.
An entry whose content changed gets its revision raised (feeds use it for
SEQUENCE); an entry the catalogue dropped is withdrawn, not deleted, so team
status and history that point at it stay intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from obligations.catalogue import Catalogue, Obligation
from obligations.queries import forget_snapshot
from obligations.store import ObligationRow, ObligationTopicRow, SourceRow, TopicRow


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def touched(self) -> list[str]:
        return [*self.added, *self.changed, *self.withdrawn]

    def summary(self) -> str:
        return (
            f"{len(self.added)} nieuw, {len(self.changed)} gewijzigd, "
            f"{len(self.withdrawn)} vervallen, {self.unchanged} ongewijzigd"
        )


def _values(item: Obligation) -> dict[str, Any]:
    """The row's columns that come straight from the catalogue entry."""
    return {
        "title": item.title,
        "action": item.action,
        "kind": item.kind,
        "chapter": item.chapter,
        "section": item.section,
        "start": item.span.start,
        "end": item.span.end,
        "precision": item.precision,
        "certainty": item.certainty,
        "recurrence": item.recurrence,
        "amount_eur": item.amount_eur,
        "quote": item.quote,
        "source_id": item.source,
        "content_hash": item.content_hash(),
    }


def _sync_reference_data(session: Session, catalogue: Catalogue) -> None:
    for source in catalogue.sources.values():
        session.merge(
            SourceRow(
                id=source.id,
                title=source.title,
                publisher=source.publisher,
                written=source.written,
                url=source.url,
            )
        )
    for topic in catalogue.topics.values():
        session.merge(TopicRow(id=topic.id, label=topic.label, description=topic.description))
    session.exec(delete(TopicRow).where(TopicRow.id.not_in(list(catalogue.topics))))  # type: ignore[attr-defined]


def _set_topics(session: Session, item: Obligation) -> None:
    session.exec(delete(ObligationTopicRow).where(ObligationTopicRow.obligation_id == item.id))  # type: ignore[arg-type]
    for position, topic in enumerate(item.topics):
        session.add(ObligationTopicRow(obligation_id=item.id, topic_id=topic, position=position))


def sync_catalogue(engine: Engine, catalogue: Catalogue, now: datetime) -> SyncReport:
    report = SyncReport()
    with Session(engine) as session, session.begin():
        _sync_reference_data(session, catalogue)
        session.flush()
        rows = {row.id: row for row in session.exec(select(ObligationRow))}
        wanted = {item.id: item for item in catalogue.obligations}
        for item in catalogue.obligations:
            values = _values(item)
            row = rows.get(item.id)
            if row is None:
                session.add(ObligationRow(id=item.id, created_at=now, updated_at=now, **values))
                session.flush()
                _set_topics(session, item)
                report.added.append(item.id)
            elif row.content_hash != values["content_hash"] or row.withdrawn_at is not None:
                for name, value in values.items():
                    setattr(row, name, value)
                row.revision += 1
                row.updated_at = now
                row.withdrawn_at = None
                _set_topics(session, item)
                report.changed.append(item.id)
            else:
                report.unchanged += 1
        for row_id, row in rows.items():
            if row_id not in wanted and row.withdrawn_at is None:
                row.withdrawn_at = now
                row.updated_at = now
                row.revision += 1
                report.withdrawn.append(row_id)
    if report.touched:
        forget_snapshot(engine)  # this process sees the change at once, others within a second
    return report
