"""Group sessions at their edges: button quizzes, retracted votes, who is (not) credited,
anonymous admins and configured moderators, a bot removed and re-added, flood limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.actors import FLOOD_WINDOW, SMALL_LESSON, Group, html, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, FakeUser, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)


async def test_buttons_quiz_feedback_is_a_private_popup_and_one_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        _, (one, two, quiz) = await room.posts_first_questions()
        assert one.poll is None and "only you will see" in text(one)
        assert two.poll is None and "tap each one" in text(two)
        assert quiz.poll is not None and quiz.poll.type == "quiz"
        posted = len(standin.bot_messages(room.chat.id))
        m0, m1, m2 = room.members
        assert (await room.presses(m0, one, "Right")).startswith("✅ Right!\nBecause the text")
        assert "already answered" in await room.presses(m0, one, "Wrong")
        assert "Not quite" in await room.presses(m1, one, "Wrong")
        assert "A" in await room.presses(m2, two, "A")
        assert "A; C" in await room.presses(m2, two, "C")
        assert "now: C." in await room.presses(m2, two, "A")
        # A vote, then a withdrawn vote (Telegram sends an empty vote where a poll allows it).
        standin.vote(m0, quiz, [0])
        assert quiz.poll is not None
        for options in ([1], []):
            standin.enqueue("poll_answer", poll_answer(quiz, m1, options))
        assert "answered so far: 3" in await room.barrier()
        assert len(standin.bot_messages(room.chat.id)) == posted + 1  # only /status spoke
    current = rows(
        tmp_path,
        "SELECT username, question_id, option_indexes, is_correct, retracted, via, version "
        "FROM answers ORDER BY username, question_id, version",
    )
    assert current == [
        ("m0", "pick-one", "0", 1, 0, "button", 1),
        ("m0", "quiz", "0", 1, 0, "poll", 1),
        ("m1", "pick-one", "1", 0, 0, "button", 1),
        ("m1", "quiz", "1", 0, 0, "poll", 1),
        ("m1", "quiz", None, None, 1, "poll", 2),
        ("m2", "pick-two", "0", 0, 0, "button", 1),
        ("m2", "pick-two", "0,2", 1, 0, "button", 2),
        ("m2", "pick-two", "2", 0, 0, "button", 3),
    ]


async def test_channels_forwards_bots_and_stray_replies_are_credited_to_no_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await room.posts_first_questions()
        room.says(room.admin, "/next")
        short = await room.reads()
        question = short.to_api()
        m0 = room.members[0]
        channel = {"id": -1009999, "type": "channel", "title": "A channel"}
        room.raw_message(m0, "as a channel", sender_chat=channel, reply_to_message=question)
        room.raw_message(
            m0,
            "forwarded",
            reply_to_message=question,
            forward_origin={"type": "user", "date": 1, "sender_user": m0.to_api()},
        )
        other_bot = FakeUser(id=5550001, first_name="Other", is_bot=True, username="other_bot")
        room.raw_message(other_bot, "a bot", reply_to_message=question)
        section = next(m for m in standin.bot_messages(room.chat.id) if "Short text" in text(m))
        standin.reply(m0, section, "a reply to the reading, not to a question")
        standin.reply(m0, short, "my real answer")
        await room.barrier()
    assert rows(tmp_path, "SELECT user_id, answer_text, via FROM answers") == [
        (m0.id, "my real answer", "reply")
    ]


async def test_anonymous_admins_and_configured_moderators_may_run_a_session(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    teacher = standin.user("Teacher", username="teacher")  # not an admin of the group
    standin.add_member(room.chat, teacher)
    settings = settings_for(standin, tmp_path, SMALL_LESSON, BOT_MODERATOR_IDS=str(teacher.id))
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.members[0], "/next")
        assert "only the group's admins" in text(await room.reads())
        room.says(teacher, "/begin mini")
        assert "A &lt;mini&gt; &amp; lesson" in html(await room.reads())
        room.anonymous_admin_says("/next")
        assert "Part 1 of 1" in text(await room.reads())
        room.says(room.members[1], "/end")
        assert "only the group's admins" in text(await room.reads())
        room.says(teacher, "/end")
        assert "Session closed" in text(await room.reads())


async def test_a_removed_bot_pauses_the_session_and_begin_resumes_it(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        room.bot_membership("member", "kicked")
        await standin.wait_for(lambda: rows(tmp_path, "SELECT status FROM walks") == [("paused",)])
        room.bot_membership("left", "member")
        assert "⏸ Paused" in await room.barrier()
        room.says(room.admin, "/begin")
        assert "goes on" in text(await room.reads())
        room.says(room.admin, "/next")
        assert "Part 1 of 1" in text(await room.reads())
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks") == [(1,)]


def poll_answer(message: StoredMessage, user: FakeUser, options: list[int]) -> dict[str, Any]:
    """A vote as Telegram sends it, for votes the actors refuse (a quiz allows no change)."""
    assert message.poll is not None
    return {
        "poll_id": message.poll.id,
        "user": user.to_api(),
        "option_ids": options,
        "option_persistent_ids": [message.poll.options[i].persistent_id for i in options],
    }


# A tight limit (2 messages a second per group) that the bot's limiter doesn't know:
# Telegram answers 429 with retry_after, and the bot waits it out and retries.
@pytest.mark.standin(group_flood_limit=2)
async def test_a_flood_limit_slows_the_session_down_and_loses_nothing(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    async with running_bot(settings_for(standin, tmp_path, SMALL_LESSON), group_window=0.01):
        _, questions = await room.posts_first_questions()
        assert [q.poll is not None for q in questions] == [False, False, True]
    assert any(c.error_code == 429 for c in standin.rejected)
    assert all(c.error_code == 429 for c in standin.rejected)


async def test_begin_offers_the_lessons_when_there_are_several(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    other = SMALL_LESSON.replace("id: mini", "id: other").replace(
        "A <mini> & lesson", "Another lesson"
    )
    settings = settings_for(standin, tmp_path, SMALL_LESSON, other)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/begin nosuch")
        assert "no lesson called “nosuch”" in text(await room.reads())
        room.says(room.admin, "/begin")
        menu = await room.reads()
        assert menu.button_texts == ["A <mini> & lesson", "Another lesson"]
        assert "only the group's admins" in await room.presses(
            room.members[0], menu, "Another lesson"
        )
        assert await room.presses(room.admin, menu, "Another lesson") == ""
        started = await room.reads()
        assert "Another lesson" in text(started)
        room.says(room.admin, "/begin other")
        assert "already running" in text(await room.reads())
    assert rows(tmp_path, "SELECT lesson_id, status FROM walks") == [("other", "active")]


async def test_a_group_upgraded_mid_send_moves_to_the_supergroup_and_retries_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        old_id = room.chat.id
        room.says(room.admin, "/next")  # handled after the upgrade below has happened
        room.chat = standin.migrate_to_supergroup(room.chat)
        section = await room.reads()  # in the supergroup: the send followed the upgrade
        assert "Part 1 of 1" in text(section)
        assert "Members who have answered so far: 0" in await room.barrier()
    migrated = [c for c in standin.rejected if "upgraded to a supergroup" in (c.error or "")]
    assert len(migrated) == 1 and migrated[0].params["chat_id"] == old_id
    assert rows(tmp_path, "SELECT chat_id FROM walks") == [(room.chat.id,)]


async def test_a_command_deleted_before_the_answer_still_gets_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        command = room.says(room.members[0], "/begin")
        command.deleted = True  # e.g. a clean-up bot removed it at once
        assert "only the group's admins" in text(await room.reads())
    assert standin.rejected == []
