"""Homework end to end, on the real Application over the stand-in: /assign with a deadline
seconds away, members starting from the assignment's Start link, the close at the deadline
posting the results once (across a restart, and when the deadline passed while the bot was
stopped), and answers after the deadline refused, or taken with ``late``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.actors import (
    SMALL_LESSON,
    Group,
    Student,
    html,
    link_payload,
    rows,
    settings_for,
    text,
    value,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stories import (
    HOMEWORK_LESSON,
    answers_first,
    assigns,
    closing,
    deadline_of,
    finishes,
    starts,
    stops_halfway,
)


async def test_three_members_one_finishes_one_stops_one_never_starts_then_the_close(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    finisher, stopper, _absent = room.members
    async with running_bot(settings):
        post = await assigns(room, "8s")
        assert "(in 8 seconds)" in text(post)
        start_link = link_payload(post)  # the closed message has no Start: kept from before
        done = await starts(standin, finisher, post)
        await finishes(done)
        stopped = await stops_halfway(standin, stopper, post)
        room.says(finisher, "/assignments")
        listed = await room.reads()
        assert "Homework <one>: due" in text(listed) and "done 1 · started 1" in text(listed)
        results = await closing(room, post)
        assert "Homework closed: Homework <one>" in text(results)
        assert "Done 1 · started 1 · participants 2" in text(results)
        assert "Which is right?\n  2 answered, 100% right" in text(results)
        assert "Say something.\n  1 answered" in text(results)
        # Ada never opened a private chat with the bot: the group is told how to get the
        # full report (the story with one is in test_homework_manage.py).
        waiting = await closing(room, post)
        assert "Ada, I could not send you the full report" in text(waiting)
        # After the deadline: an answer is refused, saying when it was and whom to ask.
        stopped.says("Too late now")
        refusal = text(await stopped.reads())
        assert "The deadline for this homework was" in refusal and "ask Ada" in refusal
        # A refusal, not a fault: no error (and no traceback) in the log for it.
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        # Start after the close (a link kept from before): refused the same way.
        stopped.says(f"/start {start_link}")
        assert "This homework closed on " in text(await stopped.reads())
        room.says(finisher, "/assignments")
        assert "No open homework" in text(await room.reads())
    # The attempts belong to the assignment; the late one was not recorded.
    assert rows(
        tmp_path,
        "SELECT w.user_id, w.status, COUNT(a.id) FROM walks AS w LEFT JOIN answers AS a "
        "ON a.walk_id = w.id WHERE w.assignment_id = 1 GROUP BY w.id ORDER BY w.id",
    ) == [(finisher.id, "finished", 2), (stopper.id, "active", 1)]
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"
    # Started again, the bot posts nothing more: the results went out once.
    async with running_bot(settings):
        room.says(finisher, "/assignments")
        assert "No open homework" in text(await room.reads())
    replies = [m for m in standin.bot_messages(room.chat.id) if m.reply_to is not None]
    closes = [m for m in replies if "Homework closed" in text(m)]
    assert len(closes) == 1


async def test_with_late_an_answer_after_the_deadline_is_taken_and_counts_as_late(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    member = room.members[0]
    async with running_bot(settings):
        post = await assigns(room, "4s late")
        assert "Late answers are accepted" in text(post)
        student = await stops_halfway(standin, member, post)
        results = await closing(room, post)
        assert "Done 0 · started 1 · participants 1" in text(results)
        assert "Late answers are still taken" in text(results)
        student.says("Late but here")
        assert "Saved your answer" in text(await student.reads())
    late = rows(
        tmp_path,
        "SELECT a.question_id, a.answered_at > s.deadline FROM answers AS a "
        "JOIN walks AS w ON w.id = a.walk_id JOIN assignments AS s ON s.id = w.assignment_id "
        "ORDER BY a.id",
    )
    assert late == [("pick", 0), ("say", 1)]


async def test_a_restart_between_assignment_and_deadline_still_closes_it_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "5s")
        student = await starts(standin, room.members[0], post)
        await answers_first(student)
    assert value(tmp_path, "SELECT status FROM assignments") == "open"
    async with running_bot(settings):  # the timer rebuilt from the database
        results = await closing(room, post)
        assert "participants 1" in text(results)
        await room.barrier()
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1


async def test_a_deadline_that_passed_while_the_bot_was_stopped_closes_at_start(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "2s")
    # Stopped until the deadline has passed (a moment in the database, not a guess).
    left = (deadline_of(tmp_path) - dt.datetime.now(dt.UTC)).total_seconds()
    await asyncio.sleep(max(0.0, left) + 0.2)
    assert value(tmp_path, "SELECT status FROM assignments") == "open"
    async with running_bot(settings):
        results = await closing(room, post)
        assert "Done 0 · started 0 · participants 0" in text(results)
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"


async def test_start_is_refused_to_someone_not_in_the_group(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    outsider = Student(standin, "Olga", "olga")
    async with running_bot(settings):
        post = await assigns(room, "1h")
        outsider.says(f"/start {link_payload(post)}")
        assert "members of <b>Room</b>" in html(await outsider.reads())
        assert value(tmp_path, "SELECT COUNT(*) FROM walks") == 0


async def test_a_student_in_another_lesson_is_asked_and_start_again_goes_back(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON, SMALL_LESSON)
    student = Student(standin, user=room.members[0])
    async with running_bot(settings):
        post = await assigns(room, "hw 1h")
        student.says("/lessons")
        menu = await student.reads()
        standin.press(student.user, menu, "A <mini> & lesson")
        assert "Short text." in text(await student.reads())  # in the other lesson now
        student.says(f"/start {link_payload(post)}")
        asked = await student.reads()
        assert "You are in the middle of" in text(asked)
        await student.presses(asked, "▶️ Start the homework: Homework <one>")
        assert "Homework for Room" in text(await student.reads())
        part = await student.reads()
        await student.presses(part, "Continue ▸")
        assert "Which is right?" in text(await student.reads())
        student.says("/lessons")  # something else in between
        await student.reads()
        student.says(f"/start {link_payload(post)}")  # Start again: back where they were
        assert "Welcome back" in text(await student.reads())
        assert "Which is right?" in text(await student.reads())
    assert rows(tmp_path, "SELECT lesson_id, status, assignment_id FROM walks ORDER BY id") == [
        ("mini", "abandoned", None),
        ("hw", "active", 1),
    ]


async def test_timezone_and_assign_refusals_in_the_group(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    member = room.members[0]
    async with running_bot(settings):
        room.says(member, "/timezone")
        assert "time zone is UTC" in text(await room.reads())
        room.says(member, "/timezone Asia/Seoul")
        assert "only the group's admins" in text(await room.reads())
        room.says(room.admin, "/timezone Asia/Seol")
        assert "Did you mean Asia/Seoul" in text(await room.reads())
        room.says(room.admin, "/timezone asia/seoul")
        assert "Time zone set to Asia/Seoul" in text(await room.reads())
        room.says(member, "/assign 1h")
        assert "only the group's admins" in text(await room.reads())
        for typed, says in (
            ("someday", "can't read “someday” as a deadline"),
            ("2026-02-30 18:00", "is not a real date or time"),
            ("2020-01-01 10:00", "has already passed (Asia/Seoul time)"),
            ("", "Use /assign"),
        ):
            room.says(room.admin, f"/assign {typed}".strip())
            refusal = text(await room.reads())
            assert says in refusal, refusal
            assert typed == "" or "/assign fri 18:00, or /assign 3d" in refusal
        assert value(tmp_path, "SELECT COUNT(*) FROM assignments") == 0
        post = await assigns(room, "tomorrow 9:00")
        assert ", 09:00 (in " in text(post)
    seoul = ZoneInfo("Asia/Seoul")
    tomorrow = dt.datetime.now(seoul).date() + dt.timedelta(days=1)
    meant = dt.datetime.combine(tomorrow, dt.time(9, 0), tzinfo=seoul).astimezone(dt.UTC)
    assert deadline_of(tmp_path) == meant
