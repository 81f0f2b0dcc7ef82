"""Issue 13, the report for grading: /report ends with a block per student (score on the
choice questions asked, typed answers counted and shown in full, the questions missed), by
display name (the @username only for two equal names), questions labelled as students saw
them, a debate counted only with its reason, times in the group's zone said once. Self-checks
exist only for private attempts: the report says where they are, /myanswers and the export
show them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import zoneinfo
from contextlib import closing
from pathlib import Path

import pytest

from bot import texts
from bot.__main__ import main
from bot.lessons.load import load_lesson_file
from bot.render import reports as render_reports
from bot.render.fit import MESSAGE_LIMIT, visible_length
from bot.results import Member, session_results, shown_names, student_results
from bot.storage import StoredAnswer, Walk
from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Moderator,
    Student,
    html,
    rows,
    settings_for,
    text,
    write_lesson,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

GRADED = """\
id: graded
title: Graded
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: pick-one
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
      - id: quiz
        type: choice
        prompt: Quiz?
        options: [It is, It is not]
        answer: It is
      - id: say
        type: short
        prompt: Say something.
      - id: stand
        type: debate
        prompt: Do you agree?
        stances: [Agree, Disagree]
discussion:
  - id: later
    type: short
    prompt: Never posted.
"""

# A typed answer longer than a message: the report carries it whole, over several messages.
LONG_ANSWER = "\n".join(f"Line {i:02d} of a long answer, & <kept> as typed." for i in range(80))


async def report_texts(admin: Moderator) -> list[str]:
    """The report's text messages, up to its chart."""
    said = []
    while (message := await admin.reads()).photo is None:
        said.append(text(message))
    return said


def block_of(body: str, name: str) -> str:
    """One student's block: from its 👤 line to the next blank line."""
    start = body.index(f"👤 {name} —")
    end = body.find("\n\n", start)
    return body[start : end if end >= 0 else None]


async def test_the_report_has_a_block_per_student_for_grading(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=0)
    ana_k = standin.user("Ana", username="ana_k")
    ana_b = standin.user("Ana", username="ana_b")
    bo = standin.user("Bo", username="bo")
    room.members = [ana_k, ana_b, bo]
    room.chat = standin.group("Room", members=room.members, admins=[room.admin])
    settings = settings_for(standin, tmp_path, GRADED)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/timezone Asia/Seoul")
        assert "Asia/Seoul" in text(await room.reads())
        _, (one, quiz, say, stand) = await room.posts_first_questions(4)
        await room.presses(ana_k, one, "Right")
        standin.vote(ana_k, quiz, [0])
        standin.reply(ana_k, say, LONG_ANSWER)
        await room.presses(ana_k, stand, "Agree")
        standin.reply(ana_k, stand, "because reasons")
        await room.presses(ana_b, one, "Wrong")
        await room.presses(ana_b, stand, "Disagree")  # a stance, never a reason
        await room.barrier()
        # Bo answers the group's short question privately, through its link.
        student = Student(standin, user=bo)
        await student.opens_link(say)
        student.says("my private words")
        assert "Saved your answer for" in text(await student.reads())
        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.admin, "/report")
        await room.reads()
        said = await report_texts(admin)
    assert len(said) > 1 and all(visible_length(part) <= MESSAGE_LIMIT for part in said)
    body = "\n\n".join(said)
    # Display names; the @username only where two are alike.
    assert "Participants (3): Ana (@ana_k), Ana (@ana_b), Bo\n" in body
    assert "@bo" not in body
    # Questions as students saw them; a stance without a reason is not an answer.
    assert "Part 1 · Q4. Do you agree?\n1 answered · Agree 1, Disagree 0" in body
    assert "Not yet: Ana (@ana_b), Bo" in body
    assert "Never posted" not in body  # not asked: neither a result nor missed
    # Times in the group's zone, named once, in the header.
    (started,) = rows(tmp_path, "SELECT started_at FROM walks WHERE audience = 'group'")[0]
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    local = dt.datetime.fromisoformat(started.replace("Z", "+00:00")).astimezone(seoul)
    assert f"started {local:%Y-%m-%d %H:%M} Asia/Seoul (running)" in body
    assert body.count("Asia/Seoul") == 1 and "UTC" not in body
    (reason_at,) = rows(
        tmp_path, "SELECT answered_at FROM answers WHERE answer_text = 'because reasons'"
    )[0]
    reason_local = dt.datetime.fromisoformat(reason_at.replace("Z", "+00:00")).astimezone(seoul)
    # One block per student: score on the choice questions asked, typed answers, missed.
    ana = block_of(body, "Ana (@ana_k)")
    assert ana.startswith("👤 Ana (@ana_k) — choice questions: 2/2 right · 2 typed answers\n")
    assert "Missed" not in ana
    assert f"✍️ Part 1 · Q4 Do you agree? ({reason_local:%H:%M})\nStance: Agree\n" in ana
    assert ana.endswith("because reasons")
    other = block_of(body, "Ana (@ana_b)")
    assert other == (
        "👤 Ana (@ana_b) — choice questions: 0/2 right · 0 typed answers\n"
        "Missed: Part 1 · Q2, Part 1 · Q3, Part 1 · Q4"
    )
    bo_block = block_of(body, "Bo")
    assert bo_block.startswith(
        "👤 Bo — choice questions: 0/2 right · 1 typed answer\n"
        "Missed: Part 1 · Q1, Part 1 · Q2, Part 1 · Q4\n"
        "✍️ Part 1 · Q3 Say something. ("
    )
    assert bo_block.endswith("\nmy private words")
    # The long answer whole, every line, though it took more than one message.
    for line in LONG_ANSWER.splitlines():
        assert line in body
    # No self-check in a group session, even answered privately: the report says where they are.
    assert "self-check:" not in body
    assert body.endswith(
        "Self-checks (Got it / Partly / Missed it) are asked only in private lessons, so a "
        "group session has none. Students see theirs in /myanswers; you find them in the "
        "export's self_check column (/export, 2 got it, 1 partly, 0 missed it)."
    )


