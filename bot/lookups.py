"""📖 Words: a part's glossary entries shown to the reader who asked, always in their
private chat, and every lookup recorded.

A press in a group never posts in the group: the entries go to the presser's private chat;
if the bot may not write there yet (they never started it, or blocked it), the press is
answered with the bot's t.me link (``?start=w<part>_<lesson>``), which opens that chat, and
``/start`` with it sends the entries. The press is the lookup: it is recorded when pressed
(in the chat it was pressed in, with the walk of the message pressed: homework done in a
private chat is its group's), never again when the link is opened.
"""

from __future__ import annotations

from telegram import CallbackQuery, User
from telegram.constants import ChatType
from telegram.error import Forbidden

from bot import i18n, outbox, texts
from bot.callbacks import ShowWords, WordsLink, encode_words_start
from bot.context import BotContext
from bot.lessons import Lesson
from bot.lessons.glossary import section_entries
from bot.render import glossary as render
from bot.render.markup import Reply
from bot.storage import Storage


async def reader_language(storage: Storage, user: User) -> str:
    """The language of a reader's translations: the one they chose with /language, else
    the first part of the language_code Telegram shows ("ko-KR" → ko; a glossary may have
    languages the bot's texts have not), else the one it last showed, else the default."""
    chosen, seen = await storage.language_settings(user.id)
    return (
        i18n.supported(chosen) or _first_part(user.language_code) or _first_part(seen)
    ) or i18n.default()


def _first_part(code: str | None) -> str | None:
    first = (code or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return first or None


def _part(context: BotContext, lesson_id: str, section: int) -> Lesson | None:
    """The lesson, if it exists and its part ``section`` has words (callback data and
    links are never trusted)."""
    lesson = context.catalog.get(lesson_id)
    if lesson is None or not 1 <= section <= len(lesson.sections):
        return None
    return lesson if section_entries(lesson, section - 1) else None


async def on_press(context: BotContext, query: CallbackQuery, action: ShowWords) -> None:
    """📖 Words pressed under a part, in a private chat or a group."""
    user = query.from_user
    lesson = _part(context, action.lesson_id, action.section)
    if lesson is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.WORDS_UNAVAILABLE, show_alert=True)
        return
    message = query.message
    chat_id = message.chat.id if message is not None else user.id
    walk_id = await _walk_of(context, chat_id, message.message_id if message else None, lesson)
    terms = [entry.term for entry in section_entries(lesson, action.section - 1)]
    await context.storage.record_lookups(
        user_id=user.id,
        chat_id=chat_id,
        lesson_id=lesson.id,
        section=action.section,
        terms=terms,
        source=f"q{query.id}",
        walk_id=walk_id,
    )
    # Sent to the presser's private chat: in their language, also from a group's message.
    translations = await reader_language(context.storage, user)
    with i18n.speaking(await i18n.language_of_user(context.storage, user.id, user.language_code)):
        replies = render.part_words(lesson, action.section, translations)
    in_private = message is None or message.chat.type == ChatType.PRIVATE
    if in_private:
        await outbox.popup(query)
        await _send(context, user.id, replies)
        return
    try:
        await _send(context, user.id, replies)
    except Forbidden:
        # They never started the bot (or blocked it): the link opens the private chat, and
        # /start with it brings the words.
        payload = encode_words_start(WordsLink(lesson.id, action.section))
        await outbox.open_url(query, f"https://t.me/{context.bot.username}?start={payload}")
        return
    with i18n.to_presser():
        await outbox.popup(query, texts.WORDS_SENT_PRIVATELY)


async def _walk_of(
    context: BotContext, chat_id: int, message_id: int | None, lesson: Lesson
) -> int | None:
    """The walk of the part's message pressed, if it is one of this lesson's (the data is
    never trusted): a homework's attempt makes the lookup its group's too."""
    post = await context.storage.post_for_message(chat_id, message_id) if message_id else None
    walk = await context.storage.walk(post.walk_id) if post is not None else None
    return walk.id if walk is not None and walk.lesson_id == lesson.id else None


async def from_link(context: BotContext, chat_id: int, user: User, link: WordsLink) -> None:
    """/start w<part>_<lesson> in a private chat: that part's words."""
    lesson = _part(context, link.lesson_id, link.section)
    if lesson is None:
        await outbox.send(context.bot, chat_id, Reply(texts.WORDS_UNAVAILABLE))
        return
    translations = await reader_language(context.storage, user)
    await _send(context, chat_id, render.part_words(lesson, link.section, translations))


async def _send(context: BotContext, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        await outbox.send(context.bot, chat_id, reply)
