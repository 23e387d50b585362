"""Answers as Telegram messages: HTML with everything escaped, split into pages
that stay far below Telegram's 4,096 characters, with buttons for details and paging."""

from __future__ import annotations

import hashlib
import html
from collections import OrderedDict
from dataclasses import dataclass

from obligations.answers import Answer
from obligations.catalogue import Obligation
from obligations.queries import Occurrence
from obligations.render import amount_label, grouped_by_month, obligation_line, occurrence_label

PAGE_ITEMS = 8
MAX_MESSAGE = 4096
KEPT_ANSWERS = 2000  # answers kept for paging; older "Volgende" buttons say the list expired


def escape(text: str) -> str:
    """Escape for Telegram's HTML mode (quotes need no escaping outside attributes)."""
    return html.escape(text, quote=False)


def short_ref(obligation_id: str) -> str:
    """A 10-character reference that fits in callback data (64 bytes at most)."""
    return hashlib.sha256(obligation_id.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Page:
    text: str
    refs: tuple[tuple[int, str], ...]  # (number shown, short_ref) for detail buttons
    number: int
    total: int


def _lines_for(items: list[Occurrence], grouped: bool, first_number: int) -> list[str]:
    lines: list[str] = []
    number = first_number
    groups = grouped_by_month(items) if grouped else [("", items)]
    for title, members in groups:
        if title:
            lines.append(f"\n<b>{escape(title)}</b>")
        for member in members:
            lines.append(f"{number}. {escape(obligation_line(member))}")
            number += 1
    return lines


def paginate(answer: Answer) -> list[Page]:
    """The answer in pages of PAGE_ITEMS items; one page when there is nothing to list."""
    items = list(answer.items)
    chunks = [items[i : i + PAGE_ITEMS] for i in range(0, len(items), PAGE_ITEMS)] or [[]]
    pages: list[Page] = []
    for index, chunk in enumerate(chunks):
        first = index * PAGE_ITEMS + 1
        parts = [f"<b>{escape(answer.heading)}</b>"]
        if len(chunks) > 1:
            parts[0] += f" (pagina {index + 1} van {len(chunks)})"
        parts += _lines_for(chunk, answer.grouped, first)
        if answer.examples:
            parts.append("\nProbeer bijvoorbeeld:")
            parts += [f"• {escape(example)}" for example in answer.examples]
        if answer.hint and index == len(chunks) - 1:
            parts.append(f"\n{escape(answer.hint)}")
        text = "\n".join(parts)
        if len(text) > MAX_MESSAGE:  # only with absurd titles; never send what Telegram refuses
            text = text[: MAX_MESSAGE - 1] + "…"
        refs = tuple((first + i, short_ref(o.obligation.id)) for i, o in enumerate(chunk))
        pages.append(Page(text, refs, index + 1, len(chunks)))
    return pages


class AnswerStore:
    """Recent multi-page answers, so "Volgende" can show the next page without asking again."""

    def __init__(self, size: int = KEPT_ANSWERS) -> None:
        self._pages: OrderedDict[str, list[Page]] = OrderedDict()
        self._size = size
        self._counter = 0

    def keep(self, pages: list[Page]) -> str:
        self._counter += 1
        key = format(self._counter, "x")
        self._pages[key] = pages
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)
        return key

    def page(self, key: str, number: int) -> Page | None:
        pages = self._pages.get(key)
        if pages is None or not 1 <= number <= len(pages):
            return None
        return pages[number - 1]


def obligation_html(
    item: Obligation, topic_labels: dict[str, str], source_titles: dict[str, str], public_url: str
) -> str:
    """One obligation in full: what, when (with its precision), and where it says so."""
    topics = ", ".join(topic_labels.get(topic, topic) for topic in item.topics)
    source = source_titles.get(item.source, item.source)
    lines = [
        f"<b>{escape(item.title)}</b>",
        f"Wanneer: {escape(occurrence_label(item))}",
        f"Onderwerp: {escape(topics)}",
    ]
    if item.amount_eur is not None:
        lines.append(f"Bedrag: {escape(amount_label(item.amount_eur))}")
    lines += [
        f"Actie: {escape(item.action)}",
        f"Bron: {escape(source)}, hoofdstuk {escape(item.chapter)}, {escape(item.section)}",
        f"<blockquote>{escape(item.quote)}</blockquote>",
        escape(f"{public_url}/obligations/{item.id}"),
    ]
    return "\n".join(lines)
