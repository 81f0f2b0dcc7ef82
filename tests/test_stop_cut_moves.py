"""A stop that cuts a group session's move short (bot/send_budget.py's ``NotSent``), before
the next part: the model answers of a part that takes several messages, cut partway at
/next (or at their first message), and a debate's digest cut at a paced session's tick.
The session stays where it was and the move is noted owed (``walks.move_owed``): the next
start finishes it with nobody pressing Next (``bot.moves_owed``; for a paced session, its
clock rebuilt, whichever comes first): a line saying why it comes late, what the stop
refused, each message once and in a move's order, then the part. A Next pressed first
takes the note instead; a /end drops it, its close posting the model answers owed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import moves_owed, poller
from bot.config import Settings
from tests.actors import Group, edited, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage
from tests.stop_cut_support import GRACE, LATE, LATE_KO, PAUSE, digest_of, held_in
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
OWED = "1 session's move is finished"  # in the stop's WARNING line


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
    assert sum(LATE in t or LATE_KO in t for t in said) <= 1, said  # the late line at most once
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


async def cut_after_the_first_answers(
    standin: BotApiStandIn, room: Group, tmp_path: Path
) -> StoredMessage:
    """/next after the five questions: the first message of model answers is posted, the
    second held by a 429 past the stop's grace, so the move stops there (the second part is
    not posted, the session not moved on). The last question's message (it carries Next)."""
    last = await asks_the_first_part(room)
    room.says(room.admin, "/next")
    first = await room.reads()
    assert answers_in(text(first)) == ["one", "two"], text(first)
    await held_in(standin, room.chat.id)
    return last


def cut_there(standin: BotApiStandIn, room: Group, tmp_path: Path) -> None:
    """Nothing past the first message of model answers; the session not moved; its move
    noted owed."""
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert not any("Answer three." in t or "Second text." in t for t in said), said
    position = value(tmp_path, "SELECT position FROM walks")
    assert position == 1 + len(WORDS)  # the second part's text is next: not moved on
    assert value(tmp_path, "SELECT move_owed FROM walks") == 1


async def a_next_cut_by_a_stop(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Group, Settings, StoredMessage]:
    """A group's /next cut by a stop after the first message of model answers
    (``cut_after_the_first_answers``), checked by ``cut_there``: the group, the bot's
    settings, and the last question's message (it carries Next)."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LONG_ANSWERS_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=holds_answer("three"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        last = await cut_after_the_first_answers(standin, room, tmp_path)
    cut_there(standin, room, tmp_path)
    return room, settings, last


async def test_model_answers_a_stop_cut_partway_at_next_are_finished_at_the_next_start(
    standin: BotApiStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The model answers cut after their first message (``cut_after_the_first_answers``):
    the stop's line says the move is owed. At the next start, with nobody pressing Next: a
    line saying why it comes late, the second and third messages (not the first again),
    then the second part, whose text now carries Next; pressed, it moves on as ever. Each
    answer once, all before the part that follows them; a further start posts nothing.
    (Before: nothing came until a moderator pressed Next again.)"""
    room, settings, last = await a_next_cut_by_a_stop(standin, tmp_path, monkeypatch)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert "could not post model answers" not in caplog.text  # a stop's cut is no refusal
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(OWED in w for w in warned), warned

    async with running_bot(settings):  # nobody presses anything
        assert LATE in text(await room.reads())
        second, third = await room.reads(), await room.reads()
        assert answers_in(text(second)) == ["three", "four"], text(second)
        assert answers_in(text(third)) == ["five"], text(third)
        part = await room.reads()
        assert "Second text." in text(part)  # the part, after its answers
        await standin.wait_until_idle(quiet=0.5)
        assert NEXT not in standin.message(room.chat.id, last.message_id).button_texts
        await room.presses(room.admin, standin.message(room.chat.id, part.message_id), NEXT)
        assert "Anything else?" in text(await room.reads())  # moved on once, normally
        room.says(room.admin, "/end")
        assert "Session closed: Explain" in text(await room.reads())
        await standin.wait_until_idle(quiet=0.5)
    assert value(tmp_path, "SELECT move_owed FROM walks") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    transcript_once(standin, room)
    assert sum(LATE in text(m) for m in standin.bot_messages(room.chat.id)) == 1


