"""Long polling with a durable inbox: the one path from fetching an update to handling it.

PTB's own Updater confirms a batch to Telegram (by asking for the next offset) while its
updates may still wait in memory, so a hard kill loses them. Here every fetched update is
committed to the inbox table first; only then does the next getUpdates confirm it. Each is
deleted from the inbox once handled, and on start whatever is left is handled first.
Handling twice is harmless: answers are keyed by Telegram's ids.
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

from telegram import Update
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
from bot.storage import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


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
        for update_id, payload in await self._storage.inbox_pending():
            log.info("handling update %s left from the previous run", update_id)
            await self._handle(update_id, payload)
            self._offset = max(self._offset, update_id + 1)
        backoff = 1.0
        while not stop.is_set():
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
                await self._storage.inbox_add([(u["update_id"], json.dumps(u)) for u in batch])
            except sqlite3.OperationalError as error:
                # Not stored, so not confirmed either: Telegram keeps them, we ask again.
                log.warning("could not store updates (%s); retrying in %.0f s", error, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            for raw in batch:
                self._offset = max(self._offset, raw["update_id"] + 1)
            # The updates in hand are finished even when a stop was asked for meanwhile.
            # Each chat's updates are handled in order; different chats at the same time.
            await asyncio.gather(*(self._handle_in_order(run) for run in _by_sender(batch)))
        await self._confirm()

    async def _handle_in_order(self, updates: list[dict[str, Any]]) -> None:
        for raw in updates:
            await self._handle(raw["update_id"], raw)

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
            update = Update.de_json(data, self._application.bot)
        except Exception:
            log.debug("ignored update %s that could not be parsed", update_id, exc_info=True)
        else:
            # Handler errors go to the error handler inside process_update; anything PTB
            # raises around them (e.g. an id of the wrong type) must not stop the bot, nor
            # stop it again on every start by staying in the inbox.
            with self._storage.handling(update_id) as mark:
                try:
                    await self._application.process_update(update)
                except Exception:
                    log.exception("update %s could not be handled", update_id)
            if mark.done:
                return  # its handler's first write marked it handled
        await self._storage.inbox_done(update_id)


def _by_sender(batch: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A batch split into runs that must keep their order: one per chat (a poll answer,
    which names no chat, goes with its voter's private chat id)."""
    runs: dict[object, list[dict[str, Any]]] = {}
    for raw in batch:
        runs.setdefault(_sender_key(raw), []).append(raw)
    return list(runs.values())


def _sender_key(raw: dict[str, Any]) -> object:
    for kind, body in raw.items():
        if not isinstance(body, dict):
            continue
        chat = body.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return chat["id"]
        message = body.get("message")  # a button press: the chat of its message
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = message["chat"].get("id")
            if isinstance(chat_id, int):
                return chat_id
        user = body.get("user") or body.get("from")
        if isinstance(user, dict) and isinstance(user.get("id"), int):
            return user["id"]
        return kind  # anything else: all such updates in one ordered run
    return None


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
