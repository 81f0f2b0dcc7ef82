"""What happens to a chat itself: a group upgraded to a supergroup, the bot removed from a
group (or blocked by a student) and added back."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BotContext

log = logging.getLogger(__name__)


async def on_migration(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its sessions and answers move to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        await context.storage.migrate_chat(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await context.storage.migrate_chat(message.migrate_from_chat_id, message.chat_id)


async def on_my_membership(update: Update, context: BotContext) -> None:
    """The bot was removed from a group, or may post again: pause or allow the session."""
    change = update.my_chat_member
    if change is None:
        return
    chat_id = change.chat.id
    # Left or kicked: no more posting there. Anything else (member, admin, restricted):
    # Telegram lets us try, and a refusal pauses the session when it comes.
    can_post = change.new_chat_member.status not in ("left", "kicked")
    await context.storage.set_chat_active(chat_id, active=can_post)
    # A student who blocks the bot keeps their own lesson as it is, for when they unblock it.
    if not can_post and change.chat.type != "private":
        walk = await context.storage.open_walk(chat_id)
        if walk is not None and walk.status == "active":
            await context.storage.set_walk_status(walk.id, "paused")
            log.info("removed from chat %s: session %s paused", chat_id, walk.id)
