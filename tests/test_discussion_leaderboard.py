"""Scores (issue 14), on the real Application over the stand-in: the leaderboard is off by
default (no ranking anywhere); a moderator turns it on, and the session's closing results
add the top five on choice questions (ties by who finished first) and /leaderboard shows
the group's standings; a student's own score is theirs to see privately either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actors import FLOOD_WINDOW, Group, Student, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

LESSON = """\
id: quiz
title: Quiz
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
style: buttons
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: one
        type: choice
        prompt: One?
        options: ["Yes", "No"]
        answer: "Yes"
      - id: two
        type: choice
        prompt: Two?
        options: ["Yes", "No"]
        answer: "No"
"""


async def run_quiz(group: Group, picks: dict[int, tuple[str, str]]) -> list[str]:
    """/begin, the part, both questions answered by the members (in ``picks`` order), /end:
    what the bot posted after /end."""
    group.says(group.admin, "/begin")
    await group.reads()
    group.says(group.admin, "/next")
    await group.reads()
    group.says(group.admin, "/next")
    one, two = await group.reads(), await group.reads()
    for index, (first, second) in picks.items():
        member = group.members[index]
        await group.presses(member, one, first)
        await group.presses(member, two, second)
    group.says(group.admin, "/end")
    closing = [text(await group.reads())]
    assert "Session closed" in closing[0]
    # Whatever follows the summary comes before the answer to /status.
    group.says(group.members[-1], "/status")
    while "Top five" in (last := text(await group.reads())):
        closing.append(last)
    return closing


async def test_leaderboard_off_by_default_then_on_with_top_five_and_standings(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    group = Group(standin, members=["Bo", "Cy", "Di"])
    bo, cy, _di = group.members
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        # Off by default: no ranking after the session, and /leaderboard says it is off.
        closing = await run_quiz(group, {0: ("Yes", "No"), 1: ("No", "No")})
        assert not any("Top five" in t for t in closing)
        group.says(bo, "/leaderboard")
        assert "leaderboard is off" in text(await group.reads())
        group.says(bo, "/leaderboard on")
        assert "only the group's admins" in text(await group.reads())
        # A student's own score is theirs to see privately, leaderboard or not.
        bo_chat = Student(standin, user=bo)
        bo_chat.says("/leaderboard")
        own = text(await bo_chat.reads())
        assert "Your scores" in own and "Room: 2 of 2 right" in own

        group.says(group.admin, "/leaderboard on")
        assert "Leaderboard on" in text(await group.reads())
        # Di and Bo both get two right; Di finishes first, so Di ranks above Bo.
        closing = await run_quiz(group, {2: ("Yes", "No"), 0: ("Yes", "No"), 1: ("Yes", "Yes")})
        board = next(t for t in closing if "Top five" in t)
        assert board.index("1. Di — 2 right") < board.index("2. Bo — 2 right")
        assert "3. Cy — 1 right" in board
        group.says(cy, "/leaderboard")
        standings = text(await group.reads())
        assert "Standings" in standings
        assert "1. Bo — 4 right" in standings  # both sessions
        assert "2. Di — 2 right" in standings and "3. Cy — 2 right" in standings

        group.says(group.admin, "/leaderboard off")
        assert "Leaderboard off" in text(await group.reads())
        group.says(cy, "/leaderboard")
        assert "leaderboard is off" in text(await group.reads())
