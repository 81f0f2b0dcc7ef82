"""Group sessions at their edges: button quizzes, retracted votes, who is (not) credited,
anonymous admins and configured moderators, a bot removed and re-added, flood limits."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.conftest import TOKEN, running_bot
from tests.standin import BotApiStandIn, ChatMember, FakeChat, FakeUser, StoredMessage

WINDOW = 1.0
MINI = """\
id: mini
title: A <mini> & lesson
source: {publisher: Test Press, date: 2024-01-02}
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
        explanation: Because the text says so.
      - id: pick-two
        type: choice
        prompt: Which two?
        options: [A, B, C]
        answer: [A, C]
      - id: quiz
        type: choice
        prompt: Quiz?
        options: [It is, It is not]
        answer: It is
discussion:
  - id: say
    type: short
    prompt: Say something.
"""


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN, flood_window=WINDOW) as server:
        yield server


def settings_for(standin: BotApiStandIn, tmp_path: Path, **extra: Any) -> Settings:
    prompts = tmp_path / "prompts"
    prompts.mkdir(exist_ok=True)
    (prompts / "mini.yaml").write_text(MINI)
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=tmp_path / "bot.sqlite3",
        BOT_PROMPTS_DIR=prompts,
        **extra,
    )


def rows(tmp_path: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        return db.execute(query, params).fetchall()
    finally:
        db.close()


class Room:
    def __init__(self, standin: BotApiStandIn, *, admins: int = 1, members: int = 3) -> None:
        self.standin = standin
        self.admin = standin.user("Ada", username="ada")
        self.members = [standin.user(f"M{i}", username=f"m{i}") for i in range(members)]
        self.chat: FakeChat = standin.group("Room", members=self.members, admins=[self.admin])

    def says(self, user: FakeUser, words: str) -> StoredMessage:
        return self.standin.send_text(user, self.chat, words)

    async def reads(self) -> StoredMessage:
        return await self.standin.next_bot_message(self.chat.id, timeout=10)

    async def popup(self, user: FakeUser, message: StoredMessage, button: str) -> str:
        query = self.standin.press(user, message, button)
        return (await self.standin.wait_for_callback_answer(query)).text or ""

    async def barrier(self) -> str:
        """/status is answered after everything sent before it has been handled."""
        self.says(self.members[-1], "/status")
        return (await self.reads()).text or ""

    async def start_and_post_questions(self) -> list[StoredMessage]:
        self.says(self.admin, "/begin")
        await self.reads()
        self.says(self.admin, "/next")
        await self.reads()  # the section
        self.says(self.admin, "/next")
        return [await self.reads() for _ in range(3)]

    def raw_message(self, sender: FakeUser, words: str, **extra: Any) -> None:
        """A message with fields the actors don't produce (channels, forwards, bots)."""
        payload = {
            "message_id": 100_000 + len(self.standin.calls),
            "date": int(time.time()),
            "chat": self.chat.to_api(),
            "from": sender.to_api(),
            "text": words,
            **extra,
        }
        self.standin.enqueue("message", payload)


async def test_buttons_quiz_feedback_is_a_private_popup_and_one_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        one, two, quiz = await room.start_and_post_questions()
        assert one.poll is None and "only you will see" in (one.text or "")
        assert two.poll is None and "tap each one" in (two.text or "")
        assert quiz.poll is not None and quiz.poll.type == "quiz"
        posted = len(standin.bot_messages(room.chat.id))
        m0, m1, m2 = room.members
        assert (await room.popup(m0, one, "Right")).startswith("✅ Right!\nBecause the text")
        assert "already answered" in await room.popup(m0, one, "Wrong")
        assert "Not quite" in await room.popup(m1, one, "Wrong")
        assert "A" in await room.popup(m2, two, "A")
        assert "A; C" in await room.popup(m2, two, "C")
        assert "now: C." in await room.popup(m2, two, "A")
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
    room = Room(standin)
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        await room.start_and_post_questions()
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
        section = next(
            m for m in standin.bot_messages(room.chat.id) if "Short text" in (m.text or "")
        )
        standin.reply(m0, section, "a reply to the reading, not to a question")
        standin.reply(m0, short, "my real answer")
        await room.barrier()
    assert rows(tmp_path, "SELECT user_id, answer_text, via FROM answers") == [
        (m0.id, "my real answer", "reply")
    ]


