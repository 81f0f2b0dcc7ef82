"""Issue 13, the grade book: /export xlsx (in a group and in a private chat, with "all" and
"history"), ``python -m bot export --format xlsx``, answers changed after their feedback
flagged, and file names that say what they hold and every system takes. The workbook is
opened with openpyxl, as Excel would, and its cells' types checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot import gradebook, texts
from bot.__main__ import main
from bot.export import ExportRow, LessonIndex
from bot.gradebook import write_gradebook
from bot.handlers.reports import ExportArgs, parse_export_args
from bot.telegram_export import NAME_BYTES, export_file_name
from tests.actors import FLOOD_WINDOW, SMALL_LESSON, Group, Moderator, Student, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

TITLE = "2-3 English: Reading/영어 독해반 📚"
FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def table(book: Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


async def run_session(room: Group) -> None:
    """Three members answer; M0 then changes their typed answer (a second version)."""
    _, (one, _two, quiz) = await room.posts_first_questions()
    m0, m1, m2 = room.members
    await room.presses(m0, one, "Right")
    await room.presses(m1, one, "Wrong")
    room.standin.vote(m0, quiz, [0])
    room.standin.vote(m2, quiz, [1])
    room.says(room.admin, "/next")
    short = await room.reads()
    typed = room.standin.reply(m0, short, "=cmd|' /C calc'!A0")
    room.standin.reply(m1, short, "Line one\nline two — 한국어")
    await room.barrier()
    room.standin.edit_text(m0, typed, "=cmd|' /C calc'!A0 (and more)")
    await room.barrier()


async def test_a_grade_book_asked_for_in_the_group_waits_for_start(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, TITLE)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        room.says(room.admin, "/export xlsx")
        assert "have not started a chat with me" in text(await room.reads())
        admin = Moderator(standin, room)
        admin.says("/start deliver")
        delivered = await admin.reads()
    document = delivered.document
    assert document is not None and document.file_name is not None
    today = dt.datetime.now(dt.UTC).date().isoformat()
    # The group, the lesson and the session's day; what no system takes gone.
    assert document.file_name == f"2-3 English Reading 영어 독해반 📚_A mini & lesson_{today}.xlsx"
    assert "the latest session" in text(delivered) and "(xlsx)" in text(delivered)
    book = workbook(document.data)
    assert book.sheetnames == ["Students", "Questions", "Answers"]

    students = {row["Name"]: row for row in table(book, "Students")}
    assert set(students) == {"M0", "M1", "M2"}
    m0, m1 = students["M0"], students["M1"]
    assert (m0["Username"], m0["Right (choice)"], m0["Choice questions"]) == ("@m0", 2, 3)
    assert (m1["Right (choice)"], students["M2"]["Right (choice)"]) == (0, 0)
    assert isinstance(m0["Session"], int)
    assert m0["Part 1 · Q1: Which is right?"] == "✓ Right"
    assert m1["Part 1 · Q1: Which is right?"] == "✗ Wrong"
    assert m0["Part 1 · Q3: Quiz?"] == "✓ It is"
    assert students["M2"]["Part 1 · Q3: Quiz?"] == "✗ It is not"
    # Typed answers in full, as typed: its newest version, a text and never a formula.
    assert m0["Discussion · Q1: Say something."] == "=cmd|' /C calc'!A0 (and more)"
    assert m1["Discussion · Q1: Say something."] == "Line one\nline two — 한국어"
    sheet = book["Students"]
    header = [cell.value for cell in sheet[1]]
    assert header[-2:] == ["Points", "Comment"]
    for row in sheet.iter_rows(min_row=2):
        typed = row[header.index("Discussion · Q1: Say something.")]
        assert typed.data_type == "s" or typed.value is None
        assert row[-2].value is None and row[-1].value is None

    questions = {row["Question"]: row for row in table(book, "Questions")}
    assert list(questions) == [
        "Part 1 · Q1",
        "Part 1 · Q2",
        "Part 1 · Q3",
        "Discussion · Q1",
    ]
    first = questions["Part 1 · Q1"]
    assert (first["Prompt"], first["Right answer or model answer"]) == ("Which is right?", "Right")
    assert (first["Answered"], first["Right"], first["Share right"]) == (2, 1, 0.5)
    assert questions["Part 1 · Q2"]["Right answer or model answer"] == "A | C"
    assert questions["Discussion · Q1"]["Share right"] is None

    answers = table(book, "Answers")
    assert len(answers) == 6  # current answers only
    for answer in answers:
        assert isinstance(answer["answered_at (UTC)"], dt.datetime)
        assert isinstance(answer["user_id"], int) and isinstance(answer["chat_id"], int)
        assert isinstance(answer["version"], int) and answer["edited_after_feedback"] is False
        assert answer["correct"] in (True, False, None)
        assert isinstance(answer["retracted"], bool)
    note = book["Answers"]["S1"].comment  # the time zone, said in the header
    assert note is not None and "UTC" in note.text


async def test_history_and_every_session_from_a_private_chat(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, TITLE)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        admin = Moderator(standin, room)
        await admin.opens_chat()
        admin.says("/export history all xlsx")
        choose = await admin.reads()
        standin.press(room.admin, choose, room.chat.title or "")
        delivered = await admin.reads()
        admin.says("/export csv history")
        standin.press(room.admin, await admin.reads(), room.chat.title or "")
        as_csv = await admin.reads()
        admin.says("/export pdf")
        usage = text(await admin.reads())
    document = delivered.document
    assert document is not None and document.file_name is not None
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert (
        document.file_name
        == f"2-3 English Reading 영어 독해반 📚_all sessions_{today}_history.xlsx"
    )
    assert "all sessions, every version" in text(delivered)
    answers = table(workbook(document.data), "Answers")
    typed = [row for row in answers if row["question_id"] == "say" and row["username"] == "m0"]
    assert [row["version"] for row in typed] == [1, 2]
    students = {row["Name"]: row for row in table(workbook(document.data), "Students")}
    # The grade book's Students sheet shows the newest version.
    assert students["M0"]["Discussion · Q1: Say something."] == "=cmd|' /C calc'!A0 (and more)"
    assert as_csv.document is not None and as_csv.document.file_name is not None
    assert as_csv.document.file_name.endswith("_history.csv")
    assert as_csv.document.data.decode("utf-8-sig").count("\r\n") == 8  # header + 7 versions
    assert "xlsx" in usage and "history" in usage


async def reads_until(student: Student, words: str) -> None:
    for _ in range(5):
        if words in text(await student.reads()):
            return
    raise AssertionError(f"never said {words!r}")


EDITED_LESSON = """\
id: edited
title: Second thoughts
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: think
        type: short
        prompt: What do you think?
        model_answer: That it depends.
      - id: later
        type: short
        prompt: And later?
