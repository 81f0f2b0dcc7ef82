"""Whether someone is in a group now, as Telegram reports it (asked afresh each time: a
member who left a minute ago must no longer answer for the group)."""

from __future__ import annotations

import logging

from telegram import ChatMemberRestricted
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.answering import MembershipCheck
from bot.context import BotContext

log = logging.getLogger(__name__)

_PRESENT = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


def member_check(context: BotContext) -> MembershipCheck:
    """``is_member(chat_id, user_id)`` for the answering path."""

    async def is_member(chat_id: int, user_id: int) -> bool:
        try:
            member = await context.bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.info(
                "could not check membership of user %s in chat %s: %s", user_id, chat_id, error
            )
            return False
        if isinstance(member, ChatMemberRestricted):
            return member.is_member  # restricted, and either still in the group or not
        return member.status in _PRESENT

    return is_member
