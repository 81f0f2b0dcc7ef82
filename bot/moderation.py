"""Who may run a group session: the group's admins, and ids listed in BOT_MODERATOR_IDS.

Rights are asked of Telegram (getChatMember) and cached briefly, so that a burst of
``/next`` presses costs one request, while a demoted admin loses the right within a minute.
Deliveries of reports and exports (the data leaving the group) ask afresh instead
(``afresh=True``): a demoted admin gets nothing from the moment Telegram says so.
``moderators_only`` wraps a handler so that everyone else gets a polite refusal;
``moderators_asked_afresh`` does the same without the cache.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot import i18n, texts
from bot.config import Settings
from bot.context import BotContext
from bot.outbox import popup, reply_short_lived
from bot.render.markup import Reply
from bot.rights_cache import RightsCache

log = logging.getLogger(__name__)

_MODERATOR_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def is_moderator(
    update: Update, context: BotContext, chat_id: int | None = None, *, afresh: bool = False
) -> bool:
    """Whether the sender of this update may moderate ``chat_id`` (default: this chat).

    ``afresh``: ask Telegram even if the answer is cached (and cache the new answer)."""
    chat, user = update.effective_chat, update.effective_user
    message = update.effective_message
    chat_id = chat_id if chat_id is not None else (chat.id if chat else None)
    if chat_id is None or user is None:
        return False
    # An anonymous admin posts as the group itself: only admins can.
    if message is not None and message.sender_chat is not None:
        return update.callback_query is None and message.sender_chat.id == chat_id
    return await moderates(
        context.bot,
        context.bot_data.settings,
        context.bot_data.rights,
        chat_id,
        user.id,
        afresh=afresh,
    )


async def moderates(
    bot: Bot,
    settings: Settings | None,
    cache: RightsCache,
    chat_id: int,
    user_id: int,
    *,
    afresh: bool = False,
) -> bool:
    """Whether ``user_id`` may moderate ``chat_id``: listed in BOT_MODERATOR_IDS, or the
    group's admin as Telegram says (cached a minute unless ``afresh``). The one rights check
    of commands, reports and the dashboard's pages."""
    if settings is not None and user_id in settings.moderator_ids:
        return True
    known = None if afresh else cache.get(chat_id, user_id)
    if known is not None:
        return known
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.info("could not check rights of user %s in chat %s: %s", user_id, chat_id, error)
        return False
    allowed = member.status in _MODERATOR_STATUSES
    cache.put(chat_id, user_id, allowed)
    return allowed


async def may_moderate(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` moderates ``chat_id`` now, asked of Telegram (never the cache):
    for what is sent without an update to ask about, e.g. a report at a deadline."""
    settings = context.bot_data.settings
    if settings is not None and user_id in settings.moderator_ids:
        return True
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.info("could not check rights of user %s in chat %s: %s", user_id, chat_id, error)
        return False
    allowed = member.status in _MODERATOR_STATUSES
    context.bot_data.rights.put(chat_id, user_id, allowed)
    return allowed


async def allowed_or_refused(update: Update, context: BotContext, *, afresh: bool = False) -> bool:
    """True for a moderator; anyone else gets a polite one-line refusal (a pop-up for a
    button, a reply for a command) and False."""
    if await is_moderator(update, context, afresh=afresh):
        return True
    if update.callback_query is not None:
        with i18n.to_presser():
            await popup(update.callback_query, texts.MODERATORS_ONLY, show_alert=True)
    elif update.effective_message is not None:
        # A refusal to one member: it deletes itself after a minute.
        await reply_short_lived(
            update.effective_message, Reply(texts.MODERATORS_ONLY), context.job_queue
        )
    return False


def moderators_only(handler: Handler) -> Handler:
    """Run the handler for moderators only (rights as cached); nothing changes for anyone
    else."""
    return _guarded(handler, afresh=False)


def moderators_asked_afresh(handler: Handler) -> Handler:
    """As ``moderators_only``, with rights asked of Telegram now: for handlers that send the
    group's data out (reports, exports)."""
    return _guarded(handler, afresh=True)


def _guarded(handler: Handler, *, afresh: bool) -> Handler:
    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if await allowed_or_refused(update, context, afresh=afresh):
            await handler(update, context)

    return guarded
