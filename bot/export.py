"""Response-log export: turning stored answers into CSV or JSON Lines rows.

This module only formats; the SQL lives in ``bot.storage_exports`` and the command line in
``bot.export_cli``. The pieces, usable from the bot too (e.g. a ``/export`` of one chat run
in a worker thread)::

    lessons = LessonIndex.from_catalog(catalog)
    with closing(open_readonly(db_path)) as connection:
        write_answers(connection, AnswerFilter(chat_id=chat_id), lessons, "csv", stream)

``write_answers`` = ``iter_answers`` (raw rows, streamed) → ``export_rows`` (one
``ExportRow`` of real Python types per answer) → ``write_export`` (CSV or JSON Lines on a
binary stream). Nothing holds more than one batch of rows.

CSV is made for spreadsheets: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF line ends,
fields quoted where needed (a multi-line answer stays in one cell), booleans as
``true``/``false``, missing values empty, and any text cell a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) prefixed with
a single quote. JSON Lines is lossless: one object per line with real types (ints, bools,
null, ``option_indexes`` as a list of ints), non-ASCII kept as is. The grade book (xlsx) is
``bot.gradebook``'s, from the same rows.

``edited_after_feedback``: the answer version came after the bot had shown its feedback on
that question. What the data tells: in a private attempt the bot answers a choice question
(right or wrong, with the explanation) and a short question (the model answer) as soon as
the first version arrives, so any later version of those is one. In a group a choice answer
is kept as first given, so no choice is flagged; a group's model answers are posted when its
session moves on (its setting), but posts keep no time, so no short answer there is flagged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Final, Literal, NamedTuple

from bot import texts
from bot.discussion import part_of, split_id
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog, ShortQuestion
from bot.storage.exports import AnswerFilter, RawAnswer, iter_answers

ExportFormat = Literal["csv", "jsonl", "xlsx"]
AnyQuestion = ChoiceQuestion | ShortQuestion | DebateQuestion
FORMATS: Final[tuple[ExportFormat, ...]] = ("csv", "jsonl", "xlsx")
DISCUSSION: Final = "discussion"
OPTION_SEPARATOR: Final = " | "  # how the bot joins the texts of several chosen options
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: Final[tuple[str, ...]] = (
    "session_id",
    "chat_id",
    "chat_title",
    "lesson_id",
    "lesson_version",
    "section",
    "question_id",
    "question_type",
    "question_text",
    "user_id",
    "username",
    "display_name",
    "answer",
    "option_indexes",
    "correct",
    "stance",
    "retracted",
    "via",
    "answered_at",
    "version",
    "edited_after_feedback",
    "self_check",
    "phase",
    "part",
    # Homework (empty for an answer of no assignment): the assignment, its deadline (UTC),
    # when the member began and finished that attempt, and whether the answer came after
    # the deadline.
    "assignment_id",
    "deadline",
    "started_at",
    "finished_at",
    "late",
)
# The question types whose first answer in a private attempt is followed by feedback.
FEEDBACK_TYPES: Final = frozenset({"choice", "short"})


class ExportRow(NamedTuple):
    """One exported answer version; fields in ``COLUMNS`` order.

    ``chat_id`` and ``user_id`` are strings only when pseudonymised. ``section`` is the
    1-based section number, ``"discussion"``, or None when the lesson or question is unknown.
    """

    session_id: int
    chat_id: int | str
    chat_title: str | None
    lesson_id: str
    lesson_version: str
    section: int | str | None
    question_id: str
    question_type: str
    question_text: str | None
    user_id: int | str
    username: str | None
    display_name: str
    answer: str | None
    option_indexes: tuple[int, ...]
    correct: bool | None
    stance: str | None
    retracted: bool
    via: str
    answered_at: str
    version: int
    edited_after_feedback: bool = False
    # A student's own verdict beside the model answer, private attempts only: 2 got it,
    # 1 partly, 0 missed it; None when not given.
    self_check: int | None = None
    # Issue 14: "before" for a debate's stance asked before the reading, else empty; a
    # debate row's part: "stance" (no reason yet), "reason", or "counter" (the other
    # side's best argument); empty for other questions.
    phase: str = ""
    part: str = ""
    assignment_id: int | None = None
    deadline: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    late: bool | None = None


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the lesson file says about a question, looked up once per question."""

    position: int  # its place among all the lesson's questions, from 0
    section: int | str  # 1-based section number, or "discussion"
    text: str
    options: tuple[str, ...]  # a choice question's options, a debate's stances
    lesson_version: str
    label: str = ""  # as students saw it: "Part 1 · Q3", "Discussion · Q1"

    def option_text(self, indexes: tuple[int, ...], lesson_version: str) -> str | None:
        """The chosen options' text, only if the answer was given to this very version of
        the lesson (an edited lesson may have reordered its options) and all are in range."""
        if lesson_version != self.lesson_version or not self.options:
            return None
        if any(i < 0 or i >= len(self.options) for i in indexes):
            return None
        return OPTION_SEPARATOR.join(self.options[i] for i in indexes)


