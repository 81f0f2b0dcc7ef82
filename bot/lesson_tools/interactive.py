"""``python -m bot preview LESSON.yaml --interactive``: take the lesson at the terminal, as a
student would in a private chat, before assigning it.

Each part is shown and waits for Enter; a choice question lists its options numbered in the
order a student sees them (the same shuffle) and takes their numbers; a short question
takes a typed answer and shows the model answer; a debate takes a stance and a reason. At
the end: how many choice questions were right. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.render.order import private_seed, shown_order
from bot.walk import QuestionStep, SectionStep, choice_is_correct, steps_of

Ask = Callable[[str], str]  # shows a prompt, returns the line typed (EOFError at the end)
Say = Callable[[str], None]

PREVIEW_STUDENT = 1  # whose shuffled order is shown: the same as `preview` shows


def take_lesson(lesson: Lesson, ask: Ask, say: Say) -> int:
    """Walk through the lesson at the terminal; the number of choice questions right."""
    right = asked = 0
    say(f"{lesson.title}: {len(lesson.sections)} parts. Ctrl-D stops at any time.")
    for step in steps_of(lesson):
        if isinstance(step, SectionStep):
            say(f"\n═══ Part {step.number} · {step.section.title}\n\n{step.section.text.strip()}")
            ask("\n[Enter to go on] ")
        elif isinstance(step, QuestionStep):
            question = step.question
            say(f"\n─── {question.prompt}")
            if isinstance(question, ChoiceQuestion):
                asked += 1
                right += _choice(question, ask, say)
            elif isinstance(question, ShortQuestion):
                ask("Your answer: ")
                if question.model_answer:
                    say(f"A model answer: {question.model_answer}")
            elif isinstance(question, DebateQuestion):
                stance = _pick(question.stances, "Your stance", ask, say)
                ask(f"Why ({question.stances[stance]})? ")
    say(f"\nDone: {right} of {asked} choice questions right.")
    return right


def _choice(question: ChoiceQuestion, ask: Ask, say: Say) -> int:
    """One choice question: 1 if answered right."""
    order = shown_order(question, private_seed(PREVIEW_STUDENT))
    several = len(question.correct_options) > 1
    shown = [question.options[i] for i in order]
    for number, option in enumerate(shown, start=1):
        say(f"  {number}. {option}")
    hint = "the numbers of all that are right, like 1 3" if several else "its number"
    while True:
        picked = _numbers(ask(f"Your answer ({hint}): "), len(shown))
        if picked and (several or len(picked) == 1):
            break
        say(f"Type {hint}, from 1 to {len(shown)}.")
    chosen = tuple(sorted(order[n - 1] for n in picked))
    correct = choice_is_correct(question, chosen)
    say("✅ Right!" if correct else f"❌ The right answer: {'; '.join(question.correct_options)}")
    if question.explanation:
        say(f"💡 {question.explanation}")
    return int(correct)


def _pick(options: tuple[str, ...], label: str, ask: Ask, say: Say) -> int:
    for number, option in enumerate(options, start=1):
        say(f"  {number}. {option}")
    while True:
        picked = _numbers(ask(f"{label} (its number): "), len(options))
        if len(picked) == 1:
            return picked[0] - 1
        say(f"Type one number from 1 to {len(options)}.")


def _numbers(typed: str, count: int) -> list[int]:
    """The option numbers typed (commas or spaces between), or [] if any is not one."""
    parts = typed.replace(",", " ").split()
    if not parts or not all(p.isdigit() and 1 <= int(p) <= count for p in parts):
        return []
    return sorted({int(p) for p in parts})
