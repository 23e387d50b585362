"""Building calendar feeds once per change, not once per request.

A feed's version is cheap to read (a count and the newest change time of the
catalogue, plus the team's own change time for a private feed); the bytes, ETag
and Last-Modified are kept until that version moves. The catalogue version itself
is read at most once per VERSION_TTL seconds, so a burst of calendar clients costs
one small query, not one per request; another replica's sync shows up within it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from obligations.catalogue import Obligation
from obligations.ical import EPOCH, EventContext, FeedInfo, build_calendar
from obligations.queries import Catalog
from obligations.store import ChatRow, ObligationRow
from obligations.teams import subscribed_topics
from obligations.workflow import own_deadlines, states

VERSION_TTL = 1.0


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime


def _catalogue_version(engine: Engine) -> tuple[int, datetime]:
    with Session(engine) as session:
        count, newest = session.exec(select(func.count(), func.max(ObligationRow.updated_at))).one()
    return int(count), newest or EPOCH


def team_calendar_items(engine: Engine, catalog: Catalog, chat_id: int) -> list[Obligation]:
    """A team's calendar: the catalogue items of its topics and its own deadlines.
    Items the team marked n.v.t. are left out; afgerond ones stay, marked as such in the
    title, so the calendar still shows what was done and when."""
    topics = subscribed_topics(engine, chat_id)
    team_states = states(engine, chat_id)
    items = [item for item in catalog.all() if topics is None or topics.intersection(item.topics)]
    items += [deadline.as_obligation(chat_id) for deadline in own_deadlines(engine, chat_id)]
    shown = []
    for item in items:
        state = team_states.get(item.id)
        if state is not None and state.status == "nvt":
            continue
        if state is not None and state.status == "afgerond":
            item = replace(item, title=f"[afgerond] {item.title}")
        shown.append(item)
    return shown


class FeedService:
    """Feeds for everything, for one topic, and for one team."""

    def __init__(self, engine: Engine, public_url: str) -> None:
        self.engine = engine
        self.catalog = Catalog(engine)
        self.public_url = public_url
        self._cache: dict[tuple[str, ...], tuple[object, Feed]] = {}
        self._lock = threading.Lock()
        self._version: tuple[float, tuple[int, datetime]] | None = None

    def catalogue_version(self) -> tuple[int, datetime]:
        now = time.monotonic()
        known = self._version
        if known is not None and now - known[0] < VERSION_TTL:
            return known[1]
        version = _catalogue_version(self.engine)
        self._version = (now, version)
        return version

    def forget_version(self) -> None:
        """Re-read the catalogue version on the next request (after a local sync)."""
        self._version = None

    def _context(self) -> EventContext:
        labels = {topic.id: topic.label for topic in self.catalog.topics()}
        return EventContext.of(self.public_url, labels, self.catalog.source_titles())

    def _cached(self, key: tuple[str, ...], version: object, build: Callable[[], Feed]) -> Feed:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
        feed = build()
        with self._lock:
            self._cache[key] = (version, feed)
        return feed

    def _make(self, body: bytes, modified: datetime) -> Feed:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return Feed(body, etag, modified.astimezone(UTC).replace(microsecond=0))

    def topic_labels(self) -> dict[str, str]:
        return {topic.id: topic.label for topic in self.catalog.topics()}

    def all_feed(self) -> Feed:
        version = self.catalogue_version()
        info = FeedInfo(
            "Verplichtingen gemeenten",
            "Alle verplichtingen en deadlines uit de VNG-circulaires.",
        )

        def build() -> Feed:
            body = build_calendar(self.catalog.all(), info, self._context())
            return self._make(body, version[1])

        return self._cached(("all",), version, build)

    def topic_feed(self, topic: str) -> Feed | None:
        labels = self.topic_labels()
        if topic not in labels:
            return None
        version = self.catalogue_version()
        info = FeedInfo(
            f"Verplichtingen gemeenten: {labels[topic]}",
            f"Verplichtingen en deadlines uit de VNG-circulaires over {labels[topic]}.",
        )

        def build() -> Feed:
            body = build_calendar(self.catalog.all(topic), info, self._context())
            return self._make(body, version[1])

        return self._cached(("topic", topic), version, build)

    def team_feed(self, chat: ChatRow, alarms: bool) -> Feed:
        catalogue = self.catalogue_version()
        version = (catalogue, chat.updated_at)
        title = chat.title or "dit team"
        info = FeedInfo(
            f"Verplichtingen: {title}",
            f"De verplichtingen waarop {title} is geabonneerd.",
        )

        def build() -> Feed:
            items = team_calendar_items(self.engine, self.catalog, chat.id)
            lead_days = chat.lead_days if alarms else []
            body = build_calendar(items, info, self._context(), lead_days)
            return self._make(body, max(catalogue[1], chat.updated_at))

        return self._cached(("team", str(chat.id), str(alarms)), version, build)
