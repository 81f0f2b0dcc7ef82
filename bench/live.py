"""The bot live in its own process, timed from the bench's: what bench/burst.py, flood.py and
memory.py share (``benchlib.bot_process`` starts the child; each script's ``--bot-child``
calls ``bot_child`` here).

Both processes read ``time.monotonic`` (on Linux one clock for the whole machine), so a
moment noted in the bot's process compares with the bench's own.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchlib import ALLOWED_UPDATES, BotApiStandIn, bench_rate_limiter

COMMITS_VARIABLE = "BENCH_COMMITS"


def bot_child(*, bench_limiter: bool = False) -> int:
    """The child: ``python -m bot run`` (the production rate limiter, or with
    ``bench_limiter`` the bench's, its group window compressed). With BENCH_COMMITS set to a
    file, when each answer's transaction committed is written there as the bot stops
    (``source key<TAB>monotonic seconds`` a line; see ``commits``)."""
    from bot.__main__ import main as bot_main
    from bot.app import build_application
    from bot.config import load_settings
    from bot.lessons.load import load_lessons
    from bot.logs import configure_logging
    from bot.runner import run_until_signalled

    if COMMITS_VARIABLE in os.environ:
        _note_commits(Path(os.environ[COMMITS_VARIABLE]))
    if not bench_limiter:
        return bot_main(["run"])
    settings = load_settings()
    configure_logging(settings.log_level, settings.token())
    catalog, problems = load_lessons([settings.prompts_dir])
    assert not problems, problems
    run_until_signalled(build_application(settings, catalog, rate_limiter=bench_rate_limiter()))
    return 0


def _note_commits(path: Path) -> None:
    from bot.storage import Storage

    committed: list[tuple[str, float]] = []
    original = Storage.record_answer

    async def record_answer(self: Storage, answer: Any, **kwargs: Any) -> Any:
        result = await original(self, answer, **kwargs)  # returns once committed
        committed.append((answer.source_key, time.monotonic()))
        return result

    Storage.record_answer = record_answer  # type: ignore[method-assign,assignment]

    def write() -> None:
        with path.open("w", encoding="utf-8") as out:
            out.writelines(f"{key}\t{moment}\n" for key, moment in committed)

    atexit.register(write)


def commits(path: Path) -> dict[str, float]:
    """What the child wrote (once it has stopped): each answer's source key and when its
    transaction committed (the last time, for a key recorded again)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {key: float(moment) for key, moment in (line.split("\t") for line in lines)}


async def started(standin: BotApiStandIn) -> None:
    """Until the child polls the stand-in."""
    await standin.wait_for(lambda: standin.polling, timeout=60, what="the bot to start")


def delivered_after(standin: BotApiStandIn, chat_id: int, since: float) -> float | None:
    """When the first message the bot sent to the chat after ``since`` was delivered (its
    sendMessage done)."""
    for call in standin.calls:
        if (
            call.method == "sendMessage"
            and call.ok
            and call.started >= since
            and call.params.get("chat_id") == chat_id
        ):
            return call.finished
    return None


@contextlib.contextmanager
def held_updates(standin: BotApiStandIn) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Users act, but Telegram holds their updates back (kind, payload) for later."""
    held: list[tuple[str, dict[str, Any]]] = []
    original = standin._enqueue

    def hold(kind: str, payload: dict[str, Any]) -> Any:
        if kind in ALLOWED_UPDATES:
            held.append((kind, payload))
        return None

    standin._enqueue = hold  # type: ignore[method-assign]
    try:
        yield held
    finally:
        standin._enqueue = original  # type: ignore[method-assign]


async def until(predicate: Callable[[], object], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.005)
