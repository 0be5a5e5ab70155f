"""What a user does with reminders: answer (taken/later/skip), pause, stop, adherence.

The engine calls these from a button (``handle_button``) or from a sentence recognised by the NLU
("arrête les rappels du Doliprane" → ``pause_reminders(vault, medication_id)``). All take a vault
already opened for the user and a ``now``; nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.engine.replies import Text
from bot.reminders.messages import ACTIONS, SNOOZE, Messages, parse_callback
from bot.reminders.planner import shift_out_of_quiet, zone
from store.records import Occurrence, OccurrenceAnswer, Reminder, ReminderKind
from store.vault import Vault


class AnswerResult(BaseModel):
    """What answering an occurrence did."""

    model_config = ConfigDict(frozen=True)

    occurrence: Occurrence
    reminder: Reminder | None
    snoozed_to: Occurrence | None = None
    already: bool = False


class AdherenceLine(BaseModel):
    """Doses taken out of doses due for one medication over a period."""

    model_config = ConfigDict(frozen=True)

    reminder_label: str
    subject_id: str | None
    taken: int
    skipped: int
    total: int


def find_occurrence(vault: Vault, occurrence_id: str) -> Occurrence | None:
    """The occurrence with this id in the vault's profile, if any."""
    return next((o for o in vault.list_occurrences() if o.id == occurrence_id), None)


def answer_occurrence(
    vault: Vault, occurrence_id: str, answer: OccurrenceAnswer, now: datetime
) -> AnswerResult | None:
    """Record the user's answer; SNOOZED also plans a new occurrence (+30 min for a dose).

    Answering twice keeps the first answer (a double tap does not snooze twice); returns None
    when the occurrence is not this profile's.
    """
    occurrence = find_occurrence(vault, occurrence_id)
    if occurrence is None:
        return None
    reminder = next((r for r in vault.list_reminders() if r.id == occurrence.reminder_id), None)
    if occurrence.answer is not None:
        return AnswerResult(occurrence=occurrence, reminder=reminder, already=True)
    updated = occurrence.model_copy(
        update={
            "answer": answer,
            "answered_at": now,
            # Answered means it was delivered: never let a save make it claimable again.
            "sent_at": occurrence.sent_at or now,
        }
    )
    saved = [updated]
    snoozed: Occurrence | None = None
    if answer == OccurrenceAnswer.SNOOZED and reminder is not None:
        delay = SNOOZE.get(reminder.kind, timedelta(minutes=30))
        profile = vault.get_profile()
        due = now + delay
        if delay >= timedelta(days=1) or reminder.kind != ReminderKind.INTAKE:
            due = shift_out_of_quiet(due, profile.reminders, zone(profile))
        snoozed = Occurrence(reminder_id=occurrence.reminder_id, due_at=due)
        saved.append(snoozed)
    vault.save_occurrences(saved)
    return AnswerResult(occurrence=updated, reminder=reminder, snoozed_to=snoozed)


def _matching(reminders: Sequence[Reminder], subject_id: str | None) -> list[Reminder]:
    return [r for r in reminders if subject_id is None or r.subject_id == subject_id]


def pause_reminders(vault: Vault, subject_id: str | None, *, until: datetime | None = None) -> int:
    """Pause the reminders about ``subject_id`` (all when None) until ``until``, or stop them.

    Returns how many reminders changed. Stopped reminders keep their history (adherence).
    """
    changed = 0
    for reminder in _matching(vault.list_reminders(), subject_id):
        if not reminder.active:
            continue
        update: dict[str, object] = {"paused_until": until} if until else {"active": False}
        vault.save_reminder(reminder.model_copy(update=update))
        changed += 1
    return changed


def resume_reminders(vault: Vault, subject_id: str | None) -> int:
    """Lift a pause on the reminders about ``subject_id`` (all when None)."""
    changed = 0
    for reminder in _matching(vault.list_reminders(), subject_id):
        if reminder.paused_until is not None:
            vault.save_reminder(reminder.model_copy(update={"paused_until": None}))
            changed += 1
    return changed


