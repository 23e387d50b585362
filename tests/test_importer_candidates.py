"""Proposals from a small circular: dates, review marks, a file the catalogue accepts,
and the comparison with an existing catalogue."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from obligations.catalogue import ID_PATTERN, Topic, load_catalogue
from obligations.importer.candidates import Candidate, import_circular
from obligations.importer.diff import compare, quotes_overlap
from obligations.importer.output import REVIEW_MARK, render

FIXTURE = Path(__file__).parent / "fixtures" / "importer_circular.txt"
CIRCULAR = FIXTURE.read_text(encoding="utf-8")
WRITTEN = date(2021, 9, 21)
SOURCE_ID = "test-ledenbrief"

TOPICS = """\
topics:
  - id: financien
    label: Financiën en gemeentefonds
    description: Gemeentefonds, accres, opschalingskorting, circulaires.
  - id: informatiehuishouding
    label: Informatiehuishouding en openbaarheid
    description: Wet open overheid, archieven.
  - id: verkiezingen
    label: Verkiezingen
    description: Gemeenteraadsverkiezingen.
  - id: digitaal
    label: Digitale overheid
    description: Digitalisering, informatieveiligheid, cybersecurity.
  - id: werk-inkomen
    label: Werk en inkomen
    description: Participatiewet, scholing, STAP-budget.
  - id: veiligheid
    label: Veiligheid
    description: Huiselijk geweld, crisisbeheersing.
"""

SOURCES = f"""\
sources:
  - id: {SOURCE_ID}
    title: Testledenbrief
    publisher: Vereniging van Nederlandse Gemeenten
    written: {WRITTEN.isoformat()}
    file: sources/importer_circular.txt
"""

# One entry the importer finds again exactly, one it dates differently.
EXISTING = f"""\
source: {SOURCE_ID}
obligations:
  - id: woo-inwerkingtreding
    title: Wet open overheid treedt in werking
    action: Bereid de organisatie voor op de Woo.
    kind: inwerkingtreding
    topics: [informatiehuishouding]
    chapter: "2 Binnenlandse Zaken en Koninkrijksrelaties"
    section: Wet open overheid en informatiehuishouding
    start: 2022-01-01
    end: 2022-06-30
    precision: half
    certainty: verwacht
    quote: "De Wet open overheid (Woo) treedt naar verwachting in de eerste helft van 2022 in werking."
  - id: klokkenluiders
    title: Wet bescherming klokkenluiders gewijzigd
    action: Pas de meldprocedure aan.
    kind: inwerkingtreding
    topics: [informatiehuishouding]
    chapter: "2 Binnenlandse Zaken en Koninkrijksrelaties"
    section: Wet open overheid en informatiehuishouding
    start: 2022-01-01
    end: 2022-12-31
    precision: year
    quote: "De website Wetbeschermingklokkenluiders.nl2 informeert over de wijziging waarvan de beoogde invoering eind dit jaar is."
