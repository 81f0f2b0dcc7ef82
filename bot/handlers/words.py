"""📖 Words under a part (in a private chat or a group) and /words in a private chat: a
lesson's glossary and the words a reader looked up (``bot.lookups``)."""

from __future__ import annotations

from telegram import Update

from bot import callbacks, lookups, outbox
from bot.answering import private as own
from bot.callbacks import ShowWords
from bot.context import BotContext
from bot.render import glossary as render


def is_words_button(data: object) -> bool:
    """The callback data of 📖 Words (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(callbacks.decode(data), ShowWords)


async def on_words_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, ShowWords)
    await lookups.on_press(context, query, action)


async def words_command(update: Update, context: BotContext) -> None:
    """/words: the glossary of the lesson in progress (else the latest one taken), then the
    words this reader looked up, latest first."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    current = await own.current_attempt(context.storage, context.catalog, chat.id)
    lesson = current[1] if current is not None else None
    if lesson is None:
        latest = await context.storage.latest_walk(chat.id)
        lesson = context.catalog.get(latest.lesson_id) if latest is not None else None
    looked = await context.storage.looked_up_by(user.id)
    language = await lookups.reader_language(context.storage, user)
    for reply in render.words_review(lesson, looked, context.catalog, language):
        await outbox.send(context.bot, chat.id, reply)
