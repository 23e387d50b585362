"""A team's own bookkeeping on top of the catalogue: status, owner, its own deadlines,
and the history of every change.

Subjects are catalogue ids ("woo-inwerkingtreding") or a team deadline's id
("eigen-100200-3", which a team types as "eigen-3"). Everything here is scoped by chat
id: no function reads another team's rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from obligations.catalogue import Obligation
from obligations.span import Span
from obligations.store import ChatRow, SubscriptionRow, TeamDeadlineRow, TeamEventRow, TeamStatusRow

STATUSES = ("open", "bezig", "afgerond", "nvt")
STATUS_LABELS = {"open": "open", "bezig": "bezig", "afgerond": "afgerond", "nvt": "n.v.t."}
CLOSED = frozenset({"afgerond", "nvt"})
OWN_PREFIX = "eigen-"
_OWN = re.compile(rf"{OWN_PREFIX}(\d+)")


def own_obligation_id(chat_id: int, number: int) -> str:
    """ "eigen-100200-3" for group -100200, "eigen42-3" for person 42: never shared."""
    return f"{OWN_PREFIX[:-1]}{chat_id}-{number}"


class UnknownSubject(LookupError):
    """No such obligation for this team; the message is Dutch, for chat."""


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str


@dataclass(frozen=True)
class TeamState:
    status: str
    owner: str | None


@dataclass(frozen=True)
class TeamDeadline:
    number: int
    title: str
    span: Span
    linked_obligation_id: str | None
    revision: int
    updated_at: datetime

    @property
    def ref(self) -> str:
        """What the team types: "eigen-3"."""
        return f"{OWN_PREFIX}{self.number}"

    def subject(self, chat_id: int) -> str:
        """The id in status, history, reminders and feeds: unique across teams."""
        return own_obligation_id(chat_id, self.number)

    def as_obligation(self, chat_id: int) -> Obligation:
        """The deadline in the catalogue's shape, so lists, feeds and reminders treat it alike.
        Its id carries the chat, so two teams' "eigen-1" never share a calendar UID."""
        return Obligation(
            id=self.subject(chat_id),
            title=self.title,
            action="Eigen deadline van dit team.",
            kind="deadline",
            topics=(),
            chapter="Eigen deadline",
            section=self.linked_obligation_id or "",
            span=self.span,
            precision="day",
            certainty="vast",
            recurrence=None,
            amount_eur=None,
            quote="",
            source="team",
            revision=self.revision,
            updated_at=self.updated_at,
        )


@dataclass(frozen=True)
class Event:
    subject: str
    action: str
    detail: str
    actor_name: str
    at: datetime


def _record(
    session: Session,
    chat_id: int,
    subject: str,
    action: str,
    detail: str,
    actor: Actor,
    now: datetime,
) -> None:
    session.add(
        TeamEventRow(
            chat_id=chat_id,
            subject=subject,
            action=action,
            detail=detail,
            actor_id=actor.id,
            actor_name=actor.name,
            at=now,
        )
    )


def _deadline(row: TeamDeadlineRow) -> TeamDeadline:
    return TeamDeadline(
        row.number,
        row.title,
        Span(row.start, row.end),
        row.linked_obligation_id,
        row.revision,
        row.updated_at,
    )


def own_deadlines(engine: Engine, chat_id: int) -> list[TeamDeadline]:
    with Session(engine) as session:
        rows = session.exec(
            select(TeamDeadlineRow)
            .where(TeamDeadlineRow.chat_id == chat_id, col(TeamDeadlineRow.removed_at).is_(None))
            .order_by(col(TeamDeadlineRow.start), col(TeamDeadlineRow.number))
        )
        return [_deadline(row) for row in rows]


