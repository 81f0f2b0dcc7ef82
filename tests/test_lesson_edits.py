"""A lesson edited while students are in it: answers keep their version, the walk goes on
at the first unanswered question (matched by id), and a removed question closes cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.answering import as_posted
from bot.lessons import ChoiceQuestion, Lesson
from bot.lessons.load import load_lesson_file
from tests.actors import (
    Group,
    Student,
    edited,
    popup,
    rows,
    settings_for,
    text,
    value,
    write_lesson,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

# The lesson's first lines, up to its first question.
OPENING = """\
id: edited
title: An edited lesson
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false  # votes name options by their place
sections:
  - title: One
    text: First part.
    questions:
"""
BEFORE = (
    OPENING
    + """\
      - id: q-one
        type: choice
        prompt: "One?"
        options: ["Yes it is", "No"]
        answer: "Yes it is"
      - id: q-two
        type: short
        prompt: "Two?"
  - title: Two
    text: Second part.
    questions:
      - id: q-three
        type: short
        prompt: "Three?"
"""
)
NEW_QUESTION = """\
      - id: q-new
        type: short
        prompt: "New?"
"""
REMOVED = """\
      - id: q-two
        type: short
        prompt: "Two?"
"""
# A new question before the answered one, and q-two removed.
AFTER = BEFORE.replace(
    "    questions:\n      - id: q-one", "    questions:\n" + NEW_QUESTION + "      - id: q-one"
).replace(REMOVED, "")


async def test_a_student_goes_on_in_the_edited_lesson(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson_file = write_lesson(tmp_path, BEFORE)
    settings = settings_for(standin, tmp_path, prompts=lesson_file.parent)
    student = Student(standin)
    async with running_bot(settings):
        one = await student.begins_lesson()
        standin.press(student.user, one, "Yes it is")
        two = await student.reads()
        assert "Two?" in text(two)

    lesson_file.write_text(AFTER)
    async with running_bot(settings):
        student.says("/start")
        assert "Welcome back" in text(await student.reads())
        # q-one is answered, q-two is gone: the first unanswered question is the new one,
        # which opens part 1, so part 1 is shown again.
        assert "Part 1 of 2" in text(await student.reads())
        # The old version's button for an answered question: a clear pop-up, nothing stored.
        query = standin.press_data(student.user, one, "v1:ch:1:q-one:2")
        assert "already answered" in await popup(standin, query)
        student.says("/progress")
        assert "Answered so far: 1 of 3" in text(await student.reads())
    versions = rows(tmp_path, "SELECT DISTINCT lesson_version FROM answers")
    walk_version = value(tmp_path, "SELECT lesson_version FROM walks")
    assert len(versions) == 1 and versions[0][0] != walk_version  # answered against v1
    assert rows(tmp_path, "SELECT question_id FROM answers") == [("q-one",)]


async def test_a_group_session_goes_on_after_what_it_posted(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson_file = write_lesson(tmp_path, BEFORE)
    settings = settings_for(standin, tmp_path, prompts=lesson_file.parent)
    room = Group(standin, members=["Bob"])
    async with running_bot(settings):
        _, (_, last) = await room.posts_first_questions(2)  # wait for the part's last message
        assert "Two?" in text(last)

    # q-new added to part 1: every later step moves one place down.
    lesson_file.write_text(BEFORE.replace(REMOVED, NEW_QUESTION + REMOVED))
    async with running_bot(settings):
        room.says(room.admin, "/next")
        # Part 1's questions were posted: the session goes on with part 2, not with the
        # step that now sits at the old position.
        assert "Part 2 of 2" in text(await room.reads())
        room.says(room.admin, "/next")
        assert "Three?" in text(await room.reads())


async def test_votes_on_a_poll_posted_before_an_edit_are_matched_by_option_text(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson_file = write_lesson(tmp_path, BEFORE)
    settings = settings_for(standin, tmp_path, prompts=lesson_file.parent)
    room = Group(standin, members=["Bob", "Cy"])
    bob, cy = room.members
    async with running_bot(settings):
        _, (quiz, _) = await room.posts_first_questions(2)  # the part's last message read
    assert quiz.poll is not None

    # The options swapped, and "No" reworded: the poll in the chat still shows the old ones.
    lesson_file.write_text(BEFORE.replace('["Yes it is", "No"]', '["Not at all", "Yes it is"]'))
    async with running_bot(settings):
        standin.vote(bob, quiz, [0])  # "Yes it is", as posted: now option 1, and right
        standin.vote(cy, quiz, [1])  # "No": no longer an option
        assert "Members who have answered so far: 1" in await room.barrier()  # after the votes
    assert rows(
        tmp_path, "SELECT user_id, option_indexes, answer_text, is_correct FROM answers"
    ) == [(bob.id, "1", "Yes it is", 1)]


def test_options_as_posted_are_matched_to_the_edited_question_by_text() -> None:
    lesson = load_catalog_of(BEFORE.replace('["Yes it is", "No"]', '["No", "Maybe", "Yes it is"]'))
    question = lesson.question("q-one")
    assert isinstance(question, ChoiceQuestion)
    posted = ("Yes it is", "No")
    assert as_posted(question, posted, [0]) == (2,)
    assert as_posted(question, posted, [1, 0]) == (0, 2)
    assert as_posted(question, ("Yes it is", "Nope"), [1]) is None  # reworded: gone
    assert as_posted(question, posted, [5]) is None  # not an option of that message
    assert as_posted(question, None, [1, 7]) == (1,)  # not a post: as the question is now
    assert as_posted(question, question.options, [2]) == (2,)


def load_catalog_of(text: str) -> Lesson:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.yaml"
        path.write_text(text)
        lesson, problems = load_lesson_file(path)
    assert lesson is not None, problems
    return lesson


PRIVATE = (
    OPENING
    + """\
      - id: q-zero
        type: short
        prompt: "Zero?"
      - id: q-one
        type: choice
        prompt: "One?"
        options: ["Yes it is", "No", "Maybe"]
        answer: "Yes it is"
