"""The obligation catalogue: its schema, and loading it whole or not at all.

The YAML under the catalogue folder is the reviewed source of truth. Loading
collects every problem with its file and line before giving up, so a maintainer
fixes a broken file in one pass, and nothing half-valid ever reaches the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from obligations.precision import precision_problem
from obligations.provenance import SourceText, mentions_time
from obligations.span import Span
from obligations.vocabulary import Certainty, Kind, Precision
from obligations.yamllines import LocatedYaml, YamlSyntaxError, load_located

M = TypeVar("M", bound=BaseModel)
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TOPICS_FILE = "topics.yaml"
SOURCES_FILE = "sources.yaml"
OBLIGATIONS_FOLDER = "obligations"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TopicEntry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    description: str = ""


class SourceEntry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    written: date
    file: str | None = None
    url: str | None = None


class ObligationEntry(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    title: str = Field(min_length=3, max_length=160)
    action: str = Field(min_length=10)
    kind: Kind
    topics: list[str] = Field(min_length=1)
    chapter: str = Field(min_length=1)
    section: str = Field(min_length=1)
    start: date
    end: date | None = None
    precision: Precision = "day"
    certainty: Certainty = "vast"
    recurrence: str | None = None
    amount_eur: int | None = Field(default=None, ge=0)
    quote: str = Field(min_length=10)
    source: str | None = None


class TopicsFile(_Strict):
    topics: list[TopicEntry] = Field(min_length=1)


class SourcesFile(_Strict):
    sources: list[SourceEntry] = Field(min_length=1)


class ObligationsFile(_Strict):
    source: str | None = None
    # Entries are validated one by one, so one bad entry does not hide the others' problems.
    obligations: list[dict[str, Any]]


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CatalogueInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} fout(en) in de catalogus")
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line))


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    written: date
    url: str | None


@dataclass(frozen=True)
class Obligation:
    id: str
    title: str
    action: str
    kind: str
    topics: tuple[str, ...]
    chapter: str
    section: str
    span: Span
    precision: str
    certainty: str
    recurrence: str | None
    amount_eur: int | None
    quote: str
    source: str
    # Set by the database, not by the catalogue; not part of the content hash.
    revision: int = 1
    updated_at: datetime | None = None

    def content_hash(self) -> str:
        """A digest of everything a reader sees, so a change can raise the revision."""
        payload = json.dumps(self.as_record(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "action": self.action,
            "kind": self.kind,
            "topics": list(self.topics),
            "chapter": self.chapter,
            "section": self.section,
            "start": self.span.start.isoformat(),
            "end": self.span.end.isoformat(),
            "precision": self.precision,
            "certainty": self.certainty,
            "recurrence": self.recurrence,
            "amount_eur": self.amount_eur,
            "quote": self.quote,
            "source": self.source,
        }


@dataclass
class Catalogue:
    topics: dict[str, Topic]
    sources: dict[str, Source]
    obligations: list[Obligation] = field(default_factory=list)


_PYDANTIC_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld (typfout?)",
    "date_from_datetime_parsing": "geen geldige datum (gebruik JJJJ-MM-DD)",
    "date_parsing": "geen geldige datum (gebruik JJJJ-MM-DD)",
    "date_type": "geen geldige datum (gebruik JJJJ-MM-DD)",
    "string_pattern_mismatch": "ongeldige id: gebruik kleine letters, cijfers en streepjes",
    "string_too_short": "te kort",
    "too_short": "mag niet leeg zijn",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "int_parsing": "moet een heel getal zijn",
    "int_type": "moet een heel getal zijn",
    "model_type": "moet een verzameling velden zijn",
}


def _describe(error: Any) -> str:
    loc = [part for part in error["loc"] if isinstance(part, str)]
    name = f"'{loc[-1]}': " if loc else ""
    if error["type"] == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        allowed = allowed.replace(" or ", " of ")
        return f"{name}onbekende waarde {error.get('input')!r}; toegestaan: {allowed}"
    message = _PYDANTIC_MESSAGES.get(error["type"], error["msg"])
    return f"{name}{message}"


def _read(path: Path, problems: list[Problem]) -> LocatedYaml | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, f"kan bestand niet lezen: {exc}"))
        return None
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        problems.append(Problem(path, exc.line, exc.message))
        return None
    for line, key in located.duplicates:
        problems.append(Problem(path, line, f"sleutel '{key}' staat er twee keer"))
    return located


def _validate(model: type[M], path: Path, problems: list[Problem]) -> tuple[M, LocatedYaml] | None:
    located = _read(path, problems)
    if located is None:
        return None
    parsed = _validate_part(model, located.data, (), path, located, problems)
    return None if parsed is None else (parsed, located)


def _validate_part(
    model: type[M],
    data: Any,
    at: tuple[str | int, ...],
    path: Path,
    located: LocatedYaml,
    problems: list[Problem],
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            line = located.line_of((*at, *error["loc"]))
            problems.append(Problem(path, line, _describe(error)))
        return None


def _load_topics(directory: Path, problems: list[Problem]) -> dict[str, Topic]:
    parsed = _validate(TopicsFile, directory / TOPICS_FILE, problems)
    if parsed is None:
        return {}
    topics: dict[str, Topic] = {}
    for index, entry in enumerate(parsed[0].topics):
        if entry.id in topics:
            line = parsed[1].line_of(("topics", index))
            problems.append(
                Problem(directory / TOPICS_FILE, line, f"dubbel onderwerp '{entry.id}'")
            )
        topics[entry.id] = Topic(entry.id, entry.label, entry.description)
    return topics


def _load_sources(
    directory: Path, problems: list[Problem]
) -> tuple[dict[str, Source], dict[str, Path]]:
    path = directory / SOURCES_FILE
    parsed = _validate(SourcesFile, path, problems)
    if parsed is None:
        return {}, {}
    sources: dict[str, Source] = {}
    files: dict[str, Path] = {}
    for index, entry in enumerate(parsed[0].sources):
        line = parsed[1].line_of(("sources", index))
        if entry.id in sources:
            problems.append(Problem(path, line, f"dubbele bron '{entry.id}'"))
        sources[entry.id] = Source(entry.id, entry.title, entry.publisher, entry.written, entry.url)
        if entry.file:
            text_path = (directory / entry.file).resolve()
            if not text_path.is_file():
                problems.append(Problem(path, line, f"brontekst {entry.file} niet gevonden"))
            files[entry.id] = text_path
    return sources, files


def obligation_files(directory: Path) -> list[Path]:
    return sorted((directory / OBLIGATIONS_FOLDER).glob("*.yaml"))


class _EntryChecker:
    """The checks that look past one field: references, dates, provenance."""

    def __init__(
        self,
        topics: dict[str, Topic],
        sources: dict[str, Source],
        texts: dict[str, SourceText],
        problems: list[Problem],
    ) -> None:
        self.topics = topics
        self.sources = sources
        self.texts = texts
        self.problems = problems
        self.seen: dict[str, Problem] = {}

    def check(
        self,
        entry: ObligationEntry,
        default_source: str | None,
        path: Path,
        at: LocatedYaml,
        index: int,
    ) -> Obligation | None:
        def problem(key: str | None, message: str) -> None:
            where = ("obligations", index, key) if key else ("obligations", index)
            self.problems.append(Problem(path, at.line_of(where), message))

        before = len(self.problems)
        if entry.id in self.seen:
            first = self.seen[entry.id]
            problem("id", f"id '{entry.id}' bestaat al ({first.path}:{first.line})")
        else:
            self.seen[entry.id] = Problem(path, at.line_of(("obligations", index, "id")), "")
        for topic in entry.topics:
            if topic not in self.topics:
                problem("topics", f"onbekend onderwerp '{topic}' (zie {TOPICS_FILE})")
        source = entry.source or default_source
        if source is None:
            problem(None, "geen bron: zet 'source' in het item of bovenaan het bestand")
        elif source not in self.sources:
            problem("source", f"onbekende bron '{source}' (zie {SOURCES_FILE})")
        end = entry.end or entry.start
        span: Span | None = None
        if end < entry.start:
            problem("end", f"einde {end.isoformat()} ligt vóór begin {entry.start.isoformat()}")
        else:
            span = Span(entry.start, end)
            reason = precision_problem(span, entry.precision)
            if reason:
                problem("precision", reason)
        if entry.recurrence is not None:
            self._check_recurrence(entry, problem)
        if not mentions_time(entry.quote):
            problem("quote", "het citaat bevat geen datum of periode")
        text = self.texts.get(source or "")
        if text is not None and not text.contains(entry.quote):
            problem("quote", "citaat niet letterlijk gevonden in de brontekst")
        if len(self.problems) > before or span is None or source is None:
            return None
        return Obligation(
            id=entry.id,
            title=entry.title,
            action=entry.action,
            kind=entry.kind,
            topics=tuple(entry.topics),
            chapter=entry.chapter,
            section=entry.section,
            span=span,
            precision=entry.precision,
            certainty=entry.certainty,
            recurrence=entry.recurrence,
            amount_eur=entry.amount_eur,
            quote=" ".join(entry.quote.split()),
            source=source,
        )

    @staticmethod
    def _check_recurrence(entry: ObligationEntry, problem: Any) -> None:
        rule = entry.recurrence or ""
        if "DTSTART" in rule.upper() or not rule.upper().startswith("FREQ="):
            problem(
                "recurrence", "herhaling moet een RRULE zijn die met FREQ= begint, zonder DTSTART"
            )
            return
        try:
            rrulestr(rule, dtstart=None)
        except (ValueError, TypeError) as exc:
            problem("recurrence", f"ongeldige herhaling: {exc}")


def load_catalogue(
    directory: Path,
    files: list[Path] | None = None,
    source_overrides: list[Path] | None = None,
) -> Catalogue:
    """Load and check the catalogue in `directory`; raise CatalogueInvalid with every problem."""
    problems: list[Problem] = []
    topics = _load_topics(directory, problems)
    sources, text_paths = _load_sources(directory, problems)
    for override in source_overrides or []:
        _apply_override(override, text_paths, sources, problems)
    texts = {
        source_id: SourceText.from_text(path.read_text(encoding="utf-8"))
        for source_id, path in text_paths.items()
        if path.is_file()
    }
    checker = _EntryChecker(topics, sources, texts, problems)
    obligations: list[Obligation] = []
    chosen = files if files is not None else obligation_files(directory)
    if not chosen:
        problems.append(
            Problem(directory, 1, f"geen verplichtingen gevonden in {OBLIGATIONS_FOLDER}/")
        )
    for path in chosen:
        parsed = _validate(ObligationsFile, path, problems)
        if parsed is None:
            continue
        document, located = parsed
        for index, raw in enumerate(document.obligations):
            entry = _validate_part(
                ObligationEntry, raw, ("obligations", index), path, located, problems
            )
            if entry is None:
                continue
            obligation = checker.check(entry, document.source, path, located, index)
            if obligation is not None:
                obligations.append(obligation)
    if problems:
        raise CatalogueInvalid(problems)
    return Catalogue(topics=topics, sources=sources, obligations=obligations)


def _apply_override(
    override: Path, text_paths: dict[str, Path], sources: dict[str, Source], problems: list[Problem]
) -> None:
    """Point the source whose text file has this name (or the only source) at `override`."""
    if not override.is_file():
        problems.append(Problem(override, 1, "brontekst niet gevonden"))
        return
    matches = [sid for sid, path in text_paths.items() if path.name == override.name]
    if not matches and len(sources) == 1:
        matches = list(sources)
    if not matches:
        problems.append(Problem(override, 1, "bij geen enkele bron in sources.yaml te plaatsen"))
    for source_id in matches:
        text_paths[source_id] = override.resolve()
