"""A stop while replies wait on their chats' flood budgets (bot/send_budget.py): orderly and
bounded, and no student left without her next step.

Telegram has asked the bot to wait 30 s (a 429) in three students' chats just as each
answered, so their feedback and next question wait; a fourth student's /help waits likewise.
Then the bot is stopped. It does not wait those 30 s: the updates in hand get the stop's
grace, and what still waits on its chat's budget when the grace ends is not sent, with one
line in the log saying so (no error, no traceback per update, nothing counted as an error).
At the next start each of the three gets her next question, after a line saying why it
came late; the /help that wrote nothing stayed in the inbox and is answered then.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from bot import poller
from bot.metrics import metrics
from tests.actors import SMALL_LESSON, Group, Student, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stop_cut_support import LATE
from tests.webhook_support import HOOK_URL, Telegram, free_port, serving

GRACE = 1.0  # the stop's grace (5 s in production), compressed
PAUSE = 30  # seconds Telegram asks the bot to wait in those chats: far past the grace


def errors_counted() -> float:
    """bot_errors in /metrics, every kind together."""
    return sum(
        sample.value
        for family in metrics().errors.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
    )


async def refused_in_chats(standin: BotApiStandIn, chats: set[int]) -> None:
    """Until the stand-in has answered 429 in each of those chats."""
    await standin.wait_for(
        lambda: (
            chats
            <= {call.params.get("chat_id") for call in standin.calls if call.error_code == 429}
        ),
        what="a 429 in each of those chats",
    )


async def test_a_stop_does_not_wait_for_held_replies_and_students_get_them_after_restart(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    students = [Student(standin, name, name.lower()) for name in ("Mina", "Joon", "Sora")]
    dan = Student(standin, "Dan", "dan")
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    errors_before = errors_counted()
    async with asyncio.timeout(PAUSE / 2):  # without a bounded stop: 30 s and more
        async with running_bot(settings):
            questions = [await student.begins_lesson() for student in students]
            await dan.opens_chat()
            standin.fail_next("editMessageText", times=len(students), retry_after=PAUSE)
            for student, question in zip(students, questions, strict=True):
                assert "Which is right?" in text(question)
                assert await student.presses(question, "Right") == "✅ Right!"
            await refused_in_chats(standin, {student.chat.id for student in students})
            standin.fail_next("sendMessage", retry_after=PAUSE)
            dan.says("/help")
            await refused_in_chats(standin, {dan.chat.id})
            caplog.clear()
            stopping = time.monotonic()
        stopped_in = time.monotonic() - stopping
    assert stopped_in < GRACE + 3.0, f"the stop took {stopped_in:.1f} s"

    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not problems, [r.getMessage() for r in problems]
    summaries = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert len(summaries) == 1, summaries
    assert "4 replies" in summaries[0] and "3 students" in summaries[0], summaries[0]
    assert errors_counted() == errors_before
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        answers = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        left = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    finally:
        db.close()
    assert answers == len(students)  # every answer was committed before the stop
    assert left == 1  # Dan's /help, which wrote nothing: handled at the next start

    async with running_bot(settings):
        for student in students:
            sorry = await student.reads()
            assert "restarted" in text(sorry), text(sorry)
            assert "Which two?" in text(await student.reads())
        assert "/lessons" in text(await dan.reads())  # /help, answered now
        await standin.wait_until_idle(quiet=0.3)
    for student in students:
        asked = [m for m in standin.bot_messages(student.chat.id) if "Which two?" in text(m)]
        assert len(asked) == 1
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        owed = db.execute("SELECT COUNT(*) FROM owed_replies").fetchone()[0]
        left = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    finally:
        db.close()
    assert (owed, left) == (0, 0)  # made good once, not again at every start


async def test_without_a_lesson_the_student_is_asked_in_her_language_to_send_it_again(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Her first /start was recorded (the chat is remembered), but its welcome waited on a
    429 past the stop's grace: at the next start, with no lesson to show her, she is asked
    (in Korean, her app's language) to send her last message again; once."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    minji = Student(standin, user=standin.user("민지", language_code="ko-KR"))
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with asyncio.timeout(PAUSE / 2), running_bot(settings):
        standin.fail_next("sendMessage", retry_after=PAUSE)
        minji.says("/start")
        await refused_in_chats(standin, {minji.chat.id})
    async with running_bot(settings):
        again = await minji.reads()
        await standin.wait_until_idle(quiet=0.3)
    assert "다시 보내 주세요" in text(again), text(again)
    assert [text(m) for m in standin.bot_messages(minji.chat.id)] == [text(again)]


async def test_a_groups_part_cut_short_by_a_stop_is_finished_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/next was posting a part's questions when Telegram asked the bot to wait 30 s in the
    group (at its poll): the stop does not wait, the group gets no "could not post" line,
    and the next start posts the rest by itself (a line saying why it comes late, then
    the poll), nothing twice."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin, "Stop class")
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with asyncio.timeout(PAUSE / 2), running_bot(settings):
        room.says(room.admin, "/begin")
        assert "mini" in text(await room.reads())
        room.says(room.admin, "/next")
        assert "Short text." in text(await room.reads())  # the part's text; its questions:
        standin.fail_next("sendPoll", retry_after=PAUSE)
        room.says(room.admin, "/next")
        await refused_in_chats(standin, {room.chat.id})
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not [r for r in caplog.records if "could not post" in r.getMessage()]
    posted = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert any("Which two?" in t for t in posted) and not standin.polls
    async with running_bot(settings):  # nobody says /next
        await standin.wait_for(lambda: standin.polls, what="the part's poll")
        await standin.wait_until_idle(quiet=0.3)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert [LATE in t for t in said].index(True) == len(posted), said  # first after the cut
    assert [poll.question for poll in standin.polls.values()] == ["Quiz?"]
    for prompt in ("Short text.", "Which is right?", "Which two?"):
        assert sum(prompt in text(m) for m in standin.bot_messages(room.chat.id)) == 1, prompt


async def test_in_webhook_mode_the_stop_is_as_orderly(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same stop with Telegram pushing updates, through the rate limiter `run` uses
    (its calls counted for /metrics): no error, no call counted as failed for the reply
    not sent, and the student's next question after the restart."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    port = free_port()
    settings = settings_for(
        standin, tmp_path, SMALL_LESSON, BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    mina = Student(standin, "Mina", "mina")
    errors_before = errors_counted()
    async with asyncio.timeout(PAUSE / 2), serving(settings), Telegram(standin, port):
        question = await mina.begins_lesson()
        standin.fail_next("editMessageText", retry_after=PAUSE)
        assert await mina.presses(question, "Right") == "✅ Right!"
        await refused_in_chats(standin, {mina.chat.id})
        calls_before = calls_counted()
    assert calls_counted() == calls_before  # the edit waiting was never sent: not counted
    assert errors_counted() == errors_before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [r for r in caplog.records if "1 reply not sent" in r.getMessage()]
    async with serving(settings), Telegram(standin, port):
        assert "restarted" in text(await mina.reads())
        assert "Which two?" in text(await mina.reads())


def calls_counted() -> dict[tuple[str, ...], float]:
    """bot_api_calls in /metrics, by method and outcome."""
    return {
        tuple(sample.labels.values()): sample.value
        for family in metrics().api_calls.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
    }
