"""A pushed press's pop-up goes back in the answer to its push (bot/push_reply.py): Telegram
makes the request, the bot makes no HTTP call of its own; a press not handled within the
push's wait gets its pop-up by a request of its own, as in polling mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import push_reply
from bot.metrics import metrics
from bot.push_reply import PushReply
from tests.conftest import make_settings
from tests.standin import BotApiStandIn
from tests.standin.model import ApiCall, StoredMessage
from tests.webhook_support import HOOK_URL, Telegram, free_port, serving


def _popup_calls(standin: BotApiStandIn, query_id: str) -> list[ApiCall]:
    return [
        c
        for c in standin.calls_to("answerCallbackQuery")
        if c.params.get("callback_query_id") == query_id
    ]


def _in_push_count() -> float:
    m = metrics()
    return float(m.child(m.api_calls, "answerCallbackQuery", "in_push")._value.get())


async def _lesson_message(standin: BotApiStandIn, chat_id: int) -> StoredMessage:
    await standin.wait_until_idle()
    return next(m for m in reversed(standin.bot_messages(chat_id)) if m.buttons)


async def test_presses_are_answered_in_their_pushs_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    settings = make_settings(
        standin, tmp_path / "bot.sqlite3", BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    counted = _in_push_count()
    async with serving(settings), Telegram(standin, port):
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        lesson = await _lesson_message(standin, chat.id)
        forged = standin.press_data(ada, lesson, "v1:zz:forged")
        answer = await standin.wait_for_callback_answer(forged, timeout=10)
        assert answer.text == "Sorry, I don't recognise that button any more."
        [made] = _popup_calls(standin, forged)
        assert made.in_push  # made by Telegram from the push's answer, not by the bot
        real = standin.press(ada, lesson, lesson.buttons[0][0].text)
        await standin.wait_for_callback_answer(real, timeout=10)
        assert [c.in_push for c in _popup_calls(standin, real)] == [True]
        await standin.wait_until_idle()
    assert _in_push_count() == counted + 2


async def test_a_press_not_handled_within_the_wait_is_answered_by_a_request_of_its_own(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gave_up(reply: PushReply) -> None:  # as when the wait ends before the pop-up
        reply.close()

    monkeypatch.setattr(PushReply, "wait", gave_up)
    port = free_port()
    settings = make_settings(
        standin, tmp_path / "bot.sqlite3", BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    async with serving(settings), Telegram(standin, port) as telegram:
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        lesson = await _lesson_message(standin, chat.id)
        forged = standin.press_data(ada, lesson, "v1:zz:forged")
        answer = await standin.wait_for_callback_answer(forged, timeout=10)
        assert answer.text == "Sorry, I don't recognise that button any more."
        assert [c.in_push for c in _popup_calls(standin, forged)] == [False]
        assert set(telegram.statuses) == {200}


async def test_a_push_reply_takes_one_pop_up_of_its_own_press_while_it_waits() -> None:
    reply = PushReply("q1")
    request = {"method": "answerCallbackQuery", "callback_query_id": "q1", "text": "Right!"}
    assert not reply.take("q2", {"callback_query_id": "q2"})  # another press's
    assert reply.take("q1", request)
    assert not reply.take("q1", request)  # a second pop-up: a request of its own
    assert await reply.wait() == request
    late = PushReply("q3")
    late.close()  # its handling ended, or its POST stopped waiting
    assert not late.take("q3", request)
    assert await late.wait() is None


async def test_outside_a_pushed_presss_handling_nothing_is_taken() -> None:
    assert not push_reply.answer_in_push("q1", text="Right!")
    reply = PushReply("q1")
    with push_reply.handling(reply):
        assert push_reply.answer_in_push("q1", text="Right!", show_alert=None)
    assert await reply.wait() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "q1",
        "text": "Right!",
    }
    assert not push_reply.answer_in_push("q1", text="Again")
