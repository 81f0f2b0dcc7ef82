"""``python -m bot preview LESSON.yaml``: a lesson as its readers will see it, at the terminal.

The messages are the bot's own (``bot.render``), shown as a reader sees them: the parts as
split for Telegram, each question with its options in a shuffled order (the order of one
student, or one group session), buttons as ``[labels]``. Each part gives its word count,
reading time and readability grade, so a teacher can judge the level before assigning it.
"""

from __future__ import annotations

from collections.abc import Iterator

from telegram import InlineKeyboardMarkup

from bot.lesson_tools.readability import measure
from bot.lessons import ChoiceQuestion, Lesson
from bot.render import group, letters, private
from bot.render.fit import visible_text
from bot.render.glossary import with_words
from bot.render.markup import Reply
from bot.render.order import group_seed, private_seed, shown_order
from bot.storage import Walk
from bot.walk import EndStep, QuestionStep, SectionStep, Step, next_part, steps_of

PREVIEW_ID = 1  # the student's user id and the session's id whose order is shown
BOT_NAME = "YourBot"
_RULE = "═" * 3
_THIN = "─" * 3


def preview(lesson: Lesson, audience: str = "private") -> str:
    """The whole lesson as text, for ``private`` (a student alone) or ``group``."""
    walk = Walk(
        id=PREVIEW_ID,
        chat_id=PREVIEW_ID,
        audience="group" if audience == "group" else "private",
        user_id=PREVIEW_ID if audience != "group" else None,
        lesson_id=lesson.id,
        lesson_version=lesson.version,
        attempt=1,
        position=0,
        status="active",
        started_at="",
        ended_at=None,
    )
    text = "\n\n".join(section.text for section in lesson.sections)
    where = "a group session" if audience == "group" else "a private chat"
    lines = [
        f"{lesson.title} ({lesson.id}), as {where} shows it",
        f"{len(lesson.sections)} parts · {len(lesson.questions())} questions · "
        + measure(text).describe(),
    ]
    messages = _group(lesson, walk) if audience == "group" else _private(lesson, walk)
    for step, message in messages:
        lines.append("")
        lines.extend(_shown(lesson, walk, step, message))
    return "\n".join(lines) + "\n"


def _private(lesson: Lesson, walk: Walk) -> Iterator[tuple[Step, Reply | group.QuizPoll]]:
    for position, step in enumerate(steps_of(lesson)):
        if isinstance(step, SectionStep):
            keyboard = with_words(
                private.continue_keyboard(walk, position + 1), lesson, step.number
            )
            for reply in private.section_messages(lesson, step, keyboard):
                yield step, reply
        elif isinstance(step, QuestionStep):
            yield step, private.question_message(step, walk)


def _group(lesson: Lesson, walk: Walk) -> Iterator[tuple[Step, Reply | group.QuizPoll]]:
    position = 0
    while not isinstance(steps_of(lesson)[position], EndStep):
        steps, position = next_part(lesson, position)
        yield from group.part_messages(lesson, walk, steps, position, BOT_NAME)


def _shown(lesson: Lesson, walk: Walk, step: Step, message: Reply | group.QuizPoll) -> list[str]:
    if isinstance(step, SectionStep):
        lines = [f"{_RULE} Part {step.number} · {step.section.title} · "]
        lines[0] += measure(step.section.text).describe()
    else:
        lines = [_THIN]
    if isinstance(message, group.QuizPoll):
        lines.append(f"📊 Quiz poll: {message.question}")
    else:
        lines.append(visible_text(message.text))
    question = step.question if isinstance(step, QuestionStep) else None
    keyboard = message.keyboard
    if isinstance(question, ChoiceQuestion):
        lines.extend(_options(lesson, walk, question, message))
        keyboard = _without_options(keyboard, question)
    lines.extend(_buttons(keyboard))
    return lines


def _options(
    lesson: Lesson, walk: Walk, question: ChoiceQuestion, message: Reply | group.QuizPoll
) -> list[str]:
    seed = group_seed(walk.id) if walk.audience == "group" else private_seed(PREVIEW_ID)
    order = shown_order(question, seed)
    right = set(question.correct_options)
    poll = isinstance(message, group.QuizPoll)
    shown = [question.options[index] for index in order]
    if (isinstance(message, group.QuizPoll) and message.options[0] == letters.letter(0)) or (
        isinstance(message, Reply) and letters.listed(shown) in message.text
    ):  # the options are listed as A, B, C… (too long for buttons): mark the right letters
        marks = [letters.letter(place) for place, option in enumerate(shown) if option in right]
        return [f"✓ right: {', '.join(marks)}"]
    lines = []
    for index in order:
        option = question.options[index]
        mark = "  ✓ right" if option in right else ""
        lines.append(f"( ) {option}{mark}" if poll else f"[{option}]{mark}")
    if question.explanation:
        lines.append(f"💡 {question.explanation}")
    return lines


def _without_options(
    keyboard: InlineKeyboardMarkup | None, question: ChoiceQuestion
) -> InlineKeyboardMarkup | None:
    """The keyboard's other buttons (Submit, Next): the options are listed in shown order."""
    if keyboard is None:
        return None
    options = set(question.options)
    rows = [
        row
        for row in keyboard.inline_keyboard
        if not any(b.text in options or b.text.split(" ", 1)[-1] in options for b in row)
    ]
    return InlineKeyboardMarkup(rows)


def _buttons(keyboard: InlineKeyboardMarkup | None) -> list[str]:
    if keyboard is None:
        return []
    return [" ".join(f"[{b.text}]" for b in row) for row in keyboard.inline_keyboard if row]
