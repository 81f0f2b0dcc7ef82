"""Webhook mode in tests: a free port, Telegram's side of a webhook (pushing the stand-in's
updates to the bot as Telegram does), and the bot served in this process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from bot.app import build_application
from bot.config import Settings
from bot.context import BotApplication
from bot.runner import serve
from bot.web.limiter import MeasuredRateLimiter
from tests.conftest import PRIVATE_WINDOW, _until_ready
from tests.standin import BotApiStandIn

HOOK_URL = "https://bot.example.org/telegram/hook"
HOOK_PATH = "/telegram/hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[BotApplication]:
    """The real application as `run` builds it (its Bot API calls counted), served."""
    limiter = MeasuredRateLimiter(max_retries=3, private_time_period=PRIVATE_WINDOW)
    application = build_application(settings, rate_limiter=limiter)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(application, stop, long_poll_timeout=1, ready=ready))
    try:
        await _until_ready(ready, task)
        yield application
    finally:
        stop.set()
        await task


class Telegram:
    """Telegram's side of a webhook: each update the stand-in holds is POSTed to the bot,
    one at a time and in order, with the secret token; a 2xx removes it, anything else is
    recorded in getWebhookInfo's last error and retried, as Telegram does."""

    def __init__(self, standin: BotApiStandIn, port: int, *, retry_after: float = 0.2) -> None:
        self.standin = standin
        self.target = f"http://127.0.0.1:{port}{HOOK_PATH}"
        self.retry_after = retry_after
        self.statuses: list[int] = []
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Telegram:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._push_forever())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None and self._session is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._session.close()

    async def _push_forever(self) -> None:
        while True:
            pending = self.standin.pending_updates if self.standin.webhook_url else []
            if not pending:
                await asyncio.sleep(0.01)
                continue
            update = pending[0]
            status = await self.push(update.to_api())
            if 200 <= status < 300:
                self.standin.confirm_updates(update.update_id + 1)
            else:
                self.standin.webhook_info["last_error_date"] = int(time.time())
                self.standin.webhook_info["last_error_message"] = f"Wrong response: {status}"
                await asyncio.sleep(self.retry_after)

    async def push(self, update: dict[str, Any], secret: str | None = None) -> int:
        assert self._session is not None
        given = self.standin.webhook_info.get("secret_token", "") if secret is None else secret
        try:
            async with self._session.post(
                self.target, json=update, headers={SECRET_HEADER: given}
            ) as response:
                body = await response.read()
                self.statuses.append(response.status)
                if 200 <= response.status < 300:
                    self.standin.push_answer(response.content_type, body)
                return response.status
        except aiohttp.ClientError:
            return 599
