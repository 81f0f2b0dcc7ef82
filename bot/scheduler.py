"""The order updates are handled in, and fairness between users.

The poller hands every update it fetched (or found in the inbox at start) to a ``Scheduler``
and goes on fetching. Updates are handled concurrently (``MAX_CONCURRENT_UPDATES`` at most),
except where order matters:

* each user's updates keep their order;
* an update that can change a group's session is a *barrier*: it waits for its chat's
  earlier updates, and the chat's later updates wait for it. Barriers are /begin, /next and
  /end and the moderator's begin/next buttons (unless their sender is known not to moderate
  the group: refused, they change nothing), the bot's membership, a migration, members
  joining or leaving;
* every other command only *reads* (/status, /help, /report…): it waits for its chat's
  earlier updates, so that it sees them, but nothing after it waits for a read;
* a poll answer, which names no chat, keeps its order against the barriers of every group,
  and a group's reads wait for the poll answers before them.

In a private chat only its user sends, so their own order is all that matters there.

Fairness. Each user may send ``BURST`` updates at once and ``RATE`` a second beyond that.
An update past this budget is *held*: it and the user's later ones join the order one at a
time, each once the one before is finished, and run in slots no one else is waiting for (at
most ``MAX_HELD_RUNNING`` at once). So of a flood's excess at most one update is in the
order at any time: a moderator's /end waits for that one (and the few within the budget
before it) at most, and whatever anyone else sends meanwhile goes first. The excess counts
as having arrived when the bot gets to it, as if Telegram had delivered it late; nothing is
dropped.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from bot import callbacks

log = logging.getLogger(__name__)

# Updates handled at the same time, at most: enough for the writer to commit many answers
# together and to keep Telegram's round trips overlapping (an update waits on a commit and a
# Bot API call or two: with a 50 ms round trip, 32 at once held bench/capacity.py's 300
# groups to 287 answers/s, 256 with FETCH_BELOW 512 reached 622/s on the same machine); few
# enough to keep memory bounded and within the Bot API client's pool (POOL_SIZE, 256).
MAX_CONCURRENT_UPDATES = 256
# Of those, held updates (a flood's excess) take at most this many: the rest stay free for
# everyone else even while many users flood at once.
MAX_HELD_RUNNING = 8
# A user's budget: BURST updates at once, RATE a second after that. Telegram delivers an
# album (up to 10 photos) or a long pasted text (split every 4,096 characters) as several
# messages at once, and a person typing or tapping answers keeps well below 3 a second;
# a script sending hundreds in seconds does not.
BURST = 10
RATE = 3.0
# The poller fetches more once fewer than this many updates on time are unfinished, so the
# next batch is on its way while the last of this one are handled, and the slots never run
# dry while a fetch is under way: with Telegram's round trip each update waits on a Bot API
# call or two, and a batch waited for its slowest (bench/capacity.py, 1,000 groups, 50 ms
# round trips: 597 answers/s fetching below 4, 732 below 64; see MAX_CONCURRENT_UPDATES).
# Held updates, the one placed per flooding user included, are at most MAX_HELD: memory
# stays bounded, and Telegram keeps the rest meanwhile.
FETCH_BELOW = 2 * MAX_CONCURRENT_UPDATES
MAX_HELD = 10_000
_SWEEP_EVERY = 256  # additions between sweeps of finished entries and refilled budgets

Handle = Callable[[int, Any], Awaitable[None]]
_U = TypeVar("_U")
# (group chat id, user id) → whether that user is known not to moderate that group.
Refused = Callable[[int, int], bool]


class Role(enum.Enum):
    """How an update is ordered against its chat's others (see the module's doc)."""

    ANSWER = 0  # waits for its chat's last barrier
    READ = 1  # waits for its chat's earlier updates; nothing waits for it but a barrier
    BARRIER = 2  # waits for its chat's earlier updates; the later ones wait for it
    SESSION = 3  # a session command or button: a barrier, or an answer if refused


# Commands that move a group's session. A new command that changes a session must be named
# here; every other command only reads (or is answered with a hint).
_SESSION_COMMANDS = frozenset({"begin", "next", "end"})
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


class _Node:
    """An update's place in the order: the updates placed after it may wait for it."""

    __slots__ = ("done", "finished", "seq", "started")

    def __init__(self, seq: int) -> None:
        self.seq = seq
        self.finished = False
        self.started = False
        self.done: asyncio.Event | None = None  # made by the Scheduler, in its loop


class _Item:
    """An update waiting to be placed: what to handle, and how it was classified."""

    __slots__ = ("chat", "member", "payload", "role", "update_id")

    def __init__(
        self, update_id: int, payload: Any, member: int | None, chat: Hashable, role: Role
    ) -> None:
        self.update_id = update_id
        self.payload = payload
        self.member = member
        self.chat = chat
        self.role = role


