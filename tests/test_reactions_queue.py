"""The ✍ queue: bounded, drained a couple at a time, dropped on stop (bot/outbox.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.outbox import REACTIONS_IN_FLIGHT, Reactions


class SlowBot:
    """Records reactions; each call waits until the test lets it through."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.gate = asyncio.Event()

    async def set_message_reaction(self, chat_id: int, message_id: int, _: Any) -> bool:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await self.gate.wait()
        self.in_flight -= 1
        self.sent.append((chat_id, message_id))
        return True


class App:
    def __init__(self) -> None:
        self.bot = SlowBot()
        self.running = True
        self.tasks: list[asyncio.Task[Any]] = []

    def create_task(self, coroutine: Any, name: str | None = None) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coroutine)
        self.tasks.append(task)
        return task


async def test_a_crowd_of_reactions_waits_as_numbers_bounded() -> None:
    app, reactions = App(), Reactions(waiting=100)
    for message_id in range(1, 251):
        reactions.add(app, -1, message_id)  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert len(app.tasks) == REACTIONS_IN_FLIGHT  # not a task per reaction
    # The newest 100 were kept; the two drainers have taken one each.
    assert reactions.dropped == 150
    assert len(reactions) == 100 - REACTIONS_IN_FLIGHT
    app.bot.gate.set()
    await asyncio.gather(*app.tasks)
    assert app.bot.most_in_flight == REACTIONS_IN_FLIGHT
    assert sorted(m for _, m in app.bot.sent) == list(range(151, 251))
    # Drained, the drainers are gone; the next reaction starts one again.
    reactions.add(app, -1, 251)  # type: ignore[arg-type]
    await asyncio.gather(*app.tasks)
    assert app.bot.sent[-1] == (-1, 251)


async def test_stopping_drops_what_waits_instead_of_holding_the_shutdown_up() -> None:
    app, reactions = App(), Reactions()
    for message_id in range(1, 51):
        reactions.add(app, -1, message_id)  # type: ignore[arg-type]
    await asyncio.sleep(0)
    app.running = False
    app.bot.gate.set()
    await asyncio.wait_for(asyncio.gather(*app.tasks), timeout=5)
    assert len(app.bot.sent) == REACTIONS_IN_FLIGHT  # only those already on their way
