"""A small HTTP/1.1 server on asyncio for the webhook and the health endpoints.

Why not tornado (PTB's webhook server): a webhook request is one small POST on a kept-alive
connection from Telegram or the reverse proxy, and the bot's CPU is the budget; an
``asyncio.Protocol`` that reads ``Content-Length`` bodies and writes one response costs a
fraction of a tornado ``RequestHandler``. What it serves, and nothing more:

- requests with a ``Content-Length`` body (or none); ``Transfer-Encoding`` is refused (411),
  a body over ``max_body`` (413) and a head over ``MAX_HEAD`` (431) are refused before they are
  read, and the connection is closed after such an answer;
- keep-alive (HTTP/1.1 unless ``Connection: close``; HTTP/1.0 closes), requests on one
  connection answered in order, ``Expect: 100-continue``;
- a request whose client hung up is still served to the end (an accepted webhook update is
  handled, its answer sent the usual way: ``Response.undelivered``); ``stop`` lets requests in
  flight finish within a grace period before it closes the connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import cast

logger = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024
"""Request line and headers; Telegram's and a proxy's are well under 2 KB."""
IDLE_SECONDS = 75.0
"""A connection with no request being served and nothing received for this long is closed
(nginx's keep-alive default): idle or half-sent requests cannot pile up open sockets."""


@dataclass(frozen=True)
class Request:
    """One request: method, path (query string cut off), lower-cased headers, body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Response:
    """One response; ``undelivered`` runs when the connection was gone before it was written."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    undelivered: Callable[[], None] | None = None


Handler = Callable[[Request], Awaitable[Response]]


def _head(status: int, length: int, content_type: str, close: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"Content-Length: {length}"]
    if length:
        lines.append(f"Content-Type: {content_type}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection(asyncio.Protocol):
    def __init__(self, server: Listener) -> None:
        self._server = server
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._continued = False
        self.last_active = asyncio.get_running_loop().time()

    def idle_since(self, moment: float) -> bool:
        """Whether nothing was received since ``moment`` and no request is being served."""
        return self._task is None and self.last_active < moment

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass
        self._server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._server.connections.discard(self)
        self._closing = True
        if self._task is not None:
            self._server.orphans.add(self._task)  # served to the end, answer undelivered
            self._task.add_done_callback(self._server.orphans.discard)

    @property
    def in_flight(self) -> asyncio.Task[None] | None:
        """The request being served, if any."""
        return self._task if self._task is not None and not self._task.done() else None

    def cancel(self) -> None:
        """Stop serving the request in flight, if any."""
        if self._task is not None:
            self._task.cancel()

    def data_received(self, data: bytes) -> None:
        self.last_active = asyncio.get_running_loop().time()
        self._buffer += data
        if self._task is None:
            self._next()

    def close(self) -> None:
        self._closing = True
        if self._transport is not None:
            self._transport.close()

    def _refuse(self, status: int) -> None:
        assert self._transport is not None
        self._transport.write(_head(status, 0, "", True))
        self.close()

    def _next(self) -> None:
        """Parse one complete request from the buffer and start its handler, if there is one."""
        if self._closing or self._transport is None:
            return
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD:
                self._refuse(431)
            return
        if end > MAX_HEAD:
            self._refuse(431)
            return
        try:
            request_line, *lines = self._buffer[:end].decode("latin-1").split("\r\n")
            method, target, version = request_line.split(" ")
            headers: dict[str, str] = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
        except ValueError:
            self._refuse(400)
            return
        if "transfer-encoding" in headers:
            self._refuse(411)
            return
        if length < 0 or length > self._server.max_body:
            self._refuse(413)
            return
        if len(self._buffer) < end + 4 + length:
            if headers.get("expect", "").lower() == "100-continue" and not self._continued:
                self._continued = True
                self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        body = bytes(self._buffer[end + 4 : end + 4 + length])
        del self._buffer[: end + 4 + length]
        self._continued = False
        connection = headers.get("connection", "").lower()
        close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
        request = Request(method.upper(), target.split("?", 1)[0], headers, body)
        self._task = asyncio.get_running_loop().create_task(self._serve(request, close))

    async def _serve(self, request: Request, close: bool) -> None:
        try:
            response = await self._server.handler(request)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.warning("http handler failed: %s", type(exc).__name__)
            response = Response(500)
        transport = self._transport
        if self._closing or transport is None or transport.is_closing():
            if response.undelivered is not None:
                response.undelivered()
            return
        transport.write(
            _head(response.status, len(response.body), response.content_type, close)
            + response.body
        )
        self._task = None
        if close:
            self.close()
        elif self._buffer:
            self._next()


class Listener:
    """Binds ``listen:port`` (``port=0`` picks a free one), serves one handler, stops cleanly."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        self.handler: Handler = _not_found
        self.max_body = 1024
        self.connections: set[_Connection] = set()
        self.orphans: set[asyncio.Task[None]] = set()
        """Requests still served after their client hung up."""
        self.idle_seconds = IDLE_SECONDS
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self, handler: Handler, *, what: str, max_body: int) -> int:
        """Start serving ``handler``; returns the bound port."""
        self.handler = handler
        self.max_body = max_body
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self), self.listen, self.port, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._sweeper = loop.create_task(self._sweep())
        logger.info("%s listening on %s:%d", what, self.listen, self.port)
        return self.port

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.idle_seconds / 3)
            cutoff = loop.time() - self.idle_seconds
            for connection in [c for c in self.connections if c.idle_since(cutoff)]:
                connection.close()

    async def stop(self, grace: float = 0.0) -> None:
        """Stop listening; requests in flight get ``grace`` seconds to finish, then are cancelled
        and every connection is closed."""
        if self._server is None:
            return
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        self._server.close()
        tasks = {c.in_flight for c in self.connections} | self.orphans
        running = {task for task in tasks if task is not None}
        if running and grace > 0:
            await asyncio.wait(running, timeout=grace)
        for task in list(self.orphans):
            task.cancel()
        for connection in list(self.connections):
            connection.cancel()
            connection.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), timeout=5)
        self._server = None


async def _not_found(request: Request) -> Response:
    return Response(404)
