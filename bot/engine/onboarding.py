"""Onboarding and settings: consent, then birth year, sex, timezone, reminder hours, language.

Before the consent button is pressed nothing is stored: not even an account. The welcome text says
what carnet does and does not do and how data is protected. Settings commands (``/langue``,
``/fuseau``, ``/rappels``) reuse the same steps.
"""

from __future__ import annotations

import re
from datetime import time

from bot.engine import reminding
from bot.engine.clock import is_valid_zone
from bot.engine.dialogue import Step
from bot.engine.events import ButtonIn, CommandIn, Event, UserRef
from bot.engine.replies import Button, Reply, Text
from bot.engine.turn import Turn
from bot.i18n import Translator, pick_language, translator
from store.api import Store
from store.records import (
    AuditAction,
    Consent,
    DialogueState,
    Language,
    ReminderPrefs,
    Sex,
)

CONSENT_YES = "consent:yes"
CONSENT_NO = "consent:no"
ERASE_YES = "erase:yes"
ERASE_NO = "erase:no"
SKIP = "onb:skip"
KEEP_TZ = "tz:keep"
KEEP_HOURS = "hours:keep"
START_COMMANDS = {"start"}

# Places people type instead of an IANA name (matching input, not user-facing text).
PLACES: dict[str, str] = {
    "paris": "Europe/Paris",
    "france": "Europe/Paris",
    "londres": "Europe/London",
    "london": "Europe/London",
    "bruxelles": "Europe/Brussels",
    "brussels": "Europe/Brussels",
    "geneve": "Europe/Zurich",
    "suisse": "Europe/Zurich",
    "montreal": "America/Toronto",
    "quebec": "America/Toronto",
    "new york": "America/New_York",
    "guadeloupe": "America/Guadeloupe",
    "martinique": "America/Martinique",
    "guyane": "America/Cayenne",
    "reunion": "Indian/Reunion",
    "la reunion": "Indian/Reunion",
    "mayotte": "Indian/Mayotte",
    "noumea": "Pacific/Noumea",
    "nouvelle caledonie": "Pacific/Noumea",
    "tahiti": "Pacific/Tahiti",
    "polynesie": "Pacific/Tahiti",
    "utc": "UTC",
}


def welcome(tr: Translator) -> list[Reply]:
    """The /start text with the consent buttons."""
    return [
        Text(
            text=tr("onboarding.welcome"),
            buttons=[
                [Button(label=tr("onboarding.consent_yes"), data=CONSENT_YES)],
                [Button(label=tr("onboarding.consent_no"), data=CONSENT_NO)],
            ],
        )
    ]


def consent_prompt(tr: Translator) -> list[Reply]:
    """Reminder that nothing can be kept before consent."""
    return [Text(text=tr("onboarding.need_consent")), *welcome(tr)]


def before_consent(user: UserRef, event: Event | None, default_language: str) -> list[Reply]:
    """Anything from someone without an account: welcome and consent, nothing stored."""
    tr = translator(pick_language(None, user.language_code, default_language))
    if isinstance(event, ButtonIn) and event.data == CONSENT_NO:
        return [Text(text=tr("onboarding.declined"))]
    if isinstance(event, CommandIn) and event.name in START_COMMANDS:
        return welcome(tr)
    if isinstance(event, CommandIn) and event.name in {"aide", "help"}:
        return [Text(text=tr("help.text")), *welcome(tr)]
    if event is None or isinstance(event, ButtonIn | CommandIn):
        return consent_prompt(tr)
    return welcome(tr)


def is_consent_yes(event: Event | None) -> bool:
    """Whether ``event`` is the consent button."""
    return isinstance(event, ButtonIn) and event.data == CONSENT_YES


def accept_consent(turn: Turn) -> list[Reply]:
    """Record consent (the first thing ever stored) and ask the birth year."""
    profile = turn.profile.model_copy(
        update={
            "consent": Consent(given=True, at=turn.now),
            "language": Language(turn.tr.language),
        }
    )
    turn.save_profile(profile)
    turn.vault.set_chat_id(turn.user.chat_id)
    turn.vault.audit(AuditAction.CONSENTED, "profile")
    turn.set_state(DialogueState(version=turn.state.version, step=Step.BIRTH_YEAR.value))
    return [Text(text=turn.tr("onboarding.thanks")), *ask_birth_year(turn.tr)]


