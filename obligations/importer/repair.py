"""Undoing what PDF-to-text does to a circular, without losing the way back.

Circulars reach us as text extracted from a PDF: page headers and footers between
the lines ("Vereniging van Nederlandse Gemeenten 31"), footnotes in the middle of a
sentence that runs on to the next page, footnote markers glued to words
("meicirculaire 20213" is 2021 with footnote 3), bare URLs, bullets and words
hyphenated across lines ("informatiehuis-\\nhouding").

Every kept character remembers its offset in the source. Analysis reads the
repaired text; quotes are cut from the source itself, so they stay verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from obligations.provenance import SourceText, collapse

# A running header or footer: the VNG's own, or a page number alone on a line.
_VNG_FURNITURE = re.compile(
    r"^\s*(?:\d{1,3}\s*)?Vereniging van Nederlandse Gemeenten\s*\d{0,3}\s*$"
)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$|^\s*[Pp]agina \d{1,3}(?: van \d{1,3})?\s*$"
)
# A line that is text plus a page number; furniture when the text repeats on several pages.
_TRAILING_NUMBER = re.compile(r"^\s*(?P<text>\S.{2,69}?)[\s|·-]*(?<!\d)(?P<n>\d{1,3})\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})[\s|·-]+(?P<text>\S.{2,69}?)\s*$")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
# "3<TAB>text": a footnote, or a numbered chapter heading (the two share a shape).
NUMBERED = re.compile(r"^(?P<indent>\s*)(?P<n>\d{1,2})(?:\t|\s{2,})\s*(?P<body>\S.*?)\s*$")
_BULLET = re.compile(
    r"^(?P<indent>\s*)(?:[•●▪◦■►‣∙·*]|[-\u2013](?=\s)|o(?=\t)|\d{1,2}[.)](?=\s))\s*"
)
# Sentence-final punctuation: the line before a heading ends with one of these.
TERMINAL = ".!?;:"


def title_like(text: str) -> bool:
    """Whether a line could be a heading: short, capitalised, no sentence punctuation."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 80
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in TERMINAL + ","
        and not re.search(r"[.!?] +[A-Z]", text)
        and not _URL_LINE.match(text)
    )


@dataclass
class Line:
    """One kept line: its repaired text and the source offset of each character."""

    number: int
    text: str
    offsets: list[int]
    bullet: bool = False
    marker: str = ""  # the bullet character, when the line had one
    # Set for "2<TAB>Binnenlandse Zaken en": the number of a chapter heading.
    chapter_number: int | None = None
    # A heading that starts with a tab ("<TAB>Voorwoord"): an unnumbered chapter.
    tab_heading: bool = False

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    line: int


@dataclass
class RepairedText:
    source: str
    lines: list[Line]
    # Source ranges that were dropped: furniture, footnotes, URL lines.
    removed: list[tuple[int, int]] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    # Built on first use: the two readings a quote is checked against.
    _source_text: SourceText | None = field(default=None, init=False, repr=False)

    @property
    def source_text(self) -> SourceText:
        if self._source_text is None:
            self._source_text = SourceText.from_text(self.source)
        return self._source_text

    def quote(self, start: int, end: int, focus: int) -> str | None:
        """The source between two offsets as a catalogue quote, or None.

        When dropped material (a footer, a footnote) lies inside, the quote shrinks to
        the stretch around `focus` between the drops, so it stays verbatim.
        """
        for drop_start, drop_end in self.removed:
            if start < drop_end and drop_start < end:
                if drop_end <= focus:
                    start = max(start, drop_end)
                elif drop_start > focus:
                    end = min(end, drop_start)
        raw = self.source[start:end]
        for text in (collapse(mend(raw)), collapse(raw)):
            if len(text) >= 10 and self.source_text.contains(text):
                return text
        return None


_BROKEN_WORD = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=[a-zà-ÿ])")


def mend(text: str) -> str:
    """Heal words the PDF hyphenated across a line break, as provenance.py accepts."""
    return _BROKEN_WORD.sub("", text)


