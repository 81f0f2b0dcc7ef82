"""The reader's language: set before any other handler sees the update (bot/i18n.py), and
chosen with /language (privately for oneself; in a group, by its moderators, for the group)."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType

from bot import i18n, menus, outbox, texts
from bot.callbacks import ChooseLanguage, decode
from bot.context import BotContext
from bot.moderation import allowed_or_refused, moderators_only
from bot.render import language as render
from bot.storage import StorageError

log = logging.getLogger(__name__)


async def speak_to_reader(update: object, context: BotContext) -> None:
    """Handler group -100, every update: ``texts.*`` in the language of whoever reads what
    this update's handlers send: the group's in a group, else the user's own."""
    if not isinstance(update, Update):
        return
    storage = context.bot_data.storage
    chat, user = update.effective_chat, update.effective_user
    i18n.pressed_by(None)
    if storage is None:
        i18n.speak(i18n.choose(None, user.language_code if user else None))
        return
    try:
        if user is not None and user.language_code and not user.is_bot:
            # Kept for what jobs and group commands send them privately.
            await storage.saw_language_code(user.id, user.language_code)
        if chat is not None and chat.type != ChatType.PRIVATE:
            i18n.speak(await i18n.language_of_chat(storage, chat.id))
            if update.callback_query is not None and user is not None and not user.is_bot:
                # A pop-up is the presser's alone: in their language (an anonymous admin,
                # pressing as the group, reads the group's).
                code = user.language_code
                i18n.pressed_by(await i18n.language_of_user(storage, user.id, code))
        elif user is not None:
            i18n.speak(await i18n.language_of_user(storage, user.id, user.language_code))
        else:
            i18n.speak(i18n.default())
    except StorageError as error:  # the update's own handler reports a broken database
        log.warning("the reader's language is unknown (%s): %s", error, i18n.default())
        i18n.speak(i18n.default())


async def language_command(update: Update, context: BotContext) -> None:
    """/language: buttons to choose, privately for oneself, in a group for the group (its
    moderators: ``group_language_command``; a press is checked again)."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    group = chat.type != ChatType.PRIVATE
    await outbox.reply_to(message, render.ask(i18n.current(), group=group))


group_language_command = moderators_only(language_command)


def is_language_button(data: object) -> bool:
    return isinstance(data, str) and isinstance(decode(data), ChooseLanguage)


async def on_language_button(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action = decode(query.data)
    language = i18n.supported(action.language) if isinstance(action, ChooseLanguage) else None
    if language is None or query.message is None:  # a forged or an outdated button
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    group = chat.type != ChatType.PRIVATE
    if group and not await allowed_or_refused(update, context):
        return
    owner = chat.id if group else query.from_user.id
    await context.storage.choose_language(owner, language)
    await outbox.popup(query)
    i18n.speak(language)
    if isinstance(query.message, Message):
        await outbox.edit(query.message, render.chosen(language, group=group))
    settings = context.bot_data.settings
    moderator = settings is not None and query.from_user.id in settings.moderator_ids
    await menus.set_chat_menu(context.bot, owner, group=group, moderator=moderator)
