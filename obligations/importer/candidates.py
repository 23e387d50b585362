"""Dated sentences into proposals for the catalogue.

One proposal per distinct period in a sentence: "€ 50 miljoen in 2021 die oploopt
tot € 149 miljoen vanaf 2022" holds two obligations. Dates that are not obligations
are left out, because a reviewer's time is the scarce thing:

- comparisons and figures ("ten opzichte van 2017", "een groei van 3,5% in 2022");
- periods that start before the year of writing (history, not a deadline), and
  past periods in sentences that report what happened ("is in juni 2021 gestuurd");
- a circular already out, named without a year ("in de septembercirculaire staat")
  or next to the real date; a coming one ("de meicirculaire 2022") is a settlement;
- a date in parentheses next to one outside them ("€ 324 miljoen (€ 270 miljoen in 2021)");
- a year that merely contains a more exact date in the same sentence.

Circulars repeat themselves across chapters: a sentence that says the same as an
earlier one, for the same period, is folded into it (its line is kept in `also`).

The quote is the sentence as it stands in the source (cut there, not from the
repaired text), so it passes the catalogue's verbatim check.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from obligations.catalogue import Topic
from obligations.importer.certainty import certainty
from obligations.importer.dates import Mention, Period, find_dates, past_tense
from obligations.importer.repair import repair
from obligations.importer.sentences import split
from obligations.importer.structure import outline
from obligations.importer.suggest import (
    TopicMatcher,
    action_for,
    amount_eur,
    fold,
    suggest_kind,
)
from obligations.provenance import mentions_time

Progress = Callable[[int, int], None]
MAX_ID = 80
# Share of words two quotes must have in common to be the same statement repeated.
REPEAT_OVERLAP = 0.8
_ID_STOPWORDS = {
    "het", "een", "van", "voor", "naar", "door", "wordt", "worden", "werd", "zijn", "is", "dit",
    "deze", "die", "dat", "ook", "daarnaast", "verder", "bovendien", "kabinet", "gemeenten",
    "gemeente", "zal", "zullen", "kan", "kunnen", "moet", "moeten", "heeft", "hebben", "wil",
    "met", "aan", "bij", "over", "tot", "vanaf", "per", "sinds", "jaar", "jaren", "totaal",
    "miljoen", "miljard", "euro", "eind", "begin", "nog", "wel", "niet", "meer", "om",
    "en", "in", "op", "te", "de", "er", "al", "uit", "als", "dan", "wat", "hun", "haar",
    "staat", "gaat", "komt", "daarvoor", "hiervoor", "waarvan", "waarmee", "onder", "andere",
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """A proposed catalogue entry, with where it came from for the reviewer."""

    id: str
    title: str
    action: str
    kind: str
    topics: tuple[str, ...]
    chapter: str
    section: str
    period: Period
    certainty: str
    amount_eur: int | None
    quote: str
    line: int
    phrase: str
    # Lines where the circular says the same again (merged into this candidate).
    also: tuple[int, ...] = ()

    def record(self) -> dict[str, Any]:
        """The entry as catalogue YAML holds it (defaults left out)."""
        span = self.period.span
        record: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "action": self.action,
            "kind": self.kind,
            "topics": list(self.topics),
            "chapter": self.chapter,
            "section": self.section,
            "start": span.start,
        }
        if span.end != span.start:
            record["end"] = span.end
        if self.period.precision != "day":
            record["precision"] = self.period.precision
        if self.certainty != "vast":
            record["certainty"] = self.certainty
        if self.period.recurrence:
            record["recurrence"] = self.period.recurrence
        if self.amount_eur is not None:
            record["amount_eur"] = self.amount_eur
        record["quote"] = self.quote
        return record


# A circular named with its year ("de meicirculaire 2021") dates a settlement.
_YEAR = re.compile(r"\d{4}")


def _in_parentheses(sentence: str, position: int) -> bool:
    before = sentence[:position]
    return before.count("(") > before.count(")")


def relevant(sentence: str, mentions: list[Mention], written: date) -> list[Mention]:
    """The mentions in one sentence that may be obligations (see the module docstring)."""
    first_day = date(written.year, 1, 1)
    past = past_tense(sentence)
    kept = [
        m
        for m in mentions
        if m.role != "reference"
        and m.period.span.start >= first_day
        and not (past and m.period.span.end < written and m.role != "circular")
        and not (
            m.role == "circular" and m.period.span.start <= written and not _YEAR.search(m.text)
        )
    ]
    if any(m.role != "circular" for m in kept):
        # A circular already out is a reference point; a coming one is a settlement moment.
        kept = [m for m in kept if m.role != "circular" or m.period.span.start > written]
    if any(not _in_parentheses(sentence, m.start) for m in kept):
        kept = [m for m in kept if not _in_parentheses(sentence, m.start)]
    spans = [m.period.span for m in kept]
    result: list[Mention] = []
    for mention in kept:
        span = mention.period.span
        coarse = mention.kind in ("year", "relative") and any(
            other != span and span.start <= other.start and other.end <= span.end for other in spans
        )
        if coarse or any(r.period.span == span for r in result):
            continue
        result.append(mention)
    return result


def _title(sentence: str) -> str:
    text = sentence.rstrip(" .;:")
    if len(text) <= 100:
        return text
    cut = text[:100].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _date_tag(period: Period) -> str:
    span, precision = period.span, period.precision
    if precision == "day":
        return span.start.isoformat() if span.start == span.end else f"{span.start}-{span.end}"
    if precision == "year":
        years = {span.start.year, span.end.year}
        return "-".join(str(year) for year in sorted(years))
    if precision == "month":
        return f"{span.start.year}-{span.start.month:02d}"
    if precision == "quarter":
        return f"{span.start.year}-q{(span.start.month - 1) // 3 + 1}"
    if precision == "half":
        return f"{span.start.year}-h{1 if span.start.month == 1 else 2}"
    names = {3: "voorjaar", 6: "zomer", 9: "najaar", 12: "winter"}
    return f"{names.get(span.start.month, 'seizoen')}-{span.start.year}"


class _Ids:
    """Readable, unique kebab-case ids that avoid the ids already in the catalogue."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def make(self, sentence: str, period: Period) -> str:
        words = [
            w
            for w in re.findall(r"[a-z0-9]+", fold(sentence))
            if len(w) > 2 and w not in _ID_STOPWORDS and not w.isdigit()
        ]
        tag = _date_tag(period)
        head = "-".join(words[:5])[: MAX_ID - len(tag) - 4].strip("-") or "verplichting"
        base = f"{head}-{tag}"
        candidate, number = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate


