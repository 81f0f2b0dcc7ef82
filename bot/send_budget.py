"""Telegram's sending budgets, shared fairly: the bot's rate limiter (PTB's ``BaseRateLimiter``,
every Bot API call but getUpdates passes it).

Telegram lets a bot send about 30 messages a second in all, 20 a minute in a group and about
one a second in a private chat (short bursts tolerated), and answers 429 with ``retry_after``
past them. Each chat here has its own budget (a group 20 at once then one every 3 seconds,
as PTB's limiter keeps it; a private chat 3 in any 3 seconds: an answer costs an edit and
the next question), and the bot one for all chats (``overall_max_rate`` a second, handed
out in tenths). A call waits only for its own chat's budget and the overall
one, so a group at its limit never holds up a student's private reply.

When the overall budget is what they wait for, chats take turns: each chat offers one call at
a time (its oldest: a chat's calls keep their order), and those offers are served by how
much of its burst each chat has spent in the last 3 seconds (a student who answers now and
then, 1 of 3, before one who has had 3 of 3; a group that sent 10 of its 20 in between),
then in the order they became ready. A chat with 50 sends queued offers one of them, then its next
one queues behind every chat that was ready meanwhile: a flood in one chat, or in many,
never pushes another chat's single reply behind the whole backlog. No chat waits much more
than 3 seconds for its turn: by then nobody is ahead of it but chats ready before it.

A 429 pauses only the chat it came from, for ``retry_after`` (PTB's own limiter pauses every
chat); the call is then retried, ``max_retries`` times at most, and the last 429 is raised.
Calls without a chat (answerCallbackQuery, getMe, …), reads about a chat (getChatMember:
not messages) and reactions (a ✍ is a courtesy; a refused one is dropped) go at once, as
Telegram does not count them against a chat's messages. PTB's limiter counted a group's
getChatMember against its 20 messages a minute.

No task per waiting call: a caller awaits its own future, and one timer (a loop callback)
hands out what comes free. A cancelled caller leaves its chat's queue at once. Memory: a
chat's record (the times of its last sends) is dropped once they are older than its window.

At a stop, the updates in hand get a grace to finish (``bot.runner``); when it ends,
``stop_waiting`` refuses every call still waiting for its chat's budget, and from then on
any call that cannot go at once, with ``NotSent``: a 429's pause or a group's backlog could
otherwise hold the stop for a minute (a container is killed after 10 s). The poller notes
the chats refused while handling each update (``noting_cuts``), so that the next start
makes good what the stop left unsent (``bot.poller``).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from telegram import constants
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.request import BaseRequest

log = logging.getLogger(__name__)
# What a Bot API call returns, as PTB's rate limiter passes it on.
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
# Where PTB raises a refused call's error (see _call).
_PTB_RAISES_IN = BaseRequest._request_wrapper.__code__

# A send is counted when it leaves; it reaches Telegram a round trip's jitter later, maybe
# after the one sent next: each window is kept this much longer than Telegram's (a 20th of
# it for a short one).
SLACK = 0.05
# The overall budget is handed out in tenths (3 in any 0.1 s at 30 a second), not all 30 at
# once: a reply that comes just after a burst waits a tenth of a second, not a second.
OVERALL_SLICES = 10
# When the overall budget is short, a chat that spent less of its burst within this many
# seconds goes first: after this long without a call, any chat is first in line (by age).
RECENT = 3.0
# Added to a 429's retry_after before the chat's next try, as PTB does.
RETRY_MARGIN = 0.1
EPSILON = 1e-6
NOT_SENT = "the bot stopped before this call could be sent"  # a log line's, not a user's
PRIVATE_MAX_RATE, PRIVATE_TIME_PERIOD = 3, 3.0
UNCOUNTED = frozenset({"setMessageReaction"})  # reactions: not queued (bot.outbox.Reactions)


class NotSent(NetworkError):
    """The bot is stopping and this call would have had to wait for its chat's budget: it
    was not sent. Not a fault: the update's handling ends here, and what it left unsent is
    made good at the next start (see the module's doc)."""

    def __init__(self) -> None:
        super().__init__(NOT_SENT)


# The chats whose calls were refused by a stop, while noting (``noting_cuts``).
_CUTS: ContextVar[set[int | str] | None] = ContextVar("cuts", default=None)


@contextlib.contextmanager
def noting_cuts() -> Iterator[set[int | str]]:
    """Within: the chats of the calls a stop refuses (``NotSent``) are added to the set
    given, whoever caught the refusal (an update's handling, in its own task)."""
    cuts: set[int | str] = set()
    token = _CUTS.set(cuts)
    try:
        yield cuts
    finally:
        _CUTS.reset(token)


class Window:
    """At most ``limit`` calls in any ``period`` seconds (the times of the last ``limit``);
    or, ``leaky``, a burst of ``limit`` then one every ``period / limit`` seconds, as PTB's
    limiter (and most bots) keep a group's 20 a minute."""

    __slots__ = ("last", "level", "period", "rate", "times")

    def __init__(self, limit: int, period: float, *, leaky: bool = False) -> None:
        self.times: deque[float] = deque(maxlen=limit)
        self.period = period + min(SLACK, period / 20)
        self.rate = limit / self.period if leaky and limit else 0.0  # its level's drain, /s
        self.level, self.last = 0.0, 0.0

    def free_at(self) -> float:
        """When the next call may go (in the past when it may go now)."""
        limit = self.times.maxlen
        if not limit:  # 0: no limit
            return float("-inf")
        if self.rate:
            return self.last + (self.level + 1 - limit) / self.rate
        return float("-inf") if len(self.times) < limit else self.times[0] + self.period

    def take(self, now: float) -> None:
        self.times.append(now)
        if self.rate:
            self.level = max(0.0, self.level - (now - self.last) * self.rate) + 1
            self.last = now

    def recent(self, now: float) -> float:
        """The share of the burst (``limit``) spent within the last RECENT seconds: a group's
        10 of 20 is a half, as a private chat's 1 of 3 is a third."""
        if not self.times.maxlen:
            return 0.0
        return sum(1 for t in self.times if t > now - RECENT) / self.times.maxlen

    def idle(self, now: float) -> bool:
        """Nothing it remembers counts any more."""
        if self.rate:
            return self.last + self.level / self.rate <= now
        return not self.times or self.times[-1] + self.period <= now


# A chat's place in a heap: (order, ready at, turn, filed, chat id). Ready chats are ordered
# by the share of their burst spent within RECENT seconds, then by when they became ready;
# sleeping ones by when they will be ready (order = ready at). ``filed`` not the chat's:
# stale.
_Entry = tuple[float, float, int, int, int | str]


class _Waiter:
    __slots__ = ("arrival", "future")

    def __init__(self, arrival: int, future: asyncio.Future[None]) -> None:
        self.arrival, self.future = arrival, future


class _Chat:
    __slots__ = ("filed", "paused_until", "waiting", "window")

    def __init__(self, window: Window) -> None:
        self.window = window
        self.waiting: deque[_Waiter] = deque()
        self.paused_until = float("-inf")
        self.filed = 0  # which heap entry for this chat is current (older ones are stale)

    def ready_at(self) -> float:
        return max(self.window.free_at(), self.paused_until)


class SendBudget(BaseRateLimiter[int]):
    """Per-chat budgets and one overall budget, handed out fairly (see the module's doc).

    The arguments are PTB's ``AIORateLimiter``'s (tests compress a group's minute with
    ``group_time_period``), plus a private chat's budget. ``rate_limit_args`` of a call, when
    given, is its ``max_retries``, as in PTB's limiter."""

    def __init__(
        self,
        overall_max_rate: float = constants.FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: int = constants.FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
        private_max_rate: int = PRIVATE_MAX_RATE,
        private_time_period: float = PRIVATE_TIME_PERIOD,
    ) -> None:
        self.overall_max_rate = overall_max_rate
        share = max(1, int(overall_max_rate / OVERALL_SLICES))  # 0: no overall limit
        period = share * overall_time_period / overall_max_rate if overall_max_rate else 0
        self._overall = Window(share if overall_max_rate else 0, period)
        self._group = (group_max_rate, group_time_period)
        self._private = (private_max_rate, private_time_period)
        self._max_retries = max_retries
        self._chats: dict[int | str, _Chat] = {}
        self._swept_size, self._sweep_at = 0, float(group_time_period)
        self._arrivals = itertools.count()  # a call's place in its chat's queue
        self._turns = itertools.count()  # ties between chats ready at the same moment
        # Chats whose oldest call may go as soon as the overall budget allows, and chats
        # waiting for their own budget or a pause (see _Entry).
        self._ready: list[_Entry] = []
        self._sleeping: list[_Entry] = []
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self.not_sent = 0  # calls refused by a stop (NotSent)

    async def initialize(self) -> None:
        """Nothing to open (the timer is made on the first call that waits); calls may wait
        again after a stop."""
        self._stopping = False

    def stop_waiting(self) -> None:
        """The bot is stopping: every call waiting for a budget now, and from now on every
        call that could not go at once, is refused (``NotSent``)."""
        self._stopping = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for chat in self._chats.values():
            for waiter in chat.waiting:
                if not waiter.future.done():
                    waiter.future.set_exception(NotSent())
            chat.waiting.clear()
        self._ready.clear()
        self._sleeping.clear()

    async def shutdown(self) -> None:
        """Stop the timer. Callers still waiting (none, once the application has stopped)
        are told the call was not sent rather than left hanging."""
        self.stop_waiting()

    def waiting(self) -> int:
        """Calls waiting for a budget now."""
        return sum(len(chat.waiting) for chat in self._chats.values())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        chat_id = _chat_of(data)
        if chat_id is None or endpoint in UNCOUNTED or endpoint.startswith("get"):
            return await _call(callback, args, kwargs)
        max_retries = rate_limit_args or self._max_retries
        arrival = next(self._arrivals)
        for attempt in range(max_retries + 1):
            try:
                await self._turn(chat_id, arrival)
            except NotSent:
                self.not_sent += 1
                cuts = _CUTS.get()
                if cuts is not None:
                    cuts.add(chat_id)
                raise
            try:
                return await _call(callback, args, kwargs)
            except RetryAfter as error:
                if attempt == max_retries:
                    log.warning("%s to chat %s: 429 %d times", endpoint, chat_id, attempt + 1)
                    raise
                self._pause(chat_id, _seconds(error.retry_after) + RETRY_MARGIN)
                log.info("429 in chat %s: its calls wait %s s", chat_id, error.retry_after)
        raise AssertionError("unreachable: the last attempt returns or raises")

    # --- waiting for a turn ---------------------------------------------------------------

    async def _turn(self, chat_id: int | str, arrival: int) -> None:
        """Wait until this call may go: its chat's budget and the overall one allow it, and
        no older call of its chat, nor any chat ready before it, is still waiting."""
        loop = self._loop = asyncio.get_running_loop()
        chat = self._chat(chat_id)
        waiter = _Waiter(arrival, loop.create_future())
        place = len(chat.waiting)
        while place and chat.waiting[place - 1].arrival > arrival:  # a retry keeps its place
            place -= 1
        chat.waiting.insert(place, waiter)
        if place == 0:
            self._file(chat_id, chat, loop.time())
        self._hand_out()
        if self._stopping and not waiter.future.done():  # it would have to wait: not now
            chat.waiting.remove(waiter)
            self._file(chat_id, chat, loop.time())
            raise NotSent
        try:
            await waiter.future
        except asyncio.CancelledError:
            if not waiter.future.cancelled():  # its turn came as it was cancelled: spent
                raise
            if chat.waiting and chat.waiting[0] is waiter:
                chat.waiting.popleft()
                self._file(chat_id, chat, loop.time())
                self._hand_out()
            elif waiter in chat.waiting:
                chat.waiting.remove(waiter)
            raise

    def _chat(self, chat_id: int | str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            private = isinstance(chat_id, int) and chat_id > 0
            limit, period = self._private if private else self._group
            chat = self._chats[chat_id] = _Chat(Window(limit, period, leaky=not private))
        return chat

    def _pause(self, chat_id: int | str, seconds: float) -> None:
        if self._loop is not None:
            chat = self._chat(chat_id)
            chat.paused_until = max(chat.paused_until, self._loop.time() + seconds)

    def _file(self, chat_id: int | str, chat: _Chat, now: float) -> None:
        """Put the chat's oldest call where it waits: ready, or asleep until its budget allows."""
        chat.filed += 1
        if not chat.waiting:
            return
        at = chat.ready_at()
        if at <= now:
            self._ready_since(now, chat_id, chat, now)
        else:
            heapq.heappush(self._sleeping, (at, at, next(self._turns), chat.filed, chat_id))

    def _ready_since(self, at: float, chat_id: int | str, chat: _Chat, now: float) -> None:
        entry = (chat.window.recent(now), at, next(self._turns), chat.filed, chat_id)
        heapq.heappush(self._ready, entry)

    def _current(self, entry: _Entry) -> _Chat | None:
        chat = self._chats.get(entry[4])
        return chat if chat is not None and chat.filed == entry[3] and chat.waiting else None

    def _hand_out(self) -> None:
        """Let go every call whose turn has come, and set the timer for the next one."""
        loop = self._loop
        if loop is None:
            return
        now = loop.time() + EPSILON  # a timer may fire a hair before its time
        while self._sleeping and self._sleeping[0][0] <= now:
            entry = heapq.heappop(self._sleeping)
            chat = self._current(entry)
            if chat is not None:
                if chat.ready_at() <= now:  # ready since ``at``: ahead of chats ready later
                    self._ready_since(entry[1], entry[4], chat, now)
                else:  # paused meanwhile
                    self._file(entry[4], chat, now)
        while self._ready and self._overall.free_at() <= now:
            entry = heapq.heappop(self._ready)
            chat = self._current(entry)
            if chat is None:
                continue
            if chat.ready_at() > now:  # a 429 paused it since it was filed
                self._file(entry[4], chat, now)
                continue
            waiter = chat.waiting.popleft()
            if waiter.future.done():  # cancelled, its caller not yet told: nothing spent
                self._file(entry[4], chat, now)
                continue
            chat.window.take(now)
            self._overall.take(now)
            waiter.future.set_result(None)
            self._file(entry[4], chat, now)
        while self._ready and self._current(self._ready[0]) is None:
            heapq.heappop(self._ready)
        self._sweep(now)
        wake = min(
            self._sleeping[0][0] if self._sleeping else float("inf"),
            self._overall.free_at() if self._ready else float("inf"),
        )
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if wake != float("inf"):
            self._timer = loop.call_at(wake, self._hand_out)

    def _sweep(self, now: float) -> None:
        """Forget chats with nothing waiting and no send within their window (when the table
        has doubled since the last sweep, and once a group's window); drop stale heap
        entries likewise."""
        if len(self._chats) > 2 * self._swept_size + 512 or now >= self._sweep_at:
            for chat_id, chat in list(self._chats.items()):
                if not chat.waiting and chat.window.idle(now) and chat.paused_until <= now:
                    del self._chats[chat_id]
            self._swept_size = len(self._chats)
            self._sweep_at = now + self._group[1]
        for heap in (self._ready, self._sleeping):
            if len(heap) > 2 * len(self._chats) + 64:
                heap[:] = [entry for entry in heap if self._current(entry) is not None]
                heapq.heapify(heap)


async def _call(
    callback: Callable[..., Coroutine[Any, Any, ApiResult]], args: Any, kwargs: dict[str, Any]
) -> ApiResult:
    """The call; a refusal it raises is raised with no reference cycle."""
    try:
        return await callback(*args, **kwargs)
    except TelegramError as error:
        # PTB raises a refusal (400, 403, 502...) from a local variable of its request
        # wrapper, so the error's traceback holds the frame that holds the error: some 40
        # objects a refused call, kept until a collection (tests/test_cycles.py). That frame
        # has finished: its locals go, its line stays in the traceback for the logs.
        raised = error.__traceback__
        while raised is not None and raised.tb_next is not None:
            raised = raised.tb_next
        if raised is not None and raised.tb_frame.f_code is _PTB_RAISES_IN:
            raised.tb_frame.clear()
        raise


def _chat_of(data: dict[str, Any]) -> int | str | None:
    """The chat a call is counted against: an int id, or an @username (a group or channel)."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)
    return str(chat_id)


def _seconds(delay: object) -> float:
    total = getattr(delay, "total_seconds", None)  # a timedelta, or seconds in older PTB
    return float(total()) if callable(total) else float(str(delay))
