"""The rules behind fairness, on their own: the scheduler's budget per user, reads that are no
barriers, and the gate that turns a flood of hints into one "slow down" (issue 19, item 4).

The scheduler's handle is a stand-in coroutine and its clock a variable: no time passes.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from bot import callbacks, flood, texts
from bot.flood import HINTS_PER_WINDOW, SLOW_DOWN_SECONDS, WINDOW_SECONDS, FloodGate
from bot.scheduler import (
    BURST,
    FETCH_BELOW,
    MAX_HELD_RUNNING,
    RATE,
    Scheduler,
    _classify,
    _schedule,
    _Slots,
)

Update = dict[str, Any]

GROUP = -1001
A, B, C, D, MOD, F = 11, 12, 13, 14, 99, 66  # F floods


def message(member: int, chat: int, text: str = "my answer") -> Update:
    return {"message": {"from": {"id": member}, "chat": {"id": chat}, "text": text}}


def vote(member: int) -> Update:
    return {"poll_answer": {"user": {"id": member}, "poll_id": "p1", "option_ids": [0]}}


def press(member: int, chat: int, data: str) -> Update:
    body = {"from": {"id": member}, "message": {"chat": {"id": chat}}, "data": data}
    return {"callback_query": body}


def waits(*updates: Update) -> list[list[int]]:
    return [after for _, after in _schedule(list(updates))]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Journal:
    """A handle that notes when each update starts and finishes, taking a few turns of the
    event loop in between."""

    def __init__(self, turns: int = 3) -> None:
        self.events: list[tuple[str, int]] = []
        self._turns = turns

    async def __call__(self, update_id: int, payload: Any) -> None:
        self.events.append(("start", update_id))
        for _ in range(self._turns):
            await asyncio.sleep(0)
        self.events.append(("finish", update_id))

    def at(self, event: str, update_id: int) -> int:
        return self.events.index((event, update_id))

    def started(self) -> list[int]:
        return [update_id for event, update_id in self.events if event == "start"]


def add(scheduler: Scheduler, update_id: int, update: Update) -> None:
    scheduler.add(update_id, {"update_id": update_id, **update})


# --- reads and barriers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "barrier"),
    [
        ("/status", False),
        ("/status@EditorialBot", False),
        ("/help", False),
        ("/start", False),
        ("/report", False),
        ("/export csv all", False),
        ("/myanswers", False),
        ("/", False),
        ("/begin a-lesson", True),
        ("/Next", True),
        ("/next@EditorialBot", True),
        ("/end", True),
    ],
)
def test_only_commands_that_move_a_session_are_barriers(text: str, barrier: bool) -> None:
    assert _classify(message(MOD, GROUP, text)) == (MOD, GROUP, barrier)


def test_a_read_waits_for_what_came_before_it_and_holds_up_nothing_after_it() -> None:
    assert waits(
        message(A, GROUP),
        message(MOD, GROUP, "/next"),
        message(B, GROUP),
        vote(C),
        message(D, GROUP, "/status"),  # sees B's answer and C's vote
        message(A, GROUP),  # waits for the /next, not for the /status
        message(B, GROUP, "/help"),
        message(MOD, GROUP, "/end"),  # a barrier waits for everything before it
    ) == [[], [0], [1], [1], [1, 2, 3], [0, 1], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]]


def test_commands_in_a_private_chat_do_not_hold_poll_votes() -> None:
    assert waits(
        message(A, A, "/start"),
        vote(B),  # a private chat's command cannot touch a group's poll
        message(B, B, "/restart"),
        vote(B),  # their own order still holds
        message(MOD, GROUP, "/end"),  # a group's barrier still waits for every vote before it
    ) == [[], [], [1], [2], [1, 3]]


async def test_a_session_command_from_someone_known_not_to_moderate_waits_for_no_one() -> None:
    """Refused, it changes nothing: it must not wait for the group's answers, nor hold them."""
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int, payload: Any) -> None:
        if update_id == 1:
            await release.wait()  # an answer still being handled
        if update_id == 2:
            release.set()  # only possible if the refused /end did not wait for the answer
        handled.append(update_id)

    scheduler = Scheduler(handle, refused=lambda chat, user: user == C)
    add(scheduler, 1, message(A, GROUP))
    add(scheduler, 2, message(C, GROUP, "/end"))
    add(scheduler, 3, press(C, GROUP, callbacks.encode(callbacks.GroupNext(7, 3))))
    await asyncio.wait_for(scheduler.close(None), timeout=5)
    assert handled[-1] == 1
    assert _classify(message(C, GROUP, "/end"))[2] is True  # without the rights cache