def ask_birth_year(tr: Translator) -> list[Reply]:
    """Ask the birth year (skippable)."""
    return [
        Text(
            text=tr("onboarding.ask_birth_year"),
            buttons=[[Button(label=tr("common.skip"), data=SKIP)]],
        )
    ]


def ask_sex(tr: Translator) -> list[Reply]:
    """Ask the sex, for the vaccination and screening calendar."""
    return [
        Text(
            text=tr("onboarding.ask_sex"),
            buttons=[
                [
                    Button(label=tr("sex.female"), data="sex:f"),
                    Button(label=tr("sex.male"), data="sex:m"),
                ],
                [
                    Button(label=tr("sex.other"), data="sex:o"),
                    Button(label=tr("common.skip"), data=SKIP),
                ],
            ],
        )
    ]


def ask_timezone(tr: Translator, current: str) -> list[Reply]:
    """Ask the timezone, offering to keep the current one."""
    return [
        Text(
            text=tr("onboarding.ask_timezone", zone=current),
            buttons=[[Button(label=tr("onboarding.keep_timezone", zone=current), data=KEEP_TZ)]],
        )
    ]


def ask_hours(tr: Translator, prefs: ReminderPrefs) -> list[Reply]:
    """Ask the reminder hours, offering to keep the current ones."""
    return [
        Text(
            text=tr("onboarding.ask_hours", hours=describe_hours(tr, prefs)),
            buttons=[[Button(label=tr("onboarding.keep_hours"), data=KEEP_HOURS)]],
        )
    ]


def describe_hours(tr: Translator, prefs: ReminderPrefs) -> str:
    """``matin 8:00, midi 12:30, soir 19:30, coucher 22:00``."""
    parts = [
        (tr("time.morning"), prefs.morning),
        (tr("time.noon"), prefs.noon),
        (tr("time.evening"), prefs.evening),
        (tr("time.bedtime"), prefs.bedtime),
    ]
    return ", ".join(f"{name} {value.strftime('%H:%M')}" for name, value in parts)


def on_onboarding(turn: Turn, step: Step, event: Event) -> list[Reply]:
    """Advance the onboarding (or a settings question) with a typed answer or a button."""
    tr = turn.tr
    data = event.data if isinstance(event, ButtonIn) else None
    text = getattr(event, "text", "") or ""
    if step is Step.BIRTH_YEAR:
        if data != SKIP:
            year = _year_in(text, turn.today.year)
            if year is None:
                return [Text(text=tr("onboarding.bad_birth_year")), *ask_birth_year(tr)]
            turn.save_profile(turn.profile.model_copy(update={"birth_year": year}))
        _go(turn, Step.SEX)
        return ask_sex(tr)
    if step is Step.SEX:
        sex = {"sex:f": Sex.FEMALE, "sex:m": Sex.MALE, "sex:o": Sex.OTHER}.get(data or "")
        if sex is None and data != SKIP:
            sex = _sex_in(text)
            if sex is None:
                return ask_sex(tr)
        if sex is not None:
            turn.save_profile(turn.profile.model_copy(update={"sex": sex}))
        _go(turn, Step.TIMEZONE)
        return ask_timezone(tr, turn.profile.timezone)
    if step in (Step.TIMEZONE, Step.ASK_TIMEZONE):
        if data != KEEP_TZ:
            zone = zone_in(text)
            if zone is None:
                return [Text(text=tr("onboarding.bad_timezone"))]
            turn.save_profile(turn.profile.model_copy(update={"timezone": zone}))
        if step is Step.ASK_TIMEZONE:
            turn.reset_state()
            return [Text(text=tr("settings.timezone_set", zone=turn.profile.timezone))]
        _go(turn, Step.HOURS)
        return ask_hours(tr, turn.profile.reminders)
    if step in (Step.HOURS, Step.ASK_HOURS):
        if data != KEEP_HOURS:
            prefs = hours_in(text, turn.profile.reminders)
            if prefs is None:
                return [Text(text=tr("onboarding.bad_hours"))]
            turn.save_profile(turn.profile.model_copy(update={"reminders": prefs}))
        hours = describe_hours(tr, turn.profile.reminders)
        if step is Step.ASK_HOURS:
            turn.reset_state()
            return [Text(text=tr("settings.hours_set", hours=hours))]
        turn.save_profile(turn.profile.model_copy(update={"onboarded": True}))
        turn.reset_state()
        reminding.after_prevention_change(turn)
        return [Text(text=tr("onboarding.done", hours=hours)), Text(text=tr("help.text"))]
    turn.reset_state()
    return []


