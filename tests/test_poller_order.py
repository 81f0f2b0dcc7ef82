"""The order a fetched batch is handled in: concurrent, except where order matters."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot import callbacks
from bot.poller import _INBOX_JSON
from bot.scheduler import MAX_CONCURRENT_UPDATES, _classify, _run_scheduled, _schedule

Update = dict[str, Any]

GROUP = -1001
OTHER_GROUP = -1002
A, B, C, D, MOD = 11, 12, 13, 14, 99
ANSWER_BUTTON = callbacks.encode(callbacks.SubmitChoice(7, "q1", 1))


def message(member: int, chat: int, text: str = "my answer", kind: str = "message") -> Update:
    body = {"from": {"id": member}, "chat": {"id": chat}, "text": text}
    return {kind: body}


def press(member: int, chat: int, data: str = ANSWER_BUTTON) -> Update:
    body = {"from": {"id": member}, "message": {"chat": {"id": chat}}, "data": data}
    return {"callback_query": body}


def vote(member: int) -> Update:
    return {"poll_answer": {"user": {"id": member}, "poll_id": "p1", "option_ids": [0]}}


def service(chat: int, **fields: Any) -> Update:
    return {"message": {"from": {"id": MOD}, "chat": {"id": chat}, **fields}}


def batch(*updates: Update) -> list[Update]:
    return [{"update_id": 500 + index, **update} for index, update in enumerate(updates)]


def waits(*updates: Update) -> list[list[int]]:
    """For each update, the indexes of the earlier updates it waits for."""
    return [after for _, after in _schedule(batch(*updates))]


def test_a_members_updates_keep_their_order_across_kinds_and_chats() -> None:
    assert waits(
        message(A, GROUP),
        message(A, GROUP, kind="edited_message"),  # their edit after their reply
        press(A, GROUP),
        press(A, GROUP),  # a stance change after a stance
        message(A, A),  # their private chat
        vote(A),
    ) == [[], [0], [1], [2], [3], [4]]


def test_different_members_of_a_group_are_handled_at_the_same_time() -> None:
    members = range(1, 101)
    first = [message(member, GROUP) for member in members]
    second = [press(member, GROUP) for member in members]
    # Each member's second answer waits only for their own first.
    assert waits(*first, *second) == [[]] * 100 + [[index] for index in range(100)]
    assert waits(vote(A), press(B, GROUP), message(C, OTHER_GROUP), vote(D)) == [[]] * 4


@pytest.mark.parametrize(
    "command",
    [
        message(MOD, GROUP, "/end"),
        message(MOD, GROUP, "/end@EditorialBot"),
        message(MOD, GROUP, "/next", kind="edited_message"),
        press(MOD, GROUP, callbacks.encode(callbacks.GroupNext(7, 3))),
        press(MOD, GROUP, callbacks.encode(callbacks.GroupBegin("a-lesson"))),
    ],
)
def test_a_barrier_waits_for_its_chats_earlier_updates_and_later_ones_wait_for_it(
    command: Update,
) -> None:
    assert waits(
        message(A, GROUP),
        press(B, GROUP),
        command,
        message(C, GROUP),
        message(A, GROUP, kind="edited_message"),
        press(B, GROUP),
    ) == [[], [], [0, 1], [2], [0, 2], [1, 2]]


def test_a_barrier_waits_for_the_previous_barrier_and_what_followed_it() -> None:
    assert waits(
        message(A, GROUP),
        message(MOD, GROUP, "/next"),
        message(B, GROUP),
        press(C, GROUP),
        message(D, GROUP, "/end"),
        message(A, GROUP),
    ) == [[], [0], [1], [1], [1, 2, 3], [0, 4]]


def test_a_barrier_waits_for_its_senders_earlier_update_in_another_chat() -> None:
    assert waits(message(MOD, MOD), message(MOD, GROUP, "/end")) == [[], [0]]


def test_answers_in_another_chat_are_not_held_by_a_barrier() -> None:
    assert waits(
        message(A, OTHER_GROUP),
        message(MOD, GROUP, "/end"),
        message(B, OTHER_GROUP),
        press(C, OTHER_GROUP),
        message(D, OTHER_GROUP, "/status"),  # waits for its own chat only
    ) == [[], [], [], [], [0, 2, 3]]


def test_a_poll_answer_waits_for_earlier_barriers_in_any_chat_but_not_later_ones() -> None:
    assert waits(
        message(A, GROUP),
        message(MOD, GROUP, "/begin"),
        {"my_chat_member": {"from": {"id": D}, "chat": {"id": OTHER_GROUP}}},
        vote(B),
        message(MOD, GROUP, "/end"),
        vote(C),
    ) == [[], [0], [], [1, 2], [1, 3], [1, 2, 4]]
    # The /end above also waits for the earlier vote (index 3): a vote cast before a
    # moderator's /end is not handled after it. Without barriers a vote waits for nothing.
    assert waits(message(MOD, GROUP, "/end"), vote(A)) == [[], [0]]
    assert waits(vote(A), message(MOD, GROUP, "/end")) == [[], [0]]
    assert waits(message(A, GROUP), vote(B)) == [[], []]


@pytest.mark.parametrize(
    "update",
    [
        service(GROUP, migrate_to_chat_id=-1009),
        service(GROUP, migrate_from_chat_id=-9),
        service(GROUP, new_chat_members=[{"id": A}]),
        service(GROUP, left_chat_member={"id": A}),
        {"message": {"chat": {"id": GROUP}, "text": "no sender"}},
        {"my_chat_member": {"from": {"id": MOD}, "chat": {"id": GROUP}}},
        {"channel_post": {"chat": {"id": GROUP}, "text": "news"}},
    ],
)
def test_updates_that_can_change_a_chats_session_are_barriers(update: Update) -> None:
    assert waits(message(A, GROUP), update, message(B, GROUP)) == [[], [0], [1]]


MALFORMED: list[Any] = [
    {"message": {"from": {"id": A}, "chat": {"id": [GROUP]}, "text": "x"}},
    {"message": "not a dict"},
    {"message": {"chat": {"id": GROUP}, "text": "x"}},
    {"edited_message": {"from": "A", "chat": {"id": GROUP}, "text": "x"}},
    {"message": {"from": {"id": True}, "chat": {"id": GROUP}, "text": "x"}},
    {"callback_query": {"from": {"id": A}, "message": {"chat": "GROUP"}}},
    {"callback_query": {"from": {"id": A}, "message": ["chat"]}},
    {"poll_answer": {"user": {"id": "A"}}},
    {"poll_answer": []},
    {"inline_query": {"from": {"id": A}}},
    {"something_new": None},
    {},
    {5: {"chat": {"id": GROUP}}},
]


@pytest.mark.parametrize("update", MALFORMED)
def test_a_malformed_update_does_not_raise_and_is_a_barrier(update: Any) -> None:
    assert _classify({"update_id": 1, **update})[2] is True


def test_a_batch_of_malformed_updates_is_scheduled() -> None:
    odd: list[Any] = [*batch(*MALFORMED), ["not", "an", "update"], "nor this", None]
    schedule = _schedule([*odd, *batch(vote(B))])
    assert [raw for raw, _ in schedule][: len(odd)] == odd
    assert schedule[-1][1] == list(range(len(odd)))  # the vote waits for every barrier
    # Button data the bot never built, even data that cannot be encoded, is just an answer.
    for data in ["v1:gn:x", "\ud800", ""]:
        assert _classify(press(A, GROUP, data)) == (A, GROUP, False)
    assert _classify(message(A, GROUP, text=5)) == (A, GROUP, False)  # type: ignore[arg-type]


async def test_the_runner_keeps_dependencies_and_overlaps_independent_members() -> None:
    updates = batch(
        message(A, GROUP),  # 500
        message(B, GROUP),  # 501
        message(A, GROUP, kind="edited_message"),  # 502
        message(MOD, GROUP, "/end"),  # 503
        message(C, GROUP),  # 504
        vote(D),  # 505
    )
    events: list[tuple[str, int]] = []

    async def handle(update_id: int, raw: dict[str, Any]) -> None:
        assert raw["update_id"] == update_id
        events.append(("start", update_id))
        for _ in range(3):
            await asyncio.sleep(0)
        events.append(("finish", update_id))

    await asyncio.wait_for(_run_scheduled(updates, handle), timeout=5)

    def at(event: str, update_id: int) -> int:
        return events.index((event, update_id))

    assert sorted(events) == sorted(
        (e, u["update_id"]) for u in updates for e in ("start", "finish")
    )
    for raw, after in _schedule(updates):
        for earlier in after:
            assert at("finish", updates[earlier]["update_id"]) < at("start", raw["update_id"])
    assert at("finish", 500) < at("start", 502)  # A's edit after A's reply
    assert max(at("finish", u) for u in (500, 501, 502)) < at("start", 503)  # /end after
    assert at("finish", 503) < min(at("start", 504), at("start", 505))  # ...and before
    assert at("start", 501) < at("finish", 500)  # B did not wait for A
    assert at("start", 505) < at("finish", 504)  # nor a vote for C, after the /end


async def test_an_update_that_fails_still_releases_what_waits_for_it() -> None:
    updates = batch(message(A, GROUP), message(A, GROUP), message(MOD, GROUP, "/end"))
    handled: list[int] = []

    async def handle(update_id: int, raw: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        if update_id == 500:
            raise RuntimeError("handling failed")
        for _ in range(5):  # still running when the failure is known
            await asyncio.sleep(0)
        handled.append(update_id)

    with pytest.raises(RuntimeError, match="handling failed"):
        await asyncio.wait_for(_run_scheduled(updates, handle), timeout=5)
    assert handled == [501, 502]  # all done before the error was passed on


async def test_at_most_a_bounded_number_of_updates_are_handled_at_once() -> None:
    updates = batch(*(message(member, -100) for member in range(1, 3 * MAX_CONCURRENT_UPDATES)))
    running = peak = 0

    async def handle(update_id: int, raw: dict[str, Any]) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        running -= 1

    await asyncio.wait_for(_run_scheduled(updates, handle), timeout=5)
    assert peak == MAX_CONCURRENT_UPDATES


def test_the_inbox_json_keeps_any_text_a_client_sent(tmp_path: Path) -> None:
    """A lone surrogate cannot be stored as UTF-8: the inbox keeps it escaped, and reads it
    back as it came."""
    update = message(7, -100, text="half a pair \ud83d and emoji 👋")
    db = sqlite3.connect(tmp_path / "inbox.sqlite3")
    try:
        db.execute("CREATE TABLE inbox (payload TEXT)")
        db.execute("INSERT INTO inbox VALUES (?)", (_INBOX_JSON.encode(update),))
        (stored,) = db.execute("SELECT payload FROM inbox").fetchone()
    finally:
        db.close()
    assert json.loads(stored) == update
