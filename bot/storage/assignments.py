"""Homework: assignments (a lesson given to a group with a deadline), the attempts that
belong to them, and each group's time zone."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import cast

from bot.storage.base import StorageBase
from bot.storage.chats import upsert_chat
from bot.storage.records import AnswerFact, WalkClosed
from bot.storage.sql import NEWEST_VERSION, Db, one

ASSIGNMENT_COLUMNS = (
    "id, chat_id, lesson_id, deadline, late, created_by, created_by_name, status, message_id, "
    "created_at, closed_at"
)


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    chat_id: int
    lesson_id: str
    deadline: str  # UTC, as iso_utc writes it (so that text order is time order)
    late: bool  # answers after the deadline are taken (and count as late)
    created_by: int
    created_by_name: str
    status: str  # "open" or "closed"
    message_id: int | None  # the group message that carries Start
    created_at: str
    closed_at: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    """Members who finished the assignment's lesson, and those who began but have not."""

    done: int
    started: int


class PastDeadline(WalkClosed):
    """An answer on an attempt whose assignment's deadline has passed (and takes no late
    answers): not recorded. Carries what the refusal says."""

    def __init__(self, walk_id: int, deadline: str, asked: str, timezone: str | None) -> None:
        super().__init__(walk_id)
        self.deadline = deadline
        self.asked = asked  # who gave the assignment: whom to ask for more time
        self.timezone = timezone  # the group's, None: the bot's default


def assignment_of(row: sqlite3.Row) -> Assignment:
    values = list(row)
    values[4] = bool(values[4])
    return Assignment(*values)


def refuse_past_deadline(db: Db, walk_id: int, now: str) -> None:
    """Raise ``PastDeadline`` if the walk belongs to an assignment that no longer takes
    answers; read in the answer's own transaction, so that nothing slips in after the close."""
    row = one(
        db,
        "SELECT a.deadline, a.created_by_name, c.timezone FROM walks AS w "
        "JOIN assignments AS a ON a.id = w.assignment_id "
        "LEFT JOIN chats AS c ON c.id = a.chat_id "
        "WHERE w.id = ? AND a.late = 0 AND (a.deadline <= ? OR a.status = 'closed')",
        (walk_id, now),
    )
    if row is not None:
        raise PastDeadline(walk_id, str(row[0]), str(row[1]), row[2])


class AssignmentQueries(StorageBase):
    async def create_assignment(
        self,
        *,
        chat_id: int,
        chat_type: str,
        chat_title: str | None,
        lesson_id: str,
        deadline: str,
        late: bool,
        created_by: int,
        created_by_name: str,
    ) -> Assignment:
        now = self._now()

        def create(db: Db) -> Assignment:
            upsert_chat(db, chat_id, chat_type, chat_title, now)
            row = one(
                db,
                f"INSERT INTO assignments (chat_id, lesson_id, deadline, late, created_by, "
                f"created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {ASSIGNMENT_COLUMNS}",
                (chat_id, lesson_id, deadline, int(late), created_by, created_by_name, now),
            )
            assert row is not None
            return assignment_of(row)

        return await self._write(create)

    async def set_assignment_message(self, assignment_id: int, message_id: int) -> None:
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET message_id = ? WHERE id = ?", (message_id, assignment_id)
            )
        )

    async def assignment(self, assignment_id: int) -> Assignment | None:
        row = await self._read_one(
            f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE id = ?", (assignment_id,)
        )
        return assignment_of(row) if row else None

    async def open_assignments(self, chat_id: int | None = None) -> list[Assignment]:
        """The open assignments of a group (every group's: ``chat_id`` None), soonest first."""
        where, params = "status = 'open'", cast(tuple[int, ...], ())
        if chat_id is not None:
            where, params = "status = 'open' AND chat_id = ?", (chat_id,)
        rows = await self._read_all(
            f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE {where} ORDER BY deadline, id",
            params,
        )
        return [assignment_of(row) for row in rows]

    async def close_assignment(self, assignment_id: int) -> Assignment | None:
        """Close an open assignment; None if it was closed already (by an earlier run of the
        bot, or a job that ran twice): whoever gets the row posts the results, once."""
        now = self._now()

        def close(db: Db) -> Assignment | None:
            row = one(
                db,
                f"UPDATE assignments SET status = 'closed', closed_at = ? "
                f"WHERE id = ? AND status = 'open' RETURNING {ASSIGNMENT_COLUMNS}",
                (now, assignment_id),
            )
            return assignment_of(row) if row else None

        return await self._write(close)

    async def assignment_walk(self, assignment_id: int, user_id: int) -> int | None:
        """The id of a member's open attempt at the assignment, if any."""
        row = await self._read_one(
            "SELECT id FROM walks WHERE assignment_id = ? AND user_id = ? "
            "AND status IN ('active', 'paused') ORDER BY id DESC LIMIT 1",
            (assignment_id, user_id),
        )
        return int(row[0]) if row else None

    async def assignment_answers(self, assignment_id: int) -> list[AnswerFact]:
        """Each member's current answer to each question over the assignment's attempts
        (withdrawn ones left out); a member who began it twice counts by their newest answer."""
        rows = await self._read_all(
            "SELECT a.user_id, a.display_name, a.username, a.question_id, a.is_correct, "
            "a.stance FROM answers AS a JOIN walks AS w ON w.id = a.walk_id "
            f"WHERE w.assignment_id = ? AND a.retracted = 0 AND {NEWEST_VERSION} ORDER BY a.id",
            (assignment_id,),
        )
        newest: dict[tuple[int, str], AnswerFact] = {}
        for r in rows:  # in answer order: the later wins
            fact = AnswerFact(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5])
            newest.pop((fact.user_id, fact.question_id), None)
            newest[(fact.user_id, fact.question_id)] = fact
        return list(newest.values())

    async def assignment_progress(self, assignment_id: int) -> Progress:
        row = await self._read_one(
            "SELECT COUNT(DISTINCT CASE WHEN status = 'finished' THEN user_id END), "
            "COUNT(DISTINCT user_id) FROM walks WHERE assignment_id = ?",
            (assignment_id,),
        )
        done, everyone = (int(row[0]), int(row[1])) if row else (0, 0)
        return Progress(done=done, started=everyone - done)

    async def late_answers(self, assignment_id: int) -> int:
        """How many current answers came after the deadline (only an assignment made with
        ``late`` takes them): an answer is late when its walk belongs to the assignment and
        its answered_at is after the assignment's deadline."""
        row = await self._read_one(
            "SELECT COUNT(*) FROM answers AS a JOIN walks AS w ON w.id = a.walk_id "
            "JOIN assignments AS s ON s.id = w.assignment_id "
            "WHERE s.id = ? AND a.retracted = 0 AND a.answered_at > s.deadline "
            f"AND {NEWEST_VERSION}",
            (assignment_id,),
        )
        return int(row[0]) if row else 0

    # --- a group's time zone -------------------------------------------------------------

    async def chat_timezone(self, chat_id: int) -> str | None:
        row = await self._read_one("SELECT timezone FROM chats WHERE id = ?", (chat_id,))
        return str(row[0]) if row and row[0] is not None else None

    async def set_chat_timezone(
        self, chat_id: int, chat_type: str, chat_title: str | None, timezone: str
    ) -> None:
        now = self._now()

        def set_zone(db: Db) -> None:
            upsert_chat(db, chat_id, chat_type, chat_title, now)
            db.execute("UPDATE chats SET timezone = ? WHERE id = ?", (timezone, chat_id))

        await self._write(set_zone)
