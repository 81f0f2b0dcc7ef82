"""The right words for the situation: paused sessions, a second lesson menu, a stance given
privately or twice, a group question left open in a private chat, edits too late, several
right answers."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.config import Settings
from tests.conftest import TOKEN, running_bot
from tests.standin import BotApiStandIn, ChatMember, FakeChat, FakeUser, StoredMessage

ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot

WINDOW = 1.0
TALK = """\
id: talk
title: Talk
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
      - id: stance
        type: debate
        prompt: Agree with the text?
      - id: both
        type: choice
        prompt: Which two?
        options: [A, B, C]
        answer: [A, C]
discussion:
  - id: last
    type: short
    prompt: Anything else?
"""


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN, flood_window=WINDOW) as server:
        yield server


def settings_for(
    standin: BotApiStandIn, tmp_path: Path, *, lessons: int = 1, lesson: str = TALK
) -> Settings:
    prompts = tmp_path / "prompts"
    prompts.mkdir(exist_ok=True)
    (prompts / "talk.yaml").write_text(lesson)
    if lessons > 1:
        (prompts / "other.yaml").write_text(
            TALK.replace("id: talk", "id: other").replace("title: Talk", "title: Other")
        )
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=tmp_path / "bot.sqlite3",
        BOT_PROMPTS_DIR=prompts,
    )


def text(message: StoredMessage) -> str:
    return message.text or ""


class Room:
    def __init__(self, standin: BotApiStandIn) -> None:
        self.standin = standin
        self.admin = standin.user("Ada", username="ada")
        self.member = standin.user("Mo", username="mo")
        self.chat: FakeChat = standin.group("Room", members=[self.member], admins=[self.admin])

    def says(self, user: FakeUser, words: str) -> None:
        self.standin.send_text(user, self.chat, words)

    async def reads(self) -> StoredMessage:
        return await self.standin.next_bot_message(self.chat.id, timeout=10)

    async def popup(self, user: FakeUser, message: StoredMessage, button: str) -> str:
        query = self.standin.press(user, message, button)
        return (await self.standin.wait_for_callback_answer(query)).text or ""

    async def post_questions(self) -> tuple[StoredMessage, list[StoredMessage]]:
        """/begin and two /next: the start message and the part's three questions."""
        self.says(self.admin, "/begin")
        started = await self.reads()
        self.says(self.admin, "/next")
        await self.reads()  # the section
        self.says(self.admin, "/next")
        return started, [await self.reads() for _ in range(3)]

    def bot_membership(self, old: str, new: Literal["member", "kicked"]) -> None:
        bot = self.standin.bot_user
        self.chat.members[bot.id] = ChatMember(bot, new)
        change: dict[str, Any] = {"status": new, "user": bot.to_api()}
        if new == "kicked":
            change["until_date"] = 0
        self.standin.enqueue(
            "my_chat_member",
            {
                "chat": self.chat.to_api(),
                "from": self.admin.to_api(),
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": bot.to_api()},
                "new_chat_member": change,
            },
        )


class Student:
    def __init__(self, standin: BotApiStandIn, user: FakeUser) -> None:
        self.standin = standin
        self.user = user
        self.chat = standin.private_chat(user)

    def says(self, words: str) -> StoredMessage:
        return self.standin.send_text(self.user, self.chat, words)

    async def reads(self) -> StoredMessage:
        return await self.standin.next_bot_message(self.chat.id, timeout=10)

    async def popup(self, message: StoredMessage, button: str) -> str:
        query = self.standin.press(self.user, message, button)
        return (await self.standin.wait_for_callback_answer(query)).text or ""

    async def opens_link(self, message: StoredMessage) -> StoredMessage:
        """The group question's "Answer privately" link: the question, asked here."""
        self.says(f"/start {link_payload(message)}")
        assert "answering privately" in text(await self.reads())
        return await self.reads()

    async def begins_own_lesson(self) -> StoredMessage:
        """/lessons, Begin, Continue: the lesson's first question."""
        self.says("/lessons")
        await self.popup(await self.reads(), "▶️ Begin")
        await self.popup(await self.reads(), "Continue ▸")
        return await self.reads()

    async def reaches_the_debate(self) -> StoredMessage:
        """Their own lesson begun and its first question answered: the debate question."""
        await self.begins_own_lesson()
        self.says("something")
        await self.reads()  # the acknowledgement
        return await self.reads()


