"""The Bot API stand-in serving a real telegram.Bot: getMe, tokens, getUpdates, waiting."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.standin import BotApiStandIn, FakeChat, FakeUser
from tests.standin_support import TOKEN, keyboard, make_bot

# ---------------------------------------------------------------------- basics


async def test_get_me_describes_the_bot(api: BotApiStandIn, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7000001, "editorial_test_bot", True)
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [call.method for call in api.calls] == ["getMe", "getMe"]
    assert api.rejected == []


async def test_wrong_token_unknown_method_and_both_encodings(
    api: BotApiStandIn, chat: FakeChat
) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(api, "1:wrong"):
            pass
    url = f"{api.base_url}/bot{TOKEN}"
    async with httpx.AsyncClient() as http:
        missing = await http.post(f"{url}/noSuchMethod")
        assert missing.status_code == 404
        assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

        markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
        form = await http.post(
            f"{url}/sendMessage",
            data={
                "chat_id": str(chat.id),
                "text": "<b>form</b>",
                "parse_mode": "HTML",
                "reply_markup": markup,
            },
        )
        as_json = await http.post(
            f"{url}/sendMessage",
            json={
                "chat_id": chat.id,
                "text": "<i>json</i>",
                "parse_mode": "HTML",
                "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},
            },
        )
    assert form.json()["ok"] and as_json.json()["ok"]
    first, second = api.bot_messages(chat.id)
    assert (first.text, second.text) == ("form", "json")
    assert first.reply_markup == second.reply_markup
    assert api.calls[-1].params["chat_id"] == chat.id  # decoded, whatever the encoding
    assert api.calls[-2].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"


# ---------------------------------------------------------------------- getUpdates


async def test_long_poll_returns_as_soon_as_a_user_writes(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(bot.get_updates(timeout=1))
    await api.wait_for(lambda: api.polling)
    started = loop.time()
    sent = api.send_text(alice, chat, "hello")
    updates = await poll
    assert loop.time() - started < 0.5
    (update,) = updates
    assert update.message is not None and update.message.text == "hello"
    assert update.message.message_id == sent.message_id
    assert update.message.from_user is not None and update.message.from_user.id == alice.id
    assert update.message.chat.type == "private" and update.message.chat.id == alice.id

    # The update stays until an offset confirms it.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert api.confirmed_update_id == update.update_id
    assert api.pending_updates == []


async def test_long_poll_without_updates_waits_for_its_timeout(api: BotApiStandIn) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{api.base_url}/bot{TOKEN}/getUpdates", data={"timeout": "0.3"})
    assert response.json() == {"ok": True, "result": []}
    assert 0.25 < loop.time() - started < 1.0


async def test_commands_get_a_bot_command_entity(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    api.send_text(alice, chat, "/start lesson-1")
    api.send_text(alice, chat, "/help@editorial_test_bot")
    first, second = (u.message for u in await bot.get_updates(timeout=0))
    assert first is not None and second is not None
    assert [(e.type, e.offset, e.length) for e in first.entities] == [("bot_command", 0, 6)]
    assert first.text == "/start lesson-1"
    assert second.entities[0].length == len("/help@editorial_test_bot")


async def test_allowed_updates_filter_what_is_delivered(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    message = await bot.send_message(chat.id, "Pick", reply_markup=keyboard(("A", "a")))
    api.press(alice, api.message(chat.id, message.message_id), "A")
    api.send_text(alice, chat, "text")
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates if u.message] == ["text"]
    assert [u.kind for u in api.dropped_updates] == ["callback_query"]


async def test_webhook_conflicts_with_polling(api: BotApiStandIn, bot: Bot) -> None:
    await bot.set_webhook("https://example.com/hook")
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


# ---------------------------------------------------------------------- waiting


async def test_next_bot_message_cursor_and_timeout_dump(
    api: BotApiStandIn, bot: Bot, chat: FakeChat
) -> None:
    await bot.send_message(chat.id, "one")
    await bot.send_message(chat.id, "two")
    assert (await api.next_bot_message(chat.id)).text == "one"
    assert (await api.next_bot_message(chat.id)).text == "two"
    with pytest.raises(TimeoutError, match=r"(?s)new bot message.*sendMessage"):
        await api.next_bot_message(chat.id, timeout=0.05)


async def test_a_real_application_polls_the_stand_in(
    api: BotApiStandIn, alice: FakeUser, chat: FakeChat
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id,
            "<b>Welcome</b>, pick one:",
            parse_mode="HTML",
            reply_markup=keyboard(("Left", "go:left"), ("Right", "go:right")),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"You chose {query.data}")
        await query.edit_message_text(f"Chosen: {query.data}")

    application = ApplicationBuilder().token(TOKEN).base_url(f"{api.base_url}/bot").build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        await application.start()
        try:
            api.send_text(alice, chat, "/start")
            menu = await api.next_bot_message(chat.id)
            assert menu.text == "Welcome, pick one:" and menu.button_texts == ["Left", "Right"]
            query_id = api.press(alice, menu, "Right")
            answer = await api.wait_for_callback_answer(query_id)
            assert answer.text == "You chose go:right"
            await api.wait_for(lambda: menu.edit_count == 1)
            assert menu.text == "Chosen: go:right" and menu.reply_markup is None
            await api.wait_until_idle()
        finally:
            await application.updater.stop()
            await application.stop()
    assert api.rejected == []
    assert api.confirmed_update_id == api.last_update_id
