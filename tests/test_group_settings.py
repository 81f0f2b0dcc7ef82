"""The group's /settings panel (issue 13): moderators choose quiz polls or buttons, typed
answers as replies or only privately, and model answers after the short questions; one
message edited in place, its buttons checked like every button; everyone else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import outbox
from tests.actors import FLOOD_WINDOW, Group, Student, popup, rows, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

LESSON = """\
id: tuned
title: Tuned lesson
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
sections:
  - title: One
    text: The first part.
    questions:
      - id: quiz
        type: choice
        prompt: A quiz?
        options: [It is, It is not]
        answer: It is
      - id: say
        type: short
        prompt: What does FFVD stand for?
        model_answer: Final, fully verified denuclearization.
      - id: side
        type: debate
        prompt: Agree?
  - title: Two
    text: The second part.
    questions:
      - id: later
        type: short
        prompt: And later?
        model_answer: A later model answer.
"""

PANEL = ["Quizzes: polls", "Typed answers: replies", "Model answers: on", "Time zone: UTC"]


def buttons_now(standin: BotApiStandIn, message: StoredMessage) -> list[str]:
    return standin.message(message.chat_id, message.message_id).button_texts


async def test_moderators_change_settings_on_one_panel_and_others_are_refused(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "SHORT_LIVED_SECONDS", 0.5)
    room = Group(standin, members=1)
    member = room.members[0]
    async with running_bot(settings_for(standin, tmp_path, LESSON), group_window=FLOOD_WINDOW):
        room.says(member, "/settings")
        refusal = await room.reads()
        assert "only the group's admins" in text(refusal)
        await standin.wait_for(lambda: standin.message(refusal.chat_id, refusal.message_id).deleted)

        room.says(room.admin, "/settings")
        panel = await room.reads()
        assert "Settings for this group" in text(panel)
        assert "no one can copy" in text(panel)
        assert panel.button_texts == PANEL
        # A member's press changes nothing.
        assert "only the group's admins" in await room.presses(member, panel, "Quizzes: polls")
        assert rows(tmp_path, "SELECT * FROM group_settings") == []

        assert await room.presses(room.admin, panel, "Quizzes: polls") == "Quizzes: buttons"
        await standin.wait_for(lambda: buttons_now(standin, panel)[0] == "Quizzes: buttons")
        await room.presses(room.admin, panel, "Typed answers: replies")
        await room.presses(room.admin, panel, "Model answers: on")
        await standin.wait_for(lambda: buttons_now(standin, panel)[2] == "Model answers: off")
        assert buttons_now(standin, panel) == [
            "Quizzes: buttons",
            "Typed answers: private only",
            "Model answers: off",
            "Time zone: UTC",
        ]
        # The same stale press twice sets the same value (the data names the choice).
        await room.presses(room.admin, panel, "Model answers: off")  # now on
        stale = standin.press_data(room.admin, panel, "v1:gs:models:1")
        assert await popup(standin, stale) == "Model answers: off"
        # The time zone is set with /timezone: its button says so.
        assert "/timezone Asia/Seoul" in await room.presses(room.admin, panel, "Time zone: UTC")
        # Forged data: an unknown setting, a choice it does not have, the panel in private.
        for forged in ("v1:gs:nosuch:0", "v1:gs:quiz:7", "v1:gs:quiz:x"):
            query = standin.press_data(room.admin, panel, forged)
            assert "don't recognise that button" in await popup(standin, query)
        student = Student(standin, user=room.admin)
        await student.opens_chat()
        student.says("/help")
        private = await student.reads()
        query = standin.press_data(room.admin, private, "v1:gs:quiz:0")
        assert "don't recognise that button" in await popup(standin, query)
    assert sorted(rows(tmp_path, "SELECT name, value FROM group_settings")) == [
        ("models", "off"),
        ("quiz", "buttons"),
        ("typed", "private"),
    ]


async def test_settings_change_how_the_group_answers(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "SHORT_LIVED_SECONDS", 0.5)
    room = Group(standin, members=2)
    first, second = room.members
    async with running_bot(settings_for(standin, tmp_path, LESSON), group_window=FLOOD_WINDOW):
        room.says(room.admin, "/settings")
        panel = await room.reads()
        await room.presses(room.admin, panel, "Quizzes: polls")
        await room.presses(room.admin, panel, "Typed answers: replies")
        _, (quiz, say, side) = await room.posts_first_questions(3)
        # Buttons instead of a quiz poll: each member's result is a pop-up only they see.
        assert quiz.poll is None and quiz.button_texts[:2] == ["It is", "It is not"]
        assert (await room.presses(first, quiz, "It is")).startswith("✅ Right!")
        # Typed answers only privately: the question says so, a reply does not count.
        assert "typed answers here are private" in text(say)
        assert "give your reason with 🔒 Answer privately" in text(side)
        standin.reply(first, say, "My public answer")
        told = await room.reads()
        assert "takes typed answers privately" in text(told)
        await standin.wait_for(lambda: standin.message(told.chat_id, told.message_id).deleted)
        student = Student(standin, user=second)
        await student.opens_link(say)
        student.says("My private answer")
        assert "Saved your answer for" in text(await student.reads())

        # Moving on: the model answer of the part's short question comes first.
        room.says(room.admin, "/next")
        model = await room.reads()
        assert "Model answers" in text(model)
        assert "What does FFVD stand for?" in text(model)
        assert "Final, fully verified denuclearization." in text(model)
        assert "The second part." in text(await room.reads())
        # The choice's buttons stay once Next has moved on (only Next is taken off).
        await standin.wait_for(lambda: "Next ▸ (admins)" not in buttons_now(standin, side))
        assert buttons_now(standin, quiz) == ["It is", "It is not"]
        # A reply to the model answers' message is told it asks for no answer.
        standin.reply(first, model, "Thanks!")
        assert "asks for" in text(await room.reads())

        # Model answers off: the close posts none, only the summary.
        await room.presses(room.admin, panel, "Model answers: on")
        room.says(room.admin, "/next")
        await room.reads()  # the later question
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
        await room.barrier()
        posted = [text(m) for m in standin.bot_messages(room.chat.id)]
        assert not any("A later model answer." in words for words in posted)
    answers = rows(tmp_path, "SELECT user_id, question_id, via, answer_text FROM answers")
    assert sorted(answers) == sorted(
        [
            (first.id, "quiz", "button", "It is"),
            (second.id, "say", "private", "My private answer"),
        ]
    )


async def test_model_answers_are_posted_by_default_when_the_session_moves_on_and_closes(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    async with running_bot(settings_for(standin, tmp_path, LESSON), group_window=FLOOD_WINDOW):
        _, (quiz, _, _) = await room.posts_first_questions(3)
        assert quiz.poll is not None  # polls, by default
        room.says(room.admin, "/next")
        assert "Final, fully verified denuclearization." in text(await room.reads())
        assert "The second part." in text(await room.reads())
        room.says(room.admin, "/next")
        await room.reads()  # the later question
        room.says(room.admin, "/end")
        closing = await room.reads()
        assert "Model answers" in text(closing) and "A later model answer." in text(closing)
        assert "Session closed" in text(await room.reads())
    # Each was posted once, and kept as the session's message.
    assert (
        value(tmp_path, "SELECT COUNT(*) FROM posts WHERE section IS NULL AND kind = 'section'")
        == 2
    )
