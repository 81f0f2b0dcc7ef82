"""The writer keeps committing while the event loop is busy, and checkpoints of the write-
ahead log happen beside it, not in its transactions: under load, a write waits neither for a
turn of the event loop between transactions nor for a checkpoint (docs/scaling.md)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from bot.storage import Respondent, Storage
from bot.storage.schema import WRITER_AUTOCHECKPOINT
from tests.actors import group_session, rows
from tests.test_writer import reply


async def test_a_write_queued_behind_a_transaction_commits_while_the_event_loop_is_busy(
    storage: Storage, tmp_path: Path
) -> None:
    walk = await group_session(storage)
    slow_began = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow(db: sqlite3.Connection) -> None:  # a transaction still running when B is queued
        loop.call_soon_threadsafe(slow_began.set)
        time.sleep(0.2)
        db.execute("INSERT INTO meta (key, value) VALUES ('slow', 'done')")

    first = asyncio.ensure_future(storage._writer.run(slow))
    await slow_began.wait()
    late = Respondent(9, "B", None)
    second = asyncio.ensure_future(storage.record_answer(reply(walk, late, "b")))
    await asyncio.sleep(0)  # the second write is queued
    time.sleep(1.0)  # noqa: ASYNC251 - the event loop busy (a burst of handlers) for a second
    # Seen from another connection before the loop has had a turn: both are committed.
    assert rows(tmp_path / "bot.sqlite3", "SELECT value FROM meta WHERE key = 'slow'") == [
        ("done",)
    ]
    assert rows(tmp_path / "bot.sqlite3", "SELECT COUNT(*) FROM answers WHERE user_id = 9") == [
        (1,)
    ]
    await asyncio.gather(first, second)


def checkpointers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("sqlite-checkpoint")]


async def test_only_the_running_bot_checkpoints_beside_the_writer(tmp_path: Path) -> None:
    """A command-line tool (an export, `check`) opens the database while the bot may run:
    it starts no checkpointer of its own (the bot's, or the writer's autocheckpoint, does)."""
    path, before = tmp_path / "bot.sqlite3", checkpointers()
    tool = await Storage.open(path)
    try:
        await group_session(tool)
        assert checkpointers() == before
    finally:
        await tool.close()
    running = await Storage.open(path, exclusive=True)
    try:
        assert len(checkpointers()) == len(before) + 1
    finally:
        await running.close()


async def test_the_log_is_copied_into_the_database_beside_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path, exclusive=True)  # the running bot's
    try:
        walk = await group_session(storage)
        writer_setting = await storage._writer.run(
            lambda db: db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        )
        assert writer_setting == WRITER_AUTOCHECKPOINT  # the writer's own only as a safety net
        size_before = path.stat().st_size
        for batch in range(5):  # a few hundred KB of answers: far below the safety net
            await asyncio.gather(
                *(
                    storage.record_answer(
                        reply(walk, Respondent(1000 + i, f"M{i}", None), f"k{batch}-{i}", "x" * 900)
                    )
                    for i in range(50)
                )
            )
        # In WAL mode the database file grows only when the log is copied into it.
        deadline = time.monotonic() + 10
        while path.stat().st_size == size_before and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # a file's size: nothing to wait on but time
        assert path.stat().st_size > size_before, "nothing checkpointed the log"
    finally:
        await storage.close()


async def test_a_new_language_code_is_kept_without_holding_up_the_update(
    storage: Storage, tmp_path: Path
) -> None:
    released = asyncio.Event()
    loop = asyncio.get_running_loop()

    def busy(db: sqlite3.Connection) -> None:  # the writer is in the middle of a transaction
        while not released.is_set():
            time.sleep(0.01)

    running = asyncio.ensure_future(storage._writer.run(busy))
    await asyncio.sleep(0.05)
    # A person's first update: their language_code is queued, and the update goes on.
    await asyncio.wait_for(storage.saw_language_code(4242, "ko"), timeout=0.5)
    assert await storage.language_settings(4242) == (None, "ko")
    loop.call_soon(released.set)
    await running
    await storage._writer.run(lambda db: None)  # anything queued after it is committed too
    assert rows(
        tmp_path / "bot.sqlite3", "SELECT telegram FROM languages WHERE chat_id = ?", 4242
    ) == [("ko",)]
