"""Homework: assignments (a lesson given to a group with a deadline), the attempts that
belong to them, and each group's time zone."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

from bot.storage.base import StorageBase
from bot.storage.chats import upsert_chat
from bot.storage.records import AnswerFact, WalkClosed
from bot.storage.sql import NEWEST_VERSION, Db, one

ASSIGNMENT_COLUMNS = (
    "id, chat_id, lesson_id, deadline, late, created_by, created_by_name, status, message_id, "
    "created_at, closed_at, shown_done, shown_started, shown_at, message_chat_id"
)

# assignments.report_owed: not the report (it waits for the moderator's Start, a delivery)
# but the group's line telling them how to get it.
REPORT_LINE_OWED = -1


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
    # What the assignment message shows now, and when it was last edited (None: as posted).
    shown_done: int = 0
    shown_started: int = 0
    shown_at: str | None = None
    message_chat_id: int | None = None  # the message's chat, if the group has moved since

    @property
    def ended(self) -> str:
        """When it stopped taking answers on time: its deadline, or when it was closed
        before it (Close now). UTC, as stored."""
        if self.closed_at is not None and self.closed_at < self.deadline:
            return self.closed_at
        return self.deadline

    @property
    def posted_in(self) -> int:
        """The chat the assignment message is in."""
        return self.chat_id if self.message_chat_id is None else self.message_chat_id


@dataclass(frozen=True, slots=True)
class Doing:
    """One member's attempts at an assignment: when they first started, and when they
    finished (None: not yet)."""

    user_id: int
    started_at: str
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A moderator's /assign waiting for its lesson to be picked (the deadline in UTC)."""

    id: int
    chat_id: int
    user_id: int
    user_name: str
    deadline: str
    late: bool
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class CloseAsking:
    """Close now pressed: whether this press asks the question (``ask``: post it, then
    ``close_question_posted``), else the message of the question asked already (None: a
    press a moment ago is asking it)."""

    ask: bool
    asked: int | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    """An assignment just closed, and the message of Close now's question that was open
    at that moment (None: none was). The question is no longer open: it asks nothing."""

    assignment: Assignment
    question: int | None


class OwedCloses(NamedTuple):
    """What a stop left owed of homework closes, for the next start: how many closed
    assignments owe their results, their moderator's report (the results posted), and
    the edit that shows their message closed."""

    results: int
    reports: int
    shown: int


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


def _take_owed(
    db: Db, column: Literal["results_owed", "report_owed", "closed_shown_owed"]
) -> list[tuple[Assignment, int]]:
    """The closed assignments with ``column`` noted, each with its note, oldest close first;
    the notes cleared in the same transaction."""
    firsts = {
        int(row[0]): int(row[1])
        for row in db.execute(f"SELECT id, {column} FROM assignments WHERE {column} IS NOT NULL")
    }
    if not firsts:
        return []
    owed = [
        assignment_of(row)
        for row in db.execute(
            f"UPDATE assignments SET {column} = NULL WHERE {column} IS NOT NULL "
            f"RETURNING {ASSIGNMENT_COLUMNS}"
        )
    ]
    owed.sort(key=lambda closed: (closed.closed_at or "", closed.id))
    return [(closed, firsts[closed.id]) for closed in owed]


