"""Study groups, end to end: two groups of five run the seed lesson at the same time.

The stand-in behaves like Telegram: privacy mode on (the bot sees commands, replies to its
messages and mentions only) and a per-group flood limit answered with 429. The flood
window is compressed to one second, for the bot's rate limiter and the stand-in alike.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.lessons.load import load_catalog
from bot.walk import QuestionStep, SectionStep, next_part, steps_of
from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Student,
    link_payload,
    records,
    settings_for,
    text,
    value,
)
from tests.conftest import PROMPTS, running_bot
from tests.standin import BotApiStandIn, FakeUser, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)


def seed() -> Lesson:
    lesson = load_catalog([PROMPTS]).get("biegun-seoul-2020")
    assert lesson is not None
    return lesson


@dataclass
class Expected:
    """What the test expects the database to hold as each member's current answer."""

    rows: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)

    def set(self, user: FakeUser, question_id: str, **values: Any) -> None:
        self.rows.setdefault((user.id, question_id), {}).update(values)


class StoryGroup(Group):
    """A group whose session the test follows: what it expects stored, and where it is."""

    def __init__(self, standin: BotApiStandIn, title: str, admin: str, members: list[str]):
        super().__init__(standin, title, admin=admin, members=members)
        self.expected = Expected()
        self.position = 0  # where the test believes the session is
        self.joined: list[FakeUser] = []  # members who joined mid-session
        self.digests: list[StoredMessage] = []  # digests of debate questions moved past

    async def next_part(
        self, lesson: Lesson
    ) -> list[tuple[QuestionStep | SectionStep, StoredMessage]]:
        steps, after = next_part(lesson, self.position)
        self.says(self.admin, "/next")
        posted = []
        for step in steps:
            assert isinstance(step, QuestionStep | SectionStep)
            message = await self.reads()
            # Model answers of the part before (the default setting), a debate's digest
            # (issue 14): posted as the session moves on, before the next part.
            while "Model answers" in text(message) or "What the group said" in text(message):
                if "What the group said" in text(message):
                    self.digests.append(message)
                message = await self.reads()
            posted.append((step, message))
        self.position = after
        return posted


def shown_at(poll_message: StoredMessage, option: str) -> int:
    """Where a poll shows an option: the lesson's options are shown shuffled."""
    assert poll_message.poll is not None
    return [o.text for o in poll_message.poll.options].index(option)


async def answer_part(
    group: StoryGroup,
    lesson: Lesson,
    posted: list[tuple[QuestionStep | SectionStep, StoredMessage]],
) -> None:
    """Every member answers every question of a part, each in a different way."""
    standin = group.standin
    for step, message in posted:
        if not isinstance(step, QuestionStep):
            assert step.section.title in text(message)
            continue
        question = step.question
        if isinstance(question, ChoiceQuestion):
            assert message.poll is not None, "a one-right-answer choice is a quiz poll"
            right = question.options.index(question.correct_options[0])
            for i, member in enumerate(group.everyone):
                pick = right if i % 2 == 0 else (right + 1) % len(question.options)
                standin.vote(member, message, [shown_at(message, question.options[pick])])
                group.expected.set(
                    member,
                    question.id,
                    option_indexes=str(pick),
                    is_correct=int(pick == right),
                    via="poll",
                    retracted=0,
                )
        elif isinstance(question, ShortQuestion):
            assert "Reply to this message" in text(message)
            for member in group.members:
                standin.reply(member, message, f"{member.first_name} on {question.id}")
                group.expected.set(
                    member, question.id, answer_text=f"{member.first_name} on {question.id}"
                )
            # A later reply replaces the earlier one; an edited reply is a new version.
            standin.reply(group.members[0], message, "second thoughts")
            group.expected.set(group.members[0], question.id, answer_text="second thoughts")
            first = standin.reply(group.members[1], message, "typo hre")
            standin.edit_text(group.members[1], first, "typo here, fixed")
            group.expected.set(group.members[1], question.id, answer_text="typo here, fixed")
        else:
            assert isinstance(question, DebateQuestion)
            for i, member in enumerate(group.members[:3]):
                stance = question.stances[i % len(question.stances)]
                assert stance in await group.presses(member, message, stance)
                standin.reply(member, message, f"because {member.first_name}")
                group.expected.set(
                    member, question.id, stance=stance, answer_text=f"because {member.first_name}"
                )
            # A stance changed after the reason: the reason stays, the stance is new.
            changer = group.members[0]
            await group.presses(changer, message, question.stances[1])
            group.expected.set(changer, question.id, stance=question.stances[1])
            await answer_privately(group, group.members[3], question, message)


async def answer_privately(
    group: StoryGroup, member: FakeUser, question: DebateQuestion, message: StoredMessage
) -> None:
    """The deep link: the member answers in a private chat; the group sees nothing."""
    student = Student(group.standin, user=member)
    seen_in_group = len(group.standin.bot_messages(group.chat.id))
    student.says(f"/start {link_payload(message)}")
    intro = await student.reads()
    assert group.chat.title is not None and group.chat.title in text(intro)
    asked = await student.reads()
    assert question.prompt in text(asked)
    stance = question.stances[-1]
    group.standin.press(member, asked, stance)
    assert "Why?" in text(await student.reads())
    student.says("my private reason")
    assert "Saved your answer" in text(await student.reads())
    assert len(group.standin.bot_messages(group.chat.id)) == seen_in_group
    group.expected.set(
        member, question.id, stance=stance, answer_text="my private reason", via="private"
    )