class _Order:
    """Which earlier updates each new one must wait for (the rules in the module's doc).

    Finished updates are never waited for, and are swept away now and then, so what is kept
    is bounded by what is unfinished.
    """

    def __init__(self) -> None:
        self._last_of_member: dict[int, _Node] = {}
        self._last_barrier: dict[Hashable, _Node] = {}
        self._since_barrier: dict[Hashable, list[_Node]] = {}  # the last barrier, what followed
        self._barriers: list[_Node] = []  # barriers in groups, which poll answers wait for
        self._chatless: list[_Node] = []  # poll answers
        self._placed = 0

    # Complex by nature: every ordering rule (user, barrier, read, poll, held) in one place.
    def place(self, node: _Node, member: int | None, chat: Hashable, role: Role) -> list[_Node]:  # noqa: C901
        after: dict[int, _Node] = {}

        def wait_for(earlier: _Node) -> None:
            if not earlier.finished:
                after[earlier.seq] = earlier

        if member is not None and member in self._last_of_member:
            wait_for(self._last_of_member[member])
        if role is Role.BARRIER or role is Role.READ:
            for earlier in self._since_barrier.get(chat, ()):
                wait_for(earlier)
            if not _is_private(chat):
                # Poll answers since this chat's previous barrier (a finished one was swept:
                # every unfinished poll answer came after it).
                previous = self._last_barrier.get(chat)
                floor = previous.seq if previous is not None else -1
                for vote in self._chatless:
                    if vote.seq > floor:
                        wait_for(vote)
        if role is Role.BARRIER:
            if not _is_private(chat):
                self._barriers.append(node)
            self._since_barrier[chat] = [node]
            self._last_barrier[chat] = node
        elif chat is None:
            for earlier in self._barriers:
                wait_for(earlier)
            self._chatless.append(node)
        else:
            if chat in self._last_barrier:
                wait_for(self._last_barrier[chat])
            self._since_barrier.setdefault(chat, []).append(node)
        if member is not None:
            self._last_of_member[member] = node
        self._placed += 1
        if self._placed % _SWEEP_EVERY == 0:
            self._sweep()
        return [after[seq] for seq in sorted(after)]

    def _sweep(self) -> None:
        self._last_of_member = {k: n for k, n in self._last_of_member.items() if not n.finished}
        self._last_barrier = {k: n for k, n in self._last_barrier.items() if not n.finished}
        since: dict[Hashable, list[_Node]] = {}
        for chat, nodes in self._since_barrier.items():
            unfinished = [n for n in nodes if not n.finished]
            if unfinished:
                since[chat] = unfinished
        self._since_barrier = since
        self._barriers = [n for n in self._barriers if not n.finished]
        self._chatless = [n for n in self._chatless if not n.finished]


class _Slots:
    """At most ``size`` updates handled at once; a freed slot goes to an update waiting on
    time before a held one."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )

    async def take(self, *, held: bool) -> None:
        if self._free > 0:  # free slots exist only while no one waits
            self._free -= 1
            return
        granted = asyncio.get_running_loop().create_future()
        queue = self._waiting[held]
        queue.append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.give()  # granted, then cancelled before it could run: pass it on
            elif granted in queue:  # (give() drops a cancelled one itself)
                queue.remove(granted)
            raise

    def give(self) -> None:
        for queue in self._waiting:
            while queue:
                granted = queue.popleft()
                if not granted.done():
                    granted.set_result(None)
                    return
        self._free += 1


class _Budget:
    """A user's token bucket: BURST updates at once, refilled at RATE a second."""

    __slots__ = ("at", "tokens")

    def __init__(self, now: float) -> None:
        self.tokens = float(BURST)
        self.at = now

    def take(self, now: float) -> bool:
        self.tokens = min(float(BURST), self.tokens + (now - self.at) * RATE)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.at) * RATE >= BURST


