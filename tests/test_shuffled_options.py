"""Choice options in a shuffled order (issue 16): the same for a student each time they see a
question and for a group's post; quiz polls graded right; answers stored in the lesson's
order; `shuffle: false` keeps the written order."""

from __future__ import annotations

from pathlib import Path

from bot.lessons import ChoiceQuestion, Lesson
from bot.lessons.load import load_catalog
from bot.render.order import group_seed, private_seed, shown_options, shown_order
from tests.actors import FLOOD_WINDOW, Group, Student, edited, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

OPTIONS = ["Amber", "Birch", "Cedar", "Dune", "Elm", "Fern"]
LESSON = f"""\
id: trees
title: Trees
source: {{publisher: Test Press, date: 2024-01-02}}
sections:
  - title: One
    text: The cedar is the oldest tree in the park.
    questions:
      - id: oldest
        type: choice
        prompt: Which tree is the oldest?
        options: {OPTIONS}
        answer: Cedar
      - id: kept
        type: choice
        shuffle: false
        prompt: How old is it?
        options: [Young, Middle-aged, Old, Ancient]
        answer: Ancient
"""
UNSHUFFLED = LESSON.replace("sections:\n", "shuffle: false\nsections:\n", 1).replace(
    "        shuffle: false\n", ""
)


def lesson_of(tmp_path: Path) -> Lesson:
    lesson = load_catalog([tmp_path / "prompts"]).get("trees")
    assert lesson is not None
    return lesson


def choice(lesson: Lesson, question_id: str) -> ChoiceQuestion:
    question = lesson.question(question_id)
    assert isinstance(question, ChoiceQuestion)
    return question


def test_the_order_is_stable_per_seed_and_differs_between_seeds(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "trees.yaml").write_text(LESSON)
    question = choice(lesson_of(tmp_path), "oldest")
    first = shown_order(question, private_seed(1))
    assert first == shown_order(question, private_seed(1))  # the same each time
    assert sorted(first) == list(range(len(OPTIONS)))
    orders = {shown_order(question, private_seed(user)) for user in range(1, 30)}
    orders |= {shown_order(question, group_seed(walk)) for walk in range(1, 30)}
    assert len(orders) > 20  # students (and groups) see different orders
    assert shown_order(choice(lesson_of(tmp_path), "kept"), private_seed(1)) == (0, 1, 2, 3)


async def test_a_student_sees_the_same_shuffled_order_after_start_and_the_answer_is_stored_in_the_lessons_order(  # noqa: E501
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    lesson = lesson_of(tmp_path)
    question = choice(lesson, "oldest")
    student = Student(standin)
    expected = list(shown_options(question, private_seed(student.user.id)))
    assert expected != OPTIONS  # this student's order is not the written one
    async with running_bot(settings):
        asked = await student.begins_lesson()
        assert asked.button_texts == expected
        # Back again, after something else: the question is asked again in the same order.
        student.says("/help")
        await student.reads()
        student.says("/start")
        assert "Welcome back" in text(await student.reads())
        again = await student.reads()
        assert again.message_id != asked.message_id and again.button_texts == expected
        await student.presses(again, "Cedar")
        shown = await standin.wait_for(lambda: edited(standin, again))
        assert "Right!" in text(shown)
        kept = await student.reads()
        # shuffle: false on this question: the written order.
        assert kept.button_texts == ["Young", "Middle-aged", "Old", "Ancient"]
        await student.presses(kept, "Old")
    assert rows(
        tmp_path, "SELECT question_id, answer_text, option_indexes, is_correct FROM answers"
    ) == [("oldest", "Cedar", "2", 1), ("kept", "Old", "2", 0)]


async def test_a_groups_quiz_poll_is_shuffled_and_graded_right(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, LESSON)
    question = choice(lesson_of(tmp_path), "oldest")
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        _, (quiz, kept) = await room.posts_first_questions(2)
        (walk_id,) = rows(tmp_path, "SELECT id FROM walks")[0]
        assert quiz.poll is not None and kept.poll is not None
        shown = [option.text for option in quiz.poll.options]
        assert shown == list(shown_options(question, group_seed(walk_id))) and shown != OPTIONS
        assert quiz.poll.correct_option_ids == [shown.index("Cedar")]
        assert [option.text for option in kept.poll.options] == [
            "Young",
            "Middle-aged",
            "Old",
            "Ancient",
        ]
        m0, m1, _ = room.members
        standin.vote(m0, quiz, [shown.index("Cedar")])
        standin.vote(m1, quiz, [shown.index("Fern")])
        await room.barrier()
    assert rows(
        tmp_path,
        "SELECT username, answer_text, option_indexes, is_correct FROM answers ORDER BY username",
    ) == [("m0", "Cedar", "2", 1), ("m1", "Fern", "5", 0)]


async def test_shuffle_false_on_the_lesson_keeps_the_written_order(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, UNSHUFFLED)
    student = Student(standin)
    room = Group(standin)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        asked = await student.begins_lesson()
        assert asked.button_texts == OPTIONS
        _, (quiz, _) = await room.posts_first_questions(2)
        assert quiz.poll is not None
        assert [option.text for option in quiz.poll.options] == OPTIONS
        assert quiz.poll.correct_option_ids == [2]


SEVERAL = LESSON.replace("        answer: Cedar\n", "        answer: [Cedar, Elm]\n")


async def test_ticks_follow_their_option_in_the_shuffled_order(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, SEVERAL)
    student = Student(standin)
    question = choice(lesson_of(tmp_path), "oldest")
    shown = list(shown_options(question, private_seed(student.user.id)))
    async with running_bot(settings):
        asked = await student.begins_lesson()
        assert asked.button_texts[:-1] == [f"⬜ {option}" for option in shown]

        def after_edits(count: int) -> StoredMessage | None:
            now = standin.message(asked.chat_id, asked.message_id)
            return now if now.edit_count >= count else None

        await student.presses(asked, "⬜ Elm")
        ticked = await standin.wait_for(lambda: after_edits(1))
        assert ticked.button_texts[:-1] == [
            f"☑️ {option}" if option == "Elm" else f"⬜ {option}" for option in shown
        ]
        await student.presses(ticked, "⬜ Cedar")
        both = await standin.wait_for(lambda: after_edits(2))
        await student.presses(both, both.button_texts[-1])  # Submit
        await student.reads()
    assert rows(tmp_path, "SELECT answer_text, option_indexes, is_correct FROM answers") == [
        ("Cedar | Elm", "2,4", 1)
    ]
