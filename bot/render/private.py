"""Render for a student's private chat: lessons menu, sections, questions, feedback,
summary and progress.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot import callbacks, texts
from bot.callbacks import (
    AgainLesson,
    BeginLesson,
    ContinueReading,
    ListLessons,
    PickStance,
    SelfCheck,
    ShowNext,
    SubmitChoice,
    ToggleChoice,
)
from bot.discussion import before_id, counter_id
from bot.lessons import (
    ChoiceQuestion,
    DebateQuestion,
    Lesson,
    LessonCatalog,
    Question,
    ShortQuestion,
)
from bot.render import letters
from bot.render.fit import MESSAGE_LIMIT, clip, pack, paragraphs, visible_length
from bot.render.markup import Reply, button, column, esc
from bot.render.order import private_seed, shown_options, shown_order
from bot.storage import StoredAnswer, Walk
from bot.walk import EndStep, QuestionStep, SectionStep, Step, part_count, step_at, steps_of

# --- lessons and welcome ------------------------------------------------------------------


def lessons_menu(catalog: LessonCatalog, current: tuple[Walk, Lesson] | None = None) -> Reply:
    """The lessons to begin; a lesson in progress (``current``) says Continue and where the
    student stands in it, so that its button never reads as "start over"."""
    if len(catalog) == 0:
        return Reply(texts.NO_LESSONS)
    walk, going = current if current is not None else (None, None)
    note = ""
    if walk is not None and going is not None:
        note = "\n" + texts.LESSON_IN_PROGRESS_AT.format(
            lesson=esc(going.title), where=where_in(going, walk)
        )
    if len(catalog) == 1:
        (lesson,) = catalog.lessons
        in_it = going is not None and lesson.id == going.id
        label = texts.CONTINUE_LESSON_BUTTON if in_it else texts.BEGIN_BUTTON
        return Reply(
            texts.ONE_LESSON.format(lesson=esc(lesson.title)) + note,
            column([button(label, BeginLesson(lesson.id))]),
        )
    return Reply(
        texts.CHOOSE_LESSON + note,
        column(
            button(
                (
                    texts.CONTINUE_NAMED_BUTTON
                    if going is not None and lesson.id == going.id
                    else texts.LESSON_BUTTON
                ).format(title=lesson.title),
                BeginLesson(lesson.id),
            )
            for lesson in catalog
        ),
    )


def where_in(lesson: Lesson, walk: Walk) -> str:
    """Where a walk stands, in a few words: "Part 2 of 4, question 3 of 5"."""
    step = step_at(lesson, walk.position)
    parts = part_count(lesson)
    if isinstance(step, SectionStep):
        return texts.AT_READING.format(part=step.number, parts=parts)
    if isinstance(step, QuestionStep) and step.part > 0:
        return texts.AT_QUESTION.format(part=step.part, parts=parts, number=step.number, of=step.of)
    if isinstance(step, QuestionStep):
        return texts.AT_DISCUSSION.format(number=step.number, of=step.of)
    return texts.PROGRESS_DONE


def welcome_back(lesson: Lesson) -> Reply:
    return Reply(texts.WELCOME_BACK.format(lesson=esc(lesson.title)))


def welcome_back_above(lesson: Lesson) -> Reply:
    """/start when the step they stopped at is the last message in the chat."""
    return Reply(texts.WELCOME_BACK_ABOVE.format(lesson=esc(lesson.title)))


def restarted(lesson: Lesson | None) -> Reply:
    """At start, where a stop left a reply unsent: the lesson's step follows (None: no
    lesson in progress, the student is asked to send their last message again)."""
    if lesson is None:
        return Reply(texts.RESTARTED_ASK_AGAIN)
    return Reply(texts.RESTARTED_IN_LESSON.format(lesson=esc(lesson.title)))


# --- reading ------------------------------------------------------------------------------


def source_line(lesson: Lesson) -> str:
    source = lesson.source
    return texts.SOURCE_LINE.format(
        kind=esc(source.kind.capitalize()),
        publisher=esc(source.publisher),
        date=source.date.strftime("%-d %B %Y"),
    )


def split_text(text: str, budget: int) -> list[str]:
    """Plain text (a section's) as HTML pieces of at most ``budget`` visible characters:
    whole paragraphs, as many to a piece as fit (``fit.pack``)."""
    return pack((esc(paragraph) for paragraph in paragraphs(text)), budget)


def section_messages(
    lesson: Lesson, step: SectionStep, keyboard: InlineKeyboardMarkup | None
) -> list[Reply]:
    """A section as one or more messages; the keyboard goes under the last one."""
    header = texts.SECTION_HEADER.format(
        lesson=esc(lesson.title),
        part=step.number,
        parts=part_count(lesson),
        title=esc(step.section.title),
    )
    continued = header + texts.SECTION_CONTINUED  # the source line only on the first
    if step.number == 1:
        header += "\n" + source_line(lesson)
    budget = MESSAGE_LIMIT - visible_length(continued) - 2
    chunks = split_text(step.section.text, budget)
    replies = [
        Reply(f"{header if i == 0 else continued}\n\n{chunk}") for i, chunk in enumerate(chunks)
    ]
    replies[-1] = Reply(replies[-1].text, keyboard)
    return replies


def continue_keyboard(walk: Walk, position: int) -> InlineKeyboardMarkup:
    return column([button(texts.CONTINUE_BUTTON, ContinueReading(walk.id, position))])


# --- questions ----------------------------------------------------------------------------


def _question_header(step: QuestionStep) -> str:
    if step.part == 0:
        return texts.DISCUSSION_HEADER.format(number=step.number, of=step.of)
    return texts.QUESTION_HEADER.format(number=step.number, of=step.of, part=step.part)


def question_text(step: QuestionStep, *lines: str) -> str:
    return "\n\n".join([_question_header(step), f"<b>{esc(step.question.prompt)}</b>", *lines])


def several_right(question: ChoiceQuestion) -> bool:
    return len(question.correct_options) > 1


def choice_keyboard(
    question: ChoiceQuestion, walk: Walk, ticked: Sequence[int] = ()
) -> InlineKeyboardMarkup:
    """One button per option, in the student's own shuffled order (``bot.render.order``);
    a button carries its place on the message, mapped back to the lesson's option by text.
    For several right options, each toggles its own tick (kept on the server by the
    lesson's index: ``ticked``) and Submit sends what is ticked."""
    order = shown_order(question, private_seed(walk.user_id or walk.chat_id))
    options = question.options
    lettered = letters.on_buttons(options)  # the message lists them in full

    def label(place: int, index: int) -> str:
        return letters.letter(place) if lettered else options[index]

    if not several_right(question):
        picks = [
            button(label(place, i), SubmitChoice(walk.id, question.id, 1 << place))
            for place, i in enumerate(order)
        ]
        return InlineKeyboardMarkup(letters.in_rows(picks)) if lettered else column(picks)
    ticks = [
        button(
            (texts.PICKED_TICK if i in ticked else texts.UNPICKED_TICK).format(
                option=label(place, i)
            ),
            ToggleChoice(walk.id, question.id, place),
        )
        for place, i in enumerate(order)
    ]
    mask = sum(1 << place for place, i in enumerate(order) if i in ticked)
    submit = button(texts.SUBMIT_BUTTON, SubmitChoice(walk.id, question.id, mask))
    if lettered:
        return InlineKeyboardMarkup([*letters.in_rows(ticks), [submit]])
    return column([*ticks, submit])


def choice_lines(question: ChoiceQuestion, options: Sequence[str], *, group: bool) -> list[str]:
    """What a choice question's message says under its prompt: how to answer; and, when
    its options are too long for buttons, the options in full as A, B, C… (``options``:
    in the order shown)."""
    several = several_right(question)
    if not letters.on_buttons(options):
        if group:
            return [texts.GROUP_TAP_SEVERAL if several else texts.GROUP_TAP_ANSWER]
        return [texts.CHOOSE_SEVERAL if several else texts.CHOOSE_ONE]
    if group:
        hint = texts.GROUP_TAP_SEVERAL_LETTERS if several else texts.GROUP_TAP_LETTER
    else:
        hint = texts.CHOOSE_SEVERAL_LETTERS if several else texts.CHOOSE_ONE_LETTER
    return [letters.listed(options), hint]


def switch_lesson(current: Lesson, other: Lesson) -> Reply:
    """Asked before a lesson is begun while another is in progress (which it closes)."""
    return Reply(
        texts.SWITCH_LESSON.format(current=esc(current.title), other=esc(other.title)),
        column(
            [
                button(
                    texts.SWITCH_BUTTON.format(lesson=clip(other.title, 50)),
                    callbacks.SwitchLesson(other.id),
                ),
                button(
                    texts.RESUME_BUTTON.format(lesson=clip(current.title, 50)),
                    callbacks.BeginLesson(current.id),
                ),
            ]
        ),
    )


def confirm_again(lesson: Lesson) -> Reply:
    """Asked before "Start again" begins a finished lesson anew."""
    return Reply(
        texts.CONFIRM_AGAIN.format(lesson=esc(lesson.title)),
        column(
            [
                button(texts.CONFIRM_AGAIN_BUTTON, BeginLesson(lesson.id)),
                button(texts.OTHER_LESSONS_BUTTON, ListLessons()),
            ]
        ),
    )


def question_message(step: QuestionStep, walk: Walk) -> Reply:
    question = step.question
    if isinstance(question, ChoiceQuestion):
        shown = shown_options(question, private_seed(walk.user_id or walk.chat_id))
        lines = choice_lines(question, shown, group=False)
        return Reply(question_text(step, *lines), choice_keyboard(question, walk))
    if isinstance(question, ShortQuestion):
        return Reply(question_text(step, texts.TYPE_ANSWER))
    return Reply(
        question_text(step, texts.PICK_STANCE),
        column(
            button(stance, PickStance(walk.id, question.id, i))
            for i, stance in enumerate(question.stances)
        ),
    )


def picked_options(question: ChoiceQuestion, mask: int) -> tuple[int, ...]:
    return tuple(i for i in range(len(question.options)) if mask & (1 << i))


def choice_feedback(step: QuestionStep, picked: Sequence[int], correct: bool) -> Reply:
    question = step.question
    assert isinstance(question, ChoiceQuestion)
    lines = [texts.YOUR_ANSWER.format(answer=esc("; ".join(question.options[i] for i in picked)))]
    if correct:
        lines.append(texts.RIGHT)
    else:
        wrong = texts.WRONG_SEVERAL if len(question.correct_options) > 1 else texts.WRONG
        lines.append(wrong.format(right=esc("; ".join(question.correct_options))))
    if question.explanation:
        lines.append(texts.EXPLANATION.format(explanation=esc(question.explanation)))
    return Reply(question_text(step, *lines))


def short_acknowledgement(
    question: ShortQuestion, walk: Walk | None = None, next_position: int | None = None
) -> Reply:
    """A neutral "saved" (not a verdict); with a model answer, the self-check under it, and
    Continue to the step at ``next_position`` (so the model answer is read, not pushed
    off the screen)."""
    lines = [texts.ANSWER_RECORDED]
    if not question.model_answer or walk is None:
        if question.model_answer:
            lines.append(texts.MODEL_ANSWER.format(model_answer=esc(question.model_answer)))
        return Reply("\n".join(lines))
    lines.append(texts.MODEL_ANSWER.format(model_answer=esc(question.model_answer)))
    lines.append("\n" + texts.SELF_CHECK_ASK)
    return Reply("\n".join(lines), self_check_keyboard(walk, question.id, next_position))


def self_check_keyboard(
    walk: Walk, question_id: str, next_position: int | None, chosen: int | None = None
) -> InlineKeyboardMarkup:
    """Got it / Partly / Missed it (the one chosen marked), then Continue if the next step
    waits for it."""
    labels = [
        (texts.SELF_CHECK_CHOSEN if grade == chosen else "{label}").format(
            label=texts.SELF_CHECK_LABELS[grade]
        )
        for grade in (2, 1, 0)
    ]
    rows = [
        [
            button(label, SelfCheck(walk.id, question_id, grade))
            for label, grade in zip(labels, (2, 1, 0), strict=True)
        ]
    ]
    if next_position is not None:
        rows.append([button(texts.CONTINUE_BUTTON, ShowNext(walk.id, next_position))])
    return InlineKeyboardMarkup(rows)


def self_check_noted(grade: int) -> str:
    """The pop-up after a self-check (plain text)."""
    return texts.SELF_CHECK_NOTED.format(label=texts.SELF_CHECK_LABELS[grade])


def as_sentence(words: str) -> str:
    """A stance as a sentence in running text: "Agree." but "Coordination with the U.S."
    (never two full stops)."""
    words = words.rstrip()
    return words if words.endswith((".", "!", "?", "…")) else f"{words}."


def stance_chosen(step: QuestionStep, stance: str) -> Reply:
    return Reply(question_text(step, texts.YOUR_STANCE.format(stance=esc(stance))))


def ask_reason(stance: str) -> Reply:
    return Reply(texts.ASK_REASON.format(stance=esc(stance)))


def reason_acknowledgement() -> Reply:
    return Reply(texts.REASON_RECORDED)


# --- the end, progress --------------------------------------------------------------------


def _discussion_lines(question: DebateQuestion, by_question: dict[str, StoredAnswer]) -> str:
    """Under a debate's line in the summary (issue 14): the opinion shift, if its stance
    was asked before the reading too, and the other side's best argument, if given."""
    lines = []
    before = by_question.get(before_id(question.id))
    after = by_question.get(question.id)
    if before is not None and before.stance and after is not None and after.stance:
        if before.stance == after.stance:
            lines.append(texts.SHIFT_HELD.format(after=esc(after.stance)))
        else:
            lines.append(
                texts.SHIFT_MOVED.format(before=esc(before.stance), after=esc(after.stance))
            )
    argued = by_question.get(counter_id(question.id))
    if argued is not None and argued.answer_text:
        lines.append(texts.SUMMARY_COUNTER.format(counter=esc(clip(argued.answer_text))))
    return "".join(f"\n{line}" for line in lines)


def _answer_line(question: Question, answer: StoredAnswer | None) -> str:
    if answer is None:
        given = texts.SUMMARY_NOT_ANSWERED
    elif isinstance(question, ChoiceQuestion):
        mark = "✅" if answer.is_correct else "❌"
        given = f"{esc(clip(answer.answer_text or ''))} {mark}"
    elif isinstance(question, DebateQuestion):
        given = f"<b>{esc(answer.stance or '')}</b>"
        if answer.answer_text:
            given += f" — {esc(clip(answer.answer_text))}"
    else:
        given = esc(clip(answer.answer_text or ""))
    return texts.SUMMARY_LINE.format(prompt=esc(question.prompt), answer=given)


def summary_messages(lesson: Lesson, answers: Sequence[StoredAnswer]) -> list[Reply]:
    by_question = {a.question_id: a for a in answers}
    choices = [q for q in lesson.questions() if isinstance(q, ChoiceQuestion)]
    right = sum(1 for q in choices if (a := by_question.get(q.id)) is not None and a.is_correct)
    score = (
        texts.SUMMARY_SCORE.format(right=right, total=len(choices))
        if choices
        else texts.SUMMARY_NO_CHOICE
    )
    head = "\n\n".join([texts.SUMMARY_HEADER.format(lesson=esc(lesson.title)), score])
    lines = [
        _answer_line(q, by_question.get(q.id))
        + (_discussion_lines(q, by_question) if isinstance(q, DebateQuestion) else "")
        for q in lesson.questions()
    ]
    ending = f"\n\n{texts.SUMMARY_WHAT_NEXT}"  # goes under the last line, so room is kept
    budget = MESSAGE_LIMIT - visible_length(ending)
    chunks = pack([f"{head}\n\n{texts.SUMMARY_ANSWERS}", *lines], budget, separator="\n")
    chunks[-1] += ending
    replies = [Reply(chunk) for chunk in chunks]
    replies[-1] = Reply(
        replies[-1].text,
        column(
            [
                button(texts.AGAIN_BUTTON, AgainLesson(lesson.id)),
                button(texts.OTHER_LESSONS_BUTTON, ListLessons()),
            ]
        ),
    )
    return replies


def progress(lesson: Lesson, walk: Walk, answered: int) -> Reply:
    steps = steps_of(lesson)
    step: Step = steps[min(walk.position, len(steps) - 1)]
    parts = part_count(lesson)
    if walk.status == "finished" or isinstance(step, EndStep):
        where = texts.PROGRESS_DONE
    elif isinstance(step, SectionStep):
        where = texts.PROGRESS_READING.format(part=step.number, parts=parts)
    elif step.part == 0:
        where = texts.PROGRESS_DISCUSSION.format(number=step.number, of=step.of)
    else:
        where = texts.PROGRESS_QUESTION.format(
            number=step.number, of=step.of, part=step.part, parts=parts
        )
    return Reply(
        texts.PROGRESS.format(
            lesson=esc(lesson.title),
            attempt=walk.attempt,
            where=where,
            answered=answered,
            questions=len(lesson.questions()),
        )
    )
