"""The fixed words of the catalogue: kinds, precisions, certainties.

Kept in one place so the schema, the database and the Dutch display agree.
"""

from typing import Literal, get_args

Kind = Literal[
    "inwerkingtreding",  # a law or rule takes effect
    "deadline",  # something must be done or decided by a date
    "taak",  # a new or changed municipal task starts
    "financiering",  # money arrives, changes or is settled in the gemeentefonds
    "aanvraag",  # an application window opens or closes
    "verkiezing",
    "afloop",  # a scheme, budget or rule ends
    "verrekening",  # settlement moments (meicirculaire, septembercirculaire)
    "besluitvorming",  # a national decision or bill that municipalities must follow
    "evaluatie",
    "evenement",  # an exercise, campaign or other dated event
]
Precision = Literal["day", "month", "quarter", "half", "season", "year"]
Certainty = Literal["vast", "verwacht", "onzeker"]

KINDS: tuple[str, ...] = get_args(Kind)
PRECISIONS: tuple[str, ...] = get_args(Precision)
CERTAINTIES: tuple[str, ...] = get_args(Certainty)

KIND_LABELS: dict[str, str] = {
    "inwerkingtreding": "inwerkingtreding",
    "deadline": "deadline",
    "taak": "nieuwe taak",
    "financiering": "financiering",
    "aanvraag": "aanvraag",
    "verkiezing": "verkiezing",
    "afloop": "afloop",
    "verrekening": "verrekening",
    "besluitvorming": "besluitvorming",
    "evaluatie": "evaluatie",
    "evenement": "evenement",
}
