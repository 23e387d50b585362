"""Finding obligations by words, the way municipal staff type them.

Dutch glues words together ("inburgeringsstelsel", "gemeenteraadsverkiezingen")
and inflects them ("verkiezing", "verkiezingen"), so a query word matches when its
trimmed form stands inside a word of the entry. Short words (three letters or
fewer, mostly abbreviations such as "Woo") must match a whole word, and known
abbreviations also match their expansion. Accents are ignored both ways.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from obligations.catalogue import Obligation

ABBREVIATIONS_FILE = "abbreviations.yaml"
_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("heden", "ingen", "eren", "en", "es", "e", "s")
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "van",
        "voor",
        "in",
        "op",
        "aan",
        "met",
        "bij",
        "tot",
        "uit",
        "over",
        "naar",
        "door",
        "om",
        "te",
        "als",
        "dat",
        "die",
        "dit",
        "deze",
        "is",
        "zijn",
        "wordt",
        "worden",
        "was",
        "er",
        "wat",
        "wie",
        "wanneer",
        "welke",
        "welk",
        "hoe",
        "moet",
        "moeten",
        "komt",
        "komen",
        "gaan",
        "gaat",
        "ik",
        "we",
        "wij",
        "jullie",
        "u",
        "ons",
        "onze",
        "mijn",
        "hun",
        "zij",
        "kan",
        "kunnen",
        "mag",
        "ook",
        "nog",
        "al",
        "niet",
        "geen",
        "the",
        "a",
        "an",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "is",
        "are",
        "what",
        "when",
        "which",
        "due",
        "show",
        "me",
        "about",
    ]
)
# Where a match counts most: a word in the title says more than one in the quote.
_FIELD_WEIGHTS = (("title", 4), ("section", 2), ("topics", 2), ("action", 1), ("quote", 1))


def fold(text: str) -> str:
    """Lowercase without accents: "Financiën" and "financien" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def trim(word: str) -> str:
    """A crude Dutch stem: drop one inflection suffix if at least four letters remain."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=8)
def load_abbreviations(catalogue_dir: Path) -> dict[str, str]:
    path = catalogue_dir / ABBREVIATIONS_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = (data.get("abbreviations") or {}).items()
    return {fold(str(key)): " ".join(words(str(value))) for key, value in entries}


def query_terms(text: str) -> list[str]:
    """The words of a question that can narrow a search (no stopwords, no "s" of "what's")."""
    return [word for word in words(text) if len(word) > 1 and word not in STOPWORDS]


@dataclass(frozen=True)
class _Term:
    """A query word prepared once: how it may match a field."""

    word: str
    whole_only: bool  # abbreviations and short words match whole words only
    stem: str
    expansion: str  # " wet open overheid " for "woo", else ""

    @classmethod
    def of(cls, word: str, expansions: dict[str, str]) -> _Term:
        expansion = f" {expansions[word]} " if word in expansions else ""
        return cls(word, bool(expansion) or len(word) <= 3, trim(word), expansion)

    def matches(self, field: _Field) -> bool:
        if self.whole_only:
            return self.word in field.words or bool(self.expansion and self.expansion in field.text)
        return self.stem in field.text


@dataclass(frozen=True)
class _Field:
    weight: int
    words: frozenset[str]
    text: str  # the field's words, space-separated, with a space at both ends


@dataclass(frozen=True)
class Hit:
    obligation: Obligation
    score: int


def _field_text(item: Obligation, field: str) -> str:
    value = getattr(item, field)
    return " ".join(value) if isinstance(value, tuple) else str(value)


@lru_cache(maxsize=50_000)
def _document(item: Obligation) -> tuple[_Field, ...]:
    """The searched fields of one entry, prepared once per entry revision."""
    fields = []
    for name, weight in _FIELD_WEIGHTS:
        found = words(_field_text(item, name))
        fields.append(_Field(weight, frozenset(found), f" {' '.join(found)} "))
    return tuple(fields)


def search(
    items: Iterable[Obligation], text: str, abbreviations: dict[str, str] | None = None
) -> list[Hit]:
    """Obligations matching the most terms of `text` (all of them when any entry does),
    best first, then by date."""
    terms = query_terms(text)
    if not terms:
        return []
    prepared = [_Term.of(term, abbreviations or {}) for term in dict.fromkeys(terms)]
    scored: list[tuple[int, Hit]] = []
    for item in items:
        score = 0
        matched: set[str] = set()
        for field in _document(item):
            for term in prepared:
                if term.matches(field):
                    matched.add(term.word)
                    score += field.weight
        if matched:
            scored.append((len(matched), Hit(item, score)))
    best = max((count for count, _ in scored), default=0)
    hits = [hit for count, hit in scored if count == best]
    return sorted(hits, key=lambda hit: (-hit.score, hit.obligation.span.start, hit.obligation.id))
