"""The `obligations` command. Thin: parse arguments, call the core, print Dutch."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from obligations.catalogue import Catalogue, CatalogueInvalid, load_catalogue
from obligations.config import ConfigError, Settings


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="obligations",
        description="Verplichtingen en deadlines uit VNG-circulaires voor gemeentelijke teams.",
    )
    parser.add_argument(
        "--today", metavar="JJJJ-MM-DD",
        help="doe alsof het nu deze datum is (zelfde als OBLIGATIONS_NOW)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDO")

    catalogue = commands.add_parser("catalogue", help="de catalogus controleren en laden")
    catalogue_commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    check = catalogue_commands.add_parser(
        "check", help="controleer de catalogus; fouten als bestand:regel: melding"
    )
    check.add_argument("paths", nargs="*", help="catalogusmap of losse YAML-bestanden")
    check.add_argument(
        "--source", action="append", default=[], metavar="BESTAND",
        help="brontekst waarin elk citaat letterlijk moet staan",
    )
    check.set_defaults(handler=cmd_catalogue_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Instelling klopt niet: {exc}", file=sys.stderr)
        return 2
    result: int = args.handler(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
