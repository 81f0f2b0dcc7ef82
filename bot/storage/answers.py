"""Answers: append-only facts, one row per version of a member's answer to a question."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from bot.metrics import count_answer
from bot.storage.assignments import refuse_past_deadline
from bot.storage.base import StorageBase
from bot.storage.records import AnswerFact, NewAnswer, Recorded, StoredAnswer, WalkClosed
from bot.storage.sql import NEWEST_VERSION, Db, one, rowcount
from bot.storage.walks import move

# Versions kept of one member's answer to one question of a walk. An answer beyond them
# replaces the newest version instead (one member once stored 1,584 rows on 3 questions in
# a minute); the earlier ones stay as they were.
MAX_ANSWER_VERSIONS = 20

ANSWER_COLUMNS = (
    "id, walk_id, chat_id, user_id, display_name, username, lesson_id, lesson_version, attempt, "
    "question_id, question_type, option_indexes, answer_text, is_correct, stance, retracted, via, "
    "version, answered_at, self_check"
)


def answer_of(row: sqlite3.Row) -> StoredAnswer:
    values = list(row)
    values[11] = tuple(int(i) for i in values[11].split(",")) if values[11] else ()
    values[13] = None if values[13] is None else bool(values[13])
    values[15] = bool(values[15])
    return StoredAnswer(*values)


# --- statements run on the writer's thread ---------------------------------------------------

# One statement: the next version number, the row, and nothing at all when this update's
# key is already stored (then the earlier answer is read back) or when the member has
# MAX_ANSWER_VERSIONS versions already (then _REPLACE_NEWEST).
_INSERT_ANSWER = (
    f"INSERT INTO answers (walk_id, chat_id, user_id, display_name, username, "
    f"lesson_id, lesson_version, attempt, question_id, question_type, "
    f"option_indexes, answer_text, is_correct, stance, retracted, via, version, "
    f"answered_at, source_key) "
    f"SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, newest + 1, ?, ? "
    f"FROM (SELECT COALESCE(MAX(version), 0) AS newest FROM answers "
    f"WHERE walk_id = ? AND user_id = ? AND question_id = ?) WHERE newest < ? "
    f"ON CONFLICT (source_key) DO NOTHING "
    f"RETURNING {ANSWER_COLUMNS}"
)
# At the cap: the answer takes the newest version's place (its id and version number stay).
_REPLACE_NEWEST = (
    f"UPDATE answers AS a SET display_name = ?, username = ?, lesson_version = ?, "
    f"option_indexes = ?, answer_text = ?, is_correct = ?, stance = ?, retracted = ?, via = ?, "
    f"answered_at = ?, source_key = ? "
    f"WHERE walk_id = ? AND user_id = ? AND question_id = ? AND {NEWEST_VERSION} "
    f"RETURNING {ANSWER_COLUMNS}"
)
_WALK_IS_ACTIVE = "SELECT 1 FROM walks WHERE id = ? AND status = 'active'"
_ANSWER_BY_KEY = f"SELECT {ANSWER_COLUMNS} FROM answers WHERE source_key = ?"
_CURRENT_ANSWER = (
    f"SELECT {ANSWER_COLUMNS} FROM answers AS a "
    f"WHERE walk_id = ? AND user_id = ? AND question_id = ? AND {NEWEST_VERSION}"
)


def _answer_params(answer: NewAnswer, now: str) -> tuple[object, ...]:
    return (
        answer.walk.id,
        answer.walk.chat_id,
        answer.respondent.user_id,
        answer.respondent.display_name,
        answer.respondent.username,
        answer.walk.lesson_id,
        answer.lesson_version or answer.walk.lesson_version,
        answer.walk.attempt,
        answer.question_id,
        answer.question_type,
        ",".join(str(i) for i in answer.option_indexes) or None,
        answer.answer_text,
        None if answer.is_correct is None else int(answer.is_correct),
        answer.stance,
        int(answer.retracted),
        answer.via,
        now,
        answer.source_key,
        answer.walk.id,
        answer.respondent.user_id,
        answer.question_id,
        MAX_ANSWER_VERSIONS,
    )


def _replace_params(answer: NewAnswer, now: str) -> tuple[object, ...]:
    return (
        answer.respondent.display_name,
        answer.respondent.username,
        answer.lesson_version or answer.walk.lesson_version,
        ",".join(str(i) for i in answer.option_indexes) or None,
        answer.answer_text,
        None if answer.is_correct is None else int(answer.is_correct),
        answer.stance,
        int(answer.retracted),
        answer.via,
        now,
        answer.source_key,
        answer.walk.id,
        answer.respondent.user_id,
        answer.question_id,
    )


def _answer_by_key(db: Db, source_key: str) -> StoredAnswer | None:
    row = one(db, _ANSWER_BY_KEY, (source_key,))
    return answer_of(row) if row else None


def _current_answer(db: Db, walk_id: int, user_id: int, question_id: str) -> StoredAnswer | None:
    row = one(db, _CURRENT_ANSWER, (walk_id, user_id, question_id))
    return answer_of(row) if row else None


class AnswerQueries(StorageBase):
    async def record_answer(
        self,
        answer: NewAnswer,
        *,
        advance_to: int | None = None,
        finished: bool = False,
        keep: Literal["stance", "reason"] | None = None,
    ) -> Recorded:
        """Append an answer (a new version of the member's answer to that question).

        A member has at most ``MAX_ANSWER_VERSIONS`` versions of an answer: the write that
        makes the last of them says ``reached_cap``, and a later answer replaces the newest
        version's content (``replaced``) instead of adding one.

        With ``advance_to``, the walk moves on in the same transaction, so an answer and the
        progress it earns are committed together. ``keep``: a debate answer that carries
        over the member's current stance (to a new reason) or reason (to a new stance), read
        in the same transaction, so that nothing written meanwhile is lost. An answer whose
        ``source_key`` was already recorded changes nothing and returns the earlier answer
        with ``created=False``. ``WalkClosed`` if the walk is no longer active, read in the
        same transaction: a session closed between a handler's look and this write (a
        private answer and the group's /end, handled at once) gets no answer after its end.
        """
        now = self._now()
        ended = self._now() if finished else None

        def record(db: Db) -> Recorded:
            if one(db, _WALK_IS_ACTIVE, (answer.walk.id,)) is None:
                earlier = _answer_by_key(db, answer.source_key)
                if earlier is not None:  # recorded before it closed: the same answer again
                    return Recorded(created=False, answer=earlier)
                raise WalkClosed(answer.walk.id)
            refuse_past_deadline(db, answer.walk.id, now)  # homework after its deadline
            stored = answer
            if keep is not None:
                earlier = _current_answer(
                    db, answer.walk.id, answer.respondent.user_id, answer.question_id
                )
                if keep == "stance":
                    stored = replace(answer, stance=earlier.stance if earlier else None)
                else:
                    stored = replace(answer, answer_text=earlier.answer_text if earlier else None)
            replaced = False
            row = one(db, _INSERT_ANSWER, _answer_params(stored, now))
            if row is None:
                earlier = _answer_by_key(db, answer.source_key)
                if earlier is not None:
                    return Recorded(created=False, answer=earlier)
                # Not a key seen before, so the member has all their versions already.
                row = one(db, _REPLACE_NEWEST, _replace_params(stored, now))
                assert row is not None, "nothing was inserted, so a newest version exists"
                replaced = True
            if advance_to is not None:
                move(db, answer.walk, advance_to, ended)
            saved = answer_of(row)
            reached = not replaced and saved.version == MAX_ANSWER_VERSIONS
            return Recorded(created=True, answer=saved, reached_cap=reached, replaced=replaced)

        recorded = await self._write(
            record, changes_walks=advance_to is not None, of_walks=(answer.walk.id,)
        )
        if recorded.created:
            count_answer(answer.walk.audience, answer.question_type)  # for /metrics
        return recorded

    async def record_self_check(
        self, walk_id: int, user_id: int, question_id: str, grade: int
    ) -> bool:
        """A student's verdict on their typed answer beside its model answer, kept on the
        answer's newest version (a second tap changes it); False: there is no such answer."""
        return await self._write(
            lambda db: (
                rowcount(
                    db,
                    "UPDATE answers SET self_check = ? WHERE id = (SELECT a.id FROM answers "
                    "AS a WHERE walk_id = ? AND user_id = ? AND question_id = ? "
                    f"AND {NEWEST_VERSION})",
                    (grade, walk_id, user_id, question_id),
                )
                > 0
            )
        )

    async def answer_with_key(self, source_key: str) -> StoredAnswer | None:
        """The answer recorded from one Telegram message or press, if any."""
        row = await self._read_one(_ANSWER_BY_KEY, (source_key,))
        return answer_of(row) if row else None

    async def current_answer(
        self, walk_id: int, user_id: int, question_id: str
    ) -> StoredAnswer | None:
        """A member's newest answer to one question of a walk, if any."""
        row = await self._read_one(_CURRENT_ANSWER, (walk_id, user_id, question_id))
        return answer_of(row) if row else None

    async def current_answers(self, walk_id: int, user_id: int | None = None) -> list[StoredAnswer]:
        """The newest version of each member's answer to each question of a walk."""
        query = f"SELECT {ANSWER_COLUMNS} FROM answers AS a WHERE walk_id = ? AND {NEWEST_VERSION}"
        params: tuple[int, ...] = (walk_id,)
        if user_id is not None:
            query += " AND user_id = ?"
            params = (walk_id, user_id)
        rows = await self._read_all(query + " ORDER BY id", params)
        return [answer_of(row) for row in rows]

    async def standing_answers(self, walk_id: int) -> list[AnswerFact]:
        """Each member's current answer to each question of a walk, withdrawn votes left
        out, with only what results need: a session summary for a big group reads a few
        small rows instead of every answer whole (bench/memory.py)."""
        rows = await self._read_all(
            "SELECT user_id, display_name, username, question_id, is_correct, stance "
            f"FROM answers AS a WHERE walk_id = ? AND retracted = 0 AND {NEWEST_VERSION} "
            "ORDER BY id",
            (walk_id,),
        )
        return [
            AnswerFact(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5])
            for r in rows
        ]

    async def member_count(self, walk_id: int) -> int:
        """How many members have a standing answer in a walk (a debate's stance before the
        reading or its counter argument alone is not one: see ``answer_count``)."""
        row = await self._read_one(
            "SELECT COUNT(DISTINCT user_id) FROM answers AS a WHERE walk_id = ? "
            f"AND retracted = 0 AND instr(question_id, '~') = 0 AND {NEWEST_VERSION}",
            (walk_id,),
        )
        return int(row[0]) if row else 0

    async def answer_history(
        self, walk_id: int, question_ids: Sequence[str] | None = None
    ) -> list[StoredAnswer]:
        """Every version of a walk's answers, oldest first; of ``question_ids`` only if
        given (a debate's digest: a big group's whole session, read as records, was a peak
        of 4-9 MB at every close, bench/memory.py)."""
        sql = f"SELECT {ANSWER_COLUMNS} FROM answers WHERE walk_id = ?"
        if question_ids is not None:
            sql += f" AND question_id IN ({', '.join('?' * len(question_ids))})"
        rows = await self._read_all(f"{sql} ORDER BY id", (walk_id, *(question_ids or ())))
        return [answer_of(row) for row in rows]

    async def answers_of_user(self, user_id: int) -> Sequence[StoredAnswer]:
        rows = await self._read_all(
            f"SELECT {ANSWER_COLUMNS} FROM answers WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [answer_of(row) for row in rows]

    async def answer_count(self, walk_id: int, user_id: int) -> int:
        """How many questions of a walk a member has answered (a debate once its reason is
        given, not at its stance)."""
        row = await self._read_one(
            "SELECT COUNT(DISTINCT question_id) FROM answers WHERE walk_id = ? AND user_id = ? "
            "AND (question_type != 'debate' OR answer_text IS NOT NULL) "
            # A debate's stance before the reading or its counter argument (issue 14: their
            # ids hold a ~) is part of that question's answer, not a question of its own.
            "AND instr(question_id, '~') = 0",
            (walk_id, user_id),
        )
        return int(row[0]) if row else 0
