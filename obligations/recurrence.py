"""Occurrences of an obligation inside a window, for the few that recur."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr

from obligations.catalogue import Obligation
from obligations.span import Span

MAX_OCCURRENCES = 500


def occurrences(obligation: Obligation, window: Span) -> list[Span]:
    """Each occurrence (with the first occurrence's length) that overlaps `window`."""
    first = obligation.span
    if obligation.recurrence is None:
        return [first] if first.overlaps(window) else []
    length = first.end - first.start
    rule = rrulestr(
        obligation.recurrence, dtstart=datetime.combine(first.start, datetime.min.time())
    )
    earliest = datetime.combine(max(first.start, window.start - length), datetime.min.time())
    latest = datetime.combine(window.end, datetime.min.time())
    found: list[Span] = []
    for moment in rule.xafter(earliest, count=MAX_OCCURRENCES, inc=True):
        if moment > latest:
            break
        start: date = moment.date()
        found.append(Span(start, start + length))
    return [span for span in found if span.overlaps(window)]


def next_occurrence(obligation: Obligation, on_or_after: date) -> Span | None:
    """The first occurrence that has not ended before `on_or_after`."""
    horizon = Span(on_or_after, on_or_after + timedelta(days=366 * 5))
    found = occurrences(obligation, horizon)
    return found[0] if found else None
