"""Answering button presses, where a late answer is not an error.

Telegram gives a bot about 15 seconds to answer a button press. When a press waited longer
(a slow moment, a restart), the answer is refused with "query is too old", but the press
itself was real: what it recorded stays recorded, and the handler carries on.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery
from telegram.error import BadRequest

log = logging.getLogger(__name__)


async def popup(query: CallbackQuery, text: str | None = None, *, show_alert: bool = False) -> None:
    """Answer a press (with a pop-up when ``text`` is given); ignore only a too-late answer."""
    try:
        await query.answer(text, show_alert=show_alert)
    except BadRequest as error:
        message = str(error).lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        log.info("answered a button press too late (query %s)", query.id)
