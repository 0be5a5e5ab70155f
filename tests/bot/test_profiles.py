"""Several profiles per account: a parent adds a child's record, switches, and nothing mixes."""

from __future__ import annotations

from store.api import Store
from store.records import Allergy
from tests.bot.conftest import Chat


def _allergies(store: Store, user_id: int, profile_id: str | None = None) -> set[str]:
    with store.vault(user_id, profile_id) as vault:
        return {a.substance for a in vault.records(Allergy)}


async def test_parent_adds_a_child_profile_and_switches_back(chat: Chat, store: Store) -> None:
    await chat.onboard()
    await chat.say("je suis allergique à la pénicilline")
    await chat.press("Oui")
    assert "Profil « Léa » créé" in await chat.say("/profil ajouter Léa")

    await chat.say("je suis allergique aux arachides")
    assert "enregistré" in await chat.press("Oui")
    listing = await chat.say("/allergies")
    assert "arachides" in listing and "pénicilline" not in listing

    summaries = store.profiles(chat.user.user_id)
    assert [s.display_name for s in summaries] == [None, "Léa"]
    child = summaries[1].profile_id
    assert _allergies(store, chat.user.user_id) == {"pénicilline"}
    assert _allergies(store, chat.user.user_id, child) == {"arachides"}

    menu = await chat.say("/profil")
    assert "✅ Léa" in [b.label for r in chat.last for row in r.buttons for b in row]  # type: ignore[union-attr]
    assert "profils" in menu
    assert "Dossier actif : Moi" in await chat.press("Moi")
    listing = await chat.say("/allergies")
    assert "pénicilline" in listing and "arachides" not in listing
    assert "Dossier actif : Léa" in await chat.say("/profil Léa")
    assert "arachides" in await chat.say("/allergies")


async def test_profile_command_needs_a_name(chat: Chat) -> None:
    await chat.onboard()
    assert "/profil ajouter Léa" in await chat.say("/profil ajouter")
