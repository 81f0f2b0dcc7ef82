"""The student's side of the walk-through (issue 13): /lessons mid-lesson says Continue and
where, a step shown again leaves one live copy, /start does not send the same part twice in a
row, "Start again" asks first, an answer typed in two messages is one answer, and a typed
answer gets a neutral mark and a self-check beside its model answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.answering import private
from tests.actors import Student, edited, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

TWO_PARTS = """\
id: two
title: Two parts
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: One
    text: First text.
    questions:
      - id: pick
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
      - id: say
        type: short
        prompt: Say one thing.
        model_answer: One thing, said well.
  - title: Two
    text: Second text.
    questions:
      - id: more
        type: short
        prompt: Say more.
"""


async def test_lessons_mid_lesson_says_continue_and_where_and_one_copy_keeps_buttons(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, TWO_PARTS)):
        first = await student.begins_lesson()
        assert first.button_texts == ["Right", "Wrong"]
        student.says("/lessons")
        menu = await student.reads()
        assert menu.button_texts == ["↩️ Continue"]
        assert "In progress: Two parts — Part 1 of 2, question 1 of 2." in text(menu)
        await student.presses(menu, "↩️ Continue")
        assert "Welcome back" in text(await student.reads())
        again = await student.reads()
        assert "Which is right?" in text(again) and again.button_texts == ["Right", "Wrong"]
        # The older copy's buttons are gone: one question, one set of live buttons.
        await standin.wait_for(
            lambda: standin.message(first.chat_id, first.message_id).reply_markup is None
        )
        await student.presses(again, "Right")
        assert "Say one thing." in text(await student.reads())
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(1,)]


async def test_start_does_not_send_the_part_just_above_again(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, TWO_PARTS)):
        question = await student.begins_lesson()
        await student.presses(question, "Right")
        await student.reads()  # the next question
        student.says("my answer")
        ack = await student.reads()  # the model answer, waiting for Continue
        await student.presses(ack, "Continue ▸")
        part_two = await student.reads()
        assert "Part 2 of 2" in text(part_two)
        student.says("/start")  # the next day: the part is the last message in the chat
        back = await student.reads()
        assert "you stopped at the message just above" in text(back)
        student.says("/progress")
        assert "Reading part 2 of 2" in text(await student.reads())
        parts = [m for m in standin.bot_messages(student.chat.id) if "Part 2 of 2" in text(m)]
        assert parts == [part_two]
        # Not just above any more (the /progress in between): sent again, and the older
        # copy's Continue is taken off.
        student.says("/start")
        assert "here is where you stopped" in text(await student.reads())
        copy = await student.reads()
        assert "Part 2 of 2" in text(copy) and copy.button_texts == ["Continue ▸"]
        await standin.wait_for(
            lambda: standin.message(part_two.chat_id, part_two.message_id).reply_markup is None
        )
        await student.presses(copy, "Continue ▸")
        assert "Say more." in text(await student.reads())


ONE_QUESTION = """\
id: one
title: One question
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only
    text: Only text.
    questions:
      - id: pick
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
"""


async def test_start_again_asks_first(standin: BotApiStandIn, tmp_path: Path) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, ONE_QUESTION)):
        await student.presses(await student.begins_lesson(), "Right")
        summary = await student.reads()
        assert "You finished" in text(summary)
        await student.presses(summary, "🔁 Start again")
        ask = await student.reads()
        assert "again from the top?" in text(ask)
        assert ask.button_texts == ["▶️ Yes, start again", "📚 Lessons"]
        assert rows(tmp_path, "SELECT attempt, status FROM walks") == [(1, "finished")]
        await student.presses(ask, "▶️ Yes, start again")
        assert "Part 1 of 1" in text(await student.reads())
    assert rows(tmp_path, "SELECT attempt, status FROM walks ORDER BY id") == [
        (1, "finished"),
        (2, "active"),
    ]


TWO_SHORT = """\
id: talk
title: Talk
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only
    text: Only text.
    questions:
      - id: first
        type: short
        prompt: Say one thing.
      - id: second
        type: short
        prompt: Say another.
  - title: Two
    text: Second text.
    questions:
      - id: third
        type: short
        prompt: Say a third.
"""


async def test_an_answer_typed_in_two_quick_messages_is_one_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, TWO_SHORT)):
        await student.begins_lesson()
        # Both halves sent before the next question appeared: the second is added.
        student.says("The first half,")
        student.says("and the second half.")
        # Handled in order: the first half's acknowledgement and the next question, then
        # the second half.
        said = [text(await student.reads()) for _ in range(3)]
        assert "Say another." in said[1] and said[2] == "➕ Added to your answer."
        student.says("Another thing.")
        await student.reads()  # its acknowledgement
        assert "Part 2 of 2" in text(await student.reads())
        # Part 2 waits for Continue, not for text: a further message adds to that answer.
        student.says("Said better.")
        assert "Added to your answer" in text(await student.reads())
    answers = rows(
        tmp_path,
        "SELECT question_id, version, answer_text FROM answers ORDER BY question_id, version",
    )
    assert answers == [
        ("first", 1, "The first half,"),
        ("first", 2, "The first half,\nand the second half."),
        ("second", 1, "Another thing."),
        ("second", 2, "Another thing.\nSaid better."),
    ]


async def test_a_typed_answer_gets_a_neutral_mark_a_self_check_and_waits_for_continue(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, TWO_PARTS)):
        await student.presses(await student.begins_lesson(), "Right")
        assert "Say one thing." in text(await student.reads())
        student.says("My one thing.")
        ack = await student.reads()
        assert text(ack).startswith("✍️ Saved your answer.")  # saved, not "right"
        assert "✅" not in text(ack) and "A model answer: One thing, said well." in text(ack)
        assert ack.button_texts == ["💡 Got it", "🤏 Partly", "🤔 Missed it", "Continue ▸"]
        # The next part waits: the model answer is not pushed off the screen.
        student.says("/progress")
        assert "Reading part 2 of 2" in text(await student.reads())
        # As if minutes had passed (Telegram dates a message in whole seconds).
        monkeypatch.setattr(private, "ADD_TO_ANSWER_WINDOW", timedelta(seconds=-2))
        student.says("What now?")
        assert text(await student.reads()) == "Press Continue ▸ above to go on."
        assert await student.presses(ack, "🤏 Partly") == "Noted: 🤏 Partly."
        marked = await standin.wait_for(lambda: edited(standin, ack))
        assert marked.button_texts == ["💡 Got it", "✔️ 🤏 Partly", "🤔 Missed it", "Continue ▸"]
        await student.presses(marked, "Continue ▸")
        assert "Part 2 of 2" in text(await student.reads())
        await standin.wait_for(
            lambda: standin.message(ack.chat_id, ack.message_id).reply_markup is None
        )
    checked = rows(tmp_path, "SELECT question_id, self_check FROM answers ORDER BY id")
    assert checked == [("pick", None), ("say", 1)]
