"""A long lesson's closing summary: split into messages Telegram accepts, none lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render.fit import MESSAGE_LIMIT, visible_length
from tests.actors import FLOOD_WINDOW, Group, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)
QUESTIONS = 60


def long_lesson() -> str:
    """Sixty short questions, each prompt 250 characters: a summary of about 14,000."""
    questions = "".join(
        f"      - id: q{number}\n"
        f"        type: short\n"
        f"        prompt: Question {number:02d} {'asks a great deal ' * 13}end\n"
        for number in range(1, QUESTIONS + 1)
    )
    return (
        "id: long\n"
        "title: A long lesson\n"
        "source: {publisher: Test Press, date: 2024-01-02}\n"
        "sections:\n"
        "  - title: Only part\n"
        "    text: Short text.\n"
        "    questions:\n" + questions
    )


async def test_a_long_lessons_summary_comes_in_several_messages_with_every_question(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, long_lesson())
    room = Group(standin)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        # A summary covers the questions the session asked: all of them.
        await room.posts_first_questions(QUESTIONS)
        room.says(room.admin, "/end")
        summary = [await room.reads()]
        while "Thank you all" not in text(summary[-1]):
            summary.append(await room.reads())
    assert len(summary) >= 3
    assert all(visible_length(m.html or "") <= MESSAGE_LIMIT for m in summary)
    everything = "\n".join(text(m) for m in summary)
    assert "Session closed" in text(summary[0])
    assert [n for n in range(1, QUESTIONS + 1) if f"Question {n:02d} " not in everything] == []
    # Sixty questions at once may meet the group's flood limit: waited out, never refused.
    assert all(call.error_code == 429 for call in standin.rejected)
