"""A fake Telegram Bot API server on 127.0.0.1 (tornado, real HTTP), reused by every Telegram test.

The bot under test runs python-telegram-bot unmodified with ``base_url``/``base_file_url``
pointed here. The fake keeps what Telegram keeps: pending updates (long polling with offsets, or
delivery to a webhook with the secret-token header), files (getFile + download), the messages
the bot sent per chat (edits applied), and every call it received (parameters and uploaded bytes).

Test helpers act as a user would::

    alice = api.user(1001, language_code="fr")
    await alice.send_command("/start")
    call = await alice.expect(lambda c: c.method == "sendMessage")
    await alice.press("J'accepte")

Fault injection: ``api.fail("sendMessage", status=429, retry_after=1)`` or ``status=502``.

Method coverage:

=====================  =========================================================
getMe, getUpdates      bot identity; long polling (``timeout``, ``offset``, ``limit``)
sendMessage & co       recorded and shown in the chat (sendPhoto/sendDocument keep the bytes)
editMessageText        applied to the stored message (``message is not modified`` like Telegram)
getFile + /file/...    file metadata and download (``file is too big`` over 20 MB)
setWebhook & co        webhook mode: updates are POSTed with ``X-Telegram-Bot-Api-Secret-Token``;
                       a method call in the answer's JSON body is carried out (``via_webhook``)
anything else          recorded and answered ``{"ok": true, "result": true}``
=====================  =========================================================
"""

from __future__ import annotations

import asyncio
import bisect
import html
import io
import itertools
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

JsonDict = dict[str, Any]

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""Telegram's Bot API refuses getFile above 20 MB."""

PHOTO_SIDES = (90, 320, 800, 1280)
"""The sizes Telegram keeps of a photo: thumbnails, then the largest side capped at 1280 px."""

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)
"""Calls that put something in front of the user."""

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "media",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "has_spoiler",
        "disable_content_type_detection",
        "max_connections",
    }
)
_INT_FIELDS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "from_chat_id"}
)


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart)."""

    filename: str
    data: bytes
    content_type: str


@dataclass
class ApiCall:
    """One request the bot made to the Bot API."""

    method: str
    params: JsonDict
    uploads: dict[str, Upload] = field(default_factory=dict)
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    via_webhook: bool = False
    """Made by Telegram from the bot's answer to a webhook request, not by a Bot API request."""

    @property
    def chat_id(self) -> int | None:
        """The chat the call addresses, when it has one (a numeric id)."""
        value = self.params.get("chat_id")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        """The message text or the caption."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[list[JsonDict]]:
        """The inline keyboard rows sent with the call (empty when none)."""
        markup = self.params.get("reply_markup") or {}
        return list(markup.get("inline_keyboard") or [])

    @property
    def callback_data(self) -> list[str]:
        """Every inline button's callback data, row by row."""
        return [str(b.get("callback_data")) for row in self.buttons for b in row]

    @property
    def button_labels(self) -> list[str]:
        """Every inline button label, row by row."""
        return [b["text"] for row in self.buttons for b in row]

    def upload(self, name: str | None = None) -> Upload:
        """The uploaded file (the only one, or the one named ``name``)."""
        if name is not None:
            return self.uploads[name]
        (only,) = self.uploads.values()
        return only


