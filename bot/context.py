"""The typed context handlers receive: ``context.storage`` and ``context.catalog``.

PTB builds ``BotData`` with no arguments; ``build_application`` sets the catalog and
``post_init`` opens the storage, so both follow the application's lifecycle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.flood import FloodGate
from bot.lessons import LessonCatalog
from bot.outbox import Reactions
from bot.rights_cache import RightsCache
from bot.storage import Storage, Walk


class BotData:
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.catalog: LessonCatalog = LessonCatalog(())
        self.storage: Storage | None = None
        self.rights = RightsCache()
        self.flood = FloodGate()  # whether a stray message still gets its hint
        self.reactions = Reactions()  # the ✍s waiting to go out
        self.last_alert: float | None = None  # monotonic time of the last alert
        # One advance of a group session at a time, by its walk id (bot.sessions).
        self.advancing: dict[int, asyncio.Lock] = {}
        # The one way a group session moves on (bot.sessions.post_next_part), for a paced
        # session's clock to tick with: set by build_application, because bot.sessions
        # arms the clock (bot.session_clock) and so the clock may not import it back.
        self.advance_session: Callable[[BotContext, Walk], Awaitable[None]] | None = None


# ExtBot[Any]: the rate limiter's per-call argument type does not matter to handlers.
class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def storage(self) -> Storage:
        storage = self.bot_data.storage
        if storage is None:  # only possible if a handler ran before post_init
            raise RuntimeError("the database is not open yet")
        return storage

    @property
    def catalog(self) -> LessonCatalog:
        return self.bot_data.catalog


BotApplication = Application[ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
