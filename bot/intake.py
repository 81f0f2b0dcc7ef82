"""Where updates come in: long polling (``bot.poller``) or Telegram's pushes (webhook mode),
both through the durable inbox and the same ``Scheduler`` and handling, measured.

``WebhookFeed`` is the poller without getUpdates: what a previous run left in the inbox is
handled first, then each update the web server stored (``accept``) joins the same order.
Telegram retries a push until it gets a 2xx, so a push already stored or in hand changes
nothing; the ids seen this run (and those replayed at start) are remembered for that.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

from bot import poller
from bot.context import BotApplication
from bot.metrics import metrics, timed, update_kind
from bot.poller import InboxPoller
from bot.push_reply import PushReply, awaited, handling
from bot.scheduler import Scheduler
from bot.storage import Storage

log = logging.getLogger(__name__)

# What the inbox stores begins as Telegram's JSON does: the update's id, then its kind.
STORED_BEGINNING = r'\{"update_id":-?\d+,"([a-z_]+)"'
_STORED_KIND = re.compile(STORED_BEGINNING)
# Ids of pushed updates remembered to drop Telegram's retries (about 1 MB of ints at most).
SEEN_LIMIT = 50_000


class Activity:
    """When the bot last finished handling an update (for /healthz)."""

    def __init__(self) -> None:
        self.last_handled: float | None = None  # time.monotonic()

    def age(self) -> float | None:
        return None if self.last_handled is None else time.monotonic() - self.last_handled


def _kind(payload: object) -> str:
    if isinstance(payload, str):
        found = _STORED_KIND.match(payload)
        return found.group(1) if found else "unknown"
    return update_kind(payload)


class MeasuredPoller(InboxPoller):
    """Long polling, with updates counted and handling timed."""

    def __init__(
        self, application: BotApplication, storage: Storage, activity: Activity, **options: Any
    ) -> None:
        super().__init__(application, storage, **options)
        self.activity = activity

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        batch = await super()._fetch(stop)
        for raw in batch or ():
            metrics().received(update_kind(raw)).inc()
        return batch

    async def _handle(self, update_id: int, payload: dict[str, Any] | str) -> None:
        await timed(super()._handle(update_id, payload), _kind(payload))
        self.activity.last_handled = time.monotonic()


class WebhookFeed(MeasuredPoller):
    """Webhook mode: updates pushed by Telegram, stored by the web server, handled here."""

    def __init__(
        self,
        application: BotApplication,
        storage: Storage,
        activity: Activity,
        *,
        url: str,
        secret: str,
        max_connections: int,
        **options: Any,
    ) -> None:
        super().__init__(application, storage, activity, **options)
        self.url = url
        self.secret = secret
        self._max_connections = max_connections
        self._scheduler: Scheduler | None = None
        self._seen: set[int] = set()
        self._stop = asyncio.Event()
        self._replies: dict[int, PushReply] = {}  # by update id: POSTs waiting (bot.push_reply)

    async def prepare(self) -> None:
        """Take in what a previous run left in the inbox (before any push is accepted)."""
        self._scheduler = Scheduler(self._handle, refused=self._refused)
        left = await self._storage.inbox_pending()
        if left:
            log.info("handling %d updates left from the previous run", len(left))
        for update_id, payload in left:
            self._seen.add(update_id)
            self._scheduler.add(update_id, _parsed(payload), payload)

    def seen(self, update_id: int) -> bool:
        return update_id in self._seen

    async def accept(self, update_id: int, raw: dict[str, Any], stored: str, *, new: bool) -> bool:
        """An update the web server has just stored (``new``) or found stored: handled once.
        Returns once the bot has room for more, so that Telegram, waiting for the answer,
        sends no faster than the bot handles (at most ``max_connections`` pushes at once):
        whether the update is handled in its turn (False: held back behind everyone else's
        as its sender floods, or a retry of one in hand or handled)."""
        assert self._scheduler is not None, "prepare() first"
        if update_id in self._seen:
            return False
        self._remember(update_id)
        if new:
            metrics().received(update_kind(raw)).inc()
        in_turn = self._scheduler.add(update_id, raw, stored)
        await self._scheduler.room(self._stop)
        return in_turn

    def expect_reply(self, update_id: int, raw: dict[str, Any]) -> PushReply | None:
        """The POST of a pushed press or group reply, to wait for its pop-up or ✍
        (``bot.push_reply``); None for other updates. ``forget_reply`` once answered."""
        awaits = awaited(raw)
        if awaits is None:
            return None
        reply = self._replies[update_id] = PushReply(awaits)
        return reply

    def forget_reply(self, update_id: int) -> None:
        self._replies.pop(update_id, None)

    async def _handle(self, update_id: int, payload: dict[str, Any] | str) -> None:
        with handling(self._replies.pop(update_id, None)):
            await super()._handle(update_id, payload)

    def _remember(self, update_id: int) -> None:
        self._seen.add(update_id)
        if len(self._seen) > SEEN_LIMIT:
            # Telegram's ids grow: the oldest half are long past being retried.
            floor = sorted(self._seen)[SEEN_LIMIT // 2]
            self._seen = {i for i in self._seen if i >= floor}

    async def set_webhook(self) -> None:
        await self._application.bot.set_webhook(
            url=self.url,
            secret_token=self.secret,
            allowed_updates=self._allowed,
            max_connections=self._max_connections,
        )

    async def finish(self) -> None:
        """Finish what is in hand, as polling does at a stop (the web server has stopped
        taking pushes); the webhook stays set, so Telegram keeps what comes meanwhile."""
        assert self._scheduler is not None, "prepare() first"
        self._stop.set()
        await self._scheduler.close(poller.STOP_GRACE_SECONDS)  # read now: one grace, as polling's
        if self._scheduler.error is not None:
            raise self._scheduler.error


def _parsed(payload: str) -> object:
    try:
        return json.loads(payload)
    except ValueError:
        return payload
