"""Ticks: the options a member has ticked on a several-answers message before pressing
Submit. Kept on the server, so that a press on a keyboard that is no longer current (two
quick taps, a slow edit) toggles the one option it names and drops no other tick."""

from __future__ import annotations

from bot.storage.base import StorageBase
from bot.storage.sql import Db, one

_KEY = "chat_id = ? AND message_id = ? AND user_id = ?"


def _indexes(stored: str) -> tuple[int, ...]:
    return tuple(int(i) for i in stored.split(",")) if stored else ()


class TickQueries(StorageBase):
    async def toggle_tick(
        self, chat_id: int, message_id: int, user_id: int, index: int
    ) -> tuple[int, ...]:
        """Tick the option, or untick it if it was ticked; the ticks now, sorted. Read and
        written in one transaction, so concurrent presses each toggle their own option."""
        key = (chat_id, message_id, user_id)

        def toggle(db: Db) -> tuple[int, ...]:
            row = one(db, f"SELECT option_indexes FROM ticks WHERE {_KEY}", key)
            ticked = set(_indexes(row[0]) if row else ()) ^ {index}
            now = tuple(sorted(ticked))
            if now:
                db.execute(
                    "INSERT INTO ticks (chat_id, message_id, user_id, option_indexes) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, message_id, user_id) "
                    "DO UPDATE SET option_indexes = excluded.option_indexes",
                    (*key, ",".join(str(i) for i in now)),
                )
            else:
                db.execute(f"DELETE FROM ticks WHERE {_KEY}", key)
            return now

        return await self._write(toggle)

    async def ticks_of(self, chat_id: int, message_id: int, user_id: int) -> tuple[int, ...]:
        """The options a member has ticked on a message, sorted; () if none."""
        row = await self._read_one(
            f"SELECT option_indexes FROM ticks WHERE {_KEY}", (chat_id, message_id, user_id)
        )
        return _indexes(row[0]) if row else ()

    async def clear_ticks(self, chat_id: int, message_id: int, user_id: int) -> None:
        """Forget a member's ticks on a message (submitted, or the question closed)."""
        await self._write(
            lambda db: db.execute(f"DELETE FROM ticks WHERE {_KEY}", (chat_id, message_id, user_id))
        )
