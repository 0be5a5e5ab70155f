"""Reminders through the conversation: a confirmed prescription plans doses, buttons answer them.

End to end through the engine and the dispatcher, on a real encrypted SQLite store with a
controlled clock: what users see is the prescription they confirmed turning into reminders, the
taken / later / skip buttons being kept, and sentences pausing or scheduling reminders.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.engine.events import ButtonIn
from bot.engine.replies import Reply, Text
from bot.reminders import Dispatcher
from extraction.result import ExtractedDocument
from store.api import Store
from store.records import (
    DocumentKind,
    Duration,
    Medication,
    OccurrenceAnswer,
    PeriodUnit,
    Posology,
    Quantity,
    Reminder,
    ReminderKind,
    TimeOfDay,
)
from tests.bot.conftest import Chat
from tests.fakes.clock import FakeClock
from tests.fakes.ocr import ScriptedExtractor

PARIS = ZoneInfo("Europe/Paris")


def seven_days(*names: str) -> ExtractedDocument:
    """A prescription: 1 tablet morning and evening for 7 days, per name."""
    meds = [
        Medication(
            name=name,
            posology=Posology(
                text="1 cp matin et soir pendant 7 jours",
                dose=Quantity(value=1, unit="comprimé"),
                when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                duration=Duration(value=7, unit=PeriodUnit.DAY),
            ),
        )
        for name in names
    ]
    return ExtractedDocument(
        document_id="x",
        source_name="ordonnance.jpg",
        kind=DocumentKind.PRESCRIPTION,
        document_date=date(2026, 3, 10),
        prescriber="Dr Claire Martin",
        text="ORDONNANCE",
        medications=meds,
    )


class Inbox:
    """The dispatcher's sender: what reached the user's chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, list[Reply]]] = []

    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        self.sent.append((chat_id, replies))

    def take(self) -> list[Text]:
        texts = [r for _, replies in self.sent for r in replies if isinstance(r, Text)]
        self.sent.clear()
        return texts


def _reminders(store: Store, user_id: int) -> list[Reminder]:
    with store.vault(user_id) as vault:
        return vault.list_reminders()


def _intake_occurrences(store: Store, user_id: int, name: str) -> list:
    with store.vault(user_id) as vault:
        ids = {
            r.id
            for r in vault.list_reminders()
            if r.kind == ReminderKind.INTAKE and r.label.startswith(name)
        }
        return sorted(
            (o for o in vault.list_occurrences() if o.reminder_id in ids), key=lambda o: o.due_at
        )


async def _confirmed_prescription(chat: Chat, extractor: ScriptedExtractor, *names: str) -> str:
    extractor.push(seven_days(*names))
    extractor.queue.pop(0)
    await chat.onboard()
    await chat.photo()
    return await chat.press("Confirmer")


async def test_confirmed_prescription_plans_fourteen_doses_at_local_hours(
    chat: Chat, store: Store, extractor: ScriptedExtractor
) -> None:
    said = await _confirmed_prescription(chat, extractor, "Amoxicilline 1 g")
    assert "14 rappel(s) de prise" in said and "bilan de la semaine" in said
    doses = _intake_occurrences(store, chat.user.user_id, "Amoxicilline")
    assert len(doses) == 14
    local = [o.due_at.astimezone(PARIS) for o in doses]
    assert {t.strftime("%H:%M") for t in local} == {"08:00", "19:30"}
    # Confirmed at 10:00 (Paris): the first dose is this evening, the 14th a week later.
    assert local[0] == datetime(2026, 3, 10, 19, 30, tzinfo=PARIS)
    assert local[-1] == datetime(2026, 3, 17, 8, 0, tzinfo=PARIS)
    # The weekly summary is planned, and onboarding offered the prevention calendar.
    kinds = {r.kind for r in _reminders(store, chat.user.user_id)}
    assert ReminderKind.SUMMARY in kinds and ReminderKind.SCREENING in kinds
    listing = await chat.say("mes rappels")
    assert "Amoxicilline 1 g" in listing and "vérification du calendrier" not in listing


