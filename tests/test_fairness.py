"""One user's flood does not slow everyone (issue 19, item 4): the real bot over the stand-in.

A flooding user's updates beyond their budget wait behind everyone else's (bot/scheduler.py),
so another user's /help, and a moderator's /status and /next in a group, are answered while
the flood is still being worked through; the flood itself is handled to its end, in its
sender's order, and nothing of it is lost. Ordering is compared by position (which updates
the bot had begun to handle when a reply reached the stand-in), never by the clock.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot import texts
from bot.context import BotApplication
from bot.flood import HINTS_PER_WINDOW
from tests.conftest import make_settings, running_bot
from tests.standin import BotApiStandIn, FakeChat, FakeUser, StoredMessage

LESSON = """\
id: flood
title: A lesson to flood
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false  # the flood presses options by their place
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: first
        type: short
        prompt: Say something.
      - id: second
        type: short
        prompt: Say more.
discussion:
  - id: last
    type: short
    prompt: Say it again.
"""
FLOOD = 300
# How long to wait for what a test is not about (a set-up step, a reply whose order is what is
# checked): long enough for a loaded machine; only a hang takes longer.
WAIT = 60.0


def prompts_in(folder: Path) -> Path:
    prompts = folder / "prompts"
    prompts.mkdir()
    (prompts / "flood.yaml").write_text(LESSON, encoding="utf-8")
    return prompts


class Handled:
    """Which users' updates the bot had begun to handle, and how many Bot API calls the
    stand-in had received at that moment: a handler that runs before all the others."""

    def __init__(self, application: BotApplication, standin: BotApiStandIn) -> None:
        self.starts: list[tuple[int | None, int]] = []
        self._standin = standin

        async def note(update: Update, context: Any) -> None:
            user = update.effective_user
            self.starts.append((user.id if user else None, len(self._standin.calls)))

        application.add_handler(TypeHandler(Update, note), group=-1)

    def of(self, user: FakeUser, *, before_call: int) -> int:
        """How many of the user's updates the bot had begun before that call arrived."""
        return sum(1 for who, calls in self.starts if who == user.id and calls < before_call)


def call_index(standin: BotApiStandIn, message: StoredMessage) -> int:
    """Where the sendMessage that delivered ``message`` is among the stand-in's calls."""
    for index, call in enumerate(standin.calls):
        if (
            call.method == "sendMessage"
            and call.ok
            and isinstance(call.result, dict)
            and call.result.get("message_id") == message.message_id
            and call.params.get("chat_id") == message.chat_id
        ):
            return index
    raise AssertionError(f"no sendMessage delivered {message!r}")