@asynccontextmanager
async def bot_in_a_group(
    standin: BotApiStandIn, tmp_path: Path, *, lessons: int = 1, lesson: str = TALK
) -> AsyncIterator[tuple[Room, Student]]:
    """The bot running, a group with an admin and a member, and the member's private chat."""
    room = Room(standin)
    settings = settings_for(standin, tmp_path, lessons=lessons, lesson=lesson)
    async with running_bot(settings, group_window=WINDOW):
        yield room, Student(standin, room.member)


def link_payload(message: StoredMessage) -> str:
    url = next(b.url for row in message.buttons for b in row if b.url)
    assert url is not None
    return url.split("?start=", 1)[1]


def rows(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


async def test_a_paused_session_is_called_paused_everywhere(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        started, (_, debate, _) = await room.post_questions()
        room.bot_membership("member", "kicked")  # removed from the group: the session pauses
        await standin.wait_for(lambda: rows(tmp_path, "SELECT status FROM walks") == [("paused",)])
        room.bot_membership("left", "member")  # added back; /begin would resume
        room.says(room.admin, "/next")
        assert "Talk</b> is paused. An admin can resume it with /begin" in (
            (await room.reads()).html or ""
        )
        assert "one part, followed by questions" in text(started)
        carrier = next(
            m for m in standin.bot_messages(room.chat.id) if "Next ▸ (admins)" in m.button_texts
        )
        assert "paused" in await room.popup(room.admin, carrier, "Next ▸ (admins)")
        assert "paused. Answers count again" in await room.popup(room.member, debate, "Agree")
        student.says(f"/start {link_payload(debate)}")
        assert "paused. Answers count again" in text(await student.reads())
        room.says(room.member, "/status")
        assert "⏸ Paused: an admin can resume it with /begin." in text(await room.reads())
        room.says(room.admin, "/begin")
        assert "goes on" in text(await room.reads())
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(0,)]


async def test_an_old_lesson_menu_says_a_session_is_already_running(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path, lessons=2) as (room, _):
        room.says(room.admin, "/begin")
        menu = await room.reads()
        room.says(room.admin, "/begin other")
        assert "Other" in text(await room.reads())
        said = await room.popup(room.admin, menu, "Talk")
        assert said == "A session is already running here. Use /next to go on, or /end to close it."
    assert rows(tmp_path, "SELECT lesson_id FROM walks") == [("other",)]


async def test_a_stance_given_privately_asks_for_a_typed_reason(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (_, debate, _) = await room.post_questions()
        asked = await student.opens_link(debate)
        said = await student.popup(asked, "Agree")
        assert said == "Your stance: Agree. Now type your reason as a message."
        assert "Reply to the question" not in said


async def test_a_group_question_left_open_does_not_take_the_own_lessons_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (say, _, _) = await room.post_questions()
        await student.opens_link(say)  # opened, never answered
        own = await student.begins_own_lesson()
        assert "Say something." in text(own)
        student.says("my own answer")
        acknowledged = text(await student.reads())
        assert "Saved your answer for" not in acknowledged
    assert rows(
        tmp_path, "SELECT w.audience, a.answer_text FROM answers a JOIN walks w ON w.id = a.walk_id"
    ) == [("private", "my own answer")]


async def test_a_stance_pressed_again_says_the_reason_is_awaited(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path)):
        debate = await student.reaches_the_debate()
        assert await student.popup(debate, "Agree") == ""
        await student.reads()  # "Why?"
        student.says("/start")  # welcome back: the question again, with its buttons
        await student.reads()
        again = await student.reads()
        await student.reads()  # "Why?" again
        said = await student.popup(again, "Disagree")
        assert said == "You already picked your stance: Agree. Now type your reason as a message."


async def test_a_wrong_pick_names_all_the_right_answers_and_a_late_edit_is_answered(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path)):
        debate = await student.reaches_the_debate()
        await student.popup(debate, "Agree")
        await student.reads()
        student.says("because")
        await student.reads()
        both = await student.reads()
        await student.popup(both, "⬜ B")
        ticked = await student.standin.wait_for(lambda: with_button(student, both, "☑️ B"))
        await student.popup(ticked, "✔️ Submit my choice")
        feedback = await student.standin.wait_for(lambda: judged(student, both))
        assert "The right answers: A; C" in feedback
        assert "Anything else?" in text(await student.reads())  # the discussion question
        last = student.says("all done")
        while "finished" not in text(await student.reads()):
            pass
        student.standin.edit_text(student.user, last, "all done, edited")
        assert (
            text(await student.reads())
            == "That lesson attempt is over, so your answer stays as it was."
        )


