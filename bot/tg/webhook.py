"""Webhook mode: an asyncio HTTP server (``bot.tg.http``) checks Telegram's secret and body size.

Threat model: the webhook URL is public. Telegram sends ``X-Telegram-Bot-Api-Secret-Token`` with
the secret given to setWebhook; any request without it (compared in constant time) gets 403 and
never reaches the engine. Bodies over ``max_body_bytes`` are refused by the HTTP server before
they are read in full; malformed JSON gets 400. TLS is expected to end at a reverse proxy.

A request waits (``reply_wait`` seconds at most) for its update's turn: a plain one-message
answer goes back in the response body as a ``sendMessage`` call, which Telegram carries out
(``bot.tg.inline``), saving the bot a Bot API request per answer.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlparse

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.tg.application import TgApplication, adapter_of
from bot.tg.http import Listener, Request, Response
from bot.tg.inline import JsonDict
from bot.tg.outbound import with_retries

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""Updates are small JSON documents (files are fetched separately); 1 MB is generous."""
REPLY_WAIT_SECONDS = 10.0
"""How long a webhook request waits for its update's answer to carry it in the response
(``bot.tg.inline``); a turn still running then gets an empty 200 and sends its answer itself.
Telegram keeps at most ``MAX_CONNECTIONS`` requests open at once."""
MAX_CONNECTIONS = 100
"""Telegram's maximum of simultaneous webhook requests (answers are awaited in them)."""


def new_secret() -> str:
    """A random secret token in Telegram's alphabet (A-Z, a-z, 0-9, _ and -)."""
    return secrets.token_urlsafe(48)


def path_of(webhook_url: str) -> str:
    """The local path to serve for a public webhook URL (``/`` when it has none)."""
    return urlparse(webhook_url).path or "/"


class _Updates:
    """The webhook endpoint: secret token, JSON update, queue, answer in the response."""

    def __init__(self, app: TgApplication, secret: str, path: str, reply_wait: float) -> None:
        self.app = app
        self.secret = secret.encode()
        self.path = path
        self.reply_wait = reply_wait

    async def __call__(self, request: Request) -> Response:
        if request.path != self.path:
            return Response(404)
        if request.method != "POST":
            return Response(405)
        given = request.headers.get(SECRET_HEADER.lower(), "")
        if not hmac.compare_digest(given.encode(), self.secret):
            logger.warning("webhook request refused: bad secret token")
            return Response(403)
        try:
            data = json.loads(request.body)
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("webhook request refused: malformed update")
            return Response(400)
        call = await answer_of(self.app, update, self.reply_wait)
        if call is None:
            return Response(200)

        def undelivered() -> None:  # Telegram will redeliver, and the gate drop it: send it
            self.app.create_task(send_call(self.app, call), name="carnet-inline-fallback")

        return Response(200, json.dumps(call).encode(), "application/json", undelivered)


async def answer_of(app: TgApplication, update: Update, within: float) -> JsonDict | None:
    """Queue ``update``; the call to answer its webhook request with, if ready ``within`` s.

    Cancelled (the server stops) after the answer was offered: the answer is sent anyway.
    """
    if within <= 0:
        await app.update_queue.put(update)
        return None
    inline = adapter_of(app).inline
    slot = inline.open(update.update_id)
    answered = False
    try:
        await app.update_queue.put(update)
        call = await inline.wait(slot, within)
        answered = True
        return call
    finally:
        late = inline.forget(update.update_id, slot)
        if late is not None and not answered:
            app.create_task(send_call(app, late), name="carnet-inline-fallback")


async def send_call(app: TgApplication, call: JsonDict) -> None:
    """Send an answer meant for a webhook response (a ``sendMessage``) through the Bot API."""
    markup = call.get("reply_markup")
    keyboard = InlineKeyboardMarkup.de_json(markup, app.bot) if markup else None
    try:
        await with_retries(
            lambda: app.bot.send_message(
                call["chat_id"], call["text"], parse_mode=call["parse_mode"], reply_markup=keyboard
            )
        )
    except TelegramError as exc:
        logger.warning("inline answer not sent: %s", type(exc).__name__)


def close_slots_after_turns(app: TgApplication) -> None:
    """Wrap ``app.process_update``: an update's slot closes when its turn ends, answered or not."""
    process = app.process_update
    inline = adapter_of(app).inline

    async def process_then_close(update: object) -> None:
        try:
            await process(update)
        finally:
            if isinstance(update, Update):
                inline.close(update.update_id)

    app.process_update = process_then_close  # type: ignore[method-assign]


class WebhookServer:
    """Serves Telegram's webhook calls into ``app.update_queue``."""

    def __init__(
        self,
        app: TgApplication,
        *,
        secret: str,
        listen: str = "127.0.0.1",
        port: int = 8443,
        path: str = "/",
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        reply_wait: float = REPLY_WAIT_SECONDS,
    ) -> None:
        self.app = app
        self.reply_wait = reply_wait
        self.secret = secret
        self.listen = listen
        self.path = path
        self.max_body_bytes = max_body_bytes
        self._http = Listener(listen, port)

    @property
    def port(self) -> int:
        """The port listened on (the bound one once started)."""
        return self._http.port

    async def start(self) -> int:
        """Listen; returns the bound port (useful with ``port=0``)."""
        handler = _Updates(self.app, self.secret, self.path, self.reply_wait)
        return await self._http.start(handler, what="webhook server", max_body=self.max_body_bytes)

    async def stop(self) -> None:
        """Stop listening; requests in flight get their answer (``reply_wait`` at most)."""
        await self._http.stop(grace=self.reply_wait + 1.0)


async def register_webhook(app: TgApplication, webhook_url: str, secret: str) -> None:
    """Tell Telegram where to POST updates and which secret token to send."""
    await app.bot.set_webhook(
        webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        max_connections=MAX_CONNECTIONS,
    )


@contextlib.asynccontextmanager
async def webhook_mode(
    app: TgApplication,
    *,
    public_url: str | None,
    secret: str,
    listen: str = "127.0.0.1",
    port: int = 8443,
    path: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    reply_wait: float = REPLY_WAIT_SECONDS,
) -> AsyncIterator[WebhookServer]:
    """Run ``app`` fed by a webhook server; registers the webhook with Telegram.

    ``public_url`` None means the server's own address (tests, a bot behind no proxy).
    The webhook is left registered on exit: another instance may still be serving it.
    """
    server = WebhookServer(
        app,
        secret=secret,
        listen=listen,
        port=port,
        path=path or (path_of(public_url) if public_url else "/telegram"),
        max_body_bytes=max_body_bytes,
        reply_wait=reply_wait,
    )
    close_slots_after_turns(app)
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        bound = await server.start()
        try:
            url = public_url or f"http://{listen}:{bound}{server.path}"
            await register_webhook(app, url, secret)
            yield server
        finally:
            await server.stop()
            await app.stop()