def is_paused(reminder: Reminder, now: datetime) -> bool:
    """Whether a reminder should stay silent at ``now``."""
    return not reminder.active or (
        reminder.paused_until is not None and reminder.paused_until > now
    )


def adherence(vault: Vault, since: datetime, until: datetime) -> list[AdherenceLine]:
    """Intake doses taken / skipped / due per medication for occurrences due in [since, until).

    A snoozed occurrence is replaced by its follow-up and is not counted; a dose with no answer
    counts as not taken.
    """
    reminders = {r.id: r for r in vault.list_reminders() if r.kind == ReminderKind.INTAKE}
    lines: dict[str, dict[str, int]] = {}
    labels: dict[str, tuple[str, str | None]] = {}
    for occurrence in vault.list_occurrences(since=since, until=until):
        reminder = reminders.get(occurrence.reminder_id)
        if reminder is None or not since <= occurrence.due_at < until:
            continue
        if occurrence.answer == OccurrenceAnswer.SNOOZED:
            continue
        key = reminder.subject_id or reminder.id
        labels.setdefault(key, (reminder.label, reminder.subject_id))
        counts = lines.setdefault(key, {"taken": 0, "skipped": 0, "total": 0})
        counts["total"] += 1
        if occurrence.answer == OccurrenceAnswer.TAKEN:
            counts["taken"] += 1
        elif occurrence.answer == OccurrenceAnswer.SKIPPED:
            counts["skipped"] += 1
    return [
        AdherenceLine(reminder_label=labels[k][0], subject_id=labels[k][1], **counts)
        for k, counts in sorted(lines.items(), key=lambda kv: labels[kv[0]][0].lower())
    ]


def adherence_text(t: Messages, lines: Sequence[AdherenceLine]) -> str:
    """The weekly summary: "6 of 7 doses of Amoxicilline taken", one line per medication."""
    if not lines:
        return t("reminders.adherence.none")
    body = [t("reminders.adherence.title")]
    body += [
        t("reminders.adherence.line", taken=line.taken, total=line.total, name=line.reminder_label)
        for line in lines
    ]
    return "\n".join(body)


def weekly_adherence(vault: Vault, now: datetime) -> list[AdherenceLine]:
    """Adherence over the 7 days before ``now``."""
    return adherence(vault, now - timedelta(days=7), now)


def handle_button(vault: Vault, data: str, now: datetime, t: Messages) -> list[Text] | None:
    """Apply a reminder button (taken / later / skip / stop); None if ``data`` is not ours."""
    parsed = parse_callback(data)
    if parsed is None:
        return None
    action, occurrence_id = parsed
    answer = ACTIONS[action]
    if answer is None:
        occurrence = find_occurrence(vault, occurrence_id)
        reminder = None
        if occurrence is not None:
            reminder = next(
                (r for r in vault.list_reminders() if r.id == occurrence.reminder_id), None
            )
        if reminder is None:
            return [Text(text=t("reminders.answer.unknown"))]
        if reminder.subject_id:
            pause_reminders(vault, reminder.subject_id)
        else:
            vault.save_reminder(reminder.model_copy(update={"active": False}))
        return [Text(text=t("reminders.answer.stopped", name=reminder.label))]
    result = answer_occurrence(vault, occurrence_id, answer, now)
    if result is None:
        return [Text(text=t("reminders.answer.unknown"))]
    if result.already:
        return [Text(text=t("reminders.answer.already"))]
    if result.snoozed_to is not None:
        profile = vault.get_profile()
        local = result.snoozed_to.due_at.astimezone(zone(profile))
        return [Text(text=t("reminders.answer.snoozed", time=local.strftime("%H:%M")))]
    key = "taken" if answer == OccurrenceAnswer.TAKEN else "skipped"
    return [Text(text=t(f"reminders.answer.{key}"))]