"""
)


async def test_a_students_buttons_sent_before_an_edit_are_matched_by_option_text(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson_file = write_lesson(tmp_path, PRIVATE)
    settings = settings_for(standin, tmp_path, prompts=lesson_file.parent)
    ana, bob = Student(standin), Student(standin, "Bob", "bob_k")
    shown: dict[str, StoredMessage] = {}
    async with running_bot(settings):
        for student in (ana, bob):
            await student.begins_lesson()  # q-zero
            student.says("zero")
            await student.reads()  # saved
            shown[student.user.first_name] = await student.reads()
    assert shown["Ana"].button_texts == ["Yes it is", "No", "Maybe"]

    # Reordered, and "No" reworded: the messages in the chats still show the old buttons.
    edited_options = '"Maybe", "Not at all", "Yes it is"'
    lesson_file.write_text(PRIVATE.replace('"Yes it is", "No", "Maybe"', edited_options))
    async with running_bot(settings):
        standin.press(ana.user, shown["Ana"], "Yes it is")  # now option 3, and right
        assert "Yes it is ✅" in text(await ana.reads())  # the lesson ends: right
        query = standin.press(bob.user, shown["Bob"], "No")  # gone: refused, buttons renewed
        said = await popup(standin, query)
        assert said.startswith("This question was changed after it was posted")
        renewed = await standin.wait_for(lambda: renewed_buttons(standin, shown["Bob"]))
        assert renewed == ["Maybe", "Not at all", "Yes it is"]
    answers = rows(
        tmp_path,
        "SELECT user_id, option_indexes, answer_text, is_correct FROM answers "
        "WHERE question_id = 'q-one'",
    )
    assert answers == [(ana.user.id, "2", "Yes it is", 1)]


def renewed_buttons(standin: BotApiStandIn, message: StoredMessage) -> list[str] | None:
    now = edited(standin, message)
    return now.button_texts if now is not None and "Not at all" in now.button_texts else None