def _go(turn: Turn, step: Step) -> None:
    turn.set_state(DialogueState(version=turn.state.version, step=step.value))


def _year_in(text: str, this_year: int) -> int | None:
    match = re.search(r"\b(19\d\d|20\d\d)\b", text)
    if not match:
        return None
    year = int(match.group(1))
    return year if 1900 <= year <= this_year else None


def _sex_in(text: str) -> Sex | None:
    words = set(re.findall(r"[a-zéè]+", text.lower()))
    if words & {"femme", "f", "female", "woman", "feminin", "féminin"}:
        return Sex.FEMALE
    if words & {"homme", "h", "m", "male", "man", "masculin"}:
        return Sex.MALE
    if words & {"autre", "other"}:
        return Sex.OTHER
    return None


def zone_in(text: str) -> str | None:
    """An IANA timezone from what the user typed (``Europe/Paris``, ``Montréal``), or None."""
    raw = text.strip()
    if is_valid_zone(raw):
        return raw
    key = _fold(raw)
    if key in PLACES:
        return PLACES[key]
    candidate = raw.replace(" ", "_").title()
    for region in ("Europe", "America", "Africa", "Asia", "Indian", "Pacific", "Atlantic"):
        if is_valid_zone(f"{region}/{candidate}"):
            return f"{region}/{candidate}"
    return None


def hours_in(text: str, current: ReminderPrefs) -> ReminderPrefs | None:
    """Reminder hours from ``8h 12h30 19h 22h`` (morning, noon, evening, bedtime, in order)."""
    found = re.findall(r"\b([01]?\d|2[0-3])\s*(?:h|:|heures?)\s*([0-5]\d)?\b", text.lower())
    if not found:
        return None
    times = [time(int(h), int(m or 0)) for h, m in found]
    names = ["morning", "noon", "evening", "bedtime"]
    if len(times) == 2:
        names = ["morning", "evening"]
    update = dict(zip(names, times, strict=False))
    return current.model_copy(update=update)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9/ ]+", " ", plain).strip()


def choose_language(turn: Turn, code: str) -> list[Reply]:
    """Set the language the user chose."""
    language = Language.EN if code == "en" else Language.FR
    turn.save_profile(
        turn.profile.model_copy(update={"language": language, "language_chosen": True})
    )
    tr = translator(language.value)
    turn.tr = tr
    return [Text(text=tr("settings.language_set"))]


def ask_language(tr: Translator) -> list[Reply]:
    """Offer the two languages."""
    return [
        Text(
            text=tr("settings.ask_language"),
            buttons=[
                [
                    Button(label="Français", data="lang:fr"),
                    Button(label="English", data="lang:en"),
                ]
            ],
        )
    ]


def ask_erase(turn: Turn) -> list[Reply]:
    """Ask for confirmation before erasing everything."""
    turn.set_state(DialogueState(version=turn.state.version, step=Step.CONFIRM_ERASE.value))
    return [
        Text(
            text=turn.tr("erase.ask"),
            buttons=[
                [Button(label=turn.tr("erase.yes"), data=ERASE_YES)],
                [Button(label=turn.tr("erase.no"), data=ERASE_NO)],
            ],
        )
    ]


def is_erase_confirmation(event: Event) -> bool:
    """Whether ``event`` is the erase confirmation button."""
    return isinstance(event, ButtonIn) and event.data == ERASE_YES


def erase(store: Store, user: UserRef, event: Event, default_language: str) -> list[Reply]:
    """Crypto-shred and delete the account (only after the confirmation button)."""
    language = default_language
    with store.vault(user.user_id, create=False) as vault:
        profile = vault.get_profile()
        state = vault.get_dialogue()
        language = pick_language(
            profile.language.value if profile.language else None,
            user.language_code,
            default_language,
        )
        if state.step != Step.CONFIRM_ERASE.value:
            return [Text(text=translator(language)("erase.expired"))]
    store.erase_account(user.user_id)
    return [Text(text=translator(language)("erase.done"))]
