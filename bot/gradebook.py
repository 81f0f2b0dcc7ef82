"""The grade book: the export as an Excel workbook (``/export xlsx``, ``export --format xlsx``).

Three sheets, from the same rows as the CSV (``bot.export.export_rows``):

- **Students**: one row per member and session: name, score on the choice questions, each
  question's current answer (a choice marked ✓ or ✗, typed answers in full, a debate's stance
  and reason), then an empty Points and Comment column for the teacher.
- **Questions**: each question as students saw it ("Part 1 · Q3"), its prompt, the right
  answer or model answer, how many answered and the share right.
- **Answers**: the CSV's long format, one row per answer version, with real numbers,
  booleans and date-time cells (UTC: groups have no time zone yet; the header says so).

Every text is written as a string cell, never a formula or link, whatever it starts with.
Unlike CSV the workbook is built whole in memory: for logs of millions of answers, use CSV.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Final

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from bot import texts
from bot.export import COLUMNS, OPTION_SEPARATOR, ExportRow, LessonIndex
from bot.lessons import ChoiceQuestion, DebateQuestion, ShortQuestion

# Excel's last row is 1,048,576; the header takes one.
MAX_ROWS: Final = 1_048_575
_OPTIONS: Final = {
    "in_memory": True,
    # Texts stay texts: an answer "=1+1" or "https://..." is what the student typed.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
QuestionKey = tuple[str, str]  # (lesson id, question id)
MemberKey = tuple[int, int | str]  # (session, member id or pseudonym)


class TooManyRows(ValueError):
    """More answers than one worksheet holds."""


@dataclass
class _Member:
    name: str
    username: str | None
    session: int
    lesson: str
    answers: dict[QuestionKey, ExportRow] = field(default_factory=dict)


@dataclass
class _Styles:
    header: Format
    wrap: Format
    right: Format
    wrong: Format
    edited: Format
    share: Format
    moment: Format


def _styles(workbook: xlsxwriter.Workbook) -> _Styles:
    def add(**properties: Any) -> Format:
        return workbook.add_format({"valign": "top", **properties})

    # Light blue and light orange with ✓ and ✗: apart for colour-blind readers too.
    return _Styles(
        header=add(bold=True, text_wrap=True, bg_color="#E9ECEF", bottom=1),
        wrap=add(text_wrap=True),
        right=add(text_wrap=True, bg_color="#D6EAF8"),
        wrong=add(text_wrap=True, bg_color="#FBE3D0"),
        edited=add(text_wrap=True, italic=True),
        share=add(num_format="0%"),
        moment=add(num_format="yyyy-mm-dd hh:mm:ss"),
    )


def write_gradebook(rows: Iterable[ExportRow], lessons: LessonIndex, stream: IO[bytes]) -> int:
    """Write the workbook to ``stream``; returns how many answer rows it holds."""
    answers = list(rows)
    if len(answers) > MAX_ROWS:
        raise TooManyRows(
            f"{len(answers)} answers are more than one worksheet holds ({MAX_ROWS}): "
            "export csv instead, or fewer sessions"
        )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _OPTIONS)
    styles = _styles(workbook)
    # A debate's stance before the reading and its counter argument are rows of the Answers
    # sheet (phase, part); the students' and questions' sheets grade the usual answer.
    usual = [row for row in answers if not row.phase and row.part != "counter"]
    columns = _question_columns(usual, lessons)
    _students_sheet(
        workbook.add_worksheet(texts.GRADEBOOK_STUDENTS), usual, columns, lessons, styles
    )
    _questions_sheet(
        workbook.add_worksheet(texts.GRADEBOOK_QUESTIONS), usual, columns, lessons, styles
    )
    _answers_sheet(workbook.add_worksheet(texts.GRADEBOOK_ANSWERS), answers, styles)
    workbook.close()
    stream.write(buffer.getvalue())
    stream.flush()
    return len(answers)


def _question_columns(answers: Sequence[ExportRow], lessons: LessonIndex) -> list[QuestionKey]:
    """Every question of the exported sessions' lessons in lesson order (one unanswered too),
    then questions the lesson files no longer have, as the rows name them."""
    columns: dict[QuestionKey, None] = {}
    for row in answers:
        lesson = lessons.lessons.get(row.lesson_id)
        if lesson is not None and (row.lesson_id, lesson.questions()[0].id) not in columns:
            columns.update(dict.fromkeys((lesson.id, q.id) for q in lesson.questions()))
    for row in answers:
        columns.setdefault((row.lesson_id, row.question_id), None)
    return list(columns)


def _current(answers: Sequence[ExportRow]) -> dict[MemberKey, _Member]:
    """Each member's newest version of each answer, per session (a history export holds
    every version, in version order)."""
    members: dict[MemberKey, _Member] = {}
    for row in answers:
        key = (row.session_id, row.user_id)
        member = members.get(key)
        if member is None:
            member = members[key] = _Member(
                row.display_name, row.username, row.session_id, row.lesson_id
            )
        member.answers[(row.lesson_id, row.question_id)] = row
    return members


def _heading(key: QuestionKey, lessons: LessonIndex, several_lessons: bool) -> str:
    info = lessons.get(*key)
    heading = f"{info.label}: {info.text}" if info is not None else key[1]
    return f"{key[0]} · {heading}" if several_lessons else heading


def _students_sheet(
    sheet: Worksheet,
    answers: Sequence[ExportRow],
    columns: Sequence[QuestionKey],
    lessons: LessonIndex,
    styles: _Styles,
) -> None:
    lessons_shown = len({lesson for lesson, _ in columns}) > 1
    fixed = texts.GRADEBOOK_STUDENT_COLUMNS  # name, username, session, lesson, right, of
    headings = [
        *fixed,
        *(_heading(key, lessons, lessons_shown) for key in columns),
        *texts.GRADEBOOK_TEACHER_COLUMNS,
    ]
    for col, heading in enumerate(headings):
        sheet.write_string(0, col, heading, styles.header)
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 1, 18)
    sheet.set_column(2, len(fixed) - 1, 10)
    sheet.set_column(len(fixed), len(fixed) + len(columns) - 1, 30)
    sheet.set_column(len(fixed) + len(columns), len(headings) - 1, 14)
    for line, member in enumerate(_current(answers).values(), 1):
        right = sum(1 for row in member.answers.values() if row.correct and not row.retracted)
        lesson = lessons.lessons.get(member.lesson)
        choices = (
            sum(isinstance(q, ChoiceQuestion) for q in lesson.questions())
            if lesson is not None
            else sum(row.question_type == "choice" for row in member.answers.values())
        )
        sheet.write_string(line, 0, member.name)
        if member.username:
            sheet.write_string(line, 1, "@" + member.username)
        sheet.write_number(line, 2, member.session)
        sheet.write_string(line, 3, member.lesson)
        sheet.write_number(line, 4, right)
        sheet.write_number(line, 5, choices)
        for offset, key in enumerate(columns, len(fixed)):
            found = member.answers.get(key)
            if found is not None:
                _answer_cell(sheet, line, offset, found, styles)


def _answer_cell(sheet: Worksheet, line: int, col: int, row: ExportRow, styles: _Styles) -> None:
    """One current answer: a choice marked ✓ or ✗, a typed answer in full, a stance and its
    reason; an answer changed after its feedback is in italics with a note."""
    if row.retracted:
        sheet.write_string(line, col, texts.GRADEBOOK_WITHDRAWN, styles.wrap)
        return
    style = styles.wrap
    shown = row.answer or ""
    if row.question_type == "choice" and row.correct is not None:
        shown = f"{'✓' if row.correct else '✗'} {shown}".rstrip()
        style = styles.right if row.correct else styles.wrong
    elif row.stance:
        shown = f"{row.stance} — {shown}" if shown else row.stance
    if row.edited_after_feedback:
        style = styles.edited
    sheet.write_string(line, col, shown, style)
    if row.edited_after_feedback:
        sheet.write_comment(line, col, texts.GRADEBOOK_EDITED_NOTE)


def _questions_sheet(
    sheet: Worksheet,
    answers: Sequence[ExportRow],
    columns: Sequence[QuestionKey],
    lessons: LessonIndex,
    styles: _Styles,
) -> None:
    for col, heading in enumerate(texts.GRADEBOOK_QUESTION_COLUMNS):
        sheet.write_string(0, col, heading, styles.header)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 2, 14)
    sheet.set_column(3, 4, 50)
    sheet.set_column(5, 7, 11)
    by_question: dict[QuestionKey, list[ExportRow]] = {}
    for member in _current(answers).values():
        for key, row in member.answers.items():
            by_question.setdefault(key, []).append(row)
    for line, key in enumerate(columns, 1):
        info = lessons.get(*key)
        lesson = lessons.lessons.get(key[0])
        question = lesson.question(key[1]) if lesson is not None else None
        given = by_question.get(key, [])
        standing = [row for row in given if not row.retracted]
        sheet.write_string(line, 0, key[0])
        sheet.write_string(line, 1, info.label if info is not None else key[1])
        sheet.write_string(line, 2, question.type if question else given[0].question_type)
        sheet.write_string(line, 3, info.text if info is not None else "", styles.wrap)
        expected = _expected(question)
        if expected:
            sheet.write_string(line, 4, expected, styles.wrap)
        sheet.write_number(line, 5, len(standing))
        scored = question is None and any(row.correct is not None for row in given)
        if isinstance(question, ChoiceQuestion) or scored:
            right = sum(1 for row in standing if row.correct)
            sheet.write_number(line, 6, right)
            if standing:
                sheet.write_number(line, 7, right / len(standing), styles.share)


def _expected(question: object) -> str | None:
    if isinstance(question, ChoiceQuestion):
        return OPTION_SEPARATOR.join(question.correct_options)
    if isinstance(question, ShortQuestion):
        return question.model_answer
    if isinstance(question, DebateQuestion):
        return None  # a debate has no right answer
    return None


def _answers_sheet(sheet: Worksheet, answers: Sequence[ExportRow], styles: _Styles) -> None:
    when = COLUMNS.index("answered_at")
    for col, name in enumerate(COLUMNS):
        heading = texts.GRADEBOOK_TIME_HEADING if col == when else name
        sheet.write_string(0, col, heading, styles.header)
    sheet.write_comment(0, when, texts.GRADEBOOK_TIME_NOTE)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(COLUMNS) - 1, 14)
    sheet.set_column(when, when, 20)
    for line, row in enumerate(answers, 1):
        for col, value in enumerate(row):
            if col == when:
                sheet.write_datetime(line, col, _moment(row.answered_at), styles.moment)
            elif isinstance(value, bool):
                sheet.write_boolean(line, col, value)
            elif isinstance(value, int):
                sheet.write_number(line, col, value)
            elif isinstance(value, str):
                sheet.write_string(line, col, value)
            elif isinstance(value, tuple) and value:
                sheet.write_string(line, col, ",".join(map(str, value)))


def _moment(stored: str) -> dt.datetime:
    """A stored UTC time as Excel takes it: without a zone (the heading says UTC)."""
    return dt.datetime.fromisoformat(stored).astimezone(dt.UTC).replace(tzinfo=None)
