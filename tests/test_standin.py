"""The Bot API stand-in, driven by a real ``telegram.Bot`` (PTB 22.8) and raw httpx."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.standin import (
    BotApiStandIn,
    EntityParseError,
    FakeChat,
    FakeUser,
    FormattedText,
    parse_html,
)
from tests.standin.state import png_bytes

TOKEN = "4242424242:AAStandInSelfTestTokenOnly_abcdefghij"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


def make_bot(standin: BotApiStandIn, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{standin.base_url}/bot")


@pytest.fixture
async def bot(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with make_bot(api) as client:
        yield client


@pytest.fixture
def alice(api: BotApiStandIn) -> FakeUser:
    return api.user("Alice", last_name="Liddell", username="alice")


@pytest.fixture
def chat(api: BotApiStandIn, alice: FakeUser) -> FakeChat:
    return api.private_chat(alice)


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in buttons]]
    )


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


# ---------------------------------------------------------------------- sending and formatting


async def test_send_message_html_round_trip(api: BotApiStandIn, bot: Bot, chat: FakeChat) -> None:
    html = '<b>Bold</b> &amp; <i>it</i> <a href="https://example.com/">link</a>'
    sent = await bot.send_message(chat.id, html, parse_mode="HTML")
    stored = await api.next_bot_message(chat.id)
    assert stored.text == "Bold & it link"
    assert (stored.html, stored.parse_mode, stored.is_bot) == (html, "HTML", True)
    assert sent.text == stored.text and sent.message_id == stored.message_id
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 4),
        ("italic", 7, 2),
        ("text_link", 10, 4),
    ]
    assert sent.entities[2].url == "https://example.com/"
    assert sent.text_html == html
    assert api.rejected == []


async def test_html_accepts_every_telegram_tag_and_entity() -> None:
    parsed = parse_html(
        "a &lt; b &gt; c &amp; &quot;d&quot; &#128512;&#x1F600; <u>u</u><ins>i</ins><s>s</s>"
        '<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q'
        '</span><code>c</code><pre><code class="language-python">x = 1</code></pre>'
        '<blockquote expandable>quote</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji>"
    )
    assert parsed.text.startswith('a < b > c & "d" 😀😀 ')
    kinds = [e["type"] for e in parsed.entities]
    assert kinds == [
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert parsed.entities[8]["language"] == "python"
    assert parsed.entities[0]["offset"] == 21  # 16 characters, two emoji of 2 units, a space


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("2 < 3", 'Unsupported start tag "" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("😀 <i>x</em>", 'Unmatched end tag at byte offset 9, expected "</i>", found "</em>"'),
        ("Q&A", "Unescaped '&' at byte offset 1"),
    ],
)
async def test_malformed_html_is_rejected_like_telegram(
    api: BotApiStandIn, bot: Bot, chat: FakeChat, html: str, reason: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(chat.id, html, parse_mode="HTML")
    (rejected,) = api.rejected
    assert rejected.error_code == 400
    assert rejected.error is not None
    assert rejected.error.startswith(f"Bad Request: can't parse entities: {reason}")
    assert api.bot_messages(chat.id) == []


async def test_markdown_modes_are_refused_as_not_parsed_here(
    api: BotApiStandIn, bot: Bot, chat: FakeChat
) -> None:
    # The bot sends HTML; a Markdown message would otherwise be stored unparsed.
    for mode in ("MarkdownV2", "Markdown"):
        with pytest.raises(BadRequest):
            await bot.send_message(chat.id, "*b*", parse_mode=mode)
    assert [call.error for call in api.rejected] == [
        "Bad Request: the stand-in parses HTML only, not parse_mode MarkdownV2",
        "Bad Request: the stand-in parses HTML only, not parse_mode Markdown",
    ]
    assert api.bot_messages(chat.id) == []


async def test_empty_and_blank_text_are_rejected(
    api: BotApiStandIn, bot: Bot, chat: FakeChat
) -> None:
    for text in ("", "   \n ", "<b> </b>"):
        with pytest.raises(BadRequest):
            await bot.send_message(chat.id, text, parse_mode="HTML")
    assert [call.error for call in api.rejected] == [
        "Bad Request: message text is empty",
        "Bad Request: message must be non-empty",
        "Bad Request: message must be non-empty",
    ]


async def test_length_limit_applies_after_entity_parsing(
    api: BotApiStandIn, bot: Bot, chat: FakeChat
) -> None:
    await bot.send_message(chat.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(chat.id, "a" * 4094 + "&lt;&amp;", parse_mode="HTML")
    with pytest.raises(BadRequest):
        await bot.send_message(chat.id, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")
    assert [len(m.text or "") for m in api.bot_messages(chat.id)] == [4096, 4096]
    assert [call.error for call in api.rejected] == ["Bad Request: message is too long"]


async def test_length_counts_utf16_units(api: BotApiStandIn, bot: Bot, chat: FakeChat) -> None:
    await bot.send_message(chat.id, "😀" * 2048)  # 2048 characters, 4096 UTF-16 units
    with pytest.raises(BadRequest):
        await bot.send_message(chat.id, "😀" * 2048 + "a")
    sent = await bot.send_message(chat.id, "😀 <b>x</b>", parse_mode="HTML")
    assert [(e.offset, e.length) for e in sent.entities] == [(3, 1)]
    assert [call.error for call in api.rejected] == ["Bad Request: message is too long"]


async def test_unknown_chat_and_blocked_user(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(123456, "hi")
    api.block_bot(alice)
    with pytest.raises(Forbidden):
        await bot.send_message(chat.id, "hi")
    assert [(c.error_code, c.error) for c in api.rejected] == [
        (400, "Bad Request: chat not found"),
        (403, "Forbidden: bot was blocked by the user"),
    ]


async def test_replies_and_only_inline_keyboards(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    question = api.send_text(alice, chat, "question?")
    prompt = await bot.send_message(
        chat.id, "Your answer?", reply_parameters=ReplyParameters(question.message_id)
    )
    assert prompt.reply_to_message is not None
    assert prompt.reply_to_message.text == "question?"
    stored = api.message(chat.id, prompt.message_id)
    assert stored.reply_markup is None
    api.reply(alice, stored, "42")
    # Telegram takes ForceReply and reply keyboards; the bot sends neither, the stand-in says so.
    with pytest.raises(BadRequest):
        await bot.send_message(chat.id, "x", reply_markup=ForceReply())
    assert api.rejected[-1].error == (
        "Bad Request: the stand-in takes inline keyboards only, not ['force_reply']"
    )
    with pytest.raises(BadRequest):
        await bot.send_message(chat.id, "x", reply_parameters=ReplyParameters(999))
    assert api.rejected[-1].error == "Bad Request: message to be replied not found"
    updates = await bot.get_updates(timeout=0)
    reply = updates[-1].message
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == prompt.message_id


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"text": "x", "callback_data": "d" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": "é" * 33}, "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"text": "x"},
            "Bad Request: can't parse InlineKeyboardButton: Text buttons are not allowed in "
            "the inline keyboard",
        ),
        (
            {"text": "x", "callback_data": ""},
            "Bad Request: can't parse InlineKeyboardButton: Text buttons are not allowed in "
            "the inline keyboard",
        ),
        (
            {"callback_data": "x"},
            "Bad Request: can't parse InlineKeyboardButton: Can't find field \"text\"",
        ),
        (
            {"text": "x", "callback_data": "a", "url": "https://e.com"},
            "Bad Request: can't parse InlineKeyboardButton: exactly one of the optional fields"
            " must be used",
        ),
    ],
)
async def test_invalid_inline_buttons_are_rejected(
    api: BotApiStandIn, chat: FakeChat, button: dict[str, str], error: str
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{api.base_url}/bot{TOKEN}/sendMessage",
            json={"chat_id": chat.id, "text": "x", "reply_markup": {"inline_keyboard": [[button]]}},
        )
    assert response.status_code == 400
    assert response.json()["description"].startswith(error)
    assert api.rejected[-1].error == response.json()["description"]


async def test_callback_data_of_64_bytes_is_fine(bot: Bot, chat: FakeChat) -> None:
    await bot.send_message(chat.id, "x", reply_markup=keyboard(("ok", "é" * 32)))


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


# ---------------------------------------------------------------------- files


async def test_documents_and_photos(
    api: BotApiStandIn, bot: Bot, alice: FakeUser, chat: FakeChat
) -> None:
    doc = await bot.send_document(
        chat.id, b"hello", filename="notes.txt", caption="<i>notes</i>", parse_mode="HTML"
    )
    assert doc.document is not None and doc.document.file_name == "notes.txt"
    assert doc.caption == "notes"
    stored = api.message(chat.id, doc.message_id)
    assert stored.document is not None and stored.document.data == b"hello"
    photo = await bot.send_photo(chat.id, png_bytes(40, 30))
    assert (photo.photo[-1].width, photo.photo[-1].height) == (40, 30)
    with pytest.raises(BadRequest):
        await bot.send_photo(chat.id, b"not an image")
    assert api.rejected[-1].error == "Bad Request: IMAGE_PROCESS_FAILED"

    api.send_photo(alice, chat, caption="look")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.caption == "look"
    assert update.message.photo[-1].file_id in api.files


# ---------------------------------------------------------------------- commands


async def test_commands(api: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "How it works")])
    assert api.commands[("default", "")] == [
        {"command": "start", "description": "Begin"},
        {"command": "help", "description": "How it works"},
    ]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Start!", "bad")])
    assert api.rejected[-1].error == "Bad Request: BOT_COMMAND_INVALID"
    await bot.set_my_commands([])
    assert ("default", "") not in api.commands


# ---------------------------------------------------------------------- groups


async def test_privacy_mode_in_groups(api: BotApiStandIn, bot: Bot) -> None:
    alice, bob = api.user("Alice"), api.user("Bob")
    group = api.group("Study group", members=[alice, bob])
    api.send_text(alice, group, "just chatting")
    api.send_text(alice, group, "/start")
    api.send_text(alice, group, "/start@some_other_bot")
    api.send_text(bob, group, "hey @editorial_test_bot")
    posted = await bot.send_message(group.id, "Question?")
    api.reply(bob, api.message(group.id, posted.message_id), "an answer")
    api.reply(alice, api.messages(group.id)[0], "not for the bot")
    texts = [u.message.text for u in await bot.get_updates(timeout=0) if u.message]
    assert texts == ["/start", "hey @editorial_test_bot", "an answer"]
    assert len(api.messages(group.id)) == 7

    owner = await bot.get_chat_member(group.id, alice.id)
    member = await bot.get_chat_member(group.id, bob.id)
    assert (owner.status, member.status) == ("creator", "member")

    staffed = api.group("Staff room", members=[alice], bot_is_admin=True)
    api.send_text(alice, staffed, "admins see everything")
    (update,) = await bot.get_updates(offset=api.last_update_id, timeout=0)
    assert update.message is not None and update.message.text == "admins see everything"


async def test_quiz_poll_votes_and_stop(api: BotApiStandIn, bot: Bot) -> None:
    alice, bob = api.user("Alice"), api.user("Bob")
    group = api.group("Quiz", members=[alice, bob], supergroup=True)
    sent = await bot.send_poll(
        group.id,
        "2 + 2?",
        ["3", "4"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="<b>four</b>",
        explanation_parse_mode="HTML",
    )
    assert sent.poll is not None and sent.poll.correct_option_ids == (1,)
    assert sent.poll.explanation == "four"
    stored = api.message(group.id, sent.message_id)
    answer = api.vote(bob, stored, [1])
    assert answer["option_ids"] == [1]
    with pytest.raises(ValueError, match="revoting"):
        api.vote(bob, stored, [0])
    updates = await bot.get_updates(timeout=0)
    poll_answer = next(u.poll_answer for u in updates if u.poll_answer)
    assert (poll_answer.user and poll_answer.user.id, poll_answer.option_ids) == (bob.id, (1,))
    assert poll_answer.poll_id == sent.poll.id
    stopped = await bot.stop_poll(group.id, sent.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1
    with pytest.raises(BadRequest):
        await bot.stop_poll(group.id, sent.message_id)
    assert api.rejected[-1].error == "Bad Request: poll has already been closed"
    with pytest.raises(ValueError, match="closed"):
        api.vote(alice, stored, [1])

    regular = await bot.send_poll(group.id, "Lunch?", ["Yes", "No"], is_anonymous=False)
    regular_stored = api.message(group.id, regular.message_id)
    api.vote(alice, regular_stored, [0])
    retracted = api.vote(alice, regular_stored, [])
    assert retracted["option_ids"] == []
    assert regular_stored.poll is not None and regular_stored.poll.total_voter_count == 0


# PTB itself reads the deprecated int form of retry_after while building RetryAfter.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_group_flood_limit_answers_429() -> None:
    clock = FakeClock()
    async with (
        BotApiStandIn(TOKEN, clock=clock, group_flood_limit=3) as api,
        make_bot(api) as bot,
    ):
        group = api.group("Busy", members=[api.user("Alice")])
        for number in range(3):
            await bot.send_message(group.id, f"m{number}")
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(group.id, "one too many")
        assert "Retry in 60 seconds" in str(raised.value)  # from parameters.retry_after
        assert (api.rejected[-1].error_code, api.rejected[-1].error) == (
            429,
            "Too Many Requests: retry after 60",
        )
        clock.now += 60
        await bot.send_message(group.id, "later")
        assert len(api.bot_messages(group.id)) == 4


async def test_group_migration(api: BotApiStandIn, bot: Bot) -> None:
    alice = api.user("Alice")
    group = api.group("Old", members=[alice])
    supergroup = api.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(group.id, "hi")
    assert raised.value.new_chat_id == supergroup.id
    updates = await bot.get_updates(timeout=0)
    notes = [u.message for u in updates if u.message]
    assert [n.migrate_to_chat_id for n in notes] == [supergroup.id, None]
    assert [n.migrate_from_chat_id for n in notes] == [None, group.id]
    await bot.send_message(supergroup.id, "hi")


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


# ---------------------------------------------------------------------- tdlib's own test vectors

# Cases of check_parse_html in tdlib's test/message_entities.cpp, with entities as the Bot
# API writes them: the stand-in parses HTML the way Telegram does. An error is the reason
# after "can't parse entities: ".
Expected = str | tuple[str, list[dict[str, object]]]


def E(kind: str, offset: int, length: int, **extra: object) -> dict[str, object]:
    return {"type": kind, "offset": offset, "length": length, **extra}


SURROGATES = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for "
    "unmatched surrogate code units"
)
TDLIB_HTML: list[tuple[str, Expected]] = [
    (
        "&#57311;",
        SURROGATES,
    ),
    (
        "&#xDFDF",
        SURROGATES,
    ),
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
    ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
    ("&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", ('&ge;<>&"&laquo;&raquo;&#12345678;', [])),
    ("🏟 🏟<i>🏟 &lt🏟</i>", ("🏟 🏟🏟 <🏟", [E("italic", 5, 6)])),
    (
        "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
        ("🏟 🏟🏟 ><🏟", [E("italic", 5, 7), E("bold", 9, 3)]),
    ),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<i>a</    >", ("🏟 🏟<a", [E("italic", 6, 1)])),
    ("🏟 🏟&lt;<b></b>", ("🏟 🏟<", [])),
    (
        '➡️ ➡️<span class = "tg-spoiler">➡️ ➡️</span><b>➡️ ➡️</b>',
        ("➡️ ➡️➡️ ➡️➡️ ➡️", [E("spoiler", 5, 5), E("bold", 10, 5)]),
    ),
    ("<a href=telegram.org>\t</a>", ("\t", [E("text_link", 0, 1, url="http://telegram.org/")])),
    (
        "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
        (
            "  ",
            [
                E("code", 0, 1),
                E("bold", 0, 1),
                E("italic", 0, 1),
                E("code", 1, 1),
                E("bold", 1, 1),
                E("italic", 1, 1),
            ],
        ),
    ),
    (
        "<a   href=  'telegram.org?&lt;'   > </a>",
        (" ", [E("text_link", 0, 1, url="http://telegram.org/?<")]),
    ),
    ("<a> </a>", (" ", [])),
    ("<a>telegram.org </a>", ("telegram.org ", [])),
    ("<a>telegram.org</a>", ("telegram.org", [E("text_link", 0, 12, url="http://telegram.org/")])),
    (
        "<a>https://telegram.org/asdsa?asdasdwe#12e3we</a>",
        (
            "https://telegram.org/asdsa?asdasdwe#12e3we",
            [E("text_link", 0, 42, url="https://telegram.org/asdsa?asdasdwe#12e3we")],
        ),
    ),
    ("🏟 🏟&lt;<pre><code>🏟 🏟&lt;</code></>", ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6), E("code", 6, 6)])),
    (
        '🏟 🏟&lt;<pre><code class="language-">🏟 🏟&lt;</code></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6), E("code", 6, 6)]),
    ),
    (
        '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6, language="fift")]),
    ),
    (
        '🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>',
        ("🏟 🏟<🏟 🏟<", [E("pre", 6, 6, language="fift")]),
    ),
    (
        '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</> </>',
        ("🏟 🏟<🏟 🏟< ", [E("pre", 6, 7), E("code", 6, 6)]),
    ),
    (
        '🏟 🏟&lt;<pre> <code class="language-fift">🏟 🏟&lt;</></>',
        ("🏟 🏟< 🏟 🏟<", [E("pre", 6, 7), E("code", 7, 6)]),
    ),
    (
        '➡️ ➡️<tg-emoji emoji-id = "12345">➡️ ➡️</tg-emoji><b>➡️ ➡️</b>',
        ("➡️ ➡️➡️ ➡️➡️ ➡️", [E("custom_emoji", 5, 5, custom_emoji_id="12345"), E("bold", 10, 5)]),
    ),
    (
        '🏟 🏟<b aba   =   caba><tg-emoji emoji-id="1">🏟</tg-emoji>1</b>',
        ("🏟 🏟🏟1", [E("bold", 5, 3), E("custom_emoji", 5, 2, custom_emoji_id="1")]),
    ),
    (
        '➡️ ➡️<tg-time unix = "12345", format = "rt">➡️ ➡️</tg-time><b>➡️ ➡️</b>',
        "Invalid date format used",
    ),
    (
        '➡️ ➡️<tg-time unix = "12345", format = "tttTTdDwW">➡️ ➡️</tg-time><b>➡️ ➡️</b>',
        (
            "➡️ ➡️➡️ ➡️➡️ ➡️",
            [E("date_time", 5, 5, unix_time=12345, date_time_format="tttTTdDwW"), E("bold", 10, 5)],
        ),
    ),
    (
        '<blockquote   cite="" askdlbas nasjdbaj nj12b3>a&lt;<pre  >b;</></>',
        ("a<b;", [E("blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable   asd>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
    (
        "<blockquote   expandable=false>a&lt;<pre  >b;</></>",
        ("a<b;", [E("expandable_blockquote", 0, 4), E("pre", 2, 2)]),
    ),
]


@pytest.mark.parametrize(("markup", "expected"), TDLIB_HTML)
def test_html_parses_like_tdlib(markup: str, expected: Expected) -> None:
    assert _parsed(lambda: parse_html(markup, strict_ampersand=False)) == expected


def _parsed(parse: Callable[[], FormattedText]) -> Expected:
    try:
        formatted = parse()
    except EntityParseError as error:
        return str(error)
    return formatted.text, list(formatted.entities)
