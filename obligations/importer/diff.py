"""New, changed or already known: candidates held against an existing catalogue.

A candidate and an entry are about the same thing when their quotes overlap: one
holds a sentence of the other (quotes are whole sentences, or a stretch of one cut
short by a page break; catalogue quotes often join two or three). Then:

- known: some overlapping entry has exactly the candidate's start and end;
- changed: entries overlap, but none with that date (the circular moved it, or the
  importer reads it differently); an entry with the candidate's id also counts;
- new: no entry overlaps, or only entries that other candidates already reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from obligations.catalogue import Obligation
from obligations.importer.candidates import Candidate
from obligations.provenance import collapse

_HYPHEN_BREAK = re.compile(r"(?<=\w)- (?=[a-zà-ÿ])")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\s*•\s*")
MIN_SHARED = 25


def normalise_quote(text: str) -> str:
    """Whitespace collapsed and PDF-broken words mended, so two readings compare equal."""
    return _HYPHEN_BREAK.sub("", collapse(text))


def _pieces(text: str) -> list[str]:
    return [p.strip() for p in _SENTENCE_END.split(text) if len(p.strip()) >= MIN_SHARED]


@dataclass(frozen=True)
class _Quote:
    text: str
    pieces: tuple[str, ...]

    @classmethod
    def of(cls, quote: str) -> _Quote:
        text = normalise_quote(quote)
        return cls(text, tuple(_pieces(text)))

    def overlaps(self, other: _Quote) -> bool:
        if self.text in other.text or other.text in self.text:
            return True
        return any(p in other.text for p in self.pieces) or any(
            p in self.text for p in other.pieces
        )


def quotes_overlap(a: str, b: str) -> bool:
    """Whether two quotes share a sentence (or one holds the other)."""
    return _Quote.of(a).overlaps(_Quote.of(b))


@dataclass(frozen=True)
class Change:
    candidate: Candidate
    entries: tuple[Obligation, ...]


@dataclass
class Diff:
    new: list[Candidate] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    known: list[Change] = field(default_factory=list)


class QuoteIndex:
    """The catalogue's quotes, normalised once, to find the entries a quote overlaps."""

    def __init__(self, obligations: Sequence[Obligation]) -> None:
        self.entries = [(o, _Quote.of(o.quote)) for o in obligations]

    def related(self, candidate: Candidate) -> list[Obligation]:
        quote = _Quote.of(candidate.quote)
        return [o for o, q in self.entries if o.id == candidate.id or quote.overlaps(q)]


def same_dates(candidate: Candidate, obligation: Obligation) -> bool:
    return candidate.period.span == obligation.span


def compare(candidates: Iterable[Candidate], obligations: Sequence[Obligation]) -> Diff:
    """Sort each candidate into new, changed or already known.

    Catalogue quotes often join two or three sentences with one date between them. A
    candidate from another sentence of such a quote is a new statement, not a change,
    when some other candidate already matches that entry exactly.
    """
    diff = Diff()
    index = QuoteIndex(obligations)
    related = [(c, index.related(c)) for c in candidates]
    reproduced = {entry.id for c, entries in related for entry in entries if same_dates(c, entry)}
    for candidate, entries in related:
        exact = tuple(o for o in entries if same_dates(candidate, o))
        open_entries = tuple(o for o in entries if o.id not in reproduced)
        if exact:
            diff.known.append(Change(candidate, exact))
        elif open_entries:
            diff.changed.append(Change(candidate, open_entries))
        else:
            diff.new.append(candidate)
    return diff
