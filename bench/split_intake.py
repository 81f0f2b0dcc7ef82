"""A measuring prototype, not the design: webhook intake in a process of its own, to measure
what docs/scaling.md (session 9) argues, that the bot's process left with the handling
alone keeps up with 1,000 answers a second. ``bench/capacity.py --webhook --split-intake``.

The intake process (``python bench/split_intake.py``) serves Telegram's pushes with aiohttp:
the secret compared, the body parsed, the update written to an inbox file of its own (one
transaction per batch of pushes waiting at once, on a thread), then handed to the bot over
a Unix socket (a line: the update's id, a tab, its JSON), then 200. The bot's process
(``bot_side``, installed in the capacity bench's bot child) reads those lines and gives
each to ``WebhookFeed.accept``, as its own web server would; its own server listens on
another port, and its inbox rows are not there to delete (what the design would change).
Nothing here is what a deployment should run: no limits on bodies, no retries, no stop.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import hmac
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

HOOK_PATH = "/telegram/hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name


class _Intake:
    def __init__(self, inbox: Path, secret: str, bot: asyncio.StreamWriter) -> None:
        self.db = sqlite3.connect(inbox, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS inbox (update_id INTEGER PRIMARY KEY, payload TEXT)"
        )
        self.secret = secret.encode()
        self.bot = bot
        self.waiting: list[tuple[int, str, asyncio.Future[None]]] = []
        self.flushing: asyncio.Future[None] | None = None

    async def hook(self, request: Any) -> Any:
        from aiohttp import web

        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=401)
        body = await request.read()
        update_id = json.loads(body)["update_id"]
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((update_id, body.decode(), done))
        if self.flushing is None:
            self.flushing = asyncio.ensure_future(self._flush())
        await done
        return web.Response(text="ok")

    async def _flush(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            await asyncio.to_thread(self._store, [(u, p) for u, p, _ in batch])
            self.bot.write("".join(f"{u}\t{p}\n" for u, p, _ in batch).encode())
            for _, _, done in batch:
                done.set_result(None)
        self.flushing = None

    def _store(self, rows: list[tuple[int, str]]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("INSERT OR IGNORE INTO inbox VALUES (?, ?)", rows)
        self.db.execute("COMMIT")


async def intake_main(args: argparse.Namespace) -> None:
    from aiohttp import web

    handing_over, bot = await asyncio.open_unix_connection(args.socket)
    intake = _Intake(Path(args.inbox), args.secret, bot)
    app = web.Application(handler_args={"access_log": None})
    app.router.add_post(HOOK_PATH, intake.hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = args.listen.rsplit(":", 1)
    await web.TCPSite(runner, host, int(port)).start()
    await handing_over.read()  # until the bot's process closes its end: it has ended


def bot_side(free_port: int) -> None:
    """In the bot's process, before it starts: its own server moved to ``free_port``; once
    its feed is prepared, the intake process started on the hook's address, and what it
    hands over accepted as pushes."""
    from bot.intake import WebhookFeed

    hook_address = os.environ["BOT_LISTEN"]
    os.environ["BOT_LISTEN"] = f"127.0.0.1:{free_port}"
    original = WebhookFeed.prepare
    folder = Path(os.environ["BOT_DB_PATH"]).parent
    kept: list[object] = []

    async def prepare(self: WebhookFeed) -> None:
        await original(self)
        socket_path = folder / "intake.sock"
        ready = asyncio.Event()

        async def handed(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
            ready.set()
            with contextlib.suppress(asyncio.CancelledError):  # the bot stopping: not an error
                while line := await reader.readline():
                    update_id, stored = line.decode().rstrip("\n").split("\t", 1)
                    await self.accept(int(update_id), json.loads(stored), stored, new=True)

        kept.append(await asyncio.start_unix_server(handed, path=str(socket_path)))
        intake = subprocess.Popen(  # noqa: ASYNC220, S603 - once, at start; our own script
            [
                sys.executable,
                __file__,
                "--listen",
                hook_address,
                "--secret",
                self.secret,
                "--inbox",
                str(folder / "intake.sqlite"),
                "--socket",
                str(socket_path),
            ]
        )
        atexit.register(intake.kill)
        await asyncio.wait_for(ready.wait(), timeout=30)

    WebhookFeed.prepare = prepare  # type: ignore[method-assign]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    for option in ("--listen", "--secret", "--inbox", "--socket"):
        parser.add_argument(option, required=True)
    asyncio.run(intake_main(parser.parse_args()))
