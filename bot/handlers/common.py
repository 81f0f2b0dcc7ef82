"""Cross-cutting handlers: the error handler, alerts to the bot's moderators, the answer to
a button no other handler takes, and to a button pressed where no chat comes with it."""

from __future__ import annotations

import logging
import sqlite3
import time

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler

from bot import i18n, texts
from bot.context import BotContext
from bot.outbox import popup
from bot.render import assignments as render_assignments
from bot.render import replies
from bot.send_budget import NotSent
from bot.storage import StorageError, WalkClosed
from bot.storage.assignments import PastDeadline

log = logging.getLogger(__name__)

ALERT_INTERVAL_SECONDS = 600.0  # at most one alert to the moderators per ten minutes


async def on_unknown_button(update: Update, context: BotContext) -> None:
    """Callback data no handler takes: not built by us, or from a version long gone."""
    query = update.callback_query
    assert query is not None
    log.warning("refused callback data from user %s", query.from_user.id)
    with i18n.to_presser():
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)


class PressWithoutChat(BaseHandler[Update, BotContext, None]):
    """A button of a message sent in inline mode: Telegram sends its press with only the
    message's inline_message_id, no message and no chat, so nothing the press names can be
    found or answered there (the bot sends no such messages: a forged press, or a client's
    bug). Registered before every button handler, which all need the chat."""

    def __init__(self) -> None:
        super().__init__(on_press_without_chat)

    def check_update(self, update: object) -> bool:
        return (
            isinstance(update, Update)
            and update.callback_query is not None
            and update.callback_query.message is None
        )


async def on_press_without_chat(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None  # PressWithoutChat's check
    log.warning("refused a button pressed without a chat by user %s", query.from_user.id)
    await popup(query, texts.BUTTON_WITHOUT_CHAT, show_alert=True)


def _apology(error: BaseException | None) -> str | None:
    """What to tell the user about a failed update (None: nothing, e.g. they blocked us)."""
    if isinstance(error, Forbidden):
        return None
    if isinstance(error, WalkClosed):
        return texts.ANSWER_TOO_LATE
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error).lower():
        return texts.TRY_AGAIN_BUSY
    if isinstance(error, sqlite3.DatabaseError):
        return texts.NOT_RECORDED
    return texts.SOMETHING_WENT_WRONG


async def _worded_apology(context: BotContext, error: BaseException | None) -> str | None:
    """What to tell the user, worded (None: nothing); a database that cannot be written also
    alerts the moderators."""
    apology = _apology(error)
    if isinstance(error, PastDeadline):  # homework answered after its deadline: say when
        settings = context.bot_data.settings
        apology = render_assignments.past_deadline(error, settings.timezone if settings else "UTC")
    if apology == texts.NOT_RECORDED:
        await alert_moderators(context, error)
        settings = context.bot_data.settings
        # Said only when someone is actually told.
        apology = replies.not_recorded(told=settings is not None and bool(settings.moderator_ids))
    return apology


async def on_error(update: object, context: BotContext) -> None:
    """Log a failed update by ids only (no message text), tell the user if we can, and keep
    going. A storage failure other than a busy database also alerts the moderators. A reply
    a stop did not send is no failure: ``bot.poller`` makes it good at the next start."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, NotSent):  # a stop cut its reply: one line for all at the end
        log.debug("update %s: its reply was not sent before the stop", update_id)
        return
    if isinstance(error, PastDeadline):  # homework after its deadline: a refusal, no fault
        log.info("update %s: an answer after its homework's deadline", update_id)
    else:
        log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden) and chat is not None:
        await context.storage.set_chat_active(chat.id, active=False)
        return
    with i18n.to_presser():  # a pop-up is the presser's alone: in their language
        apology = await _worded_apology(context, error)
    if not isinstance(update, Update) or apology is None:
        return
    try:
        if update.callback_query is not None:
            await popup(update.callback_query, apology, show_alert=True)
        elif chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, apology)
    except TelegramError:
        log.debug("could not tell the user about a failed update %s", update_id)


async def alert_moderators(context: BotContext, error: BaseException | None) -> None:
    """Tell the moderators of BOT_MODERATOR_IDS that the database cannot be written, each
    in their language, at most once per interval."""
    settings = context.bot_data.settings
    now = time.monotonic()
    last = context.bot_data.last_alert
    if settings is None or (last is not None and now - last < ALERT_INTERVAL_SECONDS):
        return
    context.bot_data.last_alert = now
    for user_id in sorted(settings.moderator_ids):
        try:
            language = await i18n.language_of_user(context.storage, user_id)
        except StorageError:  # what failed may be the database itself
            language = i18n.default()
        with i18n.speaking(language):
            text = replies.storage_alert(error)
        try:
            await context.bot.send_message(user_id, text)
        except TelegramError as failure:
            log.warning("could not alert moderator %s: %s", user_id, failure)
