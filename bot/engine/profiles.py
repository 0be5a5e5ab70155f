"""Several profiles per account (a parent keeping a child's record): /profil to add and switch.

The active profile's id is kept in the default profile's dialogue state (``data["profile"]``),
so a restart or a second instance continues in the same profile. Adding a profile needs the
account's write lock, which the turn's vault holds: the turn only records what to do, and
``after_turn`` does it once the turn's transaction is over.
"""

from __future__ import annotations

from bot.engine.replies import Button, Reply, Text
from bot.engine.turn import Turn
from store.api import ProfileSummary, Store
from store.records import Consent, DialogueState

ACTIVE = "profile"
"""Key of the active profile's id in the default profile's ``DialogueState.data``."""

SWITCH = "prof:"
"""Button data prefix: ``prof:<profile id>``."""

ADD_WORDS = ("ajouter", "ajoute", "add", "nouveau", "new", "creer", "créer", "create")


def active_of(state: DialogueState, default_id: str) -> str | None:
    """The profile to use this turn when it is not the default one."""
    active = state.data.get(ACTIVE)
    return active if active and active != default_id else None


def _label(turn: Turn, summary: ProfileSummary) -> str:
    name = summary.display_name or turn.tr("profile.me")
    return f"✅ {name}" if summary.profile_id == turn.vault.profile_id else name


def command(turn: Turn, args: str) -> list[Reply]:
    """``/profil``: list and switch; ``/profil ajouter Léa``: add one; ``/profil Léa``: switch."""
    tr = turn.tr
    words = args.strip().split(maxsplit=1)
    if words and words[0].lower() in ADD_WORDS:
        name = words[1].strip() if len(words) > 1 else ""
        if not name or len(name) > 40:
            return [Text(text=tr("profile.how"))]
        turn.add_profile = name
        return [Text(text=tr("profile.added", name=name))]
    summaries = turn.list_profiles() if turn.list_profiles else []
    if words:
        wanted = args.strip().lower()
        for summary in summaries:
            if (summary.display_name or tr("profile.me")).lower() == wanted:
                return switch(turn, SWITCH + summary.profile_id)
        return [Text(text=tr("profile.unknown", name=args.strip())), *command(turn, "")]
    buttons = [[Button(label=_label(turn, s), data=SWITCH + s.profile_id)] for s in summaries]
    return [Text(text=tr("profile.list"), buttons=buttons)]


def switch(turn: Turn, data: str) -> list[Reply]:
    """Make the profile named by a ``prof:<id>`` button the active one."""
    tr = turn.tr
    wanted = data.removeprefix(SWITCH)
    summaries = turn.list_profiles() if turn.list_profiles else []
    chosen = next((s for s in summaries if s.profile_id == wanted), None)
    if chosen is None:
        return [Text(text=tr("profile.unknown", name="?"))]
    turn.switch_to = chosen.profile_id
    name = chosen.display_name or tr("profile.me")
    return [Text(text=tr("profile.switched", name=name))]


def after_turn(store: Store, user_id: int, turn: Turn) -> None:
    """Add the profile asked for (set up like the current one) and record the active profile."""
    target = turn.switch_to
    if turn.add_profile:
        target = store.add_profile(user_id, turn.add_profile)
        parent = turn.profile
        with store.vault(user_id, target) as vault:
            child = vault.get_profile()
            vault.save_profile(
                child.model_copy(
                    update={
                        "consent": Consent(given=True, at=turn.now),
                        "onboarded": True,
                        "language": parent.language,
                        "language_chosen": parent.language_chosen,
                        "timezone": parent.timezone,
                        "reminders": parent.reminders,
                    }
                )
            )
    if target is None:
        return
    with store.vault(user_id) as vault:
        state = vault.get_dialogue()
        data = {**state.data, ACTIVE: target}
        if target == vault.profile_id:
            data.pop(ACTIVE)
        vault.save_dialogue(state.model_copy(update={"data": data}))
