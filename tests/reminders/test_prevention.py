"""Calendar items offered once through reminders; "done" counts as the last screening."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.reminders.actions import handle_button
from bot.reminders.calendar import due_preventions
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.prevention import (
    due_for,
    schedule_follow_up,
    screening_history,
    sync_preventions,
)
from store.records import Sex, UserProfile
from tests.reminders.conftest import EchoMessages, RecordingSender, echo_translators

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_cycle_keys_are_stable_from_day_to_day():
    profile = UserProfile(birth_year=1960, sex=Sex.FEMALE)
    today = {i.rule_id: i.cycle_key for i in due_preventions(profile, [], [], date(2026, 11, 28))}
    later = {i.rule_id: i.cycle_key for i in due_preventions(profile, [], [], date(2026, 12, 9))}
    assert today == later
    assert today["influenza_65"] == "influenza_65:season2026"
    assert today["dtp_adult"] == "dtp_adult:age65"


async def test_offers_are_sent_once_and_done_is_remembered(store, clock):
    with store.vault(5) as vault:
        vault.set_chat_id(5)
        vault.save_profile(
            vault.get_profile().model_copy(update={"birth_year": 1960, "sex": Sex.FEMALE})
        )
        offered = sync_preventions(vault, NOW)
        labels = {r.label for r in offered.reminders}
        assert {"breast_screening", "influenza", "shingles", "dtp"} <= labels
        assert sync_preventions(vault, NOW + timedelta(days=3)).reminders == []
    sender = RecordingSender()
    clock.set(NOW)
    report = await Dispatcher(store, sender, clock, translators=echo_translators).tick()
    assert report.sent == len(offered.reminders) - 1  # all but the silent weekly check
    assert "reminders.prevention.breast_screening" in sender.texts
    breast = next(
        reply
        for _, replies in sender.sent
        for reply in replies
        if reply.text == "reminders.prevention.breast_screening"
    )
    with store.vault(5) as vault:
        (answer,) = handle_button(vault, breast.buttons[0][0].data, NOW, EchoMessages())
        assert answer.text == "reminders.answer.taken"
        assert screening_history(vault) == {"breast": date(2026, 11, 28)}
        assert "breast" not in {i.rule_id for i in due_for(vault, NOW + timedelta(days=30))}
        # Still nothing new a month later: every other offer was made already.
        assert sync_preventions(vault, NOW + timedelta(days=30)).reminders == []


async def test_follow_up_asked_by_the_user_arrives_at_noon(store, sender, clock):
    with store.vault(5) as vault:
        vault.set_chat_id(5)
        schedule_follow_up(vault, "refaire une prise de sang", NOW, months=3)
    d = Dispatcher(store, sender, clock, translators=echo_translators)
    clock.set(datetime(2027, 2, 28, 11, 0, tzinfo=UTC))
    assert (await d.tick()).sent == 0
    clock.set(datetime(2027, 2, 28, 11, 30, tzinfo=UTC))  # 12:30 in Paris
    assert (await d.tick()).sent == 1
    assert sender.texts == ["reminders.follow_up(what=refaire une prise de sang)"]


async def test_the_weekly_check_offers_the_flu_shot_when_the_campaign_opens(store, clock):
    summer = datetime(2026, 8, 3, 10, 0, tzinfo=UTC)
    with store.vault(5) as vault:
        vault.set_chat_id(5)
        vault.save_profile(vault.get_profile().model_copy(update={"birth_year": 1958}))
        first = {r.label for r in sync_preventions(vault, summer).reminders}
    assert "influenza" not in first and "prevention_check" in first
    sender = RecordingSender()
    d = Dispatcher(store, sender, clock, translators=echo_translators)
    clock.set(summer)
    while clock.now() < datetime(2026, 10, 31, tzinfo=UTC):
        await d.tick()
        clock.advance(days=1)
    flu = [t for t in sender.texts if t == "reminders.prevention.influenza"]
    assert len(flu) == 1
    assert sender.texts.count("reminders.prevention.dtp") == 1