# --- each user's budget -------------------------------------------------------------------


async def test_a_users_updates_beyond_the_budget_are_held_and_keep_their_order() -> None:
    clock, journal = Clock(), Journal()
    scheduler = Scheduler(journal, clock=clock)
    for update_id in range(1, BURST + 6):
        add(scheduler, update_id, message(F, F, f"spam {update_id}"))
    add(scheduler, 100, message(A, A))
    assert (scheduler.in_hand, scheduler.held) == (BURST + 1, 5)
    clock.now = 100.0  # refilled, but behind their backlog all the same
    add(scheduler, BURST + 6, message(F, F))
    assert scheduler.held == 6
    await asyncio.wait_for(scheduler.close(None), timeout=5)
    assert [u for u in journal.started() if u != 100] == list(range(1, BURST + 7))
    assert (scheduler.in_hand, scheduler.held) == (0, 0)


async def test_the_scheduler_says_which_updates_wait_behind_everyone_elses() -> None:
    """What a webhook push of a press waits for (bot/push_reply.py): only an update handled
    in its turn; a flooder's held-back press is answered "ok" at once."""
    scheduler = Scheduler(Journal(), clock=Clock())
    in_turn = [
        scheduler.add(update_id, {"update_id": update_id, **press(F, GROUP, "v1:x")})
        for update_id in range(1, BURST + 3)
    ]
    assert in_turn == [True] * BURST + [False, False]
    assert scheduler.add(100, {"update_id": 100, **press(A, GROUP, "v1:x")})
    await asyncio.wait_for(scheduler.close(None), timeout=5)


async def test_the_budget_refills_at_its_rate() -> None:
    clock = Clock()
    scheduler = Scheduler(Journal(), clock=clock)
    for update_id in range(BURST):
        add(scheduler, update_id, message(F, F))
    assert scheduler.held == 0
    await scheduler.close(None)
    clock.now = 1.0
    for update_id in range(100, 100 + int(RATE) + 1):  # one more than a second refilled
        add(scheduler, update_id, message(F, F))
    assert scheduler.held == 1
    await scheduler.close(None)


async def test_a_barrier_waits_for_at_most_one_of_a_flooders_held_updates() -> None:
    """A moderator's /next comes before the flood's excess, which counts as arriving later;
    the flooder's own order holds throughout."""
    journal = Journal()
    scheduler = Scheduler(journal, clock=Clock())
    flood_ids = list(range(1, BURST + 4))
    for update_id in flood_ids:
        add(scheduler, update_id, message(F, GROUP, f"reply {update_id}"))
    add(scheduler, 50, message(MOD, GROUP, "/next"))
    add(scheduler, 51, message(A, GROUP))
    await asyncio.wait_for(scheduler.close(None), timeout=5)
    at = journal.at
    assert [u for u in journal.started() if u in flood_ids] == flood_ids
    # Within the budget: before the /next, as they arrived before it.
    assert at("finish", BURST) < at("start", 50)
    # Beyond it: after the /next, and after what others sent after it.
    assert at("finish", 50) < at("start", BURST + 1)
    assert at("finish", 50) < at("start", 51)


