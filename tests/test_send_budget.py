"""Telegram's sending budgets shared fairly (issue 18): bot/send_budget.py's rules, each on
an event loop whose clock jumps to the next timer (a minute of flood window takes no time
and every moment is exact), and one story through the stand-in.

With PTB's AIORateLimiter in place of SendBudget, all but the first fail: a private
chat's fourth call goes at once, a read waits in its group's queue, the later reply and
the teacher's part wait behind the flood's backlog (18 s), a 429 pauses every chat, and in
the story the stand-in's 429 in the group held the student's private reply for 7 s. (The
ordering test fails on its times, not its order: PTB serves arrivals in order too.)
"""

from __future__ import annotations

import asyncio
import contextlib
import selectors
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.send_budget import PRIVATE_TIME_PERIOD, SLACK, NotSent, SendBudget, noting_cuts
from tests.actors import SMALL_LESSON, Group, Student, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

T = TypeVar("T")
GROUP, OTHER_GROUP = -100, -200
PRIVATE, OTHER_PRIVATE = 42, 43
WINDOW = 10.0  # seconds standing in for a group's minute in the story


class _Jumping(selectors.DefaultSelector):
    """A selector that, when nothing is ready, moves its loop's clock on by the wait asked
    for instead of waiting."""

    def __init__(self, loop: VirtualLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        events = super().select(0)
        if not events and timeout is None:
            raise RuntimeError("nothing can ever run again: a waiter was forgotten")
        if not events:  # a real clock moves on a hair even when nothing waits
            self._loop.now += max(timeout or 0.0, 1e-7)
        return list(events)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(_Jumping(self))

    def time(self) -> float:
        return self.now


def virtual(main: Callable[[], Awaitable[T]]) -> T:
    loop = VirtualLoop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


class Telegram:
    """Bot API calls as the limiter lets them go: (name, when), in order; ``refuse`` names
    calls answered with a 429 (retry_after 5 s) on their first ``times`` attempts."""

    def __init__(self, limiter: SendBudget) -> None:
        self.limiter = limiter
        self.sent: list[tuple[str, float]] = []
        self.refuse: dict[str, int] = {}

    def at(self, name: str) -> float:
        return next(when for sent, when in self.sent if sent == name)

    def order(self) -> list[str]:
        return [name for name, _ in self.sent]

    async def send(self, chat_id: int, name: str, method: str = "sendMessage") -> None:
        async def call() -> bool:
            self.sent.append((name, round(asyncio.get_running_loop().time(), 3)))
            if self.refuse.get(name, 0) > 0:
                self.refuse[name] -= 1
                raise RetryAfter(5)
            return True

        data = {"chat_id": chat_id} if chat_id else {}
        await self.limiter.process_request(call, (), {}, method, data, None)

    def later(self, delay: float, chat_id: int, name: str) -> asyncio.Task[None]:
        async def send() -> None:
            await asyncio.sleep(delay)
            await self.send(chat_id, name)

        return asyncio.ensure_future(send())


def test_a_groups_21st_message_waits_for_its_budget_while_other_chats_go_at_once() -> None:
    async def main() -> Telegram:
        telegram = Telegram(SendBudget())
        group = [asyncio.ensure_future(telegram.send(GROUP, f"g{i}")) for i in range(21)]
        await asyncio.sleep(1)
        await telegram.send(PRIVATE, "private")
        await telegram.send(OTHER_GROUP, "other group")
        await asyncio.gather(*group)
        return telegram

    telegram = virtual(main)
    assert max(telegram.at(f"g{i}") for i in range(20)) < 1  # Telegram's burst, 3 a tenth
    assert telegram.at("private") == telegram.at("other group") == 1.0
    assert telegram.at("g20") == pytest.approx((60 + SLACK) / 20, abs=0.01)  # then one a 3 s


def test_a_private_chat_gets_three_in_three_seconds_in_the_order_asked() -> None:
    async def main() -> Telegram:
        telegram = Telegram(SendBudget())
        await asyncio.gather(*(telegram.send(PRIVATE, f"p{i}") for i in range(7)))
        return telegram

    telegram = virtual(main)
    assert telegram.order() == [f"p{i}" for i in range(7)]
    assert [when for _, when in telegram.sent] == pytest.approx(
        [0, 0, 0, 3.05, 3.05, 3.05, 6.1], abs=0.01
    )


def test_calls_without_a_chat_reads_and_reactions_never_wait() -> None:
    async def main() -> Telegram:
        telegram = Telegram(SendBudget(overall_max_rate=1))
        for i in range(25):
            await asyncio.sleep(0.1)
            telegram.later(0, GROUP, f"g{i}")
        await asyncio.sleep(0.1)
        await telegram.send(0, "pop-up", "answerCallbackQuery")
        await telegram.send(GROUP, "reaction", "setMessageReaction")
        await telegram.send(GROUP, "a member's rights", "getChatMember")
        return telegram

    telegram = virtual(main)
    assert telegram.at("pop-up") == telegram.at("reaction") == 2.6
    assert telegram.at("a member's rights") == 2.6


def test_chats_ready_first_are_served_first_when_the_overall_budget_is_short() -> None:
    async def main() -> Telegram:
        telegram = Telegram(SendBudget(overall_max_rate=1))
        await telegram.send(PRIVATE, "first")
        waits = [telegram.later(0.1 * n, 1000 + n, f"chat {n}") for n in (1, 2, 3, 4)]
        await asyncio.gather(*waits)
        return telegram

    telegram = virtual(main)
    assert telegram.order() == ["first", "chat 1", "chat 2", "chat 3", "chat 4"]
    assert [when for _, when in telegram.sent] == pytest.approx([0, 1.05, 2.1, 3.15, 4.2])


def test_one_chats_queue_of_50_does_not_push_a_later_chats_reply_behind_it() -> None:
    """A chat whose own budget would allow it all (a private one made generous here) offers
    one call at a time: the later chat's reply goes next, not after the 50."""

    async def main() -> Telegram:
        limiter = SendBudget(overall_max_rate=10, private_max_rate=100, private_time_period=1)
        telegram = Telegram(limiter)
        flood = [asyncio.ensure_future(telegram.send(PRIVATE, f"flood {i}")) for i in range(50)]
        await asyncio.sleep(0.5)
        await telegram.send(OTHER_PRIVATE, "reply")
        await asyncio.gather(*flood)
        return telegram

    telegram = virtual(main)
    assert telegram.order().index("reply") == 5  # one every 0.105 s: the next free one
    assert telegram.at("reply") == pytest.approx(0.525, abs=0.001)
    assert [name for name in telegram.order() if name != "reply"] == [
        f"flood {i}" for i in range(50)
    ]


def flooding_students(telegram: Telegram) -> list[asyncio.Future[None]]:
    """20 students with 10 sends queued each (chats 1000-1019, "<chat>/<i>"), in turns."""
    return [
        asyncio.ensure_future(telegram.send(1000 + chat, f"{chat}/{i}"))
        for i in range(10)
        for chat in range(20)
    ]


def test_a_flood_in_many_chats_does_not_starve_a_students_single_reply() -> None:
    """20 students flooding (10 sends queued each, 200 in all, at most 10 a second overall):
    the backlog takes 20 s; a student who answers at 2 s, having sent nothing lately, goes
    at the next free moment (a tenth of a second), not after the backlog."""

    async def main() -> tuple[Telegram, float]:
        telegram = Telegram(SendBudget(overall_max_rate=10))
        flood = flooding_students(telegram)
        await asyncio.sleep(2.05)
        began = asyncio.get_running_loop().time()
        await telegram.send(PRIVATE, "reply")
        waited = asyncio.get_running_loop().time() - began
        await asyncio.gather(*flood)
        return telegram, waited

    telegram, waited = virtual(main)
    assert waited <= 0.11
    assert telegram.sent[-1][1] >= 19  # the backlog did take its time
    for chat in range(20):
        assert [n for n in telegram.order() if n.startswith(f"{chat}/")] == [
            f"{chat}/{i}" for i in range(10)
        ]


def test_a_groups_part_is_not_held_back_by_flooding_students() -> None:
    """The same 20 flooding students; a teacher's part (its text and 10 questions) goes out
    within a few seconds: a group's 11 of its 20 count as less than a student's 3 of 3."""

    async def main() -> Telegram:
        telegram = Telegram(SendBudget(overall_max_rate=10))
        flood = flooding_students(telegram)
        await asyncio.sleep(2.05)
        await asyncio.gather(*(telegram.send(GROUP, f"part {i}") for i in range(11)))
        await asyncio.gather(*flood)
        return telegram

    telegram = virtual(main)
    assert telegram.at("part 10") - 2.05 < 4
    assert [n for n in telegram.order() if n.startswith("part")] == [f"part {i}" for i in range(11)]


def test_a_429_pauses_only_the_chat_it_came_from_and_the_last_one_is_raised() -> None:
    async def main() -> tuple[Telegram, BaseException | None]:
        telegram = Telegram(SendBudget(max_retries=3))
        telegram.refuse["refused"] = 1
        refused = asyncio.ensure_future(telegram.send(GROUP, "refused"))
        behind = telegram.later(0.5, GROUP, "behind it")
        await asyncio.sleep(1)
        await telegram.send(OTHER_GROUP, "other group")
        await telegram.send(PRIVATE, "private")
        await asyncio.gather(refused, behind)
        telegram.refuse["always"] = 10
        try:
            await telegram.send(PRIVATE, "always")
        except RetryAfter as error:
            return telegram, error
        return telegram, None

    telegram, error = virtual(main)
    assert telegram.at("other group") == telegram.at("private") == 1.0
    assert telegram.order()[:5] == ["refused", "other group", "private", "refused", "behind it"]
    assert telegram.sent[3][1] == telegram.sent[4][1] == pytest.approx(5.1, abs=0.01)
    assert isinstance(error, RetryAfter)
    assert telegram.order().count("always") == 4  # the first try and 3 retries


def test_a_cancelled_caller_leaves_no_trace() -> None:
    async def main() -> Telegram:
        limiter = SendBudget()
        telegram = Telegram(limiter)
        for i in range(3):
            await telegram.send(PRIVATE, f"p{i}")
        head = telegram.later(0, PRIVATE, "cancelled at the head")
        behind = telegram.later(0.1, PRIVATE, "behind")
        middle = telegram.later(0.2, PRIVATE, "cancelled behind")
        last = telegram.later(0.3, PRIVATE, "last")
        await asyncio.sleep(1)
        assert limiter.waiting() == 4
        head.cancel()
        middle.cancel()
        await asyncio.gather(behind, last)
        assert head.cancelled() and middle.cancelled()
        assert limiter.waiting() == 0
        await telegram.send(OTHER_PRIVATE, "another chat")
        return telegram

    telegram = virtual(main)
    assert telegram.order() == ["p0", "p1", "p2", "behind", "last", "another chat"]
    assert telegram.at("behind") == telegram.at("last") == pytest.approx(3.05, abs=0.01)
    assert telegram.at("another chat") == pytest.approx(3.05, abs=0.01)


def test_memory_stays_bounded_and_shutdown_lets_waiting_callers_go() -> None:
    async def main() -> tuple[int, list[BaseException | None]]:
        limiter = SendBudget(overall_max_rate=1000)
        telegram = Telegram(limiter)
        for chat in range(5000):
            await telegram.send(1000 + chat, "once")
        await asyncio.sleep(60)
        await telegram.send(PRIVATE, "later")  # sweeps the chats idle for their window
        remembered = len(limiter._chats)  # what memory holds
        waiting = [asyncio.ensure_future(telegram.send(GROUP, f"g{i}")) for i in range(25)]
        await asyncio.sleep(1)
        await limiter.shutdown()
        results = await asyncio.gather(*waiting, return_exceptions=True)
        return remembered, [r if isinstance(r, BaseException) else None for r in results]

    remembered, results = virtual(main)
    assert remembered == 1
    assert results[:20] == [None] * 20
    assert all(isinstance(r, NetworkError) for r in results[20:])


def test_a_stop_refuses_what_waits_and_what_would_wait_and_notes_whose_it_was() -> None:
    """``stop_waiting`` (a stop's grace is over): each call waiting for a budget is refused
    with NotSent, and so is any later one that would have to wait; one that may go at once
    still goes (a pop-up, a reply in a chat with budget left). ``noting_cuts`` collects the
    chats refused in its own task only."""

    async def main() -> tuple[Telegram, dict[str, BaseException | None], set[int | str]]:
        limiter = SendBudget()
        telegram = Telegram(limiter)
        for i in range(3):
            await telegram.send(PRIVATE, f"p{i}")  # its 3 in 3 s are spent

        async def noted(name: str, chat_id: int) -> set[int | str]:
            with noting_cuts() as cuts, contextlib.suppress(NotSent):
                await telegram.send(chat_id, name)
            return cuts

        waiting = asyncio.ensure_future(noted("waits", PRIVATE))
        await asyncio.sleep(1)
        limiter.stop_waiting()
        cut = await waiting
        outcomes: dict[str, BaseException | None] = {}
        for name, chat_id, method in (
            ("would wait", PRIVATE, "sendMessage"),
            ("free chat", OTHER_PRIVATE, "sendMessage"),
            ("pop-up", 0, "answerCallbackQuery"),
        ):
            try:
                await telegram.send(chat_id, name, method)
                outcomes[name] = None
            except NotSent as error:
                outcomes[name] = error
        assert limiter.waiting() == 0 and limiter.not_sent == 2
        return telegram, outcomes, cut

    telegram, outcomes, cut = virtual(main)
    assert telegram.order() == ["p0", "p1", "p2", "free chat", "pop-up"]
    assert telegram.at("free chat") == 1.0  # refused at once, nothing waited for
    assert isinstance(outcomes["would wait"], NetworkError)  # what PTB's callers expect
    assert outcomes["free chat"] is None and outcomes["pop-up"] is None
    assert cut == {PRIVATE}


@pytest.mark.standin(flood_window=WINDOW)
async def test_a_group_at_its_limit_does_not_delay_a_students_private_reply(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """A group has had its 20 messages this window (10 s standing in for the minute) and
    more wait; its 21st, sent as PTB's limiter would (after a 20th of the window), is refused
    by the stand-in (429, retry after about 10 s). A student answering privately meanwhile
    gets the next question at once: the 429 pauses the group only (PTB's paused every chat).
    The group's replies all come once its window allows."""
    room = Group(standin, "Budget class")
    student = Student(standin, "Mina", "mina")
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=WINDOW, private_window=None) as app:
        assert isinstance(app.bot.rate_limiter, SendBudget)
        for _ in range(25):
            room.says(room.admin, "/status")
        await standin.wait_for(
            lambda: len(standin.bot_messages(room.chat.id)) >= 20, what="the group's 20"
        )
        began = time.monotonic()
        question = await student.begins_lesson()
        assert "Which is right?" in text(question)
        await asyncio.sleep(PRIVATE_TIME_PERIOD + SLACK)  # reading it (the chat's own budget)
        pressed = time.monotonic()
        standin.press(student.user, question, "Right")
        following = await student.reads()
        waited = time.monotonic() - pressed
        assert "Which two?" in text(following), text(following)
        assert waited < 1.0, f"the private reply waited {waited:.2f} s"
        if time.monotonic() - began < WINDOW - 1:
            assert len(standin.bot_messages(room.chat.id)) == 20  # the rest wait their turn
        await standin.wait_for(
            lambda: len(standin.bot_messages(room.chat.id)) == 25,
            timeout=3 * WINDOW,
            what="the group's other 5",
        )
        refused = [call for call in standin.calls if call.error_code == 429]
        assert refused and {call.params["chat_id"] for call in refused} == {room.chat.id}