async def test_anonymous_admins_and_configured_moderators_may_run_a_session(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    teacher = standin.user("Teacher", username="teacher")  # not an admin of the group
    standin.add_member(room.chat, teacher)
    settings = settings_for(standin, tmp_path, BOT_MODERATOR_IDS=str(teacher.id))
    async with running_bot(settings, group_window=WINDOW):
        room.says(room.members[0], "/next")
        assert "only the group's admins" in ((await room.reads()).text or "")
        room.says(teacher, "/begin mini")
        assert "A &lt;mini&gt; &amp; lesson" in ((await room.reads()).html or "")
        anonymous = FakeUser(
            id=1087968824, first_name="Group", username="GroupAnonymousBot", is_bot=True
        )
        room.raw_message(
            anonymous,
            "/next",
            sender_chat=room.chat.to_api(),
            entities=[{"type": "bot_command", "offset": 0, "length": 5}],
        )
        assert "Part 1 of 1" in ((await room.reads()).text or "")
        room.says(room.members[1], "/end")
        assert "only the group's admins" in ((await room.reads()).text or "")
        room.says(teacher, "/end")
        assert "Session closed" in ((await room.reads()).text or "")


async def test_a_removed_bot_pauses_the_session_and_begin_resumes_it(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    bot = standin.bot_user
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        room.chat.members[bot.id] = ChatMember(bot, "kicked")
        standin.enqueue("my_chat_member", membership_change(room, "member", "kicked"))
        await standin.wait_for(lambda: rows(tmp_path, "SELECT status FROM walks") == [("paused",)])
        room.chat.members[bot.id] = ChatMember(bot, "member")
        standin.enqueue("my_chat_member", membership_change(room, "left", "member"))
        assert "⏸ Paused" in await room.barrier()
        room.says(room.admin, "/begin")
        assert "goes on" in ((await room.reads()).text or "")
        room.says(room.admin, "/next")
        assert "Part 1 of 1" in ((await room.reads()).text or "")
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


def membership_change(room: Room, old: str, new: str) -> dict[str, Any]:
    bot = room.standin.bot_user.to_api()
    return {
        "chat": room.chat.to_api(),
        "from": room.admin.to_api(),
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": bot},
        "new_chat_member": {"status": new, "user": bot, "until_date": 0}
        if new == "kicked"
        else {"status": new, "user": bot},
    }


async def test_a_flood_limit_slows_the_session_down_and_loses_nothing(tmp_path: Path) -> None:
    # A tight limit (2 messages a second per group) that the bot's limiter doesn't know:
    # Telegram answers 429 with retry_after, and the bot waits it out and retries.
    async with BotApiStandIn(TOKEN, group_flood_limit=2, flood_window=WINDOW) as standin:
        room = Room(standin)
        async with running_bot(settings_for(standin, tmp_path), group_window=0.01):
            questions = await room.start_and_post_questions()
            assert [q.poll is not None for q in questions] == [False, False, True]
        assert any(c.error_code == 429 for c in standin.rejected)
        assert all(c.error_code == 429 for c in standin.rejected)


async def test_begin_offers_the_lessons_when_there_are_several(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    settings = settings_for(standin, tmp_path)
    (tmp_path / "prompts" / "other.yaml").write_text(
        MINI.replace("id: mini", "id: other").replace("A <mini> & lesson", "Another lesson")
    )
    async with running_bot(settings, group_window=WINDOW):
        room.says(room.admin, "/begin nosuch")
        assert "no lesson called “nosuch”" in ((await room.reads()).text or "")
        room.says(room.admin, "/begin")
        menu = await room.reads()
        assert menu.button_texts == ["A <mini> & lesson", "Another lesson"]
        assert "only the group's admins" in await room.popup(
            room.members[0], menu, "Another lesson"
        )
        assert await room.popup(room.admin, menu, "Another lesson") == ""
        started = await room.reads()
        assert "Another lesson" in (started.text or "")
        room.says(room.admin, "/begin other")
        assert "already running" in ((await room.reads()).text or "")
    assert rows(tmp_path, "SELECT lesson_id, status FROM walks") == [("other", "active")]


async def test_a_group_upgraded_mid_send_moves_to_the_supergroup_and_retries_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        old_id = room.chat.id
        room.says(room.admin, "/next")  # handled after the upgrade below has happened
        room.chat = standin.migrate_to_supergroup(room.chat)
        section = await room.reads()  # in the supergroup: the send followed the upgrade
        assert "Part 1 of 1" in (section.text or "")
        assert "Members who have answered so far: 0" in await room.barrier()
    migrated = [c for c in standin.rejected if "upgraded to a supergroup" in (c.error or "")]
    assert len(migrated) == 1 and migrated[0].params["chat_id"] == old_id
    assert rows(tmp_path, "SELECT chat_id FROM walks") == [(room.chat.id,)]


async def test_a_command_deleted_before_the_answer_still_gets_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Room(standin)
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        command = room.says(room.members[0], "/begin")
        command.deleted = True  # e.g. a clean-up bot removed it at once
        assert "only the group's admins" in ((await room.reads()).text or "")
    assert standin.rejected == []
