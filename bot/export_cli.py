"""The ``export`` and ``sessions`` commands of ``python -m bot``: argument parsing only.

``bot.__main__`` registers them with ``add_commands`` and hands them over with
``run_command``. Mistakes in the arguments (an unknown format, a bad date, a missing
database, ``--since`` after ``--until``) are one line on stderr and exit status 2, never
a traceback; the database is opened read-only and never created.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import IO, Final

from bot.backup import is_database_file
from bot.cli_exit import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import Settings
from bot.export import FORMATS, LessonIndex, Pseudonymizer, write_answers
from bot.lessons.load import load_lessons
from bot.lookup_export import write_lookups
from bot.render.words import plural
from bot.storage import iso_utc
from bot.storage.exports import (
    AnswerFilter,
    AssignmentSummary,
    ExportSourceError,
    SessionSummary,
    ensure_salt,
    list_assignments,
    list_sessions,
    open_readonly,
    read_salt,
    unknown_filter_id,
)

EXPORT_COMMANDS: Final = frozenset({"export", "sessions"})

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}")  # 2026-11-30, or ISO 8601's basic 20261130
_Writer = Callable[[IO[bytes]], int]


class UsageError(Exception):
    """A mistake in the command's arguments, phrased as one line for the person typing it."""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``sessions`` to ``python -m bot``'s subcommands."""
    export = commands.add_parser(
        "export",
        help="write recorded answers as CSV, JSON Lines or an Excel grade book",
        description=(
            "Write the recorded answers, one row per member and question (their current "
            "answer), or every version with --history. Reads the database read-only."
        ),
    )
    _add_db(export)
    export.add_argument(
        "--prompts",
        type=Path,
        metavar="DIR",
        help="lesson files, for section and question text (default: BOT_PROMPTS_DIR)",
    )
    export.add_argument("--chat", metavar="ID", help="only this chat")
    export.add_argument("--session", metavar="ID", help="only this session (see `sessions`)")
    export.add_argument("--lesson", metavar="ID", help="only this lesson")
    export.add_argument(
        "--assignment", metavar="ID", help="only the answers to this homework (see `sessions`)"
    )
    export.add_argument(
        "--since", metavar="DATE", help="answers from this UTC day (YYYY-MM-DD) or ISO moment on"
    )
    export.add_argument(
        "--until", metavar="DATE", help="answers up to this UTC day (inclusive) or ISO moment"
    )
    export.add_argument(
        "--format",
        default="csv",
        metavar="csv|jsonl|xlsx",
        help="default: csv; xlsx is a grade book (sheets Students, Questions, Answers)",
    )
    export.add_argument("--history", action="store_true", help="every version of every answer")
    export.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace member ids and names with stable pseudonyms (stores a salt once)",
    )
    export.add_argument(
        "--lookups",
        action="store_true",
        help="the glossary lookups (📖 Words) instead of the answers: csv or jsonl",
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="write here, not to stdout")

    sessions = commands.add_parser(
        "sessions",
        help="list chats and their sessions with answer and member counts, then homework",
    )
    _add_db(sessions)


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="the database (default: BOT_DB_PATH)"
    )


def run_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run ``export`` or ``sessions``; returns the exit status."""
    try:
        if arguments.command == "export":
            return _export(arguments, settings)
        return _sessions(arguments.db or settings.db_path)
    except (UsageError, ExportSourceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


# --- export ------------------------------------------------------------------------------


def _export(arguments: argparse.Namespace, settings: Settings) -> int:
    fmt = arguments.format
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use csv, jsonl or xlsx")
    if arguments.lookups:
        _check_lookups_options(arguments)
    since, until = time_window(arguments.since, arguments.until)
    answer_filter = AnswerFilter(
        chat_id=_int_option("--chat", arguments.chat),
        session_id=_int_option("--session", arguments.session),
        lesson_id=arguments.lesson,
        since=since,
        until=until,
        history=arguments.history,
        assignment_id=_int_option("--assignment", arguments.assignment),
    )
    out: Path | None = arguments.out
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        raise UsageError(f"cannot write {out}: not a file in an existing folder")
    db_path: Path = arguments.db or settings.db_path
    if out is not None and is_database_file(out, db_path):
        # The export would be renamed over the bot's own files: a running bot would go on
        # acknowledging answers into a database that is gone at its next start.
        raise UsageError(
            f"refusing to write the export over {out}: it is the database {db_path} or a file "
            "beside it; give another file as --out"
        )
    prompts: Path = arguments.prompts or settings.prompts_dir

    with closing(open_readonly(db_path)) as connection:
        catalog, problems = load_lessons([prompts])
        if problems:
            print(
                f"warning: {len(problems)} problem(s) in the lessons at {prompts} (see "
                "`python -m bot validate`); their questions are exported without text",
                file=sys.stderr,
            )
        lessons = LessonIndex.from_catalog(catalog)
        _refuse_unknown_ids(connection, answer_filter, lessons, prompts)
        pseudonymizer = None
        if arguments.pseudonymize:
            pseudonymizer = Pseudonymizer(read_salt(connection) or ensure_salt(db_path))

        def write(stream: IO[bytes]) -> int:
            if arguments.lookups:
                return write_lookups(
                    connection, answer_filter, fmt, stream, pseudonymizer=pseudonymizer
                )
            return write_answers(
                connection, answer_filter, lessons, fmt, stream, pseudonymizer=pseudonymizer
            )

        try:
            if out is None:
                return _to_stdout(write)
            count = _to_file(write, out)
        except OSError as error:
            print(f"error: cannot write the export: {error}", file=sys.stderr)
            return EXIT_FAILED
        except (sqlite3.Error, ValueError) as error:
            # While streaming: a locked or damaged database, or a malformed stored value.
            print(f"error: the export failed: {error}", file=sys.stderr)
            return EXIT_FAILED
    print(f"wrote {plural(count, 'row')} to {out}", file=sys.stderr)
    return EXIT_OK


def _refuse_unknown_ids(
    connection: sqlite3.Connection,
    answer_filter: AnswerFilter,
    lessons: LessonIndex,
    prompts: Path,
) -> None:
    """UsageError for a filter naming nothing in the database (a mistyped number), before
    anything is written: one line saying what was not found and where to find the right
    one. An id that is there with no answers yet is exported: a header only."""
    unknown = unknown_filter_id(connection, answer_filter, known_lessons=lessons.lessons)
    if unknown is not None:
        raise UsageError(_not_found(*unknown, prompts))


def _not_found(field: str, value: int | str, prompts: Path) -> str:
    where = "`python -m bot sessions` lists"
    if field == "assignment_id":
        return (
            f"no homework {value} in this database: {where} every homework with its number "
            "(so does the group's /report)"
        )
    if field == "session_id":
        return f"no session {value} in this database: {where} the sessions with their ids"
    if field == "lesson_id":
        return (
            f"no lesson {value!r} in this database or the lesson files at {prompts}: "
            f"{where} the lessons of the sessions, and a lesson file names its own (`id:`)"
        )
    return f"no chat {value} in this database: {where} the chats with their ids"


def _check_lookups_options(arguments: argparse.Namespace) -> None:
    if arguments.format == "xlsx":
        raise UsageError("--lookups are written as csv or jsonl, not xlsx")
    if arguments.session or arguments.history:
        raise UsageError(
            "--lookups belong to no session and have no versions: drop --session and --history"
        )


def _to_stdout(write: _Writer) -> int:
    sys.stdout.flush()
    try:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    return EXIT_OK


def _to_file(write: _Writer, out: Path) -> int:
    """Write to a private temporary file beside ``out``, then rename it: no half exports."""
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            count = write(stream)
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _int_option(option: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{option} must be a number, not {value!r}") from None


def time_window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``--since``/``--until`` as bounds on ``answered_at``: (inclusive, exclusive).

    A DATE (YYYY-MM-DD) is a whole UTC day, so ``--since D --until D`` is that day; an ISO
    8601 date and time without an offset is taken as UTC.
    """
    start = end = None
    if since is not None:
        start = _moment("--since", since)[0]
    if until is not None:
        moment, whole_day = _moment("--until", until)
        end = moment + (dt.timedelta(days=1) if whole_day else dt.timedelta(milliseconds=1))
    if start is not None and end is not None and start >= end:
        raise UsageError(f"--since {since} is after --until {until}")
    return (
        None if start is None else iso_utc(start),
        None if end is None else iso_utc(end),
    )


def _moment(option: str, text: str) -> tuple[dt.datetime, bool]:
    """The UTC moment ``text`` names, and whether it was a whole day."""
    if _DAY.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"{option} {text!r} is not a valid date") from None
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC), True
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date and time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    # Stored times have milliseconds: drop finer digits so that the bounds compare exactly.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000), False


# --- sessions ----------------------------------------------------------------------------

_SESSION_HEADER = (
    "id",
    "chat id",
    "chat title",
    "audience",
    "lesson",
    "status",
    "started (UTC)",
    "answers",
    "members",
)
_RIGHT_ALIGNED = frozenset({0, 1, 7, 8})
_TITLE_WIDTH = 32


_ASSIGNMENT_HEADER = (
    "homework",
    "chat id",
    "chat title",
    "lesson",
    "deadline (UTC)",
    "status",
    "done",
    "started",
    "answers",
    "late",
)
_ASSIGNMENT_RIGHT_ALIGNED = frozenset({0, 1, 6, 7, 8, 9})


def _sessions(db_path: Path) -> int:
    with closing(open_readonly(db_path)) as connection:
        summaries = list_sessions(connection)
        assignments = list_assignments(connection)
    print(sessions_table(summaries))
    if assignments:
        print()
        print(assignments_table(assignments))
    return EXIT_OK


def sessions_table(summaries: Sequence[SessionSummary]) -> str:
    """An aligned plain-text table, one line per session (or per chat without any)."""
    table = _table(_SESSION_HEADER, [_session_cells(s) for s in summaries], _RIGHT_ALIGNED)
    return table if summaries else table + "\n(no chats yet)"


def assignments_table(assignments: Sequence[AssignmentSummary]) -> str:
    """An aligned plain-text table, one line per homework: its deadline, open or closed,
    members done and started, its current answers and how many of them came late (its
    attempts' sessions are in the table above, as private ones)."""
    rows = [
        (
            str(a.id),
            str(a.chat_id),
            _shorten(a.chat_title or ""),
            a.lesson_id,
            a.deadline[:16].replace("T", " "),
            a.status + (" (late ok)" if a.late else ""),
            str(a.done),
            str(a.started),
            str(a.answers),
            str(a.late_answers),
        )
        for a in assignments
    ]
    return _table(_ASSIGNMENT_HEADER, rows, _ASSIGNMENT_RIGHT_ALIGNED)


def _table(header: tuple[str, ...], body: Sequence[tuple[str, ...]], right: frozenset[int]) -> str:
    rows = [header, *body]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(_pad(cell, widths[i], i in right) for i, cell in enumerate(row)) for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _session_cells(summary: SessionSummary) -> tuple[str, ...]:
    if summary.walk_id is None:
        return (
            "-",
            str(summary.chat_id),
            _shorten(summary.chat_title or ""),
            "",
            "",
            "no sessions",
            "",
            "",
            "",
        )
    started = (summary.started_at or "")[:16].replace("T", " ")
    return (
        str(summary.walk_id),
        str(summary.chat_id),
        _shorten(summary.chat_title or ""),
        summary.audience or "",
        summary.lesson_id or "",
        summary.status or "",
        started,
        str(summary.answers),
        str(summary.members),
    )


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _shorten(title: str) -> str:
    title = " ".join(title.split())  # no line breaks or tabs inside the table
    if _width(title) <= _TITLE_WIDTH:
        return title
    kept, width = [], 0
    for char in title:
        width += _char_width(char)
        if width > _TITLE_WIDTH - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(cell: str, width: int, right: bool) -> str:
    padding = " " * (width - _width(cell))
    return padding + cell if right else cell + padding
