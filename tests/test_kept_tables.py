"""The small tables kept in memory once read (``bot.storage.cache.Kept``): the groups'
settings and who reads which language. Each check compares the kept copy with what a fresh
read of the same database file says, so "kept" can never mean "out of date"."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.storage.cache import Kept

GROUP, SUPERGROUP, MEMBER = -100, -1001, 7


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(tmp_path / "bot.sqlite3")
    yield opened
    await opened.close()


async def fresh_read(path: Path, chat_id: int) -> tuple[dict[str, str], tuple[str | None, ...]]:
    """A group's settings and a chat's languages as another Storage on the file reads them."""
    other = await Storage.open(path)
    try:
        return await other.group_settings(chat_id), await other.language_settings(chat_id)
    finally:
        await other.close()


async def queries_of(storage: Storage, table: str) -> list[str]:
    """The reader's statements on ``table`` from now on (sqlite3's trace, on its thread)."""
    seen: list[str] = []

    def trace(statement: str) -> None:
        if f"FROM {table}" in statement:
            seen.append(statement)

    await storage._reader.set_trace_callback(trace)
    return seen


async def test_a_groups_settings_are_read_from_the_file_once(storage: Storage) -> None:
    await storage.set_group_setting(GROUP, "typed_answers", "private")
    await storage.set_group_setting(SUPERGROUP, "pace", "slow")
    read = await queries_of(storage, "group_settings")
    for _ in range(50):  # each reply to a group's question asks
        assert await storage.group_settings(GROUP) == {"typed_answers": "private"}
        assert await storage.group_settings(SUPERGROUP) == {"pace": "slow"}
    assert await storage.group_settings(12345) == {}
    assert len(read) == 1


async def test_a_change_is_kept_and_written(storage: Storage, tmp_path: Path) -> None:
    assert await storage.group_settings(GROUP) == {}  # read, and kept
    await storage.set_group_setting(GROUP, "typed_answers", "private")
    await storage.set_group_setting(GROUP, "typed_answers", "group")
    (await storage.group_settings(GROUP))["typed_answers"] = "changed by a caller"
    assert await storage.group_settings(GROUP) == {"typed_answers": "group"}
    assert (await fresh_read(tmp_path / "bot.sqlite3", GROUP))[0] == {"typed_answers": "group"}


async def test_a_change_while_the_first_read_is_under_way_is_not_undone(
    storage: Storage, tmp_path: Path
) -> None:
    """The first read takes its rows, then is held; meanwhile a change commits. Once the
    read goes on, the kept copy must still have the change."""
    read_all, rows_taken, go_on = storage._read_all, asyncio.Event(), asyncio.Event()

    async def held(sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        rows = await read_all(sql, params)
        rows_taken.set()
        await go_on.wait()
        return rows

    storage._read_all = held  # type: ignore[method-assign]
    first = asyncio.create_task(storage.group_settings(GROUP))
    await rows_taken.wait()
    storage._read_all = read_all  # type: ignore[method-assign]
    change = asyncio.create_task(storage.set_group_setting(GROUP, "pace", "fast"))
    await asyncio.sleep(0.05)  # the change commits, and waits for the read to end
    go_on.set()
    assert await first == {}  # what the file held when it was read
    await change
    assert await storage.group_settings(GROUP) == {"pace": "fast"}


async def test_kept_puts_a_write_after_the_read_under_way() -> None:
    """Kept itself: a write that asks for the copy while the first read is under way gets
    it once that read has put it in place, never before (and no second read is made)."""
    kept: Kept[dict[str, int]] = Kept()
    go_on, reads = asyncio.Event(), 0

    async def read() -> dict[str, int]:
        nonlocal reads
        reads += 1
        await go_on.wait()
        return {"old": 1}

    first = asyncio.create_task(kept.get(read))
    await asyncio.sleep(0)
    settled = asyncio.create_task(kept.settled())
    second = asyncio.create_task(kept.get(read))
    await asyncio.sleep(0.01)
    assert not settled.done() and not second.done()
    go_on.set()
    copy = await settled
    assert copy is not None
    copy["new"] = 2
    assert await first == await second == {"old": 1, "new": 2}
    assert reads == 1
    nothing: Kept[dict[str, int]] = Kept()
    assert await nothing.settled() is None  # nothing read: nothing kept to change


@pytest.mark.parametrize("read_before", [True, False])
async def test_a_move_to_a_supergroup_moves_the_kept_settings_as_the_file_does(
    storage: Storage, tmp_path: Path, read_before: bool
) -> None:
    """Telegram may tell of the new chat first, with settings of its own: the file keeps
    those (UPDATE OR IGNORE), and so must the kept copy."""
    await storage.remember_chat(GROUP, "group", "Class 2-3")
    await storage.set_group_setting(GROUP, "typed_answers", "private")
    await storage.set_group_setting(GROUP, "pace", "slow")
    await storage.set_group_setting(SUPERGROUP, "pace", "fast")
    await storage.choose_language(GROUP, "ko")
    if read_before:
        await storage.group_settings(GROUP)
        await storage.language_settings(GROUP)
    assert await storage.migrate_chat(GROUP, SUPERGROUP)
    path = tmp_path / "bot.sqlite3"
    for chat_id in (GROUP, SUPERGROUP):
        settings, languages = await fresh_read(path, chat_id)
        assert await storage.group_settings(chat_id) == settings
        assert await storage.language_settings(chat_id) == languages
    assert await storage.group_settings(SUPERGROUP) == {"typed_answers": "private", "pace": "fast"}
    assert await storage.language_settings(SUPERGROUP) == ("ko", None)


async def test_forget_drops_the_kept_language_as_the_file_does(
    storage: Storage, tmp_path: Path
) -> None:
    await storage.choose_language(MEMBER, "ko")
    await storage.saw_language_code(MEMBER, "en")
    await asyncio.sleep(0.05)  # the language_code's write is queued, not waited for
    assert await storage.language_settings(MEMBER) == ("ko", "en")
    await storage.forget_user(MEMBER)
    assert await storage.language_settings(MEMBER) == (None, None)
    assert (await fresh_read(tmp_path / "bot.sqlite3", MEMBER))[1] == (None, None)
