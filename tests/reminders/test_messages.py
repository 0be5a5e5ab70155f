"""What users read (real catalogues, French and English) and what logs never contain."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.i18n import translator
from bot.reminders.actions import AdherenceLine, adherence_text
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.planner import sync
from store.records import Duration, Language, Medication, Posology, RecordStatus, TimeOfDay
from tests.reminders.conftest import RecordingSender

START = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)


def test_weekly_summary_reads_naturally():
    line = AdherenceLine(
        reminder_label="Amoxicilline", subject_id="m", taken=6, skipped=0, total=7
    )
    assert "6 of 7 doses of Amoxicilline taken" in adherence_text(translator("en"), [line])
    assert "6 prise(s) sur 7 de Amoxicilline" in adherence_text(translator("fr"), [line])


async def test_reminders_in_the_users_language_and_no_drug_name_in_logs(store, clock, caplog):
    medication = Medication(
        name="Amoxicilline",
        status=RecordStatus.CONFIRMED,
        posology=Posology(
            when=[TimeOfDay.MORNING],
            dose={"value": 1, "unit": "comprimé"},
            supply_duration=Duration(value=10, unit="d"),
        ),
    )
    with store.vault(7) as vault:
        vault.set_chat_id(7)
        vault.save_profile(vault.get_profile().model_copy(update={"language": Language.EN}))
        vault.save(medication)
        sync(vault, START)
    sender = RecordingSender()
    sender.fail_next = 1

    async def no_sleep(_: float) -> None:
        return None

    dispatcher = Dispatcher(store, sender, clock, sleep=no_sleep)
    caplog.set_level(logging.DEBUG)
    clock.set(datetime(2026, 3, 27, 7, 0, tzinfo=UTC))
    await dispatcher.tick()  # fails once, requeued
    clock.advance(seconds=30)
    await dispatcher.tick()
    clock.set(START + timedelta(days=9, hours=5))  # renewal notice (supply ends 6 April)
    await dispatcher.tick()
    texts = sender.texts
    assert texts[0] == "💊 08:00 — time for Amoxicilline: 1 comprimé."
    renewal = next(t for t in texts if "prescription for Amoxicilline ends" in t)
    assert "06/04/2026" in renewal
    missed = next(t for t in texts if "could not be sent on time" in t)
    assert "double dose" in missed
    buttons = [b.label for row in sender.sent[0][1][0].buttons for b in row]
    assert buttons == ["✅ Taken", "⏰ Later", "⏭ Skip", "🔕 Stop these reminders"]
    assert caplog.records, "the dispatcher logs its ticks"
    assert "Amoxicilline" not in caplog.text and "comprimé" not in caplog.text


def test_reminder_titles_for_listing():
    from bot.reminders.messages import reminder_title
    from store.records import Reminder, ReminderKind

    fr = translator("fr")
    assert (
        reminder_title(fr, Reminder(kind=ReminderKind.VACCINATION, label="influenza")) == "grippe"
    )
    assert (
        reminder_title(fr, Reminder(kind=ReminderKind.SCREENING, label="breast_screening"))
        == "dépistage du cancer du sein"
    )
    assert reminder_title(fr, Reminder(kind=ReminderKind.INTAKE, label="Doliprane")) == "Doliprane"
