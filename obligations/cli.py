"""The `obligations` command. Thin: parse arguments, call the core, print Dutch."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from obligations.answers import (
    Answer,
    answer_question,
    answer_text,
    next_answer,
    period_answer,
    search_answer,
)
from obligations.app import App
from obligations.catalogue import Catalogue, CatalogueInvalid, Topic, load_catalogue
from obligations.clock import parse_moment
from obligations.config import ConfigError, Settings
from obligations.importer.command import register as register_importer
from obligations.logs import configure as configure_logs
from obligations.periods import PeriodNotUnderstood, parse_period
from obligations.queries import Occurrence
from obligations.render import obligation_line, obligation_record, obligation_text
from obligations.search import load_abbreviations

Handler = Callable[[argparse.Namespace, Settings], int]


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _open(settings: Settings) -> App:
    app = App.start(settings)
    app.sync_or_keep()
    return app


def _catalogue_targets(settings: Settings, paths: list[Path]) -> tuple[Path, list[Path] | None]:
    """A folder argument is a whole catalogue; file arguments are checked against the
    topics and sources of the configured catalogue folder."""
    if len(paths) == 1 and paths[0].is_dir():
        return paths[0], None
    return settings.catalogue_dir, (paths or None)


def cmd_catalogue_check(args: argparse.Namespace, settings: Settings) -> int:
    directory, files = _catalogue_targets(settings, [Path(p) for p in args.paths])
    try:
        catalogue = load_catalogue(directory, files, [Path(s) for s in args.source])
    except CatalogueInvalid as invalid:
        for problem in invalid.problems:
            print(problem, file=sys.stderr)
        print(f"{len(invalid.problems)} fout(en); niets geladen.", file=sys.stderr)
        return 1
    _print_summary(catalogue)
    return 0


def _print_summary(catalogue: Catalogue) -> None:
    items = catalogue.obligations
    print(f"Catalogus in orde: {len(items)} verplichtingen, {len(catalogue.topics)} onderwerpen.")
    print("Per hoofdstuk:")
    for chapter, count in Counter(o.chapter for o in items).items():
        print(f"  {count:4d}  {chapter}")
    print("Per soort:")
    for kind, count in sorted(Counter(o.kind for o in items).items(), key=lambda kv: -kv[1]):
        print(f"  {count:4d}  {kind}")


def cmd_catalogue_sync(args: argparse.Namespace, settings: Settings) -> int:
    app = App.start(settings)
    try:
        report = app.sync()
    except CatalogueInvalid as invalid:
        for problem in invalid.problems:
            print(problem, file=sys.stderr)
        print("Catalogus geweigerd; de database is niet veranderd.", file=sys.stderr)
        return 1
    print(f"Catalogus gesynchroniseerd: {report.summary()}.")
    return 0


def _find_topic(app: App, topic_id: str | None) -> Topic | None:
    """The topic named on the command line; prints the choices when it is unknown."""
    if topic_id is None:
        return None
    known = {t.id: t for t in app.catalog.topics()}
    if topic_id not in known:
        choices = ", ".join(sorted(known))
        print(f"Onbekend onderwerp '{topic_id}'. Kies uit: {choices}", file=sys.stderr)
    return known.get(topic_id)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    if args.topic and _find_topic(app, args.topic) is None:
        return 1
    items = app.catalog.all(args.topic)
    if args.json:
        _print_json([obligation_record(item) for item in items])
    else:
        for item in items:
            print(obligation_line(Occurrence(item, item.span)))
        print(f"\n{len(items)} verplichting(en).")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    item = app.catalog.get(args.id)
    if item is None:
        ids = [o.id for o in app.catalog.all()]
        close = difflib.get_close_matches(args.id, ids, n=3, cutoff=0.5)
        hint = f" Bedoelt u: {', '.join(close)}?" if close else " Zie 'obligations list'."
        print(f"Onbekende verplichting '{args.id}'.{hint}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(obligation_record(item))
    else:
        labels = {topic.id: topic.label for topic in app.catalog.topics()}
        print(obligation_text(item, labels, app.catalog.source_titles()))
    return 0


def _print_answer(answer: Answer, as_json: bool) -> int:
    if as_json:
        _print_json([obligation_record(o.obligation, o.span) for o in answer.items])
    else:
        print(answer_text(answer))
    return 0


def _refuse_period(refused: PeriodNotUnderstood) -> int:
    print(str(refused), file=sys.stderr)
    print("Probeer bijvoorbeeld: " + "; ".join(refused.examples), file=sys.stderr)
    return 2


def cmd_due(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    topic = _find_topic(app, args.topic)
    if args.topic and topic is None:
        return 1
    try:
        asked = parse_period(" ".join(args.phrase), app.clock.now(), settings.timezone)
    except PeriodNotUnderstood as refused:
        return _refuse_period(refused)
    abbreviations = load_abbreviations(settings.catalogue_dir)
    return _print_answer(period_answer(asked, app.catalog, abbreviations, topic), args.json)


def cmd_next(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    if args.count < 1:
        print("Geef een aantal van 1 of meer.", file=sys.stderr)
        return 2
    return _print_answer(next_answer(app.catalog, app.clock.now(), args.count), args.json)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    words = " ".join(args.words)
    abbreviations = load_abbreviations(settings.catalogue_dir)
    answer = search_answer(words, app.catalog, abbreviations, app.clock.now())
    if answer is None:
        print(f"Niets gevonden voor '{words}'.", file=sys.stderr)
        return 1
    return _print_answer(answer, args.json)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    abbreviations = load_abbreviations(settings.catalogue_dir)
    answer = answer_question(
        " ".join(args.question), app.clock.now(), app.catalog, abbreviations, settings.timezone
    )
    print(answer_text(answer))
    return 0


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    app = _open(settings)
    for topic in app.catalog.topics():
        print(f"{topic.id:24} {topic.label}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from obligations.serve import serve  # the server's imports are not needed elsewhere

    # uvicorn shuts down gracefully on SIGTERM/SIGINT and then raises the signal again
    # with the handlers it found; these make that a clean exit (status 0), not a kill.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    try:
        asyncio.run(serve(settings))
    except ConfigError as wrong:
        print(f"Instelling klopt niet: {wrong}", file=sys.stderr)
        return 2
    return 0


def cmd_ics(args: argparse.Namespace, settings: Settings) -> int:
    from obligations.feeds import FeedService

    app = _open(settings)
    feeds = FeedService(app.engine, settings.public_url)
    if args.topic:
        feed = feeds.topic_feed(args.topic)
        if feed is None:
            _find_topic(app, args.topic)
            return 1
    else:
        feed = feeds.all_feed()
    if args.output in (None, "-"):
        sys.stdout.buffer.write(feed.body)
    else:
        Path(args.output).write_bytes(feed.body)
        print(f"{len(feed.body)} bytes geschreven naar {args.output}.")
    return 0


def cmd_export_team(args: argparse.Namespace, settings: Settings) -> int:
    from obligations.workflow import UnknownSubject, export_team, history_csv

    app = _open(settings)
    try:
        data = export_team(app.engine, args.chat_id)
    except UnknownSubject as unknown:
        print(str(unknown), file=sys.stderr)
        return 1
    text = (
        history_csv(data)
        if args.format == "csv"
        else json.dumps(data, ensure_ascii=False, indent=2)
    )
    if args.output in (None, "-"):
        print(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Geschreven naar {args.output}.")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from obligations import transfer

    app = App.start(settings)
    data = transfer.export_all(app.engine)
    transfer.write(Path(args.output), data)
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in data["tables"].items() if rows)
    print(f"Geëxporteerd naar {args.output}: {counts}.")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from obligations import transfer

    app = App.start(settings)
    try:
        counts = transfer.import_all(app.engine, transfer.read(Path(args.file)))
    except transfer.TransferError as refused:
        print(f"Import geweigerd, niets veranderd: {refused}", file=sys.stderr)
        return 1
    print("Geïmporteerd: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v) + ".")
    return 0


def cmd_period(args: argparse.Namespace, settings: Settings) -> int:
    now = App.start(settings).clock.now()
    try:
        asked = parse_period(" ".join(args.phrase), now, settings.timezone)
    except PeriodNotUnderstood as refused:
        return _refuse_period(refused)
    record = {
        "start": asked.span.start.isoformat(),
        "end": asked.span.end.isoformat(),
        "label": asked.label,
    }
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
    else:
        print(f"{asked.label}: {record['start']} t/m {record['end']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="obligations",
        description="Verplichtingen en deadlines uit VNG-circulaires voor gemeentelijke teams.",
    )
    parser.add_argument(
        "--today",
        metavar="JJJJ-MM-DD",
        help="doe alsof het nu deze datum is (zelfde als OBLIGATIONS_NOW)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="meer logregels")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDO")

    catalogue = commands.add_parser("catalogue", help="de catalogus controleren en laden")
    catalogue_commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    check = catalogue_commands.add_parser(
        "check", help="controleer de catalogus; fouten als bestand:regel: melding"
    )
    check.add_argument("paths", nargs="*", help="catalogusmap of losse YAML-bestanden")
    check.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="BESTAND",
        help="brontekst waarin elk citaat letterlijk moet staan",
    )
    check.set_defaults(handler=cmd_catalogue_check)
    sync = catalogue_commands.add_parser("sync", help="laad de catalogus in de database")
    sync.set_defaults(handler=cmd_catalogue_sync)

    listing = commands.add_parser("list", help="alle verplichtingen")
    listing.add_argument("--topic", help="alleen dit onderwerp (id, zie data/topics.yaml)")
    listing.add_argument("--json", action="store_true", help="uitvoer als JSON")
    listing.set_defaults(handler=cmd_list)

    show = commands.add_parser("show", help="één verplichting met bron en citaat")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="uitvoer als JSON")
    show.set_defaults(handler=cmd_show)

    due = commands.add_parser("due", help="wat valt er in een periode, bv. 'Q1 2022' of 'maart'")
    due.add_argument("phrase", nargs="+", help="periode in gewone taal")
    due.add_argument("--topic", help="alleen dit onderwerp")
    due.add_argument("--json", action="store_true", help="uitvoer als JSON")
    due.set_defaults(handler=cmd_due)

    upcoming = commands.add_parser("next", help="de eerstvolgende verplichtingen")
    upcoming.add_argument("count", nargs="?", type=int, default=5, help="hoeveel (standaard 5)")
    upcoming.add_argument("--json", action="store_true", help="uitvoer als JSON")
    upcoming.set_defaults(handler=cmd_next)

    finder = commands.add_parser("search", help="zoek op woorden, bv. 'inburgering' of 'Woo'")
    finder.add_argument("words", nargs="+")
    finder.add_argument("--json", action="store_true", help="uitvoer als JSON")
    finder.set_defaults(handler=cmd_search)

    ask = commands.add_parser("ask", help="stel een vraag zoals in de chat")
    ask.add_argument("question", nargs="+", help="bv. 'wat moet er dit kwartaal?'")
    ask.set_defaults(handler=cmd_ask)

    ics = commands.add_parser("ics", help="agendabestand (iCalendar) van alles of één onderwerp")
    ics.add_argument("--topic", help="alleen dit onderwerp")
    ics.add_argument("-o", "--output", help="bestand (standaard: stdout)")
    ics.set_defaults(handler=cmd_ics)

    serve = commands.add_parser(
        "serve", help="webserver met agendafeeds (en bot, als er een token is)"
    )
    serve.set_defaults(handler=cmd_serve)

    export = commands.add_parser(
        "export-team", help="gegevens en geschiedenis van één team (JSON of CSV)"
    )
    export.add_argument("chat_id", type=int, help="Telegram-chat-id van het team")
    export.add_argument(
        "--format",
        choices=["json", "csv"],
        default="json",
        help="json: alles; csv: de geschiedenis",
    )
    export.add_argument("-o", "--output", help="bestand (standaard: stdout)")
    export.set_defaults(handler=cmd_export_team)

    exporter = commands.add_parser("export", help="alle gegevens naar één JSON-bestand")
    exporter.add_argument("-o", "--output", required=True, help="het JSON-bestand")
    exporter.set_defaults(handler=cmd_export)
    importer = commands.add_parser(
        "import", help="een export inlezen in een lege database (bv. SQLite naar PostgreSQL)"
    )
    importer.add_argument("file", help="het JSON-bestand van 'obligations export'")
    importer.set_defaults(handler=cmd_import)

    register_importer(commands)  # `import-circular` lives with the importer

    topics = commands.add_parser("topics", help="de onderwerpen")
    topics.set_defaults(handler=cmd_topics)

    period = commands.add_parser("period", help="hoe een periode begrepen wordt")
    period.add_argument("phrase", nargs="+", help="periode in gewone taal")
    period.add_argument("--json", action="store_true", help="uitvoer als JSON")
    period.set_defaults(handler=cmd_period)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.today:
            parse_moment(args.today, settings.timezone)
            settings = settings.with_now(args.today)
    except (ConfigError, ValueError) as exc:
        print(f"Instelling klopt niet: {exc}", file=sys.stderr)
        return 2
    serving = args.handler is cmd_serve
    level = logging.INFO if args.verbose or serving else logging.WARNING
    configure_logs(settings.log_format, level)
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
