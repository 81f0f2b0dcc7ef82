"""Rows kept in memory: every answer looks up its session's post and walk, every update
its reader's language, every reply in a group its group's settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# A few hundred bytes a row. The rows of active sessions are what is looked up: 1,000 groups
# answering at once keep about 8 posts and a walk each (bench/capacity.py; with 2,048 the
# first answers of the load queued behind the reads that refilled it).
CACHE_LIMIT = 8192
# Walks changed, remembered to keep reads begun before their change from putting old rows
# back; past this many, forgotten all at once (as if every walk had changed).
CHANGES_KEPT = 4 * CACHE_LIMIT


class Cache(Generic[K, V]):
    """Rows that answers look up again and again (a session's posts, its walk), kept in
    memory, bounded, and dropped by walk when a write changes that walk or its posts: one
    group's next part or one student's answer leaves every other session's rows in place.

    A read that began before such a write must not put its stale row back afterwards: every
    drop starts a new ``generation``, and a row read in an earlier one is kept only if its
    walk has not been dropped since."""

    def __init__(self, limit: int, walk_of: Callable[[V], int]) -> None:
        self._rows: dict[K, V] = {}
        self._by_walk: dict[int, set[K]] = {}
        self._walk_of = walk_of
        self._limit = limit
        self.generation = 0
        # Reads under way: each one's row (or None) and the generation it was read in.
        self._loading: dict[K, asyncio.Future[tuple[V | None, int]]] = {}
        self._walk_dropped: dict[int, int] = {}  # walk id -> the generation its drop began
        self._all_dropped = 0

    def get(self, key: K) -> V | None:
        return self._rows.get(key)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The cached row, or the one ``load`` reads (kept unless a change came meanwhile).
        Those who ask for a row already being read wait for that read instead of reading it
        again (a group's members answering at once after a part is posted share one), unless
        a change came while it was being read: then they read it again themselves."""
        found = self._rows.get(key)
        if found is not None:
            return found
        shared = self._loading.get(key)
        if shared is None:
            return await self._load(key, load)
        try:
            found, generation = await asyncio.shield(shared)
        except asyncio.CancelledError:
            if not shared.cancelled():
                raise  # this caller was cancelled, not the read
            return await self._load(key, load)
        except Exception:  # noqa: BLE001 - the read failed: try it here (the error again?)
            return await self._load(key, load)
        if self._stale(found, generation):  # a change came while it was being read
            return await self._load(key, load)
        return found

    async def _load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        loading = asyncio.get_running_loop().create_future()
        self._loading.setdefault(key, loading)
        generation = self.generation
        try:
            found = await load()
        except asyncio.CancelledError:
            loading.cancel()
            raise
        except Exception as error:
            loading.set_exception(error)
            loading.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            if self._loading.get(key) is loading:
                del self._loading[key]
        if found is not None:
            self.put(key, found, generation)
        loading.set_result((found, generation))
        return found

    def _stale(self, row: V | None, read_in_generation: int) -> bool:
        """Whether a change may have come while ``row`` was read (None: any change)."""
        if row is None:
            return read_in_generation < self.generation
        return self._walk_changed(self._walk_of(row), read_in_generation)

    def _walk_changed(self, walk: int, since_generation: int) -> bool:
        """Whether ``walk``'s rows were dropped after ``since_generation`` began."""
        return since_generation < max(self._all_dropped, self._walk_dropped.get(walk, 0))

    def put(self, key: K, row: V, read_in_generation: int) -> None:
        walk = self._walk_of(row)
        if self._walk_changed(walk, read_in_generation):
            return  # its walk changed while it was being read
        if key in self._rows:
            self._forget(key)
        elif len(self._rows) >= self._limit:
            self._forget(next(iter(self._rows)))  # the oldest entry
        self._rows[key] = row
        self._by_walk.setdefault(walk, set()).add(key)

    def drop(self, walks: Collection[int] | None) -> None:
        """Drop the rows of these walks (None: every row)."""
        self.generation += 1
        if walks is None:
            self._rows.clear()
            self._by_walk.clear()
            self._walk_dropped.clear()
            self._all_dropped = self.generation
            return
        for walk in walks:
            for key in self._by_walk.pop(walk, ()):
                del self._rows[key]
            self._walk_dropped[walk] = self.generation
        if len(self._walk_dropped) > CHANGES_KEPT:
            self._walk_dropped.clear()
            self._all_dropped = self.generation

    def drop_all(self) -> None:
        self.drop(None)

    def _forget(self, key: K) -> None:
        walk = self._walk_of(self._rows.pop(key))
        keys = self._by_walk.get(walk)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_walk[walk]


class Kept(Generic[V]):
    """A small table read whole on first use and kept: every update asks it, and only a few
    writes change it, each changing the kept copy once it has committed.

    One read at a time, and a write's change waits for a read under way: a read that began
    before the write committed puts its copy in place first, so it cannot put an older copy
    back over the change (a read begun after the commit sees the write)."""

    def __init__(self) -> None:
        self._copy: V | None = None
        self._reading = asyncio.Lock()

    async def get(self, read: Callable[[], Awaitable[V]]) -> V:
        """The kept copy; read by ``read`` the first time."""
        if self._copy is None:
            async with self._reading:
                if self._copy is None:
                    self._copy = await read()
        return self._copy

    async def settled(self) -> V | None:
        """For a write that has committed: the kept copy to change, once no read is under
        way; None when none is kept (the first read will see the write)."""
        async with self._reading:
            return self._copy
