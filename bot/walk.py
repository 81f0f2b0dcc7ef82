"""The walk through a lesson: a flat list of steps, and where a cursor stands in it.

A lesson becomes: section 1, its questions, section 2, its questions, …, the discussion
questions, the end. A student alone and a study group walk the same list; only the way
each step is shown differs. Pure Python: no Telegram, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question, Section, ShortQuestion


@dataclass(frozen=True, slots=True)
class SectionStep:
    section: Section
    number: int  # 1-based part number


@dataclass(frozen=True, slots=True)
class QuestionStep:
    question: Question
    part: int  # the part the question belongs to; 0 for the discussion
    number: int  # 1-based among the questions of that part
    of: int  # how many questions that part has


@dataclass(frozen=True, slots=True)
class EndStep:
    pass


Step = SectionStep | QuestionStep | EndStep


@cache
def steps_of(lesson: Lesson) -> tuple[Step, ...]:
    """Every step of a lesson in order; computed once per (immutable) lesson."""
    steps: list[Step] = []
    for number, section in enumerate(lesson.sections, start=1):
        steps.append(SectionStep(section, number))
        steps.extend(
            QuestionStep(q, number, i, len(section.questions))
            for i, q in enumerate(section.questions, start=1)
        )
    steps.extend(
        QuestionStep(q, 0, i, len(lesson.discussion))
        for i, q in enumerate(lesson.discussion, start=1)
    )
    steps.append(EndStep())
    return tuple(steps)


def step_at(lesson: Lesson, position: int) -> Step:
    """The step at a cursor position; past the end (a shorter edited lesson) is the end."""
    steps = steps_of(lesson)
    return steps[min(max(position, 0), len(steps) - 1)]


def position_of_question(lesson: Lesson, question_id: str) -> int | None:
    for position, step in enumerate(steps_of(lesson)):
        if isinstance(step, QuestionStep) and step.question.id == question_id:
            return position
    return None


def is_last(lesson: Lesson, position: int) -> bool:
    return position >= len(steps_of(lesson)) - 1


def part_count(lesson: Lesson) -> int:
    return len(lesson.sections)


def expects_text(step: Step, stance_given: bool) -> bool:
    """Whether the cursor waits for a typed message: a short answer, or a debate reason."""
    if isinstance(step, QuestionStep):
        if isinstance(step.question, ShortQuestion):
            return True
        if isinstance(step.question, DebateQuestion):
            return stance_given
    return False


def choice_is_correct(question: ChoiceQuestion, picked: tuple[int, ...]) -> bool:
    """Right when the picked options are exactly the right ones."""
    right = {i for i, option in enumerate(question.options) if option in question.correct_options}
    return set(picked) == right


def next_part(lesson: Lesson, position: int) -> tuple[tuple[Step, ...], int]:
    """What a group is shown next, and where the cursor stands after it.

    A group moves in parts: a section on its own, then all of that section's questions
    together; the discussion questions one at a time (a debate gets the group's attention
    to itself), then the end.
    """
    steps = steps_of(lesson)
    position = min(position, len(steps) - 1)
    first = steps[position]
    if not isinstance(first, QuestionStep) or first.part == 0:
        return (first,), position + 1
    end = position
    while (
        end < len(steps)
        and isinstance(step := steps[end], QuestionStep)
        and step.part == first.part
    ):
        end += 1
    return steps[position:end], end


def realigned_position(lesson: Lesson, answered: set[str]) -> int:
    """Where a walk stands in an edited lesson (steps matched by question id, not index):
    at the first question not answered yet, or at its section when it opens a part."""
    steps = steps_of(lesson)
    for position, step in enumerate(steps):
        if isinstance(step, QuestionStep) and step.question.id not in answered:
            opens_part = position > 0 and isinstance(steps[position - 1], SectionStep)
            return position - 1 if opens_part else position
    return len(steps) - 1


def group_realigned_position(lesson: Lesson, questions: set[str], sections: set[int]) -> int:
    """Where a group session stands in an edited lesson: just after the last step it has
    posted, found by question id or section number (not by the old position)."""
    after = [
        position + 1
        for position, step in enumerate(steps_of(lesson))
        if (isinstance(step, QuestionStep) and step.question.id in questions)
        or (isinstance(step, SectionStep) and step.number in sections)
    ]
    return max(after, default=0)