"""


async def test_an_answer_changed_after_its_model_answer_is_flagged(
    standin: BotApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(standin, tmp_path, EDITED_LESSON)
    async with running_bot(settings):
        student = Student(standin)
        await student.begins_lesson()
        first = student.says("I have no idea")
        await reads_until(student, "That it depends.")  # the model answer
        standin.edit_text(student.user, first, "It depends, of course")
        await reads_until(student, texts.ANSWER_UPDATED)
    out = tmp_path / "book.xlsx"
    args = ["export", "--db", str(settings.db_path), "--prompts", str(settings.prompts_dir)]
    assert main([*args, "--format", "xlsx", "--history", "--out", str(out)]) == 0
    capsys.readouterr()
    book = load_workbook(out)
    flags = [(r["version"], r["edited_after_feedback"]) for r in table(book, "Answers")]
    assert flags == [(1, False), (2, True)]
    cell = book["Students"]["G2"]
    assert cell.value == "It depends, of course"
    assert cell.comment is not None and "feedback" in cell.comment.text
    assert main([*args, "--format", "csv"]) == 0
    csv_out = capsys.readouterr().out
    assert ",version,edited_after_feedback,self_check" in csv_out.splitlines()[0]
    (row,) = csv.DictReader(io.StringIO(csv_out.lstrip("\ufeff")))
    assert (row["version"], row["edited_after_feedback"], row["self_check"]) == ("2", "true", "")
    assert csv_out.splitlines()[0].endswith(
        ",self_check,phase,part,assignment_id,deadline,started_at,finished_at,late"
    )
    assert [row[k] for k in ("assignment_id", "deadline", "late")] == ["", "", ""]  # no homework


@pytest.mark.parametrize(
    ("group", "lesson", "expected"),
    [
        ("Room", "A lesson", "Room_A lesson_2026-12-01.xlsx"),
        ('a/b\\c:d*e?f"g<h>i|j', "x", "a b c d e f g h i j_x_2026-12-01.xlsx"),
        ("영어 독해반 📚", "日本語: 中文", "영어 독해반 📚_日本語 中文_2026-12-01.xlsx"),
        ("CON", "nul.txt", "_CON__nul.txt_2026-12-01.xlsx"),
        ("...", "\u200b\u202e\x00", "group_lesson_2026-12-01.xlsx"),
        ("  tabs\tand\nlines  ", "end. ", "tabs and lines_end_2026-12-01.xlsx"),
    ],
)
def test_file_names_every_system_takes(group: str, lesson: str, expected: str) -> None:
    assert export_file_name(group, lesson, "2026-12-01", "xlsx", history=False) == expected


def test_a_long_title_is_cut_to_a_name_every_system_takes() -> None:
    for group in ["G" * 300, "영" * 300, "📚" * 300]:
        name = export_file_name(group, "한" * 300, "2026-12-01", "xlsx", history=True)
        assert len(name.encode()) <= NAME_BYTES
        assert name.endswith("_2026-12-01_history.xlsx")
        assert not FORBIDDEN & set(name)
        assert name[0] != "." and name[:1] == group[:1]


def test_export_words() -> None:
    assert parse_export_args([]) == ExportArgs("csv", False, False)
    assert parse_export_args(["XLSX", "history", "all"]) == ExportArgs("xlsx", True, True)
    assert parse_export_args(["jsonl"]) == ExportArgs("jsonl", False, False)
    assert parse_export_args(["pdf"]) is None
    # No homework number either (that is /report 3, the dashboard's or the CLI's
    # --assignment): /export answers with its usage, after saying so (tests/test_reports.py).
    assert parse_export_args(["3"]) is None
    # The glossary lookups: csv or jsonl, no versions (as the CLI's --lookups).
    assert parse_export_args(["lookups"]) == ExportArgs("csv", False, False, lookups=True)
    assert parse_export_args(["JSONL", "Lookups"]) == ExportArgs("jsonl", False, False, True)
    assert parse_export_args(["lookups", "xlsx"]) is None
    assert parse_export_args(["lookups", "history"]) is None


def test_a_lesson_gone_from_the_files_and_pseudonyms_still_make_a_grade_book() -> None:
    rows = [
        ExportRow(3, "u-1", None, "gone", "v", None, "q9", "choice", None, "u-2", None,
                  "Member 1a2b3c", "Old option", (1,), False, None, False, "button",
                  "2026-11-01T09:00:10.133Z", 1),
        ExportRow(3, "u-1", None, "gone", "v", None, "q8", "short", None, "u-2", None,
                  "Member 1a2b3c", "+1 typed", (), None, None, False, "text",
                  "2026-11-01T09:01:10.133Z", 1),
    ]  # fmt: skip
    stream = io.BytesIO()
    assert write_gradebook(rows, LessonIndex(), stream) == 2
    book = workbook(stream.getvalue())
    [student] = table(book, "Students")
    assert (student["Name"], student["q9"], student["q8"], student["Choice questions"]) == (
        "Member 1a2b3c",
        "✗ Old option",
        "+1 typed",
        1,
    )
    questions = table(book, "Questions")
    assert [(q["Question"], q["Type"], q["Share right"]) for q in questions] == [
        ("q9", "choice", 0),
        ("q8", "short", None),
    ]
    answers = table(book, "Answers")
    assert [a["user_id"] for a in answers] == ["u-2", "u-2"]


def test_more_rows_than_a_worksheet_holds_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gradebook, "MAX_ROWS", 1)
    row = ExportRow(1, 1, None, "l", "v", None, "q", "short", None, 1, None, "A", "x", (),
                    None, None, False, "text", "2026-11-01T09:00:10.133Z", 1)  # fmt: skip
    with pytest.raises(gradebook.TooManyRows, match="export csv instead"):
        write_gradebook([row, row], LessonIndex(), io.BytesIO())
