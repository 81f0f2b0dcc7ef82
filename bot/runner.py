"""Running the bot: the application's lifecycle around the inbox poller, and clean stops.

At start the bot asks Telegram who it is (getMe). While Telegram cannot be reached (no
network yet, a 5xx, a timeout) it tries again after 1, 2, 4 … seconds (at most 30), with one
log line per attempt; only a rejected token is final.

SIGTERM and SIGINT set ``stop``: the long poll (or the wait for Telegram at start) is
dropped at once (nothing fetched is lost, Telegram confirms only what the inbox holds), the
updates in hand are finished, the database is closed, and the process exits with status 0.
The updates in hand and the timers' work get ``STOP_GRACE_SECONDS``; a reply still waiting
on its chat's flood budget then is not sent (a 429's pause or a group's backlog could hold
the stop for a minute), one line says how many, and the next start makes them good
(``bot.poller``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable
from dataclasses import dataclass

from telegram.error import InvalidToken, RetryAfter, TelegramError

from bot import file_modes, poller
from bot.context import BotApplication, BotContext
from bot.intake import Activity, MeasuredPoller, WebhookFeed
from bot.lessons.reload import reload_on_signal
from bot.logs import redact_also
from bot.metrics import count_error
from bot.poller import PollingStopped
from bot.send_budget import NotSent, SendBudget
from bot.storage import Storage
from bot.web.dashboard.pages import Dashboard
from bot.web.dashboard.rights import TelegramRights
from bot.web.health import Health
from bot.web.server import WebServer
from bot.web.webhook import WebhookEndpoint

log = logging.getLogger(__name__)

# Python looks for garbage cycles among its youngest objects every 700 allocations, and now
# and then walks every object the bot keeps (lessons, caches, PTB): at hundreds of updates a
# second that was a sixth of the bot's CPU and its longest pauses. Less often
# (bench/capacity.py, 300 groups, 1,000 answers offered a second, 50 ms round trips, two
# runs each: 659-664 -> 702-704 answers/s, bot CPU 55-57% -> 45-50% of a core, p99 arrival
# -> commit 2.8-3.3 s -> 0.6-1.2 s); memory stays bounded (bench/memory.py). Updates leave
# no reference cycles (tests/test_cycles.py; docs/benchmarks.md, session 12), so what the
# collector walks it finds alive: collecting less often keeps no garbage longer.
GC_THRESHOLDS = (50_000, 20, 100)

# The update kinds the handlers consume; Telegram sends nothing else.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "poll_answer", "my_chat_member")


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits between attempts to reach Telegram at start: ``first``, doubling up to ``most``."""

    first: float = 1.0
    most: float = 30.0


async def serve(
    application: BotApplication,
    stop: asyncio.Event,
    *,
    long_poll_timeout: int = 30,
    ready: asyncio.Event | None = None,
    backoff: Backoff = Backoff(),  # frozen: one shared default is safe
) -> None:
    """Initialise, poll until ``stop`` is set, then shut everything down; ``ready`` is set
    once the database is open and polling begins. A stop while Telegram cannot be reached
    at start returns at once."""
    if not await _initialize(application, stop, backoff):
        return
    try:
        if application.post_init is not None:
            await application.post_init(application)  # opens the database
        storage = application.bot_data.storage
        assert storage is not None, "post_init opens the database"
        application.add_error_handler(_count_error)
        await application.start()
        cutting = asyncio.ensure_future(_cut_after_grace(application, stop))
        try:
            await _receive(application, storage, stop, long_poll_timeout, ready)
        finally:
            await application.stop()
            cutting.cancel()
        await _tell_not_sent(application, storage)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)  # closes the database


async def _receive(
    application: BotApplication,
    storage: Storage,
    stop: asyncio.Event,
    long_poll_timeout: int,
    ready: asyncio.Event | None,
) -> None:
    """Take updates until ``stop``: pushed by Telegram (BOT_WEBHOOK_URL set) or by long
    polling; with the web server (webhook, /healthz, /metrics) when it has an address."""
    settings = application.bot_data.settings
    assert settings is not None, "build_application sets the settings"
    activity = Activity()
    address = settings.listen_address()
    metrics_token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    health = Health(application, storage, activity, webhook_url=settings.webhook_url)
    if settings.webhook_url is None:
        poller = MeasuredPoller(
            application,
            storage,
            activity,
            allowed_updates=ALLOWED_UPDATES,
            long_poll_timeout=long_poll_timeout,
        )
        server = None
        if address is not None:
            server = WebServer(
                storage, health, metrics_token=metrics_token, dashboard=_dashboard(application)
            )
            await server.start(*address)
        try:
            if ready is not None:
                ready.set()
            await poller.run(stop)  # deletes a webhook left behind first
        finally:
            if server is not None:
                await server.stop()
        return
    assert address is not None, "a webhook URL implies an address"
    given = settings.webhook_secret
    secret = given.get_secret_value() if given is not None else await storage.webhook_secret()
    redact_also(secret)
    feed = WebhookFeed(
        application,
        storage,
        activity,
        url=settings.webhook_url,
        secret=secret,
        max_connections=settings.webhook_max_connections,
        allowed_updates=ALLOWED_UPDATES,
    )
    await feed.prepare()  # what the last run left is handled before any push
    server = WebServer(
        storage,
        health,
        webhook=WebhookEndpoint(feed, storage),
        webhook_url=settings.webhook_url,
        metrics_token=metrics_token,
        dashboard=_dashboard(application),
    )
    await server.start(*address)
    try:
        await feed.set_webhook()
        log.info("webhook mode: Telegram pushes updates to the web server")
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await server.stop()  # no new pushes; those being stored are finished
        await feed.finish()


