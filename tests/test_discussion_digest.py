"""A group's digest of a debate question (issue 14), on the real Application over the
stand-in: posted once when the session moves past the question, the members' names with
their public reasons, private reasons counted and never quoted; /digest off stops it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import digests
from bot.discussion import Digest
from bot.lessons import DebateQuestion
from bot.render import discussion as render
from bot.render.fit import MESSAGE_LIMIT, visible_length
from bot.storage import NewAnswer, Respondent, Storage, StoredAnswer
from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Student,
    group_session,
    html,
    link_payload,
    settings_for,
    text,
    value,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

LESSON = """\
id: argue
title: Argue
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: stand
        type: debate
        prompt: Should we do it?
discussion:
  - id: last
    type: short
    prompt: Anything else?
"""


async def until(group: Group, words: str) -> list[StoredMessage]:
    """The bot's messages in the group up to and including the first with ``words``."""
    seen = [await group.reads()]
    while words not in text(seen[-1]):
        seen.append(await group.reads())
    return seen


async def run_debate(group: Group) -> StoredMessage:
    """/begin, the part, the debate question: its message."""
    group.says(group.admin, "/begin")
    await group.reads()
    group.says(group.admin, "/next")
    await group.reads()  # the part
    group.says(group.admin, "/next")
    question = await group.reads()
    assert "Should we do it?" in text(question)
    return question


async def test_the_digest_names_public_reasons_and_counts_private_ones_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    group = Group(standin, members=["Bo", "Cy", "Di", "Ed"])
    bo, cy, di, ed = group.members
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        question = await run_debate(group)
        await group.presses(bo, question, "Agree")
        standin.reply(bo, question, "It saves time <really>")
        await group.presses(cy, question, "Disagree")
        standin.reply(cy, question, "It costs too much")
        await group.presses(ed, question, "Not sure")  # a stance, no reason
        # Di answers privately through the link: counted, never quoted.
        di_chat = Student(standin, user=di)
        di_chat.says(f"/start {link_payload(question)}")
        await di_chat.reads()
        asked = await di_chat.reads()
        await di_chat.presses(asked, "Agree")
        await di_chat.reads()  # why?
        di_chat.says("My secret reason")
        thanks = await di_chat.reads()
        assert "It saves time" in text(thanks)  # what others in the session said, no names
        assert "Bo" not in text(thanks)
        await group.barrier()
        # Nothing is posted per answer; the digest comes when the session moves past it.
        assert not any(
            "What the group said" in text(m) for m in standin.bot_messages(group.chat.id)
        )

        group.says(group.admin, "/next")
        seen = await until(group, "Anything else?")
        digest = seen[0]
        assert "What the group said" in text(digest) and "Should we do it?" in text(digest)
        assert "Agree 2 · Disagree 1 · Not sure 1" in text(digest)
        assert "<b>Bo</b>: It saves time &lt;really&gt;" in html(digest)
        assert "<b>Cy</b>: It costs too much" in html(digest)
        assert "Reasons given privately: 1" in text(digest)
        assert "secret" not in text(digest) and "Di" not in text(digest).split()
        assert len(seen) == 2  # one digest, then the next part
        # A stance changed after the digest: the digest is not posted again; the closing
        # summary has the latest.
        assert "Disagree" in await group.presses(bo, question, "Disagree")
        group.says(group.admin, "/end")
        summary = await group.reads()
        assert "Session closed" in text(summary) and "Agree 1, Disagree 2, Not sure 1" in text(
            summary
        )
        digests = [m for m in standin.bot_messages(group.chat.id) if "What the group" in text(m)]
        assert len(digests) == 1


async def test_digest_off_posts_none_and_only_moderators_switch_it(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    group = Group(standin, members=["Bo", "Cy"])
    bo = group.members[0]
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        group.says(bo, "/digest off")
        assert "only the group's admins" in text(await group.reads())
        group.says(group.admin, "/digest")
        assert "Digests are on now" in text(await group.reads())
        group.says(group.admin, "/digest off")
        assert "Digests are off" in text(await group.reads())
        question = await run_debate(group)
        await group.presses(bo, question, "Agree")
        standin.reply(bo, question, "It saves time")
        await group.barrier()
        group.says(group.admin, "/end")
        assert "Session closed" in text(await group.reads())
        group.says(group.admin, "/digest on")
        assert "Digests are on" in text(await group.reads())


def _answer(user_id: int, stance: str, reason: str) -> StoredAnswer:
    return StoredAnswer(
        id=user_id,
        walk_id=1,
        chat_id=-1,
        user_id=user_id,
        display_name=f"Member {user_id}",
        username=None,
        lesson_id="argue",
        lesson_version="v",
        attempt=1,
        question_id="stand",
        question_type="debate",
        option_indexes=(),
        answer_text=reason,
        is_correct=None,
        stance=stance,
        retracted=False,
        via="reply",
        version=2,
        answered_at=f"2026-01-01T00:00:{user_id:02d}.000Z",
    )


def test_a_long_digest_is_two_messages_at_most_within_the_limit() -> None:
    question = DebateQuestion(id="stand", type="debate", prompt="Should we do it?")
    answers = tuple(_answer(i, "Agree", f"Reason {i} " + "word " * 200) for i in range(40))
    found = Digest(
        question, (("Agree", 40), ("Disagree", 0), ("Not sure", 0)), (("Agree", answers),), 3
    )
    messages = render.digest(found, render.digest_names(found))
    assert len(messages) == 2
    assert all(visible_length(m.text) <= MESSAGE_LIMIT for m in messages)
    assert "more in /report" in messages[-1].text
    assert "Member 0" in messages[0].text


async def test_a_digest_reads_its_debates_answers_only(storage: Storage) -> None:
    """Read at every move past a part and at every close: a big group's session has
    thousands of other answers, and reading them all whole was a peak of several MB."""
    walk = await group_session(storage)
    for n in range(30):
        who = Respondent(600 + n, f"Member {n}", None)
        await storage.record_answer(
            NewAnswer(walk, who, "pick", "choice", "button", f"press:{n}", option_indexes=(0,))
        )
    bo = Respondent(501, "Bo", "bo")
    await storage.record_answer(
        NewAnswer(walk, bo, "stand", "debate", "button", "press:bo", stance="Agree")
    )
    read: list[StoredAnswer] = []
    history = storage.answer_history

    async def noted(*args: Any, **kwargs: Any) -> list[StoredAnswer]:
        read.extend(await history(*args, **kwargs))
        return read

    storage.answer_history = noted  # type: ignore[method-assign]
    question = DebateQuestion(id="stand", type="debate", prompt="Should we do it?")
    [due] = await digests.due(storage, walk, [question])
    assert "Agree 1" in due.replies[0].text
    assert [a.user_id for a in read] == [501]


async def test_a_group_reply_without_words_is_asked_for_words_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    group = Group(standin, members=["Bo"])
    bo = group.members[0]
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        question = await run_debate(group)
        await group.presses(bo, question, "Agree")
        standin.reply(bo, question, "🔥")
        asked = await group.reads()
        assert "say that in words" in text(asked)
        standin.reply(bo, question, "🔥🔥")
        await group.barrier()
    assert (
        value(
            tmp_path,
            "SELECT answer_text FROM answers WHERE question_id = 'stand' "
            "ORDER BY version DESC LIMIT 1",
        )
        == "🔥🔥"
    )