def current(student: Student, message: StoredMessage) -> StoredMessage:
    """The message as it is now (its buttons as the bot last edited them)."""
    chat = student.standin.messages(message.chat_id)
    return next(m for m in chat if m.message_id == message.message_id)


def with_button(student: Student, message: StoredMessage, button: str) -> StoredMessage | None:
    now = current(student, message)
    return now if button in now.button_texts else None


def judged(student: Student, message: StoredMessage) -> str | None:
    """The question's text once the bot has edited the verdict into it."""
    now = current(student, message).text
    return now if now and "Not quite" in now else None


@pytest.mark.parametrize("command", ["/report", "/export"])
async def test_an_anonymous_admin_is_told_to_ask_as_themselves(
    standin: BotApiStandIn, tmp_path: Path, command: str
) -> None:
    room = Room(standin)
    anonymous = FakeUser(
        id=ANONYMOUS_ADMIN, first_name="Group", username="GroupAnonymousBot", is_bot=True
    )
    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        await room.post_questions()
        standin.enqueue(
            "message",
            {
                "message_id": 900_000,
                "date": int(time.time()),
                "chat": room.chat.to_api(),
                "from": anonymous.to_api(),
                "sender_chat": room.chat.to_api(),
                "text": command,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        )
        said = text(await room.reads())
        assert "posting as the group (an anonymous admin)" in said
        assert "Remain anonymous" in said
    assert rows(tmp_path, "SELECT COUNT(*) FROM deliveries") == [(0,)]  # nothing left waiting


async def test_commands_sent_in_the_wrong_kind_of_chat_say_where_they_work(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        for command in ("/begin", "/next", "/end", "/status"):
            student.says(command)
            said = text(await student.reads())
            assert said.startswith(f"{command} is for a study group: add me to your group")
        for command in ("/lessons", "/progress", "/restart", "/myanswers", "/forget"):
            room.says(room.member, f"{command}@{standin.bot_user.username}")
            pointer = await room.reads()
            assert text(pointer).startswith(f"{command} works in a private chat with me")
            assert [b.url for row in pointer.buttons for b in row] == [
                f"https://t.me/{standin.bot_user.username}"
            ]
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks") == [(0,)]  # nothing was started


# A part whose second question is a quiz poll: a refused poll stops the part half-way.
WITH_POLL = TALK.replace(
    """      - id: stance
        type: debate
        prompt: Agree with the text?
""",
    """      - id: quiz
        type: choice
        prompt: Right or wrong?
        options: [Right, Wrong]
        answer: Right
""",
)


async def test_a_part_cut_short_keeps_what_was_posted_and_next_posts_the_rest(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path, lesson=WITH_POLL) as (room, _):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the section
        standin.fail_next(
            "sendPoll", code=400, description="Bad Request: not enough rights to send polls"
        )
        room.says(room.admin, "/next")
        say = await room.reads()
        assert "Say something." in text(say)
        told = text(await room.reads())
        assert told.startswith(
            "⚠️ I could not post everything here. Telegram said: Not enough rights to send polls."
        )
        standin.reply(room.member, say, "an answer to what was posted")
        room.says(room.admin, "/next")
        rest = [await room.reads() for _ in range(2)]
        assert rest[0].poll is not None and "Which two?" in text(rest[1])
        room.says(room.member, "/status")  # handled after the reply: a barrier
        await room.reads()
    posted = [text(m) for m in standin.bot_messages(room.chat.id) if "Say something." in text(m)]
    assert len(posted) == 1  # not posted again
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers") == [
        ("say", "an answer to what was posted")
    ]


async def test_a_student_who_blocks_and_unblocks_the_bot_keeps_their_lesson(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path)):
        own = await student.begins_own_lesson()
        for old, new in (("member", "kicked"), ("kicked", "member")):
            standin.enqueue(
                "my_chat_member",
                {
                    "chat": student.chat.to_api(),
                    "from": student.user.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": standin.bot_user.to_api()},
                    "new_chat_member": {"status": new, "user": standin.bot_user.to_api()}
                    | ({"until_date": 0} if new == "kicked" else {}),
                },
            )
        student.says("after unblocking")
        assert "Saved your answer" in text(await student.reads())
        assert "Say something." in text(own)
    assert rows(tmp_path, "SELECT status FROM walks") == [("active",)]


