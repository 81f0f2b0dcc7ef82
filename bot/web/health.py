"""``GET /healthz``: whether the bot can do its job, for a supervisor (Docker, systemd, a
load balancer) to poll. 200 with the checks' findings, or 503 naming what is wrong.

Checks: the database takes a write; the inbox is not falling behind (its oldest update is
younger than ``INBOX_STALE``); Telegram answers (getWebhookInfo in webhook mode, getMe in
polling mode, asked at most once a ``TELEGRAM_EVERY``: a supervisor polling every few
seconds must not spend the bot's API budget); in webhook mode, the webhook Telegram holds is
ours and its last delivery did not fail recently. The age of the last update handled is
reported but never a failure: a quiet night is not a fault. Nothing secret is shown.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.error import TelegramError

from bot.context import BotApplication
from bot.intake import Activity
from bot.storage import Storage

TELEGRAM_EVERY = 60.0  # seconds a Telegram check's answer is reused
INBOX_STALE = 300.0  # seconds: an update stored longer than this means the bot is stuck
DB_TIMEOUT = 5.0  # seconds the write probe may take
WEBHOOK_ERROR_RECENT = 600  # seconds: a delivery error this recent fails the check


@dataclass
class _Cached:
    at: float
    ok: bool
    facts: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None


class Health:
    def __init__(
        self,
        application: BotApplication,
        storage: Storage,
        activity: Activity,
        *,
        webhook_url: str | None,
    ) -> None:
        self._application = application
        self._storage = storage
        self._activity = activity
        self._webhook_url = webhook_url
        self._telegram: _Cached | None = None
        self._asking: asyncio.Lock = asyncio.Lock()

    async def report(self) -> tuple[bool, dict[str, Any]]:
        problems: list[str] = []
        checks: dict[str, Any] = {}
        try:
            await asyncio.wait_for(self._storage.probe_write(), DB_TIMEOUT)
            checks["database"] = "writable"
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            checks["database"] = "not writable"
            problems.append(f"database not writable: {type(error).__name__}: {error}")
        try:
            depth, oldest = await self._storage.inbox_depth()
            age = _age_of(oldest)
            checks["inbox"] = {"depth": depth, "oldest_seconds": age}
            if age is not None and age > INBOX_STALE:
                problems.append(f"inbox falling behind: oldest update waits {age:.0f} s")
        except Exception as error:  # noqa: BLE001
            problems.append(f"inbox unreadable: {type(error).__name__}")
        last = self._activity.age()
        checks["last_update_handled_seconds"] = None if last is None else round(last, 1)
        telegram = await self._telegram_check()
        checks["telegram"] = {"reachable": telegram.ok, **telegram.facts}
        if telegram.problem is not None:
            problems.append(telegram.problem)
        checks["mode"] = "webhook" if self._webhook_url else "polling"
        ok = not problems
        return ok, {"status": "ok" if ok else "fail", "problems": problems, "checks": checks}

    async def _telegram_check(self) -> _Cached:
        async with self._asking:  # one question at a time; the others reuse its answer
            now = time.monotonic()
            cached = self._telegram
            if cached is not None and now - cached.at < TELEGRAM_EVERY:
                return cached
            self._telegram = await self._ask_telegram(now)
            return self._telegram

    async def _ask_telegram(self, now: float) -> _Cached:
        bot = self._application.bot
        try:
            if self._webhook_url is None:
                await bot.get_me()
                return _Cached(now, True)
            info = await bot.get_webhook_info()
        except TelegramError as error:
            return _Cached(now, False, problem=f"Telegram unreachable: {type(error).__name__}")
        facts: dict[str, Any] = {"pending_update_count": info.pending_update_count}
        problem = None
        if info.url != self._webhook_url:
            facts["webhook"] = "not set" if not info.url else "another URL"
            problem = "webhook not set to BOT_WEBHOOK_URL"
        else:
            facts["webhook"] = "set"
        if info.last_error_date is not None:
            ago = (datetime.now(UTC) - info.last_error_date).total_seconds()
            facts["last_error_seconds"] = round(ago)
            facts["last_error"] = info.last_error_message
            if ago < WEBHOOK_ERROR_RECENT and problem is None:
                problem = f"Telegram's last push failed {ago:.0f} s ago: {info.last_error_message}"
        return _Cached(now, True, facts, problem)


def _age_of(stamp: str | None) -> float | None:
    if stamp is None:
        return None
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return round((datetime.now(UTC) - at).total_seconds(), 1)
