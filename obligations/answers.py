"""Answering a free question, in Dutch, the same way in the CLI and in chat.

A question is read in this order: a period ("wat moet er dit kwartaal?"), maybe
narrowed by a topic ("... voor wonen?") or by subject words; else the words are
searched ("wanneer zijn de gemeenteraadsverkiezingen?"); else "what comes next"
("wat komt eraan?"). A question that names a period we cannot read is answered
with why and three examples: a guessed period silently hides obligations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from obligations.catalogue import Topic
from obligations.display import span_label
from obligations.periods import AMSTERDAM, EXAMPLES, AskedPeriod, PeriodNotUnderstood, parse_period
from obligations.queries import Catalog, Occurrence
from obligations.recurrence import next_occurrence
from obligations.render import occurrence_lines
from obligations.search import query_terms, search, trim, words

NEXT_COUNT = 8
# Words that say "obligations" without saying which: they narrow nothing.
GENERIC = frozenset(
    [
        "deadline",
        "deadlines",
        "verplichting",
        "verplichtingen",
        "taken",
        "gemeente",
        "gemeenten",
        "aan",
        "eraan",
        "allemaal",
        "iets",
        "items",
        "things",
        "obligations",
        "whats",
        "happening",
        "dingen",
        "staat",
        "staan",
        "gepland",
        "zoal",
        "nodig",
        "doen",
    ]
)
_NEXT_WORDS = frozenset(
    [
        "eerstvolgende",
        "volgende",
        "eraan",
        "binnenkort",
        "next",
        "upcoming",
        "soon",
        "coming",
        "komt",
    ]
)
HELP_EXAMPLES = (*EXAMPLES, "wanneer zijn de gemeenteraadsverkiezingen?", "wat komt eraan?")


@dataclass(frozen=True)
class Answer:
    """What to say: a heading, the occurrences it lists (maybe none), and a closing hint."""

    heading: str
    items: tuple[Occurrence, ...] = ()
    hint: str = ""
    grouped: bool = False  # group by month, as for a period
    examples: tuple[str, ...] = field(default=())

    @property
    def understood(self) -> bool:
        return not self.examples


def _topic_for(term: str, topics: list[Topic]) -> Topic | None:
    for topic in topics:
        names = {topic.id, *words(topic.label)}
        if term in names or any(len(n) > 4 and trim(term) == trim(n) for n in names):
            return topic
    return None


def _split_subject(text: str, topics: list[Topic]) -> tuple[Topic | None, list[str]]:
    """The topic a question names, if any, and its remaining subject words."""
    terms = [t for t in query_terms(text) if t not in GENERIC and not t.isdigit()]
    for term in terms:
        topic = _topic_for(term, topics)
        if topic is not None:
            return topic, [t for t in terms if t != term]
    return None, terms


def period_answer(
    asked: AskedPeriod, catalog: Catalog, abbreviations: dict[str, str], topic: Topic | None = None
) -> Answer:
    """What is due in the asked period; a topic named in the question narrows it."""
    named, subject = _split_subject(asked.rest, catalog.topics())
    topic = topic or named
    found = catalog.due(asked.span, topic.id if topic else None)
    where = asked.label if asked.open_end else _with_dates(asked)
    if topic is not None:
        where += f", onderwerp {topic.label}"
    if subject:
        wanted = {
            hit.obligation.id
            for hit in search([o.obligation for o in found], " ".join(subject), abbreviations)
        }
        found = [o for o in found if o.obligation.id in wanted]
        where += f", over '{' '.join(subject)}'"
    if not found:
        return Answer(
            f"Niets gevonden voor {where}.",
            hint="Probeer een ruimere periode, of /topics voor de onderwerpen.",
        )
    return Answer(f"{len(found)} verplichting(en) voor {where}:", tuple(found), grouped=True)


def _with_dates(asked: AskedPeriod) -> str:
    dates = span_label(asked.span)
    return asked.label if asked.label == dates else f"{asked.label} ({dates})"


def search_answer(
    question: str, catalog: Catalog, abbreviations: dict[str, str], today: datetime
) -> Answer | None:
    hits = search(catalog.all(), question, abbreviations)
    if not hits:
        return None
    found = []
    for hit in hits:
        span = next_occurrence(hit.obligation, today.date()) or hit.obligation.span
        found.append(Occurrence(hit.obligation, span))
    subject = " ".join(query_terms(question))
    return Answer(
        f"{len(found)} resultaat/resultaten voor '{subject}':",
        tuple(found),
        hint="Meer over één verplichting: /show ID",
    )


def next_answer(catalog: Catalog, today: datetime, count: int = NEXT_COUNT) -> Answer:
    found = catalog.upcoming(today.date(), count)
    return Answer(f"De volgende {len(found)} verplichting(en):", tuple(found), grouped=True)


def _not_understood(reason: str, examples: tuple[str, ...]) -> Answer:
    return Answer(reason, examples=examples)


def answer_question(
    question: str,
    now: datetime,
    catalog: Catalog,
    abbreviations: dict[str, str],
    zone: ZoneInfo = AMSTERDAM,
) -> Answer:
    local_now = now.astimezone(zone)
    text = question.strip()
    if not query_terms(text) and not re.search(r"\d", text):
        return _not_understood(
            "Stel een vraag over een periode of een onderwerp.", HELP_EXAMPLES[:3]
        )
    try:
        return period_answer(parse_period(text, now, zone), catalog, abbreviations)
    except PeriodNotUnderstood as refused:
        if re.search(r"\d", text):
            # Digits mean a date was meant; searching instead would be a silent guess.
            return _not_understood(str(refused), refused.examples)
        period_error = refused
    terms = set(query_terms(text)) - GENERIC
    if terms and terms <= _NEXT_WORDS:
        return next_answer(catalog, local_now)
    found = search_answer(text, catalog, abbreviations, local_now)
    if found is not None:
        return found
    if set(query_terms(text)) & _NEXT_WORDS:
        return next_answer(catalog, local_now)
    return _not_understood(
        f"Ik vond geen periode en niets over '{' '.join(query_terms(text))}'.",
        period_error.examples,
    )


def answer_text(answer: Answer) -> str:
    """The answer as plain text: what `obligations ask` prints and chat shows."""
    lines = [answer.heading]
    lines += occurrence_lines(list(answer.items), answer.grouped)
    if answer.examples:
        lines += ["", "Probeer bijvoorbeeld:"] + [f"  • {example}" for example in answer.examples]
    if answer.hint:
        lines += ["", answer.hint]
    return "\n".join(lines)
