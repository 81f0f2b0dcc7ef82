"""Editing the bot's own messages, where Telegram's edge cases are not errors.

A double tap asks for the same edit twice ("message is not modified": it is already
shown), and a message the user deleted cannot be edited ("message to edit not found":
the new content is sent anew instead).
"""

from __future__ import annotations

from telegram import Message
from telegram.error import BadRequest

from bot.render.markup import Reply


async def edit(message: Message, reply: Reply) -> None:
    """Show ``reply`` in place of ``message``; a message that is gone is sent anew."""
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
    if message.reply_markup is None:
        return
    try:
        await message.edit_reply_markup(None)
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise
