"""Property-based fuzzing of what tests/extraction/test_parsers_fuzz.py leaves out: numbers and
quantities, lab lines fed straight to the lab parser, the conversation's NLU (intents, dates,
periods, posology in words, drug lookups), and the engine's handling of any text, command or
button data: nothing raises, and no input makes the engine fall back to its "internal error"."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import drugs
from bot.engine.engine import Engine, EngineConfig
from bot.engine.events import ButtonIn, CommandIn, Event, TextIn, UserRef
from bot.engine.nlu import find_kind, find_lab_test, find_vaccine, normalize, understand
from bot.engine.onboarding import CONSENT_YES
from bot.engine.periods import find_date, find_period
from bot.engine.posology_words import read_posology
from bot.engine.replies import Text
from bot.i18n import translator
from extraction.options import ExtractionOptions
from extraction.parse.lab import find_sampling_date, parse_lab_report
from extraction.parse.lines import lines_of
from extraction.parse.patterns.numbers import parse_number
from extraction.text import ReadPage, TextLine
from store import open_store
from store.api import Store
from tests.fakes.clock import FakeClock
from tests.fakes.ocr import ScriptedExtractor, prescription

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TODAY = date(2026, 3, 10)
OPTIONS = ExtractionOptions()

WORDS = [
    "quels",
    "sont",
    "mes",
    "traitements",
    "?",
    "what",
    "my",
    "treatments",
    "allergique",
    "allergic",
    "à",
    "la",
    "pénicilline",
    "Doliprane",
    "1000",
    "mg",
    "Levothyrox",
    "75",
    "µg",
    "le",
    "matin",
    "soir",
    "2",
    "fois",
    "par",
    "jour",
    "twice",
    "daily",
    "depuis",
    "since",
    "mars",
    "March",
    "2025",
    "l'an",
    "dernier",
    "last",
    "year",
    "hier",
    "yesterday",
    "HbA1c",
    "glycémie",
    "cholestérol",
    "vaccin",
    "tétanos",
    "rappel",
    "remind",
    "me",
    "dans",
    "3",
    "mois",
    "months",
    "je",
    "prends",
    "I",
    "take",
    "arrête",
    "stop",
    "export",
    "supprimer",
    "31/02/2026",
    "2026-13-45",
    "0",
    "-1",
    "99999999999999",
    "1/0",
    "½",
    "1,5",
    "1.5",
    "x3/j",
    "\u202e",
    "\u200f",
    "\x00",
    "\x1b",
    "💊",
    "🩺",
    "<b>",
    "&amp;",
    "'",
    '"',
    "\n",
    "%",
    "$",
]
phrases = st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join)
any_text = st.one_of(st.text(max_size=300), phrases, st.text(max_size=4096).map(str.strip))
LAB = [
    "Hémoglobine",
    "HbA1c",
    "Glucose",
    "Créatinine",
    "Sodium",
    "12,5",
    "5.4",
    "<",
    ">",
    "g/dL",
    "%",
    "mmol/L",
    "µmol/L",
    "(",
    ")",
    "-",
    "4,0-6,0",
    "135 - 145",
    "H",
    "L",
    "*",
    "↑",
    "Prélevé le",
    "12/03/2026",
    "Antériorités",
    "Valeurs de référence",
    "99999999999999",
]
lab_lines = st.lists(
    st.one_of(st.lists(st.sampled_from(LAB), max_size=10).map(" ".join), st.text(max_size=60)),
    max_size=25,
)


@FUZZ
@given(st.one_of(st.text(max_size=40), phrases))
def test_numbers_and_quantities_never_raise(text: str) -> None:
    value = parse_number(text)
    assert value is None or isinstance(value, float)


@FUZZ
@given(lab_lines)
def test_lab_lines_never_raise_and_values_are_finite(texts: list[str]) -> None:
    page = ReadPage(number=1, lines=[TextLine(text=t) for t in texts], width=2480, height=3508)
    lines = lines_of([page])
    find_sampling_date(lines)
    for result in parse_lab_report(lines, "doc", OPTIONS):
        assert result.value is None or math.isfinite(result.value), "no NaN or infinite value"


@FUZZ
@given(any_text)
def test_conversation_nlu_never_raises(text: str) -> None:
    intent = understand(text, TODAY, ["Levothyrox", "Doliprane"])
    assert intent.name
    normalize(text)
    find_lab_test(text)
    find_vaccine(text)
    find_kind(text)
    find_date(text, TODAY)
    find_period(text, TODAY)
    read_posology(text)
    drugs.lookup(text[:80])


class Errors(logging.Handler):
    """Collects the engine's "engine error" records."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def onboarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, UserRef]]:
    """An engine over a real encrypted SQLite store, one user past consent (module-wide)."""
    import secrets

    folder: Path = tmp_path_factory.mktemp("fuzz")
    store: Store = open_store(f"sqlite:///{folder / 'c.db'}", secrets.token_bytes(32))
    engine = Engine(
        store=store,
        clock=FakeClock(),
        extract=ScriptedExtractor(prescription("Doliprane 1000 mg")),
        config=EngineConfig(),
    )
    user = UserRef(user_id=1001, chat_id=1001, language_code="fr")
    asyncio.run(engine.handle(user, CommandIn(name="start", args="")))
    asyncio.run(engine.handle(user, ButtonIn(data=CONSENT_YES)))
    yield engine, user
    store.close()


events = st.one_of(
    any_text.map(lambda t: TextIn(text=t)),
    st.builds(
        CommandIn,
        name=st.sampled_from(["start", "aide", "help", "export", "langue", "fuseau", "x", ""]),
        args=any_text,
    ),
    st.one_of(
        st.text(max_size=64),
        st.sampled_from(["doc:ok:", "doc:fix:", "doc:no:", "doc:send:", "st:ok", "rem:", "lang:"]),
    ).map(lambda d: ButtonIn(data=d)),
)


@FUZZ
@given(st.lists(events, min_size=1, max_size=4))
def test_engine_answers_any_text_command_or_button_without_internal_error(
    onboarded: tuple[Engine, UserRef], sequence: list[Event]
) -> None:
    engine, user = onboarded
    errors = Errors()
    logging.getLogger("carnet.engine").addHandler(errors)
    internal = translator("fr")("error.internal")
    try:
        for event in sequence:
            replies = asyncio.run(engine.handle(user, event))
            texts = [r.text for r in replies if isinstance(r, Text)]
            assert replies, f"no answer to {event!r}"
            assert internal not in texts, f"internal error on {event!r}"
    finally:
        logging.getLogger("carnet.engine").removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]
