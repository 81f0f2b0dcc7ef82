"""Long polling with a durable inbox: the one path from fetching an update to handling it.

PTB's own Updater confirms a batch to Telegram (by asking for the next offset) while its
updates may still wait in memory, so a hard kill loses them. Here every fetched update is
committed to the inbox table first; only then does the next getUpdates confirm it. Each is
deleted from the inbox once handled, and on start whatever is left is handled first.
Handling twice is harmless: answers are keyed by Telegram's ids.

Fetched updates go to a ``bot.scheduler.Scheduler``, which handles them concurrently where
order does not matter and keeps a flooding user's excess behind everyone else's; the poller
goes on fetching meanwhile (the inbox holds what waits), so one user's backlog never holds up
another's next update.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import warnings
from collections.abc import Sequence
from typing import Any

from telegram.error import (
    Conflict,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotApplication
from bot.parsing import UpdateParser
from bot.scheduler import Scheduler
from bot.send_budget import noting_cuts
from bot.storage import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
# Each update's JSON as stored in the inbox: compact, and ASCII (a lone surrogate a client
# sent stays escaped, which SQLite's UTF-8 could not store); parsed JSON has no cycles.
_INBOX_JSON = json.JSONEncoder(check_circular=False, separators=(",", ":"))
# At a stop, what was fetched is still handled for this long at most; what is left then
# stays in the inbox for the next start (a flood's backlog must not delay a stop).
STOP_GRACE_SECONDS = 5.0


class PollingStopped(Exception):
    """Polling cannot go on (another instance polls this token, or the token is wrong);
    the message is one line for the person running the bot."""


class InboxPoller:
    def __init__(
        self,
        application: BotApplication,
        storage: Storage,
        *,
        allowed_updates: Sequence[str],
        long_poll_timeout: int = 30,
    ) -> None:
        self._application = application
        self._storage = storage
        self._allowed = list(allowed_updates)
        self._timeout = long_poll_timeout
        self._offset = 0
        self._parser = UpdateParser(application.bot)
        # getUpdates is called raw on purpose: the inbox stores each update's own JSON, and
        # each is parsed on its own, so one malformed update cannot sink its whole batch.
        warnings.filterwarnings(
            "ignore", message="Please use 'Bot.getUpdates'", category=PTBUserWarning
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Handle what a previous run left, then poll until ``stop`` is set."""
        await self._application.bot.delete_webhook()
        handled = await self._storage.last_handled_update()
        self._offset = handled + 1 if handled else 0
        scheduler = Scheduler(self._handle, refused=self._refused)
        try:
            await self._poll(stop, scheduler)
        finally:
            # The updates in hand are finished even when a stop was asked for meanwhile.
            await scheduler.close(STOP_GRACE_SECONDS)
        if scheduler.error is not None:
            raise scheduler.error
        await self._confirm()

    async def _poll(self, stop: asyncio.Event, scheduler: Scheduler) -> None:
        left = await self._storage.inbox_pending()
        if left:
            log.info("handling %d updates left from the previous run", len(left))
        for update_id, payload in left:
            scheduler.add(update_id, _parsed(payload), payload)
            self._offset = max(self._offset, update_id + 1)
        backoff = 1.0
        while not stop.is_set():
            await scheduler.room(stop)
            if stop.is_set() or scheduler.error is not None:
                break
            try:
                batch = await self._fetch(stop)
            except (Conflict, InvalidToken) as error:
                raise PollingStopped(_why(error)) from None
            except RetryAfter as error:
                await _sleep_unless(stop, _seconds(error.retry_after))
                continue
            except (TimedOut, NetworkError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 1.0
            if batch is None:
                break  # stopped while waiting
            # Re-deliveries of what was handled before (Telegram had not been told) are dropped.
            batch = [u for u in batch if u["update_id"] >= self._offset]
            try:
                rows = [(u["update_id"], _INBOX_JSON.encode(u)) for u in batch]
                await self._storage.inbox_add(rows)
            except sqlite3.OperationalError as error:
                # Not stored, so not confirmed either: Telegram keeps them, we ask again.
                log.warning("could not store updates (%s); retrying in %.0f s", error, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            for raw, (update_id, stored) in zip(batch, rows, strict=True):
                self._offset = max(self._offset, update_id + 1)
                scheduler.add(update_id, raw, stored)

    def _refused(self, chat_id: int, user_id: int) -> bool:
        """Whether this user is known (cached) not to moderate this group: their session
        command will only be refused, so it need not wait for anyone."""
        data = self._application.bot_data
        if data.settings is not None and user_id in data.settings.moderator_ids:
            return False
        return data.rights.get(chat_id, user_id) is False

    async def _confirm(self) -> None:
        """Tell Telegram what was handled, so that it is not delivered again."""
        if not self._offset:
            return
        with contextlib.suppress(TelegramError):
            await self._application.bot.do_api_request(
                "getUpdates", api_kwargs={"offset": self._offset, "timeout": 0, "limit": 1}
            )

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        """One long poll; None if ``stop`` was set while it waited."""
        request = asyncio.ensure_future(
            self._application.bot.do_api_request(
                "getUpdates",
                api_kwargs={
                    "offset": self._offset,
                    "timeout": self._timeout,
                    "allowed_updates": self._allowed,
                },
                read_timeout=self._timeout + 10,
            )
        )
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({request, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if request not in done:
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await request
            return None
        stopped.cancel()
        result = request.result()
        return [u for u in result if isinstance(u, dict) and isinstance(u.get("update_id"), int)]

    async def _handle(self, update_id: int, payload: dict[str, Any] | str) -> None:
        """Handle one update: as fetched (a dict), or as stored in the inbox (its JSON)."""
        try:
            data = json.loads(payload) if isinstance(payload, str) else payload
            update = self._parser.parse(data)
        except Exception:
            log.debug("ignored update %s that could not be parsed", update_id, exc_info=True)
        else:
            # Handler errors go to the error handler inside process_update; anything PTB
            # raises around them (e.g. an id of the wrong type) must not stop the bot, nor
            # stop it again on every start by staying in the inbox.
            with self._storage.handling(update_id) as mark, noting_cuts() as cut:
                try:
                    await self._application.process_update(update)
                except Exception:
                    log.exception("update %s could not be handled", update_id)
            if cut:  # the bot is stopping, and a reply of this update's was not sent
                await self._cut_short(update_id, cut, handled=mark.done)
                return
            if mark.done:
                return  # its handler's first write marked it handled
        await self._storage.inbox_done(update_id)

    async def _cut_short(self, update_id: int, chats: set[int | str], *, handled: bool) -> None:
        """A stop refused a reply of this update (it waited on its chat's flood budget past
        the stop's grace: ``bot.send_budget``). If its handling wrote nothing, it stays in
        the inbox and is simply handled again at the next start. If it wrote (an answer, a
        step of a lesson: then the inbox forgot it in that same transaction, and handling
        it again would only be told "already answered"), the private chats it was
        answering are noted, and at the next start each gets the step its lesson stands
        at (``bot.attempts.make_good``): the student is never left without her next
        question. Groups need nothing here: what was posted of a part is recorded, and the
        session's move noted owed is finished at the next start (``bot.moves_owed``)."""
        if not handled:
            log.debug("update %s stays in the inbox: the stop cut its reply", update_id)
            return
        private = sorted(c for c in chats if isinstance(c, int) and c > 0)
        if private:
            await self._storage.owe_replies(private)


def _parsed(payload: str) -> object:
    """An update as stored in the inbox; its text when it cannot be read (it is then
    scheduled as a barrier, and its handling logs and drops it)."""
    try:
        return json.loads(payload)
    except ValueError:
        return payload


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def _why(error: Exception) -> str:
    if isinstance(error, Conflict):
        return (
            "another program is polling Telegram with this bot token (Telegram says: "
            f"{error.message}); stop it first, or use a different bot"
        )
    return "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
