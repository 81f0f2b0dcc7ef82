"""What updates leave in reference cycles: objects that live until a collection of their
generation, and the longest-lived until a full one (at the bot's thresholds, bot/runner.py,
a pause of a tenth of a second under load). Counted with the collector off while the real
application handles the updates, then collected and looked at (``gc.DEBUG_SAVEALL``)."""

from __future__ import annotations

import gc
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from telegram.error import TelegramError

from tests.actors import FLOOD_WINDOW, SMALL_LESSON, Group, settings_for
from tests.conftest import make_settings, running_bot
from tests.standin import BotApiStandIn

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@contextmanager
def cycles_made() -> Iterator[list[object]]:
    """The objects left in reference cycles while the block ran (filled in as it ends)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    found: list[object] = []
    try:
        yield found
    finally:
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            found.extend(gc.garbage)
            gc.garbage.clear()
        finally:
            gc.set_debug(0)
            if enabled:
                gc.enable()


def _ours(found: list[object]) -> list[object]:
    """The bot's and PTB's part: Telegram errors, and frames of the bot's or PTB's code (the
    stand-in's own server is not the bot)."""
    kept: list[object] = []
    for o in found:
        if isinstance(o, TelegramError):
            kept.append(o)
        elif isinstance(o, types.FrameType):
            name = o.f_code.co_filename
            if "/bot/" in name or "/telegram/" in name:
                kept.append(o)
    return kept


async def test_a_refused_bot_api_call_leaves_no_cycle(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """PTB raises a refusal (400, 403, ...) from a local variable of the frame that raised it,
    so the error's traceback holds the error: ~40 objects a refused call."""
    async with running_bot(make_settings(standin, tmp_path / "bot.sqlite3")):
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        await standin.wait_until_idle()
        lesson = next(m for m in reversed(standin.bot_messages(chat.id)) if m.buttons)
        await standin.wait_for_callback_answer(standin.press_data(ada, lesson, "v1:zz:forged"))
        refused = 20
        with cycles_made() as found:
            standin.fail_next("answerCallbackQuery", refused, code=400, description=TOO_OLD)
            for _ in range(refused):
                standin.press_data(ada, lesson, "v1:zz:forged")
            await standin.wait_until_idle()
        assert len(standin.calls_to("answerCallbackQuery")) == refused + 1
        left = _ours(found)
        assert not left, f"{len(left)} of the bot's or PTB's objects in cycles, {len(found)} in all"
        assert len(found) < refused  # 59 a refused call before (the stand-in's part included)


@pytest.mark.standin(flood_window=FLOOD_WINDOW)
async def test_a_groups_answers_leave_no_cycles(standin: BotApiStandIn, tmp_path: Path) -> None:
    """Presses (each with its pop-up), votes and replies, as a group answers (bench/memory.py
    found none in 20,000 such answers: a cycle made per answer would show here)."""
    room = Group(standin, members=20)
    async with running_bot(
        settings_for(standin, tmp_path, SMALL_LESSON), group_window=FLOOD_WINDOW
    ):
        _, (one, two, quiz) = await room.posts_first_questions()
        await room.presses(room.members[0], one, "Right")  # the first of each kind: warmed up
        standin.vote(room.members[0], quiz, [0])
        await room.barrier()
        with cycles_made() as found:
            for member in room.members[1:]:
                await room.presses(member, one, "Wrong")
                await room.presses(member, two, "A")
                standin.vote(member, quiz, [1])
            await room.barrier()
        assert len(found) < 10, f"{len(found)} objects in cycles after {3 * 19} answers"