def _dashboard(application: BotApplication) -> Dashboard | None:
    """The moderators' dashboard, served with the rest when BOT_DASHBOARD_URL is set: pages
    read through the storage's read-only connection, rights asked as /report asks them."""
    settings, storage = application.bot_data.settings, application.bot_data.storage
    if settings is None or storage is None or settings.dashboard_url is None:
        return None
    return Dashboard(
        storage,
        lambda: application.bot_data.catalog,  # the lessons as reloaded since
        TelegramRights(application),
        db_path=settings.db_path,
        default_zone=settings.timezone,
        secure_cookie=settings.dashboard_url.startswith("https://"),
        bot_token=application.bot.token,
    )


async def _cut_after_grace(application: BotApplication, stop: asyncio.Event) -> None:
    """Once ``stop`` is set and its grace has passed, replies still waiting on their chats'
    flood budgets are not sent (``SendBudget.stop_waiting``)."""
    budget = application.bot.rate_limiter
    if isinstance(budget, SendBudget):
        await stop.wait()
        await asyncio.sleep(poller.STOP_GRACE_SECONDS)
        budget.stop_waiting()


async def _tell_not_sent(application: BotApplication, storage: Storage) -> None:
    """One line for the replies a stop left unsent (none: nothing)."""
    budget = application.bot.rate_limiter
    if not isinstance(budget, SendBudget) or not budget.not_sent:
        return
    owed = len(await storage.owed_replies())
    results, reports, shown = await storage.owed_closes()  # homework closes the stop cut short
    closes = ""
    if results:
        closes += f", the results of {results} closed homework are posted"
    if shown:
        closes += f", the messages of {shown} closed homework are shown closed"
    if reports:
        closes += f", the reports of {reports} closed homework are sent to their moderators"
    summaries = await storage.owed_summaries()  # group sessions' closes, likewise
    if summaries:
        closes += f", the summaries of {_counted(summaries, 'session', 'sessions')} are posted"
    at_close, on_move = await storage.owed_digests()  # a debate's digests, likewise
    if at_close:
        debates = _counted(at_close, "debate question", "debate questions")
        closes += f", the digests of {debates} at a close are posted"
    if on_move:
        debates = _counted(on_move, "debate question", "debate questions")
        closes += f", the digests of {debates} are posted at their session's next move"
    moves = len(await storage.owed_moves())  # group sessions' moves (/next, a tick), likewise
    if moves:
        sessions = "1 session's move is" if moves == 1 else f"{moves} sessions' moves are"
        closes += f", {sessions} finished"
    log.warning(
        "stopped with %s not sent (each waited on its chat's flood budget past the stop's "
        "%g s grace): at the next start %s get their lesson's step%s, and the updates that "
        "wrote nothing are handled again",
        _counted(budget.not_sent, "reply", "replies"),
        poller.STOP_GRACE_SECONDS,
        _counted(owed, "student", "students"),
        closes,
    )


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


async def _count_error(update: object, context: BotContext) -> None:
    """Beside the error handler that logs: each handler's error, counted by its type (a
    reply a stop did not send is no error)."""
    if context.error is not None and not isinstance(context.error, NotSent):
        count_error(type(context.error).__name__)


async def _initialize(application: BotApplication, stop: asyncio.Event, backoff: Backoff) -> bool:
    """Ask Telegram who we are (the token is checked here), until it answers; False if
    ``stop`` was set first. PollingStopped if the token is rejected."""
    attempt, wait = 1, backoff.first
    while True:
        try:
            if not await _unless_stopped(application.initialize(), stop):
                await application.bot.shutdown()  # closes the HTTP clients it opened
                return False
            return True
        except InvalidToken:
            await application.bot.shutdown()
            raise PollingStopped(
                "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
            ) from None
        except TelegramError as error:
            # Telegram or the way to it is down (NetworkError, TimedOut, a 5xx) or busy
            # (RetryAfter): worth waiting for. One line, no traceback: it is not a bug.
            delay = max(wait, _seconds(error.retry_after) if isinstance(error, RetryAfter) else 0)
            log.warning(
                "Telegram cannot be reached (attempt %d: %s); trying again in %g s",
                attempt,
                error.message or type(error).__name__,
                delay,
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        if stop.is_set():
            await application.bot.shutdown()
            return False
        attempt, wait = attempt + 1, min(wait * 2, backoff.most)


async def _unless_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Await ``work`` unless ``stop`` is set first (then ``work`` is cancelled): True if it
    finished (its exception, if any, is raised)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # cancelled from outside: leave nothing running
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)  # a timedelta, or seconds in older PTB
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def run_until_signalled(application: BotApplication) -> None:
    """The command line's `run`: serve until SIGINT or SIGTERM; SIGHUP reloads the lessons."""
    settings = application.bot_data.settings
    if settings is not None:
        file_modes.check_at_start(settings.db_path)
    gc.set_threshold(*GC_THRESHOLDS)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, reload_on_signal, application)  # lessons anew
        settings = application.bot_data.settings
        timeout = settings.poll_timeout if settings is not None else 30
        await serve(application, stop, long_poll_timeout=timeout)

    asyncio.run(main())
