"""Long options as letters (issue 13): when an option is longer than a phone's button
shows, the message lists the options in full as A, B, C… in the shown (shuffled) order and
the buttons are the letters; in a private chat a typed "B", "b", "(B)" or "2" is that
option. A quiz poll takes letters only for an option over its own limit (100 UTF-16 units):
its options wrap on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Student,
    listed_options,
    rows,
    settings_for,
    text,
    value,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

LONG = [
    "Coordination between allies to achieve denuclearization",
    "Lifting the sanctions on North Korea before any talks begin",
    "A summit between the two Koreas without the United States",
    "Withdrawing American troops from the Korean peninsula soon",
]
EMOJI = "🙂" * 60  # 60 characters (the lesson's limit is 100), 120 UTF-16 units in a poll

LESSON = f"""\
id: long
title: Long options
source: {{publisher: Test Press, date: 2024-01-02}}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: emphasis
        type: choice
        prompt: What did the State Department emphasize?
        options: {LONG}
        answer: {LONG[0]}
        explanation: The first paragraph says so.
      - id: two
        type: choice
        prompt: Which two are right?
        options: {LONG}
        answer: [{LONG[0]}, {LONG[2]}]
      - id: short-ones
        type: choice
        prompt: Short options?
        options: [Often, Never, Maybe]
        answer: Maybe
      - id: also-long
        type: choice
        prompt: And this one?
        options: {LONG}
        answer: {LONG[1]}
"""

GROUP_LESSON = f"""\
id: long
title: Long options
style: buttons
source: {{publisher: Test Press, date: 2024-01-02}}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: emphasis
        type: choice
        prompt: What did the State Department emphasize?
        options: {LONG}
        answer: {LONG[0]}
      - id: poll-long
        type: choice
        style: poll
        prompt: A quiz with a long option?
        options: ["{EMOJI}", Plain]
        answer: Plain
      - id: poll-fits
        type: choice
        style: poll
        prompt: A quiz whose options fit?
        options: {LONG}
        answer: {LONG[0]}
"""


def answer_of(folder: Path, question: str) -> str:
    return str(value(folder, "SELECT answer_text FROM answers WHERE question_id = ?", question))


async def test_long_options_are_listed_as_letters_and_a_typed_letter_answers(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        asked = await student.begins_lesson()
        shown = listed_options(asked)
        assert sorted(shown.values()) == sorted(LONG)  # each in full, none cut
        assert list(shown) == ["A", "B", "C", "D"]
        assert asked.button_texts == ["A", "B", "C", "D"]
        assert "tap its letter, or type it" in text(asked)
        # Not a letter of this question: told which letters there are; nothing recorded.
        for stray in ("E", "B because", "A B"):
            student.says(stray)
            assert "type its letter (A to D)" in text(await student.reads())
        assert rows(tmp_path, "SELECT 1 FROM answers") == []
        student.says("(b)")
        feedback = await student.reads()
        assert f"Your answer: {shown['B']}" in text(feedback)
        assert answer_of(tmp_path, "emphasis") == shown["B"]
        assert value(tmp_path, "SELECT via FROM answers WHERE question_id = 'emphasis'") == "text"
        assert standin.message(asked.chat_id, asked.message_id).buttons == []  # answered

        # Several right: letters to tick, then Submit; or all of them typed at once.
        two = await student.reads()
        shown = listed_options(two)
        assert two.button_texts == ["⬜ A", "⬜ B", "⬜ C", "⬜ D", "✔️ Submit my choice"]
        student.says("A, c")
        await student.reads()  # the feedback
        assert set(answer_of(tmp_path, "two").split(" | ")) == {shown["A"], shown["C"]}

        # Options that fit stay on their buttons; a number is the option at that place.
        short = await student.reads()
        assert listed_options(short) == {}
        places = short.button_texts
        assert sorted(places) == ["Maybe", "Never", "Often"]
        student.says("2")
        await student.reads()
        assert answer_of(tmp_path, "short-ones") == places[1]

        # A letter button pressed counts as the option listed at that letter.
        last = await student.reads()
        shown = listed_options(last)
        await student.presses(last, "C")
        assert "You finished" in text(await student.reads())
        assert answer_of(tmp_path, "also-long") == shown["C"]
        student.says("D")  # the lesson is over: no longer a question's letter
        assert "Send /lessons to pick a lesson" in text(await student.reads())
    assert value(tmp_path, "SELECT COUNT(*) FROM answers") == 4


async def test_a_group_gets_letters_on_buttons_and_on_a_quiz_whose_option_is_too_long(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=2)
    member = room.members[0]
    async with running_bot(
        settings_for(standin, tmp_path, GROUP_LESSON), group_window=FLOOD_WINDOW
    ):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the part
        room.says(room.admin, "/next")
        buttons = await room.reads()
        shown = listed_options(buttons)
        assert sorted(shown.values()) == sorted(LONG)
        assert buttons.button_texts[:4] == ["A", "B", "C", "D"]
        assert "Tap the letter of your answer" in text(buttons)
        right = next(letter for letter, option in shown.items() if option == LONG[0])
        assert (await room.presses(member, buttons, right)).startswith("✅ Right!")
        assert answer_of(tmp_path, "emphasis") == LONG[0]

        listing = await room.reads()  # the long quiz's options in full, then the quiz
        poll = await room.reads()
        assert poll.poll is not None
        assert [o.text for o in poll.poll.options] == ["A", "B"]
        assert sorted(listed_options(listing).values()) == sorted([EMOJI, "Plain"])
        assert "Vote for your answer's letter in the quiz below" in text(listing)
        plain = list(listed_options(listing).values()).index("Plain")
        assert poll.poll.correct_option_ids == [plain]
        standin.vote(member, poll, [plain])

        fits = await room.reads()  # options of 60 characters fit a poll: no letters
        assert fits.poll is not None
        assert sorted(o.text for o in fits.poll.options) == sorted(LONG)
        await room.barrier()
    assert answer_of(tmp_path, "poll-long") == "Plain"
    assert value(tmp_path, "SELECT is_correct FROM answers WHERE question_id = 'poll-long'") == 1
