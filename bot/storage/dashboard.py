"""The moderators' dashboard (issue 17): its sign-in links and sessions (written through the
writer), and what its pages read (the read-only connection only).

A sign-in token and a session id are random values handed to one browser; only their
SHA-256 is stored (``bot.web.dashboard.auth`` hashes them), so a copy of the database signs
nobody in. Expired rows are pruned whenever a new one is written.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from bot.storage.answers import ANSWER_COLUMNS, answer_of
from bot.storage.assignments import ASSIGNMENT_COLUMNS, Assignment, assignment_of
from bot.storage.base import StorageBase
from bot.storage.records import StoredAnswer, iso_utc
from bot.storage.sql import NEWEST_VERSION, Db, one

Scope = Literal["telegram", "local"]


@dataclass(frozen=True, slots=True)
class DashboardUser:
    """Who a sign-in token or session stands for. ``scope`` 'local': the holder of the
    database file (``python -m bot dashboard``), who sees every group in it."""

    user_id: int
    display_name: str
    scope: Scope
    expires_at: str = ""
    language: str | None = None  # Telegram's language_code, for the pages' words


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A group session as the group's page lists it."""

    id: int
    lesson_id: str
    status: str
    started_at: str
    ended_at: str | None
    participants: int


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    assignment: Assignment
    participants: int  # members who began it
    finished: int


def _user(row: sqlite3.Row) -> DashboardUser:
    """From (user_id, display_name, scope, language[, expires_at])."""
    expires = str(row[4]) if len(row) > 4 else ""
    language = str(row[3]) if row[3] is not None else None
    return DashboardUser(int(row[0]), str(row[1]), cast(Scope, str(row[2])), expires, language)