def import_circular(
    text: str,
    written: date,
    topics: Iterable[Topic],
    taken_ids: Iterable[str] = (),
    progress: Progress | None = None,
) -> list[Candidate]:
    """Candidate entries for every dated obligation in a circular's text."""
    repaired = repair(text)
    paragraphs = outline(repaired).paragraphs
    matcher = TopicMatcher.from_topics(topics)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found: list[Candidate] = []
    seen: dict[Period, list[tuple[int, frozenset[str]]]] = {}
    for number, paragraph in enumerate(paragraphs, start=1):
        if progress is not None:
            progress(number, len(paragraphs))
        body, offsets = paragraph.text()
        sentences = split(body)
        for index, sentence in enumerate(sentences):
            following = sentences[index + 1].text if index + 1 < len(sentences) else ""
            for mention in relevant(sentence.text, find_dates(sentence.text, written), written):
                focus = offsets[sentence.start + mention.start]
                quote = repaired.quote(
                    offsets[sentence.start], offsets[sentence.end - 1] + 1, focus
                )
                if quote is None or not mentions_time(quote):
                    continue
                kind = suggest_kind(sentence.text, mention.role)
                candidate = Candidate(
                    id="",
                    title=_title(sentence.text),
                    action=action_for(kind),
                    kind=kind,
                    topics=tuple(
                        matcher.suggest(sentence.text, paragraph.section, paragraph.chapter)
                    ),
                    chapter=paragraph.chapter,
                    section=paragraph.section,
                    period=mention.period,
                    certainty=certainty(sentence.text, following),
                    amount_eur=amount_eur(sentence.text),
                    quote=quote,
                    line=bisect_right(line_starts, focus),
                    phrase=mention.text,
                )
                _add_unless_repeated(found, seen, candidate)
    ids = _Ids(taken_ids)
    return [replace(c, id=ids.make(c.quote, c.period)) for c in found]


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(text)))


def _add_unless_repeated(
    found: list[Candidate], seen: dict[Period, list[tuple[int, frozenset[str]]]], new: Candidate
) -> None:
    """Circulars repeat themselves across chapters; one proposal per statement."""
    words = _words(new.quote)
    for index, other in seen.get(new.period, []):
        if len(words & other) >= REPEAT_OVERLAP * len(words | other):
            found[index] = replace(found[index], also=(*found[index].also, new.line))
            return
    seen.setdefault(new.period, []).append((len(found), words))
    found.append(new)