async def test_a_summary_refused_leaves_the_session_closed(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, _):
        await room.post_questions()
        # Removed from the group just as /end arrives: the closing summary is refused.
        standin.fail_next(
            "sendMessage", code=403, description="Forbidden: bot was kicked from the group chat"
        )
        room.says(room.admin, "/end")
        await standin.wait_for(
            lambda: any(c.method == "sendMessage" and c.error_code == 403 for c in standin.calls),
            what="the closing summary refused",
        )
        room.says(room.member, "/status")
        assert "No session is running here" in text(await room.reads())
    assert rows(tmp_path, "SELECT status FROM walks") == [("finished",)]  # not 'paused'


async def test_editing_a_private_reason_keeps_the_stance_changed_since(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (_, debate, _) = await room.post_questions()
        asked = await student.opens_link(debate)
        await student.popup(asked, "Agree")
        await student.reads()  # "Why?"
        reason = student.says("because it says so")
        assert "Saved your answer" in text(await student.reads())
        assert "Disagree" in await room.popup(room.member, debate, "Disagree")  # in the group
        standin.edit_text(room.member, reason, "because it says so, fixed")
        assert "Updated" in text(await student.reads())
        # Two edits within one second (Telegram's edit_date has whole seconds): both count.
        standin.edit_text(room.member, reason, "first fix")
        standin.edit_text(room.member, reason, "second fix")
        await student.reads()
        await student.reads()
    current = rows(
        tmp_path,
        "SELECT stance, answer_text FROM answers WHERE question_id = 'stance' "
        "ORDER BY version DESC LIMIT 1",
    )
    assert current == [("Disagree", "second fix")]


async def test_a_sticker_while_a_groups_question_awaits_asks_for_typed_text(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (say, _, _) = await room.post_questions()
        await student.opens_link(say)
        standin.send_sticker(student.user, student.chat)
        assert "type your answer as a message" in text(await student.reads())


async def test_a_reply_to_an_earlier_question_is_not_taken_for_the_current_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path)):
        say = await student.begins_own_lesson()
        student.says("first")
        await student.reads()  # the acknowledgement
        debate = await student.reads()
        await student.popup(debate, "Agree")
        why = await student.reads()
        # A reply to the bot's "Why?" is the reason: that is the question now.
        standin.send_text(student.user, student.chat, "because", reply_to=why)
        assert "Saved your stance and your reason" in text(await student.reads())
        both = await student.reads()
        await student.popup(both, "⬜ A")
        ticked = await standin.wait_for(lambda: with_button(student, both, "☑️ A"))
        await student.popup(ticked, "✔️ Submit my choice")
        assert "Anything else?" in text(await student.reads())  # a typed answer is awaited
        standin.send_text(student.user, student.chat, "a correction", reply_to=say)
        said = await student.reads()
        assert text(said).startswith("That reply is to an earlier question, so I did not save it")
        assert "Anything else?" in text(said)
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers ORDER BY id") == [
        ("say", "first"),
        ("stance", None),
        ("stance", "because"),
        ("both", "A"),
    ]


