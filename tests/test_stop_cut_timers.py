"""A stop that cuts a timer's post short (bot/send_budget.py's ``NotSent``): what the timer
had claimed is made good at the next start, once.

The homework's deadline comes while Telegram has asked the bot to wait 30 s in the group (a
429 at the results): the homework is closed, the stop does not wait, and the results are
not posted. At the next start they are, replying to the assignment message after a line
saying why they come late, then the rest of the close (the moderator's report, here the
line telling her how to get it); a further start posts nothing more. Likewise a report cut
after the results, the edit that shows the assignment message closed, a reminder, a paced
session's part (its clock goes on by itself), a session's closing summary, and a
debate's digest (at a close, and at /next).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from pathlib import Path

import pytest

from bot import poller
from tests.actors import Group, Moderator, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stop_cut_support import GRACE, LATE, PAUSE, digest_of, held_in
from tests.stories import (
    HOMEWORK_LESSON,
    assigns,
    closing,
    daytime,
    deadline_of,
    finishes,
    reminders_in,
    starts,
    stops_halfway,
)
from tests.test_discussion_digest import LESSON as DEBATE_LESSON
from tests.test_discussion_digest import run_debate
from tests.test_homework_manage import shows
from tests.test_paced_session import PACE_LESSON


async def test_results_a_stop_refused_at_the_deadline_are_posted_once_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with asyncio.timeout(PAUSE):
        async with running_bot(settings):
            post = await assigns(room, "10s")
            await finishes(await starts(standin, room.members[0], post))
            await standin.wait_until_idle(quiet=0.3)  # her summary sent, before the 429
            # The group's next message, the results at the deadline, is asked to wait.
            standin.fail_next("sendMessage", retry_after=PAUSE)
            await standin.wait_for(
                lambda: any(
                    call.error_code == 429 and call.params.get("chat_id") == room.chat.id
                    for call in standin.calls
                ),
                what="the results held by a 429",
                timeout=20,
            )
            stopping = time.monotonic()
        assert time.monotonic() - stopping < GRACE + 3.0  # the stop did not wait 30 s
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"
    assert not [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("the results of 1 closed homework are posted" in w for w in warned), warned

    caplog.clear()
    async with running_bot(settings):
        late = await closing(room, post)
        results = await closing(room, post)
        waiting = await closing(room, post)
        await standin.wait_until_idle(quiet=0.5)
    assert "these results come late" in text(late), text(late)
    assert "Homework closed: Homework <one>" in text(results), text(results)
    assert "Done 1 · started 0 · participants 1" in text(results)
    assert "Ada, I could not send you the full report" in text(waiting)
    made_good = "made good at start: the results of 1 closed homework posted late (0 owed again)"
    assert made_good in caplog.text
    assert value(tmp_path, "SELECT results_owed FROM assignments") is None
    posted = len(standin.bot_messages(room.chat.id))

    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    assert len(standin.bot_messages(room.chat.id)) == posted
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    for once in ("these results come late", "Homework closed", "could not send you the full"):
        assert sum(once in t for t in said) == 1, (once, said)


# --- the moderator's report, after the results -------------------------------------------


async def test_a_report_a_stop_cut_after_the_results_is_finished_once_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The results are posted at the deadline and Ada, who has a private chat with the bot,
    gets her report's text; its chart is held by a 429 in her chat past the stop's grace.
    At the next start she gets a line saying why it comes late and the chart, not the text
    again; a further start sends nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin)
    ada = Moderator(standin, room)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with asyncio.timeout(PAUSE), running_bot(settings):
        await ada.opens_chat()
        post = await assigns(room, "8s")
        await finishes(await starts(standin, room.members[0], post))
        standin.fail_next("sendPhoto", retry_after=PAUSE)  # her report's chart
        assert "Homework closed" in text(await closing(room, post))
        assert "Homework #1: Homework <one>" in text(await ada.reads())
        await held_in(standin, ada.chat.id)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert value(tmp_path, "SELECT report_owed FROM assignments") == 1  # from the chart on
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    owed = "the reports of 1 closed homework are sent to their moderators"
    assert any(owed in w for w in warned), warned
    assert not any("the results of" in w for w in warned), warned

    caplog.clear()
    async with running_bot(settings):
        assert "this report comes late" in text(await ada.reads())
        chart = await ada.reads()
        assert chart.photo is not None and "homework #1" in text(chart), text(chart)
        await standin.wait_until_idle(quiet=0.5)
    made_good = "made good at start: the reports of 1 closed homework sent late (0 owed again)"
    assert made_good in caplog.text
    assert value(tmp_path, "SELECT report_owed FROM assignments") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(ada.chat.id)]
    for once in ("this report comes late", "Homework #1: Homework <one>", "homework #1"):
        assert sum(once in t for t in said) == 1, (once, said)
    assert sum("Homework closed" in text(m) for m in standin.bot_messages(room.chat.id)) == 1


async def test_the_groups_line_on_the_report_a_stop_refused_is_posted_once_at_the_next_start(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ada has no private chat with the bot: after the results, the group's line telling
    her how to get the report is held by a 429 past the stop's grace. It is posted at the
    next start, replying to the assignment message, once; the results are not again."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    standin.fail_next(
        "sendMessage",
        retry_after=PAUSE,
        matching=lambda params: "could not send you the full report" in params.get("text", ""),
    )
    async with asyncio.timeout(PAUSE), running_bot(settings):
        post = await assigns(room, "8s")
        await finishes(await starts(standin, room.members[0], post))
        assert "Homework closed" in text(await closing(room, post))
        await held_in(standin, room.chat.id)
    assert value(tmp_path, "SELECT report_owed FROM assignments") == -1  # the group's line
    assert value(tmp_path, "SELECT COUNT(*) FROM deliveries") == 1  # her report: at her Start

    async with running_bot(settings):
        waiting = await closing(room, post)
        assert "Ada, I could not send you the full report" in text(waiting), text(waiting)
        await standin.wait_until_idle(quiet=0.5)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    for once in ("Homework closed", "could not send you the full report"):
        assert sum(once in t for t in said) == 1, (once, said)
    assert value(tmp_path, "SELECT report_owed FROM assignments") is None


async def test_the_close_a_stop_kept_off_the_assignment_message_is_shown_once_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The results are posted at the deadline; the edit that shows the assignment message
    closed is held by a 429 in the group past the stop's grace, so the message still shows
    the homework open with its Start button. The next start edits it to show it closed
    (and posts the group's line on the report, cut behind it); a further start edits
    nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)

    def closes(params: dict[str, object]) -> bool:
        return "Closed" in str(params.get("text", ""))

    async with asyncio.timeout(PAUSE):
        async with running_bot(settings):
            post = await assigns(room, "8s")
            await finishes(await starts(standin, room.members[0], post))
            standin.fail_next("editMessageText", retry_after=PAUSE, matching=closes)
            assert "Homework closed" in text(await closing(room, post))
            await held_in(standin, room.chat.id)
        shown = text(standin.message(post.chat_id, post.message_id))
        assert "Closed" not in shown, shown
        assert "▶️ Start" in standin.message(post.chat_id, post.message_id).button_texts
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        owed = "the messages of 1 closed homework are shown closed"
        assert any(owed in w for w in warned), warned
        assert value(tmp_path, "SELECT closed_shown_owed FROM assignments") == 1

        caplog.clear()
        async with running_bot(settings):
            shown = await shows(standin, post, "Closed")
            assert "🏁 Closed " in shown and "Done 1 · started 0" in shown, shown
            assert standin.message(post.chat_id, post.message_id).button_texts == []
            assert "could not send you the full report" in text(await closing(room, post))
            await standin.wait_until_idle(quiet=0.5)
        made_good = "the messages of 1 closed homework shown closed (0 owed again)"
        assert made_good in caplog.text
        assert value(tmp_path, "SELECT closed_shown_owed FROM assignments") is None
        async with running_bot(settings):  # started again: nothing more
            await standin.wait_until_idle(quiet=0.5)
    edits = [c for c in standin.calls_to("editMessageText") if closes(c.params)]
    assert [c.error_code for c in edits] == [429, None], edits  # the refused one, then once
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    for once in ("Homework closed", "could not send you the full report"):
        assert sum(once in t for t in said) == 1, (once, said)


# --- reminders ----------------------------------------------------------------------------


async def test_a_members_reminder_a_stop_refused_is_sent_at_the_next_start_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reminder time comes while Telegram has asked the bot to wait in the member's
    private chat: her reminder is not sent, the group's reply is (its budget is free). At
    the next start, the deadline still ahead, she gets hers; the group's is not posted
    again, and after the close a further start sends nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin, members=1)
    member = room.members[0]
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="12s", BOT_TIMEZONE=daytime()
    )
    async with asyncio.timeout(PAUSE), running_bot(settings):
        post = await assigns(room, "20s")
        student = await stops_halfway(standin, member, post)
        await standin.wait_until_idle(quiet=0.3)
        standin.fail_next("sendMessage", retry_after=PAUSE)  # the first: her reminder
        await held_in(standin, member.id)
        assert reminders_in(standin, room.chat.id) == []
    # Her reminder refused, the stop went on to the group's reply, which could go at once.
    assert reminders_in(standin, member.id) == []
    assert text(await closing(room, post)).startswith("⏰ Homework <one> is due")
    assert value(tmp_path, "SELECT status FROM reminder_times") == "planned"
    async with running_bot(settings):
        assert text(await student.reads()).startswith("⏰ Homework for Room")
        assert "Homework closed" in text(await closing(room, post))
    async with running_bot(settings):
        await standin.wait_until_idle(quiet=0.5)
    assert len(reminders_in(standin, member.id)) == 1
    assert len(reminders_in(standin, room.chat.id)) == 1
    assert value(tmp_path, "SELECT status FROM reminder_times") == "done"


async def test_the_groups_reminder_a_stop_refused_is_posted_at_the_next_start_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group's reply at a reminder time, held by a 429 past the stop's grace: posted
    at the next start (the deadline still ahead), once."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin, members=1)
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="12s", BOT_TIMEZONE=daytime()
    )
    async with asyncio.timeout(PAUSE), running_bot(settings):
        post = await assigns(room, "20s")
        await standin.wait_until_idle(quiet=0.3)
        standin.fail_next("sendMessage", retry_after=PAUSE)  # the group's reply
        await held_in(standin, room.chat.id)
    assert reminders_in(standin, room.chat.id) == []
    async with running_bot(settings):
        again = await closing(room, post)
        assert text(again).startswith("⏰ Homework <one> is due"), text(again)
        assert "Homework closed" in text(await closing(room, post))
    async with running_bot(settings):
        await standin.wait_until_idle(quiet=0.5)
    assert len(reminders_in(standin, room.chat.id)) == 1
    assert value(tmp_path, "SELECT status FROM reminder_times") == "done"


async def test_a_reminder_a_stop_refused_is_dropped_once_the_deadline_has_passed(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused by the stop as above, but the bot starts again after the deadline: the
    reminder is dropped, the results posted."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin, members=1)
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="4s", BOT_TIMEZONE=daytime()
    )
    async with asyncio.timeout(PAUSE), running_bot(settings):
        post = await assigns(room, "8s")
        standin.fail_next("sendMessage", retry_after=PAUSE)  # the group's reply
        await held_in(standin, room.chat.id)
    left = (deadline_of(tmp_path) - dt.datetime.now(dt.UTC)).total_seconds()
    await asyncio.sleep(max(0.0, left) + 0.2)
    async with running_bot(settings):
        assert "Homework closed" in text(await closing(room, post))
        await standin.wait_until_idle(quiet=0.5)
    assert reminders_in(standin, room.chat.id) == []
    assert value(tmp_path, "SELECT status FROM reminder_times") in ("skipped", "stale")


# --- a paced session's tick -----------------------------------------------------------------


async def test_a_paced_part_a_stop_cut_short_is_finished_by_the_clock_after_the_restart(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The clock's tick posts the part's quiz poll; its typed question is held by a 429 in
    the group past the stop's grace. After the restart the clock goes on by itself, with
    no /next: the line saying why it comes late and the rest of the part at once (the
    clock or the start's job, whichever comes first), the next part a pace later, then
    the close; nothing posted twice, nothing skipped."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    async with asyncio.timeout(PAUSE), running_bot(settings):
        room.says(room.admin, "/begin pace 5s")
        assert "runs by itself" in text(await room.reads())
        assert "Short text." in text(await room.reads())  # the first part at once
        await standin.wait_until_idle(quiet=0.3)
        standin.fail_next("sendMessage", retry_after=PAUSE)  # the tick's typed question
        poll = await room.reads()  # a pace later, by the clock
        assert poll.poll is not None and poll.poll.question == "Quiz?"
        await held_in(standin, room.chat.id)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not any("Why so?" in text(m) for m in standin.bot_messages(room.chat.id))

    async with running_bot(settings):
        assert LATE in text(await room.reads())  # at once: nobody said /next
        why = await room.reads()  # the rest of the part
        assert "Why so?" in text(why) and "Closes at" in text(why), text(why)
        say = await room.reads()  # a pace later, the next part
        assert "Discussion 1 of 1" in text(say), text(say)
        summary = await room.reads()  # and the close
        assert "Session closed: Paced <one>" in text(summary), text(summary)
        await standin.wait_until_idle(quiet=0.3)
    assert value(tmp_path, "SELECT status FROM walks") == "finished"
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert sum("Session closed" in t for t in said) == 1, said
    asked = [t for t in said if "Session closed" not in t]  # the summary names them all
    for once in ("Short text.", "Why so?", "Discussion 1 of 1", LATE):
        assert sum(once in t for t in asked) == 1, (once, asked)
    assert [poll.question for poll in standin.polls.values()] == ["Quiz?"]


# --- a group session's closing summary ------------------------------------------------------


async def test_a_sessions_summary_a_stop_refused_is_posted_once_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A moderator's /end closes the session; its summary is held by a 429 in the group
    past the stop's grace. At the next start it is posted after a line saying why it comes
    late, counting the vote given before the close; a further start posts nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    caplog.set_level(logging.INFO)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, PACE_LESSON)
    standin.fail_next(
        "sendMessage",
        retry_after=PAUSE,
        matching=lambda params: "Session closed" in str(params.get("text", "")),
    )
    async with asyncio.timeout(PAUSE), running_bot(settings):
        _, (quiz, _why) = await room.posts_first_questions(2)
        assert quiz.poll is not None and quiz.poll.question == "Quiz?"
        standin.vote(room.members[0], quiz, [0])
        await standin.wait_until_idle(quiet=0.3)
        room.says(room.admin, "/end")
        await held_in(standin, room.chat.id)
    assert value(tmp_path, "SELECT status FROM walks") == "finished"
    assert not any("Session closed" in text(m) for m in standin.bot_messages(room.chat.id))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("the summaries of 1 session are posted" in w for w in warned), warned
    assert value(tmp_path, "SELECT summary_owed FROM walks") == 0

    caplog.clear()
    async with running_bot(settings):
        late = await room.reads()
        assert "this summary comes late" in text(late), text(late)
        summary = await room.reads()
        assert "Session closed: Paced <one>" in text(summary), text(summary)
        assert "Participants: 1" in text(summary) and "1 answered, 100% right" in text(summary)
        await standin.wait_until_idle(quiet=0.5)
    made_good = "made good at start: summaries of group sessions posted late: 1 (0 owed again)"
    assert made_good in caplog.text
    assert value(tmp_path, "SELECT summary_owed FROM walks") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    for once in ("this summary comes late", "Session closed"):
        assert sum(once in t for t in said) == 1, (once, said)


async def test_a_digest_the_stop_cut_at_the_close_is_posted_once_before_the_summary(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/end moves past a debate question: its digest, posted before the summary, is held
    by a 429 past the stop's grace, so the summary is never tried. At the next start the
    line saying why it comes late, then the digest, then the summary, each once (the
    digest, claimed when it was refused, was noted as owed)."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, DEBATE_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=digest_of("Should we do it?"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        question = await run_debate(room)
        await room.presses(room.members[0], question, "Agree")
        await standin.wait_until_idle(quiet=0.3)
        room.says(room.admin, "/end")
        await held_in(standin, room.chat.id)
    assert value(tmp_path, "SELECT summary_owed FROM walks") == 0
    assert value(tmp_path, "SELECT owed FROM digests") == 0
    assert not any("What the group said" in text(m) for m in standin.bot_messages(room.chat.id))
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    owed = "the summaries of 1 session are posted, the digests of 1 debate question at a close"
    assert any(owed in w for w in warned), warned
    assert not any("next move" in w for w in warned), warned

    async with running_bot(settings):
        assert "this summary comes late" in text(await room.reads())
        digest = await room.reads()
        assert "What the group said" in text(digest), text(digest)
        assert "Should we do it?" in text(digest) and "Agree 1" in text(digest)
        summary = await room.reads()
        assert "Session closed: Argue" in text(summary) and "Agree 1" in text(summary)
        await standin.wait_until_idle(quiet=0.5)
    assert value(tmp_path, "SELECT owed FROM digests") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    for once in ("this summary comes late", "What the group said", "Session closed"):
        assert sum(once in t for t in said) == 1, (once, said)


async def test_a_digest_the_stop_cut_at_next_is_posted_once_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/next moves past a debate question: its digest is held by a 429 past the stop's
    grace, so the session stays where it was, its move noted owed. The next start finishes
    it with nobody saying /next: the line saying why it comes late, the digest, then the
    next part; the close and a further start post it no more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, DEBATE_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=digest_of("Should we do it?"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        question = await run_debate(room)
        await room.presses(room.members[0], question, "Agree")
        await standin.wait_until_idle(quiet=0.3)
        room.says(room.admin, "/next")
        await held_in(standin, room.chat.id)
    assert value(tmp_path, "SELECT owed FROM digests") == 0
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    owed = "the digests of 1 debate question are posted at their session's next move"
    assert any(owed in w for w in warned), warned
    assert not any("summaries" in w or "at a close" in w for w in warned), warned
    assert any("1 session's move is finished" in w for w in warned), warned

    async with running_bot(settings):
        assert LATE in text(await room.reads())  # by itself: nobody said /next
        digest = await room.reads()
        assert "What the group said" in text(digest) and "Agree 1" in text(digest), text(digest)
        assert "Anything else?" in text(await room.reads())
        room.says(room.admin, "/end")
        assert "Session closed: Argue" in text(await room.reads())
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    asked = [t for t in said if "Session closed" not in t]  # the summary names them all
    for once in ("What the group said", "Anything else?", LATE):
        assert sum(once in t for t in asked) == 1, (once, said)
    assert sum("Session closed" in t for t in said) == 1, said
    assert value(tmp_path, "SELECT owed FROM digests") is None
