"""A stop that cuts a group session's close short (bot/send_budget.py's ``NotSent``): the
close is made good at the next start in a close's order (a line on why it comes late, the
debate's digest, the model answers of the short questions just asked, the summary), each
once, whichever of them the stop refused.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot import poller
from tests.actors import Group, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stop_cut_support import GRACE, PAUSE, digest_of, held_in

# The last part asks a debate question and a short one with a model answer: its close
# posts the digest, then the model answers, then the summary.
LESSON = """\
id: weigh
title: Weigh
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: stand
        type: debate
        prompt: Should we do it?
      - id: say
        type: short
        prompt: What does FFVD stand for?
        model_answer: Final, fully verified denuclearization.
"""

MODEL_ANSWER = "Final, fully verified denuclearization."


def model_answers(params: dict[str, object]) -> bool:
    """A sendMessage's parameters that post the model answers."""
    return MODEL_ANSWER in str(params.get("text", ""))


async def ends(room: Group, standin: BotApiStandIn) -> None:
    """/begin, the part, a member's stance on the debate, then /end."""
    room.says(room.admin, "/begin")
    await room.reads()
    room.says(room.admin, "/next")
    await room.reads()  # the part's text
    room.says(room.admin, "/next")
    debate = await room.reads()
    assert "Should we do it?" in text(debate), text(debate)
    assert "What does FFVD stand for?" in text(await room.reads())
    await room.presses(room.members[0], debate, "Agree")
    await standin.wait_until_idle(quiet=0.3)
    room.says(room.admin, "/end")


async def test_model_answers_a_stop_refused_at_the_close_are_posted_once_before_the_summary(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/end posts the digest; the model answers after it are held by a 429 past the stop's
    grace (the summary is never tried). At the next start the line saying why they come
    late, the model answers, then the summary; the digest is not posted again, and a
    further start posts nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=model_answers)
    async with asyncio.timeout(PAUSE), running_bot(settings):
        await ends(room, standin)
        assert "What the group said" in text(await room.reads())  # the digest, before the cut
        await held_in(standin, room.chat.id)
    assert not any(MODEL_ANSWER in text(m) for m in standin.bot_messages(room.chat.id))
    assert value(tmp_path, "SELECT summary_owed FROM walks") == 0
    # A stop's refusal is no failure to log (the stop's one line counts it).
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "could not post model answers" not in caplog.text

    async with running_bot(settings):
        assert "this summary comes late" in text(await room.reads())
        answers = await room.reads()
        assert "Model answers" in text(answers) and MODEL_ANSWER in text(answers), text(answers)
        summary = await room.reads()
        assert "Session closed: Weigh" in text(summary), text(summary)
        await standin.wait_until_idle(quiet=0.5)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    once = ("this summary comes late", "What the group said", MODEL_ANSWER, "Session closed")
    for words in once:
        assert sum(words in t for t in said) == 1, (words, said)


async def test_a_digest_the_stop_cut_at_the_close_comes_before_the_model_answers_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/end's digest is held by a 429 past the stop's grace: neither the model answers nor
    the summary is tried. At the next start, in a close's order: the line saying why they
    come late, the digest, the model answers, the summary; each once."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=digest_of("Should we do it?"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        await ends(room, standin)
        await held_in(standin, room.chat.id)
    assert not any(MODEL_ANSWER in text(m) for m in standin.bot_messages(room.chat.id))

    async with running_bot(settings):
        assert "this summary comes late" in text(await room.reads())
        digest = await room.reads()
        assert "What the group said" in text(digest) and "Agree 1" in text(digest), text(digest)
        answers = await room.reads()
        assert MODEL_ANSWER in text(answers), text(answers)
        assert "Session closed: Weigh" in text(await room.reads())
        await standin.wait_until_idle(quiet=0.5)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    once = ("this summary comes late", "What the group said", MODEL_ANSWER, "Session closed")
    for words in once:
        assert sum(words in t for t in said) == 1, (words, said)