async def test_a_session_begun_in_a_forum_topic_runs_in_that_topic(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    admin, member = standin.user("Ada", username="ada"), standin.user("Mo", username="mo")
    forum = standin.group("Forum", members=[member], admins=[admin], forum=True)
    topic = 7

    async def reads() -> StoredMessage:
        return await standin.next_bot_message(forum.id, timeout=10)

    async with running_bot(settings_for(standin, tmp_path), group_window=WINDOW):
        standin.send_text(admin, forum, "/begin", topic=topic)
        started = await reads()
        standin.send_text(admin, forum, "/next", topic=topic)
        section = await reads()
        standin.send_text(admin, forum, "/next", topic=topic)
        questions = [await reads() for _ in range(3)]
        standin.reply(member, questions[0], "said in the topic")
        standin.send_text(member, forum, "/status", topic=topic)
        status = await reads()
        assert "Members who have answered so far: 1" in text(status)
    assert [m.thread_id for m in (started, section, *questions, status)] == [topic] * 6
    assert rows(tmp_path, "SELECT thread_id FROM walks") == [(topic,)]
    assert rows(tmp_path, "SELECT answer_text FROM answers") == [("said in the topic",)]


async def test_beginning_another_lesson_asks_first_and_a_second_begin_is_no_second_start(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, lessons=2)):
        student.says("/lessons")
        menu = await student.reads()
        assert menu.button_texts == ["Other", "Talk"]
        first = standin.press_data(student.user, menu, "v1:go:talk")
        second = standin.press_data(student.user, menu, "v1:go:talk")  # a double tap
        await standin.wait_for_callback_answer(first)
        said = (await standin.wait_for_callback_answer(second)).text or ""
        assert said.startswith("You are in this lesson already")  # no second start
        part = await student.reads()
        assert "Only part" in text(part)
        await student.popup(part, "Continue ▸")
        await student.reads()  # the first question
        # Another lesson, while this one is in progress: asked first.
        query = standin.press_data(student.user, menu, "v1:go:other")
        await standin.wait_for_callback_answer(query)
        ask = await student.reads()
        assert "You are in the middle of <b>Talk</b>. Beginning <b>Other</b> closes it" in (
            ask.html or ""
        )
        assert ask.button_texts == ["▶️ Begin Other", "↩️ Go on with Talk"]
        await student.popup(ask, "↩️ Go on with Talk")
        assert "Welcome back" in text(await student.reads())
        assert "Say something." in text(await student.reads())  # where it stopped
        await student.popup(ask, "▶️ Begin Other")
        assert "Other" in text(await student.reads())
    assert rows(tmp_path, "SELECT lesson_id, status FROM walks ORDER BY id") == [
        ("talk", "abandoned"),
        ("other", "active"),
    ]


# Two typed questions in a row: a second quick message belongs to the first.
TWO_TYPED = TALK.replace(
    """      - id: stance
        type: debate
        prompt: Agree with the text?
""",
    """      - id: more
        type: short
        prompt: Say more.
""",
)


async def test_a_message_sent_before_the_next_question_is_not_its_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, lesson=TWO_TYPED)):
        assert "Say something." in text(await student.begins_own_lesson())
        student.says("The main claim is that Seoul")
        student.says("is putting the North first")  # before the next question appears
        assert "Saved your answer" in text(await student.reads())
        assert "Say more." in text(await student.reads())
        said = text(await student.reads())
        assert said.startswith("That was sent before this question appeared")
        student.says("more, now")
        assert "Saved your answer" in text(await student.reads())
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers ORDER BY id") == [
        ("say", "The main claim is that Seoul"),
        ("more", "more, now"),
    ]
