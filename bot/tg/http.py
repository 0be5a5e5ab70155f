"""A small tornado HTTP listener shared by the webhook and the health endpoints."""

from __future__ import annotations

import logging
import socket
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApplication

logger = logging.getLogger(__name__)


class Listener:
    """Binds ``listen:port`` (``port=0`` picks a free one), serves routes, stops cleanly."""

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        self._server: HTTPServer | None = None

    def start(
        self, routes: list[Any], *, what: str, max_body: int, max_buffer: int | None = None
    ) -> int:
        """Start serving ``routes``; returns the bound port."""
        options: dict[str, int] = {"max_body_size": max_body}
        if max_buffer is not None:
            options["max_buffer_size"] = max_buffer
        self._server = HTTPServer(TornadoApplication(routes), **options)
        sockets = bind_sockets(self.port, self.listen, family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server.add_sockets(sockets)
        logger.info("%s listening on %s:%d", what, self.listen, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
