"""A stop that cuts a timer's post short (bot/send_budget.py's ``NotSent``): what the timer
had claimed is made good at the next start, once.

The homework's deadline comes while Telegram has asked the bot to wait 30 s in the group (a
429 at the results): the homework is closed, the stop does not wait, and the results are
not posted. At the next start they are, replying to the assignment message after a line
saying why they come late, then the rest of the close (the moderator's report, here the
line telling her how to get it); a further start posts nothing more.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from bot import poller
from tests.actors import Group, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stories import HOMEWORK_LESSON, assigns, closing, finishes, starts

GRACE = 1.0  # the stop's grace (5 s in production), compressed
PAUSE = 30  # seconds Telegram asks the bot to wait in the group: far past the grace


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