def current_answers(db: Path, chat_id: int) -> dict[tuple[int, str], sqlite3.Row]:
    found = records(db, "SELECT * FROM answers WHERE chat_id = ? ORDER BY version", chat_id)
    return {(row["user_id"], row["question_id"]): row for row in found}  # newest version wins


async def test_two_groups_run_the_whole_lesson_at_once_across_restart_and_migration(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson = seed()
    settings = settings_for(standin, tmp_path)
    a = StoryGroup(standin, "Current Affairs A", "Alice", ["Bob", "Cara", "Dan", "Eve"])
    b = StoryGroup(standin, "Current Affairs B", "Fay", ["Gus", "Hal", "Ivy", "Jo"])

    async with running_bot(settings, group_window=FLOOD_WINDOW):
        for group in (a, b):
            # Members cannot start, advance or end a session.
            group.says(group.members[0], "/begin")
            assert "only the group's admins" in text(await group.reads())
            group.says(group.admin, "/begin@editorial_test_bot")
            started = await group.reads()
            assert lesson.title in text(started)
            # The seed lesson asks one debate's stance before the reading (issue 14).
            before = await group.reads()
            assert "Before we read" in text(before)
            await group.presses(group.members[0], before, "Agree")
            group.expected.set(
                group.members[0], "seoul-on-its-own~before", stance="Agree", answer_text=None
            )
            assert "only the group's admins" in await group.presses(
                group.members[1], started, "Next ▸ (admins)"
            )
            group.says(group.admin, "/begin")
            assert "already running" in text(await group.reads())
        # Both groups read and answer the first half at the same time.
        for _ in range(2 * 2):  # section 1, its questions, section 2, its questions
            parts = await asyncio.gather(a.next_part(lesson), b.next_part(lesson))
            for group, posted in zip((a, b), parts, strict=True):
                await answer_part(group, lesson, posted)
        for group in (a, b):
            assert "Members who have answered so far: 5" in await group.barrier()
        # The Next button moved to the newest part only.
        with_next = [
            m for m in standin.bot_messages(a.chat.id) if "Next ▸ (admins)" in m.button_texts
        ]
        assert len(with_next) == 1

    # A restart mid-session: everything needed lives in SQLite.
    b_chat_before = b.chat.id
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        # A poll posted before the restart still records answers.
        old_poll = next(m for m in standin.bot_messages(a.chat.id) if m.poll is not None)
        late = standin.user("Late Lou", username="lou")
        standin.add_member(a.chat, late)
        a.joined.append(late)
        poll_question = lesson.sections[0].questions[0]
        assert isinstance(poll_question, ChoiceQuestion)
        standin.vote(late, old_poll, [shown_at(old_poll, poll_question.options[0])])
        a.expected.set(late, poll_question.id, option_indexes="0", via="poll")
        # Group B becomes a supergroup; its session and answers move along.
        new_chat = standin.migrate_to_supergroup(b.chat)
        b.chat = new_chat
        assert "Members who have answered so far: 5" in await b.barrier()
        # The second half, both groups at once.
        while a.position < _end_position(lesson):
            parts = await asyncio.gather(a.next_part(lesson), b.next_part(lesson))
            for group, posted in zip((a, b), parts, strict=True):
                await answer_part(group, lesson, posted)
        for group in (a, b):
            group.says(group.members[0], "/end")
            assert "only the group's admins" in text(await group.reads())
            group.says(group.admin, "/end")
            # A digest of each debate question as the session moved past it (issue 14): the
            # last one's at /end, before the summary.
            last = await group.reads()
            assert "What the group said" in text(last)
            digests = [*group.digests, last]
            assert len(digests) == len(lesson.discussion)
            assert "Reasons given privately: 1" in text(digests[0])
            summary = text(await group.reads())
            assert "Session closed" in summary
            assert f"Participants: {6 if group is a else 5}" in summary
            assert "The editorial gives a fair picture" in summary
        # Buttons of a closed session say so; the polls are stopped.
        debate_message = next(
            m for m in standin.bot_messages(a.chat.id) if "Agree" in m.button_texts
        )
        assert "closed" in await a.presses(a.members[1], debate_message, "Agree")
        assert all(m.poll.is_closed for m in standin.bot_messages(a.chat.id) if m.poll is not None)
        assert "No session is running" in await a.barrier()

    assert [c for c in standin.rejected if c.error_code != 429] == []
    for group in (a, b):
        check_group_answers(tmp_path, group)
    assert value(tmp_path, "SELECT COUNT(*) FROM answers WHERE chat_id = ?", b_chat_before) == 0
    titles = [r[0] for r in records(tmp_path, "SELECT title FROM chats WHERE type != 'private'")]
    assert sorted(titles) == ["Current Affairs A", "Current Affairs B"]


def _end_position(lesson: Lesson) -> int:
    """The position of the end step: all parts posted."""
    return len(steps_of(lesson)) - 1


def check_group_answers(db: Path, group: StoryGroup) -> None:
    stored = current_answers(db, group.chat.id)
    assert set(stored) == set(group.expected.rows)
    people = {u.id: u for u in [*group.everyone, *group.joined]}
    for (user_id, question_id), values in group.expected.rows.items():
        row = stored[(user_id, question_id)]
        person = people[user_id]
        assert row["display_name"] == person.full_name and row["username"] == person.username
        assert row["chat_id"] == group.chat.id
        for column, expected in values.items():
            assert row[column] == expected, (person.first_name, question_id, column)