async def test_taken_later_skip_buttons_are_kept(
    chat: Chat, store: Store, clock: FakeClock, extractor: ScriptedExtractor
) -> None:
    await _confirmed_prescription(chat, extractor, "Amoxicilline 1 g")
    inbox = Inbox()
    dispatcher = Dispatcher(store, inbox, clock)
    doses = _intake_occurrences(store, chat.user.user_id, "Amoxicilline")

    answers = []
    for label, expected in (("Pris", "C'est noté ✅"), ("Plus tard", "Je vous le rappelle à"),
                            ("Sauter", "prise sautée")):  # fmt: skip
        doses_left = _intake_occurrences(store, chat.user.user_id, "Amoxicilline")
        clock.set(min(o.due_at for o in doses_left if o.sent_at is None and o.answer is None))
        await dispatcher.tick()
        [message] = [m for m in inbox.take() if "Amoxicilline" in m.text]
        button = next(b for row in message.buttons for b in row if label in b.label)
        assert button.data.startswith("rem:")
        chat.last = await chat.send(ButtonIn(data=button.data))
        assert expected in chat.text
        answers.append(button.data.rsplit(":", 1)[1])

    by_id = {o.id: o for o in _intake_occurrences(store, chat.user.user_id, "Amoxicilline")}
    assert [by_id[i].answer for i in answers] == [
        OccurrenceAnswer.TAKEN,
        OccurrenceAnswer.SNOOZED,
        OccurrenceAnswer.SKIPPED,
    ]
    # "Later" planned one more occurrence 30 minutes on, for the same dose.
    assert len(by_id) == len(doses) + 1
    # Pressing a button twice does not answer twice.
    chat.last = await chat.send(ButtonIn(data=f"rem:s:{answers[0]}"))
    assert "déjà répondu" in chat.text
    week = await chat.send(ButtonIn(data="rem:week"))
    assert any("1 prise(s) sur" in r.text for r in week if isinstance(r, Text))


async def test_stop_sentence_pauses_only_that_medication(
    chat: Chat, store: Store, clock: FakeClock, extractor: ScriptedExtractor
) -> None:
    await _confirmed_prescription(chat, extractor, "Doliprane 1000 mg", "Amoxicilline 1 g")
    said = await chat.say("arrête les rappels du Doliprane")
    assert "Rappels de Doliprane 1000 mg arrêtés" in said
    active = {r.label for r in _reminders(store, chat.user.user_id) if r.active and r.subject_id}
    assert not any(label.startswith("Doliprane") for label in active)
    assert any(label.startswith("Amoxicilline") for label in active)
    inbox = Inbox()
    clock.set(datetime(2026, 3, 12, 7, 5, tzinfo=UTC))
    await Dispatcher(store, inbox, clock).tick()
    texts = [t.text for t in inbox.take()]
    assert texts and not any("Doliprane" in t for t in texts)


async def test_stop_sentence_in_english(
    engine, store: Store, extractor: ScriptedExtractor
) -> None:
    chat = Chat(engine, user_id=2002, language="en")
    extractor.push(seven_days("Doliprane 1000 mg"))
    extractor.queue.pop(0)
    await chat.onboard()
    await chat.photo()
    assert "14 intake reminder(s)" in await chat.press("Confirm")
    assert "Doliprane 1000 mg" in await chat.say("stop the Doliprane reminders")
    assert not any(r.active for r in _reminders(store, 2002) if r.subject_id)
    said = await chat.say("remind me to redo a blood test in 3 months")
    assert "redo a blood test" in said and "10 June 2026" in said


async def test_follow_up_sentence_schedules_at_the_noon_hour(chat: Chat, store: Store) -> None:
    await chat.onboard()
    said = await chat.say("rappelle-moi de refaire une prise de sang dans 3 mois")
    assert "refaire une prise de sang" in said and "10 juin 2026" in said
    [reminder] = [
        r for r in _reminders(store, chat.user.user_id) if r.kind == ReminderKind.FOLLOW_UP
    ]
    assert reminder.label == "refaire une prise de sang"
    with store.vault(chat.user.user_id) as vault:
        [due] = [o.due_at for o in vault.list_occurrences() if o.reminder_id == reminder.id]
    assert due.astimezone(PARIS) == datetime(2026, 6, 10, 12, 30, tzinfo=PARIS)  # "midi" hour


async def test_stopping_a_treatment_stops_its_reminders(
    chat: Chat, store: Store, extractor: ScriptedExtractor
) -> None:
    await _confirmed_prescription(chat, extractor, "Amoxicilline 1 g")
    await chat.say("j'ai arrêté l'amoxicilline")
    await chat.press("Oui")
    assert not any(
        r.active for r in _reminders(store, chat.user.user_id) if r.kind == ReminderKind.INTAKE
    )


async def test_terminal_chat_prints_due_reminders_in_process(
    engine, store: Store, clock: FakeClock, tmp_path
) -> None:
    import io

    from bot.chat.terminal import TerminalChat, local_dispatcher

    out = io.StringIO()
    terminal = TerminalChat(engine, tmp_path / "files", out, "fr")
    terminal.dispatcher = local_dispatcher(store, clock, terminal)
    assert await terminal.deliver_due() == 0  # no account yet: nothing claimed
    script = ["/start", "1", "1975", "1", "1", "1", "je prends du Levothyrox 75 le matin", "1"]
    await terminal.run(io.StringIO("\n".join(script) + "\n"))
    assert "C'est enregistré" in out.getvalue()
    clock.set(datetime(2026, 3, 11, 7, 0, tzinfo=UTC))  # 08:00 in Paris
    assert await terminal.deliver_due() >= 1
    assert "💊 08:00 — c'est l'heure de Levothyrox" in out.getvalue()
    assert "[1] ✅ Pris" in out.getvalue()
