"""The Bot API stand-in's sends: HTML, limits, replies, inline keyboards, files, commands."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, ForceReply, ReplyParameters
from telegram.error import BadRequest, Forbidden

from tests.standin import BotApiStandIn, FakeChat, FakeUser, parse_html
from tests.standin.images import png_bytes
from tests.standin_support import TOKEN, keyboard

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
