"""The one way the bot talks to Telegram: messages, quiz polls, pop-ups and edits (what was
``bot.popups``, ``bot.edits`` and five send helpers).

Flood limits are PTB's AIORateLimiter's (set in ``build_application``: a 429 is waited
out, never an error); what Telegram refuses in ways that are not errors for us ("message
is not modified", a pop-up answered too late, a message deleted before its edit) is
handled here, once. Handlers and the session code send nothing any other way.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot.render.group import GroupMessage, QuizPoll
from bot.render.markup import Reply

log = logging.getLogger(__name__)


async def popup(query: CallbackQuery, text: str | None = None, *, show_alert: bool = False) -> None:
    """Answer a press (with a pop-up when ``text`` is given). Telegram gives a bot about 15
    seconds to answer; a press that waited longer (a slow moment, a restart) is refused as
    "query is too old", but the press was real: what it recorded stays recorded, and the
    handler carries on."""
    try:
        await query.answer(text, show_alert=show_alert)
    except BadRequest as error:
        message = str(error).lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        log.info("answered a button press too late (query %s)", query.id)


async def edit(message: Message, reply: Reply) -> None:
    """Show ``reply`` in place of ``message``. A double tap asks for the same edit twice
    ("message is not modified": it is shown already); a message the user deleted cannot be
    edited, so the new content is sent anew."""
    try:
        await message.edit_text(reply.text, reply_markup=reply.keyboard)
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" in reason:
            return
        if "message to edit not found" not in reason:
            raise
        await message.get_bot().send_message(
            message.chat_id, reply.text, reply_markup=reply.keyboard
        )


async def drop_keyboard(message: Message) -> None:
    """Take the buttons off a message (nothing to do if they are gone already)."""
    if message.reply_markup is not None:
        await set_keyboard(message, None)


async def send(bot: Bot, chat_id: int, reply: Reply, thread_id: int | None = None) -> Message:
    return await bot.send_message(
        chat_id, reply.text, reply_markup=reply.keyboard, message_thread_id=thread_id
    )


async def reply_to(message: Message, reply: Reply) -> Message:
    """Answer a message in its chat, as a reply to it (sent all the same if it is gone)."""
    return await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def send_any(
    bot: Bot, chat_id: int, message: GroupMessage, thread_id: int | None = None
) -> Message:
    """A message, or a question as a quiz poll that tells us who answered what."""
    if isinstance(message, QuizPoll):
        return await bot.send_poll(
            chat_id,
            message.question,
            list(message.options),
            is_anonymous=False,  # so that Telegram tells us who answered what
            type="quiz",
            correct_option_ids=[message.correct_option_id],  # type: ignore[list-item]  # < 12
            explanation=message.explanation,
            # Lesson text is plain here: no HTML parsing of the question or explanation.
            question_parse_mode=None,
            explanation_parse_mode=None,
            reply_markup=message.keyboard,
            message_thread_id=thread_id,
        )
    return await send(bot, chat_id, message, thread_id)


async def set_keyboard(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    """Show other buttons under a message (the same ones again is not an error)."""
    try:
        await message.edit_reply_markup(keyboard)
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise


async def try_set_keyboard(
    bot: Bot, chat_id: int, message_id: int, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Change a message's buttons if Telegram still lets us (too old, deleted: logged)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=keyboard)
    except TelegramError as error:
        log.debug("could not change the buttons of message %s: %s", message_id, error)


async def try_stop_poll(bot: Bot, chat_id: int, message_id: int) -> None:
    with contextlib.suppress(TelegramError):
        await bot.stop_poll(chat_id, message_id)


async def try_popup(query: CallbackQuery, text: str, *, show_alert: bool = False) -> None:
    """A pop-up where a failure to show it must not fail what was already done."""
    with contextlib.suppress(TelegramError):
        await popup(query, text, show_alert=show_alert)
