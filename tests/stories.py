"""Story set-ups that several story tests share (on the real Application over the stand-in,
through the actors of tests/actors.py): a student playing the seed lesson step by step in
their language; homework given in a group, members starting and answering it, its close,
and its reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.walk import QuestionStep, SectionStep, Step
from tests.actors import Group, Student, edited, link_payload, option_button, text, value
from tests.standin import BotApiStandIn, FakeUser, StoredMessage

# --- a student's own lesson ----------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """What a student reads in a private lesson in one language: the tests' own wording,
    not the catalog's, so a catalog that says something else fails them."""

    before_reading: str
    part: str  # {number}, {parts}
    continue_button: str
    your_answer: str  # {pick}
    right: str
    wrong: str
    type_answer: str
    answer_saved: str
    model_answer: str
    why: str
    stance_saved: str
    counter_asked: str
    counter_saved: str


ENGLISH = Words(
    before_reading="Before you read",
    part="Part {number} of {parts}",
    continue_button="Continue ▸",
    your_answer="Your answer: {pick}",
    right="Right!",
    wrong="Not quite",
    type_answer="Type your answer",
    answer_saved="Saved your answer",
    model_answer="A model answer",
    why="Why?",
    stance_saved="Saved your stance",
    counter_asked="strongest argument for the other side",
    counter_saved="the other side's best argument",
)
KOREAN = Words(
    before_reading="읽기 전에",
    part="파트 {number}/{parts}",
    continue_button="계속하기 ▸",
    your_answer="내 답: {pick}",
    right="정답이에요!",
    wrong="아쉬워요",
    type_answer="답을 메시지로 입력해 주세요",
    answer_saved="답을 저장했어요",
    model_answer="모범 답안",
    why="왜 그렇게 생각해요?",
    stance_saved="입장과 이유를 저장했어요",
    counter_asked="반대 입장의 가장 강한 주장",
    counter_saved="반대 입장의 가장 좋은 주장",
)


async def answer_before_reading(student: Student, lesson: Lesson, words: Words) -> None:
    """Right after Begin: the stance of each debate asked before the reading (issue 14)."""
    for question in lesson.questions():
        if isinstance(question, DebateQuestion) and question.ask_before:
            asked = await student.reads()
            assert words.before_reading in text(asked) and question.prompt in text(asked)
            await student.presses(asked, question.stances[0])


@dataclass(frozen=True)
class Typing:
    """What the student types: an answer (``{id}``: the question's id), a reason, the
    other side's argument; and the self-check they press under a model answer (if any)."""

    answer: str
    reason: str
    counter: str
    self_check: str | None = None
    self_check_noted: str | None = None


async def play_step(
    student: Student, lesson: Lesson, step: Step, index: int, words: Words, typing: Typing
) -> None:
    """Answer one step as the bot shows it, checking what the student sees. Every other
    choice question is answered wrongly (``index``), to see both kinds of feedback."""
    message = await student.reads()
    if isinstance(step, SectionStep):
        assert words.part.format(number=step.number, parts=len(lesson.sections)) in text(message)
        assert step.section.text.strip().split("\n")[0][:80] in text(message)
        await student.presses(message, words.continue_button)
        return
    assert isinstance(step, QuestionStep)
    question = step.question
    assert question.prompt in text(message)
    if isinstance(question, ChoiceQuestion):
        right = index % 2 == 0
        pick = (
            question.answer if right else next(o for o in question.options if o != question.answer)
        )
        assert isinstance(pick, str)
        await student.presses(message, option_button(message, pick))
        shown = await student.standin.wait_for(lambda: edited(student.standin, message))
        assert words.your_answer.format(pick=pick) in text(shown)
        assert (words.right if right else words.wrong) in text(shown)
        assert question.explanation is not None and question.explanation in text(shown)
        assert shown.reply_markup is None or not shown.buttons
    elif isinstance(question, ShortQuestion):
        assert words.type_answer in text(message)
        student.says(typing.answer.format(id=question.id))
        ack = await student.reads()
        assert words.answer_saved in text(ack)
        if question.model_answer:
            assert words.model_answer in text(ack) and question.model_answer in text(ack)
            if typing.self_check is not None:
                assert await student.presses(ack, typing.self_check) == typing.self_check_noted
            if words.continue_button in ack.button_texts:  # the next step waits under it
                await student.presses(ack, words.continue_button)
    else:
        assert isinstance(question, DebateQuestion)
        stance = question.stances[index % len(question.stances)]
        await student.presses(message, stance)
        ask = await student.reads()
        assert words.why in text(ask) and stance in text(ask)
        student.says(typing.reason.format(id=question.id))
        ack = await student.reads()
        assert words.stance_saved in text(ack)
        if question.counter:  # the other side's best argument is asked next (issue 14)
            assert words.counter_asked in text(ack)
            student.says(typing.counter.format(id=question.id))
            assert words.counter_saved in text(await student.reads())