async def test_held_updates_run_in_few_slots_at_once() -> None:
    journal = Journal(turns=5)
    scheduler = Scheduler(journal, clock=Clock())
    flooders = range(1000, 1020)
    held_ids = set()
    for member in flooders:
        for number in range(BURST + 1):
            update_id = member * 100 + number
            add(scheduler, update_id, message(member, member))
            if number >= BURST:
                held_ids.add(update_id)
    await asyncio.wait_for(scheduler.close(None), timeout=10)
    running = peak = 0
    for event, update_id in journal.events:
        if update_id in held_ids:
            running += 1 if event == "start" else -1
            peak = max(peak, running)
    assert peak == MAX_HELD_RUNNING


async def test_a_freed_slot_goes_to_an_update_on_time_before_a_held_one() -> None:
    slots = _Slots(1)
    await slots.take(held=False)
    order: list[str] = []

    async def wait(name: str, *, held: bool) -> None:
        await slots.take(held=held)
        order.append(name)
        slots.give()

    waiting = [asyncio.create_task(wait("held", held=True))]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(wait("on time", held=False)))
    await asyncio.sleep(0)
    slots.give()
    await asyncio.wait_for(asyncio.gather(*waiting), timeout=5)
    assert order == ["on time", "held"]


async def test_a_wait_for_a_slot_cancelled_at_a_stop_loses_no_slot() -> None:
    slots = _Slots(1)
    await slots.take(held=False)
    granted, after = (asyncio.create_task(slots.take(held=False)) for _ in range(2))
    await asyncio.sleep(0)
    slots.give()  # to the first waiter...
    granted.cancel()  # ...cancelled before it could run: the slot goes on to the next
    await asyncio.wait_for(after, timeout=5)
    assert granted.cancelled()
    waiting = asyncio.create_task(slots.take(held=True))
    await asyncio.sleep(0)
    waiting.cancel()  # cancelled while it waits...
    slots.give()  # ...so the slot is free again
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(slots.take(held=False), timeout=5)


async def test_fetching_waits_while_enough_is_in_hand() -> None:
    release = asyncio.Event()

    async def handle(update_id: int, payload: Any) -> None:
        await release.wait()

    scheduler = Scheduler(handle, clock=Clock())
    for member in range(FETCH_BELOW):
        add(scheduler, member, message(member + 1, GROUP))
    room = asyncio.create_task(scheduler.room(asyncio.Event()))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not room.done()
    release.set()
    await asyncio.wait_for(room, timeout=5)
    await scheduler.close(None)


async def test_a_floods_updates_in_hand_do_not_hold_up_fetching() -> None:
    flooders = range(1000, 1000 + FETCH_BELOW)
    release, all_begun = asyncio.Event(), asyncio.Event()
    begun = 0

    async def handle(update_id: int, payload: Any) -> None:
        nonlocal begun
        if update_id % 100 >= BURST:  # the floods' excess, slow to handle
            begun += 1  # at most MAX_HELD_RUNNING of a flood's excess run at once
            if begun == min(len(flooders), MAX_HELD_RUNNING):
                all_begun.set()
            await release.wait()

    scheduler = Scheduler(handle, clock=Clock())
    for member in flooders:
        for number in range(BURST + 1):
            add(scheduler, member * 100 + number, message(member, member))
    await asyncio.wait_for(all_begun.wait(), timeout=5)
    await asyncio.wait_for(scheduler.room(asyncio.Event()), timeout=5)
    release.set()
    await scheduler.close(None)


async def test_a_stop_finishes_what_has_begun_and_leaves_the_rest_in_the_inbox() -> None:
    release, begun = asyncio.Event(), asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int, payload: Any) -> None:
        if update_id == 1:
            begun.set()
            await release.wait()
        handled.append(update_id)

    scheduler = Scheduler(handle, clock=Clock())
    for update_id in range(1, BURST + 6):
        add(scheduler, update_id, message(F, F))
    add(scheduler, 100, message(A, A))
    await asyncio.wait_for(begun.wait(), timeout=5)
    closing = asyncio.create_task(scheduler.close(0.0))
    await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(closing, timeout=5)
    assert sorted(handled) == [1, 100]  # the others were not begun: handled at the next start
    assert scheduler.error is None