class LessonIndex:
    """(lesson id, question id) → QuestionInfo, for every question of the known lessons.

    A lesson missing from the catalog, or a question no longer in it, simply has no entry:
    its rows get an empty section and question text.
    """

    __slots__ = ("lessons", "questions")

    def __init__(self, lessons: Iterable[Lesson] = ()) -> None:
        self.questions: dict[tuple[str, str], QuestionInfo] = {}
        self.lessons: dict[str, Lesson] = {}
        for lesson in lessons:
            self.lessons[lesson.id] = lesson
            groups: list[tuple[int | str, Sequence[AnyQuestion]]] = [
                (number, section.questions) for number, section in enumerate(lesson.sections, 1)
            ]
            groups.append((DISCUSSION, lesson.discussion))
            position = 0
            for section, questions in groups:
                part = (
                    texts.LABEL_PART.format(part=section)
                    if isinstance(section, int)
                    else texts.LABEL_DISCUSSION
                )
                for number, question in enumerate(questions, 1):
                    label = texts.QUESTION_LABEL.format(part=part, number=number)
                    self.questions[(lesson.id, question.id)] = _question_info(
                        question, position, section, lesson.version, label
                    )
                    position += 1

    @classmethod
    def from_catalog(cls, catalog: LessonCatalog) -> LessonIndex:
        return cls(catalog.lessons)

    def get(self, lesson_id: str, question_id: str) -> QuestionInfo | None:
        return self.questions.get((lesson_id, question_id))

    def order(self) -> dict[tuple[str, str], int]:
        """Each question's place in its lesson, for the export's ORDER BY."""
        return {key: info.position for key, info in self.questions.items()}


def _question_info(
    question: AnyQuestion, position: int, section: int | str, lesson_version: str, label: str
) -> QuestionInfo:
    options: tuple[str, ...] = ()
    if isinstance(question, ChoiceQuestion):
        options = question.options
    elif isinstance(question, DebateQuestion):
        options = question.stances
    return QuestionInfo(position, section, question.prompt, options, lesson_version, label)


