"""The export's pieces the bot reuses: CSV lines, writing one chat's answers, batched rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.export import (
    ExportRow,
    LessonIndex,
    csv_cells,
    csv_field,
    csv_lines,
    export_rows,
    write_answers,
    write_export,
)
from bot.export_cli import _moment, sessions_table
from bot.lessons.load import load_lessons
from bot.storage import Storage
from bot.storage.exports import (
    AnswerFilter,
    ExportSourceError,
    iter_answers,
    list_sessions,
    open_readonly,
)
from tests.conftest import PROMPTS
from tests.export_support import ANA, ZOE, Golden, Recorder, SteppingClock, day, parse_jsonl

BASE_ROW = ExportRow(
    session_id=1,
    chat_id=-5,
    chat_title="t",
    lesson_id="l",
    lesson_version="v",
    section=1,
    question_id="q",
    question_type="short",
    question_text="t",
    user_id=7,
    username="t",
    display_name="t",
    answer="t",
    option_indexes=(0, 2),
    correct=None,
    stance="t",
    retracted=False,
    via="text",
    answered_at="2026-11-01T00:00:00.000Z",
    version=1,
)


def test_csv_lines_match_the_csv_module() -> None:
    texts = ["", "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=x", "-1", "@", "\t", " "]
    rows = [
        BASE_ROW._replace(
            chat_title=t, question_text=t, username=t, display_name=t, answer=t, stance=t
        )
        for t in texts
    ]
    rows.append(
        BASE_ROW._replace(
            chat_id="u-abc",
            chat_title=None,
            section=None,
            question_text=None,
            user_id="u-abc",
            username=None,
            answer=None,
            option_indexes=(),
            correct=True,
            stance=None,
            retracted=True,
        )
    )
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(csv_cells(row) for row in rows)
    assert "".join(csv_lines(rows)) == expected.getvalue()
    assert csv_field("=x") == "'=x" and csv_field(True) == "true" and csv_field(None) == ""
    assert csv_field((0, 2)) == '"0,2"' and csv_field(-3) == "-3"


async def test_write_answers_for_one_chat_with_the_shipped_lesson(tmp_path: Path) -> None:
    """The bot's future /export: one chat, from an open read-only connection, to bytes."""
    catalog, problems = load_lessons([PROMPTS])
    assert problems == []
    lesson = catalog.get("biegun-seoul-2020")
    assert lesson is not None
    db = tmp_path / "bot.sqlite3"
    storage = await Storage.open(db, clock=SteppingClock(day(5)))
    record = Recorder(storage)
    try:
        walk = await storage.start_walk(
            chat_id=-42,
            chat_type="group",
            chat_title="Seoul readers",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(walk, ZOE, "seoul-on-its-own", "debate", "button", stance="Disagree")
        await record(walk, ZOE, "ffvd-meaning", "short", "reply", answer_text="Final, fully…")
        await record(
            walk, ZOE, "biegun-role", "choice", "poll", option_indexes=(0,), is_correct=True
        )
        other = await storage.start_walk(
            chat_id=-43,
            chat_type="group",
            chat_title="Other",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(other, ANA, "ffvd-meaning", "short", "reply", answer_text="not this chat")
    finally:
        await storage.close()

    stream = io.BytesIO()
    connection = open_readonly(db)
    try:
        count = write_answers(
            connection,
            AnswerFilter(chat_id=-42),
            LessonIndex.from_catalog(catalog),
            "jsonl",
            stream,
        )
    finally:
        connection.close()
    rows = parse_jsonl(stream.getvalue())
    assert count == len(rows) == 3
    assert [(r["question_id"], r["section"]) for r in rows] == [
        ("biegun-role", 1),
        ("ffvd-meaning", 1),
        ("seoul-on-its-own", "discussion"),
    ]
    assert rows[0]["question_text"] == "Who is Stephen Biegun, according to the editorial?"
    assert rows[0]["answer"] == (
        "The U.S. Deputy Secretary of State and Special Representative for North Korea"
    )
    assert rows[2]["stance"] == "Disagree" and rows[2]["answer"] is None


async def test_rows_stream_in_batches(golden: Golden) -> None:
    connection = open_readonly(golden.db)
    try:
        lessons = LessonIndex([golden.lesson])
        records = iter_answers(
            connection, AnswerFilter(history=True), lessons.order(), batch_size=3
        )
        assert isinstance(records, Iterator)
        first = next(records)
        assert first[0] == 1 and first[6] == "pick-one"
        rest = list(records)
        assert len(rest) == 18
        rows = list(export_rows(iter_answers(connection, AnswerFilter(), lessons.order()), lessons))
        assert all(isinstance(row, ExportRow) for row in rows) and len(rows) == 16
        out = io.BytesIO()
        assert write_export(rows, "csv", out) == 16
        with pytest.raises(ValueError, match="unknown export format"):
            write_export(rows, "xml", io.BytesIO())  # type: ignore[arg-type]
        summaries = list_sessions(connection)
    finally:
        connection.close()
    assert [(s.walk_id, s.answers, s.members) for s in summaries] == [
        (3, 2, 1),
        (1, 9, 5),  # the withdrawn vote is not counted
        (4, 2, 1),
        (2, 2, 1),
    ]
    assert "(no chats yet)" in sessions_table([])


def test_open_readonly_refuses_what_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(ExportSourceError, match="no database"):
        open_readonly(tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("day", ["2026-11-30", "20261130"])
def test_a_day_in_either_iso_form_is_the_whole_day(day: str) -> None:
    # ISO 8601's basic form used to be read as the day's first millisecond.
    assert _moment("--until", day) == (dt.datetime(2026, 11, 30, tzinfo=dt.UTC), True)
