"""A pushed press's pop-up, or a group reply's ✍, goes back in the answer to its push
(bot/push_reply.py): Telegram makes the request, the bot makes no HTTP call of its own; a
press not handled within the push's wait gets its pop-up by a request of its own, as in
polling mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import push_reply
from bot.metrics import metrics
from bot.push_reply import PushReply
from tests.actors import REPLY_LESSON, Group, settings_for, text
from tests.conftest import make_settings
from tests.standin import BotApiStandIn
from tests.standin.model import ApiCall, FakeUser, StoredMessage
from tests.webhook_support import HOOK_URL, Telegram, free_port, serving


def _popup_calls(standin: BotApiStandIn, query_id: str) -> list[ApiCall]:
    return [
        c
        for c in standin.calls_to("answerCallbackQuery")
        if c.params.get("callback_query_id") == query_id
    ]


def _in_push_count(method: str = "answerCallbackQuery") -> float:
    m = metrics()
    return float(m.child(m.api_calls, method, "in_push")._value.get())


@asynccontextmanager
async def _a_student_in_webhook_mode(
    standin: BotApiStandIn, tmp_path: Path
) -> AsyncIterator[tuple[Telegram, FakeUser, StoredMessage]]:
    """The bot in webhook mode, pushed by Telegram; Ada has started it: Telegram, Ada, and
    the bot's last message to her with buttons."""
    port = free_port()
    settings = make_settings(
        standin, tmp_path / "bot.sqlite3", BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    async with serving(settings), Telegram(standin, port) as telegram:
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        await standin.wait_until_idle()
        lesson = next(m for m in reversed(standin.bot_messages(chat.id)) if m.buttons)
        yield telegram, ada, lesson


async def _forged_press(standin: BotApiStandIn, user: FakeUser, message: StoredMessage) -> str:
    """A press with data the bot never sent: its query id, once its pop-up is shown."""
    forged = standin.press_data(user, message, "v1:zz:forged")
    answer = await standin.wait_for_callback_answer(forged, timeout=10)
    assert answer.text == "Sorry, I don't recognise that button any more."
    return forged


async def test_presses_are_answered_in_their_pushs_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    counted = _in_push_count()
    async with _a_student_in_webhook_mode(standin, tmp_path) as (_, ada, lesson):
        forged = await _forged_press(standin, ada, lesson)
        [made] = _popup_calls(standin, forged)
        assert made.in_push  # made by Telegram from the push's answer, not by the bot
        real = standin.press(ada, lesson, lesson.buttons[0][0].text)
        await standin.wait_for_callback_answer(real, timeout=10)
        assert [c.in_push for c in _popup_calls(standin, real)] == [True]
        await standin.wait_until_idle()
    assert _in_push_count() == counted + 2


async def test_a_groups_recorded_reply_gets_its_reaction_in_its_pushs_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings_for(
        standin, tmp_path, REPLY_LESSON, BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    room = Group(standin, members=2)
    counted = _in_push_count("setMessageReaction")
    async with serving(settings), Telegram(standin, port):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the part
        room.says(room.admin, "/next")
        question = await room.reads()
        assert "Say something" in text(question)
        answer = standin.reply(room.members[0], question, "Talks first, then sanctions.")

        def reactions() -> list[ApiCall] | None:
            made = [
                c
                for c in standin.calls_to("setMessageReaction")
                if c.params.get("message_id") == answer.message_id
            ]
            return made or None

        [made] = await standin.wait_for(reactions, timeout=10)
        assert made.in_push and made.ok
        assert made.params["reaction"] == [{"type": "emoji", "emoji": "✍"}]  # as JSON, nested
        standin.reply(room.members[1], answer, "I agree with you")  # members talking: no ✍
        assert "Members who have answered so far: 1" in await room.barrier()
    assert _in_push_count("setMessageReaction") == counted + 1
    assert len(standin.calls_to("setMessageReaction")) == 1


async def test_a_press_not_handled_within_the_wait_is_answered_by_a_request_of_its_own(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gave_up(reply: PushReply) -> None:  # as when the wait ends before the pop-up
        reply.close()

    monkeypatch.setattr(PushReply, "wait", gave_up)
    async with _a_student_in_webhook_mode(standin, tmp_path) as (telegram, ada, lesson):
        forged = await _forged_press(standin, ada, lesson)
        assert [c.in_push for c in _popup_calls(standin, forged)] == [False]
        assert set(telegram.statuses) == {200}


async def test_a_push_reply_takes_one_pop_up_of_its_own_press_while_it_waits() -> None:
    reply = PushReply(("answerCallbackQuery", "q1"))
    request = {"method": "answerCallbackQuery", "callback_query_id": "q1", "text": "Right!"}
    assert not reply.take(("answerCallbackQuery", "q2"), {"callback_query_id": "q2"})
    assert not reply.take(("setMessageReaction", -1, 5), {})  # not what it waits for
    assert reply.take(("answerCallbackQuery", "q1"), request)
    assert not reply.take(("answerCallbackQuery", "q1"), request)  # a second: of its own
    assert await reply.wait() == request
    settled = PushReply(("answerCallbackQuery", "q1"))
    assert settled.take(("answerCallbackQuery", "q1"), request)  # handled before it was asked
    assert settled.settle() == request
    unsettled = PushReply(("answerCallbackQuery", "q1"))
    assert unsettled.settle() is None
    assert not unsettled.take(("answerCallbackQuery", "q1"), request)  # too late: of its own
    late = PushReply(("answerCallbackQuery", "q3"))
    late.close()  # its handling ended, or its POST stopped waiting
    assert not late.take(("answerCallbackQuery", "q3"), request)
    assert await late.wait() is None


def test_what_a_push_waits_for() -> None:
    bot = {"id": 7, "is_bot": True, "first_name": "Bot"}
    member = {"id": 5, "is_bot": False, "first_name": "Jiwoo"}
    group = {"id": -100, "type": "supergroup", "title": "Room"}
    question = {"message_id": 3, "from": bot, "chat": group, "date": 1, "text": "Q?"}

    def reply(chat: dict[str, object], to: dict[str, object]) -> dict[str, object]:
        message = {"message_id": 9, "from": member, "chat": chat, "date": 2, "text": "A."}
        return {"update_id": 1, "message": {**message, "reply_to_message": to}}

    press = {"id": "q1", "from": member, "chat_instance": "1", "data": "v1:x"}
    assert push_reply.awaited({"update_id": 1, "callback_query": press}) == (
        "answerCallbackQuery",
        "q1",
    )
    assert push_reply.awaited(reply(group, question)) == ("setMessageReaction", -100, 9)
    members_message = {**question, "from": member}
    private = {"id": 5, "type": "private", "first_name": "Jiwoo"}
    assert push_reply.awaited(reply(group, members_message)) is None  # members talking
    assert push_reply.awaited(reply(private, {**question, "chat": private})) is None
    assert push_reply.awaited({"update_id": 1, "message": {**question, "from": member}}) is None
    vote = {"poll_id": "p", "user": member, "option_ids": [0]}
    assert push_reply.awaited({"update_id": 1, "poll_answer": vote}) is None


async def test_outside_a_pushed_updates_handling_nothing_is_taken() -> None:
    assert not push_reply.answer_in_push("q1", text="Right!")
    assert not push_reply.react_in_push(-100, 9, "✍")
    reply = PushReply(("answerCallbackQuery", "q1"))
    with push_reply.handling(reply):
        assert push_reply.answer_in_push("q1", text="Right!", show_alert=None)
    assert await reply.wait() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "q1",
        "text": "Right!",
    }
    assert not push_reply.answer_in_push("q1", text="Again")
