"""Feed serving and building figures (issue 4).

Run: .venv/bin/python bench/bench_feeds.py   (needs Debian's `wrk` on PATH)

1. Builds a feed of 1,000 obligations (the catalogue's entries cloned under new ids):
   cold (every event serialised) and warm (events cached; a new revision of one entry).
2. Starts the real web app under uvicorn on loopback, and beside it the same uvicorn
   serving fixed bytes of the same size (the framework's ceiling), and measures
   requests/s and p99 latency with wrk for: the full feed, the 304 path, the ceiling.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from obligations.app import App
from obligations.catalogue import load_catalogue
from obligations.config import SHIPPED_CATALOGUE, Settings
from obligations.ical import EventContext, FeedInfo, build_calendar, event_bytes
from obligations.web import create_web_app
from tests.liveserver import running

DURATION = "5s"
CONNECTIONS = "32"


def build_figures() -> None:
    base = load_catalogue(SHIPPED_CATALOGUE).obligations
    items = [
        dataclasses.replace(base[i % len(base)], id=f"{base[i % len(base)].id}-{i}")
        for i in range(1000)
    ]
    context = EventContext.of("https://example.org", {}, {})
    info = FeedInfo("Bench", "1000 verplichtingen")
    colds, warms = [], []
    for round_ in range(5):
        event_bytes.cache_clear()
        start = time.perf_counter()
        build_calendar(items, info, context)
        colds.append(time.perf_counter() - start)
        items[0] = dataclasses.replace(items[0], revision=items[0].revision + round_ + 1)
        start = time.perf_counter()
        body = build_calendar(items, info, context)
        warms.append(time.perf_counter() - start)
    print(f"feed of 1000 obligations: {len(body) / 1e6:.2f} MB")
    print(f"  build, cold (all events serialised): median {statistics.median(colds) * 1e3:.0f} ms")
    print(f"  build, warm (one entry changed):     median {statistics.median(warms) * 1e3:.1f} ms")


def wrk(url: str, *headers: str) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c", CONNECTIONS, "-d", DURATION, "--latency", url]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p99 = re.search(r"99%\s+(\S+)", output)[1]  # type: ignore[index]
    return rate, p99


def serve_figures() -> None:
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install wrk")
        return
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env(
            {
                "OBLIGATIONS_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "OBLIGATIONS_CATALOGUE_DIR": str(SHIPPED_CATALOGUE),
            }
        )
        app = App.start(settings)
        app.sync()
        with running(create_web_app(app)) as url:
            import httpx

            first = httpx.get(f"{url}/feeds/all.ics")
            body, etag = first.content, first.headers["etag"]

            async def fixed(_: Request) -> Response:
                return Response(body, media_type="text/calendar; charset=utf-8")

            ceiling_app = Starlette(routes=[Route("/fixed.ics", fixed)])
            with running(ceiling_app) as ceiling:
                results = {
                    "ceiling (fixed bytes)": wrk(f"{ceiling}/fixed.ics"),
                    "/feeds/all.ics full body": wrk(f"{url}/feeds/all.ics"),
                    "/feeds/all.ics 304": wrk(f"{url}/feeds/all.ics", f"If-None-Match: {etag}"),
                }
    top = results["ceiling (fixed bytes)"][0]
    print(f"\nwrk -t2 -c{CONNECTIONS} -d{DURATION}, body {len(body) / 1e3:.0f} kB")
    for name, (rate, p99) in results.items():
        print(f"  {name:28} {rate:8.0f} req/s  p99 {p99:>8}  {rate / top:5.0%} of ceiling")


if __name__ == "__main__":
    build_figures()
    serve_figures()
