"""Cross-cutting handlers: the error handler."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from bot.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log a failed update by ids only (no message text), and tell the user if we can."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.SOMETHING_WENT_WRONG, show_alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, texts.SOMETHING_WENT_WRONG)
    except Exception:  # noqa: BLE001 - the apology is best effort; the error is logged above
        log.debug("could not tell the user about a failed update %s", update_id)
