"""Every SQL query the answer export makes: read-only row sources, the session list, the salt.

The export runs in a command-line process (``python -m bot export``), or later in a worker
thread of the bot, so it uses the standard library's synchronous ``sqlite3``. The database
is opened read-only (``mode=ro``): a running bot keeps writing beside it (WAL), the export
reads one consistent snapshot, and a path that does not exist is never created. The only
write is the pseudonym salt, made once, in its own short transaction, and only when a
pseudonymised export asks for it.

Rows are streamed: ``iter_answers`` walks a cursor in ``fetchmany`` batches, so memory stays
flat however many answers there are; the ordering is done by SQLite's sorter, which spills
to temporary files instead of holding every row.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Collection, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from bot.storage.sql import NEWEST_VERSION, lookups_of_chat, newest_version

SALT_KEY = "pseudonym_salt"
BATCH_SIZE = 2000

# One answer version as read for the export, in this column order (see ANSWER_COLUMNS).
RawAnswer = tuple[
    int,  # walk_id (the session)
    int,  # chat_id
    str | None,  # chat title
    str | None,  # chat type ('private', 'group', 'supergroup', ...)
    str,  # lesson_id
    str,  # lesson_version
    str,  # question_id
    str,  # question_type
    int,  # user_id
    str | None,  # username
    str,  # display_name
    str | None,  # answer_text
    str | None,  # option_indexes, e.g. "0,2"
    int | None,  # is_correct
    str | None,  # stance
    int,  # retracted
    str,  # via
    str,  # answered_at
    int,  # version
    int | None,  # self_check: 2 got it, 1 partly, 0 missed it (schema 8)
    # Homework (schema 7; None for an answer of no assignment):
    int | None,  # assignment_id
    str | None,  # deadline (UTC)
    str | None,  # started_at: when the member began this attempt at the assignment
    str | None,  # finished_at: when they finished it (None: not finished)
    int | None,  # late: answered after the deadline (1/0)
]
ANSWER_COLUMNS = (
    "walk_id",
    "chat_id",
    "chat_title",
    "chat_type",
    "lesson_id",
    "lesson_version",
    "question_id",
    "question_type",
    "user_id",
    "username",
    "display_name",
    "answer_text",
    "option_indexes",
    "is_correct",
    "stance",
    "retracted",
    "via",
    "answered_at",
    "version",
    "self_check",
    "assignment_id",
    "deadline",
    "started_at",
    "finished_at",
    "late",
)


class ExportSourceError(Exception):
    """The database cannot be read for an export; the message is one line for a person."""


@dataclass(frozen=True, slots=True)
class AnswerFilter:
    """Which answers to export. Every field left as None selects everything.

    ``since`` and ``until`` are ISO 8601 UTC strings in the stored format
    (``2026-11-28T04:05:06.789Z``): ``since`` is inclusive, ``until`` exclusive. Without
    ``history`` each member's newest version of each answer *within the time window* is
    exported, so ``until`` gives the answers as they stood at that moment.
    """

    chat_id: int | None = None
    session_id: int | None = None
    lesson_id: str | None = None
    since: str | None = None
    until: str | None = None
    history: bool = False
    assignment_id: int | None = None  # the attempts at one assignment (homework)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A chat and one of its walks (group session or private attempt); walk fields are None
    for a chat that has none. ``answers`` counts current answers (member and question
    pairs): the rows a default export of that session has."""

    walk_id: int | None
    chat_id: int
    chat_title: str | None
    chat_type: str
    audience: str | None
    lesson_id: str | None
    status: str | None
    started_at: str | None
    answers: int
    members: int


