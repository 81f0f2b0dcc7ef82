"""The teacher's and the group's side of the walk-through (issue 13): a session never closes
without asking, /end just after it closed says so, stance taps are light toasts worded
without a double full stop, replies the bot counts get a reaction and those it cannot count
say why (and clear themselves away), /status names who has not answered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import outbox
from tests.actors import FLOOD_WINDOW, Group, html, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage
from tests.standin.state import png_bytes

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
        assert "Discussion question 1 of 1 is posted" in await room.barrier()  # still on
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


def photo_reply(standin: BotApiStandIn, room: Group, to: StoredMessage, caption: str) -> None:
    """A member replies to ``to`` with a photo and a caption (the actors send no such reply)."""
    member = room.members[0]
    message = standin._new_message(
        room.chat, member, kind="photo", caption=caption, html=caption, reply_to=to
    )
    message.photo = standin._new_file(png_bytes(8, 6), "photo.png", "image/png", prefix="AgAC")
    standin._publish("message", message)


async def told_why(room: Group, why: str) -> None:
    """The bot's next message in the group says ``why``, and deletes itself soon."""
    told = await room.reads()
    assert why in text(told)

    def gone() -> bool | None:
        return room.standin.message(told.chat_id, told.message_id).deleted or None

    await room.standin.wait_for(gone)


def reacted(standin: BotApiStandIn, message: StoredMessage) -> list[object]:
    """The reactions the bot set on ``message``."""
    return [
        json.loads(str(call.params.get("reaction")))
        for call in standin.calls_to("setMessageReaction")
        if call.params.get("message_id") == message.message_id
    ]


async def test_recorded_replies_get_a_reaction_and_uncounted_ones_say_why(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "SHORT_LIVED_SECONDS", 0.5)
    async with a_session(standin, tmp_path) as (room, (say, _)):
        assert "only replies count" in text(say)
        part = next(m for m in standin.bot_messages(room.chat.id) if "Short text." in text(m))
        member = room.members[0]
        answer = standin.reply(member, say, "My answer.")
        await standin.wait_for(lambda: reacted(standin, answer) or None)
        assert reacted(standin, answer) == [[{"type": "emoji", "emoji": "✍"}]]
        # Replies that cannot count: each told why, in a reply that deletes itself.
        standin.reply(member, part, "An answer to the text?")
        await told_why(room, "asks for a written answer")
        photo_reply(standin, room, say, "my answer, as a photo")
        await told_why(room, "Only text counts")
        standin.reply(member, say, "/my answer")
        await told_why(room, "reads as a command")
        room.says(member, "Not a reply at all.")  # privacy mode hides these; nothing to say
        standin.reply(room.members[1], answer, "I agree with you")  # members talking
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
        standin.reply(member, say, "Too late?")
        assert "session has ended, so your reply was not counted" in text(await room.reads())
        assert "No session is running" in await room.barrier()  # nothing else was said
    assert rows(tmp_path, "SELECT answer_text FROM answers") == [("My answer.",)]
    assert len(standin.calls_to("setMessageReaction")) == 1


async def test_status_names_who_has_not_answered_for_a_moderator_and_clears_itself(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "SHORT_LIVED_SECONDS", 0.5)
    async with a_session(standin, tmp_path, members=3) as (room, (say, debate)):
        first, second, third = room.members
        standin.reply(first, say, "My answer.")
        await room.presses(second, debate, "Its own way")
        await room.presses(third, debate, "Its own way")
        standin.reply(third, say, "Mine too.")
        room.says(room.admin, "/status")
        status = await room.reads()
        assert "Members who have answered so far: 3" in text(status)
        assert "Still to answer (of those taking part): M0 (1 left), M1 (1 left)" in text(status)
        # A member's /status: where the session is, no names; and it clears itself away.
        room.says(first, "/status")
        members_status = await room.reads()
        assert "answered so far: 3" in text(members_status)
        assert "Still to answer" not in text(members_status)

        def gone(message: StoredMessage) -> bool | None:
            return standin.message(message.chat_id, message.message_id).deleted or None

        await standin.wait_for(lambda: gone(members_status))
        await standin.wait_for(lambda: gone(status))
        # A refusal to a member (a moderator's command) clears itself away too.
        room.says(first, "/next")
        refusal = await room.reads()
        assert "only the group's admins" in text(refusal)
        await standin.wait_for(lambda: gone(refusal))
        room.says(second, "/lessons")  # a private chat's command, sent here
        elsewhere = await room.reads()
        assert "works in a private chat" in text(elsewhere)
        await standin.wait_for(lambda: gone(elsewhere))
        # Once all have answered: said so.
        standin.reply(second, say, "Late, but here.")
        await room.presses(first, debate, "Its own way")
        room.says(room.admin, "/status")
        assert "Everyone taking part has answered these questions." in text(await room.reads())