class Scheduler:
    """Handles updates as they are added: concurrently except where order matters, a
    flooding user's excess behind everyone else's (see the module's doc)."""

    def __init__(
        self,
        handle: Handle,
        *,
        refused: Refused | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._handle = handle
        self._refused = refused
        self._clock = clock
        self._order = _Order()
        self._slots = _Slots(MAX_CONCURRENT_UPDATES)
        self._held_running = asyncio.Semaphore(MAX_HELD_RUNNING)
        self._budgets: dict[int, _Budget] = {}
        self._held: dict[int, deque[_Item]] = {}  # per user, in their order
        self._held_count = 0  # waiting in self._held
        self._held_placed = 0  # placed in the order, unfinished
        self._placed: dict[int, int] = {}  # per user: placed and not finished
        self._tasks: dict[asyncio.Task[None], _Node] = {}
        self._seq = 0
        self._added = 0
        self._changed = asyncio.Event()  # an update finished
        self._room = asyncio.Event()  # set when there is room to fetch more
        self._closing = False
        self.error: Exception | None = None  # the first an update's handling raised

    @property
    def in_hand(self) -> int:
        """Updates placed in the order and not finished."""
        return len(self._tasks)

    @property
    def held(self) -> int:
        return self._held_count

    def add(self, update_id: int, raw: object, stored: str | None = None) -> bool:
        """Schedule one update: ``raw`` as parsed (any shape), ``stored`` its JSON if at hand
        (kept instead of ``raw`` while the update is held: smaller). False if it is held
        back (its sender is past their budget): it waits behind everyone else's."""
        member, chat, role = _kind_of(raw)
        if role is Role.SESSION:
            role = Role.ANSWER if self._is_refused(chat, member) else Role.BARRIER
        item = _Item(update_id, raw, member, chat, role)
        self._added += 1
        if self._added % _SWEEP_EVERY == 0:
            self._sweep_budgets()
        if member is None:
            self._place(item, held=False)
            return True
        queue = self._held.get(member)
        if queue is not None:  # behind their backlog
            self._hold(queue, item, stored)
            return False
        budget = self._budgets.get(member)
        now = self._clock()
        if budget is None:
            budget = self._budgets[member] = _Budget(now)
        if budget.take(now):
            self._place(item, held=False)
            return True
        if member not in self._placed:
            self._place(item, held=True)
        else:
            self._hold(self._held.setdefault(member, deque()), item, stored)
        return False

    async def room(self, stop: asyncio.Event) -> None:
        """Wait until there is room to fetch more, a handling failed, or ``stop`` is set."""
        while not self._has_room() and self.error is None and not stop.is_set():
            self._room.clear()
            has_room = asyncio.ensure_future(self._room.wait())
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({has_room, stopped}, return_when=asyncio.FIRST_COMPLETED)
            has_room.cancel()
            stopped.cancel()

    async def close(self, grace: float | None) -> None:
        """Finish what is in hand, and what is held while ``grace`` seconds last (None: all
        of it). What is left unstarted stays in the inbox, for the next start."""
        loop = asyncio.get_running_loop()
        deadline = None if grace is None else loop.time() + grace
        while self._tasks:
            self._changed.clear()
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        self._closing = True
        unstarted = [task for task, node in self._tasks.items() if not node.started]
        for task in unstarted:
            task.cancel()
        if unstarted or self._held_count:
            log.info(
                "%d updates left in the inbox, to be handled at the next start",
                len(unstarted) + self._held_count,
            )
        self._held.clear()
        self._held_count = 0
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _is_refused(self, chat: Hashable, member: int | None) -> bool:
        return (
            self._refused is not None
            and member is not None
            and isinstance(chat, int)
            and chat < 0
            and self._refused(chat, member)
        )

    def _hold(self, queue: deque[_Item], item: _Item, stored: str | None) -> None:
        if stored is not None:
            item.payload = stored
        queue.append(item)
        self._held_count += 1

    def _place(self, item: _Item, *, held: bool) -> None:
        node = _Node(self._seq)
        self._seq += 1
        node.done = asyncio.Event()
        after = self._order.place(node, item.member, item.chat, item.role)
        if item.member is not None:
            self._placed[item.member] = self._placed.get(item.member, 0) + 1
        if held:
            self._held_placed += 1
        task = asyncio.create_task(self._run(node, item, after, held=held))
        self._tasks[task] = node
        task.add_done_callback(self._forget)

    async def _run(self, node: _Node, item: _Item, after: list[_Node], *, held: bool) -> None:
        try:
            for earlier in after:
                assert earlier.done is not None
                await earlier.done.wait()
            if held:
                async with self._held_running:
                    await self._handle_in_slot(node, item, held=True)
            else:
                await self._handle_in_slot(node, item, held=False)
        except Exception as error:  # noqa: BLE001 - kept, raised by the poller at the end
            if self.error is None:
                self.error = error
        finally:
            if held:
                self._held_placed -= 1
            node.finished = True  # even on failure: what waits for it must not hang
            assert node.done is not None
            node.done.set()
            self._finished(item.member)

    async def _handle_in_slot(self, node: _Node, item: _Item, *, held: bool) -> None:
        # A slot is taken only once the update's dependencies are done: no deadlock.
        await self._slots.take(held=held)
        try:
            node.started = True
            await self._handle(item.update_id, item.payload)
        finally:
            self._slots.give()

    def _finished(self, member: int | None) -> None:
        self._changed.set()
        if member is None:
            return
        left = self._placed[member] - 1
        if left:
            self._placed[member] = left
            return
        del self._placed[member]
        queue = self._held.get(member)
        if queue and not self._closing:
            item = queue.popleft()
            self._held_count -= 1
            if not queue:
                del self._held[member]
            self._place(item, held=True)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)
        self._changed.set()
        if self._has_room() or self.error is not None:
            self._room.set()

    def _has_room(self) -> bool:
        on_time = len(self._tasks) - self._held_placed
        return on_time < FETCH_BELOW and self._held_count + self._held_placed < MAX_HELD

    def _sweep_budgets(self) -> None:
        """Forget budgets that are full again: a new one would be the same."""
        now = self._clock()
        self._budgets = {
            member: budget
            for member, budget in self._budgets.items()
            if not budget.full(now) or member in self._placed
        }


