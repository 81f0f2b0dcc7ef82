"""/dashboard in a private chat: the moderators' dashboard, opened from Telegram (a Mini App
button when its URL is https, and a one-time sign-in link). Anyone may ask; the dashboard
shows a person only the groups they moderate, and says so when that is none."""

from __future__ import annotations

from telegram import Update

from bot import outbox
from bot.context import BotContext
from bot.render import dashboard as render
from bot.web.dashboard.auth import issue_link_token


async def dashboard_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    settings = context.bot_data.settings
    page = settings.dashboard_page() if settings is not None else None
    token = None
    if page is not None:
        token = await issue_link_token(
            context.storage, user.id, user.full_name, language=user.language_code
        )
    await outbox.reply_to(message, render.dashboard_reply(page, token))