def refuse_past_deadline(db: Db, walk_id: int, now: str) -> None:
    """Raise ``PastDeadline`` if the walk belongs to an assignment that no longer takes
    answers; read in the answer's own transaction, so that nothing slips in after the close."""
    row = one(
        db,
        # Closed early (Close now): that moment is when it stopped taking answers.
        "SELECT MIN(a.deadline, COALESCE(a.closed_at, a.deadline)), a.created_by_name, "
        "c.timezone FROM walks AS w "
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

    async def close_assignment(
        self, assignment_id: int, *, due_by: str | None = None
    ) -> Closed | None:
        """Close an open assignment; None if it was closed already (by an earlier run of the
        bot, a job that ran twice, Close now): whoever gets the row posts the results, once.
        ``due_by`` (the timer's close): only if its deadline is by then, so a timer that
        fires as a moderator extends the deadline closes nothing. Close now's question, if
        one is open, is open no more (``Closed.question`` names it, for its buttons to go)."""
        now = self._now()
        due = "" if due_by is None else " AND deadline <= ?"
        params: tuple[object, ...] = (now, assignment_id) + (() if due_by is None else (due_by,))

        def close(db: Db) -> Closed | None:
            asked = one(
                db,
                "SELECT close_question_id FROM assignments WHERE id = ? AND status = 'open'",
                (assignment_id,),
            )
            row = one(
                db,
                f"UPDATE assignments SET status = 'closed', closed_at = ?, "
                f"close_question_id = NULL, close_asked_at = NULL "
                f"WHERE id = ? AND status = 'open'{due} RETURNING {ASSIGNMENT_COLUMNS}",
                params,
            )
            if row is None or asked is None:
                return None
            return Closed(assignment_of(row), None if asked[0] is None else int(asked[0]))

        return await self._write(close)

    async def extend_assignment(
        self, assignment_id: int, *, was: str, deadline: str
    ) -> Assignment | None:
        """Move an open assignment's deadline from ``was`` to ``deadline``; None if it is
        closed or its deadline is no longer ``was`` (a double tap extends once)."""

        def extend(db: Db) -> Assignment | None:
            row = one(
                db,
                f"UPDATE assignments SET deadline = ? WHERE id = ? AND status = 'open' "
                f"AND deadline = ? RETURNING {ASSIGNMENT_COLUMNS}",
                (deadline, assignment_id, was),
            )
            return assignment_of(row) if row else None

        return await self._write(extend)

    # --- Close now's question: one open at a time per assignment ---------------------------

    async def ask_to_close(
        self, assignment_id: int, *, stale_before: str, gone: int | None = None
    ) -> CloseAsking | None:
        """Close now pressed on an open assignment: this press asks the question if none is
        open (none was asked, Cancel answered it, or it is ``gone``: its message was found
        deleted), or if a press that began asking before ``stale_before`` never recorded
        its message (it failed half-way). One write, so two presses at once ask once.
        None: the assignment is not open."""
        now = self._now()

        def ask(db: Db) -> CloseAsking | None:
            row = one(
                db,
                "SELECT close_question_id, close_asked_at FROM assignments "
                "WHERE id = ? AND status = 'open'",
                (assignment_id,),
            )
            if row is None:
                return None
            asked, asked_at = row
            if asked is not None and asked != gone:
                return CloseAsking(ask=False, asked=int(asked))
            if asked is None and asked_at is not None and asked_at >= stale_before:
                return CloseAsking(ask=False)
            db.execute(
                "UPDATE assignments SET close_question_id = NULL, close_asked_at = ? WHERE id = ?",
                (now, assignment_id),
            )
            return CloseAsking(ask=True)

        return await self._write(ask)

    async def close_question_posted(self, assignment_id: int, message_id: int) -> None:
        """The question this press asked is message ``message_id`` (in the group)."""
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET close_question_id = ? WHERE id = ?",
                (message_id, assignment_id),
            )
        )

    async def close_question_answered(self, assignment_id: int, message_id: int | None) -> None:
        """No question open any more: Cancel answered message ``message_id`` (an older
        question's Cancel leaves a newer one open), or (None) the press that was asking
        could not post it."""
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET close_question_id = NULL, close_asked_at = NULL "
                "WHERE id = ? AND close_question_id IS ?",
                (assignment_id, message_id),
            )
        )

    async def owe_results(self, assignment_id: int, first: int) -> None:
        """A stop refused the closed assignment's results from message ``first`` on (those
        before it were posted): owed at the next start."""
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET results_owed = ? WHERE id = ? AND status = 'closed'",
                (first, assignment_id),
            )
        )

    async def owe_report(self, assignment_id: int, first: int) -> None:
        """A stop refused the closed assignment's report to its moderator from message
        ``first`` on (REPORT_LINE_OWED: the group's line on how to get it): owed at the next
        start."""
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET report_owed = ? WHERE id = ? AND status = 'closed'",
                (first, assignment_id),
            )
        )

    async def owe_closed_shown(self, assignment_id: int) -> None:
        """A stop refused the edit that shows the closed assignment's message closed: owed
        at the next start."""
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET closed_shown_owed = 1 WHERE id = ? AND status = 'closed'",
                (assignment_id,),
            )
        )

    async def owed_closes(self) -> OwedCloses:
        """How many closed assignments a stop left owing their results, how many (their
        results posted) their moderator's report, and how many the edit that shows their
        message closed: for the next start."""
        row = await self._read_one(
            "SELECT COUNT(results_owed), COUNT(report_owed), COUNT(closed_shown_owed) "
            "FROM assignments WHERE results_owed IS NOT NULL OR report_owed IS NOT NULL "
            "OR closed_shown_owed IS NOT NULL"
        )
        return OwedCloses(int(row[0]), int(row[1]), int(row[2])) if row else OwedCloses(0, 0, 0)

    async def take_owed_results(self) -> list[tuple[Assignment, int]]:
        """The closed assignments whose results a stop left owed, each with the first
        message owed, oldest close first; the notes are taken (cleared) in the same
        transaction, so a crash while posting loses them rather than posting them twice."""
        return await self._write(lambda db: _take_owed(db, "results_owed"))

    async def take_owed_reports(self) -> list[tuple[Assignment, int]]:
        """The closed assignments whose moderator's report a stop left owed, each with what
        is owed (``owe_report``), oldest close first; taken (cleared) in the same
        transaction, as ``take_owed_results``: a crash while sending loses, never doubles."""
        return await self._write(lambda db: _take_owed(db, "report_owed"))

    async def take_owed_closed_shown(self) -> list[Assignment]:
        """The closed assignments whose message a stop kept from showing them closed,
        oldest close first; taken (cleared) in the same transaction, as
        ``take_owed_results``: a crash while editing loses, never doubles."""
        owed = await self._write(lambda db: _take_owed(db, "closed_shown_owed"))
        return [closed for closed, _ in owed]

    async def set_assignment_shown(self, assignment_id: int, progress: Progress) -> None:
        """The assignment message now shows ``progress`` (edited just now)."""
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "UPDATE assignments SET shown_done = ?, shown_started = ?, shown_at = ? "
                "WHERE id = ?",
                (progress.done, progress.started, now, assignment_id),
            )
        )

    async def chat_assignments(self, chat_id: int, limit: int = 10) -> list[Assignment]:
        """A group's assignments, open or closed, newest first."""
        rows = await self._read_all(
            f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE chat_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (chat_id, limit),
        )
        return [assignment_of(row) for row in rows]

    async def walk_assignment(self, walk_id: int) -> int | None:
        """The assignment a walk is an attempt at, if any."""
        row = await self._read_one("SELECT assignment_id FROM walks WHERE id = ?", (walk_id,))
        return int(row[0]) if row and row[0] is not None else None

    # --- /assign waiting for its lesson ---------------------------------------------------

    async def create_assignment_draft(
        self,
        *,
        chat_id: int,
        user_id: int,
        user_name: str,
        deadline: str,
        late: bool,
        thread_id: int | None,
    ) -> int:
        """Keep a moderator's /assign until they pick its lesson; drafts a day old go."""
        now = self._now()

        def create(db: Db) -> int:
            db.execute(
                "DELETE FROM assignment_drafts WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', "
                "?, '-1 day')",
                (now,),
            )
            row = one(
                db,
                "INSERT INTO assignment_drafts (chat_id, user_id, user_name, deadline, late, "
                "thread_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (chat_id, user_id, user_name, deadline, int(late), thread_id, now),
            )
            assert row is not None
            return int(row[0])

        return await self._write(create)

    async def take_assignment_draft(self, draft_id: int, chat_id: int) -> Draft | None:
        """The draft, removed (so that a double tap assigns once); None if it is gone or
        belongs to another chat."""

        def take(db: Db) -> Draft | None:
            row = one(
                db,
                "DELETE FROM assignment_drafts WHERE id = ? AND chat_id = ? RETURNING id, "
                "chat_id, user_id, user_name, deadline, late, thread_id",
                (draft_id, chat_id),
            )
            if row is None:
                return None
            return Draft(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])

        return await self._write(take)

    async def assignment_draft(self, draft_id: int) -> Draft | None:
        row = await self._read_one(
            "SELECT id, chat_id, user_id, user_name, deadline, late, thread_id "
            "FROM assignment_drafts WHERE id = ?",
            (draft_id,),
        )
        if row is None:
            return None
        return Draft(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])

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

    async def assignment_doings(self, assignment_id: int) -> list[Doing]:
        """Per member: first start and first finish of the assignment's lesson."""
        rows = await self._read_all(
            "SELECT user_id, MIN(started_at), MIN(CASE WHEN status = 'finished' THEN ended_at END) "
            "FROM walks WHERE assignment_id = ? AND user_id IS NOT NULL GROUP BY user_id "
            "ORDER BY MIN(started_at)",
            (assignment_id,),
        )
        return [Doing(int(r[0]), str(r[1]), r[2]) for r in rows]

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
        its answered_at is after the assignment's deadline. A debate's stance before the
        reading and its counter argument (ids with a ~) are parts of its answer, not answers."""
        row = await self._read_one(
            "SELECT COUNT(*) FROM answers AS a JOIN walks AS w ON w.id = a.walk_id "
            "JOIN assignments AS s ON s.id = w.assignment_id "
            "WHERE s.id = ? AND a.retracted = 0 AND a.answered_at > s.deadline "
            f"AND instr(a.question_id, '~') = 0 AND {NEWEST_VERSION}",
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
