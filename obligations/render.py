"""Obligations as people and programs read them: plain Dutch text and stable JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel.numbers import format_decimal

from obligations.catalogue import Obligation
from obligations.display import LOCALE, month_label, when_label
from obligations.queries import Occurrence
from obligations.span import Span
from obligations.vocabulary import KIND_LABELS

_SCALES = ((1_000_000_000, "miljard"), (1_000_000, "miljoen"))


def amount_label(euros: int) -> str:
    """ "€ 270 miljoen", "€ 1,6 miljard", "€ 12.500" — as the circulars write amounts."""
    for size, word in _SCALES:
        if euros >= size:
            return f"€ {format_decimal(euros / size, format='#,##0.###', locale=LOCALE)} {word}"
    return f"€ {format_decimal(euros, format='#,##0', locale=LOCALE)}"


def occurrence_label(obligation: Obligation, span: Span | None = None) -> str:
    return when_label(span or obligation.span, obligation.precision, obligation.certainty)


def obligation_record(obligation: Obligation, span: Span | None = None) -> dict[str, Any]:
    """The JSON contract of ARCHITECTURE.md, plus a Dutch `when` for display."""
    shown = span or obligation.span
    record = obligation.as_record()
    record.update(
        start=shown.start.isoformat(),
        end=shown.end.isoformat(),
        when=occurrence_label(obligation, shown),
        revision=obligation.revision,
    )
    return record


def obligation_line(occurrence: Occurrence) -> str:
    item = occurrence.obligation
    return f"{occurrence_label(item, occurrence.span)} · {item.title} [{item.id}]"


def obligation_text(
    obligation: Obligation, topic_labels: dict[str, str], source_titles: dict[str, str]
) -> str:
    topics = ", ".join(topic_labels.get(topic, topic) for topic in obligation.topics)
    lines = [
        obligation.title,
        f"Wanneer:   {occurrence_label(obligation)}"
        + (f", herhaalt ({obligation.recurrence})" if obligation.recurrence else ""),
        f"Soort:     {KIND_LABELS[obligation.kind]}",
        f"Onderwerp: {topics}",
    ]
    if obligation.amount_eur is not None:
        lines.append(f"Bedrag:    {amount_label(obligation.amount_eur)}")
    lines += [
        f"Actie:     {obligation.action}",
        f"Bron:      {source_titles.get(obligation.source, obligation.source)}, "
        f"hoofdstuk {obligation.chapter}, {obligation.section}",
        f"Citaat:    “{obligation.quote}”",
        f"Id:        {obligation.id} (versie {obligation.revision})",
    ]
    return "\n".join(lines)


def _fits_one_month(span: Span) -> bool:
    return (span.start.year, span.start.month) == (span.end.year, span.end.month)


def grouped_by_month(occurrences: Iterable[Occurrence]) -> list[tuple[str, list[Occurrence]]]:
    """Month groups for dated items; longer periods together at the end, so a half-year
    is never filed under January as if it were due then."""
    groups: dict[str, list[Occurrence]] = {}
    longer: list[Occurrence] = []
    for occurrence in occurrences:
        if _fits_one_month(occurrence.span):
            groups.setdefault(month_label(occurrence.span.start), []).append(occurrence)
        else:
            longer.append(occurrence)
    result = list(groups.items())
    if longer:
        result.append(("Over een langere periode (geen exacte dag bekend)", longer))
    return result


def occurrence_lines(occurrences: list[Occurrence], grouped: bool) -> list[str]:
    if not grouped:
        return [obligation_line(member) for member in occurrences]
    lines: list[str] = []
    for title, members in grouped_by_month(occurrences):
        lines += ["", title]
        lines.extend(f"  {obligation_line(member)}" for member in members)
    return lines
