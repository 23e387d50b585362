"""How well does `import-circular` rebuild the hand-made catalogue, and how fast?

Run: .venv/bin/python bench/bench_importer.py [CIRCULAR.txt] [--missed] [--sample N]

Imports the VNG member letter on the Rijksbegroting 2022 (written 2021-09-21) and
compares the candidates with the shipped catalogue (data/obligations/*.yaml):

- recall: share of catalogue entries for which some candidate has an overlapping
  quote (one holds a sentence of the other) and the same start and end ("strict"),
  or an overlapping period ("lenient");
- matched proposals: share of candidates that overlap some entry in quote and period.
  The rest is not automatically wrong (the catalogue is a selection); a seeded sample
  of them is printed to be judged by reading, and precision is estimated as
  matched + (unmatched x share judged real in the sample);
- agreement on kind, certainty, precision and first topic for strictly matched pairs;
- time for the whole circular (repair, structure, dates, proposals, YAML).

Targets: recall >= 0.9, precision >= 0.7, under 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from obligations.catalogue import load_catalogue  # noqa: E402
from obligations.importer.candidates import Candidate, import_circular  # noqa: E402
from obligations.importer.diff import QuoteIndex  # noqa: E402
from obligations.importer.output import render  # noqa: E402

SHARED = ROOT.parent / "shared" / "sources" / "vng-ledenbrief-rijksbegroting-2022.txt"
SHIPPED = ROOT / "data" / "sources" / "vng-ledenbrief-rijksbegroting-2022.txt"
WRITTEN = date(2021, 9, 21)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("circular", nargs="?", default=str(SHARED if SHARED.is_file() else SHIPPED))
    parser.add_argument("--missed", action="store_true", help="list the entries not found")
    parser.add_argument("--sample", type=int, default=30, help="unmatched proposals to print")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    catalogue = load_catalogue(ROOT / "data")
    text = Path(args.circular).read_text(encoding="utf-8")
    started = time.perf_counter()
    candidates = import_circular(
        text, WRITTEN, catalogue.topics.values(), [o.id for o in catalogue.obligations]
    )
    render(candidates, "vng-ledenbrief-rijksbegroting-2022", Path(args.circular).name, WRITTEN)
    elapsed = time.perf_counter() - started

    index = QuoteIndex(catalogue.obligations)
    related = {c.id: index.related(c) for c in candidates}
    strict, lenient, missed = 0, 0, []
    by_entry: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        for entry in related[candidate.id]:
            by_entry.setdefault(entry.id, []).append(candidate)
    pairs = []
    for entry in catalogue.obligations:
        found = by_entry.get(entry.id, [])
        exact = [c for c in found if c.period.span == entry.span]
        overlapping = [c for c in found if c.period.span.overlaps(entry.span)]
        strict += bool(exact)
        lenient += bool(overlapping)
        if exact:
            pairs.append((entry, exact[0]))
        if not overlapping:
            missed.append((entry, found))
    total = len(catalogue.obligations)
    matched = [c for c in candidates if any(c.period.span.overlaps(e.span) for e in related[c.id])]
    unmatched = [c for c in candidates if c not in matched]

    print(f"circular:   {args.circular}")
    print(f"candidates: {len(candidates)} in {elapsed:.2f} s (target < 10 s)")
    print(
        f"recall:     strict {strict}/{total} = {strict / total:.3f}, "
        f"lenient {lenient}/{total} = {lenient / total:.3f} (target >= 0.9)"
    )
    print(
        f"matched:    {len(matched)}/{len(candidates)} = {len(matched) / len(candidates):.3f} "
        "of proposals overlap a catalogue entry in quote and period"
    )
    for name, attribute in (("kind", "kind"), ("certainty", "certainty")):
        same = sum(1 for e, c in pairs if getattr(e, attribute) == getattr(c, attribute))
        print(f"agreement:  {name} {same}/{len(pairs)}")
    same = sum(1 for e, c in pairs if e.precision == c.period.precision)
    print(f"agreement:  precision {same}/{len(pairs)}")
    same = sum(1 for e, c in pairs if c.topics[0] in e.topics)
    print(f"agreement:  first topic in the entry's topics {same}/{len(pairs)}")
    same = sum(1 for e, c in pairs if e.section == c.section)
    print(f"agreement:  section {same}/{len(pairs)}")

    if args.missed:
        print("\nentries without a candidate of overlapping quote and period:")
        for entry, found in missed:
            dates = ", ".join(f"{c.period.span.start}..{c.period.span.end}" for c in found)
            print(f"- {entry.id} {entry.span.start}..{entry.span.end} (candidates: {dates or '-'})")
            print(f"    {entry.quote[:160]}")

    sample = random.Random(args.seed).sample(unmatched, min(args.sample, len(unmatched)))
    print(f"\nsample of {len(sample)} of {len(unmatched)} unmatched proposals (judge by reading):")
    for number, candidate in enumerate(sorted(sample, key=lambda c: c.line), start=1):
        span = candidate.period.span
        print(
            f"{number:2d}. line {candidate.line} {span.start}..{span.end} "
            f"[{candidate.kind}, {candidate.certainty}] {candidate.phrase!r}"
        )
        print(f"    {candidate.quote}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