def database_uri(path: Path, *, mode: str = "ro") -> str:
    """A ``file:`` URI for sqlite3 that never creates the file (``ro`` or ``rw``)."""
    return f"{path.resolve().as_uri()}?mode={mode}"


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open a bot database read-only; ExportSourceError if it is missing or not one."""
    if not path.is_file():
        raise ExportSourceError(f"no database at {path}")
    try:
        connection = sqlite3.connect(
            database_uri(path), uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise ExportSourceError(f"cannot open the database {path}: {error}") from None
    try:
        connection.execute("PRAGMA busy_timeout = 5000")
        row = connection.execute("PRAGMA user_version").fetchone()
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name IN ('answers', 'walks', 'chats', 'meta')"
            )
        }
    except sqlite3.DatabaseError as error:
        connection.close()
        raise ExportSourceError(f"cannot read the database {path}: {error}") from None
    if not row or int(row[0]) < 1 or len(tables) < 4:
        connection.close()
        raise ExportSourceError(f"{path} is not a database of this bot")
    return connection


def read_salt(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (SALT_KEY,)).fetchone()
    return str(row[0]) if row else None


def ensure_salt(path: Path) -> str:
    """The database's pseudonym salt, created (32 random bytes, hex) if it has none yet.

    The only write an export makes: a separate read-write connection (``mode=rw``, which
    never creates the file) and one short ``BEGIN IMMEDIATE`` transaction; a salt another
    process wrote first wins.
    """
    try:
        connection = sqlite3.connect(database_uri(path, mode="rw"), uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise ExportSourceError(f"cannot open the database {path}: {error}") from None
    try:
        connection.execute("PRAGMA busy_timeout = 5000")
        existing = read_salt(connection)
        if existing is not None:
            return existing
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                (SALT_KEY, secrets.token_hex(32)),
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        salt = read_salt(connection)
        assert salt is not None
        return salt
    except sqlite3.Error as error:
        raise ExportSourceError(f"cannot store the pseudonym salt in {path}: {error}") from None
    finally:
        connection.close()


# The answers query is assembled from these constant fragments; every value is bound.
_ANSWERS_SELECT = """
SELECT a.walk_id, a.chat_id, c.title, c.type, a.lesson_id, a.lesson_version, a.question_id,
       a.question_type, a.user_id, a.username, a.display_name, a.answer_text, a.option_indexes,
       a.is_correct, a.stance, a.retracted, a.via, a.answered_at, a.version, {self_check},
       {homework}
