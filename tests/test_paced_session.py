"""Paced sessions end to end (issue 12), on the real Application over the stand-in, with
paces of seconds: `/begin pace 5s` runs a session by itself, its quiz polls count down
with Telegram's open_period and close themselves, its typed questions say when they close
and refuse replies sent after; /pause, /resume and /next move the clock; a lesson too big
for the group's flood limit at that pace is refused with the fastest pace that fits; and a
tick due while the bot was stopped is carried out once at start."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.actors import Group, Student, link_payload, rows, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

# Part 1: its text, then a quiz poll and a short question; then one discussion question.
PACE_LESSON = """\
id: paced
title: Paced <one>
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: quiz
        type: choice
        prompt: Quiz?
        options: [It is, It is not]
        answer: It is
      - id: why
        type: short
        prompt: Why so?
discussion:
  - id: say
    type: short
    prompt: Say something.
"""


def big_lesson() -> str:
    """Two parts of ten button questions each: 25 messages in all, too many for a minute."""
    questions = "\n".join(
        f'      - {{id: q{part}-{n}, type: short, prompt: "Question {part}.{n}"}}'
        for part in (1, 2)
        for n in range(10)
    ).split("\n")
    first, second = "\n".join(questions[:10]), "\n".join(questions[10:])
    return f"""\
