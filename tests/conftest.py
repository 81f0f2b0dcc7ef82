"""Shared fixtures: the Bot API stand-in, and the real bot application running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Settings
from bot.context import BotApplication
from tests.standin import BotApiStandIn

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as server:
        yield server


def make_settings(standin: BotApiStandIn, db_path: Path, prompts: Path = PROMPTS) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=db_path,
        BOT_PROMPTS_DIR=prompts,
    )


@asynccontextmanager
async def running_bot(
    settings: Settings, *, group_window: float | None = None
) -> AsyncIterator[BotApplication]:
    """The real Application, polling the stand-in, with the lifecycle run_polling uses.

    ``group_window`` compresses the per-group flood limit (20 messages per minute) into that
    many seconds, matching a stand-in built with the same ``flood_window``.
    """
    limiter = None
    if group_window is not None:
        limiter = AIORateLimiter(group_time_period=group_window, max_retries=3)
    application = build_application(settings, rate_limiter=limiter)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        timeout=1, poll_interval=0, allowed_updates=ALLOWED_UPDATES
    )
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
