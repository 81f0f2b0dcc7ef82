"""Deliveries: reports and exports a moderator asked for before ever opening a private chat
with the bot, sent as soon as they press Start."""

from __future__ import annotations

from typing import Literal

from bot.storage.base import StorageBase
from bot.storage.records import Delivery


class DeliveryQueries(StorageBase):
    async def add_delivery(
        self,
        user_id: int,
        kind: Literal["report", "export"],
        chat_id: int,
        fmt: Literal["csv", "jsonl", "xlsx"] = "csv",
        all_sessions: bool = False,
        history: bool = False,
        assignment_id: int | None = None,
        lookups: bool = False,
    ) -> None:
        now = self._now()
        values = (user_id, kind, chat_id, fmt, int(all_sessions), int(history), assignment_id)
        await self._write(
            lambda db: db.execute(
                "INSERT INTO deliveries (user_id, kind, chat_id, format, all_sessions, "
                "history, assignment_id, lookups, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, int(lookups), now),
            )
        )

    async def take_deliveries(self, user_id: int) -> list[Delivery]:
        """A moderator's waiting reports and exports, removed as they are handed over."""
        rows = await self._write(
            lambda db: db.execute(
                "DELETE FROM deliveries WHERE user_id = ? "
                "RETURNING id, user_id, kind, chat_id, format, all_sessions, history, "
                "assignment_id, lookups",
                (user_id,),
            ).fetchall()
        )
        found = [
            Delivery(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), r[7], bool(r[8]))
            for r in rows
        ]
        return sorted(found, key=lambda d: d.id)
