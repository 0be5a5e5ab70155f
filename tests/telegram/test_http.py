"""The bot's small HTTP server: keep-alive, order, limits, refusals, a dropped client."""

from __future__ import annotations

import asyncio

import pytest

from bot.tg.http import Listener, Request, Response


async def _exchange(port: int, raw: bytes, *, expect: int = 1) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = b""
    try:
        async with asyncio.timeout(5):
            while data.count(b"HTTP/1.1 ") < expect or not data.endswith((b"\n", b"}")):
                chunk = await reader.read(65536)
                if not chunk:
                    break
                data += chunk
    finally:
        writer.close()
    return data


async def test_requests_on_one_connection_are_answered_in_order_and_limits_hold():
    seen: list[tuple[str, str, bytes]] = []
    slow, release = asyncio.Event(), asyncio.Event()
    undelivered: list[str] = []

    async def handler(request: Request) -> Response:
        seen.append((request.method, request.path, request.body))
        if request.path == "/slow":
            slow.set()
            await release.wait()
            return Response(200, b"late", undelivered=lambda: undelivered.append(request.path))
        if request.path == "/late":
            await asyncio.sleep(0.05)
        return Response(200, request.body.upper() + b"\n")

    listener = Listener("127.0.0.1", 0)
    port = await listener.start(handler, what="test", max_body=100)
    try:
        two = (
            b"POST /late?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
            b"POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 2\r\n\r\nde"
        )
        answer = await _exchange(port, two, expect=2)
        assert answer.count(b"HTTP/1.1 200 OK") == 2
        assert answer.index(b"ABC") < answer.index(b"DE"), "answers in request order"
        assert seen == [("POST", "/late", b"abc"), ("POST", "/b", b"de")]

        big = b"POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n"
        assert (await _exchange(port, big)).startswith(b"HTTP/1.1 413 ")
        chunked = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        assert (await _exchange(port, chunked)).startswith(b"HTTP/1.1 411 ")
        huge_head = b"GET /x HTTP/1.1\r\nX: " + b"y" * 20_000 + b"\r\n\r\n"
        assert (await _exchange(port, huge_head)).startswith(b"HTTP/1.1 431 ")
        assert (await _exchange(port, b"nonsense\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
        assert len(seen) == 2, "refused requests never reach the handler"

        continued = b"POST /c HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(continued)
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 100 Continue")
        writer.write(b"z")
        assert (await reader.readuntil(b"Z\n")).startswith(b"HTTP/1.1 200 OK")
        writer.close()

        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /slow HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        await asyncio.wait_for(slow.wait(), 5)
        writer.close()
        await asyncio.sleep(0.1)
        release.set()  # the client left: its request is served to the end, the answer undelivered
        for _ in range(100):
            if undelivered:
                break
            await asyncio.sleep(0.02)
        assert undelivered == ["/slow"]
    finally:
        await listener.stop()


async def test_an_idle_connection_is_closed():
    async def handler(request: Request) -> Response:
        return Response(200)

    listener = Listener("127.0.0.1", 0)
    listener.idle_seconds = 0.3
    port = await listener.start(handler, what="test", max_body=100)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")  # never finished
        assert await asyncio.wait_for(reader.read(), 5) == b"", "closed by the server"
        writer.close()
    finally:
        await listener.stop()


async def test_stop_lets_a_request_in_flight_finish():
    started = asyncio.Event()

    async def handler(request: Request) -> Response:
        started.set()
        await asyncio.sleep(0.3)
        return Response(200, b"done")

    listener = Listener("127.0.0.1", 0)
    port = await listener.start(handler, what="test", max_body=100)
    answer = asyncio.create_task(_exchange(port, b"GET /x HTTP/1.1\r\n\r\n"))
    await asyncio.wait_for(started.wait(), 5)
    await listener.stop(grace=5)
    assert (await answer).endswith(b"done")


def test_it_serves_on_uvloop_too():
    uvloop = pytest.importorskip("uvloop")

    async def main() -> bytes:
        async def handler(request: Request) -> Response:
            return Response(200, b"uv\n")

        listener = Listener("127.0.0.1", 0)
        port = await listener.start(handler, what="test", max_body=100)
        try:
            return await _exchange(port, b"GET /x HTTP/1.1\r\n\r\n")
        finally:
            await listener.stop()

    loop = uvloop.new_event_loop()
    try:
        assert loop.run_until_complete(main()).endswith(b"uv\n")
    finally:
        loop.close()