@dataclass
class StoredFile:
    """A file Telegram holds for the bot: what getFile describes and /file/ serves."""

    file_id: str
    file_unique_id: str
    path: str
    data: bytes
    declared_size: int

    def describe(self) -> JsonDict:
        """The Bot API ``File`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.declared_size,
            "file_path": self.path,
        }


@dataclass
class Fault:
    """An error to answer instead of the real result, ``times`` times."""

    method: str
    status: int
    retry_after: int | None = None
    times: int = 1
    description: str | None = None
    delay: float = 0.0


class FakeBotApi:
    """The fake server and its state. Start with ``await api.start()``; stop with ``stop()``."""

    def __init__(
        self, token: str = "123456:TEST-token-for-carnet", *, username: str = "carnet_bot"
    ):
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.port = 0
        self.calls: list[ApiCall] = []
        self.files: dict[str, StoredFile] = {}
        self.chats: dict[int, dict[int, JsonDict]] = {}
        self.webhook: JsonDict | None = None
        self.webhook_responses: list[int] = []
        self.balanced_urls: list[str] = []
        self.left_chats: set[int] = set()
        self.faults: list[Fault] = []
        self._pending: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        """Signals new pending updates (long polling)."""
        self._chat_calls: dict[int | None, list[int]] = {}
        """Indices in ``calls`` per chat: a user's ``expect`` reads its own chat's calls only."""
        self._waiters: dict[int | None, list[asyncio.Future[None]]] = {}
        """Who waits for a call to a chat (key None: for any call), woken when one arrives."""
        self._server: HTTPServer | None = None
        self._webhook_client = _WebhookClient()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = Application(
            [
                (r"/bot([^/]+)/(\w+)", _MethodHandler, {"api": self}),
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"api": self}),
            ],
            log_function=_quiet_log,
        )
        sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Close the listening socket and every open connection."""
        async with self._changed:
            self._changed.notify_all()
        self._webhook_client.close()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        """Value for PTB's ``base_url`` (``TELEGRAM_API_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's ``base_file_url`` (``TELEGRAM_FILE_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> JsonDict:
        """The bot's ``User`` object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "carnet",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # -- fault injection -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (429 + retry_after, 5xx).

        ``delay`` holds the answer that long first: longer than the client's read timeout, it
        is a timeout (the call is not carried out, as when Telegram never got it).
        """
        self.faults.append(Fault(method, status, retry_after, times, description, delay))

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    # -- users and updates -----------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        language_code: str | None = "fr",
    ) -> FakeUser:
        """A Telegram user talking to the bot in their private chat."""
        return FakeUser(self, user_id, first_name=first_name, language_code=language_code)

    async def push_update(self, update: JsonDict) -> JsonDict:
        """Queue an update for getUpdates, or POST it to the webhook when one is set."""
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook is not None:
            await self._deliver_to_webhook(update)
            return update
        async with self._changed:
            self._pending.append(update)
            self._changed.notify_all()
        return update

    async def redeliver(self, update: JsonDict) -> None:
        """Deliver an already delivered update again, same ``update_id`` (as after a restart)."""
        if self.webhook is not None:
            await self._deliver_to_webhook(update)
            return
        async with self._changed:
            self._pending.append(update)
            self._changed.notify_all()

    def balance_webhook(self, urls: list[str]) -> None:
        """Deliver webhook updates round-robin to ``urls`` (a load balancer in front of several
        bot instances), with the secret token of the last setWebhook."""
        self.balanced_urls = list(urls)

    async def _deliver_to_webhook(self, update: JsonDict) -> None:
        assert self.webhook is not None
        secret = self.webhook.get("secret_token")
        url = self.webhook["url"]
        if self.balanced_urls:
            url = self.balanced_urls[update["update_id"] % len(self.balanced_urls)]
        response = await self._webhook_client.post(
            url,
            json.dumps(update, separators=(",", ":")).encode(),
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n" if secret else "",
        )
        self.webhook_responses.append(response.status)
        await self._answer_in_response(response)

    async def _answer_in_response(self, response: _WebhookResponse) -> None:
        """Carry out the method call a webhook answered with, as Telegram does.

        Telegram reads a JSON body ``{"method": ..., params...}`` of a 2xx answer and makes the
        call; the bot gets no result (an error is only recorded, like any failed call).
        """
        if not 200 <= response.status < 300 or not response.body:
            return
        if not response.content_type.startswith("application/json"):
            return
        try:
            body = json.loads(response.body)
        except ValueError:
            return
        if not isinstance(body, dict) or not isinstance(body.get("method"), str):
            return
        params = {k: v for k, v in body.items() if k != "method"}
        await self.handle(body["method"], params, {}, via_webhook=True)

    def store_file(
        self, data: bytes, *, kind: str, extension: str, declared_size: int | None = None
    ) -> StoredFile:
        """Keep a file as Telegram would; ``declared_size`` fakes a bigger size."""
        n = next(self._file_ids)
        stored = StoredFile(
            file_id=f"FILE{n:05d}{kind}",
            file_unique_id=f"U{n:05d}",
            path=f"{kind}/file_{n}.{extension}",
            data=data,
            declared_size=declared_size if declared_size is not None else len(data),
        )
        self.files[stored.file_id] = stored
        return stored

    def photo_sizes(self, image: bytes, *, declared_size: int | None = None) -> list[JsonDict]:
        """Telegram's PhotoSize list for an image: thumbnails, then the largest ≤1280 px."""
        from PIL import Image

        with Image.open(io.BytesIO(image)) as original:
            original.load()
            rgb = original.convert("RGB")
        sizes: list[JsonDict] = []
        longest = max(rgb.size)
        for side in PHOTO_SIDES:
            scale = min(1.0, side / longest)
            width, height = max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))
            out = io.BytesIO()
            rgb.resize((width, height)).save(out, "JPEG", quality=87)
            is_last = side == PHOTO_SIDES[-1] or scale == 1.0
            stored = self.store_file(
                out.getvalue(),
                kind="photos",
                extension="jpg",
                declared_size=declared_size if is_last else None,
            )
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": stored.declared_size,
                }
            )
            if scale == 1.0:
                break
        return sizes

    def _new_message(self, chat_id: int, body: JsonDict) -> JsonDict:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": self.bot_user,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            **body,
        }
        self.chats.setdefault(chat_id, {})[message["message_id"]] = message
        return message

    # -- waiting on the bot ----------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[ApiCall], bool],
        *,
        after: int = 0,
        within: float = 10.0,
        chat_id: int | None = None,
    ) -> tuple[int, ApiCall]:
        """The first recorded call at index ≥ ``after`` matching ``predicate`` (index, call).

        With ``chat_id``, only calls to that chat are looked at (and wake this wait): many
        users waiting at once cost one look per call, not one per user.
        """
        start = after

        def find() -> tuple[int, ApiCall] | None:
            nonlocal start
            calls = self.calls
            if chat_id is None:
                indices: Iterable[int] = range(start, len(calls))
            else:
                mine = self._chat_calls.get(chat_id, [])
                indices = mine[bisect.bisect_left(mine, start) :]
            for index in indices:
                if predicate(calls[index]):
                    return index, calls[index]
            start = len(calls)
            return None

        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(within):
                while (found := find()) is None:
                    waiter: asyncio.Future[None] = loop.create_future()
                    self._waiters.setdefault(chat_id, []).append(waiter)
                    await waiter
        except TimeoutError:
            seen = [(c.method, c.chat_id) for c in self.calls[after:]]
            raise AssertionError(
                f"no matching Bot API call within {within}s; saw {seen}"
            ) from None
        return found

    async def wait_quiet(self, quiet: float = 0.3, *, within: float = 10.0) -> None:
        """Return once no call has arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            count = len(self.calls)
            await asyncio.sleep(quiet)
            if len(self.calls) == count:
                return
        raise AssertionError("the bot kept calling the Bot API")

    def calls_of(self, method: str) -> list[ApiCall]:
        """Every recorded call of ``method``."""
        return [c for c in self.calls if c.method == method]

    # -- request handling ------------------------------------------------------------------

    def _record(self, call: ApiCall) -> None:
        chat = call.chat_id
        self._chat_calls.setdefault(chat, []).append(len(self.calls))
        self.calls.append(call)
        for key in (None, chat) if chat is not None else (None,):
            for waiter in self._waiters.pop(key, ()):
                if not waiter.done():
                    waiter.set_result(None)

    async def handle(
        self,
        method: str,
        params: JsonDict,
        uploads: dict[str, Upload],
        *,
        via_webhook: bool = False,
    ) -> JsonDict:
        """Answer one Bot API method: ``{"ok": ..., "result": ...}``."""
        if method == "getUpdates":
            return await self._get_updates(params)
        call = ApiCall(method, params, uploads, via_webhook=via_webhook)
        fault = None if via_webhook else self._take_fault(method)  # faults hit bot requests
        if fault is not None:
            call.error = str(fault.status)
            self._record(call)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return _error(fault)
        try:
            call.result = self._answer(method, params, uploads)
        except _BadRequest as exc:
            call.error = exc.description
            self._record(call)
            return {"ok": False, "error_code": 400, "description": exc.description}
        self._record(call)
        return {"ok": True, "result": call.result}

    async def _get_updates(self, params: JsonDict) -> JsonDict:
        fault = self._take_fault("getUpdates")
        if fault is not None:
            return _error(fault)
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            if offset:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
            if not self._pending and timeout > 0:
                try:
                    async with asyncio.timeout(timeout):
                        while not self._pending:
                            await self._changed.wait()
                except TimeoutError:
                    pass
            batch = self._pending[:limit]
        return {"ok": True, "result": batch}

    def _answer(self, method: str, params: JsonDict, uploads: dict[str, Upload]) -> Any:
        chat_id = params.get("chat_id")
        if method == "getMe":
            return self.bot_user
        if method == "getFile":
            stored = self.files.get(str(params.get("file_id")))
            if stored is None:
                raise _BadRequest("Bad Request: invalid file_id")
            if stored.declared_size > TELEGRAM_DOWNLOAD_LIMIT:
                raise _BadRequest("Bad Request: file is too big")
            return stored.describe()
        if chat_id is not None and int(chat_id) in self.left_chats and method != "getChat":
            raise _Forbidden()
        if method == "sendMessage":
            text = str(params.get("text") or "")
            if not text.strip():
                raise _BadRequest("Bad Request: message text is empty")
            if len(text.encode("utf-16-le")) // 2 > 4096 and params.get("parse_mode") is None:
                raise _BadRequest("Bad Request: message is too long")
            _check_html(params)
            body: JsonDict = {"text": text}
            if params.get("reply_markup"):
                body["reply_markup"] = params["reply_markup"]
            return self._new_message(int(chat_id), body)
        if method == "editMessageText":
            messages = self.chats.get(int(chat_id), {})
            message = messages.get(int(params["message_id"]))
            if message is None:
                raise _BadRequest("Bad Request: message to edit not found")
            _check_html(params)
            markup = params.get("reply_markup")
            if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
                raise _BadRequest(
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message"
                )
            message["text"] = params.get("text")
            message.pop("reply_markup", None)
            if markup:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return message
        if method in {"sendPhoto", "sendDocument"}:
            field_name = "photo" if method == "sendPhoto" else "document"
            upload = uploads.get(field_name)
            if upload is None:
                raise _BadRequest(f"Bad Request: there is no {field_name} in the request")
            stored = self.store_file(upload.data, kind=field_name + "s", extension="bin")
            body = {
                field_name: (
                    [
                        {
                            "file_id": stored.file_id,
                            "file_unique_id": stored.file_unique_id,
                            "width": 1,
                            "height": 1,
                            "file_size": len(upload.data),
                        }
                    ]
                    if field_name == "photo"
                    else {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "file_name": upload.filename,
                        "mime_type": upload.content_type,
                        "file_size": len(upload.data),
                    }
                )
            }
            if params.get("caption"):
                body["caption"] = params["caption"]
            return self._new_message(int(chat_id), body)
        if method == "sendMediaGroup":
            return [
                self._new_message(int(chat_id), {"media_item": item})
                for item in params.get("media") or []
            ]
        if method == "deleteMessage":
            self.chats.get(int(chat_id), {}).pop(int(params["message_id"]), None)
            return True
        if method == "leaveChat":
            self.left_chats.add(int(chat_id))
            return True
        if method == "getChat":
            cid = int(chat_id)
            return {"id": cid, "type": "private" if cid > 0 else "group", "title": "chat"}
        if method == "setWebhook":
            self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
            return True
        if method == "deleteWebhook":
            self.webhook = None
            if params.get("drop_pending_updates"):
                self._pending.clear()
            return True
        if method == "getWebhookInfo":
            return {
                "url": (self.webhook or {}).get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }
        return True


class FakeUser:
    """A Telegram user: sends updates as the Telegram client would, reads the bot's replies."""

    def __init__(
        self, api: FakeBotApi, user_id: int, *, first_name: str, language_code: str | None
    ) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.cursor = 0
        self.last_update: JsonDict | None = None
        self._sent_ids = itertools.count(1)

    @property
    def user(self) -> JsonDict:
        """The ``User`` object of this user."""
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    @property
    def private_chat(self) -> JsonDict:
        """The private chat with the bot (its id is the user id, as in Telegram)."""
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _message(self, body: JsonDict, chat: JsonDict | None = None) -> JsonDict:
        return {
            "message_id": 100_000 + next(self._sent_ids),
            "date": int(time.time()),
            "from": self.user,
            "chat": chat or self.private_chat,
            **body,
        }

    async def send(self, body: JsonDict, *, chat: JsonDict | None = None) -> JsonDict:
        """Send a message with arbitrary content (``{"sticker": {...}}``...)."""
        message = self._message(body, chat)
        self.last_update = await self.api.push_update({"message": message})
        return message

    async def send_text(self, text: str, *, chat: JsonDict | None = None) -> JsonDict:
        """Type a text message."""
        return await self.send({"text": text}, chat=chat)

    async def send_command(self, command: str, *, chat: JsonDict | None = None) -> JsonDict:
        """Send ``/command args`` (with its bot_command entity, as the client sets it)."""
        name = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": len(name)}
        return await self.send({"text": command, "entities": [entity]}, chat=chat)

    async def send_photo(
        self,
        image: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
        chat: JsonDict | None = None,
    ) -> JsonDict:
        """Send a photo: Telegram recompresses it into several JPEG sizes (largest 1280 px)."""
        body: JsonDict = {"photo": self.api.photo_sizes(image, declared_size=declared_size)}
        if caption:
            body["caption"] = caption
        if media_group_id:
            body["media_group_id"] = media_group_id
        return await self.send(body, chat=chat)

    async def send_document(
        self,
        data: bytes,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        media_group_id: str | None = None,
        declared_size: int | None = None,
        chat: JsonDict | None = None,
    ) -> JsonDict:
        """Send a file as a document (kept byte for byte)."""
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = self.api.store_file(
            data, kind="documents", extension=extension, declared_size=declared_size
        )
        body: JsonDict = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": stored.declared_size,
            }
        }
        if caption:
            body["caption"] = caption
        if media_group_id:
            body["media_group_id"] = media_group_id
        return await self.send(body, chat=chat)

    async def send_album(
        self, images: Iterable[bytes], *, caption: str | None = None, group_id: str = "album1"
    ) -> list[JsonDict]:
        """Send several photos at once: one update each, sharing a ``media_group_id``."""
        sent = []
        for index, image in enumerate(images):
            sent.append(
                await self.send_photo(
                    image, caption=caption if index == 0 else None, media_group_id=group_id
                )
            )
        return sent

    async def send_sticker(self) -> JsonDict:
        """Send a sticker."""
        stored = self.api.store_file(b"RIFF....WEBP", kind="stickers", extension="webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return await self.send({"sticker": sticker})

    async def send_voice(self, seconds: int = 3) -> JsonDict:
        """Send a voice message."""
        stored = self.api.store_file(b"OggS" + bytes(64), kind="voice", extension="oga")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": seconds,
            "mime_type": "audio/ogg",
        }
        return await self.send({"voice": voice})

    async def send_location(self, latitude: float = 48.85, longitude: float = 2.35) -> JsonDict:
        """Share a location."""
        return await self.send({"location": {"latitude": latitude, "longitude": longitude}})

    async def edit(self, message: JsonDict, text: str) -> JsonDict:
        """Edit one of this user's earlier text messages."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        await self.api.push_update({"edited_message": edited})
        return edited

    async def press(self, label: str, *, message_id: int | None = None) -> JsonDict:
        """Press an inline button: by exact label or callback data, else by label substring.

        Looks in ``message_id`` or else in the latest bot message in this chat that has it.
        """
        messages = self.api.chats.get(self.id, {})
        candidates = (
            [messages[message_id]] if message_id is not None else list(messages.values())[::-1]
        )

        def exact(button: JsonDict) -> bool:
            return label in (button.get("text"), button.get("callback_data"))

        def partial(button: JsonDict) -> bool:
            return label.lower() in str(button.get("text", "")).lower()

        for matches in (exact, partial):
            for message in candidates:
                for row in (message.get("reply_markup") or {}).get("inline_keyboard") or []:
                    for button in row:
                        if matches(button):
                            return await self._press(message, button)
        shown = [m.get("reply_markup") for m in candidates if m.get("reply_markup")]
        raise AssertionError(f"no button {label!r} in the chat; keyboards: {shown}")

    async def press_data(self, data: str) -> JsonDict:
        """Send a callback query with arbitrary ``data`` (a forged or stale button press)."""
        messages = list(self.api.chats.get(self.id, {}).values())
        message = messages[-1] if messages else self._message({"text": "?"})
        return await self._press(message, {"callback_data": data})

    async def _press(self, message: JsonDict, button: JsonDict) -> JsonDict:
        query = {
            "id": f"cbq{next(self.api._callback_ids)}",
            "from": self.user,
            "message": message,
            "chat_instance": f"ci{self.id}",
            "data": button["callback_data"],
        }
        self.last_update = await self.api.push_update({"callback_query": query})
        return query

    def in_group(self, group_id: int = -100123, title: str = "Famille") -> JsonDict:
        """A group chat this user is in (pass as ``chat=`` to the send helpers)."""
        return {"id": group_id, "type": "group", "title": title}

    async def add_bot_to_group(self, group: JsonDict) -> JsonDict:
        """Add the bot to a group: Telegram sends a ``my_chat_member`` update."""
        member_update = {
            "chat": group,
            "from": self.user,
            "date": int(time.time()),
            "old_chat_member": {"user": self.api.bot_user, "status": "left"},
            "new_chat_member": {"user": self.api.bot_user, "status": "member"},
        }
        return await self.api.push_update({"my_chat_member": member_update})

    # -- reading replies ---------------------------------------------------------------------

    def _mine(self, call: ApiCall) -> bool:
        return call.chat_id == self.id

    async def expect(
        self, predicate: Callable[[ApiCall], bool] | None = None, *, within: float = 10.0
    ) -> ApiCall:
        """The next call to this chat (after the previous ``expect``) matching ``predicate``."""

        def matches(call: ApiCall) -> bool:
            if not self._mine(call) or call.method not in SEND_METHODS:
                return False
            return predicate is None or predicate(call)

        index, call = await self.api.wait_for(
            matches, after=self.cursor, within=within, chat_id=self.id
        )
        self.cursor = index + 1
        return call

    async def expect_text(self, *needles: str, within: float = 10.0) -> ApiCall:
        """The next text sent or edited here containing every needle (case-insensitive)."""

        def has(call: ApiCall) -> bool:
            text = call.text.lower()
            return all(n.lower() in text for n in needles)

        return await self.expect(has, within=within)

    async def expect_buttons(self, within: float = 10.0) -> ApiCall:
        """The next message to this chat that carries inline buttons."""
        return await self.expect(lambda c: bool(c.buttons), within=within)

    def replies(self) -> list[ApiCall]:
        """Every call to this chat that shows something, in order."""
        return [c for c in self.api.calls if self._mine(c) and c.method in SEND_METHODS]

    def visible_texts(self) -> list[str]:
        """The bot's messages as the user sees them now (edits applied), oldest first."""
        return [
            str(m.get("text") or m.get("caption") or "")
            for m in self.api.chats.get(self.id, {}).values()
        ]