def rows(db_path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def left_to_handle(standin: BotApiStandIn, db_path: Path) -> int:
    """Updates not handled yet: still at Telegram's, or in the bot's inbox."""
    return len(standin.pending_updates) + int(rows(db_path, "SELECT COUNT(*) FROM inbox")[0][0])


async def worked_through(
    standin: BotApiStandIn, db_path: Path, what: str, stalled: float = WAIT
) -> None:
    """Until every update is delivered, confirmed and handled (gone from the inbox). Fails
    only when none is handled for ``stalled`` seconds: a flood handled one update at a time
    takes as long as the machine needs (many seconds when it is busy), a hang for ever."""
    loop = asyncio.get_running_loop()
    fewest = left_to_handle(standin, db_path)
    deadline = loop.time() + stalled
    while (left := left_to_handle(standin, db_path)) > 0:
        if left < fewest:
            fewest, deadline = left, loop.time() + stalled
        elif loop.time() > deadline:
            raise TimeoutError(f"{what}: {left} not handled, none for {stalled:.0f} s")
        await asyncio.sleep(0.02)


async def begin_private_lesson(standin: BotApiStandIn, user: FakeUser, chat: FakeChat) -> None:
    """The lesson begun, its first (typed) question asked."""
    standin.send_text(user, chat, "/lessons")
    menu = await standin.next_bot_message(chat.id, timeout=WAIT)
    begin = standin.press(user, menu, texts.BEGIN_BUTTON)
    await standin.wait_for_callback_answer(begin, timeout=WAIT)
    section = await standin.next_bot_message(chat.id, timeout=WAIT)
    go_on = standin.press(user, section, texts.CONTINUE_BUTTON)
    await standin.wait_for_callback_answer(go_on, timeout=WAIT)
    question = await standin.next_bot_message(chat.id, timeout=WAIT)
    assert question.text is not None and "Say something." in question.text
    await standin.wait_until_idle(timeout=WAIT)


async def test_another_users_help_is_answered_while_a_private_flood_is_worked_through(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(standin, db_path, prompts_in(tmp_path))
    flooder, other = standin.user("Flooder"), standin.user("Other")
    flooder_chat, other_chat = standin.private_chat(flooder), standin.private_chat(other)
    async with running_bot(settings) as application:
        await begin_private_lesson(standin, flooder, flooder_chat)
        handled = Handled(application, standin)
        asked = len(standin.bot_messages(flooder_chat.id))
        # The flooder's messages are all in Telegram's queue before the other user's /help.
        for number in range(FLOOD):
            standin.send_text(flooder, flooder_chat, f"flood {number}")
        standin.send_text(other, other_chat, "/help")

        help_reply = await standin.next_bot_message(other_chat.id, timeout=WAIT)
        assert help_reply.text is not None and "/lessons" in help_reply.text
        begun = handled.of(flooder, before_call=call_index(standin, help_reply))
        assert begun < FLOOD // 2, f"{begun} of the flood's {FLOOD} updates went first"

        await worked_through(standin, db_path, "the flood to be handled")
    # Nothing lost, nothing reordered: each message was handled once, the first answered
    # the question that was waiting, the next three were added to that answer (an answer
    # typed in a few quick messages); the later ones were sent before the next question
    # appeared, so they are strays: ten hints, then one "slow down" and silence.
    after_flood = [m.text or "" for m in standin.bot_messages(flooder_chat.id)[asked:]]
    strays = after_flood.index(texts.SENT_BEFORE_QUESTION)
    assert "Say more." in after_flood[strays - 4]  # the answer's own replies came first
    assert after_flood[strays - 3 : strays] == [texts.ADDED_TO_ANSWER] * 3
    assert after_flood[strays:] == [texts.SENT_BEFORE_QUESTION] * HINTS_PER_WINDOW + [
        texts.SLOW_DOWN
    ]
    answers = rows(
        db_path,
        "SELECT question_id, answer_text FROM answers WHERE user_id = ? ORDER BY id",
        flooder.id,
    )
    assert answers == [
        ("first", "\n".join(f"flood {n}" for n in range(versions))) for versions in (1, 2, 3, 4)
    ]
    assert sum(1 for who, _ in handled.starts if who == flooder.id) == FLOOD
    assert standin.rejected == []


async def test_a_moderators_status_and_next_are_not_held_behind_a_members_flood_of_replies(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(standin, db_path, prompts_in(tmp_path))
    teacher, flooder, calm = standin.user("Teacher"), standin.user("Flooder"), standin.user("Calm")
    group = standin.group("Class", members=[flooder, calm], admins=[teacher])
    async with running_bot(settings) as application:
        for command in ("/begin flood", "/next", "/next"):
            standin.send_text(teacher, group, command)
            await standin.wait_until_idle(timeout=WAIT)
        question = next(
            m for m in standin.bot_messages(group.id) if m.text and "Say something." in m.text
        )
        posted = len(standin.bot_messages(group.id))
        handled = Handled(application, standin)
        for number in range(FLOOD):
            standin.reply(flooder, question, f"reply {number}")
        standin.reply(calm, question, "my one answer")
        standin.send_text(teacher, group, "/status")
        standin.send_text(teacher, group, "/next")

        def sent(words: str) -> Callable[[], StoredMessage | None]:
            return lambda: next(
                (m for m in standin.bot_messages(group.id)[posted:] if words in (m.text or "")),
                None,
            )

        status = await standin.wait_for(sent("answered so far"), timeout=WAIT)
        next_part = await standin.wait_for(sent("Say it again."), timeout=WAIT)
        for reply in (status, next_part):
            begun = handled.of(flooder, before_call=call_index(standin, reply))
            assert begun < FLOOD // 2, f"{begun} of the flood's {FLOOD} replies went first"

        await worked_through(standin, db_path, "the flood to be handled")
    # Every reply was handled, in the member's order: their standing answer is their last.
    newest = rows(
        db_path,
        "SELECT answer_text FROM answers WHERE user_id = ? AND question_id = 'first' "
        "ORDER BY version DESC LIMIT 1",
        flooder.id,
    )
    assert newest == [(f"reply {FLOOD - 1}",)]
    assert rows(db_path, "SELECT answer_text FROM answers WHERE user_id = ?", calm.id) == [
        ("my one answer",)
    ]
    assert sum(1 for who, _ in handled.starts if who == flooder.id) == FLOOD


async def test_a_flood_of_stray_messages_gets_one_slow_down_instead_of_a_hint_each(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(standin, db_path, prompts_in(tmp_path))
    flooder = standin.user("Flooder")
    chat = standin.private_chat(flooder)
    strays = 4 * HINTS_PER_WINDOW
    async with running_bot(settings):
        for number in range(strays):  # no lesson in progress: each would get a hint
            standin.send_text(flooder, chat, f"hello {number}")
        await worked_through(standin, db_path, "the strays to be handled")
        await standin.wait_until_idle(timeout=WAIT)
    sent = [m.text for m in standin.bot_messages(chat.id)]
    assert sent.count(texts.SLOW_DOWN) == 1
    assert len(sent) == HINTS_PER_WINDOW + 1