class DashboardQueries(StorageBase):
    # --- signing in (writes) -----------------------------------------------------------------

    def _later(self, seconds: float) -> str:
        return iso_utc(self._clock() + dt.timedelta(seconds=seconds))

    async def add_signin_token(
        self,
        token_hash: str,
        user_id: int,
        display_name: str,
        scope: Scope,
        ttl: float,
        language: str | None = None,
    ) -> None:
        """Keep a one-time sign-in link's token (its hash) for ``ttl`` seconds."""
        now, expires = self._now(), self._later(ttl)

        def add(db: Db) -> None:
            db.execute("DELETE FROM dashboard_tokens WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO dashboard_tokens (token_hash, user_id, display_name, scope, "
                "language, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_hash, user_id, display_name, scope, language, now, expires),
            )

        await self._write(add)

    async def redeem_signin_token(self, token_hash: str) -> DashboardUser | None:
        """The user a token signs in, once: None for an unknown, used or expired token.
        Looked up and marked used in one transaction, so two browsers racing with the same
        link cannot both get in."""
        now = self._now()

        def redeem(db: Db) -> DashboardUser | None:
            row = one(
                db,
                "SELECT user_id, display_name, scope, language FROM dashboard_tokens "
                "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                (token_hash, now),
            )
            if row is None:
                return None
            db.execute(
                "UPDATE dashboard_tokens SET used_at = ? WHERE token_hash = ?", (now, token_hash)
            )
            return _user(row)

        return await self._write(redeem)

    async def add_dashboard_session(
        self, session_hash: str, user: DashboardUser, ttl: float
    ) -> None:
        now, expires = self._now(), self._later(ttl)

        def add(db: Db) -> None:
            db.execute("DELETE FROM dashboard_sessions WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO dashboard_sessions (session_hash, user_id, display_name, scope, "
                "language, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_hash,
                    user.user_id,
                    user.display_name,
                    user.scope,
                    user.language,
                    now,
                    expires,
                ),
            )

        await self._write(add)

    async def end_dashboard_session(self, session_hash: str) -> None:
        await self._write(
            lambda db: db.execute(
                "DELETE FROM dashboard_sessions WHERE session_hash = ?", (session_hash,)
            )
        )

    # --- reading (the read-only connection) --------------------------------------------------

    async def dashboard_session(self, session_hash: str) -> DashboardUser | None:
        """The signed-in user of a session that has not expired."""
        row = await self._read_one(
            "SELECT user_id, display_name, scope, language, expires_at FROM dashboard_sessions "
            "WHERE session_hash = ? AND expires_at > ?",
            (session_hash, self._now()),
        )
        return _user(row) if row is not None else None

    async def dashboard_groups(self) -> list[tuple[int, str]]:
        """(chat id, title) of every group with a session or an assignment, by title."""
        rows = await self._read_all(
            "SELECT c.id, COALESCE(c.title, '') FROM chats AS c WHERE c.type != 'private' AND "
            "(EXISTS (SELECT 1 FROM walks AS w WHERE w.chat_id = c.id AND w.audience = 'group')"
            " OR EXISTS (SELECT 1 FROM assignments AS s WHERE s.chat_id = c.id)) ORDER BY 2, 1"
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def group_sessions(self, chat_id: int) -> list[SessionRow]:
        """A group's sessions, newest first, with how many members answered in each (a
        question of the lesson: a debate's stance before the reading or its counter argument
        alone, whose ids hold a ~, is no answer to the lesson's questions)."""
        rows = await self._read_all(
            "SELECT w.id, w.lesson_id, w.status, w.started_at, w.ended_at, "
            "(SELECT COUNT(DISTINCT a.user_id) FROM answers AS a WHERE a.walk_id = w.id "
            "AND instr(a.question_id, '~') = 0) "
            "FROM walks AS w WHERE w.chat_id = ? AND w.audience = 'group' ORDER BY w.id DESC",
            (chat_id,),
        )
        return [
            SessionRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], int(r[5])) for r in rows
        ]

    async def group_assignments(self, chat_id: int) -> list[AssignmentRow]:
        """A group's assignments, newest first, with who began and who finished each."""
        columns = ", ".join(f"s.{c.strip()}" for c in ASSIGNMENT_COLUMNS.split(","))
        rows = await self._read_all(
            f"SELECT {columns}, "
            "(SELECT COUNT(DISTINCT w.user_id) FROM walks AS w WHERE w.assignment_id = s.id), "
            "(SELECT COUNT(DISTINCT w.user_id) FROM walks AS w WHERE w.assignment_id = s.id "
            "AND w.status = 'finished') FROM assignments AS s WHERE s.chat_id = ? "
            "ORDER BY s.id DESC",
            (chat_id,),
        )
        width = len(ASSIGNMENT_COLUMNS.split(","))
        return [
            AssignmentRow(assignment_of(r[:width]), int(r[width]), int(r[width + 1]))  # type: ignore[arg-type]
            for r in rows
        ]

    async def assignment_current_answers(self, assignment_id: int) -> list[StoredAnswer]:
        """Each member's current answer to each question over the assignment's attempts (a
        member who began it twice counts by their newest answer), in answer order."""
        columns = ", ".join(f"a.{c.strip()}" for c in ANSWER_COLUMNS.split(","))
        rows = await self._read_all(
            f"SELECT {columns} FROM answers AS a JOIN walks AS w ON w.id = a.walk_id "
            f"WHERE w.assignment_id = ? AND {NEWEST_VERSION} ORDER BY a.id",
            (assignment_id,),
        )
        newest: dict[tuple[int, str], StoredAnswer] = {}
        for row in rows:  # in answer order: the later wins
            answer = answer_of(row)
            newest.pop((answer.user_id, answer.question_id), None)
            newest[(answer.user_id, answer.question_id)] = answer
        return list(newest.values())

    async def member_answer_history(
        self, user_id: int, *, walk_id: int | None = None, assignment_id: int | None = None
    ) -> list[StoredAnswer]:
        """Every version of every answer a member gave in a session (``walk_id``) or over an
        assignment's attempts (``assignment_id``), oldest first."""
        columns = ", ".join(f"a.{c.strip()}" for c in ANSWER_COLUMNS.split(","))
        if walk_id is not None:
            where, param = "a.walk_id = ?", walk_id
        else:
            assert assignment_id is not None, "a session or an assignment"
            where = "a.walk_id IN (SELECT id FROM walks WHERE assignment_id = ?)"
            param = assignment_id
        rows = await self._read_all(
            f"SELECT {columns} FROM answers AS a WHERE {where} AND a.user_id = ? ORDER BY a.id",
            (param, user_id),
        )
        return [answer_of(row) for row in rows]

    async def posted_digests(self, walk_id: int) -> list[tuple[str, str]]:
        """(question id, when) of each digest posted in the group for a session, in the
        order they were posted (``digests``: claimed once, just before posting; one a stop
        refused before its first message is owed, not posted)."""
        rows = await self._read_all(
            "SELECT question_id, posted_at FROM digests WHERE walk_id = ? "
            "AND (owed IS NULL OR owed > 0) ORDER BY posted_at, question_id",
            (walk_id,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    async def answers_until(
        self, walk_id: int, question_ids: Sequence[str], until: str
    ) -> list[StoredAnswer]:
        """Every version of the answers to ``question_ids`` in a session given by ``until``
        (inclusive), oldest first: what a digest posted then was computed from."""
        if not question_ids:
            return []
        marks = ", ".join("?" for _ in question_ids)
        rows = await self._read_all(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE walk_id = ? AND question_id IN "
            f"({marks}) AND answered_at <= ? ORDER BY id",
            (walk_id, *question_ids, until),
        )
        return [answer_of(row) for row in rows]
