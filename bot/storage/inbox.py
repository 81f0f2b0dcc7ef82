"""The inbox: updates stored before Telegram is told they arrived, and marked handled in
the transaction of the first write their handling makes; and the private chats a stop left
owed a reply (``bot.poller``), made good at the next start."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot.storage.base import HANDLING, StorageBase, UpdateMark
from bot.storage.sql import Db


def forget_updates(db: Db, update_ids: list[int]) -> None:
    """Forget handled updates, remembering the newest id handled: Telegram re-delivers
    what it was not told about, and those must not be answered twice."""
    db.executemany("DELETE FROM inbox WHERE update_id = ?", [(i,) for i in update_ids])
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('last_update_id', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
        "WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)",
        (str(max(update_ids)),),
    )


class InboxQueries(StorageBase):
    @staticmethod
    def _mark_handled(db: Db, update_ids: list[int]) -> None:
        forget_updates(db, update_ids)

    async def inbox_add(self, updates: Sequence[tuple[int, str]]) -> None:
        """Store fetched updates (id, raw JSON); one already stored is left as it was."""
        if not updates:
            return
        now = self._now()
        rows = [(update_id, payload, now) for update_id, payload in updates]
        await self._write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )
        )

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Stored updates not yet handled, oldest first."""
        rows = await self._read_all("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [(int(row[0]), str(row[1])) for row in rows]

    @contextmanager
    def handling(self, update_id: int) -> Iterator[UpdateMark]:
        """While an update is handled: its first write also marks it handled."""
        mark = UpdateMark(update_id)
        token = HANDLING.set(mark)
        try:
            yield mark
        finally:
            HANDLING.reset(token)

    async def inbox_done(self, update_id: int) -> None:
        """Mark a handled update done (when its handling wrote nothing)."""
        await self._write(lambda db: forget_updates(db, [update_id]))

    async def last_handled_update(self) -> int:
        row = await self._read_one("SELECT value FROM meta WHERE key = 'last_update_id'")
        return int(row[0]) if row else 0

    async def owe_replies(self, chat_ids: Sequence[int]) -> None:
        """These private chats' replies were cut by a stop, after their updates' writes."""
        now = self._now()
        rows = [(chat_id, now) for chat_id in chat_ids]
        await self._write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO owed_replies (chat_id, noted_at) VALUES (?, ?)", rows
            )
        )

    async def owed_replies(self) -> list[int]:
        """The private chats a stop left owed a reply, oldest first."""
        rows = await self._read_all("SELECT chat_id FROM owed_replies ORDER BY noted_at, chat_id")
        return [int(row[0]) for row in rows]

    async def reply_made_good(self, chat_id: int) -> None:
        await self._write(
            lambda db: db.execute("DELETE FROM owed_replies WHERE chat_id = ?", (chat_id,))
        )
