"""build_application(settings): everything wired, handlers registered in one place."""

from __future__ import annotations

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot import texts
from bot.config import Settings
from bot.context import BotApplication, BotContext, BotData
from bot.handlers import common, private
from bot.lesson_loader import LessonCatalog, load_catalog
from bot.storage import Storage


async def _post_init(application: BotApplication) -> None:
    settings = application.bot_data.settings
    assert settings is not None, "build_application sets the settings"
    application.bot_data.storage = await Storage.open(settings.db_path)
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )


async def _post_shutdown(application: BotApplication) -> None:
    storage = application.bot_data.storage
    if storage is not None:
        await storage.close()
        application.bot_data.storage = None


def build_application(settings: Settings, catalog: LessonCatalog | None = None) -> BotApplication:
    """The bot, ready to run: lessons loaded (LessonsInvalid if any is broken), handlers set.

    The database opens in post_init and closes in post_shutdown, with the application.
    """
    token = settings.token()
    api = settings.telegram_api_url
    application: BotApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.settings = settings
    application.bot_data.catalog = catalog or load_catalog([settings.prompts_dir])
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every handler, in the order PTB tries them (first match wins within group 0)."""
    in_private = filters.ChatType.PRIVATE
    new_messages = filters.UpdateType.MESSAGE  # edits are not new answers
    handlers = [
        # 1. Commands of a student in a private chat.
        CommandHandler("start", private.start, filters=in_private),
        CommandHandler("lessons", private.lessons, filters=in_private),
        CommandHandler("help", private.help_command, filters=in_private),
        CommandHandler("progress", private.progress, filters=in_private),
        CommandHandler("restart", private.restart, filters=in_private),
        # 2. Button presses: one entry point, data parsed strictly in bot.callbacks.
        CallbackQueryHandler(private.button),
        # 3. Typed answers in a private chat; a /command we don't know gets a hint.
        MessageHandler(in_private & new_messages & filters.COMMAND, private.unknown_command),
        MessageHandler(in_private & new_messages & filters.TEXT, private.text_message),
        # 4. Anything else a student sends privately: a hint, never silence.
        MessageHandler(in_private & new_messages & ~filters.TEXT, private.other_message),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(common.on_error)
