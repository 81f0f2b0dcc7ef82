"""Running the bot: the application's lifecycle around the inbox poller, and clean stops.

SIGTERM and SIGINT set ``stop``: the long poll is dropped at once (nothing fetched is lost,
Telegram confirms only what the inbox holds), the update in hand is finished, the database
is closed, and the process exits with status 0.
"""

from __future__ import annotations

import asyncio
import signal

from telegram.error import InvalidToken

from bot.context import BotApplication
from bot.poller import InboxPoller, PollingStopped

# The update kinds the handlers consume; Telegram sends nothing else.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "poll_answer", "my_chat_member")


async def serve(
    application: BotApplication,
    stop: asyncio.Event,
    *,
    long_poll_timeout: int = 30,
    ready: asyncio.Event | None = None,
) -> None:
    """Initialise, poll until ``stop`` is set, then shut everything down; ``ready`` is set
    once the database is open and polling begins."""
    try:
        await application.initialize()  # asks Telegram who we are: the token is checked here
    except InvalidToken:
        raise PollingStopped(
            "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
        ) from None
    try:
        if application.post_init is not None:
            await application.post_init(application)  # opens the database
        storage = application.bot_data.storage
        assert storage is not None, "post_init opens the database"
        await application.start()
        try:
            poller = InboxPoller(
                application,
                storage,
                allowed_updates=ALLOWED_UPDATES,
                long_poll_timeout=long_poll_timeout,
            )
            if ready is not None:
                ready.set()
            await poller.run(stop)
        finally:
            await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)  # closes the database


def run_until_signalled(application: BotApplication) -> None:
    """The command line's `run`: serve until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        settings = application.bot_data.settings
        timeout = settings.poll_timeout if settings is not None else 30
        await serve(application, stop, long_poll_timeout=timeout)

    asyncio.run(main())
