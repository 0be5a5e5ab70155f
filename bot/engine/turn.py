"""One turn of conversation: the user's vault, profile, dialogue state and language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.engine.events import UserRef
from bot.i18n import Translator
from store.api import ProfileSummary
from store.records import DialogueState, UserProfile
from store.vault import Vault


@dataclass
class Turn:
    """What a handler needs to answer one event, inside one vault transaction."""

    user: UserRef
    vault: Vault
    profile: UserProfile
    state: DialogueState
    tr: Translator
    now: datetime
    today: date
    profile_dirty: bool = False
    state_dirty: bool = False
    notes: list[str] = field(default_factory=list)
    list_profiles: Callable[[], list[ProfileSummary]] | None = None
    add_profile: str | None = None
    switch_to: str | None = None

    def set_state(self, state: DialogueState) -> None:
        """Replace the dialogue state (saved at the end of the turn)."""
        self.state = state
        self.state_dirty = True

    def reset_state(self) -> None:
        """Back to idle, forgetting any pending draft."""
        self.set_state(DialogueState(version=self.state.version))

    def save_profile(self, profile: UserProfile) -> None:
        """Replace the profile (saved at the end of the turn)."""
        self.profile = profile
        self.profile_dirty = True
