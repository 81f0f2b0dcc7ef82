"""The Bot API stand-in's callback queries and answers, and edits by the bot and by users."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from tests.standin import BotApiStandIn, FakeChat, FakeUser
from tests.standin_support import NOT_MODIFIED, QUERY_TOO_OLD, TOKEN, FakeClock, keyboard, make_bot

# ---------------------------------------------------------------------- callback queries


async def test_press_produces_a_callback_query_ptb_parses(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("One", callback_data="pick:1")],
            [InlineKeyboardButton("Docs", url="https://example.com/")],
        ]
    )
    sent = await bot.send_message(chat.id, "Pick", reply_markup=markup)
    stored = await api.next_bot_message(chat.id)
    assert stored.button_texts == ["One", "Docs"]
    assert stored.buttons[0][0].callback_data == "pick:1"
    assert stored.buttons[1][0].url == "https://example.com/"

    query_id = api.press(alice, stored, "One")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "pick:1", alice.id)
    assert query.message is not None and query.message.message_id == sent.message_id
    await query.answer("Got it", show_alert=True)
    answer = await api.wait_for_callback_answer(query_id)
    assert (answer.text, answer.show_alert) == ("Got it", True)

    with pytest.raises(BadRequest):
        await bot.answer_callback_query(query_id)  # a second answer
    with pytest.raises(BadRequest):
        await bot.answer_callback_query("12345")  # an unknown id
    assert [call.error for call in api.rejected] == [QUERY_TOO_OLD, QUERY_TOO_OLD]

    with pytest.raises(LookupError, match=r"\['One', 'Docs'\]"):
        api.press(alice, stored, "Two")
    with pytest.raises(LookupError, match="no callback_data"):
        api.press(alice, stored, "Docs")
    forged = api.press_data(alice, stored, "admin:delete-all")
    (update,) = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert update.callback_query is not None
    assert (update.callback_query.id, update.callback_query.data) == (forged, "admin:delete-all")


async def test_callback_answers_expire_and_are_limited_to_200_chars() -> None:
    clock = FakeClock()
    async with BotApiStandIn(TOKEN, clock=clock) as api, make_bot(api) as bot:
        alice = api.user("Alice")
        chat = api.private_chat(alice)
        await bot.send_message(chat.id, "x", reply_markup=keyboard(("A", "a")))
        stored = api.bot_messages(chat.id)[0]
        late = api.press(alice, stored, "A")
        clock.now += 15.5
        with pytest.raises(BadRequest):
            await bot.answer_callback_query(late)
        fresh = api.press(alice, stored, "A")
        with pytest.raises(BadRequest):
            await bot.answer_callback_query(fresh, text="x" * 201)
        await bot.answer_callback_query(fresh, text="x" * 200)
        assert [call.error for call in api.rejected] == [
            QUERY_TOO_OLD,
            "Bad Request: MESSAGE_TOO_LONG",
        ]
        assert list(api.callback_answers) == [fresh]


# ---------------------------------------------------------------------- editing and deleting


async def test_edits_and_not_modified(api: BotApiStandIn, bot: Bot, chat: FakeChat) -> None:
    sent = await bot.send_message(
        chat.id, "<b>Hi</b>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    with pytest.raises(BadRequest):  # the same entities, whatever the tag spelling
        await bot.edit_message_text(
            "<strong>Hi</strong>",
            chat.id,
            sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard(("A", "a")),
        )
    await bot.edit_message_text(
        "<b>Hi</b>",
        chat.id,
        sent.message_id,
        parse_mode="HTML",
        reply_markup=keyboard(("B", "b")),
    )
    stored = api.message(chat.id, sent.message_id)
    assert (stored.edit_count, stored.button_texts) == (1, ["B"])
    with pytest.raises(BadRequest):
        await bot.edit_message_reply_markup(
            chat.id, sent.message_id, reply_markup=keyboard(("B", "b"))
        )
    edited = await bot.edit_message_text("Bye", chat.id, sent.message_id)  # drops the keyboard
    assert isinstance(edited, Message)
    assert edited.edit_date is not None and edited.reply_markup is None
    assert stored.text == "Bye" and stored.reply_markup is None
    assert [v.text for v in stored.versions] == ["Hi", "Hi"]
    with pytest.raises(BadRequest):
        await bot.edit_message_text("x", chat.id, 999)
    assert [call.error for call in api.rejected] == [
        NOT_MODIFIED,
        NOT_MODIFIED,
        "Bad Request: message to edit not found",
    ]


async def test_a_users_edit_reaches_the_bot(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    said = api.send_text(alice, chat, "helo")
    api.edit_text(alice, said, "hello")
    updates = await bot.get_updates(timeout=0)
    edited = updates[-1].edited_message
    assert edited is not None and edited.text == "hello" and edited.edit_date is not None
    assert [m.text for m in api.messages(chat.id)] == ["hello"]
