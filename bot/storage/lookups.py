"""Glossary lookups: who pressed 📖 Words (or asked for a part's words by its link), which
terms they were shown, where and when. One row per term shown; a press handled twice (an
update redelivered after a crash) records nothing new: rows are keyed by what asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.base import StorageBase
from bot.storage.sql import Db, lookups_of_chat


@dataclass(frozen=True, slots=True)
class LookedUp:
    """A term a reader looked up: how many times, and when last (ISO 8601, UTC)."""

    lesson_id: str
    term: str
    times: int
    last_at: str


@dataclass(frozen=True, slots=True)
class TopWord:
    """One of a group's most looked-up terms: lookups, and by how many people."""

    term: str
    times: int
    people: int


class LookupQueries(StorageBase):
    async def record_lookups(
        self,
        *,
        user_id: int,
        chat_id: int,
        lesson_id: str,
        section: int,
        terms: Sequence[str],
        source: str,
        walk_id: int | None = None,
    ) -> None:
        """Record that ``user_id`` was shown ``terms`` of a lesson's part ``section``
        (1-based) from ``chat_id``; ``source`` names what asked (a press's query id), so
        the same press recorded twice is one lookup. ``walk_id``: the walk of the message
        it was pressed under (a homework's attempt makes it its group's lookup too)."""
        now = self._now()

        def record(db: Db) -> None:
            db.executemany(
                "INSERT OR IGNORE INTO lookups "
                "(user_id, chat_id, lesson_id, section, term, source, looked_at, walk_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (user_id, chat_id, lesson_id, section, term, source, now, walk_id)
                    for term in terms
                ],
            )

        await self._write(record)

    async def looked_up_by(self, user_id: int, limit: int = 100) -> list[LookedUp]:
        """The terms a person looked up, the most recent first."""
        rows = await self._read_all(
            "SELECT lesson_id, term, COUNT(*), MAX(looked_at) FROM lookups WHERE user_id = ? "
            "GROUP BY lesson_id, term ORDER BY MAX(looked_at) DESC, MAX(id) DESC LIMIT ?",
            (user_id, limit),
        )
        return [LookedUp(str(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]

    async def top_lookups(self, chat_id: int, lesson_id: str, limit: int = 10) -> list[TopWord]:
        """A group's most looked-up terms of a lesson (under its messages, and in its
        homework done privately): the most lookups first."""
        rows = await self._read_all(
            f"SELECT term, COUNT(*), COUNT(DISTINCT user_id) FROM lookups AS l "
            f"WHERE {lookups_of_chat('?')} AND l.lesson_id = ? GROUP BY term "
            "ORDER BY COUNT(*) DESC, COUNT(DISTINCT user_id) DESC, term LIMIT ?",
            (chat_id, chat_id, lesson_id, limit),
        )
        return [TopWord(str(r[0]), int(r[1]), int(r[2])) for r in rows]
