"""The bot's command menus and profile, in every language with a catalog.

Telegram shows a user the menu and description of their app's language when there is one
(``language_code``), else the one set without a language: that one is in
BOT_DEFAULT_LANGUAGE. A private chat or a group whose language was chosen with /language gets
its own menu in that language (a chat's menu comes before a language's).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
)
from telegram.error import BadRequest, Forbidden

from bot import i18n, texts

log = logging.getLogger(__name__)


async def _menu(
    bot: Bot, commands: Iterable[tuple[str, str]], scope: BotCommandScope, language: str | None
) -> None:
    await bot.set_my_commands(
        [BotCommand(n, d) for n, d in commands], scope=scope, language_code=language
    )


def _languages() -> tuple[str | None, ...]:
    """None (every user without a language of their own: the default's), then each other
    language with a catalog."""
    return (None, *(code for code in i18n.available() if code != i18n.default()))


async def set_command_menus(bot: Bot, moderator_ids: Iterable[int]) -> None:
    """Each role's command menu, in each language: students see no /report or /export. In
    groups, their admins get the session and report commands; in private chats, the
    moderators of BOT_MODERATOR_IDS get /report and /export. (A moderator who is no group's
    admin types the group commands: Telegram has no menu for "these users in every group".)"""
    moderators = sorted(moderator_ids)
    for language in _languages():
        with i18n.speaking(language or i18n.default()):
            await _menu(bot, texts.COMMANDS, BotCommandScopeAllPrivateChats(), language)
            await _menu(bot, texts.GROUP_COMMANDS, BotCommandScopeAllGroupChats(), language)
            await _menu(
                bot, texts.GROUP_ADMIN_COMMANDS, BotCommandScopeAllChatAdministrators(), language
            )
            for user_id in list(moderators):
                scope = BotCommandScopeChat(user_id)
                try:
                    await _menu(bot, texts.MODERATOR_COMMANDS, scope, language)
                except (BadRequest, Forbidden) as error:
                    # Telegram knows no private chat with them yet: their menu is the
                    # students' until the next start; the commands work all the same.
                    log.warning("no moderator menu for user %s: %s", user_id, error.message)
                    moderators.remove(user_id)


async def set_descriptions(bot: Bot) -> None:
    """The bot's description (shown before Start) and short description, in each language."""
    for language in _languages():
        with i18n.speaking(language or i18n.default()):
            await bot.set_my_description(texts.DESCRIPTION, language_code=language)
            await bot.set_my_short_description(texts.SHORT_DESCRIPTION, language_code=language)


async def set_chat_menu(bot: Bot, chat_id: int, *, group: bool, moderator: bool) -> None:
    """After /language: the chat's own menu, in its language now (the current one)."""
    try:
        if group:
            await _menu(bot, texts.GROUP_COMMANDS, BotCommandScopeChat(chat_id), None)
            await _menu(
                bot, texts.GROUP_ADMIN_COMMANDS, BotCommandScopeChatAdministrators(chat_id), None
            )
        else:
            commands = texts.MODERATOR_COMMANDS if moderator else texts.COMMANDS
            await _menu(bot, commands, BotCommandScopeChat(chat_id), None)
    except (BadRequest, Forbidden) as error:  # the chat's menu stays the language's
        log.warning("no menu of its language for chat %s: %s", chat_id, error.message)
