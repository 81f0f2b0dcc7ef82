"""The Bot API's transport (bot/telegram_http.py): PTB's errors for what goes wrong on the way,
and every call of the suite's stand-in stories goes through it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_http import AiohttpRequest

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def serve(handler: Handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def test_a_server_that_does_not_answer_in_time_is_a_timeout() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"ok": True})

    runner, url = await serve(slow)
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/getMe", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_nothing_listening_is_a_network_error() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST")
    finally:
        await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"http://127.0.0.1:{port}/getMe", "POST")


async def test_parameters_arrive_as_a_form_with_their_status_and_body_returned() -> None:
    seen: dict[str, str] = {}

    async def echo(request: web.Request) -> web.Response:
        seen.update({k: str(v) for k, v in (await request.post()).items()})
        return web.Response(status=400, body=b'{"ok":false}')

    runner, url = await serve(echo)
    request = AiohttpRequest()
    await request.initialize()
    try:
        data = RequestData(
            [RequestParameter("chat_id", 42, None), RequestParameter("text", "안녕 & hi", None)]
        )
        status, body = await request.do_request(f"{url}/sendMessage", "POST", data)
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert (status, body) == (400, b'{"ok":false}')
    assert seen == {"chat_id": "42", "text": "안녕 & hi"}
