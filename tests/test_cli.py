"""The `obligations` command as a user runs it: a real process, a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.config import SHIPPED_CATALOGUE
from obligations.provenance import SourceText
from tests.conftest import process_env

SOURCE = SHIPPED_CATALOGUE / "sources" / "vng-ledenbrief-rijksbegroting-2022.txt"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "obligations.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = process_env()
    environment["OBLIGATIONS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return environment


def test_shipped_catalogue_passes_the_check_against_the_circular(env: dict[str, str]) -> None:
    result = run("catalogue", "check", "--source", str(SOURCE), env=env)
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split("Catalogus in orde: ")[1].split(" ")[0])
    assert count >= 100
    for chapter in (
        "Voorwoord",
        "1 Financiën",
        "2 Binnenlandse Zaken",
        "3 Justitie",
        "4 Onderwijs",
        "5 Infrastructuur",
        "6 Economische Zaken",
        "7 Landbouw",
        "8 Sociale Zaken",
        "9 Volksgezondheid",
    ):
        assert chapter in result.stdout


def test_broken_file_is_refused_with_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "source: vng-ledenbrief-rijksbegroting-2022\nobligations:\n  - id: x\n    titel: Y\n",
        encoding="utf-8",
    )
    result = run("catalogue", "check", str(broken), env=env)
    assert result.returncode == 1
    assert f"{broken}:4: 'titel': onbekend veld" in result.stderr
    assert f"{broken}:3: 'title': verplicht veld ontbreekt" in result.stderr


@pytest.mark.parametrize(
    ("identifier", "start", "end", "precision", "certainty", "when"),
    [
        (
            "woo-inwerkingtreding",
            "2022-01-01",
            "2022-06-30",
            "half",
            "verwacht",
            "eerste helft 2022 (verwacht)",
        ),
        ("opkoopbescherming-invoeren", "2022-01-01", "2022-01-01", "day", "vast", "1 januari 2022"),
        (
            "wet-inburgering-inwerkingtreding",
            "2022-01-01",
            "2022-01-01",
            "day",
            "vast",
            "1 januari 2022",
        ),
        (
            "gemeenteraadsverkiezingen-2022",
            "2022-03-16",
            "2022-03-16",
            "day",
            "vast",
            "16 maart 2022",
        ),
        ("stap-budget-aanvragen", "2022-03-01", "2022-03-01", "day", "vast", "1 maart 2022"),
    ],
)
def test_named_cases_are_exactly_right(
    env: dict[str, str],
    identifier: str,
    start: str,
    end: str,
    precision: str,
    certainty: str,
    when: str,
) -> None:
    result = run("show", identifier, "--json", env=env)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["start"], record["end"], record["precision"], record["certainty"]) == (
        start,
        end,
        precision,
        certainty,
    )
    assert record["when"] == when
    for key in ("id", "title", "kind", "topics", "chapter", "section", "quote"):
        assert record[key], key
    assert SourceText.from_text(SOURCE.read_text(encoding="utf-8")).contains(record["quote"])


def test_due_q1_2022_lists_the_named_cases(env: dict[str, str]) -> None:
    result = run("--today", "2022-01-01", "due", "Q1 2022", "--json", env=env)
    assert result.returncode == 0, result.stderr
    found = {record["id"]: record for record in json.loads(result.stdout)}
    for identifier in (
        "gemeenteraadsverkiezingen-2022",
        "stap-budget-aanvragen",
        "wet-inburgering-inwerkingtreding",
        "opkoopbescherming-invoeren",
        "woo-inwerkingtreding",
    ):
        assert identifier in found, identifier
    starts = [record["start"] for record in json.loads(result.stdout)]
    assert starts == sorted(starts)

    text = run("--today", "2022-01-01", "due", "Q1 2022", env=env).stdout
    assert "16 maart 2022 · " in text
    assert "eerste helft 2022 (verwacht) · Wet open overheid" in text
    assert "1 januari 2022 · Wet open overheid" not in text


def test_show_unknown_id_suggests_close_ones(env: dict[str, str]) -> None:
    result = run("show", "woo-inwerkingtreden", env=env)
    assert result.returncode == 1
    assert "Onbekende verplichting 'woo-inwerkingtreden'" in result.stderr
    assert "woo-inwerkingtreding" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_by_topic_only_holds_that_topic(env: dict[str, str]) -> None:
    result = run("list", "--topic", "verkiezingen", "--json", env=env)
    records = json.loads(result.stdout)
    assert records and all("verkiezingen" in record["topics"] for record in records)
    unknown = run("list", "--topic", "sport", env=env)
    assert unknown.returncode == 1 and "Onbekend onderwerp 'sport'" in unknown.stderr


def test_bad_today_is_a_clear_error(env: dict[str, str]) -> None:
    result = run("--today", "morgen", "list", env=env)
    assert result.returncode == 2
    assert "JJJJ-MM-DD" in result.stderr and "Traceback" not in result.stderr
