"""Close now's question in storage: one open per assignment, whoever presses and however
many at once; Cancel (of that question) opens the way again; a question found deleted, or
a press that began asking and never recorded its message, does not block the next one."""

from __future__ import annotations

import asyncio

from bot.storage import Storage
from bot.storage.assignments import CloseAsking
from tests.actors import open_homework

EARLY = "2000-01-01T00:00:00.000000Z"  # before any press: no half-asked question is stale
LATE = "2999-01-01T00:00:00.000000Z"  # after every press: every half-asked one is


async def assignment(storage: Storage) -> int:
    return (await open_homework(storage)).id


async def test_presses_at_once_ask_once_and_cancel_asks_again(storage: Storage) -> None:
    homework = await assignment(storage)
    presses = await asyncio.gather(
        *(storage.ask_to_close(homework, stale_before=EARLY) for _ in range(5))
    )
    assert sorted(p.ask for p in presses if p) == [False] * 4 + [True]
    assert [p for p in presses if p and not p.ask] == [CloseAsking(ask=False)] * 4
    await storage.close_question_posted(homework, 42)
    assert await storage.ask_to_close(homework, stale_before=LATE) == CloseAsking(False, 42)
    await storage.close_question_answered(homework, 41)  # an older question's Cancel
    assert await storage.ask_to_close(homework, stale_before=LATE) == CloseAsking(False, 42)
    await storage.close_question_answered(homework, 42)
    assert await storage.ask_to_close(homework, stale_before=EARLY) == CloseAsking(True)
    await storage.close_question_posted(homework, 43)
    # Closed: the open question is named (its buttons go), and none is asked any more.
    closed = await storage.close_assignment(homework)
    assert closed is not None and closed.question == 43
    assert await storage.ask_to_close(homework, stale_before=LATE) is None


async def test_a_deleted_question_or_a_half_asked_one_does_not_block(storage: Storage) -> None:
    homework = await assignment(storage)
    assert await storage.ask_to_close(homework, stale_before=EARLY) == CloseAsking(True)
    # Its message never recorded: presses wait for it a while, then ask again.
    assert await storage.ask_to_close(homework, stale_before=EARLY) == CloseAsking(False)
    assert await storage.ask_to_close(homework, stale_before=LATE) == CloseAsking(True)
    # The press could not post it: none open.
    await storage.close_question_answered(homework, None)
    assert await storage.ask_to_close(homework, stale_before=EARLY) == CloseAsking(True)
    await storage.close_question_posted(homework, 7)
    # Message 7 found deleted: one of two presses that found it so asks anew.
    found = [await storage.ask_to_close(homework, stale_before=EARLY, gone=7) for _ in "ab"]
    assert found == [CloseAsking(True), CloseAsking(False)]
