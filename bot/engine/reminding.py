"""The conversation's side of reminders: keep them in sync with the record, answer their buttons.

Called from the turn that changed the record (same vault transaction, so a reminder never
exists for a medication that was rolled back): ``after_medications`` once a medication is
confirmed, changed or stopped, ``after_prevention_change`` after onboarding and after a new
vaccination or condition. Sentences ("arrête les rappels du Doliprane", "rappelle-moi de refaire
une prise de sang dans 3 mois") arrive here from the NLU; buttons ``rem:<action>:<occurrence>``
from the routes.
"""

from __future__ import annotations

import logging
import re

from bot import reminders
from bot.engine.answers.common import Facts, is_current
from bot.engine.answers.treatments import find as find_medication
from bot.engine.delays import DELAY, FOLLOW_UP_CUE, delay_in
from bot.engine.nlu import Intent, normalize
from bot.engine.replies import Button, Reply, Text
from bot.engine.turn import Turn
from bot.reminders.planner import save_plan, zone
from store.records import ReminderKind

log = logging.getLogger("carnet.engine")

WEEK = "rem:week"
"""Button: show the adherence of the last 7 days."""


def _flush_profile(turn: Turn) -> None:
    """Write the profile changed in this turn, so the planner reads the new hours and zone."""
    if turn.profile_dirty:
        turn.vault.save_profile(turn.profile)
        turn.profile_dirty = False


def after_medications(turn: Turn) -> int:
    """Bring intake and renewal reminders in line with the medications; new intake count."""
    _flush_profile(turn)
    plan = reminders.sync(turn.vault, turn.now)
    intakes = {r.id for r in plan.reminders if r.kind == ReminderKind.INTAKE}
    count = sum(1 for o in plan.occurrences if o.reminder_id in intakes)
    log.info("reminders synced reminders=%d occurrences=%d", len(plan.reminders), count)
    return count


def after_prevention_change(turn: Turn) -> None:
    """Offer the calendar items (vaccinations, screenings) the new facts make due."""
    _flush_profile(turn)
    plan = reminders.sync_preventions(turn.vault, turn.now)
    log.info("preventions synced reminders=%d", len(plan.reminders))


def planned_note(turn: Turn, count: int) -> list[Reply]:
    """After a confirmation that planned intake reminders: say so, offer the weekly summary."""
    if count <= 0:
        return []
    tr = turn.tr
    key = "reminders.planned" if turn.profile.reminders.enabled else "reminders.planned_off"
    return [
        Text(
            text=tr(key, n=count),
            buttons=[
                [
                    Button(label=tr("reminders.see"), data="rem:list"),
                    Button(label=tr("reminders.week_button"), data=WEEK),
                ]
            ],
        )
    ]


def on_button(turn: Turn, data: str) -> list[Reply] | None:
    """A reminder button (taken / later / skip / stop, the week's summary); None if not ours."""
    if data == WEEK:
        return week(turn)
    return reminders.handle_button(turn.vault, data, turn.now, turn.tr)  # type: ignore[return-value]


def week(turn: Turn) -> list[Reply]:
    """Doses taken over the last 7 days ("6 of 7 doses of Amoxicilline taken")."""
    lines = reminders.weekly_adherence(turn.vault, turn.now)
    return [Text(text=reminders.adherence_text(turn.tr, lines))]


def pause(turn: Turn, intent: Intent) -> list[Reply]:
    """Stop the reminders about one product, or all reminders when none is named."""
    tr = turn.tr
    if not intent.product:
        prefs = turn.profile.reminders.model_copy(update={"enabled": False})
        turn.save_profile(turn.profile.model_copy(update={"reminders": prefs}))
        return [
            Text(
                text=tr("reminders.now_off"),
                buttons=[[Button(label=tr("reminders.turn_on"), data="rem:on")]],
            )
        ]
    facts = Facts(turn.vault)
    meds = find_medication(facts, intent.product, turn.today)
    changed = sum(reminders.pause_reminders(turn.vault, med.id) for med in meds)
    if not changed:
        return [Text(text=tr("reminders.pause_none", product=intent.product))]
    current = next((m for m in meds if is_current(m, turn.today)), meds[0])
    return [Text(text=tr("reminders.answer.stopped", name=current.name))]


def follow_up_label(text: str) -> str | None:
    """What to remind: the words between "rappelle-moi de" and the delay, as the user wrote."""
    words = normalize(text)
    cue = FOLLOW_UP_CUE.match(words)
    match = DELAY.search(words)
    if cue is None or match is None:
        return None
    what = words[cue.end() : match.start()].strip() + " " + words[match.end() :].strip()
    what = re.sub(r"\b(s il te plait|s il vous plait|stp|svp|please)\b", "", what)
    what = " ".join(what.split())
    return _original(text, what) if what else None


def _original(text: str, normalized: str) -> str:
    """The user's own words (accents, case) for a normalised phrase, when they can be found."""
    words = text.split()
    size = len(normalized.split())
    for width in (size, size - 1, size + 1):
        for start in range(max(len(words) - width + 1, 0)):
            chunk = " ".join(words[start : start + width])
            if width > 0 and normalize(chunk) == normalized:
                return chunk.strip(" ?!.,;:'’")
    return normalized


def follow_up(turn: Turn, intent: Intent, said: str) -> list[Reply]:
    """Schedule the follow-up the user asked for, at local noon after the delay."""
    tr = turn.tr
    delay = delay_in(normalize(said))
    label = intent.detail or follow_up_label(said)
    if delay is None or not label:
        return [Text(text=tr("reminders.follow_up_how"))]
    _flush_profile(turn)
    plan = reminders.plan_follow_up(label, turn.profile, turn.now, **delay)
    save_plan(turn.vault, plan)
    local = plan.occurrences[0].due_at.astimezone(zone(turn.profile))
    return [Text(text=tr("reminders.follow_up_set", what=label, date=tr.date(local.date())))]
