"""Routing inside one turn: commands, buttons and text to onboarding, intake or an answer."""

from __future__ import annotations

from bot.engine import intake, onboarding, paging, profiles, reminding
from bot.engine.answers import allergies, documents, fallback, labs, treatments, vaccines
from bot.engine.answers import reminders as reminder_answers
from bot.engine.answers.export import export
from bot.engine.commands import COMMANDS
from bot.engine.dialogue import ONBOARDING, Step, step_of
from bot.engine.events import ButtonIn, CommandIn, Event, TextIn, UnsupportedIn
from bot.engine.nlu import STATEMENTS, Intent, normalize, understand
from bot.engine.replies import LeaveChat, Reply, Text
from bot.engine.turn import Turn
from store.records import DialogueState, Medication

YES = frozenset(
    {"oui", "yes", "ok", "d accord", "daccord", "confirme", "confirmer", "yep", "ouais"}
)
NO = frozenset({"non", "no", "annule", "annuler", "cancel", "nope"})
NOT_PAGED = frozenset({"delete", "export", "reminders.pause", "reminders.follow_up", "unknown"})
"""Intents whose answer acts (or asks) rather than lists: never cut in pages."""


def route(turn: Turn, event: Event | None) -> list[Reply]:
    """Answer a command, a button press or a text message."""
    if isinstance(event, CommandIn):
        return command(turn, event)
    if isinstance(event, ButtonIn):
        return button(turn, event)
    if isinstance(event, TextIn):
        return text(turn, event)
    return []


def unsupported(turn: Turn, event: Event | None) -> list[Reply]:
    """A sticker, a voice note, an oversized file: say what carnet accepts."""
    what = event.what if isinstance(event, UnsupportedIn) else ""
    if what == "group_chat":
        return [Text(text=turn.tr("group.refused")), LeaveChat()]
    key = {"file_too_big": "error.file_too_big", "edited_message": "error.edited"}.get(
        what, "error.unsupported"
    )
    return [Text(text=turn.tr(key))]


def command(turn: Turn, event: CommandIn) -> list[Reply]:
    """Slash commands (French and English names)."""
    action = COMMANDS.get(event.name.lower().split("@")[0])
    tr = turn.tr
    if action is None:
        return fallback.unknown(tr)
    if action == "start":
        if turn.profile.onboarded:
            return [Text(text=tr("onboarding.welcome_back")), *fallback.help_text(tr)]
        turn.set_state(DialogueState(version=turn.state.version, step=Step.BIRTH_YEAR.value))
        return onboarding.ask_birth_year(tr)
    if action == "cancel":
        turn.reset_state()
        return [Text(text=tr("common.cancelled"))]
    if action == "language":
        if event.args.strip().lower() in {"fr", "en", "francais", "english"}:
            return onboarding.choose_language(turn, event.args.strip().lower()[:2])
        return onboarding.ask_language(tr)
    if action == "timezone":
        if event.args.strip():
            zone = onboarding.zone_in(event.args)
            if zone:
                turn.save_profile(turn.profile.model_copy(update={"timezone": zone}))
                return [Text(text=tr("settings.timezone_set", zone=zone))]
        turn.set_state(DialogueState(version=turn.state.version, step=Step.ASK_TIMEZONE.value))
        return onboarding.ask_timezone(tr, turn.profile.timezone)
    if action == "profile":
        return profiles.command(turn, event.args)
    return answer(turn, Intent(name=action), "")


def button(turn: Turn, event: ButtonIn) -> list[Reply]:
    """Button presses; the data only ever names the caller's own pending items."""
    data = event.data
    tr = turn.tr
    step = step_of(turn.state.step)
    if data == onboarding.CONSENT_YES:
        return [Text(text=tr("onboarding.already"))]
    if data.startswith(("doc:ok:", "doc:fix:", "doc:no:")):
        return intake.on_document_button(turn, data)
    if data.startswith(documents.SEND):
        return documents.send(
            data[len(documents.SEND) :], tr, lambda i: turn.vault.get_document(i, with_pages=True)
        )
    if data in (intake.STATEMENT_OK, intake.STATEMENT_NO):
        return intake.on_statement_answer(turn, data == intake.STATEMENT_OK)
    if data.startswith("lang:"):
        return onboarding.choose_language(turn, data[5:])
    if data == onboarding.ERASE_NO:
        turn.reset_state()
        return [Text(text=tr("erase.kept"))]
    if data == "rem:hours":
        turn.set_state(DialogueState(version=turn.state.version, step=Step.ASK_HOURS.value))
        return onboarding.ask_hours(tr, turn.profile.reminders)
    if data in ("rem:on", "rem:off"):
        prefs = turn.profile.reminders.model_copy(update={"enabled": data == "rem:on"})
        turn.save_profile(turn.profile.model_copy(update={"reminders": prefs}))
        return [Text(text=tr("reminders.now_on" if data == "rem:on" else "reminders.now_off"))]
    if data.startswith(paging.MORE):
        page = paging.more(turn, data, full_answer)
        return page if page is not None else [Text(text=tr("more.expired"))]
    if data.startswith(profiles.SWITCH):
        return profiles.switch(turn, data)
    if data == "rem:list":
        return answer(turn, Intent(name="reminders.list"), "")
    if data.startswith("rem:"):
        handled = reminding.on_button(turn, data)
        if handled is not None:
            return handled
    if step in (*ONBOARDING, Step.ASK_TIMEZONE, Step.ASK_HOURS):
        return onboarding.on_onboarding(turn, step, event)
    return [Text(text=tr("intake.expired"))]


