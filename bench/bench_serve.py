"""Operations figures (issue 8): start-up time to ready, memory at rest and while sending
2,000 reminders, and shutdown time, for `obligations serve` as a real process.

Run: .venv/bin/python bench/bench_serve.py
"""

from __future__ import annotations

import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from tests.fakebotapi import FakeBotAPI
from tests.liveserver import free_port
from tests.test_replicas import prepare, start


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def ready_after(port: int, began: float) -> float:
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return time.monotonic() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.02)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        url = f"sqlite:///{folder}/serve.sqlite3"
        prepare(url, 2000)
        port = free_port()
        began = time.monotonic()
        process = start(api, url, port)
        ready = ready_after(port, began)
        rest = memory_kb(process.pid, "VmRSS")
        sending = time.monotonic()
        api.wait_for(2000, timeout=300)
        sent_in = time.monotonic() - sending
        peak = memory_kb(process.pid, "VmHWM")
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
        stopped = time.monotonic() - stopping
    print(f"start-up to ready (/healthz 200), SQLite, bot on: {ready:.2f} s")
    print(f"memory at rest after start:                      {rest / 1024:.0f} MB RSS")
    print(f"2000 reminders sent in {sent_in:.1f} s; peak memory:     {peak / 1024:.0f} MB (VmHWM)")
    code = process.returncode
    print(f"shutdown after SIGTERM:                          {stopped:.2f} s (exit {code})")


if __name__ == "__main__":
    main()