class _BadRequest(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class _Forbidden(_BadRequest):
    def __init__(self) -> None:
        super().__init__("Forbidden: bot is not a member of the group chat")


def _error(fault: Fault) -> JsonDict:
    if fault.status == 429:
        retry = fault.retry_after or 1
        return {
            "ok": False,
            "error_code": 429,
            "description": fault.description or f"Too Many Requests: retry after {retry}",
            "parameters": {"retry_after": retry},
        }
    return {
        "ok": False,
        "error_code": fault.status,
        "description": fault.description or "Internal Server Error",
    }


_TAG = re.compile(
    r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|span|blockquote|tg-emoji)"
    r"(\s[^<>]*)?>"
)
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _check_html(params: JsonDict) -> None:
    """Reject text Telegram's HTML parser would reject: unknown tags, bare ``<``/``>``/``&``."""
    if str(params.get("parse_mode") or "").upper() != "HTML":
        return
    text = str(params.get("text") or params.get("caption") or "")
    bare = _ENTITY.sub("", _TAG.sub("", text))
    if any(ch in bare for ch in "<>&"):
        raise _BadRequest("Bad Request: can't parse entities: unsupported start tag or entity")
    plain = html.unescape(_TAG.sub("", text))
    if len(plain.encode("utf-16-le")) // 2 > 4096:
        raise _BadRequest("Bad Request: message is too long")


