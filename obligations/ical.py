"""Calendar feeds (RFC 5545) that Outlook, Google, Apple and Thunderbird accept.

How dates become events:
- Every event is all-day (DTSTART;VALUE=DATE, DTEND the exclusive next day), so no
  client can shift it by a time zone.
- An exact day, or a window of at most SHORT_WINDOW_DAYS days, spans its days.
- A longer period (a month, quarter, half-year, season, year, or a long range) is
  one day, so a half-year never becomes a 181-day block over everything else: the
  last day for a deadline or an ending (that is when it bites), the first day for
  everything else (that is when it starts). The summary then names the period,
  e.g. "Wet open overheid treedt in werking (eerste helft 2022, verwacht)".
- Expected and uncertain dates carry "(verwacht)" or "(onzeker)" in the summary and
  STATUS:TENTATIVE; fixed ones STATUS:CONFIRMED.
- UID is the obligation id with a fixed suffix: stable across servers, databases and
  date corrections (a corrected date is an update, with SEQUENCE raised, not a new
  event). A recurring obligation is one VEVENT with an RRULE.
- Alarms: Google and Outlook ignore them in subscribed calendars and Apple strips
  them, so the bot owns reminders; only a team feed asked with ?alarms=1 has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Alarm, Calendar, Event
from icalendar.prop import vDuration, vRecur

from obligations.catalogue import Obligation
from obligations.display import when_label
from obligations.vocabulary import KIND_LABELS

SHORT_WINDOW_DAYS = 7
UID_SUFFIX = "@obligations-catalogue"
PRODID = "-//Verplichtingen uit VNG-circulaires//obligations//NL"
REFRESH = timedelta(hours=12)
_LAST_DAY_KINDS = frozenset({"deadline", "afloop"})
EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedInfo:
    """What a calendar is called in the client's list."""

    name: str
    description: str


@dataclass(frozen=True)
class EventContext:
    """Where links point and how topics and sources are named (hashable, for the cache)."""

    public_url: str
    topic_labels: tuple[tuple[str, str], ...] = ()
    source_titles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls, public_url: str, topic_labels: dict[str, str], source_titles: dict[str, str]
    ) -> EventContext:
        return cls(
            public_url, tuple(sorted(topic_labels.items())), tuple(sorted(source_titles.items()))
        )


def uid_for(obligation_id: str) -> str:
    return f"{obligation_id}{UID_SUFFIX}"


def event_days(obligation: Obligation) -> tuple[date, date]:
    """The first day and the exclusive end day of the event for this obligation."""
    span = obligation.span
    if (span.end - span.start).days < SHORT_WINDOW_DAYS:
        return span.start, span.end + timedelta(days=1)
    day = span.end if obligation.kind in _LAST_DAY_KINDS else span.start
    return day, day + timedelta(days=1)


def summary_for(obligation: Obligation) -> str:
    exact = obligation.precision == "day" and obligation.span.is_day
    if exact and obligation.certainty == "vast":
        return obligation.title
    if exact:
        return f"{obligation.title} ({obligation.certainty})"
    label = when_label(obligation.span, obligation.precision, "vast")
    marker = "" if obligation.certainty == "vast" else f", {obligation.certainty}"
    return f"{obligation.title} ({label}{marker})"


def description_for(obligation: Obligation, context: EventContext) -> str:
    source = dict(context.source_titles).get(obligation.source, obligation.source)
    when = when_label(obligation.span, obligation.precision, obligation.certainty)
    if not obligation.quote:  # a team's own deadline: no circular behind it
        return f"{obligation.action}\n\nWanneer: {when}"
    return "\n".join(
        [
            obligation.action,
            "",
            f"Wanneer: {when}",
            f"Soort: {KIND_LABELS[obligation.kind]}",
            f"Bron: {source}, hoofdstuk {obligation.chapter}, {obligation.section}",
            f"Citaat: “{obligation.quote}”",
            "",
            page_url(obligation.id, context.public_url),
        ]
    )


def page_url(obligation_id: str, public_url: str) -> str:
    return f"{public_url}/obligations/{obligation_id}"


def _alarm(lead_days: int, summary: str) -> Alarm:
    """An alarm at 09:00 local time `lead_days` before the (all-day) event."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-lead_days, hours=9))
    return alarm


def build_event(
    obligation: Obligation, context: EventContext, alarm_days: Sequence[int] = ()
) -> Event:
    first, end = event_days(obligation)
    modified = obligation.updated_at or EPOCH
    event = Event()
    event.add("uid", uid_for(obligation.id))
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", max(obligation.revision - 1, 0))
    event.add("dtstart", first)
    event.add("dtend", end)
    summary = summary_for(obligation)
    event.add("summary", summary)
    event.add("description", description_for(obligation, context))
    if obligation.quote:
        event.add("url", page_url(obligation.id, context.public_url))
    event.add("status", "CONFIRMED" if obligation.certainty == "vast" else "TENTATIVE")
    event.add("transp", "TRANSPARENT")  # an obligation does not make anyone busy
    labels = dict(context.topic_labels)
    event.add("categories", [labels.get(topic, topic) for topic in obligation.topics])
    if obligation.recurrence:
        event.add("rrule", vRecur.from_ical(obligation.recurrence))
    for lead in sorted(set(alarm_days), reverse=True):
        event.add_component(_alarm(lead, summary))
    return event


@lru_cache(maxsize=20_000)
def event_bytes(
    obligation: Obligation, context: EventContext, alarm_days: tuple[int, ...]
) -> bytes:
    """One serialised VEVENT. Cached: an entry only changes with its revision, and
    icalendar's line folding is the slow part of building a feed."""
    return bytes(build_event(obligation, context, alarm_days).to_ical())


def build_calendar(
    obligations: Iterable[Obligation],
    info: FeedInfo,
    context: EventContext,
    alarm_days: Sequence[int] = (),
) -> bytes:
    """The whole feed as bytes (CRLF line ends, folded at 75 octets, as RFC 5545 asks)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", info.name)
    calendar.add("x-wr-calname", info.name)
    calendar.add("x-wr-caldesc", info.description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    frame = bytes(calendar.to_ical())
    closing = b"END:VCALENDAR\r\n"
    alarms = tuple(sorted(set(alarm_days)))
    events = b"".join(
        event_bytes(obligation, context, alarms)
        for obligation in sorted(obligations, key=lambda o: (o.span.start, o.id))
    )
    return frame[: -len(closing)] + events + closing
