"""Attackers against the real carnet over the fake Bot API: another user naming someone else's
ids in buttons and commands, groups/supergroups/channels, strangers on a private instance, and
what leaks through logs (the real redacting handler at DEBUG) and /metrics."""

from __future__ import annotations

import asyncio
import io
import logging
import time
import zipfile
from pathlib import Path
from typing import Any

from bot.engine.intake import DROP, FIX, OK
from bot.engine.onboarding import ERASE_YES
from bot.settings import Settings
from bot.tg.application import adapter_of
from store.records import Medication
from tests.fakes.bot_api import FakeBotApi
from tests.hardening.conftest import answer_to, store_state, user_quiet
from tests.hardening.corpus import malformed_pdf
from tests.synthetic.corpus import build_document, render_document
from tests.telegram.conftest import StartBot, onboard


def prescription_pdf(tmp_path: Path, seed: int = 5) -> tuple[Any, bytes]:
    truth, draft = build_document(seed, "prescription", 0)
    files = render_document(tmp_path, truth, draft, ["text_pdf"])
    return truth, (tmp_path / files["text_pdf"][0]).read_bytes()


async def test_another_user_can_never_read_change_export_or_delete_alices_data(
    bot_api: FakeBotApi, carnet: Any, tmp_path: Path
):
    _, pdf = prescription_pdf(tmp_path)
    alice = bot_api.user(1001)
    mallory = bot_api.user(6666, first_name="Mallory")
    await asyncio.gather(onboard(alice), onboard(mallory))
    await alice.send_document(pdf, file_name="ordonnance.pdf")
    summary = await alice.expect(lambda c: OK in " ".join(c.callback_data), within=30)
    await alice.press(next(d for d in summary.callback_data if d.startswith(OK)))
    await alice.expect(lambda c: not c.buttons and c.method == "sendMessage")
    await user_quiet(alice, 0.3)
    with carnet.store.vault(alice.id, create=False) as vault:
        (document,) = vault.list_documents()
        alice_meds = sorted(m.name for m in vault.records(Medication))
        med_ids = [m.id for m in vault.records(Medication)]
    before = store_state(carnet.store, alice.id)

    forged = [
        f"doc:send:{document.id}",
        f"{OK}{document.id}",
        f"{FIX}{document.id}",
        f"{DROP}{document.id}",
        *(f"rem:stop:{i}" for i in med_ids),
        ERASE_YES,
    ]
    for data in forged:
        await mallory.press_data(data)
        await answer_to(mallory, data)
    for command in (f"/export {document.id}", f"/supprimer {document.id}", "/documents"):
        await mallory.send_command(command)
        await answer_to(mallory, command)
    await mallory.send_text(f"montre-moi le document {document.id} et {med_ids[0]}")
    await answer_to(mallory, "ids in text")
    await mallory.send_command("/export")
    archive = await mallory.expect(lambda c: c.method == "sendDocument", within=20)
    await user_quiet(mallory, 0.5)

    shown = " ".join(c.text for c in mallory.replies()).lower()
    assert not [name for name in alice_meds if name.lower() in shown], "nothing of Alice shown"
    uploads = b"".join(u.data for c in mallory.replies() for u in c.uploads.values())
    assert pdf not in uploads, "Alice's original never sent to Mallory"
    with zipfile.ZipFile(io.BytesIO(archive.upload().data)) as zipped:
        content = b"".join(zipped.read(n) for n in zipped.namelist()).lower()
    assert not [n for n in alice_meds if n.lower().encode() in content]
    assert store_state(carnet.store, alice.id) == before, "Alice's record untouched"
    await alice.send_text("quels sont mes traitements ?")
    listing = await answer_to(alice, "Alice still served")
    assert alice_meds[0].split()[0].lower() in listing.lower()


async def test_groups_supergroups_and_channels_are_refused_and_left_without_data(
    bot_api: FakeBotApi, carnet: Any
):
    alice = bot_api.user(1001)
    await onboard(alice)
    group = alice.in_group(-100123, "Famille")
    supergroup = {"id": -1009876, "type": "supergroup", "title": "Cabinet"}
    await alice.add_bot_to_group(group)
    await alice.send_text("quels sont mes traitements ?", chat=group)
    await alice.send_command("/export", chat=supergroup)
    channel = {"id": -1005555, "type": "channel", "title": "Annonces"}
    post = {"message_id": 1, "date": int(time.time()), "chat": channel, "text": "/export"}
    await bot_api.push_update({"channel_post": post})
    await bot_api.wait_quiet(0.5)

    to_groups = [c for c in bot_api.calls if c.chat_id is not None and c.chat_id < 0]
    assert not [c for c in to_groups if c.method in {"sendDocument", "sendPhoto"}]
    assert {c.chat_id for c in to_groups if c.method == "leaveChat"} >= {-100123, -1009876}
    said = " ".join(c.text for c in to_groups).lower()
    assert "levothyrox" not in said and "traitement" not in said.replace("traitements", "")
    assert not carnet.store.has_account(-100123) and not carnet.store.has_account(-1005555)


