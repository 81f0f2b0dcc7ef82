"""Hints for messages that are not answers (a sticker, text while a button is expected, an
unknown command…), through the flood gate: a user who floods gets one "slow down" a
minute instead of a hint per message (``bot.flood``)."""

from __future__ import annotations

from telegram import Message

from bot import outbox
from bot.context import BotContext
from bot.render.markup import Reply


async def hint(context: BotContext, message: Message, reply: Reply) -> None:
    """Reply with ``reply``, unless this sender is flooding us."""
    sender = message.from_user
    text = context.bot_data.flood.hint_text(sender.id, reply.text) if sender else reply.text
    if text is not None:
        await outbox.reply_to(message, Reply(text, reply.keyboard if text == reply.text else None))
