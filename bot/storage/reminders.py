"""Homework reminders (issue 12): each reminder time of an assignment, who was reminded at
it (claimed before sending, so nobody gets it twice), who the bot knows in a group, and the
groups a member muted."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.base import StorageBase
from bot.storage.sql import Db, one

REMINDER_COLUMNS = "id, assignment_id, deadline, before_s, due_at, status"


@dataclass(frozen=True, slots=True)
class ReminderTime:
    id: int
    assignment_id: int
    deadline: str  # the deadline it was planned for (UTC, as iso_utc writes it)
    before_s: int  # how long before that deadline (BOT_REMINDERS)
    due_at: str  # when it goes out (UTC): the deadline less before_s, out of quiet hours
    status: str  # 'planned', 'done', 'skipped' (never sent) or 'stale' (another deadline)


@dataclass(frozen=True, slots=True)
class PlannedTime:
    """A reminder time as the planner made it: ``due_at`` None: skipped (its moment had
    passed when it was planned, or quiet hours moved it past the deadline)."""

    before_s: int
    due_at: str | None


@dataclass(frozen=True, slots=True)
class Known:
    """Someone the bot knows in a group (answered there, or started its homework), and
    where they stand with one assignment."""

    user_id: int
    name: str
    started: bool  # has an attempt at the assignment
    finished: bool
    reachable: bool  # has a private chat with the bot that it may still write to
    muted: bool  # pressed "No reminders from this group"


def _reminder_of(row: sqlite3.Row) -> ReminderTime:
    return ReminderTime(
        int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]), str(row[5])
    )


class ReminderQueries(StorageBase):
    async def plan_reminder_times(
        self, assignment_id: int, deadline: str, times: Sequence[PlannedTime]
    ) -> list[ReminderTime]:
        """Keep the reminder times of an assignment's deadline ``deadline``: those planned
        for any other deadline, or a time before it not among ``times``, turn stale; those
        already kept stay as they are (planning again changes nothing). The times still to
        send, soonest first."""
        now = self._now()

        befores = json.dumps([time.before_s for time in times])

        def plan(db: Db) -> list[ReminderTime]:
            db.execute(
                "UPDATE reminder_times SET status = 'stale', done_at = ? "
                "WHERE assignment_id = ? AND status = 'planned' AND (deadline != ? "
                "OR before_s NOT IN (SELECT value FROM json_each(?)))",
                (now, assignment_id, deadline, befores),
            )
            for time in times:
                db.execute(
                    "INSERT OR IGNORE INTO reminder_times (assignment_id, deadline, before_s, "
                    "due_at, status, planned_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        assignment_id,
                        deadline,
                        time.before_s,
                        time.due_at or deadline,
                        "planned" if time.due_at else "skipped",
                        now,
                        None if time.due_at else now,
                    ),
                )
            rows = db.execute(
                f"SELECT {REMINDER_COLUMNS} FROM reminder_times WHERE assignment_id = ? "
                "AND deadline = ? AND status = 'planned' ORDER BY due_at, id",
                (assignment_id, deadline),
            ).fetchall()
            return [_reminder_of(row) for row in rows]

        return await self._write(plan)

    async def planned_reminder_times(self) -> list[ReminderTime]:
        """Every reminder time not yet sent, of open assignments (at start: their timers)."""
        rows = await self._read_all(
            f"SELECT {', '.join('r.' + c for c in REMINDER_COLUMNS.split(', '))} "
            "FROM reminder_times AS r JOIN assignments AS a ON a.id = r.assignment_id "
            "WHERE r.status = 'planned' AND a.status = 'open' ORDER BY r.due_at, r.id"
        )
        return [_reminder_of(row) for row in rows]

    async def reminder_time(self, reminder_id: int) -> ReminderTime | None:
        row = await self._read_one(
            f"SELECT {REMINDER_COLUMNS} FROM reminder_times WHERE id = ?", (reminder_id,)
        )
        return _reminder_of(row) if row else None

    async def finish_reminder_time(self, reminder_id: int, status: str) -> None:
        """The reminder time is 'done' (sent), 'skipped' (its deadline passed first) or
        'stale' (the assignment closed, or its deadline changed)."""
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "UPDATE reminder_times SET status = ?, done_at = ? "
                "WHERE id = ? AND status = 'planned'",
                (status, now, reminder_id),
            )
        )

    async def claim_group_reminder(self, reminder_id: int) -> bool:
        """True once per reminder time: the caller posts the group's reply."""
        now = self._now()

        def claim(db: Db) -> bool:
            row = one(
                db,
                "UPDATE reminder_times SET group_claimed_at = ? "
                "WHERE id = ? AND group_claimed_at IS NULL RETURNING id",
                (now, reminder_id),
            )
            return row is not None

        return await self._write(claim)

    async def claim_private_reminder(self, reminder_id: int, user_id: int) -> bool:
        """True once per person and reminder time: the caller sends them the reminder. The
        claim is committed before anything is sent, so a crash afterwards never repeats it."""
        now = self._now()

        def claim(db: Db) -> bool:
            row = one(
                db,
                "INSERT INTO reminder_sends (reminder_id, user_id, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING user_id",
                (reminder_id, user_id, now),
            )
            return row is not None

        return await self._write(claim)

    async def release_private_reminder(self, reminder_id: int, user_id: int) -> None:
        """A stop refused the member's reminder (it was not sent): the claim goes, so that
        the reminder time, still planned, sends it at the next start."""
        await self._write(
            lambda db: db.execute(
                "DELETE FROM reminder_sends WHERE reminder_id = ? AND user_id = ? "
                "AND outcome = 'claimed'",
                (reminder_id, user_id),
            )
        )

    async def release_group_reminder(self, reminder_id: int) -> None:
        """A stop refused the group's reply (nothing of it was posted): unclaimed, for the
        next start."""
        await self._write(
            lambda db: db.execute(
                "UPDATE reminder_times SET group_claimed_at = NULL "
                "WHERE id = ? AND status = 'planned'",
                (reminder_id,),
            )
        )

    async def private_reminder_outcome(self, reminder_id: int, user_id: int, outcome: str) -> None:
        """'sent', 'blocked' (403: their chat is marked inactive too, so it is not tried
        again until they write) or 'failed'."""
        now = self._now()

        def record(db: Db) -> None:
            db.execute(
                "UPDATE reminder_sends SET outcome = ? WHERE reminder_id = ? AND user_id = ?",
                (outcome, reminder_id, user_id),
            )
            if outcome == "blocked":
                db.execute(
                    "UPDATE chats SET active = 0, updated_at = ? WHERE id = ? AND type = 'private'",
                    (now, user_id),
                )

        await self._write(record)

    async def known_in_group(self, chat_id: int, assignment_id: int) -> list[Known]:
        """Everyone the bot knows in the group: who answered there (a session's question,
        or privately for it), and who started the assignment; by name."""
        rows = await self._read_all(
            "WITH people(user_id) AS ("
            " SELECT DISTINCT user_id FROM answers WHERE chat_id = ?"
            " UNION SELECT user_id FROM walks WHERE assignment_id = ? AND user_id IS NOT NULL)"
            " SELECT p.user_id,"
            " COALESCE((SELECT display_name FROM answers WHERE user_id = p.user_id"
            "   ORDER BY id DESC LIMIT 1),"
            "  (SELECT title FROM chats WHERE id = p.user_id AND type = 'private'), ''),"
            " EXISTS (SELECT 1 FROM walks WHERE assignment_id = ? AND user_id = p.user_id),"
            " EXISTS (SELECT 1 FROM walks WHERE assignment_id = ? AND user_id = p.user_id"
            "   AND status = 'finished'),"
            " EXISTS (SELECT 1 FROM chats WHERE id = p.user_id AND type = 'private'"
            "   AND active = 1),"
            " EXISTS (SELECT 1 FROM reminder_mutes WHERE user_id = p.user_id"
            "   AND chat_id = ?)"
            " FROM people AS p ORDER BY 2, 1",
            (chat_id, assignment_id, assignment_id, assignment_id, chat_id),
        )
        return [
            Known(int(r[0]), str(r[1]), bool(r[2]), bool(r[3]), bool(r[4]), bool(r[5]))
            for r in rows
        ]

    # --- "No reminders from this group" --------------------------------------------------

    async def mute_reminders(self, user_id: int, chat_id: int) -> bool:
        """Mute a group's reminders for a member; False if that is no group the bot knows."""
        now = self._now()

        def mute(db: Db) -> bool:
            group = one(db, "SELECT 1 FROM chats WHERE id = ? AND type != 'private'", (chat_id,))
            if group is None:
                return False
            db.execute(
                "INSERT OR IGNORE INTO reminder_mutes (user_id, chat_id, muted_at) "
                "VALUES (?, ?, ?)",
                (user_id, chat_id, now),
            )
            return True

        return await self._write(mute)

    async def unmute_reminders(self, user_id: int, chat_id: int) -> bool:
        """False if it was not muted."""

        def unmute(db: Db) -> bool:
            gone = db.execute(
                "DELETE FROM reminder_mutes WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
            )
            return gone.rowcount > 0

        return await self._write(unmute)

    async def muted_groups(self, user_id: int) -> list[tuple[int, str]]:
        """(chat id, title) of the groups whose reminders the member muted, by title."""
        rows = await self._read_all(
            "SELECT m.chat_id, COALESCE(c.title, '') FROM reminder_mutes AS m "
            "LEFT JOIN chats AS c ON c.id = m.chat_id WHERE m.user_id = ? ORDER BY 2, 1",
            (user_id,),
        )
        return [(int(r[0]), str(r[1])) for r in rows]
