"""Chapters, sections and paragraphs of a repaired circular.

A VNG circular has numbered ministry chapters ("2<TAB>Binnenlandse Zaken en" with
the title running on to the next line), unnumbered ones (Voorwoord), group headings
in capitals (GEMEENTEFONDS), topic headings, and in each topic the parts "Wat wil
het kabinet?" and "Wat betekent dit voor gemeenten?". A catalogue entry names its
chapter and its topic heading (the section); headings inside a part, table rows and
figure captions are not sections.

Paragraphs run on over blank lines and dropped footnotes when the text clearly
continues (no sentence end before, a lowercase word after): the PDF breaks pages
in mid-sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from obligations.importer.repair import TERMINAL, Line, RepairedText, join, title_like

_PART = re.compile(r"^wat (?:wil|betekent|doet|vraagt|gaat)\b.*$", re.IGNORECASE)
_CAPTION = re.compile(r"^(?:tabel|figuur|grafiek|bijlage)\s+\d+(?:\.\d+)*\b", re.IGNORECASE)
_NUMBER_TOKEN = re.compile(r"^[€(]?-?\d[\d.,]*%?\)?$")
# Words after which a chapter title surely continues on the next line.
_CONTINUES = {"en", "van", "voor", "de", "het", "in", "op", "met", "der", "&"}


@dataclass
class Paragraph:
    chapter: str
    section: str
    line: int  # the source line the paragraph starts on
    lines: list[Line] = field(default_factory=list)
    bullet: bool = False

    def text(self) -> tuple[str, list[int]]:
        return join(self.lines)


@dataclass
class Outline:
    """What the structure pass found, in reading order."""

    paragraphs: list[Paragraph]
    chapters: list[str]
    sections: list[tuple[str, str]]  # (chapter, section)


def is_table_row(text: str) -> bool:
    """A row of figures: three or more numbers making up much of the line."""
    tokens = text.split()
    numbers = sum(1 for token in tokens if _NUMBER_TOKEN.match(token))
    return numbers >= 3 and numbers >= 0.4 * len(tokens)


def _title_tail(text: str) -> bool:
    """The second line of a chapter title: short, no sentence punctuation."""
    return len(text.split()) <= 6 and text[-1] not in TERMINAL + ","


def _is_group_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and title_like(text)


class _Walker:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.chapter = ""
        self.section = ""
        self.in_part = False
        self.paragraphs: list[Paragraph] = []
        self.chapters: list[str] = []
        self.sections: list[tuple[str, str]] = []
        self.current: Paragraph | None = None
        self.gap = True  # a blank line or a heading since the last body line
        self.after_table = False

    def next_text(self, index: int) -> Line | None:
        for line in self.lines[index + 1 :]:
            if not line.blank:
                return line
        return None

    def previous_ended(self, index: int) -> bool:
        """Whether the kept line before `index` ends a sentence or block."""
        for line in reversed(self.lines[:index]):
            if not line.blank:
                return line.text.rstrip()[-1] in TERMINAL or self.current is None
        return True

    def start_chapter(self, title: str) -> None:
        self.chapter = title
        self.section = re.sub(r"^\d+\s+", "", title)
        self.in_part = False
        self.current = None
        self.chapters.append(title)

    def set_section(self, title: str) -> None:
        self.section = title
        self.in_part = False
        self.current = None
        self.sections.append((self.chapter, title))

    def walk(self) -> Outline:
        skip_to = -1
        for index, line in enumerate(self.lines):
            if index <= skip_to:
                continue
            if line.blank:
                self.gap = True
                continue
            text = " ".join(line.text.split())
            if line.chapter_number is not None or line.tab_heading:
                skip_to = self.chapter_heading(index, line)
                continue
            if self.structural(index, line, text):
                self.current = None
                self.gap = True
                continue
            self.body(line, text)
        return Outline(self.paragraphs, self.chapters, self.sections)

    def chapter_heading(self, index: int, line: Line) -> int:
        """Read a chapter heading and its continuation line; return the last index used."""
        title = re.sub(r"^\s*\d{1,2}\s+", "", line.text).strip()
        last = index
        follower = self.lines[index + 1] if index + 1 < len(self.lines) else None
        if (
            follower is not None
            and not follower.blank
            and follower.chapter_number is None
            and (title.split()[-1].lower() in _CONTINUES or follower.text.strip()[:1].islower())
            and _title_tail(follower.text.strip())
        ):
            title = f"{title} {follower.text.strip()}"
            last = index + 1
        title = " ".join(title.split())
        number = line.chapter_number
        self.start_chapter(f"{number} {title}" if number is not None else title)
        self.gap = True
        return last

    def structural(self, index: int, line: Line, text: str) -> bool:
        """Headings, part markers, captions and tables: everything that is no prose."""
        if _PART.match(text) and len(text) < 80:
            self.in_part = True
            return True
        if _CAPTION.match(text) or is_table_row(text):
            self.after_table = True
            return True
        if self.after_table and line.marker == "*":
            return True  # "* Percentages uit het CEP ...": a note under a table
        self.after_table = False
        if line.bullet or not title_like(text) or not self.previous_ended(index):
            return False
        following = self.next_text(index)
        if following is not None and following.text.strip()[:1].islower() and not following.bullet:
            return False
        if _is_group_heading(text):
            self.set_section(text)
            self.sections.pop()
            self.section = ""
            return True
        introduces_part = following is not None and bool(_PART.match(following.text.strip()))
        if introduces_part or not self.in_part or not self.section:
            self.set_section(text)
        return True

    def body(self, line: Line, text: str) -> None:
        ended = self.current is not None and self.current.lines[-1].text.rstrip()[-1] in TERMINAL
        continues = (
            self.current is not None
            and not line.bullet
            and (not self.gap or (not ended and text[0].islower()))
            # After a bullet item that ended, a capital starts the text below the list.
            and not (self.current.bullet and ended and text[0].isupper())
        )
        if not continues or self.current is None:
            self.current = Paragraph(
                self.chapter or "Inleiding",
                self.section or self.chapter or "Inleiding",
                line.number,
                bullet=line.bullet,
            )
            self.paragraphs.append(self.current)
        self.current.lines.append(line)
        self.gap = False


def outline(repaired: RepairedText) -> Outline:
    """The paragraphs of a repaired circular, each with its chapter and section."""
    return _Walker(repaired.lines).walk()