async def test_allow_list_refuses_strangers_before_anything_is_stored(
    bot_api: FakeBotApi, start_bot: StartBot, tg_settings: Settings
):
    from bot.bootstrap import build_services

    settings = tg_settings.model_copy(update={"allowed_user_ids": "1001, 1002"})
    services = build_services(settings)
    try:
        async with start_bot(services.engine, settings=settings, seen_update=None):
            alice = bot_api.user(1001)
            eve = bot_api.user(7777, language_code="en")
            await eve.send_command("/start")
            refusal = await answer_to(eve, "stranger")
            await eve.send_text("I take Levothyrox")
            await eve.send_document(b"%PDF-1.4", file_name="x.pdf")
            await bot_api.wait_quiet(0.4)
            assert len(eve.replies()) == 1, "told once, then ignored"
            assert "carnet" in refusal.lower() or refusal
            assert not services.store.has_account(7777), "no account for a stranger"
            await onboard(alice)
            assert services.store.has_account(1001)
    finally:
        services.close()


async def test_real_log_handler_and_metrics_hold_no_health_data(
    bot_api: FakeBotApi, start_bot: StartBot, tg_settings: Settings, tmp_path: Path
):
    from bot.bootstrap import build_services
    from bot.logs import setup_logging

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging(tg_settings.model_copy(update={"log_level": "DEBUG"}), stream=stream)
    services = build_services(tg_settings)
    truth, pdf = prescription_pdf(tmp_path, 9)
    secret = b"Levothyrox Albertine Hemoglobine 13,5"
    damaged = malformed_pdf().replace(b"/Pages 9 0 R", b"/Pages 9 0 R " + secret)
    try:
        async with start_bot(services.engine, seen_update=services.store.seen_update) as app:
            alice = bot_api.user(1001, first_name="Albertine")
            await onboard(alice)
            await alice.send_document(pdf, file_name="ordonnance-albertine.pdf")
            summary = await alice.expect(lambda c: OK in " ".join(c.callback_data), within=30)
            await alice.press(next(d for d in summary.callback_data if d.startswith(OK)))
            await alice.expect(lambda c: not c.buttons and c.method == "sendMessage")
            await alice.send_document(damaged, file_name="abime.pdf")
            await answer_to(alice, "damaged PDF")
            await alice.send_text("je suis allergique à la pénicilline")
            await alice.expect_buttons()
            await alice.send_command("/export")
            await alice.expect(lambda c: c.method == "sendDocument", within=20)
            await user_quiet(alice, 0.5)
            metrics = adapter_of(app).metrics.render().lower()
    finally:
        services.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    logs = stream.getvalue().lower()
    assert logs.count("\n") > 10, "the scenario was logged"
    secrets = [
        "levothyrox",
        "albertine",
        "hemoglobine",
        "pénicilline",
        "penicilline",
        "ordonnance",
        "abime",
        *(m.name.lower() for m in truth.medications),
    ]
    assert [s for s in secrets if s in logs] == [], "no health data in the logs"
    assert [s for s in secrets if s in metrics] == [], "no health data in /metrics"
    assert "carnet_" in metrics


async def test_an_engine_failure_quoting_health_data_is_logged_without_its_message(
    tg_settings: Settings, monkeypatch: Any
):
    """A bug whose exception text quotes a record (pydantic errors quote input values) is
    logged through the real handler with its type and frames, never its text."""
    from bot.bootstrap import build_services
    from bot.engine import routes
    from bot.engine.events import ButtonIn, TextIn, UserRef
    from bot.engine.onboarding import CONSENT_YES
    from bot.logs import setup_logging

    def broken(*_args: Any) -> Any:
        raise ValueError("input_value='Levothyrox 75 µg' for Albertine, né le 03/03/1960")

    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging(tg_settings.model_copy(update={"log_level": "DEBUG"}), stream=stream)
    services = build_services(tg_settings)
    try:
        user = UserRef(user_id=1001, chat_id=1001, language_code="fr")
        await services.engine.handle(user, ButtonIn(data=CONSENT_YES))
        monkeypatch.setattr(routes, "route", broken)
        await services.engine.handle(user, TextIn(text="bonjour"))
    finally:
        services.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    logs = stream.getvalue()
    assert "ValueError" in logs and "test_attackers.py" in logs, "type and frames kept"
    assert "Levothyrox" not in logs and "Albertine" not in logs and "1960" not in logs
