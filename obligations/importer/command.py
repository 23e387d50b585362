"""`obligations import-circular`: a circular's text in, candidate entries out.

Exit codes: 0 candidates written; 1 the circular or the catalogue could not be read;
2 wrong arguments (a date that is no date). An unknown --source-id is not an error:
the candidates are written and the command says how to register the source, since
the quotes can only be checked once sources.yaml knows the text.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import ValidationError

from obligations.catalogue import (
    OBLIGATIONS_FOLDER,
    SOURCES_FILE,
    TOPICS_FILE,
    CatalogueInvalid,
    SourceEntry,
    SourcesFile,
    Topic,
    TopicsFile,
    load_catalogue,
)
from obligations.clock import clock_from_setting, local_today
from obligations.config import Settings
from obligations.importer.candidates import Candidate, import_circular
from obligations.importer.diff import Diff, compare
from obligations.importer.output import render
from obligations.span import Span


class _Refusal(Exception):
    """A Dutch message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def register(commands: Any) -> None:
    """Add `import-circular` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "import-circular",
        help="maak kandidaat-verplichtingen van de tekst van een circulaire (ter controle)",
        description=(
            "Leest een circulaire (platte tekst uit de pdf) en stelt per verplichting met een "
            "datum een catalogusitem voor, gemarkeerd met '# review: nodig'."
        ),
    )
    parser.add_argument("file", metavar="BESTAND.txt", help="de tekst van de circulaire")
    parser.add_argument(
        "--source-id",
        metavar="ID",
        help="bron-id uit sources.yaml (standaard: de bestandsnaam zonder .txt)",
    )
    parser.add_argument(
        "--written",
        metavar="JJJJ-MM-DD",
        help="datum van de circulaire, voor 'dit najaar' en 'eind dit jaar' "
        "(standaard: 'written' uit sources.yaml, anders vandaag)",
    )
    parser.add_argument(
        "-o", "--output", metavar="BESTAND", help="YAML-bestand (standaard: stdout)"
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="vergelijk met de catalogus: nieuw, gewijzigd of al bekend (bekende items "
        "komen niet in de YAML)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return _run(args, settings)
    except _Refusal as refusal:
        print(str(refusal), file=sys.stderr)
        return refusal.code


def source_id_from(path: Path) -> str:
    """A source id from a file name: "VNG ledenbrief 2022.txt" -> "vng-ledenbrief-2022"."""
    plain = unicodedata.normalize("NFKD", path.stem.lower()).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", plain))[:80].strip("-") or "circulaire"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise _Refusal(f"Bestand {path} bestaat niet.", 1) from exc
    except UnicodeDecodeError as exc:
        raise _Refusal(f"{path} is geen UTF-8-tekst; sla de circulaire op als UTF-8.", 1) from exc
    except OSError as exc:
        raise _Refusal(f"Kan {path} niet lezen: {exc.strerror or exc}.", 1) from exc


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _Refusal(f"Kan {path} niet lezen: {exc}", 1) from exc


def _topics(directory: Path) -> list[Topic]:
    path = directory / TOPICS_FILE
    try:
        parsed = TopicsFile.model_validate(_load_yaml(path))
    except ValidationError as exc:
        raise _Refusal(
            f"{path} klopt niet; draai 'obligations catalogue check'. ({exc})", 1
        ) from exc
    return [Topic(t.id, t.label, t.description) for t in parsed.topics]


def _sources(directory: Path) -> dict[str, SourceEntry]:
    path = directory / SOURCES_FILE
    if not path.is_file():
        return {}
    try:
        parsed = SourcesFile.model_validate(_load_yaml(path))
    except ValidationError:
        return {}  # the check reports it; the importer only needs known ids and dates
    return {s.id: s for s in parsed.sources}


def _taken_ids(directory: Path) -> set[str]:
    """Ids already in the catalogue, so candidates never clash with them."""
    taken: set[str] = set()
    for path in sorted((directory / OBLIGATIONS_FOLDER).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        for item in (data or {}).get("obligations") or [] if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                taken.add(item["id"])
    return taken


def new_source_hint(source_id: str, path: Path, directory: Path, written: date) -> str:
    return (
        f"Let op: bron '{source_id}' staat niet in {directory / SOURCES_FILE}. De kandidaten "
        "komen pas door 'obligations catalogue check' als de bron bekend is:\n"
        f"  1. kopieer de tekst naar {directory / 'sources' / (source_id + '.txt')}\n"
        f"  2. voeg toe aan {directory / SOURCES_FILE} onder 'sources:':\n"
        f"       - id: {source_id}\n"
        '         title: "<titel van de circulaire>"\n'
        "         publisher: Vereniging van Nederlandse Gemeenten\n"
        f"         written: {written.isoformat()}\n"
        f"         file: sources/{source_id}.txt\n"
        f"  (of geef met --source-id een bestaande bron; de tekst was {path})"
    )


def _written(args: argparse.Namespace, known: SourceEntry | None, settings: Settings) -> date:
    if args.written:
        try:
            return date.fromisoformat(args.written)
        except ValueError as exc:
            raise _Refusal(
                f"--written '{args.written}' is geen datum; gebruik JJJJ-MM-DD, "
                "bijvoorbeeld 2021-09-21.",
                2,
            ) from exc
    if known is not None:
        return known.written
    today = local_today(clock_from_setting(settings.now, settings.timezone), settings.timezone)
    print(
        f"Geen --written opgegeven: 'dit jaar' en 'dit najaar' gelezen vanaf vandaag "
        f"({today.isoformat()}).",
        file=sys.stderr,
    )
    return today


class _Progress:
    """A one-line progress bar on stderr, only when a person watches it (a TTY)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.active = stream.isatty()
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total < 50:
            return
        percent = done * 100 // total
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 5)
            self.stream.write(f"\rCirculaire lezen [{bar:<20}] {percent:3d}%")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()


