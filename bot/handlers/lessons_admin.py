"""/reload: the lesson files read again while the bot runs, for the moderators of
BOT_MODERATOR_IDS in a private chat (SIGHUP does the same from the server)."""

from __future__ import annotations

from telegram import Update

from bot import outbox, texts
from bot.context import BotContext
from bot.lessons.reload import reload_into
from bot.logs import RedactTokens
from bot.render.markup import Reply
from bot.render.reload import reload_outcome


async def reload_command(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    settings = context.bot_data.settings
    if settings is None or user.id not in settings.moderator_ids:
        await outbox.send(context.bot, chat.id, Reply(texts.RELOAD_NOT_ALLOWED))
        return
    outcome = await reload_into(context.bot_data)
    redact = RedactTokens(settings.token()).redact
    for reply in reload_outcome(outcome, redact):
        await outbox.send(context.bot, chat.id, reply)
