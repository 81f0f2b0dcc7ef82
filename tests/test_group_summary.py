"""A long lesson's closing summary: split into messages Telegram accepts, none lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.render import MESSAGE_LIMIT, visible_length
from tests.conftest import TOKEN, make_settings, running_bot
from tests.standin import BotApiStandIn
from tests.test_group_edges import WINDOW, Room

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


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN, flood_window=WINDOW) as server:
        yield server


async def test_a_long_lessons_summary_comes_in_several_messages_with_every_question(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "long.yaml").write_text(long_lesson())
    settings = make_settings(standin, tmp_path / "bot.sqlite3", prompts)
    room = Room(standin)
    async with running_bot(settings, group_window=WINDOW):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the section
        room.says(room.admin, "/next")
        for _ in range(QUESTIONS):  # a summary covers the questions the session asked
            await room.reads()
        room.says(room.admin, "/end")
        summary = [await room.reads()]
        while "Thank you all" not in (summary[-1].text or ""):
            summary.append(await room.reads())
    assert len(summary) >= 3
    assert all(visible_length(m.html or "") <= MESSAGE_LIMIT for m in summary)
    text = "\n".join(m.text or "" for m in summary)
    assert "Session closed" in (summary[0].text or "")
    assert [n for n in range(1, QUESTIONS + 1) if f"Question {n:02d} " not in text] == []
    # Sixty questions at once may meet the group's flood limit: waited out, never refused.
    assert all(call.error_code == 429 for call in standin.rejected)
