"""Walks: a cursor through one lesson, a student's attempt or a group's session."""

from __future__ import annotations

import sqlite3

from bot.storage.base import StorageBase
from bot.storage.chats import upsert_chat
from bot.storage.records import Audience, Walk, WalkStatus
from bot.storage.sql import Db, one

WALK_COLUMNS = (
    "id, chat_id, audience, user_id, lesson_id, lesson_version, attempt, position, status, "
    "started_at, ended_at, thread_id, asked_message_id"
)


def walk_of(row: sqlite3.Row) -> Walk:
    return Walk(*row)


def move(db: Db, walk: Walk, to_position: int, ended_at: str | None) -> Walk | None:
    """Move an active walk on; ``ended_at`` given: it is finished."""
    row = one(
        db,
        f"UPDATE walks SET position = ?, status = ?, ended_at = ? "
        f"WHERE id = ? AND position = ? AND status = 'active' RETURNING {WALK_COLUMNS}",
        (
            to_position,
            "active" if ended_at is None else "finished",
            ended_at,
            walk.id,
            walk.position,
        ),
    )
    return walk_of(row) if row else None


class WalkQueries(StorageBase):
    async def start_walk(
        self,
        *,
        chat_id: int,
        chat_type: str,
        chat_title: str | None,
        audience: Audience,
        user_id: int | None,
        lesson_id: str,
        lesson_version: str,
        thread_id: int | None = None,
        assignment_id: int | None = None,
    ) -> Walk:
        """Begin a new attempt at a lesson; the chat's unfinished walk, if any, is abandoned.
        ``thread_id``: the forum topic a group session runs in."""
        now = self._now()

        def start(db: Db) -> Walk:
            upsert_chat(db, chat_id, chat_type, chat_title, now)
            db.execute(
                "UPDATE walks SET status = 'abandoned', ended_at = ?, move_owed = NULL "
                "WHERE chat_id = ? AND status IN ('active', 'paused')",
                (now, chat_id),
            )
            row = one(
                db,
                "SELECT COUNT(*) FROM walks WHERE chat_id = ? AND lesson_id = ?",
                (chat_id, lesson_id),
            )
            attempt = (int(row[0]) if row else 0) + 1
            created = one(
                db,
                f"INSERT INTO walks (chat_id, audience, user_id, lesson_id, lesson_version, "
                f"attempt, position, status, started_at, thread_id, assignment_id) "
                f"VALUES (?, ?, ?, ?, ?, ?, 0, 'active', ?, ?, ?) RETURNING {WALK_COLUMNS}",
                (
                    chat_id,
                    audience,
                    user_id,
                    lesson_id,
                    lesson_version,
                    attempt,
                    now,
                    thread_id,
                    assignment_id,  # homework: the assignment this attempt is for
                ),
            )
            assert created is not None
            return walk_of(created)

        return await self._write(start, changes_walks=True)

    async def walk(self, walk_id: int) -> Walk | None:
        async def load() -> Walk | None:
            row = await self._read_one(
                f"SELECT {WALK_COLUMNS} FROM walks WHERE id = ?",
                (walk_id,),
            )
            return walk_of(row) if row else None

        return await self._walks.get_or_load(walk_id, load)

    async def active_walk(self, chat_id: int) -> Walk | None:
        row = await self._read_one(
            f"SELECT {WALK_COLUMNS} FROM walks WHERE chat_id = ? AND status = 'active'",
            (chat_id,),
        )
        return walk_of(row) if row else None

    async def open_walk(self, chat_id: int) -> Walk | None:
        """The chat's running or paused walk (a group session), if any."""
        row = await self._read_one(
            f"SELECT {WALK_COLUMNS} FROM walks "
            "WHERE chat_id = ? AND status IN ('active', 'paused')",
            (chat_id,),
        )
        return walk_of(row) if row else None

    async def latest_walk(self, chat_id: int) -> Walk | None:
        row = await self._read_one(
            f"SELECT {WALK_COLUMNS} FROM walks WHERE chat_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id,),
        )
        return walk_of(row) if row else None

    async def latest_group_walk(self, chat_id: int) -> Walk | None:
        """The group's newest session, whatever its state."""
        row = await self._read_one(
            f"SELECT {WALK_COLUMNS} FROM walks WHERE chat_id = ? AND audience = 'group' "
            "ORDER BY id DESC LIMIT 1",
            (chat_id,),
        )
        return walk_of(row) if row else None

    async def move_walk(
        self, walk: Walk, *, to_position: int, finished: bool = False
    ) -> Walk | None:
        """Move an active walk from where ``walk`` says it is; None if it moved meanwhile."""
        ended = self._now() if finished else None
        return await self._write(
            lambda db: move(db, walk, to_position, ended), changes_walks=True, of_walks=(walk.id,)
        )

    async def set_walk_status(self, walk_id: int, status: WalkStatus) -> Walk | None:
        """Pause, resume or end a walk; ending stamps ``ended_at`` and drops a move a stop
        left owed (the close posts what it still owes: ``bot.sessions.end``)."""
        ended = self._now() if status in ("finished", "abandoned") else None

        def set_status(db: Db) -> Walk | None:
            row = one(
                db,
                f"UPDATE walks SET status = ?, ended_at = ?, "
                f"move_owed = CASE WHEN ? IS NULL THEN move_owed END "
                f"WHERE id = ? RETURNING {WALK_COLUMNS}",
                (status, ended, ended, walk_id),
            )
            return walk_of(row) if row else None

        return await self._write(set_status, changes_walks=True, of_walks=(walk_id,))

    async def mark_asked(self, walk: Walk, message_id: int) -> None:
        """The message that asks the walk's current (typed) question, if it is still there."""
        await self._write(
            lambda db: db.execute(
                "UPDATE walks SET asked_message_id = ? WHERE id = ? AND position = ?",
                (message_id, walk.id, walk.position),
            ),
            changes_walks=True,
            of_walks=(walk.id,),
        )

    async def rebase_walk(self, walk: Walk, position: int, lesson_version: str) -> Walk | None:
        """Move a walk onto an edited lesson: its new position and the lesson's new version."""

        def rebase(db: Db) -> Walk | None:
            row = one(
                db,
                f"UPDATE walks SET position = ?, lesson_version = ? "
                f"WHERE id = ? AND lesson_version = ? AND status = 'active' "
                f"RETURNING {WALK_COLUMNS}",
                (position, lesson_version, walk.id, walk.lesson_version),
            )
            return walk_of(row) if row else None

        return await self._write(rebase, changes_walks=True, of_walks=(walk.id,))

    # --- a session's closing summary a stop cut (not part of the cached Walk) ---------------

    async def owe_summary(self, walk_id: int, first: int) -> None:
        """A stop refused the finished session's closing summary from message ``first`` on
        (those before it were posted): owed at the next start."""
        await self._write(
            lambda db: db.execute(
                "UPDATE walks SET summary_owed = ? WHERE id = ? AND status = 'finished'",
                (first, walk_id),
            )
        )

    async def owed_summaries(self) -> int:
        """How many finished sessions a stop left owing their closing summary."""
        row = await self._read_one("SELECT COUNT(*) FROM walks WHERE summary_owed IS NOT NULL")
        return int(row[0]) if row else 0

    async def take_owed_summaries(self) -> list[tuple[Walk, int]]:
        """The finished sessions whose closing summary a stop left owed, each with the first
        message owed, the first closed first; the notes are taken (cleared) in the same
        transaction, so a crash while posting loses them rather than posting them twice."""

        def take(db: Db) -> list[tuple[Walk, int]]:
            firsts = {
                int(row[0]): int(row[1])
                for row in db.execute(
                    "SELECT id, summary_owed FROM walks WHERE summary_owed IS NOT NULL"
                )
            }
            if not firsts:
                return []
            owed = [
                walk_of(row)
                for row in db.execute(
                    f"UPDATE walks SET summary_owed = NULL WHERE summary_owed IS NOT NULL "
                    f"RETURNING {WALK_COLUMNS}"
                )
            ]
            owed.sort(key=lambda walk: (walk.ended_at or "", walk.id))
            return [(walk, firsts[walk.id]) for walk in owed]

        return await self._write(take)

    # --- a session's move a stop cut (not part of the cached Walk) --------------------------

    async def owe_move(self, walk_id: int) -> None:
        """A stop cut the running session's move short: finished at the next start, or by
        whichever move comes first (``take_owed_move``)."""
        await self._write(
            lambda db: db.execute(
                "UPDATE walks SET move_owed = 1 WHERE id = ? AND status IN ('active', 'paused')",
                (walk_id,),
            )
        )

    async def owed_moves(self) -> list[int]:
        """The running sessions whose move a stop left owed, the first begun first."""
        rows = await self._read_all(
            "SELECT id FROM walks WHERE move_owed IS NOT NULL AND status = 'active' ORDER BY id"
        )
        return [int(row[0]) for row in rows]

    async def take_owed_move(self, walk_id: int) -> bool:
        """Whether a stop left the session's move owed; the note is taken (cleared) before
        the move is posted, so a crash meanwhile loses it rather than posting it twice."""
        if (
            await self._read_one(
                "SELECT 1 FROM walks WHERE id = ? AND move_owed IS NOT NULL", (walk_id,)
            )
            is None
        ):
            return False  # the common case: no write
        taken = await self._write(
            lambda db: one(
                db,
                "UPDATE walks SET move_owed = NULL "
                "WHERE id = ? AND move_owed IS NOT NULL AND status = 'active' RETURNING id",
                (walk_id,),
            )
        )
        return taken is not None
