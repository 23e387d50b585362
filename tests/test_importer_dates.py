"""Dutch date expressions in circular sentences, and how sure the circular is of them.

The circular is read as written on 21 September 2021, like the VNG letter on the
Rijksbegroting 2022: "dit najaar" is autumn 2021, "komend voorjaar" spring 2022.
"""

from __future__ import annotations

from datetime import date

import pytest

from obligations.importer.certainty import certainty
from obligations.importer.dates import Mention, find_dates
from obligations.precision import precision_problem

WRITTEN = date(2021, 9, 21)


def only(sentence: str) -> Mention:
    found = find_dates(sentence, WRITTEN)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "phrase", "start", "end", "precision"),
    [
        ("Het programma start in 2022.", "in 2022", "2022-01-01", "2022-12-31", "year"),
        ("Vanaf 2023 zijn er middelen.", "Vanaf 2023", "2023-01-01", "2023-12-31", "year"),
        ("Het loopt tot en met 2025.", "tot en met 2025", "2025-01-01", "2025-12-31", "year"),
        (
            "De Woo treedt in de eerste helft van 2022 in werking.",
            "in de eerste helft van 2022",
            "2022-01-01",
            "2022-06-30",
            "half",
        ),
        (
            "In het voorjaar volgt een raming.",
            "In het voorjaar",
            "2022-03-01",
            "2022-05-31",
            "season",
        ),
        (
            "Komend voorjaar volgt een raming.",
            "Komend voorjaar",
            "2022-03-01",
            "2022-05-31",
            "season",
        ),
        ("Dit najaar volgt besluitvorming.", "Dit najaar", "2021-09-01", "2021-11-30", "season"),
        (
            "De aanpak start in de zomer van 2021.",
            "in de zomer van 2021",
            "2021-06-01",
            "2021-08-31",
            "season",
        ),
        (
            "De wet moet eind dit jaar ingevoerd zijn.",
            "eind dit jaar",
            "2021-12-01",
            "2021-12-31",
            "month",
        ),
        (
            "De programma's lopen eind 2021 ten einde.",
            "eind 2021",
            "2021-12-01",
            "2021-12-31",
            "month",
        ),
        ("Begin 2022 komt er een plan.", "Begin 2022", "2022-01-01", "2022-03-31", "quarter"),
        ("Verlengd tot eind 2022.", "tot eind 2022", "2022-12-01", "2022-12-31", "month"),
        (
            "Uiterlijk 1 januari 2027 moeten alle regelingen zijn aangepast.",
            "Uiterlijk 1 januari 2027",
            "2027-01-01",
            "2027-01-01",
            "day",
        ),
        (
            "Zij moeten uiterlijk voor 1 januari 2024 akkoord zijn.",
            "uiterlijk voor 1 januari 2024",
            "2023-12-31",
            "2023-12-31",
            "day",
        ),
        ("De steun loopt af per 1 oktober.", "per 1 oktober", "2021-10-01", "2021-10-01", "day"),
        (
            "De steun loopt af op 1 oktober a.s.",
            "op 1 oktober a.s.",
            "2021-10-01",
            "2021-10-01",
            "day",
        ),
        (
            "De verkiezingen zijn op 16 maart 2022.",
            "op 16 maart 2022",
            "2022-03-16",
            "2022-03-16",
            "day",
        ),
        (
            "De raming van april jongstleden.",
            "van april jongstleden",
            "2021-04-01",
            "2021-04-30",
            "month",
        ),
        (
            "Ook in het derde kwartaal is er steun.",
            "in het derde kwartaal",
            "2021-07-01",
            "2021-09-30",
            "quarter",
        ),
        (
            "Effecten worden zichtbaar in Q3 2022.",
            "in Q3 2022",
            "2022-07-01",
            "2022-09-30",
            "quarter",
        ),
        (
            "Voor de jaren 2023, 2024 en 2025 staat de korting.",
            "Voor de jaren 2023, 2024 en 2025",
            "2023-01-01",
            "2025-12-31",
            "year",
        ),
        (
            "Er is voor de periode 2021-2024 geld.",
            "voor de periode 2021-2024",
            "2021-01-01",
            "2024-12-31",
            "year",
        ),
        (
            "Van 2021 tot en met 2025 mag dat.",
            "Van 2021 tot en met 2025",
            "2021-01-01",
            "2025-12-31",
            "year",
        ),
        (
            "De projecten lopen van begin 2021 tot eind 2022.",
            "van begin 2021 tot eind 2022",
            "2021-01-01",
            "2022-12-31",
            "month",
        ),
        (
            "Dat wordt met de meicirculaire 2022 bekend.",
            "meicirculaire 2022",
            "2022-05-01",
            "2022-05-31",
            "month",
        ),
        (
            "De septembercirculaire bevat een raming.",
            "septembercirculaire",
            "2021-09-01",
            "2021-09-30",
            "month",
        ),
        (
            "Er is een reservering voor de rest van het jaar 2021.",
            "de rest van het jaar 2021",
            "2021-07-01",
            "2021-12-31",
            "half",
        ),
        (
            "Komend jaar onderhandelt het kabinet.",
            "Komend jaar",
            "2022-01-01",
            "2022-12-31",
            "year",
        ),
        (
            "Voor zijn begroting 2022 mag de gemeente dat doen.",
            "2022",
            "2022-01-01",
            "2022-12-31",
            "year",
        ),
        (
            "Vanaf 2 augustus 2022 is er een uitkering.",
            "Vanaf 2 augustus 2022",
            "2022-08-02",
            "2022-08-02",
            "day",
        ),
    ],
)
def test_date_expressions(sentence: str, phrase: str, start: str, end: str, precision: str) -> None:
    mention = only(sentence)
    assert mention.text == phrase
    assert mention.period.span.start.isoformat() == start
    assert mention.period.span.end.isoformat() == end
    assert mention.period.precision == precision
    assert precision_problem(mention.period.span, precision) is None


