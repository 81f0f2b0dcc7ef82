"""Homework in exports, over the real bot: a member's answers to an assignment made with
``late`` (one by the deadline, one after it) carry the assignment's id, its deadline, the
member's start and finish and a ``late`` flag, in ``python -m bot export`` (filtered with
``--assignment``) and in the group's ``/export all``; ``python -m bot sessions`` lists the
homework with its counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.actors import DB_NAME, Group, Moderator, rows, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stories import (
    HOMEWORK_LESSON,
    assigns,
    closing,
    stops_halfway,
)


async def one_late_answer(standin: BotApiStandIn, tmp_path: Path) -> Group:
    """A group whose homework (late answers taken) a member answered once on time and once
    after the deadline, finishing it late; its moderator has had their report."""
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    ada = Moderator(standin, room)
    async with running_bot(settings):
        post = await assigns(room, "4s late")
        student = await stops_halfway(standin, room.members[0], post)
        await closing(room, post)
        student.says("Late but here")
        assert "Saved your answer" in text(await student.reads())
        await ada.reads()  # the report at the close
        await ada.reads()  # its chart
    return room


def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    db, prompts = tmp_path / DB_NAME, tmp_path / "prompts"
    code = main(
        [
            args[0],
            "--db",
            str(db),
            *(["--prompts", str(prompts)] if args[0] == "export" else []),
            *args[1:],
        ]
    )
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_the_cli_export_carries_the_homework_and_filters_by_it(
    standin: BotApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    room = await one_late_answer(standin, tmp_path)
    member = room.members[0]
    deadline = value(tmp_path, "SELECT deadline FROM assignments")
    started, finished = rows(tmp_path, "SELECT started_at, ended_at FROM walks WHERE id = 1")[0]
    assert finished is not None and finished > deadline  # finished late
    code, out, err = cli(capsys, tmp_path, "export", "--format", "jsonl", "--assignment", "1")
    assert (code, err) == (0, "")
    exported = [json.loads(line) for line in out.splitlines()]
    homework = [
        (r["question_id"], r["user_id"], r["assignment_id"], r["deadline"], r["late"])
        for r in exported
    ]
    assert homework == [
        ("pick", member.id, 1, deadline, False),
        ("say", member.id, 1, deadline, True),
    ]
    assert {(r["started_at"], r["finished_at"]) for r in exported} == {(started, finished)}
    # CSV: the same, as text cells, last in each row.
    code, out, _ = cli(capsys, tmp_path, "export", "--assignment", "1")
    table = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert list(table[0])[-5:] == ["assignment_id", "deadline", "started_at", "finished_at", "late"]
    assert [(r["assignment_id"], r["late"]) for r in table] == [("1", "false"), ("1", "true")]
    # A homework number that is not there: refused, nothing written; a word: a usage error.
    code, out, err = cli(capsys, tmp_path, "export", "--format", "jsonl", "--assignment", "2")
    assert (code, out) == (2, "") and err.startswith("error: no homework 2 in this database")
    code, _, err = cli(capsys, tmp_path, "export", "--assignment", "one")
    assert code == 2 and "--assignment" in err


async def test_sessions_lists_the_homework(
    standin: BotApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await one_late_answer(standin, tmp_path)
    code, out, _ = cli(capsys, tmp_path, "sessions")
    assert code == 0
    sessions, homework = out.split("\n\n")
    assert "private" in sessions  # the member's attempt, a private session
    lines = homework.splitlines()
    assert lines[0].split("  ")[0] == "homework" and lines[0].split()[-1] == "late"
    cells = lines[2].split()
    assert cells[0] == "1" and cells[1] == str(value(tmp_path, "SELECT chat_id FROM assignments"))
    assert "closed (late ok)" in lines[2]
    assert cells[-4:] == ["1", "0", "2", "1"]  # done, started, answers, late


async def test_the_groups_export_holds_its_homework(standin: BotApiStandIn, tmp_path: Path) -> None:
    room = await one_late_answer(standin, tmp_path)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    ada = Moderator(standin, room)
    async with running_bot(settings):
        room.says(room.admin, "/export all")
        delivered = await ada.reads()
    assert delivered.document is not None
    table = list(csv.DictReader(io.StringIO(delivered.document.data.decode("utf-8-sig"))))
    assert [(r["question_id"], r["assignment_id"], r["late"]) for r in table] == [
        ("pick", "1", "false"),
        ("say", "1", "true"),
    ]
