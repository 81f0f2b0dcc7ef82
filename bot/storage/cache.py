"""Posts and walks kept in memory: every answer looks up its session's post and walk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# A few hundred bytes a row.
CACHE_LIMIT = 2048


class Cache(Generic[K, V]):
    """Rows that answers look up again and again (a session's posts, its walk), kept
    in memory. Bounded, and dropped whenever a write changes walks or posts.

    A read that began before such a write must not put its stale row back afterwards:
    ``generation`` tells whether a drop happened while the row was being read."""

    def __init__(self, limit: int) -> None:
        self._rows: dict[K, V] = {}
        self._limit = limit
        self.generation = 0

    def get(self, key: K) -> V | None:
        return self._rows.get(key)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The cached row, or the one ``load`` reads (kept unless a change came meanwhile)."""
        found = self._rows.get(key)
        if found is not None:
            return found
        generation = self.generation
        found = await load()
        if found is not None:
            self.put(key, found, generation)
        return found

    def put(self, key: K, row: V, read_in_generation: int) -> None:
        if read_in_generation != self.generation:
            return
        if len(self._rows) >= self._limit:
            del self._rows[next(iter(self._rows))]  # the oldest entry
        self._rows[key] = row

    def drop_all(self) -> None:
        self._rows.clear()
        self.generation += 1
