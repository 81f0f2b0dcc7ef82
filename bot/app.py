"""build_application(settings): everything wired, handlers registered in one place."""

from __future__ import annotations

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot import texts
from bot.config import Settings
from bot.context import BotApplication, BotContext, BotData
from bot.handlers import buttons, common, group, private, reports
from bot.lessons import LessonCatalog
from bot.lessons.load import load_catalog
from bot.storage import Storage


async def _post_init(application: BotApplication) -> None:
    settings = application.bot_data.settings
    assert settings is not None, "build_application sets the settings"
    application.bot_data.storage = await Storage.open(settings.db_path, exclusive=True)
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS],
        scope=BotCommandScopeAllPrivateChats(),
    )
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.GROUP_COMMANDS],
        scope=BotCommandScopeAllGroupChats(),
    )


async def _post_shutdown(application: BotApplication) -> None:
    storage = application.bot_data.storage
    if storage is not None:
        await storage.close()
        application.bot_data.storage = None


def build_application(
    settings: Settings,
    catalog: LessonCatalog | None = None,
    *,
    rate_limiter: AIORateLimiter | None = None,
) -> BotApplication:
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
                # A reply to a message deleted meanwhile is still sent, just not as a reply.
                allow_sending_without_reply=True,
            )
        )
        # Telegram's flood limits (30 messages/s overall, 20/min per group): wait, don't fail;
        # a 429 is waited out and retried.
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .updater(None)  # bot.poller fetches updates, through the durable inbox
        .build()
    )
    application.bot_data.settings = settings
    application.bot_data.catalog = catalog or load_catalog([settings.prompts_dir])
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every handler, in the order PTB tries them (first match wins within group 0)."""
    in_private = filters.ChatType.PRIVATE
    in_groups = filters.ChatType.GROUPS
    new_messages = filters.UpdateType.MESSAGE  # an edited command is not a new command
    handlers = [
        # 1. What a crowd sends most, first (PTB tries every handler before the matching one):
        # button presses (one entry point, data parsed strictly in bot.callbacks), quiz poll
        # votes, and replies to a group's question (new or edited; never a command).
        CallbackQueryHandler(buttons.on_button),
        PollAnswerHandler(group.on_poll_answer),
        MessageHandler(in_groups & filters.REPLY & filters.TEXT & ~filters.COMMAND, group.on_reply),
        # 2. Commands in a private chat (/start may carry a deep link).
        CommandHandler("start", private.start, filters=in_private & new_messages),
        CommandHandler("lessons", private.lessons, filters=in_private & new_messages),
        CommandHandler("help", private.help_command, filters=in_private & new_messages),
        CommandHandler("progress", private.progress, filters=in_private & new_messages),
        CommandHandler("restart", private.restart, filters=in_private & new_messages),
        CommandHandler("myanswers", reports.my_answers_command, filters=in_private & new_messages),
        CommandHandler("forget", reports.forget_command, filters=in_private & new_messages),
        CommandHandler("report", reports.report_in_private, filters=in_private & new_messages),
        CommandHandler("export", reports.export_in_private, filters=in_private & new_messages),
        CommandHandler(
            ["begin", "next", "end", "status"],
            private.group_only_command,
            filters=in_private & new_messages,
        ),
        # 3. Commands in a group; all but /status are for moderators only.
        CommandHandler("begin", group.begin, filters=in_groups & new_messages),
        CommandHandler("next", group.next_command, filters=in_groups & new_messages),
        CommandHandler("end", group.end, filters=in_groups & new_messages),
        CommandHandler("status", group.status, filters=in_groups & new_messages),
        CommandHandler("report", reports.report_in_group, filters=in_groups & new_messages),
        CommandHandler("export", reports.export_in_group, filters=in_groups & new_messages),
        CommandHandler(["start", "help"], group.group_start, filters=in_groups & new_messages),
        CommandHandler(
            ["lessons", "progress", "restart", "myanswers", "forget"],
            group.private_only_command,
            filters=in_groups & new_messages,
        ),
        # 4. The group itself: upgraded to a supergroup; the bot removed or re-added.
        MessageHandler(filters.StatusUpdate.MIGRATE, group.on_migration),
        ChatMemberHandler(group.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        # 5. Typed answers in a private chat; a /command we don't know gets a hint.
        MessageHandler(in_private & new_messages & filters.COMMAND, private.unknown_command),
        MessageHandler(in_private & new_messages & filters.TEXT, private.text_message),
        # 6. An edited typed answer in a private chat: a new version of it.
        MessageHandler(
            in_private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, private.edited_text
        ),
        # 7. Anything else a student sends privately: a hint, never silence.
        MessageHandler(in_private & new_messages & ~filters.TEXT, private.other_message),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(common.on_error)
