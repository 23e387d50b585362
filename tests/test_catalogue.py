"""The catalogue loader: every problem found with its line, nothing half-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligations.catalogue import CatalogueInvalid, load_catalogue
from tests.conftest import OBLIGATIONS, write_catalogue


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(CatalogueInvalid) as caught:
        load_catalogue(directory)
    return [f"{p.path.name}:{p.line}: {p.message}" for p in caught.value.problems]


def test_valid_catalogue_loads_with_exact_and_approximate_dates(catalogue_dir: Path) -> None:
    catalogue = load_catalogue(catalogue_dir)
    by_id = {item.id: item for item in catalogue.obligations}
    assert set(by_id) == {"woo-inwerkingtreding", "gemeenteraadsverkiezingen-2022", "cyberoefening"}
    woo = by_id["woo-inwerkingtreding"]
    assert (woo.span.start.isoformat(), woo.span.end.isoformat()) == ("2022-01-01", "2022-06-30")
    assert (woo.precision, woo.certainty) == ("half", "verwacht")
    election = by_id["gemeenteraadsverkiezingen-2022"]
    assert election.span.is_day and election.precision == "day" and election.certainty == "vast"


def line_of(text: str, marker: str) -> int:
    """The 1-based line where `marker` first stands in `text`."""
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "marker", "expected"),
    [
        (
            "start: 2022-03-16",
            "start: 2022-02-30",
            "start: 2022-02-30",
            "'start': geen geldige datum",
        ),
        (
            "topics: [verkiezingen]",
            "topics: [verkiezing]",
            "topics: [verkiezing]",
            "onbekend onderwerp 'verkiezing'",
        ),
        (
            "kind: verkiezing",
            "kind: stemming",
            "kind: stemming",
            "'kind': onbekende waarde 'stemming'",
        ),
        (
            "section: Verkiezingen",
            "section: Verkiezingen\n    colour: red",
            "colour",
            "'colour': onbekend veld",
        ),
        (
            'op 16 maart 2022."',
            'op 17 maart 2022."',
            'quote: "Het kabinet',
            "citaat niet letterlijk gevonden",
        ),
        (
            "  - id: cyberoefening",
            "  - id: woo-inwerkingtreding",
            "id: woo-inwerkingtreding\n    title: Overheids",
            "id 'woo-inwerkingtreding' bestaat al",
        ),
        (
            "end: 2021-10-31",
            "end: 2021-10-30",
            "precision: month",
            "precisie 'month' vraagt een hele maand",
        ),
        (
            "end: 2021-10-31",
            "end: 2021-09-30",
            "end: 2021-09-30",
            "einde 2021-09-30 ligt vóór begin",
        ),
        (
            "recurrence: FREQ=YEARLY",
            "recurrence: elk jaar",
            "recurrence",
            "herhaling moet een RRULE",
        ),
        (
            "    title: Gemeenteraadsverkiezingen\n",
            "",
            "id: gemeenteraadsverkiezingen-2022",
            "'title': verplicht veld ontbreekt",
        ),
        (
            '    quote: "Het kabinet',
            '    quote: ["Het kabinet',
            "  - id: cyberoefening",
            "ongeldige YAML",
        ),
    ],
)
def test_each_broken_entry_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, marker: str, expected: str
) -> None:
    assert old in OBLIGATIONS
    broken = OBLIGATIONS.replace(old, new, 1)
    directory = write_catalogue(tmp_path / "c", broken)
    found = problems_of(directory)
    wanted = f"test.yaml:{line_of(broken, marker)}: {expected}"
    assert any(message.startswith(wanted) for message in found), (wanted, found)


def test_all_problems_are_reported_in_one_pass(tmp_path: Path) -> None:
    broken = (
        OBLIGATIONS.replace("topics: [verkiezingen]", "topics: [onbekend]")
        .replace("kind: inwerkingtreding", "kind: wet")
        .replace("precision: month", "precision: day")
    )
    found = problems_of(write_catalogue(tmp_path / "c", broken))
    assert len(found) == 2, found  # a month span with day precision is allowed (a day range)


def test_duplicate_yaml_key_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    broken = OBLIGATIONS.replace(
        "    section: Verkiezingen\n", "    section: Verkiezingen\n    section: Anders\n"
    )
    wanted = f"test.yaml:{line_of(broken, 'section: Anders')}: sleutel 'section' staat er twee keer"
    assert wanted in problems_of(write_catalogue(tmp_path / "c", broken))


def test_quote_may_mend_a_word_broken_across_lines(tmp_path: Path) -> None:
    mended = OBLIGATIONS.replace(
        '"Het kabinet treft voorbereidingen voor de gemeenteraadsverkiezingen op 16 maart 2022."',
        '"Gemeenten bereiden de informatiehuishouding voor. Het kabinet treft voorbereidingen '
        'voor de gemeenteraadsverkiezingen op 16 maart 2022."',
    )
    catalogue = load_catalogue(write_catalogue(tmp_path / "c", mended))
    assert len(catalogue.obligations) == 3


def test_quote_must_hold_a_date(tmp_path: Path) -> None:
    source = tmp_path / "c"
    write_catalogue(source)
    text = (source / "sources" / "test.txt").read_text() + "Gemeenten doen dit zorgvuldig.\n"
    (source / "sources" / "test.txt").write_text(text)
    broken = OBLIGATIONS.replace(
        '"Het kabinet treft voorbereidingen voor de gemeenteraadsverkiezingen op 16 maart 2022."',
        '"Gemeenten doen dit zorgvuldig."',
    )
    (source / "obligations" / "test.yaml").write_text(broken)
    line = line_of(broken, '"Gemeenten doen')
    wanted = f"test.yaml:{line}: het citaat bevat geen datum"
    assert any(m.startswith(wanted) for m in problems_of(source))


def test_duplicate_ids_across_files_name_both_places(catalogue_dir: Path) -> None:
    (catalogue_dir / "obligations" / "zz-extra.yaml").write_text(
        OBLIGATIONS.split("  - id: gemeenteraadsverkiezingen-2022")[0]
    )
    found = problems_of(catalogue_dir)
    assert any(
        m.startswith("zz-extra.yaml:3: id 'woo-inwerkingtreding' bestaat al (")
        and m.endswith("test.yaml:3)")
        for m in found
    ), found
