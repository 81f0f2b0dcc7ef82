"""The people of the story tests and what those tests share.

Actors act through the stand-in as a Telegram client would (``says``, ``presses``) and read
what the bot sent them (``reads``): a ``Student`` in their private chat, a ``Group`` with its
admin and members, a ``Moderator`` who gets reports and exports privately. Besides them: the
bot's settings for a test, a small lesson written into a prompts folder, and the bot's SQLite
file read back (``rows``, ``records``, ``value``).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from bot.config import Settings
from bot.storage import Storage, Walk
from bot.storage.assignments import Assignment
from tests.conftest import PROMPTS, make_settings
from tests.standin import BotApiStandIn, ChatMember, FakeChat, FakeUser, StoredMessage

FLOOD_WINDOW = 1.0  # seconds standing in for Telegram's one-minute flood window
DB_NAME = "bot.sqlite3"
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot

# One part of three questions (buttons, several answers, a quiz poll), then a short question.
SMALL_LESSON = """\
id: mini
title: A <mini> & lesson
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false  # the tests vote and press options by their place
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

# One part with one question answered by a reply (a group's written answers).
REPLY_LESSON = """\
id: reply
title: Reply lesson
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
"""


# ---------------------------------------------------------------------- settings and lessons


def write_lesson(folder: Path, text: str) -> Path:
    """The lesson written into ``folder``/prompts as ``<its id>.yaml``."""
    found = re.search(r"^id: *(\S+)", text, re.MULTILINE)
    assert found is not None, "a lesson for a test starts with its id"
    prompts = folder / "prompts"
    prompts.mkdir(exist_ok=True)
    path = prompts / f"{found.group(1)}.yaml"
    path.write_text(text)
    return path


def settings_for(
    standin: BotApiStandIn,
    folder: Path,
    *lessons: str,
    prompts: Path = PROMPTS,
    **extra: Any,
) -> Settings:
    """The bot's settings for a test: its database ``folder``/bot.sqlite3; its lessons those
    given (written into ``folder``/prompts), else those in ``prompts`` (the shipped ones)."""
    for lesson in lessons:
        write_lesson(folder, lesson)
    if lessons:
        prompts = folder / "prompts"
    return make_settings(standin, folder / DB_NAME, prompts, **extra)


# ---------------------------------------------------------------------- the bot's database


def _database(db: Path) -> Path:
    return db / DB_NAME if db.is_dir() else db


