"""Paced sessions' rules without a bot (bot/pacing.py, the messages each tick sends), the
pace's button data, and the stand-in's polls that close by themselves as Telegram's do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot import callbacks, pacing
from bot.callbacks import GroupBeginPaced
from bot.lessons.load import load_catalog
from bot.pacing import BeginArgs, PaceError, Problem
from bot.render import pace as render_pace
from tests.actors import write_lesson
from tests.conftest import PROMPTS, TOKEN
from tests.standin import BotApiStandIn
from tests.test_paced_session import TALKY_LESSON


@pytest.mark.parametrize(
    ("words", "meant"),
    [
        ([], BeginArgs(None, None)),
        (["Mini"], BeginArgs("mini", None)),
        (["pace", "3m"], BeginArgs(None, 180)),
        (["PACE", "45s"], BeginArgs(None, 45)),
        (["mini", "pace", "1m30s"], BeginArgs("mini", 90)),
        (["pace", "10M"], BeginArgs(None, 600)),
    ],
)
def test_begin_reads_a_lesson_and_a_pace(words: list[str], meant: BeginArgs) -> None:
    assert pacing.parse_begin(words) == meant


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        (["pace"], Problem.MISSING),
        (["mini", "pace"], Problem.MISSING),
        (["pace", "soon"], Problem.UNREADABLE),
        (["pace", "3", "m"], Problem.UNREADABLE),
        (["a", "b", "pace", "3m"], Problem.UNREADABLE),
        (["pace", "0s"], Problem.TOO_SHORT),
        (["pace", "4s"], Problem.TOO_SHORT),
        (["pace", "25h"], Problem.TOO_LONG),
    ],
)
def test_a_pace_that_is_none_says_why(words: list[str], problem: Problem) -> None:
    with pytest.raises(PaceError) as raised:
        pacing.parse_begin(words)
    assert raised.value.problem is problem


def test_the_fastest_pace_keeps_every_minute_under_the_groups_limit() -> None:
    budget = pacing.GROUP_LIMIT - pacing.HEADROOM
    # A whole lesson within a minute's budget: any pace.
    assert pacing.fastest_pace([2, 3, 1, 1]) == pacing.MIN_PACE
    # Two big parts: no two ticks in a row may share a minute beyond the budget.
    bursts = [2, 10, 1, 10, 1, 1]
    assert pacing.fastest_pace(bursts) == 30  # two ticks a minute: 11 at most
    for pace in (29, 30, 60):
        ticks = -(-pacing.FLOOD_WINDOW // pace)  # ticks in a minute, at most
        widest = max(sum(bursts[i : i + ticks]) for i in range(len(bursts)))
        assert (widest <= budget) == (pace >= 30)
    # A part bigger than a minute's budget on its own: a tick a minute.
    assert pacing.fastest_pace([1, 25, 1]) == pacing.FLOOD_WINDOW
    assert pacing.written(30) == "30s" and pacing.written(90) == "1m30s"
    assert pacing.written(3600) == "1h" and pacing.written(180) == "3m"


def test_the_shipped_lesson_paces_at_some_speed_and_counts_its_messages() -> None:
    (lesson,) = load_catalog([PROMPTS]).lessons
    bursts = render_pace.bursts(lesson)
    assert bursts[0] >= 2 and bursts[-1] == 1  # the opening with part 1; the summary
    assert pacing.MIN_PACE <= pacing.fastest_pace(bursts) <= pacing.FLOOD_WINDOW


def test_the_messages_a_groups_settings_post_on_each_move_count_against_the_limit(
    tmp_path: Path,
) -> None:
    (lesson,) = load_catalog([write_lesson(tmp_path, TALKY_LESSON).parent]).lessons
    # The opening with the text; the two short questions; then a debate question a tick;
    # the summary.
    assert render_pace.bursts(lesson) == [2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert pacing.fastest_pace(render_pace.bursts(lesson)) == pacing.MIN_PACE
    # Moving past the short questions posts their model answers (one message); past each
    # debate question, its digest (counted at its most, two messages); the top five comes
    # under the summary.
    models = render_pace.Extras(model_answers=True)
    assert render_pace.bursts(lesson, models) == [2, 2, 2, 1, 1, 1, 1, 1, 1]
    everything = render_pace.Extras(model_answers=True, digests=True, leaderboard=True)
    bursts = render_pace.bursts(lesson, everything)
    assert bursts == [2, 2, 2, 3, 3, 3, 3, 3, 4]
    assert pacing.fastest_pace(bursts) == 12  # five ticks a minute: 18 at most
    defaults = render_pace.Extras(model_answers=True, digests=True)  # a new group's
    assert pacing.fastest_pace(render_pace.bursts(lesson, defaults)) == 10


def test_the_lesson_button_carries_the_pace_strictly() -> None:
    data = callbacks.encode(GroupBeginPaced("biegun-seoul-2020", 180))
    assert len(data.encode()) <= callbacks.MAX_BYTES
    assert callbacks.decode(data) == GroupBeginPaced("biegun-seoul-2020", 180)
    assert callbacks.decode("v1:gq:mini:0") is None
    assert callbacks.decode("v1:gq:mini:-5") is None
    assert callbacks.decode("v1:gq:mini:9999999") is None


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def timed() -> AsyncIterator[tuple[BotApiStandIn, Bot, Clock]]:
    clock = Clock()
    async with BotApiStandIn(TOKEN, clock=clock) as api, Bot(TOKEN, f"{api.base_url}/bot") as bot:
        yield api, bot, clock


async def test_a_poll_with_an_open_period_closes_by_itself(
    timed: tuple[BotApiStandIn, Bot, Clock],
) -> None:
    api, bot, clock = timed
    alice = api.user("Alice")
    group = api.group("Quiz", members=[alice], supergroup=True)
    sent = await bot.send_poll(
        group.id, "2 + 2?", ["3", "4"], type="quiz", correct_option_ids=[1],
        is_anonymous=False, open_period=30,
    )  # fmt: skip
    stored = api.message(group.id, sent.message_id)
    assert sent.poll is not None and stored.poll is not None and stored.poll.open_period == 30
    clock.now += 29
    api.vote(alice, stored, [1])  # in time
    clock.now += 1
    with pytest.raises(ValueError, match="closed"):
        api.vote(alice, stored, [0])
    # The bot hears of its poll's final state, as Telegram tells a bot of its own polls.
    updates = await bot.get_updates(timeout=0, allowed_updates=["poll", "poll_answer"])
    states = [(u.poll.id, u.poll.is_closed) for u in updates if u.poll is not None]
    assert states == [(sent.poll.id, False), (sent.poll.id, True)]  # the vote, the close
    with pytest.raises(BadRequest, match="already been closed"):
        await bot.stop_poll(group.id, sent.message_id)
