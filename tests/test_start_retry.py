"""Issue 19, item 10: Telegram unreachable at start.

`run` asks Telegram who it is (getMe) until it answers, after 1, 2, 4 … seconds (at most
30), with one log line per attempt and no traceback; SIGINT or SIGTERM stops it at once
while it waits; only a rejected token ends it, with one line and status 1.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.runner import Backoff, serve
from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import PROMPTS, TOKEN, make_settings
from tests.standin import BotApiStandIn

ATTEMPT = "Telegram cannot be reached (attempt"


class Lines(logging.Handler):
    """The runner's log records."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def runner_lines() -> Iterator[Lines]:
    lines = Lines()
    logger = logging.getLogger("bot.runner")
    logger.addHandler(lines)
    try:
        yield lines
    finally:
        logger.removeHandler(lines)


def unused_port() -> socket.socket:
    """A port bound but not listening: connecting to it is refused, as to a server not up."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def proxy(port: int, to: str) -> AsyncIterator[None]:
    """Serve ``port`` from now on, passing every connection through to the stand-in."""
    host, target_port = to.removeprefix("http://").split(":")

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(target_port))
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(connect, "127.0.0.1", port, reuse_address=True)
    async with server:
        yield


async def test_run_waits_for_telegram_then_serves(standin: BotApiStandIn, tmp_path: Path) -> None:
    """Not listening at first (connection refused), then a 502, then up: two lines, no
    traceback, and the bot answers as usual."""
    reserved = unused_port()
    port = reserved.getsockname()[1]
    env = bot_env(f"http://127.0.0.1:{port}", tmp_path / "bot.sqlite3", BOT_LOG_LEVEL="INFO")
    process = await start_bot(env, cwd=tmp_path)
    try:
        assert process.stderr is not None
        first = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
        assert f"{ATTEMPT} 1: aiohttp.ClientConnectorError" in first
        assert "trying again in 1 s" in first
        reserved.close()
        standin.fail_next("getMe")  # up, but the next answer is a 502
        async with proxy(port, standin.base_url):
            second = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
            assert f"{ATTEMPT} 2: Bad Gateway); trying again in 2 s" in second
            student = standin.user("Ana")
            chat = standin.private_chat(student)
            standin.send_text(student, chat, "/start")
            welcome = await standin.next_bot_message(chat.id, timeout=30)
            assert "Welcome" in (welcome.text or "")
            process.send_signal(signal.SIGINT)
            code, rest = await finish(process)
    finally:
        reserved.close()
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0, rest
    assert ATTEMPT not in rest and "Traceback" not in first + second + rest
    assert [c.ok for c in standin.calls_to("getMe")] == [False, True]


async def test_sigterm_while_waiting_for_telegram_stops_at_once(tmp_path: Path) -> None:
    reserved = unused_port()
    env = bot_env(
        f"http://127.0.0.1:{reserved.getsockname()[1]}",
        tmp_path / "bot.sqlite3",
        BOT_LOG_LEVEL="INFO",
    )
    process = await start_bot(env, cwd=tmp_path)
    try:
        assert process.stderr is not None
        first = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
        assert f"{ATTEMPT} 1" in first
        process.send_signal(signal.SIGTERM)
        code, rest = await finish(process, seconds=10)
    finally:
        reserved.close()
    assert code == 0 and "Traceback" not in rest, rest
    assert not (tmp_path / "bot.sqlite3").exists()  # it never got as far as the database


async def test_a_rejected_token_is_final_and_one_line(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    wrong = "987654321:AAHsomeOtherBotsTokenNotThisOne_xyz"
    env = bot_env(standin.base_url, tmp_path / "bot.sqlite3", TELEGRAM_BOT_TOKEN=wrong)
    code, log = await finish(await start_bot(env, cwd=tmp_path))
    assert code == 1
    assert log == (
        "error: Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)\n"
    )
    assert len(standin.calls_to("getMe")) == 1


async def test_the_waits_double_up_to_the_cap_and_each_attempt_is_one_line(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    standin.fail_next("getMe", times=4, code=500, description="Internal Server Error")
    application = build_application(make_settings(standin, tmp_path / "bot.sqlite3", PROMPTS))
    stop, ready = asyncio.Event(), asyncio.Event()
    with runner_lines() as lines:
        serving = asyncio.create_task(
            serve(application, stop, long_poll_timeout=1, ready=ready, backoff=Backoff(0.01, 0.04))
        )
        await asyncio.wait_for(ready.wait(), 10)
        stop.set()
        await serving
    said = [record.getMessage() for record in lines.records]
    assert said == [
        f"{ATTEMPT} {n}: Internal Server Error); trying again in {wait} s"
        for n, wait in enumerate(("0.01", "0.02", "0.04", "0.04"), start=1)
    ]
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in lines.records)
    assert [c.ok for c in standin.calls_to("getMe")] == [False] * 4 + [True]


async def test_a_stop_during_an_attempt_that_hangs_returns_at_once(tmp_path: Path) -> None:
    """A server that accepts and never answers: the stop does not wait for the timeout."""
    accepted = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await reader.read()  # until the bot hangs up

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
            BOT_DB_PATH=tmp_path / "bot.sqlite3",
            BOT_PROMPTS_DIR=PROMPTS,
        )
        application = build_application(settings)
        stop = asyncio.Event()
        serving = asyncio.create_task(serve(application, stop, backoff=Backoff(60, 60)))
        await asyncio.wait_for(accepted.wait(), 10)
        stop.set()
        # PTB's read timeout is 5 s and the next attempt 60 s away: neither is waited for.
        await asyncio.wait_for(serving, 2)
    assert not (tmp_path / "bot.sqlite3").exists()
