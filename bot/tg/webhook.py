"""Webhook mode: a small tornado server that checks Telegram's secret token and body size.

Threat model: the webhook URL is public. Telegram sends ``X-Telegram-Bot-Api-Secret-Token`` with
the secret given to setWebhook; any request without it (compared in constant time) gets 403 and
never reaches the engine. Bodies over ``max_body_bytes`` are refused by the HTTP server before
they are read in full; malformed JSON gets 400. TLS is expected to end at a reverse proxy.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from tornado.web import RequestHandler

from bot.tg.application import TgApplication
from bot.tg.http import Listener

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""Updates are small JSON documents (files are fetched separately); 1 MB is generous."""


def new_secret() -> str:
    """A random secret token in Telegram's alphabet (A-Z, a-z, 0-9, _ and -)."""
    return secrets.token_urlsafe(48)


def path_of(webhook_url: str) -> str:
    """The local path to serve for a public webhook URL (``/`` when it has none)."""
    return urlparse(webhook_url).path or "/"


class _UpdateHandler(RequestHandler):
    def initialize(self, app: TgApplication, secret: str) -> None:
        self.app = app
        self.secret = secret

    def check_xsrf_cookie(self) -> None:
        """Telegram sends no cookies; the secret token is the check."""

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            logger.warning("webhook request refused: bad secret token")
            self.set_status(403)
            self.finish()
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("webhook request refused: malformed update")
            self.set_status(400)
            self.finish()
            return
        await self.app.update_queue.put(update)
        self.set_status(200)
        self.finish()


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
    ) -> None:
        self.app = app
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
        handlers: list[Any] = [
            (self.path, _UpdateHandler, {"app": self.app, "secret": self.secret})
        ]
        return self._http.start(
            handlers,
            what="webhook server",
            max_body=self.max_body_bytes,
            max_buffer=self.max_body_bytes,
        )

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        await self._http.stop()


async def register_webhook(app: TgApplication, webhook_url: str, secret: str) -> None:
    """Tell Telegram where to POST updates and which secret token to send."""
    await app.bot.set_webhook(
        webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        max_connections=40,
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
    )
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
