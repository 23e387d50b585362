"""The importer's reading of a circular: PDF repair, chapters and sections, sentences.

Fixtures are small circulars written for these tests (tests/fixtures/importer_*.txt),
shaped like the PDF-to-text output of a VNG member letter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from obligations.importer.repair import repair
from obligations.importer.sentences import split
from obligations.importer.structure import Outline, outline
from obligations.provenance import SourceText

FIXTURES = Path(__file__).parent / "fixtures"
CIRCULAR = (FIXTURES / "importer_circular.txt").read_text(encoding="utf-8")
PAGES = (FIXTURES / "importer_pages.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def circular() -> Outline:
    return outline(repair(CIRCULAR))


def texts(found: Outline) -> list[str]:
    return [paragraph.text()[0] for paragraph in found.paragraphs]


def paragraph_with(found: Outline, words: str) -> str:
    matches = [text for text in texts(found) if words in text]
    assert matches, f"no paragraph holds {words!r}"
    return matches[0]


def test_word_broken_across_lines_is_mended(circular: Outline) -> None:
    text = paragraph_with(circular, "informatiehuishouding uiterlijk")
    assert "informatiehuis-" not in text


def test_quote_of_a_mended_word_is_still_verbatim() -> None:
    repaired = repair(CIRCULAR)
    start = CIRCULAR.index("Gemeenten brengen hun")
    end = CIRCULAR.index("op orde.") + len("op orde.")
    quote = repaired.quote(start, end, start)
    assert quote == "Gemeenten brengen hun informatiehuishouding uiterlijk 1 januari 2027 op orde."
    assert SourceText.from_text(CIRCULAR).contains(quote or "")


def test_page_footer_inside_a_sentence_is_dropped_and_the_sentence_joined(
    circular: Outline,
) -> None:
    assert not any("Vereniging van Nederlandse Gemeenten" in text for text in texts(circular))
    text = paragraph_with(circular, "een regeling die loopt tot en met 2025.")
    assert "31" not in text


def test_quote_never_spans_dropped_page_furniture() -> None:
    repaired = repair(CIRCULAR)
    start = CIRCULAR.index("Gemeenten kunnen vanaf")
    end = CIRCULAR.index("loopt tot en met 2025.") + len("loopt tot en met 2025.")
    assert repaired.quote(start, end, start) == (
        "Gemeenten kunnen vanaf 1 maart 2022 tot € 1.000 aanvragen voor een "
        "scholingsactiviteit, een regeling die"
    )
    assert repaired.quote(start, end, end - 5) == "loopt tot en met 2025."


def test_repeated_running_headers_and_page_numbers_are_dropped() -> None:
    found = outline(repair(PAGES))
    assert texts(found) == [
        "Het kabinet stelt in 2022 geld beschikbaar voor de aanpak van laaggeletterdheid. "
        "Gemeenten ontvangen dit via een specifieke uitkering. De regeling loopt tot en met 2024."
    ]


def test_footnote_markers_are_read_off_and_footnotes_dropped(circular: Outline) -> None:
    repaired = repair(CIRCULAR)
    assert [f.number for f in repaired.footnotes] == [1, 2, 3]
    assert repaired.footnotes[2].text == "https://vng.nl/nieuws/compensatie-woo-in-de-meicirculaire"
    assert "meicirculaire 2021 zijn" in paragraph_with(circular, "Via de meicirculaire")
    assert "woningcorporaties lager" in paragraph_with(circular, "woningcorporaties")
    assert "Wetbeschermingklokkenluiders.nl informeert" in paragraph_with(circular, "website")
    joined = " ".join(texts(circular))
    assert "https://" not in joined
    assert "Waartoe een motie" not in joined


def test_bullets_are_paragraphs_of_their_own_and_run_on_over_blank_lines(
    circular: Outline,
) -> None:
    bullets = [p for p in circular.paragraphs if p.bullet]
    assert [p.text()[0][:22] for p in bullets] == [
        "€ 20 miljoen in 2022 v",
        "€ 5 miljoen per jaar v",
    ]
    assert bullets[1].text()[0].endswith("met mogelijk een verlenging tot en met 2025.")
    assert not any("•" in text for text in texts(circular))


def test_chapters_numbered_and_unnumbered_with_titles_over_two_lines(circular: Outline) -> None:
    assert circular.chapters == [
        "Voorwoord",
        "1 Financiën",
        "2 Binnenlandse Zaken en Koninkrijksrelaties",
    ]


def test_sections_are_topic_headings_not_parts_group_headings_or_captions(
    circular: Outline,
) -> None:
    sections = [section for chapter, section in circular.sections if chapter != "Voorwoord"]
    assert sections == [
        "Opschalingskorting en accres",
        "Wet open overheid en informatiehuishouding",
        "Verkiezingen",
        "Digitale veiligheid",
        "Huiselijk geweld",
    ]
    # "Raming nominaal accres" heads a passage inside a part: not a new section.
    assert {p.section for p in circular.paragraphs if "2023, 2024 en 2025" in p.text()[0]} == {
        "Opschalingskorting en accres"
    }
    assert {p.section for p in circular.paragraphs if p.chapter == "Voorwoord"} == {"Voorwoord"}


def test_tables_and_their_notes_are_no_prose(circular: Outline) -> None:
    joined = " ".join(texts(circular))
    assert "1.030.317" not in joined
    assert "Accrespercentage" not in joined
    assert "Percentages voor het jaar 2021" not in joined
    assert "Wat wil het kabinet" not in joined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Het kabinet stelt o.a. geld beschikbaar. Dat is goed.",
            ["Het kabinet stelt o.a. geld beschikbaar.", "Dat is goed."],
        ),
        (
            "De steun loopt af per 1 oktober a.s. Dit geldt ook voor de horeca.",
            ["De steun loopt af per 1 oktober a.s.", "Dit geldt ook voor de horeca."],
        ),
        (
            "Het fonds heeft € 7,3 miljard in de begroting voor 2022.De eerste tranche is toegekend.",
            [
                "Het fonds heeft € 7,3 miljard in de begroting voor 2022.",
                "De eerste tranche is toegekend.",
            ],
        ),
        ("Werkenden kunnen tot € 1.000 aanvragen, bijv. voor scholing.", None),
    ],
)
def test_sentences_end_at_full_stops_but_not_at_abbreviations_or_numbers(
    text: str, expected: list[str] | None
) -> None:
    assert [s.text for s in split(text)] == (expected or [text])


def test_windows_line_endings_and_form_feeds_keep_quotes_verbatim() -> None:
    source = CIRCULAR.replace("\n", "\r\n").replace(" 2\t Binnenlandse", "\f 2\t Binnenlandse")
    repaired = repair(source)
    assert outline(repaired).chapters[-1] == "2 Binnenlandse Zaken en Koninkrijksrelaties"
    start = source.index("Gemeenten brengen hun")
    end = source.index("op orde.") + len("op orde.")
    quote = repaired.quote(start, end, start)
    assert quote == "Gemeenten brengen hun informatiehuishouding uiterlijk 1 januari 2027 op orde."
