"""Paragraphs into sentences, the unit a catalogue quote is made of.

A full stop ends a sentence unless it belongs to a Dutch abbreviation ("o.a.",
"bijv.", "t.o.v.") or a number ("1.000", "2.0"). "a.s." and "jl." end clauses so
often ("per 1 oktober a.s. Dit geldt ...") that a capital after them does end the
sentence. The PDF sometimes drops the space after a full stop ("2022.De eerste").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "o.a", "bijv", "bv", "b.v", "ca", "circa", "nr", "art", "m.b.t", "i.v.m", "t.o.v", "z.s.m",
    "d.w.z", "o.b.v", "mr", "dr", "drs", "ir", "ing", "prof", "mevr", "dhr", "incl", "excl",
    "max", "min", "resp", "vs", "zgn", "m.u.v", "i.p.v", "e.a", "o.l.v", "t.b.v", "c.q", "i.c.m",
    "m.n", "v.a", "p.p", "blz", "jan", "feb", "febr", "aug", "sept", "okt", "nov", "dec",
}  # fmt: skip
# Abbreviations that often close a clause: a capital after them starts a new sentence.
_CLOSING = {"a.s", "jl", "j.l", "e.d", "etc", "enz"}
_END = re.compile(r"[.!?](?=[\s\"\u201d\u2019)]*(?:\s|$))|(?<=[a-zà-ÿ0-9)])\.(?=[A-Z][a-zà-ÿ])")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # index of the first character in the paragraph text
    end: int  # index after the last character


def _word_before(text: str, dot: int) -> str:
    m = re.search(r"([\w.]+)$", text[:dot])
    return m.group(1).lower() if m else ""


def _is_boundary(text: str, dot: int) -> bool:
    rest = text[dot + 1 :].lstrip(' "\u201d\u2019)')
    if not rest:
        return True
    if text[dot] != ".":
        return rest[0].isupper() or rest[0].isdigit() or rest[0] in '\u2018\u201c"(•'
    word = _word_before(text, dot)
    if word in _CLOSING:
        return rest[0].isupper()
    if word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return False
    if re.fullmatch(r"\d{1,2}", word) and not rest[0].isupper():
        return False  # "artikel 3. lid" or an enumeration, not a sentence end
    return rest[0].isupper() or rest[0].isdigit() or rest[0] in '\u2018\u201c"(•€'


def split(text: str) -> list[Sentence]:
    """The sentences of a paragraph, with their positions in it."""
    sentences: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        dot = m.start()
        if dot < start or not _is_boundary(text, dot):
            continue
        end = dot + 1
        while end < len(text) and text[end] in '"\u201d\u2019)':
            end += 1
        _add(sentences, text, start, end)
        start = end
    _add(sentences, text, start, len(text))
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        sentences.append(Sentence(text[start:end], start, end))