id: big
title: A big lesson
source: {{publisher: Test Press, date: 2024-01-02}}
sections:
  - title: One
    text: First.
    questions:
{first}
  - title: Two
    text: Second.
    questions:
{second}
discussion:
  - {{id: end, type: short, prompt: \"Last one\"}}
"""


# Two short questions with model answers, then six debate questions (one a tick): the parts
# alone fit a minute at any pace, but not with the model answers and digests their moves post.
TALKY_LESSON = """\
id: talky
title: Talky
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - {id: s1, type: short, prompt: "First?", model_answer: "One."}
      - {id: s2, type: short, prompt: "Second?", model_answer: "Two."}
discussion:
""" + "".join(f'  - {{id: d{n}, type: debate, prompt: "Should we {n}?"}}\n' for n in range(6))


async def next_tick(tmp_path: Path, after: int) -> dt.datetime:
    """When the clock's next tick is due, once it is planned from position ``after`` (the
    part's messages are read before the move that plans it is committed)."""
    for _ in range(100):
        found = rows(tmp_path, "SELECT next_tick_at, from_position FROM paces")
        if found and found[0][1] == after and found[0][0] is not None:
            return dt.datetime.fromisoformat(found[0][0])
        await asyncio.sleep(0.05)
    raise AssertionError(f"no tick planned from position {after}: {found}")


async def until_after(moment: dt.datetime, margin: float = 0.3) -> None:
    """Sleep until just after ``moment`` (a time from the database, not a guess)."""
    left = (moment - dt.datetime.now(dt.UTC)).total_seconds()
    await asyncio.sleep(max(0.0, left) + margin)


def closes_at(message: StoredMessage, zone: str = "UTC") -> str:
    """The time a paced question says it closes at, which names the group's time zone."""
    found = re.search(r"Closes at (\d\d:\d\d) \(([^)]+) time\)\.", text(message))
    assert found is not None, text(message)
    assert found.group(2) == zone, text(message)
    return found.group(1)


async def test_a_paced_session_with_closing_polls_runs_through_a_restart(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    early, late = room.members[0], room.members[1]
    async with running_bot(settings):
        room.says(room.admin, "/begin pace 5s")
        opening = await room.reads()
        assert "runs by itself: a new part every 5s" in text(opening), text(opening)
        assert "Short text." in text(await room.reads())  # the first part at once
        started = time.monotonic()
        poll = await room.reads()  # by itself, a pace later
        assert time.monotonic() - started > 4
        assert poll.poll is not None and poll.poll.question == "Quiz?"
        assert poll.poll.open_period == 5  # Telegram's countdown, the pace
        why = await room.reads()
        assert "Why so?" in text(why)
        planned = await next_tick(tmp_path, after=3)
        assert closes_at(why) == planned.strftime("%H:%M")  # the group's zone: UTC here
        standin.vote(early, poll, [0])
        standin.reply(early, why, "Because it is.")
        assert "(UTC time, every" in await room.barrier()  # Next part at 14:05 (UTC time…
    # Stopped: a reply sent now, in time, is handled at the next start; one sent after
    # the question closed is not counted; the poll has closed by itself.
    standin.reply(late, why, "In time, while the bot was away.")
    await until_after(planned, margin=1.2)  # Telegram dates messages in whole seconds
    with pytest.raises(ValueError, match="closed"):
        standin.vote(late, poll, [1])
    too_late = standin.reply(late, why, "Too late.")
    async with running_bot(settings):  # the tick due while stopped: at once
        # The replies held meanwhile and the tick are handled side by side: either first.
        first, second = await room.reads(), await room.reads()
        refusal, say = (first, second) if first.reply_to else (second, first)
        assert "Time was up for this question" in text(refusal), text(refusal)
        assert refusal.reply_to is not None
        assert refusal.reply_to.message_id == too_late.message_id
        assert "Discussion 1 of 1" in text(say) and "Closes at" in text(say)
        # The closed question's private link says so too.
        privately = Student(standin, user=late)
        privately.says(f"/start {link_payload(why)}")
        assert "Time was up for this question" in text(await privately.reads())
        summary = await room.reads()  # a pace later, the session closes by itself
        assert "Session closed: Paced <one>" in text(summary), text(summary)
        assert "Quiz?\n  1 answered, 100% right" in text(summary)
        assert "Why so?\n  2 answered" in text(summary)
        await room.barrier()
    assert value(tmp_path, "SELECT status FROM walks") == "finished"
    assert rows(tmp_path, "SELECT user_id, question_id, answer_text FROM answers ORDER BY id") == [
        (early.id, "quiz", "It is"),
        (early.id, "why", "Because it is."),
        (late.id, "why", "In time, while the bot was away."),
    ]
    sent = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert sum("Discussion 1 of 1" in t for t in sent) == 1
    assert sum("Session closed" in t for t in sent) == 1
    # The poll counted down: its open_period the pace.
    polls = standin.calls_to("sendPoll")
    assert [call.params.get("open_period") for call in polls] == [5]
    assert standin.calls_to("stopPoll") == []  # it closed itself: nothing to stop at the end


async def test_a_paced_question_closes_at_the_groups_clock_and_names_its_zone(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    async with running_bot(settings):
        room.says(room.admin, "/timezone Asia/Seoul")
        assert "Time zone set to Asia/Seoul" in text(await room.reads())
        room.says(room.admin, "/begin pace 5s")
        await room.reads()
        await room.reads()  # the first part
        await room.reads()  # the quiz poll: Telegram's own countdown, no time
        why = await room.reads()
        planned = await next_tick(tmp_path, after=3)
        seoul = planned.astimezone(ZoneInfo("Asia/Seoul")).strftime("%H:%M")
        assert closes_at(why, zone="Asia/Seoul") == seoul, text(why)
        assert f"⏱ Closes at {seoul} (Asia/Seoul time)." in text(why)
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())


async def test_pause_and_resume_stop_and_start_the_clock(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    member = room.members[0]
    async with running_bot(settings):
        room.says(room.admin, "/pause")
        assert "No session is running" in text(await room.reads())
        room.says(room.admin, "/begin pace 5s")
        await room.reads()
        await room.reads()  # the first part
        room.says(member, "/pause")
        assert "only" in text(await room.reads())  # moderators only
        room.says(room.admin, "/pause")
        assert "The clock is stopped" in text(await room.reads())
        room.says(room.admin, "/pause")
        assert "stopped already" in text(await room.reads())
        assert value(tmp_path, "SELECT paused FROM paces") == 1
        await asyncio.sleep(6)  # past the tick that was planned
        assert "The clock is stopped (/resume starts it)" in await room.barrier()
        assert value(tmp_path, "SELECT position FROM walks") == 1  # nothing came
        room.says(room.admin, "/resume")
        resumed = text(await room.reads())
        assert "The clock runs again: the next part comes at" in resumed, resumed
        assert "(UTC time), then every" in resumed, resumed
        assert "then every 5s" in resumed
        room.says(room.admin, "/resume")
        running = text(await room.reads())
        assert "The clock is running" in running and "(UTC time)." in running, running
        poll = await room.reads()  # a pace after /resume
        assert poll.poll is not None and poll.poll.open_period in (4, 5)
        await room.reads()  # the short question
        # /next while the clock is stopped: the part comes, with no countdown.
        room.says(room.admin, "/pause")
        assert "The clock is stopped" in text(await room.reads())
        room.says(room.admin, "/next")
        say = await room.reads()
        assert "Say something." in text(say) and "Closes at" not in text(say)
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
        # A session without a pace has no clock to stop.
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/pause")
        assert "it has no clock" in text(await room.reads())
        room.says(room.admin, "/resume")
        assert "it has no clock" in text(await room.reads())


async def test_next_posts_early_and_restarts_the_clock(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    async with running_bot(settings):
        room.says(room.admin, "/begin pace 8s")
        await room.reads()
        await room.reads()  # the first part
        first_tick = await next_tick(tmp_path, after=1)
        await asyncio.sleep(2)
        room.says(room.admin, "/next")  # early
        poll = await room.reads()
        asked = time.monotonic()
        await room.reads()  # the short question
        restarted = await next_tick(tmp_path, after=3)
        assert restarted > first_tick + dt.timedelta(seconds=1.5)
        assert poll.poll is not None and poll.poll.open_period in (7, 8)
        say = await room.reads()  # the clock's next part: a full pace after /next
        assert "Say something." in text(say)
        assert time.monotonic() - asked > 7
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
    # The tick planned before /next (long past now) posted nothing: each part came once.
    sent = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert sum("Discussion 1 of 1" in t for t in sent) == 1
    assert len(standin.calls_to("sendPoll")) == 1


async def test_a_lesson_too_big_for_the_flood_limit_at_that_pace_is_refused(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, big_lesson())
    async with running_bot(settings):
        room.says(room.admin, "/begin pace 10s")
        refusal = text(await room.reads())
        assert "At a pace of 10s, A big lesson would send the group more messages" in refusal
        assert "at least 30s: /begin big pace 30s" in refusal
        assert value(tmp_path, "SELECT COUNT(*) FROM walks") == 0
        for typed, says in (
            ("/begin pace", "Say how long each part stays"),
            ("/begin pace 0s", "“0s” is too quick: a pace is at least 5s"),
            ("/begin pace 0", "I can't read “0” as a pace"),
            ("/begin pace soon", "I can't read “soon” as a pace"),
            ("/begin big pace 3 m", "I can't read “3 m” as a pace"),
            ("/begin pace 2d", "“2d” is too long"),
        ):
            room.says(room.admin, typed)
            refused = text(await room.reads())
            assert says in refused, refused
            assert "/begin pace 3m, or /begin pace 45s" in refused
        assert value(tmp_path, "SELECT COUNT(*) FROM walks") == 0
        room.says(room.admin, "/begin pace 30s")
        assert "a new part every 30s" in text(await room.reads())
        assert "First." in text(await room.reads())
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())


async def test_with_several_lessons_the_lesson_buttons_keep_the_pace(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON, big_lesson())
    async with running_bot(settings):
        room.says(room.admin, "/begin pace 10s")
        menu = await room.reads()
        assert "Which lesson" in text(menu)
        await room.presses(room.admin, menu, "A big lesson")
        assert "at least 30s: /begin big pace 30s" in text(await room.reads())
        await room.presses(room.admin, menu, "Paced <one>")
        assert "a new part every 10s" in text(await room.reads())
        assert "Short text." in text(await room.reads())
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
    assert value(tmp_path, "SELECT seconds FROM paces") == 10


async def test_a_tick_due_while_the_bot_was_stopped_is_carried_out_once_at_start(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    async with running_bot(settings):
        room.says(room.admin, "/begin pace 5s")
        await room.reads()
        await room.reads()  # the first part
    await until_after(await next_tick(tmp_path, after=1))
    assert value(tmp_path, "SELECT position FROM walks") == 1
    async with running_bot(settings):
        poll = await room.reads()  # at start
        assert poll.poll is not None
        await room.reads()  # the short question
        room.says(room.admin, "/pause")  # so that the next tick cannot come
        assert "The clock is stopped" in text(await room.reads())
    async with running_bot(settings):  # and again: nothing is posted twice
        assert "clock is stopped" in await room.barrier()
    assert len(standin.calls_to("sendPoll")) == 1
    assert value(tmp_path, "SELECT position FROM walks") == 3


async def test_the_flood_check_counts_the_model_answers_and_digests_each_move_posts(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, TALKY_LESSON)
    async with running_bot(settings):
        # Model answers and digests are on by default: 24 messages over 9 ticks.
        room.says(room.admin, "/begin pace 5s")
        refusal = text(await room.reads())
        assert "At a pace of 5s, Talky would send the group more messages" in refusal, refusal
        assert "at least 10s: /begin talky pace 10s" in refusal
        assert value(tmp_path, "SELECT COUNT(*) FROM walks") == 0
        room.says(room.admin, "/digest off")
        assert "Digests are off" in text(await room.reads())
        room.says(room.admin, "/begin pace 5s")  # the model answers alone fit
        assert "a new part every 5s" in text(await room.reads())
        room.says(room.admin, "/end")
        while "Session closed" not in text(await room.reads()):
            pass  # the first part, maybe the next: the clock runs
