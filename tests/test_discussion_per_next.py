"""A group's discussion questions come one per /next (issue 13): a debate gets the room to
itself, the moderator's /status names who has not answered the one posted last, and only
the last one's button ends the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actors import FLOOD_WINDOW, Group, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

DEBATES = """\
id: debates
title: Three debates
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
discussion:
  - id: first
    type: debate
    prompt: First debate?
  - id: second
    type: short
    prompt: Second question?
  - id: third
    type: debate
    prompt: Third debate?
"""


async def test_discussion_questions_are_posted_one_per_next(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=2)
    first_member, second_member = room.members
    async with running_bot(settings_for(standin, tmp_path, DEBATES), group_window=FLOOD_WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        for _ in range(2):  # the part, then its question
            room.says(room.admin, "/next")
            await room.reads()
        room.says(room.admin, "/next")
        first = await room.reads()
        assert "Discussion 1 of 3" in text(first) and "First debate?" in text(first)
        assert first.button_texts[-1] == "Next ▸ (admins)"
        await room.presses(first_member, first, "Agree")
        standin.reply(first_member, first, "Because.")
        # Nothing else was posted: the moderator's /status is the next message.
        room.says(room.admin, "/status")
        status = text(await room.reads())
        assert "Discussion question 1 of 3 is posted." in status
        assert "Still to answer" not in status  # the one who took part has answered it

        room.says(room.admin, "/next")
        digest = await room.reads()  # what the group said on the debate moved past (issue 14)
        assert "What the group said" in text(digest) and "First debate?" in text(digest)
        second = await room.reads()
        assert "Discussion 2 of 3" in text(second) and "Second question?" in text(second)
        await standin.wait_for(  # the Next button moved to the newest question
            lambda: (
                "Next ▸ (admins)"
                not in standin.message(first.chat_id, first.message_id).button_texts
            )
        )
        await room.presses(second_member, first, "Disagree")  # an earlier one still counts
        room.says(room.admin, "/status")
        status = text(await room.reads())
        assert "Discussion question 2 of 3 is posted." in status
        assert "Still to answer (of those taking part): M0, M1" in status

        room.says(room.admin, "/next")
        third = await room.reads()
        assert "Discussion 3 of 3" in text(third)
        assert third.button_texts[-1] == "🏁 End session (admins)"
        room.says(room.admin, "/next")
        assert "End the session now?" in text(await room.reads())