def _raw_lines(source: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for number, raw in enumerate(source.splitlines(keepends=True), start=1):
        content = raw.rstrip("\r\n")
        kept = [(i, c) for i, c in enumerate(content) if c not in "\f\x0c"]
        while kept and kept[-1][1].isspace():
            kept.pop()
        lines.append(Line(number, "".join(c for _, c in kept), [offset + i for i, _ in kept]))
        offset += len(raw)
    return lines


def _furniture(lines: Sequence[Line]) -> set[int]:
    """Indexes of running headers, footers and page numbers."""
    found = {
        i
        for i, line in enumerate(lines)
        if _VNG_FURNITURE.match(line.text) or (not line.blank and _PAGE_NUMBER.match(line.text))
    }
    keyed: dict[str, list[tuple[int, str]]] = {}
    for i, line in enumerate(lines):
        m = _TRAILING_NUMBER.match(line.text) or _LEADING_NUMBER.match(line.text)
        if m and any(c.isalpha() for c in m["text"]):
            keyed.setdefault(" ".join(m["text"].split()).lower(), []).append((i, m["n"]))
    for occurrences in keyed.values():
        if len(occurrences) >= 3 and len({n for _, n in occurrences}) >= 2:
            found.update(i for i, _ in occurrences)
    return found


def _drop_chars(line: Line, start: int, end: int) -> None:
    line.text = line.text[:start] + line.text[end:]
    del line.offsets[start:end]


def _marker_pattern(number: int) -> re.Pattern[str]:
    """A footnote number glued to the word it annotates: "stand4", ".nl2", "20213"."""
    n = str(number)
    return re.compile(
        rf"(?:(?<=[a-zà-ÿ\u2019\u201d')])|(?<=\b(?:19|20)\d\d))({n})(?=[\s.,;:)\u2019\u201d]|$)"
    )


def _find_marker(
    lines: Sequence[Line], kept: Sequence[bool], upto: int, after: int, n: int
) -> int | None:
    """Remove footnote n's marker from the nearest line above `upto` (down to `after`,
    the line of the previous marker); return that line's index, or None."""
    pattern = _marker_pattern(n)
    for i in range(upto - 1, after - 1, -1):
        if not kept[i] or lines[i].chapter_number is not None:
            continue
        text = lines[i].text
        matches = [m for m in pattern.finditer(text) if _plausible_marker(text, m)]
        if matches:
            last = matches[-1]
            _drop_chars(lines[i], last.start(1), last.end(1))
            return i
    return None


def _plausible_marker(text: str, m: re.Match[str]) -> bool:
    """Not part of an all-capitals token such as CO2 or N2000."""
    word = re.findall(r"[\w.\u2019\u201d')]+$", text[: m.start(1)])
    token = word[0] if word else ""
    return (
        not token
        or token[-1] in "\u2019\u201d')"
        or token[-1].isdigit()
        or any(c.islower() for c in token)
    )


def _previous_text(lines: Sequence[Line], kept: Sequence[bool], index: int) -> Line | None:
    for i in range(index - 1, -1, -1):
        if kept[i] and not lines[i].blank:
            return lines[i]
    return None


def repair(source: str) -> RepairedText:
    """Split the source into kept lines, dropping furniture, footnotes and URL lines."""
    lines = _raw_lines(source)
    kept = [True] * len(lines)
    for i in _furniture(lines):
        kept[i] = False
    for i, line in enumerate(lines):
        if _URL_LINE.match(line.text):
            kept[i] = False
    footnotes: list[Footnote] = []
    next_chapter, next_footnote, last_marker = 1, 1, 0
    for i, line in enumerate(lines):
        m = NUMBERED.match(line.text) if kept[i] else None
        if m is None:
            continue
        n, body = int(m["n"]), m["body"]
        before = _previous_text(lines, kept, i)
        starts_block = before is None or before.text[-1] in TERMINAL or title_like(before.text)
        if n == next_chapter and title_like(body) and starts_block:
            line.chapter_number = n
            next_chapter += 1
            continue
        marker = _find_marker(lines, kept, i, last_marker, n) if n >= next_footnote else None
        if marker is not None:
            kept[i] = False
            last_marker = marker
            text = body
            j = i + 1
            # A URL footnote may wrap onto the next line; prose footnotes end at the line.
            while (
                j < len(lines)
                and kept[j]
                and re.match(r"^\S+$", lines[j].text.strip() or " ")
                and re.match(r"^(?:https?://|www\.)\S*$", text.split()[-1])
            ):
                text += lines[j].text.strip()
                kept[j] = False
                j += 1
            footnotes.append(Footnote(n, text, line.number))
            next_footnote = n + 1
    for i, line in enumerate(lines):
        if not kept[i] or line.chapter_number is not None:
            continue
        if re.match(r"^\s*\t\s*\S", line.text) and title_like(line.text.strip()):
            line.tab_heading = True
            continue
        bullet = _BULLET.match(line.text)
        if bullet and len(line.text) > bullet.end():
            line.marker = line.text[: bullet.end()].strip()
            _drop_chars(line, 0, bullet.end())
            line.bullet = True
    removed = _removed_ranges(lines, kept, len(source))
    return RepairedText(
        source=source,
        lines=[line for line, keep in zip(lines, kept, strict=True) if keep],
        removed=removed,
        footnotes=footnotes,
    )


def _removed_ranges(
    lines: Sequence[Line], kept: Sequence[bool], size: int
) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for line, keep in zip(lines, kept, strict=True):
        if keep or not line.offsets:
            continue
        start, end = line.offsets[0], line.offsets[-1] + 1
        if ranges and ranges[-1][1] >= start - 2:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return [(s, min(e, size)) for s, e in ranges]


def join(lines: Sequence[Line]) -> tuple[str, list[int]]:
    """Lines into one running text: mend broken words, otherwise join with a space."""
    text = ""
    offsets: list[int] = []
    for line in lines:
        piece = line.text.lstrip()
        piece_offsets = line.offsets[len(line.text) - len(piece) :]
        if not piece:
            continue
        if text:
            if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[0].islower():
                text, offsets = text[:-1], offsets[:-1]
            elif not (text.endswith("-") and len(text) > 1 and text[-2].isalpha()):
                text += " "
                offsets.append(offsets[-1] + 1)
        text += piece
        offsets.extend(piece_offsets)
    return text, offsets
