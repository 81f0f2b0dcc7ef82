"""A member's own data: /myanswers shows everything stored about them, /forget deletes it
(after asking). Private chats only (``app`` routes them so)."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from bot import outbox, texts
from bot.callbacks import Forget, decode
from bot.context import BotContext
from bot.render import privacy as render
from bot.render.markup import Reply
from bot.storage import Walk


async def my_answers_command(update: Update, context: BotContext) -> None:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    answers = list(await context.storage.answers_of_user(user.id))
    walks: dict[int, Walk] = {}
    titles: dict[int, str] = {}
    for walk_id in {a.walk_id for a in answers}:
        walk = await context.storage.walk(walk_id)
        if walk is not None:
            walks[walk_id] = walk
            titles[walk.chat_id] = await context.storage.chat_title(walk.chat_id) or ""
    for reply in render.my_answers(context.catalog, answers, walks, titles):
        await outbox.reply_to(message, reply)


async def forget_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    await outbox.reply_to(message, render.forget_confirm())


def is_forget_button(data: object) -> bool:
    """The callback data of /forget's question (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(decode(data), Forget)


async def on_forget_button(update: Update, context: BotContext) -> None:
    """The answer to "delete everything about me?"."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    assert query is not None and user is not None
    action = decode(query.data)
    assert isinstance(action, Forget)  # the pattern
    if chat is None or chat.type != "private":
        await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if not action.confirm:
        await outbox.popup(query)
        await _show_once(query, render.forget_kept())
        return
    gone = await context.storage.forget_user(user.id)
    if gone.answers == gone.walks == gone.other == 0:
        # Nothing (left) to delete: a double tap, or a person we never stored. The message
        # keeps what the first tap said.
        await outbox.popup(query, texts.FORGET_NOTHING, show_alert=True)
        return
    await outbox.popup(query)
    await _show_once(query, render.forget_done(gone))


async def _show_once(query: CallbackQuery, reply: Reply) -> None:
    """Replace the confirmation; a second identical edit from a double tap is no error."""
    if isinstance(query.message, Message):
        await outbox.edit(query.message, reply)