def text(turn: Turn, event: TextIn) -> list[Reply]:
    """Free text: the pending step first, then understanding."""
    step = step_of(turn.state.step)
    tr = turn.tr
    if step in (*ONBOARDING, Step.ASK_TIMEZONE, Step.ASK_HOURS):
        return onboarding.on_onboarding(turn, step, event)
    words = normalize(event.text)
    if step is Step.CONFIRM_STATEMENT:
        if words in YES:
            return intake.on_statement_answer(turn, True)
        if words in NO:
            return intake.on_statement_answer(turn, False)
    if step is Step.CONFIRM_ERASE:
        turn.reset_state()
        return [Text(text=tr("erase.kept"))]
    if step is Step.CORRECT_DOCUMENT:
        if words in NO:
            turn.set_state(turn.state.model_copy(update={"step": Step.CONFIRM_DOCUMENT.value}))
            return [Text(text=tr("intake.still_pending"))]
        return intake.correct(turn, event.text)
    if step is Step.CONFIRM_DOCUMENT and words in YES and turn.state.document_id:
        return intake.on_document_button(turn, intake.OK + turn.state.document_id)
    if step is Step.CONFIRM_DOCUMENT and intake.looks_like_correction(event.text):
        replies = intake.correct(turn, event.text)
        if replies and replies[0].text != tr("intake.correction_not_understood"):  # type: ignore[union-attr]
            return replies
    known = sorted({m.name for m in turn.vault.records(Medication)})
    intent = understand(event.text, turn.today, known)
    replies = answer(turn, intent, event.text)
    if step is Step.CONFIRM_DOCUMENT and intent.name not in STATEMENTS:
        replies.append(Text(text=tr("intake.still_pending")))
    return replies


def answer(turn: Turn, intent: Intent, said: str) -> list[Reply]:
    """The reply to an understood intent, cut in pages when it is long."""
    replies = full_answer(turn, intent, said)
    if intent.name in STATEMENTS or intent.name in NOT_PAGED:
        return replies
    return paging.paged(turn, intent, said, replies)


def full_answer(turn: Turn, intent: Intent, said: str) -> list[Reply]:
    """The whole reply to an understood intent."""
    tr = turn.tr
    name = intent.name
    if name in STATEMENTS:
        return intake.propose_statement(turn, intent, said) or fallback.unknown(tr)
    if name == "help":
        return fallback.help_text(tr)
    if name == "greeting":
        return [Text(text=tr("greeting"))]
    if name == "thanks":
        return [Text(text=tr("thanks"))]
    if name == "delete":
        return onboarding.ask_erase(turn)
    if name == "export":
        return export(turn)
    if name == "reminders.list":
        return reminder_answers.upcoming(
            turn.vault.list_reminders(),
            turn.vault.list_occurrences(since=turn.now),
            turn.profile,
            tr,
            turn.now,
        )
    if name == "reminders.pause":
        return reminding.pause(turn, intent)
    if name == "reminders.follow_up":
        return reminding.follow_up(turn, intent, said)
    if name == "unknown":
        return fallback.unknown(tr)
    facts = intake.load_facts(turn)
    today = turn.today
    if name == "vaccines":
        return [*vaccines.listing(facts, tr), *vaccines.due(facts, tr, turn.profile, today)]
    if name == "treatments.current":
        return treatments.current(facts, tr, today)
    if name == "treatments.past":
        return treatments.past(facts, tr, today, intent.start, intent.end, intent.product)
    if name.startswith("treatment."):
        return treatments.about(facts, tr, today, intent.product, name.split(".")[1])
    if name == "can_take":
        return allergies.can_take(facts, tr, today, intent.product)
    if name == "allergies.list":
        return allergies.listing(facts, tr)
    if name == "vaccines.list":
        return vaccines.listing(facts, tr, intent.vaccine, intent.start, intent.end)
    if name == "vaccines.due":
        return vaccines.due(facts, tr, turn.profile, today)
    if name == "labs.value":
        return labs.value(facts, tr, intent.test, intent.start, intent.end)
    if name == "labs.out_of_range":
        return labs.out_of_range(facts, tr, intent.start, intent.end)
    if name == "labs.trend":
        return labs.trend(facts, tr, intent.test, intent.start, intent.end)
    if name == "labs.list":
        return labs.listing(facts, tr)
    if name == "documents.list":
        return documents.listing(facts, tr, intent.kind)
    if name == "documents.show":
        return documents.show(
            facts,
            tr,
            intent.kind,
            intent.start,
            intent.end,
            lambda i: turn.vault.get_document(i, with_pages=True),
        )
    return fallback.unknown(tr)
