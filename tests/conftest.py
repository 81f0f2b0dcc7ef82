"""Shared fixtures: the Bot API stand-in, and the real bot application running against it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from telegram import Bot

from bot.app import build_application
from bot.config import Settings
from bot.context import BotApplication
from bot.lessons import compose
from bot.lessons.load import load_lessons
from bot.runner import serve
from bot.send_budget import PRIVATE_TIME_PERIOD, SendBudget
from bot.storage import Storage
from tests.export_support import LESSON_YAML, Golden, build_database
from tests.standin import BotApiStandIn, FakeChat, FakeUser
from tests.standin_support import TOKEN as STANDIN_TOKEN
from tests.standin_support import make_bot

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "standin(**options): options of the standin fixture's BotApiStandIn, e.g. "
        "flood_window=1.0; on a module and a test, the test's win",
    )


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No settings from this machine's environment or a .env file leak into a CLI test: the
    BOT_ and TELEGRAM_ variables unset, and a working folder of its own (no .env)."""
    for name in list(os.environ):
        if name.startswith(("BOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
async def standin(request: pytest.FixtureRequest) -> AsyncIterator[BotApiStandIn]:
    """The Bot API stand-in, serving; ``@pytest.mark.standin(...)`` sets its options."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("standin"))):  # the closest last
        options.update(marker.kwargs)
    async with BotApiStandIn(TOKEN, **options) as server:
        yield server


def make_settings(
    standin: BotApiStandIn, db_path: Path, prompts: Path = PROMPTS, **extra: Any
) -> Settings:
    """The bot's settings against the stand-in; ``extra`` as environment names
    (``BOT_MODERATOR_IDS="1,2"``)."""
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=db_path,
        BOT_PROMPTS_DIR=prompts,
        **extra,
    )


# A private chat's budget (3 messages in any 3 s: bot/send_budget.py) compressed into this
# many seconds, as ``group_window`` compresses a group's minute: a story's student presses
# faster than any real one. tests/test_send_budget.py keeps Telegram's (``None``).
PRIVATE_WINDOW = 0.05


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    group_window: float | None = None,
    private_window: float | None = PRIVATE_WINDOW,
) -> AsyncIterator[BotApplication]:
    """The real Application, polling the stand-in through the durable inbox, as `run` does.

    ``group_window`` compresses the per-group flood limit (20 messages per minute) into that
    many seconds, matching a stand-in built with the same ``flood_window``; ``private_window``
    a private chat's 3 s (None: not compressed).
    """
    limiter = SendBudget(
        overall_max_rate=settings.messages_per_second,
        group_time_period=60 if group_window is None else group_window,
        private_time_period=PRIVATE_TIME_PERIOD if private_window is None else private_window,
        max_retries=3,
    )
    application = build_application(settings, rate_limiter=limiter)
    stop, ready = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(serve(application, stop, long_poll_timeout=1, ready=ready))
    try:
        await _until_ready(ready, serving)
        yield application
    finally:
        stop.set()
        await serving


async def _until_ready(ready: asyncio.Event, serving: asyncio.Task[None]) -> None:
    """Wait until the bot polls, or fail with the reason it stopped."""
    started = asyncio.ensure_future(ready.wait())
    await asyncio.wait({started, serving}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if serving.done():
        started.cancel()
        serving.result()  # raises what stopped it
        raise RuntimeError("the bot stopped before it started polling")
    if not ready.is_set():
        started.cancel()
        raise TimeoutError("the bot did not start within 10 s")


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """The bot's storage on a fresh database file in the test's folder, closed after."""
    opened = await Storage.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


# --------------------------------------------------------------------------- export database
# For the export tests (tests/test_export_*.py).


@pytest.fixture
async def golden(tmp_path: Path) -> Golden:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "golden-lesson.yaml").write_text(LESSON_YAML, encoding="utf-8")
    catalog, problems = load_lessons([prompts])
    assert problems == []
    lesson = catalog.get("golden-lesson")
    assert lesson is not None
    db = tmp_path / "data" / "bot.sqlite3"
    await build_database(db, lesson)
    return Golden(db, prompts, lesson)


# --------------------------------------------------------------------------- libyaml or PyYAML
# For the lesson loader's tests (tests/test_lesson_loader*.py).


@pytest.fixture(params=["libyaml", "PyYAML"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with libyaml's loader (when PyYAML has it) and with PyYAML's own only."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("this PyYAML is built without libyaml")
    if request.param == "PyYAML":
        monkeypatch.setattr(compose, "_FAST_LOADER", None)
    return str(request.param)


@pytest.fixture
def composed_by(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which composer composed each file loaded in the test, 'libyaml' or 'PyYAML'."""
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML is built without libyaml")
    composers: list[str] = []

    class LibyamlSpy(yaml.CSafeLoader):
        def get_single_node(self) -> Any:
            composers.append("libyaml")
            return super().get_single_node()

    pure_compose = compose._LessonLoader.get_single_node

    def pyyaml_spy(self: compose._LessonLoader) -> Any:
        composers.append("PyYAML")
        return pure_compose(self)

    monkeypatch.setattr(compose, "_FAST_LOADER", LibyamlSpy)
    monkeypatch.setattr(compose._LessonLoader, "get_single_node", pyyaml_spy)
    return composers


# ----------------------------------------------------------------- the stand-in's own tests
# For tests/test_standin_*.py: a stand-in with a token of its own, a telegram.Bot on it, a user.


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(STANDIN_TOKEN) as standin:
        yield standin


@pytest.fixture
async def bot(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with make_bot(api) as client:
        yield client


@pytest.fixture
def alice(api: BotApiStandIn) -> FakeUser:
    return api.user("Alice", last_name="Liddell", username="alice")


@pytest.fixture
def chat(api: BotApiStandIn, alice: FakeUser) -> FakeChat:
    return api.private_chat(alice)
