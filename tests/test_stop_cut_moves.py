"""A stop that cuts a group session's move short (bot/send_budget.py's ``NotSent``), before
the next part: the model answers of a part that takes several messages, cut partway at
/next (or at their first message), and a debate's digest cut at a paced session's tick.
The session stays where it was; its next move (a moderator's /next, the /next handled
again when it wrote nothing, or the clock rebuilt at the next start) posts what the stop
refused, each message once and in a move's order, then the part.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import poller
from tests.actors import Group, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage
from tests.stop_cut_support import GRACE, PAUSE, digest_of, held_in
from tests.test_discussion_digest import LESSON as DEBATE_LESSON

# The first part asks five short questions whose model answers fill three messages
# (Telegram's 4096 characters: two answers, two, one); the second part follows them.
WORDS = ("one", "two", "three", "four", "five")
FILLER = "lorem ipsum " * 70  # 840 characters: two answers to a message


def _short(word: str) -> str:
    return (
        f"      - id: q-{word}\n"
        "        type: short\n"
        f'        prompt: "Question {word}: {FILLER}"\n'
        f'        model_answer: "Answer {word}. {FILLER}"\n'
    )


LONG_ANSWERS_LESSON = f"""\
id: explain
title: Explain
source: {{publisher: Test Press, date: 2024-01-02}}
shuffle: false
sections:
  - title: First part
    text: First text.
    questions:
{"".join(_short(word) for word in WORDS)}\
  - title: Second part
    text: Second text.
    questions:
      - id: last
        type: short
        prompt: Anything else?
"""


NEXT = "Next ▸ (admins)"


def answers_in(message_text: str) -> list[str]:
    """Which model answers a message holds, by their words."""
    return [word for word in WORDS if f"Answer {word}." in message_text]


async def asks_the_first_part(room: Group) -> StoredMessage:
    """/begin, the first part's text, its five questions: the last question's message (it
    carries the Next button)."""
    room.says(room.admin, "/begin")
    await room.reads()
    room.says(room.admin, "/next")
    assert "First text." in text(await room.reads())
    room.says(room.admin, "/next")
    for word in WORDS:
        last = await room.reads()
        assert f"Question {word}:" in text(last), text(last)
    return last


def holds_answer(word: str) -> Callable[[dict[str, object]], bool]:
    """A sendMessage's parameters that post the message of model answers holding ``word``'s."""
    return lambda params: f"Answer {word}." in str(params.get("text", ""))


def transcript_once(standin: BotApiStandIn, room: Group) -> None:
    """Each model answer once and in order, the heading once, and the parts after them
    once (the closing summary names every question: it is counted apart)."""
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    shown = [word for t in said for word in answers_in(t)]
    assert shown == list(WORDS), said
    assert sum("Model answers" in t for t in said) == 1, said  # the heading, on the first
    asked = [t for t in said if "Session closed" not in t]
    for once in ("Second text.", "Anything else?"):
        assert sum(once in t for t in asked) == 1, (once, said)
    assert sum("Session closed" in t for t in said) == 1, said


async def finishes(room: Group, standin: BotApiStandIn) -> None:
    """The second part's question, the close; then idle."""
    room.says(room.admin, "/next")
    assert "Anything else?" in text(await room.reads())
    room.says(room.admin, "/end")
    assert "Session closed: Explain" in text(await room.reads())
    await standin.wait_until_idle(quiet=0.5)