def _quiet_log(handler: RequestHandler) -> None:
    """Access log at debug level (a long poll cut by the client shows as 500 otherwise)."""
    logging.getLogger("tests.fakes.bot_api").debug(
        "%d %s", handler.get_status(), handler.request.path.rsplit("/", 1)[-1]
    )


class _MethodHandler(RequestHandler):
    """POST/GET /bot<token>/<method>."""

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            self.finish({"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params, uploads = self._parse()
        answer = await self.api.handle(method, params, uploads)
        if not answer.get("ok"):
            self.set_status(int(answer["error_code"]))
        if self.request.connection and not self.request.connection.stream.closed():  # type: ignore[attr-defined]
            self.finish(answer)

    get = post

    def _parse(self) -> tuple[JsonDict, dict[str, Upload]]:
        params: JsonDict = {}
        for key in self.request.arguments:
            raw = self.get_argument(key)
            params[key] = _decode(key, raw)
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
        uploads: dict[str, Upload] = {}
        files = {
            name: Upload(f[0].filename, f[0].body, f[0].content_type)
            for name, f in self.request.files.items()
        }
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                uploads[key] = files[value.removeprefix("attach://")]
        for name, upload in files.items():
            if not name.startswith("attached") or name not in uploads:
                uploads[name] = upload
        return params, uploads


class _FileHandler(RequestHandler):
    """GET /file/bot<token>/<path>: the download behind getFile."""

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    def get(self, token: str, path: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            return
        for stored in self.api.files.values():
            if stored.path == path:
                self.set_header("Content-Type", "application/octet-stream")
                self.finish(stored.data)
                return
        self.set_status(404)


def _decode(key: str, raw: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if key in _INT_FIELDS:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


@dataclass(frozen=True)
class _WebhookResponse:
    status: int
    content_type: str
    body: bytes


class WebhookError(OSError):
    """The webhook could not be reached or answered nonsense (Telegram would retry later)."""


class _WebhookClient:
    """Telegram's side of the webhook: HTTP/1.1 POSTs on kept-alive connections.

    Telegram keeps up to ``max_connections`` connections open to a webhook and reuses them; so
    does this client (one per request in flight, idle ones reused). A few lines of asyncio
    streams instead of an HTTP library: the load bench runs it on the machine it measures.
    Answers need a ``Content-Length`` or end with the connection.
    """

    TIMEOUT = 30.0

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
        self._idle = {}

    async def post(self, url: str, body: bytes, extra_headers: str) -> _WebhookResponse:
        """POST ``body`` (JSON) to ``url``; ``extra_headers`` are complete header lines."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = (
            f"POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{extra_headers}\r\n"
        ).encode("latin-1") + body
        idle = self._idle.setdefault((host, port), [])
        async with asyncio.timeout(self.TIMEOUT):
            while idle:  # a kept-alive connection the server may have closed meanwhile
                reader, writer = idle.pop()
                try:
                    return await self._exchange(reader, writer, request, idle)
                except (ConnectionError, asyncio.IncompleteReadError) as exc:
                    writer.close()
                    if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                        raise WebhookError("webhook answer cut short") from exc
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError as exc:
                raise WebhookError(f"webhook unreachable: {exc}") from exc
            try:
                return await self._exchange(reader, writer, request, idle)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                writer.close()
                raise WebhookError("webhook connection lost") from exc

    @staticmethod
    async def _exchange(
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        request: bytes,
        idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
    ) -> _WebhookResponse:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length")
        keep = length is not None and headers.get("connection", "").lower() != "close"
        body = await reader.readexactly(int(length)) if length is not None else await reader.read()
        if keep:
            idle.append((reader, writer))
        else:
            writer.close()
        return _WebhookResponse(status, headers.get("content-type", ""), body)

    def close(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            for _, writer in idle:
                writer.close()
        self._idle.clear()