def own_deadline(engine: Engine, chat_id: int, ref: str) -> TeamDeadline | None:
    match = _OWN.fullmatch(ref.strip().lower())
    if match is None:
        return None
    with Session(engine) as session:
        row = session.exec(
            select(TeamDeadlineRow).where(
                TeamDeadlineRow.chat_id == chat_id,
                TeamDeadlineRow.number == int(match[1]),
                col(TeamDeadlineRow.removed_at).is_(None),
            )
        ).first()
        return None if row is None else _deadline(row)


def states(engine: Engine, chat_id: int) -> dict[str, TeamState]:
    with Session(engine) as session:
        rows = session.exec(select(TeamStatusRow).where(TeamStatusRow.chat_id == chat_id))
        return {row.obligation_id: TeamState(row.status, row.owner) for row in rows}


def _touch_chat(session: Session, chat_id: int, now: datetime) -> None:
    chat = session.get(ChatRow, chat_id)
    if chat is not None:
        chat.updated_at = now  # team feeds and reminder planning see the change


def _status_row(session: Session, chat_id: int, subject: str, now: datetime) -> TeamStatusRow:
    row = session.get(TeamStatusRow, (chat_id, subject))
    if row is None:
        row = TeamStatusRow(chat_id=chat_id, obligation_id=subject, status="open", updated_at=now)
        session.add(row)
    return row


def set_status(
    engine: Engine, chat_id: int, subject: str, status: str, actor: Actor, now: datetime
) -> str:
    """Set the team's status for a subject; returns the previous status."""
    if status not in STATUSES:
        raise ValueError(status)
    with Session(engine) as session, session.begin():
        row = _status_row(session, chat_id, subject, now)
        previous = row.status
        row.status, row.updated_at, row.updated_by = status, now, actor.id
        if previous != status:
            _record(session, chat_id, subject, "status", f"{previous} → {status}", actor, now)
            _touch_chat(session, chat_id, now)
        return previous


def set_owner(
    engine: Engine, chat_id: int, subject: str, owner: str | None, actor: Actor, now: datetime
) -> None:
    with Session(engine) as session, session.begin():
        row = _status_row(session, chat_id, subject, now)
        previous = row.owner
        row.owner, row.updated_at, row.updated_by = owner, now, actor.id
        if previous != owner:
            _record(
                session,
                chat_id,
                subject,
                "eigenaar",
                f"{previous or '-'} → {owner or '-'}",
                actor,
                now,
            )
            _touch_chat(session, chat_id, now)


def held_by(engine: Engine, chat_id: int, owner: str) -> list[str]:
    wanted = owner.strip().lower()
    return sorted(
        s for s, state in states(engine, chat_id).items() if (state.owner or "").lower() == wanted
    )


