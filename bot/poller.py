"""Long polling with a durable inbox: the one path from fetching an update to handling it.

PTB's own Updater confirms a batch to Telegram (by asking for the next offset) while its
updates may still wait in memory, so a hard kill loses them. Here every fetched update is
committed to the inbox table first; only then does the next getUpdates confirm it. Each is
deleted from the inbox once handled, and on start whatever is left is handled first.
Handling twice is harmless: answers are keyed by Telegram's ids.

A fetched batch is handled concurrently except where order matters: each user's updates
keep their order, and an update that can change a chat's session (a command, the bot's
membership, a migration, a moderator's begin/next button) waits for the chat's earlier
updates while its later ones wait for it; poll answers, which name no chat, keep their
order against such updates in every chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import warnings
from collections.abc import Awaitable, Callable, Hashable, Sequence
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

from bot import callbacks
from bot.context import BotApplication
from bot.storage import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
# Each update's JSON as stored in the inbox: compact, and ASCII (a lone surrogate a client
# sent stays escaped, which SQLite's UTF-8 could not store); parsed JSON has no cycles.
_INBOX_JSON = json.JSONEncoder(check_circular=False, separators=(",", ":"))
# Updates of a batch handled at the same time, at most: enough for the writer to commit many
# answers together, few enough to keep memory and open Bot API connections bounded.
MAX_CONCURRENT_UPDATES = 32


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
                rows = [(u["update_id"], _INBOX_JSON.encode(u)) for u in batch]
                await self._storage.inbox_add(rows)
            except sqlite3.OperationalError as error:
                # Not stored, so not confirmed either: Telegram keeps them, we ask again.
                log.warning("could not store updates (%s); retrying in %.0f s", error, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            for raw in batch:
                self._offset = max(self._offset, raw["update_id"] + 1)
            # The updates in hand are finished even when a stop was asked for meanwhile.
            await _run_scheduled(batch, self._handle)
        await self._confirm()

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


# Service messages that change a chat's session (or its id).
_SESSION_SERVICE_KEYS = frozenset(
    {
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "new_chat_members",
        "left_chat_member",
        "group_chat_created",
        "supergroup_chat_created",
    }
)

Handle = Callable[[int, dict[str, Any]], Awaitable[None]]


async def _run_scheduled(batch: Sequence[dict[str, Any]], handle: Handle) -> None:
    """Handle a whole batch, each update once the updates it depends on are finished."""
    schedule = _schedule(batch)
    finished = [asyncio.Event() for _ in schedule]
    running = asyncio.Semaphore(MAX_CONCURRENT_UPDATES)

    async def one(index: int, raw: dict[str, Any], after: list[int]) -> None:
        try:
            for earlier in after:
                await finished[earlier].wait()
            async with running:  # taken only once its dependencies are done: no deadlock
                await handle(raw["update_id"], raw)
        finally:
            finished[index].set()  # even on failure: what waits for it must not hang

    tasks = [asyncio.create_task(one(i, raw, after)) for i, (raw, after) in enumerate(schedule)]
    # All finish before an error is passed on: none is left running behind the caller.
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, BaseException):
            raise outcome


def _schedule(batch: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], list[int]]]:
    """Each update of the batch with the indexes of the earlier updates it must wait for.

    A user's updates keep their order. A barrier (see ``_classify``) waits for everything
    in its chat since the chat's previous barrier, and the chat's later updates wait for
    it. Updates that name no chat (poll answers) wait for every earlier barrier, and every
    later barrier waits for them: they may belong to any chat's session.
    """
    last_of_member: dict[int, int] = {}
    last_barrier: dict[Hashable, int] = {}
    since_barrier: dict[Hashable, list[int]] = {}  # a chat's last barrier and what followed
    barriers: list[int] = []
    chatless: list[int] = []
    schedule: list[tuple[dict[str, Any], list[int]]] = []
    for index, raw in enumerate(batch):
        member, chat, barrier = _classify(raw)
        after: set[int] = set()
        if member is not None and member in last_of_member:
            after.add(last_of_member[member])
        if barrier:
            after.update(since_barrier.get(chat, ()))
            previous = last_barrier.get(chat, -1)
            after.update(j for j in chatless if j > previous)
            since_barrier[chat] = [index]
            last_barrier[chat] = index
            barriers.append(index)
        elif chat is None:
            after.update(barriers)
            chatless.append(index)
        else:
            if chat in last_barrier:
                after.add(last_barrier[chat])
            since_barrier.setdefault(chat, []).append(index)
        if member is not None:
            last_of_member[member] = index
        schedule.append((raw, sorted(after)))
    return schedule


def _classify(raw: object) -> tuple[int | None, Hashable, bool]:
    """(member, chat, is a barrier) of an update. The member is the sending user's id; the
    chat is its chat's id, None for a poll answer, or the update's kind when it names no
    chat that can be read. Any shape is accepted: what cannot be read is a barrier, which
    costs only concurrency."""
    if not isinstance(raw, dict):
        return None, "", True
    kind = next((key for key in raw if key != "update_id"), "")
    body = raw.get(kind)
    if not isinstance(body, dict):
        return None, kind, True
    member = _id_of(body.get("from"))
    if member is None:
        member = _id_of(body.get("user"))
    if kind == "poll_answer":  # Telegram names the poll, not its chat
        return (member, None, False) if member is not None else (None, kind, True)
    if kind in ("message", "edited_message"):
        chat = _id_of(body.get("chat"))
        text = body.get("text")
        barrier = (
            member is None
            or (isinstance(text, str) and text.startswith("/"))
            or not _SESSION_SERVICE_KEYS.isdisjoint(body)
        )
    elif kind == "callback_query":
        message = body.get("message")
        chat = _id_of(message.get("chat")) if isinstance(message, dict) else None
        barrier = _moves_session(body.get("data"))
    else:
        chat = _id_of(body.get("chat"))
        barrier = True
    if chat is None:
        return member, kind, True
    return member, chat, barrier


def _moves_session(data: object) -> bool:
    """A moderator's begin/next button: it moves a group's session as /begin or /next do."""
    if not isinstance(data, str):
        return False
    try:
        action = callbacks.decode(data)
    except ValueError:  # e.g. a lone surrogate, which cannot be encoded: not our data
        return False
    return isinstance(action, callbacks.GroupBegin | callbacks.GroupNext)


def _id_of(value: object) -> int | None:
    """The integer ``id`` of a user or chat object, None for any other shape."""
    if isinstance(value, dict):
        found = value.get("id")
        if isinstance(found, int) and not isinstance(found, bool):
            return found
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