def test_every_year_in_october_recurs_yearly_from_the_first_october_after_writing() -> None:
    mention = only("Het kabinet organiseert de cyberoefening, elk jaar in oktober.")
    assert (mention.period.span.start, mention.period.span.end) == (
        date(2021, 10, 1),
        date(2021, 10, 31),
    )
    assert mention.period.recurrence == "FREQ=YEARLY"


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Uiterlijk 1 januari 2027 moeten alle regelingen zijn aangepast.", "deadline"),
        ("Het loopt tot en met 2025.", "until"),
        ("Vanaf 1 januari 2022 kunnen gemeenten dit invoeren.", "from"),
        ("De steun loopt per 1 oktober a.s. af.", "from"),
        ("Dat wordt met de meicirculaire 2022 bekend.", "circular"),
        ("Dit is een stijging ten opzichte van 2017.", "reference"),
        ("Het CPB gaat uit van een groei van 3,9% in 2021.", "reference"),
    ],
)
def test_how_a_date_is_meant(sentence: str, role: str) -> None:
    assert only(sentence).role == role


@pytest.mark.parametrize(
    "sentence",
    [
        "Gemeenten krijgen € 46,5 miljoen extra.",
        "De werkloosheidsraming is 3,5%.",
        "Werkenden kunnen tot € 1.000 aanvragen.",
        "Het nominaal accres is 1.030.317 en het percentage 2,30%.",
        "De DigiHulplijn (0800-1508) is er voor iedereen.",
        "In lijn daarmee wordt de veiling van de 3,5 GHz band voorbereid.",
        "Een toename in capaciteit van 2.430 fte.",
        "De Verkiezingsagenda 2030 is een plan.",
        "Dit vraagt wijziging van de Archiefwet 1995.",
        "Het effect op het accres 2022 is klein.",
        "Een invoeringstermijn van 3 maanden is afgesproken.",
        "Zij bereiken 65.000 jongeren.",
        "Het kost € 2030 per persoon.",
    ],
)
def test_numbers_that_are_not_dates(sentence: str) -> None:
    assert find_dates(sentence, WRITTEN) == []


def test_two_years_joined_by_en_are_two_dates_unless_consecutive() -> None:
    found = find_dates("De doelen voor 2030 en 2050 worden uitgewerkt.", WRITTEN)
    assert [(m.period.span.start.year, m.period.span.end.year) for m in found] == [
        (2030, 2030),
        (2050, 2050),
    ]
    found = find_dates("Het kabinet heeft voor 2022 en 2023 geld gereserveerd.", WRITTEN)
    assert [(m.period.span.start.year, m.period.span.end.year) for m in found] == [(2022, 2023)]


def test_a_season_in_a_sentence_about_the_past_is_the_last_one() -> None:
    mention = only("In het voorjaar is de eerste voorlopige keuze gemaakt.")
    assert mention.period.span.start == date(2021, 3, 1)


@pytest.mark.parametrize(
    ("sentence", "following", "expected"),
    [
        ("De Woo treedt naar verwachting in 2022 in werking.", "", "verwacht"),
        ("De beoogde invoering is eind dit jaar.", "", "verwacht"),
        ("Het streven is om het wetsvoorstel op 1 juli 2022 in te voeren.", "", "verwacht"),
        ("In 2030 wordt een reductie van 50% nagestreefd.", "", "verwacht"),
        (
            "Het wetsvoorstel treedt in 2022 in werking (onder voorbehoud van goedkeuring).",
            "",
            "verwacht",
        ),
        ("De ophoging vraagt in 2022 mogelijk aanvullende inspanningen.", "", "onzeker"),
        ("Vier gemeenten doen in 2022 mee, mits de wet dit najaar is aangenomen.", "", "onzeker"),
        ("De wet loopt af op 1 januari 2022, maar kan worden verlengd.", "", "onzeker"),
        (
            "Het streven is 1 juli 2022.",
            "Behandeling is pas mogelijk met een nieuw kabinet.",
            "onzeker",
        ),
        ("De besluitvorming per 2023 wordt overgelaten aan een nieuw kabinet.", "", "onzeker"),
        ("Nieuwkomers leren in 2022 zo snel mogelijk de taal.", "", "vast"),
        ("Van 2021 tot en met 2025 is het mogelijk om eerder te stoppen.", "", "vast"),
        ("Het kabinet treft voorbereidingen voor de verkiezingen op 16 maart 2022.", "", "vast"),
    ],
)
def test_certainty_words(sentence: str, following: str, expected: str) -> None:
    assert certainty(sentence, following) == expected