async def test_long_runs_keep_every_dependency_after_finished_updates_are_swept() -> None:
    """Many more updates than the sweep interval, all within their budgets: each one starts
    only after everything the order makes it wait for has finished."""
    rng = random.Random(19)
    chats = [GROUP, GROUP - 1, GROUP - 2]
    updates: list[Update] = []
    for update_id in range(1500):
        member = rng.randrange(1, 40)
        roll = rng.random()
        if roll < 0.05:
            update = message(MOD, rng.choice(chats), rng.choice(["/next", "/end", "/status"]))
        elif roll < 0.3:
            update = vote(member)
        elif roll < 0.4:
            update = message(member, member)
        else:
            update = message(member, rng.choice(chats))
        updates.append({"update_id": update_id, **update})
    clock = Clock()

    def later() -> float:
        clock.now += 10.0  # nobody is ever over budget
        return clock.now

    journal = Journal(turns=2)

    async def handle(update_id: int, payload: Any) -> None:
        for _ in range(rng.randrange(3)):
            await asyncio.sleep(0)
        await journal(update_id, payload)

    scheduler = Scheduler(handle, clock=later)
    for raw in updates:
        scheduler.add(raw["update_id"], raw)
        if rng.random() < 0.2:
            await asyncio.sleep(0)  # some finish while others arrive
    await asyncio.wait_for(scheduler.close(None), timeout=30)
    for index, (_, after) in enumerate(_schedule(updates)):
        for earlier in after:
            assert journal.at("finish", earlier) < journal.at("start", index)


# --- the hint gate ------------------------------------------------------------------------


def test_a_flood_of_strays_gets_its_hints_then_one_slow_down_a_minute() -> None:
    clock = Clock()
    gate = FloodGate(clock=clock)
    verdicts = [gate.should_reply(F) for _ in range(HINTS_PER_WINDOW + 30)]
    assert verdicts == ["reply"] * HINTS_PER_WINDOW + ["slow_down"] + ["silent"] * 29
    assert gate.should_reply(A) == "reply"  # others are not affected
    # Two strays a second for two minutes more: one "slow down" a minute, nothing else.
    told: list[tuple[float, str]] = []
    for step in range(1, 241):
        clock.now = step / 2
        verdict = gate.should_reply(F)
        if verdict != "silent":
            told.append((clock.now, verdict))
    assert told == [(SLOW_DOWN_SECONDS, "slow_down"), (2 * SLOW_DOWN_SECONDS, "slow_down")]


def test_hints_come_back_once_the_user_sends_fewer_strays() -> None:
    clock = Clock()
    gate = FloodGate(clock=clock)
    for _ in range(HINTS_PER_WINDOW + 1):
        gate.should_reply(F)
    clock.now = WINDOW_SECONDS + 1  # a quiet minute
    assert [gate.should_reply(F) for _ in range(HINTS_PER_WINDOW)] == ["reply"] * HINTS_PER_WINDOW
    # A steady pace of one stray every 6.1 s (under ten a minute) is always answered.
    gate = FloodGate(clock=clock)
    for step in range(100):
        clock.now = step * (WINDOW_SECONDS / HINTS_PER_WINDOW + 0.1)
        assert gate.should_reply(F) == "reply"


def test_hint_text_says_what_to_send() -> None:
    gate = FloodGate(clock=Clock())
    sent = [gate.hint_text(F, texts.HINT_IDLE) for _ in range(HINTS_PER_WINDOW + 2)]
    assert sent == [texts.HINT_IDLE] * HINTS_PER_WINDOW + [texts.SLOW_DOWN, None]


def test_the_gate_forgets_quiet_users(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flood, "_SWEEP_ABOVE", 100)
    clock = Clock()
    gate = FloodGate(clock=clock)
    for user_id in range(1000, 1100):
        gate.should_reply(user_id)
    clock.now = WINDOW_SECONDS
    for _ in range(HINTS_PER_WINDOW + 1):
        gate.should_reply(F)  # the sweep leaves only the one who strays now
    assert gate.should_reply(F) == "silent"
    assert len(gate._users) == 1