FROM answers AS a
LEFT JOIN chats AS c ON c.id = a.chat_id
LEFT JOIN temp.export_question_order AS q
    ON q.lesson_id = a.lesson_id AND q.question_id = a.question_id
{homework_joins}
WHERE 1
"""
# An answer's homework: the assignment its attempt (walk) is for, the deadline, the
# attempt's start and finish, and whether it came after the deadline.
_HOMEWORK = (
    "s.id, s.deadline, CASE WHEN s.id IS NOT NULL THEN w.started_at END, "
    "CASE WHEN s.id IS NOT NULL AND w.status = 'finished' THEN w.ended_at END, "
    "CASE WHEN s.id IS NOT NULL THEN a.answered_at > s.deadline END"
)
_HOMEWORK_JOINS = (
    "LEFT JOIN walks AS w ON w.id = a.walk_id LEFT JOIN assignments AS s ON s.id = w.assignment_id"
)
_NO_HOMEWORK = "NULL, NULL, NULL, NULL, NULL"
_ANSWERS_CONDITIONS = {
    "chat_id": " AND a.chat_id = :chat_id",
    "session_id": " AND a.walk_id = :session_id",
    "lesson_id": " AND a.lesson_id = :lesson_id",
    "since": " AND a.answered_at >= :since",
    "until": " AND a.answered_at < :until",
    "assignment_id": " AND s.id = :assignment_id",
}
# A group's answers are also its homework's, given in its members' private chats.
_CHAT_WITH_HOMEWORK = (
    " AND (a.chat_id = :chat_id OR a.walk_id IN (SELECT hw.id FROM walks AS hw "
    "JOIN assignments AS hs ON hs.id = hw.assignment_id WHERE hs.chat_id = :chat_id))"
)
# Not --history: only a member's newest version of an answer, among the versions within the
# time window (``v`` in ``newest_version``).
_WINDOW_CONDITIONS = {
    "since": " AND v.answered_at >= :since",
    "until": " AND v.answered_at < :until",
}
# Session, then the question's place in its lesson (unknown questions last, by id), then
# member, then version.
_ANSWERS_ORDER = (
    " ORDER BY a.walk_id, q.position IS NULL, q.position, a.question_id, a.user_id, a.version"
)


def answers_query(
    answer_filter: AnswerFilter, *, self_check: bool = True, homework: bool = True
) -> tuple[str, dict[str, object]]:
    """The SQL and its bound parameters for ``answer_filter`` (without the question order).
    ``self_check``: the database has that column (schema 8); else the column is NULL.
    ``homework``: it has assignments (schema 7); else their columns are NULL."""
    if answer_filter.assignment_id is not None and not homework:
        raise ExportSourceError("this database has no assignments (it is older than homework)")
    params: dict[str, object] = {}
    sql = [
        _ANSWERS_SELECT.format(
            self_check="a.self_check" if self_check else "NULL",
            homework=_HOMEWORK if homework else _NO_HOMEWORK,
            homework_joins=_HOMEWORK_JOINS if homework else "",
        )
    ]
    for name, condition in _ANSWERS_CONDITIONS.items():
        value = getattr(answer_filter, name)
        if value is not None:
            params[name] = value
            sql.append(_CHAT_WITH_HOMEWORK if name == "chat_id" and homework else condition)
    if not answer_filter.history:
        window = "".join(cond for name, cond in _WINDOW_CONDITIONS.items() if name in params)
        sql.append(f" AND {newest_version('a', within=window)}")
    sql.append(_ANSWERS_ORDER)
    return "".join(sql), params


def iter_answers(
    connection: sqlite3.Connection,
    answer_filter: AnswerFilter,
    question_order: Mapping[tuple[str, str], int] | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> Iterator[RawAnswer]:
    """Stream the selected answer versions in export order (see ``RawAnswer``).

    ``question_order`` maps (lesson id, question id) to the question's place in its lesson;
    questions it does not know come after the known ones of their session, by id. Whatever
    refuses the export (a filter this database cannot answer, a database that cannot be
    read) is raised by this call, before any row is asked for: a caller that writes a
    header after it writes nothing for a refused export. The cursor is read in batches
    and closed when the iterator is exhausted or closed.
    """
    load_question_order(connection, question_order or {})
    sql, params = answers_query(
        answer_filter, self_check=has_self_check(connection), homework=has_homework(connection)
    )
    return _answer_batches(connection, connection.execute(sql, params), batch_size)


def _answer_batches(
    connection: sqlite3.Connection, cursor: sqlite3.Cursor, batch_size: int
) -> Iterator[RawAnswer]:
    try:
        while batch := cursor.fetchmany(batch_size):
            yield from batch
    finally:
        cursor.close()
        with suppress(sqlite3.Error):  # e.g. the connection was closed before this iterator
            connection.execute("DROP TABLE IF EXISTS temp.export_question_order")


# Whether a filter's id names something in the database: one query per kind of id, each
# asked only of the tables this database has (an older one may lack assignments or lookups).
_CHAT_KNOWN = (
    ("chats", "SELECT 1 FROM chats WHERE id = :id"),
    ("answers", "SELECT 1 FROM answers WHERE chat_id = :id"),
    ("assignments", "SELECT 1 FROM assignments WHERE chat_id = :id"),
    ("lookups", "SELECT 1 FROM lookups WHERE chat_id = :id"),
)
_SESSION_KNOWN = (("walks", "SELECT 1 FROM walks WHERE id = :id"),)
_LESSON_KNOWN = (
    ("walks", "SELECT 1 FROM walks WHERE lesson_id = :id"),
    ("assignments", "SELECT 1 FROM assignments WHERE lesson_id = :id"),
    ("lookups", "SELECT 1 FROM lookups WHERE lesson_id = :id"),
)
_ASSIGNMENT_KNOWN = (("assignments", "SELECT 1 FROM assignments WHERE id = :id"),)


def unknown_filter_id(
    connection: sqlite3.Connection,
    answer_filter: AnswerFilter,
    *,
    known_lessons: Collection[str] = (),
) -> tuple[str, int | str] | None:
    """The first id of ``answer_filter`` that names nothing in this database, as (its
    field, its value), or None when every id it gives is there: a chat (with its sessions,
    answers, homework or lookups), a session, a lesson (walked, set as homework, or one of
    ``known_lessons``, the lesson files'), an assignment. An id that is there but has no
    answers yet is not unknown. An assignment is asked of every database that has homework,
    also for the lookups of one whose lookups name no walk (a number nobody has is refused
    as such first; ``iter_lookups`` refuses one that is there in its own words); one older
    than homework is left to ``iter_answers``, which refuses it in its own words."""
    tables = {
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name IN ('chats', 'answers', 'walks', 'assignments', 'lookups')"
        )
    }
    checks: tuple[tuple[str, int | str | None, tuple[tuple[str, str], ...]], ...] = (
        ("chat_id", answer_filter.chat_id, _CHAT_KNOWN),
        ("session_id", answer_filter.session_id, _SESSION_KNOWN),
        ("lesson_id", answer_filter.lesson_id, _LESSON_KNOWN),
        ("assignment_id", answer_filter.assignment_id, _ASSIGNMENT_KNOWN),
    )
    for field, value, queries in checks:
        if value is None:
            continue
        if field == "assignment_id" and "assignments" not in tables:
            continue
        if field == "lesson_id" and value in known_lessons:
            continue
        asked = [sql for table, sql in queries if table in tables]
        if not any(connection.execute(sql, {"id": value}).fetchone() for sql in asked):
            return field, value
    return None


def has_self_check(connection: sqlite3.Connection) -> bool:
    """Whether the answers table has the self_check column: an export may read a database
    written before schema 8 (read-only, so it is never migrated here)."""
    return any(row[1] == "self_check" for row in connection.execute("PRAGMA table_info(answers)"))


def has_homework(connection: sqlite3.Connection) -> bool:
    """Whether the database has assignments (schema 7): an export may read an older one."""
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'assignments'"
    ).fetchone()
    return row is not None


def load_question_order(
    connection: sqlite3.Connection, question_order: Mapping[tuple[str, str], int]
) -> None:
    """Put the questions' places in a TEMP table (the connection's own, even read-only):
    the answers query joins it by primary key, which is much faster than a CTE."""
    connection.execute("DROP TABLE IF EXISTS temp.export_question_order")
    connection.execute(
        "CREATE TEMP TABLE export_question_order (lesson_id TEXT NOT NULL, "
        "question_id TEXT NOT NULL, position INTEGER NOT NULL, "
        "PRIMARY KEY (lesson_id, question_id)) WITHOUT ROWID"
    )
    connection.executemany(
        "INSERT INTO temp.export_question_order (lesson_id, question_id, position) "
        "VALUES (?, ?, ?)",
        [(lesson, question, place) for (lesson, question), place in question_order.items()],
    )
    if connection.in_transaction:
        connection.commit()


_SESSIONS_QUERY = f"""
SELECT w.id, c.id, c.title, c.type, w.audience, w.lesson_id, w.status, w.started_at,
       COALESCE(n.answers, 0), COALESCE(n.members, 0)
