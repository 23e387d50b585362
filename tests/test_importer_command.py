"""`obligations import-circular` as a user runs it: arguments, files, exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from obligations.cli import main
from obligations.importer.command import _Progress, source_id_from
from obligations.importer.output import REVIEW_MARK
from tests.test_importer_candidates import FIXTURE, SOURCE_ID, write_importer_catalogue


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_importer_catalogue(tmp_path / "catalogue")
    for name in ("OBLIGATIONS_NOW", "OBLIGATIONS_TIMEZONE", "OBLIGATIONS_HTTP_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OBLIGATIONS_CATALOGUE_DIR", str(root))
    monkeypatch.setenv("OBLIGATIONS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    return root


def run(*args: str) -> int:
    return main(["import-circular", *args])


def test_writes_candidates_that_pass_the_catalogue_check(
    catalogue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "candidates.yaml"
    assert (
        run(str(FIXTURE), "--source-id", SOURCE_ID, "--written", "2021-09-21", "-o", str(output))
        == 0
    )
    out = capsys.readouterr().out
    assert f"geschreven naar {output}" in out
    text = output.read_text(encoding="utf-8")
    assert f"source: {SOURCE_ID}" in text
    assert f"  {REVIEW_MARK} (regel " in text
    assert main(["catalogue", "check", str(output)]) == 0
    assert "Catalogus in orde" in capsys.readouterr().out


def test_yaml_on_stdout_and_written_date_from_sources_yaml(
    catalogue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(str(FIXTURE), "--source-id", SOURCE_ID) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Kandidaat-verplichtingen uit importer_circular.txt")
    assert "(geschreven 2021-09-21)" in captured.out
    assert "start: 2021-09-01" in captured.out  # "dit najaar" read against 2021-09-21
    assert "kandidaat-verplichting(en)" in captured.err


def test_diff_reports_new_changed_and_known_and_leaves_known_out(
    catalogue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "candidates.yaml"
    assert run(str(FIXTURE), "--source-id", SOURCE_ID, "--diff", "-o", str(output)) == 0
    report = capsys.readouterr().out
    assert "1 gewijzigd, 1 al bekend" in report
    assert "klokkenluiders 2022-01-01 t/m 2022-12-31" in report
    assert "woo-inwerkingtreding" in report
    text = output.read_text(encoding="utf-8")
    assert "De Wet open overheid (Woo) treedt" not in text
    assert "gewijzigd, was: klokkenluiders" in text
    assert "· nieuw" in text


def test_unknown_source_still_writes_candidates_and_explains_how_to_add_it(
    catalogue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(str(FIXTURE), "--written", "2021-09-21") == 0
    captured = capsys.readouterr()
    assert "source: importer-circular" in captured.out
    assert "bron 'importer-circular' staat niet in" in captured.err
    assert "sources.yaml" in captured.err
    assert "file: sources/importer-circular.txt" in captured.err


def test_missing_file_exits_1(catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("bestaat-niet.txt") == 1
    assert "bestaat niet" in capsys.readouterr().err


def test_wrong_written_date_exits_2(catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(FIXTURE), "--written", "21-09-2021") == 2
    assert "JJJJ-MM-DD" in capsys.readouterr().err


def test_diff_against_a_broken_catalogue_exits_1(
    catalogue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (catalogue / "obligations" / "broken.yaml").write_text("obligations:\n  - id: x\n", "utf-8")
    assert run(str(FIXTURE), "--source-id", SOURCE_ID, "--diff") == 1
    assert "vergelijken kan niet" in capsys.readouterr().err


def test_source_id_from_file_name() -> None:
    assert source_id_from(Path("VNG Ledenbrief Rijksbegroting 2023.txt")) == (
        "vng-ledenbrief-rijksbegroting-2023"
    )


class _Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_on_a_terminal() -> None:
    quiet, terminal = _Terminal(tty=False), _Terminal(tty=True)
    for done in range(1, 101):
        _Progress(quiet)(done, 100)
    progress = _Progress(terminal)
    for done in range(1, 101):
        progress(done, 100)
    assert quiet.getvalue() == ""
    assert terminal.getvalue().endswith("100%\n")
