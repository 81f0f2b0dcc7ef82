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
null, ``option_indexes`` as a list of ints), non-ASCII kept as is.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Final, Literal, NamedTuple

from bot.lesson_loader import LessonCatalog
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.storage_exports import AnswerFilter, RawAnswer, iter_answers

ExportFormat = Literal["csv", "jsonl"]
AnyQuestion = ChoiceQuestion | ShortQuestion | DebateQuestion
FORMATS: Final[tuple[ExportFormat, ...]] = ("csv", "jsonl")
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
)


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


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the lesson file says about a question, looked up once per question."""

    position: int  # its place among all the lesson's questions, from 0
    section: int | str  # 1-based section number, or "discussion"
    text: str
    options: tuple[str, ...]  # a choice question's options, a debate's stances
    lesson_version: str

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

    __slots__ = ("questions",)

    def __init__(self, lessons: Iterable[Lesson] = ()) -> None:
        self.questions: dict[tuple[str, str], QuestionInfo] = {}
        for lesson in lessons:
            groups: list[tuple[int | str, Sequence[AnyQuestion]]] = [
                (number, section.questions) for number, section in enumerate(lesson.sections, 1)
            ]
            groups.append((DISCUSSION, lesson.discussion))
            position = 0
            for section, questions in groups:
                for question in questions:
                    self.questions[(lesson.id, question.id)] = _question_info(
                        question, position, section, lesson.version
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
    question: AnyQuestion, position: int, section: int | str, lesson_version: str
) -> QuestionInfo:
    options: tuple[str, ...] = ()
    if isinstance(question, ChoiceQuestion):
        options = question.options
    elif isinstance(question, DebateQuestion):
        options = question.stances
    return QuestionInfo(position, section, question.prompt, options, lesson_version)


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
    parsed: dict[str, tuple[int, ...]] = {"": ()}
    for (
        walk_id,
        chat_id,
        chat_title,
        chat_type,
        lesson_id,
        lesson_version,
        question_id,
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
    ) in records:
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
        yield ExportRow(
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
        )


def neutralize(text: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_CSV_BOOL: Final[dict[bool | None, str | None]] = {True: "true", False: "false", None: None}


def _csv_text(value: str | int | None) -> str | int | None:
    return neutralize(value) if isinstance(value, str) else value


def csv_cells(row: ExportRow) -> tuple[object, ...]:
    """A row as CSV cells: texts neutralised, booleans as true/false, None as empty."""
    return (
        row.session_id,
        _csv_text(row.chat_id),
        _csv_text(row.chat_title),
        _csv_text(row.lesson_id),
        _csv_text(row.lesson_version),
        row.section,
        _csv_text(row.question_id),
        row.question_type,
        _csv_text(row.question_text),
        _csv_text(row.user_id),
        _csv_text(row.username),
        _csv_text(row.display_name),
        _csv_text(row.answer),
        ",".join(map(str, row.option_indexes)),
        _CSV_BOOL[row.correct],
        _csv_text(row.stance),
        _CSV_BOOL[row.retracted],
        row.via,
        row.answered_at,
        row.version,
    )


def json_object(row: ExportRow) -> dict[str, object]:
    """A row as the JSON object of one JSON Lines line (option_indexes as a list)."""
    values = row._asdict()
    values["option_indexes"] = list(row.option_indexes)
    return values


def write_csv(rows: Iterable[ExportRow], stream: IO[bytes]) -> int:
    """Write a header and ``rows`` as spreadsheet-safe CSV; returns the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=False)
    try:
        text.write("\ufeff")
        writer = csv.writer(text)  # the excel dialect: CRLF, quoting only where needed
        writer.writerow(COLUMNS)
        return _in_batches(rows, lambda batch: writer.writerows(map(csv_cells, batch)))
    finally:
        text.flush()
        text.detach()


def write_jsonl(rows: Iterable[ExportRow], stream: IO[bytes]) -> int:
    """Write one JSON object per line (UTF-8, LF); returns the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    try:
        return _in_batches(
            rows, lambda batch: text.writelines(encode(json_object(row)) + "\n" for row in batch)
        )
    finally:
        text.flush()
        text.detach()


def write_export(rows: Iterable[ExportRow], fmt: ExportFormat, stream: IO[bytes]) -> int:
    """Write ``rows`` to a binary stream as ``csv`` or ``jsonl``; returns the row count."""
    if fmt == "csv":
        return write_csv(rows, stream)
    if fmt == "jsonl":
        return write_jsonl(rows, stream)
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
    return write_export(export_rows(records, lessons, pseudonymizer), fmt, stream)


_BATCH = 1000


def _in_batches(rows: Iterable[ExportRow], write: Callable[[list[ExportRow]], object]) -> int:
    iterator = iter(rows)
    count = 0
    while batch := list(islice(iterator, _BATCH)):
        write(batch)
        count += len(batch)
    return count
