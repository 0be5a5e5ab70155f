"""Webhook mode: Telegram POSTs updates with the secret token; anything else is refused."""

from __future__ import annotations

import asyncio
import json

import httpx

from bot.engine.events import Event, TextIn, UserRef
from bot.engine.replies import Button, Reply, Text
from bot.settings import Settings
from bot.tg.application import TelegramOptions, adapter_of, build_application
from bot.tg.inline import inline_message
from bot.tg.webhook import SECRET_HEADER, new_secret, send_call, webhook_mode
from tests.fakes.bot_api import FakeBotApi
from tests.telegram.conftest import EchoEngine, Emit, png_bytes


def update_json(update_id: int, user_id: int, text: str) -> str:
    message = {
        "message_id": 1,
        "date": 1_700_000_000,
        "from": {"id": user_id, "is_bot": False, "first_name": "Eve"},
        "chat": {"id": user_id, "type": "private"},
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message})


async def test_webhook_serves_telegram_and_rejects_forgeries(
    bot_api: FakeBotApi, tg_settings: Settings
):
    engine = EchoEngine()
    app = build_application(tg_settings, engine, TelegramOptions(album_delay=0.2))
    secret = new_secret()
    async with webhook_mode(app, public_url=None, secret=secret, port=0, max_body_bytes=64_000):
        registered = bot_api.calls_of("setWebhook")[-1].params
        assert registered["secret_token"] == secret
        url = registered["url"]

        # Telegram (the fake) delivers updates with the secret: served.
        alice = bot_api.user(1001)
        await alice.send_text("par webhook")
        await alice.expect_text("echo: par webhook")
        assert bot_api.webhook_responses == [200]

        async with httpx.AsyncClient(timeout=5) as client:
            forged = update_json(900, 1001, "forged")
            no_header = await client.post(url, content=forged)
            wrong = await client.post(url, content=forged, headers={SECRET_HEADER: "guess"})
            malformed = await client.post(
                url, content="{not json", headers={SECRET_HEADER: secret}
            )
            huge = update_json(901, 1001, "x" * 100_000)
            try:
                too_big = (
                    await client.post(url, content=huge, headers={SECRET_HEADER: secret})
                ).status_code
            except httpx.HTTPError:
                too_big = None  # the server may just close the connection
        assert (no_header.status_code, wrong.status_code, malformed.status_code) == (403, 403, 400)
        assert too_big != 200
        await bot_api.wait_quiet(0.3)
    texts = [e.text for _, e in engine.events if hasattr(e, "text")]
    assert texts == ["par webhook"], (
        "forged, malformed and oversized requests never reach the engine"
    )


class SlowEngine(EchoEngine):
    """Echo, but ``slow`` takes longer than the webhook waits for an answer."""

    async def handle(self, user: UserRef, event: Event, emit: Emit | None = None) -> list[Reply]:
        if isinstance(event, TextIn) and event.text == "slow":
            await asyncio.sleep(0.6)
        return await super().handle(user, event, emit)


async def test_a_plain_answer_rides_in_the_webhook_response_anything_else_is_sent(
    bot_api: FakeBotApi, tg_settings: Settings
):
    app = build_application(tg_settings, SlowEngine(), TelegramOptions(album_delay=0.2))
    async with webhook_mode(app, public_url=None, secret=new_secret(), port=0, reply_wait=0.3):
        alice = bot_api.user(1001)
        await alice.send_text("bonjour <b>")
        plain = await alice.expect_text("echo: bonjour")
        assert plain.via_webhook, "one plain message: carried by the webhook response"
        assert (plain.text, plain.params["parse_mode"]) == ("echo: bonjour &lt;b&gt;", "HTML")

        await alice.send_photo(png_bytes())
        with_buttons = await alice.expect_buttons()
        assert with_buttons.via_webhook, "buttons need no message id: inline too"
        await alice.press("Confirmer")
        pressed = await alice.expect_text("pressed ok:1")
        assert pressed.via_webhook

        await alice.send_text("long 120")  # split in two messages
        parts = [await alice.expect(), await alice.expect()]
        assert [p.via_webhook for p in parts] == [False, False]
        await alice.send_text("file")
        assert not (await alice.expect(lambda c: c.method == "sendDocument")).via_webhook

        await alice.send_text("slow")  # the request gave up waiting: sent the usual way
        late = await alice.expect_text("echo: slow", within=5)
        assert not late.via_webhook
        # An answer the response could not carry (Telegram hung up): made as a Bot API call.
        buttons = [[Button(label="Oui", data="y")]]
        call = inline_message(1001, [Text(text="repli", buttons=buttons)])
        assert call is not None
        await send_call(app, call)
        fallback = await alice.expect_text("repli")
        assert not fallback.via_webhook and fallback.callback_data == ["y"]
        await bot_api.wait_quiet(0.3)
        rendered = adapter_of(app).metrics.render()
        assert "carnet_answers_in_webhook_response_total 3\n" in rendered
    texts = [c.text for c in alice.replies()]
    assert texts.count("echo: slow") == 1, "an answer goes one way only"
    assert set(bot_api.webhook_responses) == {200}
