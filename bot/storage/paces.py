"""Paces: a group session that moves on by itself every so many seconds (issue 12), its
clock (stopped or running) and its next tick, kept so that timers are rebuilt at start."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.storage.base import StorageBase
from bot.storage.sql import Db, one

PACE_COLUMNS = "walk_id, seconds, paused, next_tick_at, from_position"


@dataclass(frozen=True, slots=True)
class Pace:
    walk_id: int
    seconds: int
    paused: bool  # a moderator stopped the clock (/pause): no tick is due
    next_tick_at: str | None  # UTC, as iso_utc writes it; None: none planned
    from_position: int | None  # the session's position the next tick moves on from


def pace_of(row: sqlite3.Row) -> Pace:
    return Pace(int(row[0]), int(row[1]), bool(row[2]), row[3], row[4])


def plan_tick(db: Db, walk_id: int, from_position: int, at: str) -> None:
    """The next tick of a running clock: at ``at``, from ``from_position`` (a stopped clock
    stays stopped). Run in the transaction that moves the session, so that the move and
    the tick planned from it are one fact."""
    db.execute(
        "UPDATE paces SET next_tick_at = ?, from_position = ? WHERE walk_id = ? AND paused = 0",
        (at, from_position, walk_id),
    )


class PaceQueries(StorageBase):
    async def set_pace(self, walk_id: int, seconds: int) -> None:
        """Give a (new) session its pace; its first tick is planned when a part is posted."""
        await self._write(
            lambda db: db.execute(
                "INSERT OR REPLACE INTO paces (walk_id, seconds) VALUES (?, ?)",
                (walk_id, seconds),
            )
        )

    async def pace(self, walk_id: int) -> Pace | None:
        row = await self._read_one(
            f"SELECT {PACE_COLUMNS} FROM paces WHERE walk_id = ?", (walk_id,)
        )
        return pace_of(row) if row else None

    async def planned_ticks(self) -> list[Pace]:
        """Every running clock of an active session with a tick planned (for the timers
        rebuilt at start), soonest first."""
        rows = await self._read_all(
            "SELECT p.walk_id, p.seconds, p.paused, p.next_tick_at, p.from_position "
            "FROM paces AS p JOIN walks AS w ON w.id = p.walk_id "
            "WHERE p.paused = 0 AND p.next_tick_at IS NOT NULL AND w.status = 'active' "
            "ORDER BY p.next_tick_at"
        )
        return [pace_of(row) for row in rows]

    async def stop_clock(self, walk_id: int) -> Pace | None:
        """/pause: the clock stops and no tick is due; None if it was stopped already (or
        the session has no pace)."""

        def stop(db: Db) -> Pace | None:
            row = one(
                db,
                "UPDATE paces SET paused = 1, next_tick_at = NULL "
                f"WHERE walk_id = ? AND paused = 0 RETURNING {PACE_COLUMNS}",
                (walk_id,),
            )
            return pace_of(row) if row else None

        return await self._write(stop)

    async def start_clock(self, walk_id: int, from_position: int, at: str) -> Pace | None:
        """/resume (or the session resumed): the clock runs, its next tick at ``at`` from
        ``from_position``; None if the session has no pace."""

        def start(db: Db) -> Pace | None:
            row = one(
                db,
                "UPDATE paces SET paused = 0, next_tick_at = ?, from_position = ? "
                f"WHERE walk_id = ? RETURNING {PACE_COLUMNS}",
                (at, from_position, walk_id),
            )
            return pace_of(row) if row else None

        return await self._write(start)
