"""The reader's language, set before any other handler sees the update (bot/i18n.py)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot import i18n
from bot.context import BotContext
from bot.storage import StorageError

log = logging.getLogger(__name__)


async def speak_to_reader(update: object, context: BotContext) -> None:
    """Handler group -100, every update: ``texts.*`` in the language of whoever reads what
    this update's handlers send: the group's in a group, else the user's own."""
    if not isinstance(update, Update):
        return
    storage = context.bot_data.storage
    chat, user = update.effective_chat, update.effective_user
    if storage is None:
        i18n.speak(i18n.choose(None, user.language_code if user else None))
        return
    try:
        if user is not None and user.language_code and not user.is_bot:
            # Kept for what jobs and group commands send them privately.
            await storage.saw_language_code(user.id, user.language_code)
        if chat is not None and chat.type != ChatType.PRIVATE:
            i18n.speak(await i18n.language_of_chat(storage, chat.id))
        elif user is not None:
            i18n.speak(await i18n.language_of_user(storage, user.id, user.language_code))
        else:
            i18n.speak(i18n.default())
    except StorageError as error:  # the update's own handler reports a broken database
        log.warning("the reader's language is unknown (%s): %s", error, i18n.default())
        i18n.speak(i18n.default())
