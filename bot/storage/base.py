"""What every query module stands on: the two connections (the one writer, and a reader),
the in-memory posts and walks, opening and closing the database.

``Storage`` (``bot.storage.facade``) is this plus the queries of each noun, as mixins: a
handler sees one object, and a query is one method call away, as fast as before the split.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Collection, Coroutine, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TypeVar

import aiosqlite

from bot.storage.cache import CACHE_LIMIT, Cache, Kept
from bot.storage.checkpoints import Checkpointer
from bot.storage.lock import InstanceLock
from bot.storage.records import Clock, Post, StorageError, Walk, iso_utc, utc_now
from bot.storage.schema import READER_PRAGMAS, WRITER_PRAGMAS, migrate
from bot.storage.sql import Db
from bot.storage.writer import Writer

T = TypeVar("T")


@dataclass(slots=True)
class UpdateMark:
    """The update being handled, and whether a write has already marked it done."""

    update_id: int
    done: bool = False


HANDLING: ContextVar[UpdateMark | None] = ContextVar("handling", default=None)


def _walk_id(walk: Walk) -> int:
    return walk.id


def _post_walk(post: Post) -> int:
    return post.walk_id


class StorageBase:
    """The connections and the ways to use them; the queries are in the mixins.

    Writes go through one ``Writer`` (its own thread and connection; concurrent writes share
    a transaction). Reads use an aiosqlite connection of their own, which WAL lets run beside
    the writer and which sees every committed write."""

    def __init__(
        self, reader: aiosqlite.Connection, writer: Writer, clock: Clock = utc_now
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._clock = clock
        self._lock: InstanceLock | None = None
        self._checkpointer: Checkpointer | None = None
        # Looked up by every answer; changed only by the writes that pass ``changes_walks``
        # (or, for posts alone, ``changes_posts``).
        self._walks: Cache[int, Walk] = Cache(CACHE_LIMIT, _walk_id)
        self._posts: Cache[tuple[int, int] | str, Post] = Cache(CACHE_LIMIT, _post_walk)
        # The newest post of a question in a walk, by (walk id, question id).
        self._question_posts: Cache[tuple[int, str], Post] = Cache(CACHE_LIMIT, _post_walk)
        # Who reads which language (bot.storage.languages), and the groups' settings
        # (bot.storage.group_settings): read once and kept.
        self._languages: Kept[dict[int, tuple[str | None, str | None]]] = Kept()
        self._group_settings: Kept[dict[int, dict[str, str]]] = Kept()
        # Work that outlives the call that started it (clearing the log after /forget).
        self._background: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, path: Path, clock: Clock = utc_now, *, exclusive: bool = False) -> Self:
        """Open (creating the folder and file if needed), check and migrate the database.

        ``exclusive``: the running bot holds a lock file beside the database, so that a
        second instance on the same database refuses to start (exports and backups don't
        take it: they only read), and copies the write-ahead log into the database beside
        the writer (a checkpointer on a thread of its own). A command-line tool does
        neither: it writes little, which the writer's own autocheckpoint covers.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = InstanceLock.take(path) if exclusive else None
        try:
            writer = await Writer.open(path)
        except sqlite3.Error as error:
            if lock is not None:
                lock.release()
            raise StorageError(f"cannot open the database {path}: {error}") from None
        try:
            reader = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            await writer.close()
            if lock is not None:
                lock.release()
            raise StorageError(f"cannot open the database {path}: {error}") from None
        writer.mark_handled_with(cls._mark_handled)
        storage = cls(reader, writer, clock)
        storage._lock = lock
        try:
            await writer.configure(WRITER_PRAGMAS)
            for pragma in READER_PRAGMAS:
                await reader.execute(pragma)
            await storage._check()
            await storage._write(migrate)
            if exclusive:
                storage._checkpointer = await Checkpointer.open(path)  # the log is WAL by now
                storage._checkpointer.start()
        except (StorageError, sqlite3.DatabaseError) as error:
            await storage.close()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"cannot use the database {path}: {error}") from None
        return storage

    async def close(self) -> None:
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._checkpointer is not None:
            await self._checkpointer.close()
            self._checkpointer = None
        await self._writer.close()
        await self._reader.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @staticmethod
    def _mark_handled(db: Db, update_ids: list[int]) -> None:
        """How a transaction marks the updates its writes came from handled: the inbox's
        statements (``bot.storage.inbox``)."""
        raise NotImplementedError

    async def _check(self) -> None:
        """Refuse a damaged database at start rather than fail on a student's answer."""
        rows = await self._read_all("PRAGMA quick_check")
        problems = [str(row[0]) for row in rows if row[0] != "ok"]
        if problems:
            found = "; ".join(" ".join(p.split()) for p in problems[:3])  # one line
            raise StorageError(f"the database failed its integrity check: {found}")

    async def schema_version(self) -> int:
        found = await self._reader.execute_fetchall("PRAGMA user_version")
        row = next(iter(found), None)
        return int(row[0]) if row else 0

    async def _write(
        self,
        work: Callable[[Db], T],
        *,
        changes_walks: bool = False,
        changes_posts: bool = False,
        of_walks: Collection[int] | None = None,
        then_cache: Callable[[T], None] | None = None,
    ) -> T:
        """Run ``work`` in a write transaction; return once that transaction has committed.

        The first write made while handling an update (see ``handling``) also marks that
        update handled, in the same transaction: an answer and "this update is done" are
        committed together, and the update costs no extra commit. ``changes_walks``: the
        work changes walks or posts, so the cached ones are dropped; ``changes_posts``: it
        changes posts only, so only the cached posts are; ``of_walks``: only those of these
        walks (None: of every walk, for the rare writes that change walks they cannot name).
        ``then_cache``: given the work's result once committed and the drops done, it puts
        rows just written in the caches (before any later change can drop them).
        """
        mark = HANDLING.get()
        marking = mark if mark is not None and not mark.done else None

        def committed(result: T) -> None:
            if marking is not None:
                marking.done = True
            if changes_walks:
                self._walks.drop(of_walks)
            if changes_walks or changes_posts:
                self._posts.drop(of_walks)
                self._question_posts.drop(of_walks)
            if then_cache is not None:
                then_cache(result)

        return await self._writer.run(
            work, committed, None if marking is None else marking.update_id
        )

    async def _read_one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        found = await self._reader.execute_fetchall(sql, params)
        return next(iter(found), None)

    async def _read_all(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Every row of a query that may return many (a session's answers, say).

        Not ``execute_fetchall``: aiosqlite's thread keeps the last call's result until its
        next call, and since answers hardly read any more, a session summary's rows (1.7 MiB
        for 100 members) would stay in memory for minutes. Here the last call is the
        cursor's close."""
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    def _now(self) -> str:
        return iso_utc(self._clock())

    def _in_background(self, name: str, work: Coroutine[object, object, None]) -> None:
        """Run ``work`` beside the callers, until it ends or ``close`` cancels it."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _running(self, name: str) -> bool:
        return any(task.get_name() == name for task in self._background)
