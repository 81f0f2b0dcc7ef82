"""Story set-ups that several story tests share: homework given in a group, members
starting and answering it, its close, and its reminders (on the real Application over the
stand-in, through the actors of tests/actors.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.actors import Group, Student, link_payload, text, value
from tests.standin import BotApiStandIn, FakeUser, StoredMessage

# One part with one question (buttons), then a short question: two answers finish it.
HOMEWORK_LESSON = """\
id: hw
title: Homework <one>
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: pick
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
discussion:
  - id: say
    type: short
    prompt: Say something.
"""


async def assigns(room: Group, deadline: str) -> StoredMessage:
    """The admin's /assign: the assignment's message."""
    room.says(room.admin, f"/assign {deadline}")
    post = await room.reads()
    assert "Homework: Homework <one>" in text(post), text(post)
    return post


async def starts(standin: BotApiStandIn, user: FakeUser, post: StoredMessage) -> Student:
    """A member presses Start: the homework's first message, the part and its Continue."""
    student = Student(standin, user=user)
    student.says(f"/start {link_payload(post)}")
    assert "Homework for Room" in text(await student.reads())
    part = await student.reads()
    assert "Short text." in text(part)
    await student.presses(part, "Continue ▸")
    return student


async def answers_first(student: Student) -> None:
    question = await student.reads()
    assert "Which is right?" in text(question)
    await student.presses(question, "Right")


async def finishes(student: Student) -> None:
    await answers_first(student)
    say = await student.reads()
    assert "Say something." in text(say), text(say)
    student.says("My answer")
    assert "Saved your answer" in text(await student.reads())


async def closing(room: Group, post: StoredMessage) -> StoredMessage:
    """The bot's reply to the assignment message at the deadline."""
    message = await room.standin.next_bot_message(room.chat.id, timeout=20)
    assert message.reply_to is not None and message.reply_to.message_id == post.message_id
    return message


def deadline_of(tmp_path: Path) -> dt.datetime:
    stamp = value(tmp_path, "SELECT deadline FROM assignments")
    return dt.datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=dt.UTC)


async def stops_halfway(standin: BotApiStandIn, user: FakeUser, post: StoredMessage) -> Student:
    """A member starts the homework, answers its first question and stops at the second."""
    student = await starts(standin, user, post)
    await answers_first(student)
    assert "Say something." in text(await student.reads())
    return student


# --- reminders ---------------------------------------------------------------------------


def zone_at(hour: int) -> str:
    """A fixed-offset zone where it is ``hour`` o'clock now (Etc/GMT-9 is UTC+9)."""
    offset = (hour - dt.datetime.now(dt.UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}"


def daytime() -> str:
    return zone_at(12)  # far from quiet hours (22:00-08:00) for the minute a test runs


def mentioned(message: StoredMessage) -> set[int]:
    """The ids of the people a message mentions (tg://user?id= links)."""
    return {e["user"]["id"] for e in message.entities if e["type"] == "text_mention"}


def reminders_in(standin: BotApiStandIn, chat_id: int) -> list[StoredMessage]:
    return [m for m in standin.bot_messages(chat_id) if text(m).startswith("⏰")]
