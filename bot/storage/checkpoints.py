"""Copying the write-ahead log into the database file, beside the writer instead of in it.

In WAL mode SQLite appends each commit to the log, and by default the connection whose
commit makes the log pass 1,000 pages copies the log into the database file and syncs it
(a checkpoint) before that commit returns. For the bot that connection is the writer's: at
hundreds of answers a second a checkpoint came every second or two, took tens of
milliseconds, and every answer queued behind it waited that long (bench/capacity.py,
webhook mode, 800 answers offered a second: the writer's commits p50 25 ms with its own
checkpoints, 5 ms without; docs/scaling.md, session 7).

So the writer checkpoints only as a safety net (``WRITER_AUTOCHECKPOINT`` pages, set in
``schema.WRITER_PRAGMAS``), and a connection of its own, on its own thread, checkpoints
every ``every`` seconds in PASSIVE mode: it copies what no reader still needs, never
waits for a lock, and never holds up a write (WAL lets the writer append meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.storage.own_thread import close_on_own_thread, connect_on_own_thread

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 0.5  # seconds; at 1,000 answers a second the log grows a few MB a second


class Checkpointer:
    def __init__(self, connection: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        self._connection = connection
        self._executor = executor
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path) -> Checkpointer:
        # PASSIVE never waits for a lock anyway.
        return cls(
            *await connect_on_own_thread(path, "sqlite-checkpoint", "PRAGMA busy_timeout = 0")
        )

    def start(self, every: float = CHECKPOINT_EVERY) -> None:
        self._task = asyncio.create_task(self._run(every))

    async def checkpoint(self) -> tuple[int, int]:
        """One PASSIVE checkpoint: (pages in the log, pages of it now in the database)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._passive)

    def _passive(self) -> tuple[int, int]:
        _busy, logged, copied = self._connection.execute(
            "PRAGMA wal_checkpoint(PASSIVE)"
        ).fetchone()
        return int(logged), int(copied)

    async def _run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.checkpoint()
            except sqlite3.Error as error:  # the writer's safety net still checkpoints
                log.warning("background checkpoint failed: %s", error)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await close_on_own_thread(self._connection, self._executor)