FROM chats AS c
LEFT JOIN walks AS w ON w.chat_id = c.id
LEFT JOIN (
    SELECT walk_id, COUNT(*) AS answers, COUNT(DISTINCT user_id) AS members
    FROM answers AS a  -- each standing answer: the newest version, not a withdrawn vote
    WHERE a.retracted = 0 AND {NEWEST_VERSION}
    GROUP BY walk_id
) AS n ON n.walk_id = w.id
ORDER BY c.id, w.id
"""


def list_sessions(connection: sqlite3.Connection) -> list[SessionSummary]:
    """Every chat with its walks, oldest first, with current-answer and member counts."""
    return [SessionSummary(*row) for row in connection.execute(_SESSIONS_QUERY)]


# --- glossary lookups (issue 15): `python -m bot export --lookups` -------------------------

# One lookup as read for the export, in this column order (see LOOKUP_COLUMNS).
RawLookup = tuple[
    str,  # looked_at (ISO 8601, UTC)
    int,  # chat_id: the group, or the private chat, where 📖 Words was pressed
    str | None,  # chat title
    str | None,  # chat type
    str,  # lesson_id
    int,  # section: the 1-based part
    str,  # term
    int,  # user_id
]
LOOKUP_COLUMNS = (
    "looked_at",
    "chat_id",
    "chat_title",
    "chat_type",
    "lesson_id",
    "section",
    "term",
    "user_id",
)
_LOOKUP_CONDITIONS = {
    "chat_id": " AND l.chat_id = :chat_id",
    "lesson_id": " AND l.lesson_id = :lesson_id",
    "since": " AND l.looked_at >= :since",
    "until": " AND l.looked_at < :until",
    "assignment_id": (
        " AND l.walk_id IN (SELECT id FROM walks WHERE assignment_id = :assignment_id)"
    ),
}
# A group's lookups are also those made while doing its homework in private chats.
_LOOKUPS_OF_CHAT = " AND " + lookups_of_chat(":chat_id")


def iter_lookups(
    connection: sqlite3.Connection, answer_filter: AnswerFilter, *, batch_size: int = BATCH_SIZE
) -> Iterator[RawLookup]:
    """Stream the glossary lookups the filter's chat (with its homework done in private
    chats), assignment, lesson and time window select, oldest first (a session filter does
    not apply: a lookup belongs to no session). A database from before the lookups existed
    has none; one from before they named their walk knows no homework's lookups. A filter
    the database cannot answer is refused by this call, before any row is asked for."""
    columns = _lookup_columns(connection)
    if not columns:
        return iter(())
    walks = "walk_id" in columns
    if answer_filter.assignment_id is not None and not walks:
        raise ExportSourceError("this database does not tell which lookups were homework's")
    params: dict[str, object] = {}
    sql = [
        "SELECT l.looked_at, l.chat_id, c.title, c.type, l.lesson_id, l.section, l.term, "
        "l.user_id FROM lookups AS l LEFT JOIN chats AS c ON c.id = l.chat_id WHERE 1"
    ]
    for name, condition in _LOOKUP_CONDITIONS.items():
        value = getattr(answer_filter, name)
        if value is not None:
            params[name] = value
            sql.append(_LOOKUPS_OF_CHAT if name == "chat_id" and walks else condition)
    sql.append(" ORDER BY l.looked_at, l.id")
    return _lookup_batches(connection.execute("".join(sql), params), batch_size)


def _lookup_columns(connection: sqlite3.Connection) -> list[str]:
    """The lookups table's columns (none before lookups existed): one with ``walk_id`` says
    which walk, so which homework, each lookup was made in."""
    return [row[1] for row in connection.execute("PRAGMA table_info(lookups)")]


def _lookup_batches(cursor: sqlite3.Cursor, batch_size: int) -> Iterator[RawLookup]:
    try:
        while batch := cursor.fetchmany(batch_size):
            yield from batch
    finally:
        cursor.close()


@dataclass(frozen=True, slots=True)
class AssignmentSummary:
    """A homework for ``python -m bot sessions``: members who finished and who began
    without finishing; its current answers, and how many of those came after the deadline."""

    id: int
    chat_id: int
    chat_title: str | None
    lesson_id: str
    deadline: str
    status: str
    late: bool
    done: int
    started: int
    answers: int
    late_answers: int


_ASSIGNMENTS_QUERY = f"""
SELECT s.id, s.chat_id, c.title, s.lesson_id, s.deadline, s.status, s.late,
       (SELECT COUNT(DISTINCT user_id) FROM walks WHERE assignment_id = s.id
            AND status = 'finished'),
       (SELECT COUNT(DISTINCT user_id) FROM walks WHERE assignment_id = s.id),
       COALESCE(n.answers, 0), COALESCE(n.late, 0)
FROM assignments AS s
LEFT JOIN chats AS c ON c.id = s.chat_id
LEFT JOIN (
    SELECT w.assignment_id, COUNT(*) AS answers,
           SUM(a.answered_at > t.deadline) AS late
    FROM answers AS a
    JOIN walks AS w ON w.id = a.walk_id
    JOIN assignments AS t ON t.id = w.assignment_id
    WHERE a.retracted = 0 AND {NEWEST_VERSION}
    GROUP BY w.assignment_id
) AS n ON n.assignment_id = s.id
ORDER BY s.id
"""


def list_assignments(connection: sqlite3.Connection) -> list[AssignmentSummary]:
    """Every homework, oldest first (none in a database older than homework)."""
    if not has_homework(connection):
        return []
    summaries = []
    for row in connection.execute(_ASSIGNMENTS_QUERY):
        values = list(row)
        values[6] = bool(values[6])
        values[8] = values[8] - values[7]  # began and not finished
        summaries.append(AssignmentSummary(*values))
    return summaries