async def test_model_answers_a_stop_cut_partway_at_next_are_finished_by_the_next_next(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """/next after the five questions: the first message of model answers is posted, the
    second held by a 429 past the stop's grace, so the move stops (the second part is not
    posted). After the restart nothing comes by itself (the /next wrote the first message's
    post: it was handled), and the last question still carries Next; pressed, it posts the
    second and third messages, not the first again, then the second part. Each answer
    once, all before the part that follows them; the close and a further start post none
    of them again."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LONG_ANSWERS_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=holds_answer("three"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        last = await asks_the_first_part(room)
        room.says(room.admin, "/next")
        first = await room.reads()
        assert "Model answers" in text(first) and answers_in(text(first)) == ["one", "two"]
        await held_in(standin, room.chat.id)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert not any("Answer three." in t or "Second text." in t for t in said), said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "could not post model answers" not in caplog.text  # a stop's cut is no refusal
    position = value(tmp_path, "SELECT position FROM walks")
    assert position == 1 + len(WORDS)  # the second part's text is next: not moved on
    posted = len(standin.bot_messages(room.chat.id))

    async with running_bot(settings):
        await standin.wait_until_idle(quiet=0.5)
        assert len(standin.bot_messages(room.chat.id)) == posted  # nothing by itself
        carrier = standin.message(room.chat.id, last.message_id)
        assert NEXT in carrier.button_texts, carrier.button_texts
        await room.presses(room.admin, carrier, NEXT)
        second, third = await room.reads(), await room.reads()
        assert answers_in(text(second)) == ["three", "four"], text(second)
        assert answers_in(text(third)) == ["five"], text(third)
        assert "Second text." in text(await room.reads())  # the part, after its answers
        await finishes(room, standin)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    transcript_once(standin, room)


async def test_model_answers_a_stop_refused_from_the_first_are_posted_when_next_is_handled_again(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first message of model answers held by a 429 past the stop's grace: the /next
    wrote nothing, so it stays in the inbox, and the next start handles it again by itself:
    the three messages of model answers, then the second part, each once."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LONG_ANSWERS_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=holds_answer("one"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        await asks_the_first_part(room)
        room.says(room.admin, "/next")
        await held_in(standin, room.chat.id)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert not any("Model answers" in t for t in said), said

    async with running_bot(settings):  # the /next again, with nobody saying it
        assert answers_in(text(await room.reads())) == ["one", "two"]
        assert answers_in(text(await room.reads())) == ["three", "four"]
        assert answers_in(text(await room.reads())) == ["five"]
        assert "Second text." in text(await room.reads())
        await finishes(room, standin)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    transcript_once(standin, room)


async def test_a_digest_the_stop_cut_at_a_paced_tick_is_posted_once_by_the_clock_after_restart(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A paced session: the clock's tick moves past the debate question, and its digest is
    held by a 429 past the stop's grace, so the tick posts nothing more (the digest noted
    owed; the stop's line says it comes at the session's next move). After the restart
    the clock, rebuilt with its tick already due, moves on at once with no /next: the
    digest, then the next part, then a pace later the close; each once, and a further
    start posts nothing more."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, DEBATE_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=digest_of("Should we do it?"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        room.says(room.admin, "/begin pace 5s")
        assert "runs by itself" in text(await room.reads())
        assert "Short text." in text(await room.reads())  # the first part at once
        question = await room.reads()  # a pace later, by the clock
        assert "Should we do it?" in text(question), text(question)
        await room.presses(room.members[0], question, "Agree")
        await held_in(standin, room.chat.id)  # the next tick's digest
    assert value(tmp_path, "SELECT owed FROM digests") == 0
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert not any("What the group said" in t or "Anything else?" in t for t in said), said
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    owed = "the digests of 1 debate question are posted at their session's next move"
    assert any(owed in w for w in warned), warned

    async with running_bot(settings):
        digest = await room.reads()  # by the clock at once: nobody said /next
        assert "What the group said" in text(digest) and "Agree 1" in text(digest), text(digest)
        assert "Anything else?" in text(await room.reads())
        summary = await room.reads()  # a pace later, the close
        assert "Session closed: Argue" in text(summary), text(summary)
        await standin.wait_until_idle(quiet=0.5)
    assert value(tmp_path, "SELECT owed FROM digests") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    # The summary and the digest name the questions: each is counted apart.
    asked = [t for t in said if "Session closed" not in t and "What the group said" not in t]
    for once in ("Anything else?", "Should we do it?"):
        assert sum(once in t for t in asked) == 1, (once, said)
    assert sum("What the group said" in t for t in said) == 1, said
    assert sum("Session closed" in t for t in said) == 1, said
