"""Checking that a catalogue quote stands, word for word, in its source circular.

The circulars come to us as PDF-to-text output: lines end with stray spaces and
words are hyphenated across line breaks. A quote joins lines with one space; it
may keep such a hyphen ("Energiebe- lasting") or mend it ("Energiebelasting").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s+")
# A hyphen at a line end followed by a lowercase letter is a word broken by the PDF.
_BROKEN_WORD = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=[a-zà-ÿ])")
_TEMPORAL = re.compile(
    r"\b(?:1[89]|20)\d\d\b|januari|februari|maart|april|mei|juni|juli|augustus|september"
    r"|oktober|november|december|voorjaar|zomer|najaar|winter|jaar|kwarta|helft|maand"
    r"|week|dag|circulaire|verkiezing",
    re.IGNORECASE,
)


def collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class SourceText:
    """A source document in the two readings a quote may match."""

    collapsed: str
    mended: str

    @classmethod
    def from_text(cls, text: str) -> SourceText:
        return cls(collapsed=collapse(text), mended=collapse(_BROKEN_WORD.sub("", text)))

    def contains(self, quote: str) -> bool:
        wanted = collapse(quote)
        return bool(wanted) and (wanted in self.collapsed or wanted in self.mended)


def mentions_time(quote: str) -> bool:
    """Whether a quote holds some expression of time, as every dated entry's quote must."""
    return _TEMPORAL.search(quote) is not None