def rows(db: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    """What ``query`` finds in the bot's SQLite file (``db``, or the test's folder holding
    bot.sqlite3), read on a connection of its own: only what has been committed."""
    connection = sqlite3.connect(_database(db))
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()


def records(db: Path, query: str, *params: object) -> list[sqlite3.Row]:
    """As ``rows``, each row readable by column name."""
    connection = sqlite3.connect(_database(db))
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()


def value(db: Path, query: str, *params: object) -> Any:
    """The first column of the first row ``query`` finds (a count, a status...)."""
    return rows(db, query, *params)[0][0]


# ---------------------------------------------------------------------- reading messages


def text(message: StoredMessage) -> str:
    """What the message shows: its text, or its caption; "" if it has neither."""
    return message.content or ""


def html(message: StoredMessage) -> str:
    """The text or caption exactly as the bot sent it (HTML)."""
    return message.html or ""


def edited(standin: BotApiStandIn, message: StoredMessage) -> StoredMessage | None:
    """The message as it is now, once the bot has edited it (for ``standin.wait_for``)."""
    now = standin.message(message.chat_id, message.message_id)
    return now if now.edit_count > 0 else None


def listed_options(message: StoredMessage) -> dict[str, str]:
    """The options a choice question's message lists in full, by letter ({"A": "…", …}):
    options too long for buttons are listed, and the buttons are the letters (issue 13)."""
    return dict(re.findall(r"^([A-L])\. (.+)$", text(message), re.MULTILINE))


def option_button(message: StoredMessage, option: str) -> str:
    """The button to press for ``option``: its letter if the message lists it, else its text."""
    by_text = {listed: letter for letter, listed in listed_options(message).items()}
    return by_text.get(option, option)


async def popup(standin: BotApiStandIn, query_id: str) -> str:
    """The text the bot answered a button press with ("" if none)."""
    return (await standin.wait_for_callback_answer(query_id, timeout=10)).text or ""


def link_payload(message: StoredMessage) -> str:
    """The /start payload of the message's link button (a group question's "answer
    privately", an export waiting for /start)."""
    url = next(b.url for row in message.buttons for b in row if b.url)
    assert url is not None and "?start=" in url
    return url.split("?start=", 1)[1]


def bot_membership_update(
    standin: BotApiStandIn, chat: FakeChat, by: FakeUser, old: str, new: str
) -> dict[str, Any]:
    """A my_chat_member update: the bot's status in ``chat`` changed from ``old`` to ``new``
    (a group removing or adding it, a student blocking or unblocking it)."""
    bot = standin.bot_user.to_api()
    change: dict[str, Any] = {"status": new, "user": bot}
    if new == "kicked":
        change["until_date"] = 0
    return {
        "chat": chat.to_api(),
        "from": by.to_api(),
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": bot},
        "new_chat_member": change,
    }


# ---------------------------------------------------------------------- actors


class Student:
    """Someone in their private chat with the bot: ``user``, or a new user of that name."""

    def __init__(
        self,
        standin: BotApiStandIn,
        first_name: str = "Ana",
        username: str = "ana_k",
        *,
        user: FakeUser | None = None,
    ) -> None:
        self.standin = standin
        self.user = user or standin.user(first_name, last_name="Kim", username=username)
        self.chat: FakeChat = standin.private_chat(self.user)

    def says(self, words: str, *, reply_to: StoredMessage | None = None) -> StoredMessage:
        return self.standin.send_text(self.user, self.chat, words, reply_to=reply_to)

    async def reads(self) -> StoredMessage:
        """The bot's next message in this chat."""
        return await self.standin.next_bot_message(self.chat.id, timeout=10)

    async def presses(self, message: StoredMessage, button: str) -> str:
        """Press the button and wait for the bot's answer: the pop-up's text ("" if none)."""
        return await popup(self.standin, self.standin.press(self.user, message, button))

    async def begins_lesson(self, command: str = "/start") -> StoredMessage:
        """Begin the only lesson from its menu, after /start's welcome (or /lessons), and read
        on past its first part: the first question."""
        self.says(command)
        if command == "/start":
            await self.reads()  # the welcome
        self.standin.press(self.user, await self.reads(), "▶️ Begin")
        shown = await self.reads()
        while "Before you read" in text(shown):  # a stance asked before the reading
            self.standin.press(self.user, shown, shown.button_texts[0])
            shown = await self.reads()
        self.standin.press(self.user, shown, "Continue ▸")
        return await self.reads()

    async def opens_link(self, message: StoredMessage) -> StoredMessage:
        """The group question's "Answer privately" link: the question, asked here."""
        self.says(f"/start {link_payload(message)}")
        assert "answering privately" in text(await self.reads())
        return await self.reads()

    async def opens_chat(self) -> None:
        """/help, answered: the bot may write to this chat from now on."""
        self.says("/help")
        await self.reads()


class Group:
    """A group the bot is in: ``admin`` (who may run sessions) and ``members`` (a number of
    them, M0, M1..., or their names); usernames are the names in lower case."""

    def __init__(
        self,
        standin: BotApiStandIn,
        title: str = "Room",
        *,
        admin: str = "Ada",
        members: int | Sequence[str] = 3,
    ) -> None:
        names = [f"M{i}" for i in range(members)] if isinstance(members, int) else members
        self.standin = standin
        self.admin = standin.user(admin, username=admin.lower())
        self.members = [standin.user(name, username=name.lower()) for name in names]
        self.chat: FakeChat = standin.group(title, members=self.members, admins=[self.admin])
        self._raw_ids = itertools.count(100_000)

    @property
    def everyone(self) -> list[FakeUser]:
        return [self.admin, *self.members]

    def says(self, user: FakeUser, words: str) -> StoredMessage:
        return self.standin.send_text(user, self.chat, words)

    async def reads(self) -> StoredMessage:
        """The bot's next message in the group."""
        return await self.standin.next_bot_message(self.chat.id, timeout=10)

    async def presses(self, user: FakeUser, message: StoredMessage, button: str) -> str:
        """``user`` presses the button; the pop-up's text ("" if none)."""
        return await popup(self.standin, self.standin.press(user, message, button))

    async def barrier(self) -> str:
        """/status, answered: updates are handled in order, so everything sent before it has
        been handled. Its answer's text."""
        self.says(self.members[-1], "/status")
        return text(await self.reads())

    async def posts_first_questions(
        self, count: int = 3
    ) -> tuple[StoredMessage, list[StoredMessage]]:
        """The admin's /begin and two /next: the start message, and the ``count`` questions
        of the first part."""
        self.says(self.admin, "/begin")
        started = await self.reads()
        self.says(self.admin, "/next")
        part = await self.reads()
        while "Before we read" in text(part):  # a stance asked before the reading
            part = await self.reads()
        self.says(self.admin, "/next")
        return started, [await self.reads() for _ in range(count)]

    def raw_message(self, sender: FakeUser, words: str, **extra: Any) -> None:
        """A message with fields the actors don't produce (channels, forwards, bots)."""
        payload = {
            "message_id": next(self._raw_ids),
            "date": int(time.time()),
            "chat": self.chat.to_api(),
            "from": sender.to_api(),
            "text": words,
            **extra,
        }
        self.standin.enqueue("message", payload)

    def anonymous_admin_says(self, command: str) -> None:
        """An admin who posts as the group (Telegram's "Remain anonymous") sends a command."""
        anonymous = FakeUser(
            id=ANONYMOUS_ADMIN, first_name="Group", username="GroupAnonymousBot", is_bot=True
        )
        name = command.split(" ", 1)[0]
        self.raw_message(
            anonymous,
            command,
            sender_chat=self.chat.to_api(),
            entities=[{"type": "bot_command", "offset": 0, "length": len(name)}],
        )

    def bot_membership(self, old: str, new: Literal["member", "kicked"]) -> None:
        """The bot is removed from the group ("kicked") or added back ("member")."""
        bot = self.standin.bot_user
        self.chat.members[bot.id] = ChatMember(bot, new)
        self.standin.enqueue(
            "my_chat_member", bot_membership_update(self.standin, self.chat, self.admin, old, new)
        )


class Moderator(Student):
    """A group's admin (``group.admin``), or a configured moderator (``user``), in their
    private chat with the bot, where reports, exports and alerts arrive."""

    def __init__(
        self, standin: BotApiStandIn, group: Group | None = None, *, user: FakeUser | None = None
    ) -> None:
        if user is None:
            assert group is not None, "a moderator of a group, or a user"
            user = group.admin
        super().__init__(standin, user=user)


async def open_homework(storage: Storage, *, created_by: int = 1) -> Assignment:
    """An open homework of the lesson "words" in group -100 ("Room"), due far in the
    future, for storage-level tests."""
    return await storage.create_assignment(
        chat_id=-100,
        chat_type="group",
        chat_title="Room",
        lesson_id="words",
        deadline="2999-01-01T00:00:00.000000Z",
        late=False,
        created_by=created_by,
        created_by_name="Ada",
    )


async def group_session(storage: Storage) -> Walk:
    """A group session of a lesson that need not exist, for storage-level tests."""
    return await storage.start_walk(
        chat_id=-100,
        chat_type="supergroup",
        chat_title="Circle",
        audience="group",
        user_id=None,
        lesson_id="lesson-a",
        lesson_version="v1",
    )
