"""build_application(settings): everything wired, handlers registered in one place."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot import attempts, homework, i18n, moves_owed, reminders, session_clock, sessions
from bot.config import Settings
from bot.context import BotApplication, BotContext, BotData
from bot.handlers import (
    answers,
    assignments,
    chat_events,
    common,
    dashboard,
    discussion,
    group_settings,
    language,
    lesson,
    lessons_admin,
    privacy,
    reports,
    session,
    words,
)
from bot.handlers import reminders as reminder_buttons
from bot.lessons import LessonCatalog
from bot.lessons.load import load_catalog
from bot.menus import set_command_menus, set_descriptions
from bot.send_budget import SendBudget
from bot.storage import Storage
from bot.telegram_http import AiohttpRequest

log = logging.getLogger(__name__)


async def _post_init(application: BotApplication) -> None:
    settings = application.bot_data.settings
    assert settings is not None, "build_application sets the settings"
    application.bot_data.storage = await Storage.open(settings.db_path, exclusive=True)
    await set_command_menus(application.bot, settings.moderator_ids)
    await set_descriptions(application.bot)
    await homework.schedule_all(application)  # deadlines' timers, rebuilt from the database
    await reminders.schedule_all(application)  # and the reminders' (issue 12)
    await session_clock.rebuild_all(application)  # paced sessions' ticks, likewise
    await attempts.make_good_at_start(application)  # replies the last stop left unsent
    await homework.make_good_at_start(application)  # and the results of closes it cut
    await sessions.make_good_at_start(application)  # and the sessions' summaries
    await moves_owed.make_good_at_start(application)  # and the sessions' moves it cut


async def _post_shutdown(application: BotApplication) -> None:
    storage = application.bot_data.storage
    if storage is not None:
        await storage.close()
        application.bot_data.storage = None


def build_application(
    settings: Settings,
    catalog: LessonCatalog | None = None,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> BotApplication:
    """The bot, ready to run: lessons loaded (LessonsInvalid if any is broken), handlers set.

    The database opens in post_init and closes in post_shutdown, with the application.
    """
    token = settings.token()
    api = settings.telegram_api_url
    application: BotApplication = (
        ApplicationBuilder()
        .token(token)
        # Bot API calls over aiohttp's pool, not PTB's httpx one (bot/telegram_http.py).
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
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
        # Telegram's flood limits (30 messages/s overall, 20/min per group, about 1/s per
        # private chat): wait, don't fail, and one chat's wait never holds up another's; a 429
        # is waited out (in its chat only) and retried.
        .rate_limiter(
            rate_limiter or SendBudget(max_retries=3, overall_max_rate=settings.messages_per_second)
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .updater(None)  # bot.poller fetches updates, through the durable inbox
        .build()
    )
    application.bot_data.settings = settings
    i18n.set_default(settings.default_language)
    i18n.load()  # CatalogInvalid: a translation Telegram would refuse, named
    application.bot_data.catalog = catalog or load_catalog([settings.prompts_dir])
    application.bot_data.advance_session = sessions.post_next_part  # a paced clock's tick
    register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every handler, in the order PTB tries them (first match wins within a group).

    Button presses are routed by what their data decodes to (``bot.callbacks``: strict, and
    never trusted: each handler checks what the data names against the database).
    """
    in_private = filters.ChatType.PRIVATE
    in_groups = filters.ChatType.GROUPS
    new_messages = filters.UpdateType.MESSAGE  # an edited command is not a new command
    private_command = in_private & new_messages
    group_command = in_groups & new_messages
    # -100. Every update first: the language its replies are in (bot/i18n.py).
    application.add_handler(TypeHandler(Update, language.speak_to_reader), group=-100)
    # -1. /start in a private chat first hands over a report or export a moderator asked
    # for in a group (and stops there when that is all the /start came for).
    application.add_handler(
        CommandHandler("start", reports.deliver_on_start, filters=private_command), group=-1
    )
    handlers = [
        # 0. A button pressed with no chat (under a message sent in inline mode): a pop-up,
        # as every button handler below needs the chat.
        common.PressWithoutChat(),
        # 1. What a crowd sends most, first (PTB tries every handler before the matching one):
        # answer buttons, quiz poll votes, and replies to a group's question (new or edited;
        # never a command).
        CallbackQueryHandler(answers.on_answer_button, pattern=answers.is_answer_button),
        CallbackQueryHandler(answers.on_before_button, pattern=answers.is_before_button),
        PollAnswerHandler(answers.on_poll_answer),
        MessageHandler(in_groups & filters.REPLY & ~filters.COMMAND, answers.on_group_reply),
        # 2. The other buttons: the lessons menu, moderators' session buttons, reports and
        # exports, /forget's question, the homework, the group's settings panel; anything
        # else is a button we do not know.
        CallbackQueryHandler(lesson.on_menu_button, pattern=lesson.is_menu_button),
        CallbackQueryHandler(session.on_session_button, pattern=session.is_session_button),
        CallbackQueryHandler(reports.on_delivery_button, pattern=reports.is_delivery_button),
        CallbackQueryHandler(privacy.on_forget_button, pattern=privacy.is_forget_button),
        CallbackQueryHandler(
            assignments.on_homework_button, pattern=assignments.is_homework_button
        ),
        # A homework reminder's Continue and 🔕, and /reminders' undo buttons.
        CallbackQueryHandler(
            reminder_buttons.on_reminder_button, pattern=reminder_buttons.is_reminder_button
        ),
        CallbackQueryHandler(
            group_settings.on_settings_button, pattern=group_settings.is_settings_button
        ),
        # 📖 Words under a part: its glossary, always sent to the presser's private chat.
        CallbackQueryHandler(words.on_words_button, pattern=words.is_words_button),
        CallbackQueryHandler(discussion.on_settings_button, pattern=discussion.is_settings_button),
        CallbackQueryHandler(language.on_language_button, pattern=language.is_language_button),
        # Homework's moderator buttons: Extend 1 day, Close now, /assign's lesson picked.
        CallbackQueryHandler(assignments.on_manage_button, pattern=assignments.is_manage_button),
        CallbackQueryHandler(common.on_unknown_button),
        # 3. Commands in a private chat (/start may carry a deep link).
        CommandHandler("start", lesson.start, filters=private_command),
        CommandHandler("lessons", lesson.lessons, filters=private_command),
        CommandHandler("help", lesson.help_command, filters=private_command),
        CommandHandler("progress", lesson.progress, filters=private_command),
        CommandHandler("restart", lesson.restart, filters=private_command),
        CommandHandler("myanswers", privacy.my_answers_command, filters=private_command),
        CommandHandler("forget", privacy.forget_command, filters=private_command),
        CommandHandler("words", words.words_command, filters=private_command),
        CommandHandler("report", reports.report_in_private, filters=private_command),
        CommandHandler("export", reports.export_in_private, filters=private_command),
        # The moderators' dashboard (issue 17): a Mini App button and a one-time link.
        CommandHandler("dashboard", dashboard.dashboard_command, filters=private_command),
        CommandHandler("reload", lessons_admin.reload_command, filters=private_command),
        CommandHandler("reminders", reminder_buttons.reminders_command, filters=private_command),
        # Discussion (issue 14): a student's own /settings (the reveal toggle); a group's
        # /settings is the group panel's, registered with the group commands.
        CommandHandler("settings", discussion.settings_command, filters=private_command),
        CommandHandler("leaderboard", discussion.own_scores_command, filters=private_command),
        CommandHandler("language", language.language_command, filters=private_command),
        CommandHandler(
            [
                *("begin", "next", "end", "pause", "resume", "status"),
                *("assign", "assignments", "timezone", "digest"),
            ],
            session.group_only_command,
            filters=private_command,
        ),
        # 4. Commands in a group; all but /status are for moderators only.
        CommandHandler("begin", session.begin, filters=group_command),
        CommandHandler("next", session.next_command, filters=group_command),
        CommandHandler("end", session.end, filters=group_command),
        # A paced session's clock (/begin … pace 3m): stopped and started again.
        CommandHandler("pause", session.pause, filters=group_command),
        CommandHandler("resume", session.resume, filters=group_command),
        CommandHandler("status", session.status, filters=group_command),
        CommandHandler("report", reports.report_in_group, filters=group_command),
        CommandHandler("export", reports.export_in_group, filters=group_command),
        # Homework: /assign is for moderators; /timezone with a name too.
        CommandHandler("assign", assignments.assign, filters=group_command),
        CommandHandler("assignments", assignments.list_open, filters=group_command),
        CommandHandler("timezone", assignments.timezone, filters=group_command),
        # The group's settings panel (moderators); /settings in a private chat is not this.
        CommandHandler("settings", group_settings.settings_command, filters=group_command),
        # Discussion (issue 14): digests of debate questions on or off (moderators); the
        # leaderboard's standings, and on or off (moderators).
        CommandHandler("digest", discussion.digest_command, filters=group_command),
        CommandHandler("leaderboard", discussion.leaderboard_command, filters=group_command),
        # The group's language (moderators): what everything posted here is written in.
        CommandHandler("language", language.group_language_command, filters=group_command),
        CommandHandler(["start", "help"], session.group_help, filters=group_command),
        CommandHandler(
            [
                "lessons",
                "progress",
                "restart",
                "myanswers",
                "forget",
                "dashboard",
                "reminders",
                "words",
            ],
            session.private_only_command,
            filters=group_command,
        ),
        # A reply to a question starting with "/" that is none of our commands: not an
        # answer, and the member is told why.
        MessageHandler(in_groups & filters.REPLY & filters.COMMAND, answers.on_group_reply),
        # 5. The group itself: upgraded to a supergroup; the bot removed or re-added.
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_events.on_migration),
        ChatMemberHandler(chat_events.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        # 6. Typed answers in a private chat; a /command we don't know gets a hint.
        MessageHandler(private_command & filters.COMMAND, lesson.unknown_command),
        MessageHandler(private_command & filters.TEXT, answers.on_private_text),
        # 7. An edited typed answer in a private chat: a new version of it.
        MessageHandler(
            in_private & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, answers.on_private_edit
        ),
        # 8. Anything else a student sends privately: a hint, never silence.
        MessageHandler(private_command & ~filters.TEXT, lesson.other_message),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(common.on_error)
