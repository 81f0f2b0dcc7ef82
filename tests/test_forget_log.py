"""/forget while something reads the database (issue 19, item 2): the log (WAL), which
holds the deleted rows' old pages, is emptied once the reader is done; "Done" is said only
when it is. Real SQLite files, a real reader in an open read transaction, the real bot."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage import NewAnswer, Respondent, Storage, Walk
from tests.actors import Student, edited, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

ANA = Respondent(501, "Ana Kim", "ana")


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition`` (a file's state, which nothing announces), at most 10 s."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(what)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program reading the database (a backup, an export): a connection inside a
    read transaction, which keeps the log from being emptied until it ends."""
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM answers").fetchall()
        yield reader
    finally:
        if reader.in_transaction:
            reader.execute("ROLLBACK")
        reader.close()


def in_files(path: Path, secret: bytes) -> list[str]:
    """Which of the database's files hold ``secret``."""
    files = (path, path.with_name(path.name + "-wal"))
    return [f.name for f in files if f.exists() and secret in f.read_bytes()]


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def storage_with_answers(path: Path) -> tuple[Storage, Walk]:
    storage = await Storage.open(path)
    walk = await storage.start_walk(
        chat_id=ANA.user_id,
        chat_type="private",
        chat_title=ANA.display_name,
        audience="private",
        user_id=ANA.user_id,
        lesson_id="lesson-a",
        lesson_version="v1",
    )
    for n in range(20):
        await storage.record_answer(
            NewAnswer(
                walk=walk,
                respondent=ANA,
                question_id="q-short",
                question_type="short",
                via="text",
                source_key=f"msg:{n}",
                answer_text=f"Zebulon says {n}",
            )
        )
    return storage, walk


async def test_forget_tries_again_until_the_reader_is_done_then_says_the_log_is_clear(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    storage, _ = await storage_with_answers(path)
    attempts: list[bool] = []
    first_failed = asyncio.Event()
    checkpoint = storage._writer.checkpoint

    async def watched() -> bool:
        done = await checkpoint()
        attempts.append(done)
        if not done:
            first_failed.set()
        return done

    storage._writer.checkpoint = watched  # type: ignore[method-assign]
    try:
        with reading(path) as reader:
            forgetting = asyncio.ensure_future(storage.forget_user(ANA.user_id))
            await asyncio.wait_for(first_failed.wait(), timeout=10)
            assert in_files(path, b"Zebulon") == ["bot.sqlite3-wal"]  # the log still has it
            reader.execute("ROLLBACK")  # the reader is done
            gone = await asyncio.wait_for(forgetting, timeout=10)
        assert (gone.answers, gone.walks, gone.log_cleared) == (20, 1, True)
        assert attempts[0] is False and attempts[-1] is True
        assert wal_size(path) == 0
        assert in_files(path, b"Zebulon") == in_files(path, b"Ana Kim") == []
    finally:
        await storage.close()


async def test_a_reader_longer_than_forget_waits_leaves_the_log_to_the_background(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    storage, _ = await storage_with_answers(path)
    storage.log_clear_within_s = 0.2  # instead of 5 s: the reader below outlasts it
    storage.log_clear_retry_every_s = 0.05
    try:
        with reading(path):
            gone = await storage.forget_user(ANA.user_id)
            assert (gone.answers, gone.log_cleared) == (20, False)
            assert in_files(path, b"Zebulon") == ["bot.sqlite3-wal"]
            assert await storage.answers_of_user(ANA.user_id) == []  # deleted all the same
        await until(lambda: wal_size(path) == 0, "the log emptied once the reader was done")
        assert in_files(path, b"Zebulon") == in_files(path, b"Ana Kim") == []
    finally:
        await storage.close()


async def test_closing_stops_the_background_clearing(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    storage, _ = await storage_with_answers(path)
    storage.log_clear_within_s = 0.1
    with reading(path):
        gone = await storage.forget_user(ANA.user_id)
        assert not gone.log_cleared
        assert [t.get_name() for t in storage._background] == ["clear-log-after-forget"]
        await asyncio.wait_for(storage.close(), timeout=10)  # not held up by the reader
        assert not storage._background


async def test_forget_over_the_bot_says_done_only_once_the_log_is_cleared(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sqlite3"
    async with running_bot(settings_for(standin, tmp_path)) as application:
        storage = application.bot_data.storage
        assert storage is not None
        storage.log_clear_within_s = 0.2
        storage.log_clear_retry_every_s = 0.05
        ana, bo = Student(standin, "Ana", "ana_k"), Student(standin, "Bo", "bo_l")
        for student in (ana, bo):
            await student.begins_lesson()
        with reading(path):
            ana.says("/forget")
            confirm = await ana.reads()
            await ana.presses(confirm, "Yes, delete everything")
            shown = text(await standin.wait_for(lambda: edited(standin, confirm)))
            # One answer: the stance asked before the reading (issue 14).
            assert shown.startswith("🗑 I deleted 1 answer, 1 lesson attempt and ")
            assert "it will be cleared shortly" in shown and "Done" not in shown
            assert "bot.sqlite3-wal" in in_files(path, b"Ana Kim")  # the private chat's title
        await until(lambda: not in_files(path, b"Ana Kim"), "Ana gone from the log")
        # Nobody reading: the log is emptied at once, and the student told "Done".
        bo.says("/forget")
        confirm = await bo.reads()
        await bo.presses(confirm, "Yes, delete everything")
        shown = text(await standin.wait_for(lambda: edited(standin, confirm)))
        assert shown.startswith("🗑 Done. I deleted 1 answer, 1 lesson attempt and ")
        assert in_files(path, b"Bo Kim") == []
