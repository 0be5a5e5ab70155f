"""Lab answers read from the snapshot's index say exactly what they say from every result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.engine.answers import labs as lab_answers
from bot.engine.answers.common import Facts
from bot.engine.replies import Reply
from bot.i18n import translator
from store import (
    Interpretation,
    LabResult,
    RecordStatus,
    ReferenceRange,
    Store,
)
from tests.store.conftest import USER

NAMES = [
    ("Hémoglobine glyquée", None, 4.0, 6.0),
    ("HbA1c", "hémoglobine glyquée", 4.0, 6.0),
    ("Glycémie à jeun", None, 0.7, 1.1),
    ("Cholestérol LDL", None, 0.0, 1.6),
    ("Créatinine", None, 60.0, 110.0),
    ("Test maison", None, 1.0, 2.0),
]

Ask = Callable[[Facts], list[Reply]]
QUESTIONS: dict[str, Ask] = {
    "trend": lambda f: lab_answers.trend(f, translator("fr"), "hba1c", None, None),
    "latest": lambda f: lab_answers.value(f, translator("fr"), "glucose", None, None),
    "at a date": lambda f: lab_answers.value(
        f, translator("fr"), "ldl", date(2021, 3, 1), date(2021, 3, 1)
    ),
    "out of range": lambda f: lab_answers.out_of_range(f, translator("fr"), None, None),
    "unknown test": lambda f: lab_answers.value(f, translator("fr"), "tsh", None, None),
}


def _results(n: int) -> list[LabResult]:
    labs = []
    for i in range(n):
        name, normalized, low, high = NAMES[i % len(NAMES)]
        labs.append(
            LabResult(
                name=name,
                normalized_name=normalized,
                value=low + (high - low) * ((i * 7) % 13) / 10,
                reference_range=ReferenceRange(low=low, high=high),
                interpretation=Interpretation.NORMAL if i % 4 else None,
                effective_date=date(2020, 1, 1) + timedelta(days=(i * 5) % 700),
                status=RecordStatus.PROPOSED if i % 9 == 0 else RecordStatus.CONFIRMED,
            )
        )
    return labs


def _answers(store: Store) -> dict[str, list[Reply]]:
    answers = {}
    for name, ask in QUESTIONS.items():
        with store.vault(USER) as vault:
            answers[name] = ask(Facts(vault))
    return answers


def _from_every_result(store: Store) -> dict[str, list[Reply]]:
    with store.vault(USER) as vault:
        labs = vault.records(LabResult)
        documents = vault.list_documents()
    return {name: ask(Facts(labs=labs, documents=documents)) for name, ask in QUESTIONS.items()}


def test_lab_answers_from_the_index_are_unchanged(
    store: Store, opener: Callable[..., Store], validated: list[int]
):
    built = validated  # records built by each bulk validation
    labs = _results(300)
    with store.vault(USER) as vault:
        vault.save_all(labs)
    expected = _from_every_result(store)  # full read: writes the indexed snapshot
    assert _answers(opener(cache_profiles=0)) == expected
    assert built == [100, 50, 50, 6, 0]  # hba1c (two names), glucose, ldl, 1 per name, tsh
    assert "Test maison" not in str(expected["out of range"])  # in range
    with opener().vault(USER) as vault:  # another instance writes after the snapshot
        vault.delete(LabResult, labs[1].id)
        vault.save(labs[7].model_copy(update={"value": 9.9, "effective_date": date(2023, 1, 1)}))
        vault.save(labs[0].model_copy(update={"status": RecordStatus.CONFIRMED}))
    expected = _from_every_result(opener(cache_profiles=0, snapshot_min=0))
    assert _answers(opener(cache_profiles=0)) == expected