async def _run_scheduled(batch: Sequence[dict[str, Any]], handle: Handle) -> None:
    """Handle a whole batch in order (see the module's doc), then pass on the first failure."""
    scheduler = Scheduler(handle)
    for raw in batch:
        scheduler.add(raw["update_id"], raw)
    await scheduler.close(None)
    if scheduler.error is not None:
        raise scheduler.error


def _schedule(batch: Sequence[_U]) -> list[tuple[_U, list[int]]]:
    """Each update of the batch with the indexes of the earlier updates it would wait for,
    all arriving at once within their users' budgets."""
    order = _Order()
    schedule: list[tuple[_U, list[int]]] = []
    for index, raw in enumerate(batch):
        member, chat, role = _kind_of(raw)
        if role is Role.SESSION:
            role = Role.BARRIER
        after = order.place(_Node(index), member, chat, role)
        schedule.append((raw, [node.seq for node in after]))
    return schedule


def _classify(raw: object) -> tuple[int | None, Hashable, bool]:
    """(member, chat, is a barrier) of an update, its sender not known to be refused."""
    member, chat, role = _kind_of(raw)
    return member, chat, role is Role.BARRIER or role is Role.SESSION


def _kind_of(raw: object) -> tuple[int | None, Hashable, Role]:
    """(member, chat, role) of an update. The member is the sending user's id; the chat is
    its chat's id, None for a poll answer, or the update's kind when it names no chat that
    can be read. Any shape is accepted: what cannot be read is a barrier, which costs only
    concurrency."""
    if not isinstance(raw, dict):
        return None, "", Role.BARRIER
    kind = next((key for key in raw if key != "update_id"), "")
    body = raw.get(kind)
    if not isinstance(body, dict):
        return None, kind, Role.BARRIER
    member = _id_of(body.get("from"))
    if member is None:
        member = _id_of(body.get("user"))
    if kind == "poll_answer":  # Telegram names the poll, not its chat
        return (member, None, Role.ANSWER) if member is not None else (None, kind, Role.BARRIER)
    role = Role.BARRIER
    if kind in ("message", "edited_message"):
        chat = _id_of(body.get("chat"))
        if member is not None and _SESSION_SERVICE_KEYS.isdisjoint(body):
            command = _command_of(body.get("text"))
            if command is None:
                role = Role.ANSWER
            else:
                role = Role.SESSION if command in _SESSION_COMMANDS else Role.READ
    elif kind == "callback_query":
        message = body.get("message")
        chat = _id_of(message.get("chat")) if isinstance(message, dict) else None
        role = Role.SESSION if _moves_session(body.get("data")) else Role.ANSWER
    else:
        chat = _id_of(body.get("chat"))
    if chat is None:
        return member, kind, Role.BARRIER
    return member, chat, role


def _command_of(text: object) -> str | None:
    """'next' for '/next', '/Next@SomeBot 3' and the like; None when not a command."""
    if not isinstance(text, str) or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)
    return word[0].split("@", 1)[0].lower() if word else ""


def _moves_session(data: object) -> bool:
    """A moderator's begin/next button: it moves a group's session as /begin or /next do."""
    if not isinstance(data, str):
        return False
    try:
        action = callbacks.decode(data)
    except ValueError:  # e.g. a lone surrogate, which cannot be encoded: not our data
        return False
    return isinstance(action, callbacks.GroupBegin | callbacks.GroupNext)


def _is_private(chat: Hashable) -> bool:
    """Telegram gives private chats (a user's own id) positive ids, groups negative ones."""
    return isinstance(chat, int) and chat > 0


def _id_of(value: object) -> int | None:
    """The integer ``id`` of a user or chat object, None for any other shape."""
    if isinstance(value, dict):
        found = value.get("id")
        if isinstance(found, int) and not isinstance(found, bool):
            return found
    return None