async def test_a_next_pressed_before_the_start_finishes_the_cut_move_takes_it_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same cut; the next start's job held back, then run as a moderator presses the
    Next still on the last question: whichever comes first takes the note (the other
    finds none, or the session moved: "already posted"), so the late line, the second and
    third messages, then the second part come once."""
    room, settings, last = await a_next_cut_by_a_stop(standin, tmp_path, monkeypatch)

    async def held_back(application: object) -> None:
        return None

    with monkeypatch.context() as held:
        held.setattr(moves_owed, "make_good_at_start", held_back)
        async with running_bot(settings) as application:
            await standin.wait_until_idle(quiet=0.5)
            carrier = standin.message(room.chat.id, last.message_id)
            assert application.job_queue is not None
            application.job_queue.run_once(moves_owed.make_good, 0)  # the job, and a press
            await room.presses(room.admin, carrier, NEXT)
            assert LATE in text(await room.reads())
            assert answers_in(text(await room.reads())) == ["three", "four"]
            assert answers_in(text(await room.reads())) == ["five"]
            assert "Second text." in text(await room.reads())
            await standin.wait_until_idle(quiet=0.5)
    async with running_bot(settings):
        await finishes(room, standin)
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    transcript_once(standin, room)


async def test_an_end_before_the_start_finishes_the_cut_move_posts_the_rest_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same cut; the next start's job held back, and a moderator says /end first: the
    close drops the note and posts the model answers not posted (the second and third
    messages), then the summary; a further start posts nothing (no part after a close)."""
    room, settings, _ = await a_next_cut_by_a_stop(standin, tmp_path, monkeypatch)

    async def held_back(application: object) -> None:
        return None

    with monkeypatch.context() as held:
        held.setattr(moves_owed, "make_good_at_start", held_back)
        async with running_bot(settings):
            await standin.wait_until_idle(quiet=0.5)
            room.says(room.admin, "/end")
            assert answers_in(text(await room.reads())) == ["three", "four"]
            assert answers_in(text(await room.reads())) == ["five"]
            assert "Session closed: Explain" in text(await room.reads())
            await standin.wait_until_idle(quiet=0.5)
    assert value(tmp_path, "SELECT move_owed FROM walks") is None
    async with running_bot(settings):  # started again: nothing more
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert [w for t in said for w in answers_in(t)] == list(WORDS), said
    assert not any("Second text." in t or LATE in t for t in said), said


async def test_a_korean_group_is_told_in_korean_why_the_rest_comes_late(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group whose /language is 한국어: the same cut; the next start's line is in Korean,
    then the rest of the model answers (under no second heading) and the second part."""
    monkeypatch.setattr(poller, "STOP_GRACE_SECONDS", GRACE)
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LONG_ANSWERS_LESSON)
    standin.fail_next("sendMessage", retry_after=PAUSE, matching=holds_answer("three"))
    async with asyncio.timeout(PAUSE), running_bot(settings):
        room.says(room.admin, "/language")
        asked = await room.reads()
        await room.presses(room.admin, asked, "한국어")
        await standin.wait_for(lambda: edited(standin, asked))
        await cut_after_the_first_answers(standin, room, tmp_path)
    cut_there(standin, room, tmp_path)

    async with running_bot(settings):
        late = text(await room.reads())
        assert LATE_KO in late and "restarted" not in late, late
        assert answers_in(text(await room.reads())) == ["three", "four"]
        assert answers_in(text(await room.reads())) == ["five"]
        assert "Second text." in text(await room.reads())
        await standin.wait_until_idle(quiet=0.5)
    said = [text(m) for m in standin.bot_messages(room.chat.id)]
    assert sum("모범 답안" in t for t in said) == 1, said  # the heading, on the first only
    assert [w for t in said for w in answers_in(t)] == list(WORDS), said


async def test_model_answers_a_stop_refused_from_the_first_are_posted_at_the_next_start(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first message of model answers held by a 429 past the stop's grace: the /next
    wrote only the note that its move is owed (so it is not handled again), and the next
    start finishes the move by itself: the late line, the three messages of model answers,
    then the second part, each once."""
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

    assert value(tmp_path, "SELECT move_owed FROM walks") == 1
    async with running_bot(settings):  # the move finished, with nobody saying /next
        assert LATE in text(await room.reads())
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
    held by a 429 past the stop's grace, so the tick posts nothing more (the digest and the
    move noted owed; the stop's line says so). After the restart the clock, rebuilt with
    its tick already due, or the start's job, whichever comes first, moves on at once with
    no /next: the late line, the digest, then the next part, then a pace later the close;
    each once, and a further start posts nothing more."""
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
    assert any(OWED in w for w in warned), warned

    async with running_bot(settings):
        assert LATE in text(await room.reads())  # at once: nobody said /next
        digest = await room.reads()
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
    assert sum(LATE in t for t in said) == 1, said
