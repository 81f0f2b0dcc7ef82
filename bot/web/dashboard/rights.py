"""Who may see a group on the dashboard: the same check as /report's (``bot.moderation``:
BOT_MODERATOR_IDS, or the group's admin as Telegram says, cached a minute)."""

from __future__ import annotations

from bot.context import BotApplication
from bot.moderation import moderates
from bot.storage.dashboard import DashboardUser


class TelegramRights:
    """The running bot's: asks Telegram through the application's bot and rights cache."""

    def __init__(self, application: BotApplication) -> None:
        self._application = application

    async def moderates(self, user: DashboardUser, chat_id: int) -> bool:
        if user.scope != "telegram":  # a link `python -m bot dashboard` printed
            return False
        application = self._application
        return await moderates(
            application.bot,
            application.bot_data.settings,
            application.bot_data.rights,
            chat_id,
            user.user_id,
        )
