"""How fast is parse_period, and how would plain dateparser do on the same phrases?

Run: .venv/bin/python bench/bench_periods.py

Prints (a) the first call including imports, each in a fresh interpreter, (b) the
median time per phrase after warm-up and (c) plain dateparser.parse on the same
phrases: its median time and how often its date is the start of our span.
Both parsers use the real current time, so dateparser needs no settings.
Targets: median < 2 ms, first call < 1 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dateparser

from obligations.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 50

PHRASES = [
    "16 maart 2022", "16-3-2022", "2022-03-16", "1 maart", "vandaag", "morgen", "overmorgen",
    "maandag", "volgende week dinsdag", "deze week", "volgende week", "vorige week",
    "week 11", "week 11 2022", "maart", "maart 2022", "deze maand", "volgende maand",
    "vorige maand", "dit kwartaal", "volgend kwartaal", "vorig kwartaal", "Q2", "Q2 2022",
    "2e kwartaal 2022", "tweede kwartaal", "eerste helft 2022", "H2 2022",
    "tweede helft van het jaar", "voorjaar 2022", "najaar", "2022", "dit jaar",
    "volgend jaar", "vorig jaar", "komende 30 dagen", "de komende 2 weken",
    "binnen 3 maanden", "tot eind juni", "voor 1 april", "vóór 1 april", "vanaf 1 april",
    "tussen 1 maart en 15 april", "van 1 maart t/m 15 april",
    "van 1 maart tot en met 15 april", "this quarter", "next quarter", "Q3", "next month",
    "this week", "next 30 days", "before April 1", "in March", "first half of 2022",
    "this year", "today", "tomorrow", "wat moet er dit kwartaal?",
    "wat komt er volgende maand aan?", "what's due this quarter?", "welke deadlines in maart?",
    "wat moet er vóór 1 april?",
]  # fmt: skip

FIRST_CALL = {
    "parse_period": (
        "import time; t = time.perf_counter()\n"
        "from datetime import datetime, timezone\n"
        "from obligations.periods import parse_period\n"
        "parse_period('wat moet er dit kwartaal?', datetime.now(timezone.utc))\n"
        "print(time.perf_counter() - t)"
    ),
    "dateparser": (
        "import time; t = time.perf_counter()\n"
        "import dateparser\n"
        "dateparser.parse('16 maart 2022', languages=['nl', 'en'])\n"
        "print(time.perf_counter() - t)"
    ),
}


def first_call(code: str) -> float:
    """Seconds from the first import to the first answer, in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(run.stdout.strip())


def per_call(function: Callable[[str], object], phrase: str) -> list[float]:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function(phrase)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    ours = {phrase: parse_period(phrase, now) for phrase in PHRASES}  # also the warm-up

    def parse_ours(phrase: str) -> object:
        return parse_period(phrase, now)

    def parse_theirs(phrase: str) -> object:
        return dateparser.parse(phrase, languages=["nl", "en"])

    for phrase in PHRASES:  # dateparser warm-up
        parse_theirs(phrase)
    our_times = [t for phrase in PHRASES for t in per_call(parse_ours, phrase)]
    their_times = [t for phrase in PHRASES for t in per_call(parse_theirs, phrase)]

    right = 0
    wrong: list[str] = []
    for phrase in PHRASES:
        found = dateparser.parse(phrase, languages=["nl", "en"])
        if found is not None and found.date() == ours[phrase].span.start:
            right += 1
        else:
            wrong.append(f"{phrase!r} -> {found.date() if found else None}")

    firsts = {name: first_call(code) for name, code in FIRST_CALL.items()}
    ms = 1000.0
    print(f"{len(PHRASES)} phrases, {REPEATS} calls each, now = {now:%Y-%m-%d %H:%M %Z}\n")
    print(f"{'':28}{'parse_period':>14}{'dateparser':>14}")
    print(f"{'first call incl. imports':28}{firsts['parse_period']:>12.3f} s"
          f"{firsts['dateparser']:>12.3f} s")  # fmt: skip
    print(f"{'median per phrase':28}{statistics.median(our_times) * ms:>11.3f} ms"
          f"{statistics.median(their_times) * ms:>11.3f} ms")  # fmt: skip
    print(f"{'95th percentile':28}{statistics.quantiles(our_times, n=20)[-1] * ms:>11.3f} ms"
          f"{statistics.quantiles(their_times, n=20)[-1] * ms:>11.3f} ms")  # fmt: skip
    print(f"{'same start as our span':28}{'(reference)':>14}{right:>11}/{len(PHRASES)}")
    print("\nTargets: median < 2 ms, first call < 1 s.")
    print("\ndateparser misses (None or another start date):")
    for line in wrong:
        print("  " + line)


if __name__ == "__main__":
    main()