def _when(span: Span) -> str:
    start, end = span.start.isoformat(), span.end.isoformat()
    return start if start == end else f"{start} t/m {end}"


def _diff_report(diff: Diff) -> tuple[list[str], dict[str, str]]:
    lines = [
        f"Vergeleken met de catalogus: {len(diff.new)} nieuw, {len(diff.changed)} gewijzigd, "
        f"{len(diff.known)} al bekend."
    ]
    notes: dict[str, str] = {}
    for candidate in diff.new:
        notes[candidate.id] = "nieuw"
    if diff.changed:
        lines.append("Gewijzigd (zelfde citaat, andere datum):")
    for change in diff.changed:
        was = "; ".join(f"{e.id} {_when(e.span)}" for e in change.entries)
        lines.append(f"  {change.candidate.id} {_when(change.candidate.period.span)} (was: {was})")
        notes[change.candidate.id] = f"gewijzigd, was: {was}"
    known = sorted({entry.id for change in diff.known for entry in change.entries})
    if known:
        lines.append(f"Al bekend ({len(known)} items, niet in de uitvoer):")
        lines.append(
            textwrap.fill(
                ", ".join(known),
                width=100,
                initial_indent="  ",
                subsequent_indent="  ",
                break_on_hyphens=False,
            )
        )
    return lines, notes


def _differs(registered: Path, text: str) -> bool:
    """Whether the text sources.yaml points at is another version than the one imported."""
    try:
        return registered.read_text(encoding="utf-8") != text
    except (OSError, UnicodeDecodeError):
        return False


def _run(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    text = _read_text(path)
    directory = settings.catalogue_dir
    topics = _topics(directory)
    sources = _sources(directory)
    source_id = args.source_id or source_id_from(path)
    known = sources.get(source_id)
    written = _written(args, known, settings)
    messages: list[str] = []
    if known is None:
        print(new_source_hint(source_id, path, directory, written), file=sys.stderr)
    elif known.file and _differs(directory / known.file, text):
        messages.append(
            f"Let op: {path} wijkt af van de brontekst {known.file} van '{source_id}'; "
            f"de citaten komen uit {path} en 'catalogue check' zoekt ze in {known.file}."
        )
    candidates = import_circular(
        text, written, topics, _taken_ids(directory), _Progress(sys.stderr)
    )
    notes: dict[str, str] = {}
    shown: list[Candidate] = candidates
    if args.diff:
        try:
            catalogue = load_catalogue(directory)
        except CatalogueInvalid as invalid:
            for problem in invalid.problems[:10]:
                print(problem, file=sys.stderr)
            raise _Refusal(
                f"De catalogus in {directory} heeft fouten; vergelijken kan niet.", 1
            ) from invalid
        diff = compare(candidates, catalogue.obligations)
        report, notes = _diff_report(diff)
        messages.extend(report)
        shown = [c for c in candidates if c.id in notes]
    document = render(
        shown,
        source_id,
        path.name,
        written,
        notes,
        header=[f"{len(shown)} kandidaten; {len(candidates) - len(shown)} al bekend weggelaten."]
        if args.diff
        else [],
    )
    summary = f"{len(shown)} kandidaat-verplichting(en) uit {path.name}"
    report_stream = sys.stderr
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(document, encoding="utf-8")
        except OSError as exc:
            raise _Refusal(f"Kan {args.output} niet schrijven: {exc.strerror or exc}.", 1) from exc
        summary += f" geschreven naar {args.output}"
        report_stream = sys.stdout
    else:
        sys.stdout.write(document)
    print(summary + ". Controleer elk item en haal '# review: nodig' weg.", file=report_stream)
    for message in messages:
        print(message, file=report_stream)
    return 0
