"""Prometheus metrics. Counters for what this process does (feed requests, bot
updates); the reminder figures are read from the outbox itself, so every replica
reports the same truth and a restart loses nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from obligations.clock import Clock
from obligations.store import ReminderRow

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _OutboxCollector(Collector):
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self):  # type: ignore[no-untyped-def]
        states = GaugeMetricFamily(
            "obligations_reminders", "Reminder outbox rows by state", labels=["state"]
        )
        lateness = GaugeMetricFamily(
            "obligations_reminder_lateness_seconds",
            "Seconds between due and sent, over reminders sent in the last hour",
            labels=["stat"],
        )
        with Session(self.engine) as session:
            reminder = ReminderRow.__table__.c  # type: ignore[attr-defined]
            for state, count in session.execute(
                select(reminder.state, func.count()).group_by(reminder.state)
            ):
                states.add_metric([state], count)
            since: datetime = self.clock.now() - timedelta(hours=1)
            rows = session.execute(
                select(reminder.due_at, reminder.sent_at).where(
                    reminder.sent_at.is_not(None), reminder.sent_at >= since
                )
            ).all()
        delays = sorted(max((sent - due).total_seconds(), 0.0) for due, sent in rows)
        if delays:
            lateness.add_metric(["max"], delays[-1])
            lateness.add_metric(["median"], delays[len(delays) // 2])
        yield states
        yield lateness


class Metrics:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.registry = CollectorRegistry()
        self.feed_requests = Counter(
            "obligations_feed_requests",
            "Calendar feed requests",
            ["feed", "status"],
            registry=self.registry,
        )
        self.bot_updates = Counter(
            "obligations_bot_updates", "Telegram updates handled", registry=self.registry
        )
        self.bot_errors = Counter(
            "obligations_bot_errors", "Telegram updates that failed", registry=self.registry
        )
        self.registry.register(_OutboxCollector(engine, clock))

    def render(self) -> bytes:
        return generate_latest(self.registry)