MODEL = """\
id: model
title: With a model answer
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: think
        type: short
        prompt: What do you think?
        model_answer: That it depends.
"""


async def model_answer(student: Student) -> StoredMessage:
    for _ in range(5):
        if "That it depends." in text(message := await student.reads()):
            return message
    raise AssertionError("no model answer")


async def test_a_private_self_check_is_in_myanswers_and_the_export(
    standin: BotApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(standin, tmp_path, MODEL)
    async with running_bot(settings):
        student = Student(standin)
        await student.begins_lesson()
        student.says("It depends")
        shown = await model_answer(student)
        assert "Partly" in await student.presses(shown, "🤏 Partly")
        student.says("/myanswers")
        while texts.MY_ANSWERS_HEADER not in (mine := html(await student.reads())):
            pass  # the lesson's end, shown after the self-check
    assert "What do you think?\n  → It depends — self-check: 🤏 Partly" in mine
    args = ["export", "--db", str(settings.db_path), "--prompts", str(settings.prompts_dir)]
    assert main([*args, "--format", "csv"]) == 0
    exported = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(r["answer"], r["self_check"]) for r in exported] == [("It depends", "1")]
    # Appended after the columns before it (then issue 14's phase and part, and homework's).
    assert list(exported[0])[-8:-5] == ["self_check", "phase", "part"]
    # A database from before schema 8 (no such column) exports with the column empty.
    with closing(sqlite3.connect(settings.db_path)) as db:
        db.execute("ALTER TABLE answers DROP COLUMN self_check")
        db.commit()
    assert main([*args, "--format", "csv"]) == 0
    exported = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(r["answer"], r["self_check"]) for r in exported] == [("It depends", "")]


def test_times_are_in_utc_said_once_without_a_zone_and_equal_names_get_usernames(
    tmp_path: Path,
) -> None:
    lesson, problems = load_lesson_file(write_lesson(tmp_path, MODEL))
    assert lesson is not None, problems
    walk = Walk(
        7, -100, "group", None, lesson.id, lesson.version, 1, 1, "finished",
        "2026-12-01T23:30:00.000Z", None,
    )  # fmt: skip
    answers = [
        StoredAnswer(
            1, 7, -100, 5, "Kim", "kim1", lesson.id, lesson.version, 1, "think", "short", (),
            "Mine", None, None, False, "reply", 1, "2026-12-02T00:10:00.000Z", 2,
        ),
    ]  # fmt: skip
    students = student_results(lesson, answers)
    results = session_results(lesson, [])
    (reply,) = render_reports.report("Room", lesson, walk, results, students)
    assert "started 2026-12-01 23:30 UTC (closed)" in reply.text
    assert reply.text.count("UTC") == 1
    # Another day than the start: the date is given; the self-check, when there is one.
    assert "(2026-12-02 00:10, self-check: 💡 Got it)</i>\nMine" in reply.text
    assert texts.REPORT_SELF_CHECK_WHERE not in reply.text
    kims = [Member(1, "Kim", "kim1"), Member(2, "kim", "kim2"), Member(3, "Lee", "lee")]
    assert shown_names(kims) == {1: "Kim (@kim1)", 2: "kim (@kim2)", 3: "Lee"}
