"""A student alone with the bot, end to end: the real Application against the stand-in.

The student reads the whole seed lesson, answers every kind of question, the bot is stopped
and started again mid-lesson, and the database holds every answer with every field.
"""

from __future__ import annotations

from pathlib import Path

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.lessons.load import load_catalog
from bot.walk import EndStep, QuestionStep, SectionStep, steps_of
from tests.actors import (
    Student,
    html,
    popup,
    records,
    rows,
    settings_for,
    text,
)
from tests.conftest import PROMPTS, running_bot
from tests.standin import BotApiStandIn, FakeUser
from tests.stories import ENGLISH, Typing, answer_before_reading, play_step

SEED_ID = "biegun-seoul-2020"


def seed_lesson() -> Lesson:
    lesson = load_catalog([PROMPTS]).get(SEED_ID)
    assert lesson is not None
    return lesson


# What Ana types: markup and a right-to-left script, to come back intact.
TYPING = Typing(
    answer="My answer to {id}: <b>bold</b> & *stars*",
    reason="Because of {id} — مرحبا 😀",
    counter="The other side of {id}",
)


async def test_a_student_reads_and_answers_the_whole_lesson_across_a_restart(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson = seed_lesson()
    steps = steps_of(lesson)
    settings = settings_for(standin, tmp_path)
    student = Student(standin)
    halfway = next(i for i, s in enumerate(steps) if isinstance(s, SectionStep) and s.number == 3)

    async with running_bot(settings):
        student.says("/start")
        welcome = await student.reads()
        assert "Welcome to Editorial Discussion" in text(welcome)
        menu = await student.reads()
        assert lesson.title in text(menu)
        await student.presses(menu, "▶️ Begin")
        await answer_before_reading(student, lesson, ENGLISH)
        for index, step in enumerate(steps[:halfway]):
            await play_step(student, lesson, step, index, ENGLISH, TYPING)
        # The last answer brought part 3; the student stops reading here.
        part_three = await student.reads()
        assert "Part 3 of" in text(part_three)

    # A new process: nothing in memory survives, only the database.
    async with running_bot(settings):
        student.says("/start")
        back = await student.reads()
        # Part 3 is the last message in the chat: not sent a second time in a row.
        assert "Welcome back" in text(back) and "just above" in text(back)
        await student.presses(part_three, "Continue ▸")
        for index, step in enumerate(steps[halfway + 1 : -1], start=halfway + 1):
            await play_step(student, lesson, step, index, ENGLISH, TYPING)
        assert isinstance(steps[-1], EndStep)
        summary = await student.reads()
        choice_steps = [
            i
            for i, s in enumerate(steps)
            if isinstance(s, QuestionStep) and isinstance(s.question, ChoiceQuestion)
        ]
        right = sum(1 for i in choice_steps if i % 2 == 0)
        assert f"Score on choice questions: {right} of {len(choice_steps)}" in text(summary)
        # Typed text comes back intact, escaped in the HTML that was sent.
        assert "<b>bold</b> & *stars*" in text(summary)
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; *stars*" in html(summary)
        assert summary.button_texts == ["🔁 Start again", "📚 Lessons"]

    assert standin.rejected == []
    private_menu = standin.commands[("all_private_chats", "")]
    assert [c["command"] for c in private_menu] == [
        "start",
        "lessons",
        "progress",
        "restart",
        "myanswers",
        "words",
        "settings",
        "forget",
        "reminders",
        "language",
        "help",
    ]
    group_menu = standin.commands[("all_group_chats", "")]
    # The moderators' commands are in their own menus (tests/test_command_menus.py).
    assert [c["command"] for c in group_menu] == ["status", "help"]
    check_stored_answers(tmp_path, lesson, student.user)


def check_stored_answers(db: Path, lesson: Lesson, user: FakeUser) -> None:
    answers = records(db, "SELECT * FROM answers ORDER BY id")
    (walk,) = records(db, "SELECT * FROM walks")
    assert walk["status"] == "finished" and walk["attempt"] == 1
    questions = lesson.questions()
    debates = [q for q in questions if isinstance(q, DebateQuestion)]
    # A debate: its stance, then reason; and its stance before the reading, its counter.
    parts = sum(int(q.ask_before) + int(q.counter is not False) for q in debates)
    assert len(answers) == len(questions) + len(debates) + parts
    for row in answers:
        assert row["user_id"] == user.id and row["chat_id"] == user.id
        assert row["display_name"] == "Ana Kim" and row["username"] == "ana_k"
        assert row["lesson_id"] == lesson.id and row["lesson_version"] == lesson.version
        assert row["attempt"] == 1 and row["answered_at"].endswith("Z")
    by_question = {row["question_id"]: row for row in answers}  # the newest version wins
    for question in questions:
        row = by_question[question.id]
        assert row["question_type"] == question.type
        if isinstance(question, ChoiceQuestion):
            picked = question.options[int(row["option_indexes"])]
            assert row["answer_text"] == picked
            assert row["is_correct"] == int(picked == question.answer)
            assert row["via"] == "button"
        elif isinstance(question, ShortQuestion):
            assert row["answer_text"] == f"My answer to {question.id}: <b>bold</b> & *stars*"
            assert row["via"] == "text"
        else:
            assert row["stance"] in question.stances and row["version"] == 2
            assert row["answer_text"] == f"Because of {question.id} — مرحبا 😀"


async def test_buttons_twice_stray_input_and_forgeries_get_clear_answers(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson = seed_lesson()
    settings = settings_for(standin, tmp_path)
    student = Student(standin)
    async with running_bot(settings):
        student.says("hello?")
        assert "/lessons" in text(await student.reads())  # idle: a hint, not silence
        student.says("/lessons")
        menu = await student.reads()
        await student.presses(menu, "▶️ Begin")
        await answer_before_reading(student, lesson, ENGLISH)
        section = await student.reads()
        student.says("is this the answer?")
        assert "not waiting for a typed answer" in text(await student.reads())
        await student.presses(section, "Continue ▸")
        question = await student.reads()
        first = lesson.sections[0].questions[0]
        assert isinstance(first, ChoiceQuestion)
        # The stale Continue button, pressed again, changes nothing.
        query = standin.press_data(student.user, section, "v1:nx:1:0")
        assert "earlier step" in await popup(standin, query)
        # A double tap: the second press is refused, and one answer is stored.
        data = question.buttons[0][0].callback_data
        assert data is not None
        one = standin.press_data(student.user, question, data)
        two = standin.press_data(student.user, question, data)
        await standin.wait_for_callback_answer(one)
        assert "already answered" in await popup(standin, two)
        # Forged data is refused.
        forged = standin.press_data(student.user, question, "v1:ch:999:x:1")
        assert "don't recognise" in await popup(standin, forged)
        nonsense = standin.press_data(student.user, question, "DROP TABLE answers")
        assert "don't recognise" in await popup(standin, nonsense)
        # Another user's press on this student's buttons is refused too.
        # Another user replays this student's button data in their own chat: refused.
        intruder = Student(standin, "Mallory", "mallory")
        intruder.says("/help")
        own = await intruder.reads()
        stolen = standin.press_data(intruder.user, own, data)
        assert "don't recognise" in await popup(standin, stolen)
        nxt = await student.reads()
        assert lesson.sections[0].questions[1].prompt in text(nxt)
        standin.send_sticker(student.user, student.chat)
        assert "not waiting for a typed answer" in text(await student.reads())  # buttons wanted
        student.says("/nonsense")
        assert "don't know that command" in text(await student.reads())
        student.says("/progress")
        progress = await student.reads()
        assert "Answered so far: 1 of" in text(progress) and "attempt 1" in text(progress)
    assert standin.rejected == []
    # The choice, and the stance before the reading.
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(2,)]


async def test_restart_begins_again_and_keeps_the_earlier_attempt(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson = seed_lesson()
    settings = settings_for(standin, tmp_path)
    student = Student(standin)
    async with running_bot(settings):
        student.says("/restart")
        assert "nothing to restart" in text(await student.reads())
        student.says("/start")
        await student.reads()
        await student.presses(await student.reads(), "▶️ Begin")
        await answer_before_reading(student, lesson, ENGLISH)
        steps = steps_of(lesson)
        for index, step in enumerate(steps[:3]):
            await play_step(student, lesson, step, index, ENGLISH, TYPING)
        assert "Type your answer" in text(await student.reads())  # step 3 waits
        standin.send_photo(student.user, student.chat, caption="my answer, as a photo")
        assert "only save typed text" in text(await student.reads())
        student.says("/restart")
        await answer_before_reading(student, lesson, ENGLISH)  # the new attempt asks again
        first_part = await student.reads()
        assert "Part 1 of" in text(first_part)
        student.says("/progress")
        progress = await student.reads()
        assert "attempt 2" in text(progress) and "Reading part 1" in text(progress)
        student.says("/help")
        assert "/restart" in text(await student.reads())
        # Buttons of the first attempt are closed (and say so without advice that would close
        # this one); the new attempt's work.
        old = standin.press_data(student.user, first_part, "v1:nx:1:0")
        assert "from an earlier attempt. Send /progress" in await popup(standin, old)
        await student.presses(first_part, "Continue ▸")
        assert lesson.sections[0].questions[0].prompt in text(await student.reads())
    attempts = rows(tmp_path, "SELECT attempt, status FROM walks ORDER BY id")
    assert attempts == [(1, "abandoned"), (2, "active")]
    # Two answers and the stance before the reading.
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE attempt = 1") == [(3,)]
