"""The teacher's and the group's side of the walk-through (issue 13): a session never closes
without asking, /end just after it closed says so, stance taps are light toasts worded
without a double full stop, replies the bot counts get a reaction and those it cannot count
say why (and clear themselves away), /status names who has not answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.actors import FLOOD_WINDOW, Group, html, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

ROOM = """\
id: room
title: Room lesson
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
      - id: side
        type: debate
        prompt: Whom should Seoul listen to?
        stances: [Coordination with the U.S., Its own way]
discussion:
  - id: last
    type: short
    prompt: Anything else?
"""


@asynccontextmanager
async def a_session(
    standin: BotApiStandIn, tmp_path: Path, members: int = 2
) -> AsyncIterator[tuple[Group, list[StoredMessage]]]:
    """The bot running ROOM in a group whose admin has posted the part and its questions."""
    room = Group(standin, members=members)
    async with running_bot(settings_for(standin, tmp_path, ROOM), group_window=FLOOD_WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the part
        room.says(room.admin, "/next")
        yield room, [await room.reads(), await room.reads()]


async def test_the_last_next_asks_before_it_ends_the_session(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with a_session(standin, tmp_path) as (room, _):
        room.says(room.admin, "/next")
        discussion = await room.reads()
        assert discussion.button_texts[-1] == "🏁 End session (admins)"
        await room.presses(room.admin, discussion, "🏁 End session (admins)")
        ask = await room.reads()
        assert "End the session now?" in text(ask)
        assert rows(tmp_path, "SELECT status FROM walks") == [("active",)]
        room.says(room.admin, "/next")  # /next there asks the same
        again = await room.reads()
        assert "End the session now?" in text(again)
        assert "discussion questions are posted" in await room.barrier()  # still on
        await room.presses(room.admin, again, "🏁 Yes, end the session")
        assert "Session closed" in text(await room.reads())
        assert rows(tmp_path, "SELECT status FROM walks") == [("finished",)]
        room.says(room.admin, "/end")
        said = html(await room.reads())
        assert "<b>Room lesson</b> closed just now; its results are saved" in said
        # The confirmation pressed a second time changes nothing.
        assert "ended" in await room.presses(room.admin, ask, "🏁 Yes, end the session")


async def test_a_stance_tap_is_a_light_toast_with_one_full_stop(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with a_session(standin, tmp_path) as (room, (_, debate)):
        query = standin.press(room.members[0], debate, "Coordination with the U.S.")
        answer = await standin.wait_for_callback_answer(query, timeout=10)
        assert answer.text == (
            "Your stance: Coordination with the U.S. Reply to the question to give your reason."
        )
        assert not answer.show_alert  # a toast, not a modal alert to dismiss
        query = standin.press(room.members[1], debate, "Its own way")
        answer = await standin.wait_for_callback_answer(query, timeout=10)
        assert answer.text is not None and answer.text.startswith("Your stance: Its own way. Reply")