def add_deadline(
    engine: Engine,
    chat_id: int,
    title: str,
    span: Span,
    linked: str | None,
    actor: Actor,
    now: datetime,
) -> TeamDeadline:
    with Session(engine) as session, session.begin():
        highest = session.exec(
            select(func.max(TeamDeadlineRow.number)).where(TeamDeadlineRow.chat_id == chat_id)
        ).one()
        row = TeamDeadlineRow(
            chat_id=chat_id,
            number=(highest or 0) + 1,
            title=title,
            start=span.start,
            end=span.end,
            linked_obligation_id=linked,
            created_by=actor.id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        detail = f"{title} ({span.start.isoformat()})" + (f", bij {linked}" if linked else "")
        _record(
            session,
            chat_id,
            own_obligation_id(chat_id, row.number),
            "toegevoegd",
            detail,
            actor,
            now,
        )
        _touch_chat(session, chat_id, now)
        return _deadline(row)


def _own_row(session: Session, chat_id: int, ref: str) -> TeamDeadlineRow:
    match = _OWN.fullmatch(ref.strip().lower())
    row = None
    if match is not None:
        row = session.exec(
            select(TeamDeadlineRow).where(
                TeamDeadlineRow.chat_id == chat_id,
                TeamDeadlineRow.number == int(match[1]),
                col(TeamDeadlineRow.removed_at).is_(None),
            )
        ).first()
    if row is None:
        raise UnknownSubject(f"Deze chat heeft geen eigen deadline '{ref}'.")
    return row


def edit_deadline(
    engine: Engine,
    chat_id: int,
    ref: str,
    actor: Actor,
    now: datetime,
    *,
    title: str | None = None,
    span: Span | None = None,
) -> TeamDeadline:
    with Session(engine) as session, session.begin():
        row = _own_row(session, chat_id, ref)
        changes = []
        if title is not None and title != row.title:
            changes.append(f"titel: {row.title} → {title}")
            row.title = title
        if span is not None and (span.start, span.end) != (row.start, row.end):
            changes.append(f"datum: {row.start.isoformat()} → {span.start.isoformat()}")
            row.start, row.end = span.start, span.end
        if changes:
            row.revision += 1
            row.updated_at = now
            _record(
                session,
                chat_id,
                own_obligation_id(chat_id, row.number),
                "gewijzigd",
                "; ".join(changes),
                actor,
                now,
            )
            _touch_chat(session, chat_id, now)
        return _deadline(row)


def remove_deadline(engine: Engine, chat_id: int, ref: str, actor: Actor, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        row = _own_row(session, chat_id, ref)
        row.removed_at = now
        row.updated_at = now
        _record(
            session,
            chat_id,
            own_obligation_id(chat_id, row.number),
            "verwijderd",
            row.title,
            actor,
            now,
        )
        _touch_chat(session, chat_id, now)


def history(
    engine: Engine, chat_id: int, subject: str | None = None, limit: int | None = None
) -> list[Event]:
    """Newest first."""
    with Session(engine) as session:
        query = select(TeamEventRow).where(TeamEventRow.chat_id == chat_id)
        if subject is not None:
            query = query.where(TeamEventRow.subject == subject)
        query = query.order_by(col(TeamEventRow.at).desc(), col(TeamEventRow.id).desc())
        if limit is not None:
            query = query.limit(limit)
        return [
            Event(r.subject, r.action, r.detail, r.actor_name, r.at) for r in session.exec(query)
        ]


def export_team(engine: Engine, chat_id: int) -> dict[str, Any]:
    """Everything one team holds, for the griffie or the accountant."""
    with Session(engine) as session:
        chat = session.get(ChatRow, chat_id)
        if chat is None:
            raise UnknownSubject(f"Onbekende chat {chat_id}.")
        topics = sorted(
            session.exec(select(SubscriptionRow.topic_id).where(SubscriptionRow.chat_id == chat_id))
        )
    return {
        "chat": {
            "id": chat.id,
            "title": chat.title,
            "kind": chat.kind,
            "active": chat.active,
            "lead_days": chat.lead_days,
            "send_time": chat.send_time.isoformat(),
            "digest": chat.digest,
            "everyone_can_update": chat.everyone_can_update,
        },
        "subscriptions": topics,
        "statuses": [
            {"subject": s, "status": st.status, "owner": st.owner}
            for s, st in sorted(states(engine, chat_id).items())
        ],
        "own_deadlines": [
            {
                "ref": d.ref,
                "title": d.title,
                "start": d.span.start.isoformat(),
                "end": d.span.end.isoformat(),
                "linked": d.linked_obligation_id,
            }
            for d in own_deadlines(engine, chat_id)
        ],
        "history": [
            {
                "at": e.at.isoformat(),
                "subject": e.subject,
                "action": e.action,
                "detail": e.detail,
                "by": e.actor_name,
            }
            for e in reversed(history(engine, chat_id))
        ],
    }


def history_csv(export: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["tijdstip", "onderwerp", "actie", "details", "door"])
    for event in export["history"]:
        writer.writerow(
            [event["at"], event["subject"], event["action"], event["detail"], event["by"]]
        )
    return out.getvalue()


def is_overdue(span: Span, today: date, state: TeamState | None) -> bool:
    return span.end < today and (state is None or state.status not in CLOSED)