"""


def write_importer_catalogue(root: Path, obligations: str = EXISTING) -> Path:
    """A catalogue folder whose only source is the fixture circular."""
    (root / "obligations").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "sources" / "importer_circular.txt").write_text(CIRCULAR, encoding="utf-8")
    (root / "obligations" / "existing.yaml").write_text(
        textwrap.dedent(obligations), encoding="utf-8"
    )
    return root


def topics() -> list[Topic]:
    return [
        Topic("financien", "Financiën en gemeentefonds", "Gemeentefonds, accres."),
        Topic("informatiehuishouding", "Informatiehuishouding", "Wet open overheid."),
        Topic("verkiezingen", "Verkiezingen", "Gemeenteraadsverkiezingen."),
        Topic("digitaal", "Digitale overheid", "Cybersecurity."),
        Topic("werk-inkomen", "Werk en inkomen", "Scholing, STAP-budget."),
        Topic("veiligheid", "Veiligheid", "Huiselijk geweld."),
    ]


@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    return import_circular(CIRCULAR, WRITTEN, topics(), taken_ids=["woo-inwerkingtreding"])


def by_phrase(candidates: list[Candidate], phrase: str) -> Candidate:
    found = [c for c in candidates if c.phrase == phrase]
    assert len(found) == 1, [c.phrase for c in candidates]
    return found[0]


def test_one_candidate_per_dated_obligation(candidates: list[Candidate]) -> None:
    spans = {(c.period.span.start.isoformat(), c.period.span.end.isoformat()) for c in candidates}
    for expected in [
        ("2022-03-16", "2022-03-16"),  # gemeenteraadsverkiezingen op 16 maart 2022
        ("2022-01-01", "2022-06-30"),  # eerste helft van 2022
        ("2027-01-01", "2027-01-01"),  # uiterlijk 1 januari 2027
        ("2021-12-01", "2021-12-31"),  # eind dit jaar
        ("2021-09-01", "2021-11-30"),  # dit najaar
        ("2022-03-01", "2022-05-31"),  # komend voorjaar
        ("2022-05-01", "2022-05-31"),  # meicirculaire 2022
        ("2021-05-01", "2021-05-31"),  # meicirculaire 20213 (footnote 3)
        ("2023-01-01", "2025-12-31"),  # de jaren 2023, 2024 en 2025
        ("2021-10-01", "2021-10-31"),  # elk jaar in oktober
        ("2023-12-31", "2023-12-31"),  # uiterlijk voor 1 januari 2024
    ]:
        assert expected in spans


def test_comparisons_names_history_and_tables_give_no_candidates(
    candidates: list[Candidate],
) -> None:
    years = {c.period.span.start.year for c in candidates}
    assert 2017 not in years  # "ten opzichte van 2017"
    assert 2030 not in years  # "Verkiezingsagenda 2030"
    assert not any(c.period.span.start == date(2021, 6, 1) for c in candidates)  # past "juni 2021"
    assert not any("Percentages" in c.quote or "3,5%" in c.quote for c in candidates)


def test_candidate_fields(candidates: list[Candidate]) -> None:
    woo = by_phrase(candidates, "in de eerste helft van 2022")
    assert woo.chapter == "2 Binnenlandse Zaken en Koninkrijksrelaties"
    assert woo.section == "Wet open overheid en informatiehuishouding"
    assert woo.kind == "inwerkingtreding"
    assert woo.certainty == "verwacht"
    assert woo.topics[0] == "informatiehuishouding"
    assert woo.period.precision == "half"
    cyber = by_phrase(candidates, "elk jaar in oktober")
    assert cyber.period.recurrence == "FREQ=YEARLY"
    assert by_phrase(candidates, "uiterlijk 1 januari 2027").kind == "deadline"
    assert by_phrase(candidates, "op 1 januari 2022").certainty == "onzeker"
    assert by_phrase(candidates, "In 2023").certainty == "onzeker"  # "een nieuw kabinet" follows
    assert by_phrase(candidates, "In 2023").amount_eur == 700_000_000


def test_footnote_marker_stays_in_the_verbatim_quote(candidates: list[Candidate]) -> None:
    circular = by_phrase(candidates, "meicirculaire 2021")
    assert "meicirculaire 20213" in circular.quote


def test_repeated_statements_become_one_candidate(candidates: list[Candidate]) -> None:
    repeated = [c for c in candidates if "huiselijk geweld" in c.quote]
    assert len(repeated) == 1
    assert repeated[0].also == (repeated[0].line + 1,)


def test_ids_are_valid_unique_and_avoid_existing_ones(candidates: list[Candidate]) -> None:
    ids = [c.id for c in candidates]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(ID_PATTERN, i) and len(i) <= 80 for i in ids)
    assert "woo-inwerkingtreding" not in ids


def test_output_passes_the_catalogue_check(candidates: list[Candidate], tmp_path: Path) -> None:
    root = write_importer_catalogue(tmp_path / "catalogue")
    (root / "obligations" / "existing.yaml").unlink()
    text = render(candidates, SOURCE_ID, FIXTURE.name, WRITTEN)
    (root / "obligations" / "candidates.yaml").write_text(text, encoding="utf-8")
    catalogue = load_catalogue(root)
    assert len(catalogue.obligations) == len(candidates)
    marks = [line for line in text.splitlines() if line.startswith(f"  {REVIEW_MARK} ")]
    assert len(marks) == len(candidates)
    loaded = {o.id: o for o in catalogue.obligations}
    for candidate in candidates:
        assert loaded[candidate.id].span == candidate.period.span
        assert loaded[candidate.id].quote == candidate.quote


def test_diff_sorts_candidates_into_known_changed_and_new(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_importer_catalogue(tmp_path / "catalogue"))
    diff = compare(candidates, catalogue.obligations)
    assert [c.candidate.phrase for c in diff.known] == ["in de eerste helft van 2022"]
    assert [(c.candidate.phrase, [e.id for e in c.entries]) for c in diff.changed] == [
        ("eind dit jaar", ["klokkenluiders"])
    ]
    assert len(diff.new) == len(candidates) - 2


def test_quotes_overlap_when_one_holds_a_sentence_of_the_other() -> None:
    short = "De beoogde datum van inwerkingtreding is 1 januari 2023."
    joined = "Deze afspraken worden ingediend bij de Tweede Kamer. " + short
    assert quotes_overlap(short, joined)
    assert quotes_overlap("Het risicoanaly- se volgt in 2022.", "Het risicoanalyse volgt in 2022.")
    assert not quotes_overlap(short, "Vanaf 1 januari 2023 is de doordecentralisatie gepland.")