# --- homework ------------------------------------------------------------------------------


# One part with one question (buttons), then a short question: two answers finish it.
HOMEWORK_LESSON = """\
id: hw
title: Homework <one>
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: pick
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
discussion:
  - id: say
    type: short
    prompt: Say something.
"""


async def assigns(room: Group, deadline: str) -> StoredMessage:
    """The admin's /assign: the assignment's message."""
    room.says(room.admin, f"/assign {deadline}")
    post = await room.reads()
    assert "Homework: Homework <one>" in text(post), text(post)
    return post


async def starts(standin: BotApiStandIn, user: FakeUser, post: StoredMessage) -> Student:
    """A member presses Start: the homework's first message, the part and its Continue."""
    student = Student(standin, user=user)
    student.says(f"/start {link_payload(post)}")
    assert "Homework for Room" in text(await student.reads())
    part = await student.reads()
    assert "Short text." in text(part)
    await student.presses(part, "Continue ▸")
    return student


async def answers_first(student: Student) -> None:
    question = await student.reads()
    assert "Which is right?" in text(question)
    await student.presses(question, "Right")


async def finishes(student: Student) -> None:
    await answers_first(student)
    say = await student.reads()
    assert "Say something." in text(say), text(say)
    student.says("My answer")
    assert "Saved your answer" in text(await student.reads())


async def closing(room: Group, post: StoredMessage) -> StoredMessage:
    """The bot's reply to the assignment message at the deadline."""
    message = await room.standin.next_bot_message(room.chat.id, timeout=20)
    assert message.reply_to is not None and message.reply_to.message_id == post.message_id
    return message


def deadline_of(tmp_path: Path) -> dt.datetime:
    stamp = value(tmp_path, "SELECT deadline FROM assignments")
    return dt.datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=dt.UTC)


async def stops_halfway(standin: BotApiStandIn, user: FakeUser, post: StoredMessage) -> Student:
    """A member starts the homework, answers its first question and stops at the second."""
    student = await starts(standin, user, post)
    await answers_first(student)
    assert "Say something." in text(await student.reads())
    return student


# --- reminders ---------------------------------------------------------------------------


def zone_at(hour: int) -> str:
    """A fixed-offset zone where it is ``hour`` o'clock now (Etc/GMT-9 is UTC+9)."""
    offset = (hour - dt.datetime.now(dt.UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}"


def daytime() -> str:
    return zone_at(12)  # far from quiet hours (22:00-08:00) for the minute a test runs


def mentioned(message: StoredMessage) -> set[int]:
    """The ids of the people a message mentions (tg://user?id= links)."""
    return {e["user"]["id"] for e in message.entities if e["type"] == "text_mention"}


def reminders_in(standin: BotApiStandIn, chat_id: int) -> list[StoredMessage]:
    return [m for m in standin.bot_messages(chat_id) if text(m).startswith("⏰")]