class Pseudonymizer:
    """Stable pseudonyms: HMAC-SHA256 of the id, keyed by the database's secret salt.

    The same person gets the same pseudonym in every export of the same database, and,
    without the salt, hashing every small id does not reverse it. A private chat's id is
    its member's user id, so such a chat gets its member's pseudonym.
    """

    __slots__ = ("_cache", "_key")

    def __init__(self, salt: str) -> None:
        self._key = salt.encode()
        self._cache: dict[int, tuple[str, str]] = {}

    def member(self, user_id: int) -> tuple[str, str]:
        """(pseudonymous id, pseudonymous display name), e.g. ("u-3f9a1c2b7d", "Member 3f9a1c")."""
        found = self._cache.get(user_id)
        if found is None:
            digest = hmac.new(self._key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()
            found = self._cache[user_id] = (f"u-{digest[:10]}", f"Member {digest[:6]}")
        return found


def _parse_indexes(stored: str) -> tuple[int, ...]:
    return tuple(int(part) for part in stored.split(","))


def export_rows(
    records: Iterable[RawAnswer],
    lessons: LessonIndex,
    pseudonymizer: Pseudonymizer | None = None,
) -> Iterator[ExportRow]:
    """Turn stored answer versions (as ``iter_answers`` yields them) into export rows.

    ``answer`` is the stored text (a choice answer's option texts, as the bot recorded
    them, or the typed text); a choice answer stored without text gets its options' text
    from the lesson when it is the same version.
    """
    lookup = lessons.questions.get
    # tuple.__new__ skips the NamedTuple's Python-level __new__: the same row, made faster.
    new_row = tuple.__new__
    parsed: dict[str, tuple[int, ...]] = {"": ()}
    for (
        walk_id,
        chat_id,
        chat_title,
        chat_type,
        lesson_id,
        lesson_version,
        stored_question_id,
        question_type,
        user_id,
        username,
        display_name,
        answer_text,
        stored_indexes,
        is_correct,
        stance,
        retracted,
        via,
        answered_at,
        version,
        self_check,
        assignment_id,
        deadline,
        started_at,
        finished_at,
        late,
    ) in records:
        question_id, phase, _ = split_id(stored_question_id)  # a before or counter part
        part = part_of(question_type, stored_question_id, answer_text)
        info = lookup((lesson_id, question_id))
        indexes = parsed.get(stored_indexes or "")
        if indexes is None:
            indexes = parsed[stored_indexes or ""] = _parse_indexes(stored_indexes or "")
        answer = answer_text
        if answer is None and indexes and info is not None:
            answer = info.option_text(indexes, lesson_version)
        chat: int | str = chat_id
        user: int | str = user_id
        if pseudonymizer is not None:
            user, display_name = pseudonymizer.member(user_id)
            username = None
            if chat_type == "private" or chat_id > 0:
                chat, chat_title = pseudonymizer.member(chat_id)
        yield new_row(
            ExportRow,
            (
                walk_id,
                chat,
                chat_title,
                lesson_id,
                lesson_version,
                None if info is None else info.section,
                question_id,
                question_type,
                None if info is None else info.text,
                user,
                username,
                display_name,
                answer,
                indexes,
                None if is_correct is None else bool(is_correct),
                stance,
                bool(retracted),
                via,
                answered_at,
                version,
                version > 1 and chat_type == "private" and question_type in FEEDBACK_TYPES,
                self_check,
                phase,
                part,
                assignment_id,
                deadline,
                started_at,
                finished_at,
                None if late is None else bool(late),
            ),
        )


def neutralize(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(value: object) -> str:
    """The text of a CSV cell: formula-like text neutralised, None empty, booleans
    true/false, option indexes "0,2", numbers as digits."""
    if isinstance(value, str):
        return neutralize(value)
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def csv_field(value: object) -> str:
    """``csv_value`` quoted exactly as the ``csv`` module's excel dialect does: only if it
    holds a comma, a double quote or a line break, with quotes doubled."""
    if isinstance(value, str):  # the common case first, inline: this runs for every row
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
    else:
        value = csv_value(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def csv_cells(row: ExportRow) -> list[str]:
    """A row as the cell texts ``csv.writer`` would be given (see ``csv_value``)."""
    return [csv_value(value) for value in row]


_CSV_HEADER: Final = ",".join(COLUMNS) + "\r\n"
_CACHE_LIMIT = 50_000  # entries per memo below: a few MiB at most


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """Each row as one CSV record ending in CRLF (a quoted cell may hold line breaks).

    The same bytes as ``csv.writer`` with ``csv_field``'s cells, but fast: most columns
    repeat from row to row (a session's chat and lesson, a question's text, a member's
    names, a stance), so those groups of cells are encoded once and remembered.
    """
    field = csv_field
    walk_key: tuple[object, ...] | None = None
    walk_cells = ""
    questions: dict[tuple[object, ...], str] = {}
    members: dict[tuple[object, ...], str] = {}
    options: dict[tuple[int, ...], str] = {(): ""}
    flags: dict[tuple[object, ...], str] = {}
    key: tuple[object, ...]
    for row in rows:
        key = row[0:5]  # session_id .. lesson_version
        if key != walk_key:
            walk_key, walk_cells = key, ",".join(map(field, key))
        key = row[5:9]  # section .. question_text
        question_cells = questions.get(key)
        if question_cells is None:
            if len(questions) >= _CACHE_LIMIT:
                questions.clear()
            question_cells = questions[key] = ",".join(map(field, key))
        key = row[9:12]  # user_id, username, display_name
        member_cells = members.get(key)
        if member_cells is None:
            if len(members) >= _CACHE_LIMIT:
                members.clear()
            member_cells = members[key] = ",".join(map(field, key))
        option_cells = options.get(row[13])
        if option_cells is None:
            if len(options) >= _CACHE_LIMIT:
                options.clear()
            option_cells = options[row[13]] = field(row[13])
        key = row[14:18]  # correct, stance, retracted, via
        flag_cells = flags.get(key)
        if flag_cells is None:
            if len(flags) >= _CACHE_LIMIT:
                flags.clear()
            flag_cells = flags[key] = ",".join(map(field, key))
        yield (
            f"{walk_cells},{question_cells},{member_cells},{field(row[12])},{option_cells},"
            f"{flag_cells},{field(row[18])},{row[19]},{'true' if row[20] else 'false'},"
            f"{'' if row[21] is None else row[21]},{row[22]},{row[23]},{_homework_cells(row)}\r\n"
        )


def _homework_cells(row: ExportRow) -> str:
    """The homework columns' cells (all empty for an answer of no assignment)."""
    if row[24] is None:
        return ",,,,"
    return ",".join(map(csv_field, row[24:29]))


def json_object(row: ExportRow) -> dict[str, object]:
    """A row as the JSON object of one JSON Lines line (option_indexes as a list)."""
    values: dict[str, object] = dict(zip(COLUMNS, row, strict=True))
    values["option_indexes"] = list(row.option_indexes)
    return values


def write_csv(rows: Iterable[ExportRow], stream: IO[bytes]) -> int:
    """Write a BOM, the header and ``rows`` as spreadsheet-safe CSV; returns the row count."""
    stream.write(("\ufeff" + _CSV_HEADER).encode())
    return _write_batches(csv_lines(rows), stream)


def write_jsonl(rows: Iterable[ExportRow], stream: IO[bytes]) -> int:
    """Write one JSON object per line (UTF-8, LF); returns the row count."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return _write_batches((encode(json_object(row)) + "\n" for row in rows), stream)


def write_export(
    rows: Iterable[ExportRow],
    fmt: ExportFormat,
    stream: IO[bytes],
    lessons: LessonIndex | None = None,
) -> int:
    """Write ``rows`` to a binary stream as ``csv``, ``jsonl`` or ``xlsx`` (the grade book,
    which takes the lessons' questions from ``lessons``); returns the row count."""
    if fmt == "csv":
        return write_csv(rows, stream)
    if fmt == "jsonl":
        return write_jsonl(rows, stream)
    if fmt == "xlsx":
        # Imported here: the grade book builds on this module's rows and questions.
        from bot.gradebook import write_gradebook

        return write_gradebook(rows, lessons or LessonIndex(), stream)
    raise ValueError(f"unknown export format {fmt!r}")


def write_answers(
    connection: sqlite3.Connection,
    answer_filter: AnswerFilter,
    lessons: LessonIndex,
    fmt: ExportFormat,
    stream: IO[bytes],
    *,
    pseudonymizer: Pseudonymizer | None = None,
) -> int:
    """Stream the answers ``answer_filter`` selects from the database to ``stream``."""
    records = iter_answers(connection, answer_filter, lessons.order())
    return write_export(export_rows(records, lessons, pseudonymizer), fmt, stream, lessons)


_BATCH = 2000


def _write_batches(lines: Iterator[str], stream: IO[bytes]) -> int:
    """Write encoded lines in batches of ``_BATCH``; returns how many lines."""
    count = 0
    while batch := list(islice(lines, _BATCH)):
        stream.write("".join(batch).encode())
        count += len(batch)
    stream.flush()
    return count
