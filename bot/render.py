"""Render: every message and keyboard the bot shows, built from lessons and stored answers.

All lesson and user text is HTML-escaped here, so a ``<``, ``&`` or ``*`` can never break
a message. Long sections are split at paragraph boundaries to fit Telegram's limit.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, texts
from bot.callbacks import (
    BeginLesson,
    ContinueReading,
    ListLessons,
    PickStance,
    SubmitChoice,
    ToggleChoice,
)
from bot.lesson_loader import LessonCatalog
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question, ShortQuestion
from bot.storage import StoredAnswer, Walk
from bot.walk import EndStep, QuestionStep, SectionStep, Step, part_count, steps_of

MESSAGE_LIMIT = 4096  # UTF-16 code units of visible text, after entity parsing
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | None = None


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


QUOTE_LIMIT = 300  # characters of a member's answer quoted back in a summary or report


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A long answer shortened for quoting (the stored answer stays whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def visible_text(html_text: str) -> str:
    """What a reader sees of our HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after entity parsing."""
    return len(visible_text(html_text).encode("utf-16-le")) // 2


def button(text: str, action: callbacks.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.encode(action))


def column(buttons: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])


# --- lessons and welcome ------------------------------------------------------------------


def lessons_menu(catalog: LessonCatalog) -> Reply:
    if len(catalog) == 0:
        return Reply(texts.NO_LESSONS)
    if len(catalog) == 1:
        (lesson,) = catalog.lessons
        return Reply(
            texts.ONE_LESSON.format(lesson=esc(lesson.title)),
            column([button(texts.BEGIN_BUTTON, BeginLesson(lesson.id))]),
        )
    return Reply(
        texts.CHOOSE_LESSON,
        column(
            button(texts.LESSON_BUTTON.format(title=lesson.title), BeginLesson(lesson.id))
            for lesson in catalog
        ),
    )


def welcome_back(lesson: Lesson) -> Reply:
    return Reply(texts.WELCOME_BACK.format(lesson=esc(lesson.title)))


# --- reading ------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]


def _split_long(paragraph: str, budget: int) -> list[str]:
    """Cut one paragraph that alone exceeds the budget: at sentences, then words, then hard."""
    pieces: list[str] = []
    current = ""
    for unit in re.split(r"(?<=[.!?…])\s+|\s+", paragraph):
        candidate = f"{current} {unit}" if current else unit
        if visible_length(esc(candidate)) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while visible_length(esc(unit)) > budget:
            cut = budget
            while visible_length(esc(unit[:cut])) > budget:
                cut -= 1
            pieces.append(unit[:cut])
            unit = unit[cut:]
        current = unit
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, budget: int) -> list[str]:
    """Group paragraphs into chunks of at most ``budget`` visible characters (escaped HTML)."""
    pieces: list[str] = []
    for paragraph in _paragraphs(text):
        fits = visible_length(esc(paragraph)) <= budget
        pieces.extend(
            esc(piece) for piece in ([paragraph] if fits else _split_long(paragraph, budget))
        )
    return pack_paragraphs(pieces, budget)


def pack_paragraphs(paragraphs: Sequence[str], budget: int) -> list[str]:
    """HTML paragraphs (each within ``budget``) joined into as few chunks as fit the budget."""
    chunks: list[str] = []
    for paragraph in paragraphs:
        joined = f"{chunks[-1]}\n\n{paragraph}" if chunks else paragraph
        if chunks and visible_length(joined) <= budget:
            chunks[-1] = joined
        else:
            chunks.append(paragraph)
    return chunks


# A tag, an entity, or one character: the units HTML is never cut inside.
_ATOM = re.compile(r"<[^>]+>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG_NAME = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def _tag(atom: str) -> tuple[bool, str] | None:
    """For a tag: whether it closes, and its name; None for text."""
    found = _TAG_NAME.match(atom) if len(atom) > 2 else None
    return (found.group(1) == "/", found.group(2)) if found else None


def _open_tags(atoms: Sequence[str], bounds: Iterable[int]) -> Iterator[list[tuple[str, str]]]:
    """For each of the ascending ``bounds``: the tags open just before ``atoms[bound]``,
    outermost first, as (name, opening tag)."""
    stack: list[tuple[str, str]] = []
    done = 0
    for bound in bounds:
        for atom in atoms[done:bound]:
            if (tag := _tag(atom)) is None:
                continue
            closes, name = tag
            if not closes:
                stack.append((name, atom))
                continue
            names = [n.lower() for n, _ in stack]
            if (name := name.lower()) in names:
                del stack[len(names) - 1 - names[::-1].index(name) :]
        done = max(done, bound)
        yield list(stack)


def _line_break_rank(atoms: Sequence[str], k: int) -> int:
    """How good a place the line break ``atoms[k]`` is to cut at: 0 is best.

    A line that is indented goes with the line before (like an answer under its prompt).
    """
    return 0 if k + 1 == len(atoms) or atoms[k + 1] not in (" ", "\t") else 1


def _cuts(atoms: Sequence[str], widths: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """The pieces as ranges of atoms; the atom between two ranges, if any, is dropped."""
    before = [0, *accumulate(widths)]  # before[k]: visible width of atoms[:k]
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < len(atoms):
        end = bisect_right(before, before[start] + budget) - 1  # atoms[start:end] fits
        if end >= len(atoms):
            ranges.append((start, len(atoms)))
            break
        line: tuple[int, int] | None = None  # (rank, k): the best line break, the latest
        last_line = space = listed = None  # the latest line break, space, space after a comma
        seen_text = False  # a break needs some text before it: atoms[k] is dropped
        for k in range(start, end + 1):
            if seen_text and atoms[k] == "\n":
                rank = _line_break_rank(atoms, k)
                line = (rank, k) if line is None or rank <= line[0] else line
                last_line = k
            elif seen_text and atoms[k] in (" ", "\t"):
                space = k
                listed = k if atoms[k - 1] in (",", ";") else listed
            seen_text = seen_text or (widths[k] > 0 and not atoms[k].isspace())
        enough = budget // 8
        if listed is not None and before[end] - before[listed] <= enough:
            space = listed  # in a list of names, cut between two of them
        cut = line[1] if line else space
        if last_line is not None:
            # The line that does not fit may be too long for any message: then rather than
            # start it on a new one, fill this one with its beginning (unless that is short).
            line_end = next((i for i in range(end, len(atoms)) if atoms[i] == "\n"), len(atoms))
            line_start = before[last_line + 1]
            if before[line_end] - line_start > budget:
                if space is not None and space > last_line and before[space] - line_start >= enough:
                    cut = space
                elif before[end] - line_start >= enough:
                    cut = None  # between two characters, as far as it fits
        if cut is not None:
            ranges.append((start, cut))
            start = cut + 1
            continue
        # No line break or space to cut at: cut between two characters, leaving any tag that
        # opens right there to the next piece.
        cut = end
        while cut > start + 1 and widths[cut - 1] == 0 and not atoms[cut - 1].startswith("</"):
            cut -= 1
        cut = max(cut, start + 1)
        ranges.append((start, cut))
        start = cut
    return ranges


def split_html(text: str, budget: int) -> list[str]:
    """Cut HTML into pieces of at most ``budget`` visible characters, each valid on its own.

    Lines stay together as far as they fit (an indented line with the one before it); only a
    line too long for any piece is cut inside: at a space (after a comma, in a list), else
    between two characters, its beginning filling the piece it starts in. A cut never falls
    inside a tag or an entity, and a tag open at a cut is closed at the end of one piece and
    opened again in the next. The line break or space cut at is dropped, and so is a piece
    of nothing but spaces; nothing else is.
    """
    atoms = _ATOM.findall(text)
    widths = [
        (2 if ord(atom) > 0xFFFF else 1) if len(atom) == 1 else visible_length(atom)
        for atom in atoms
    ]
    ranges = _cuts(atoms, widths, budget)
    tags = _open_tags(atoms, (bound for cut in ranges for bound in cut))
    pieces = []
    for start, end in ranges:
        opened, still_open = next(tags), next(tags)
        body = "".join(atoms[start:end])
        if visible_text(body).strip():  # not a piece of nothing but spaces and tags
            opening = "".join(tag for _, tag in opened)
            closing = "".join(f"</{name}>" for name, _ in reversed(still_open))
            pieces.append(opening + body + closing)
    return pieces


def source_line(lesson: Lesson) -> str:
    source = lesson.source
    return texts.SOURCE_LINE.format(
        kind=esc(source.kind.capitalize()),
        publisher=esc(source.publisher),
        date=source.date.strftime("%-d %B %Y"),
    )


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


def choice_keyboard(question: ChoiceQuestion, walk: Walk, mask: int = 0) -> InlineKeyboardMarkup:
    if not several_right(question):
        return column(
            button(option, SubmitChoice(walk.id, question.id, 1 << i))
            for i, option in enumerate(question.options)
        )
    buttons = [
        button(
            (texts.PICKED_TICK if mask & (1 << i) else texts.UNPICKED_TICK).format(option=option),
            ToggleChoice(walk.id, question.id, mask ^ (1 << i)),
        )
        for i, option in enumerate(question.options)
    ]
    buttons.append(button(texts.SUBMIT_BUTTON, SubmitChoice(walk.id, question.id, mask)))
    return column(buttons)


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


def options_shown(message: object, question: ChoiceQuestion) -> tuple[str, ...]:
    """The options a question's message shows on its buttons (``choice_keyboard``), which
    may be an earlier version's; the question's own when the message has no keyboard."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return question.options
    labels = [b.text for row in markup.inline_keyboard for b in row]
    if not labels or labels[-1] != texts.SUBMIT_BUTTON:
        return tuple(labels)
    ticks = [texts.PICKED_TICK.format(option=""), texts.UNPICKED_TICK.format(option="")]
    return tuple(
        next((label[len(t) :] for t in ticks if label.startswith(t)), label)
        for label in labels[:-1]
    )


def question_message(step: QuestionStep, walk: Walk) -> Reply:
    question = step.question
    if isinstance(question, ChoiceQuestion):
        hint = texts.CHOOSE_SEVERAL if several_right(question) else texts.CHOOSE_ONE
        return Reply(question_text(step, hint), choice_keyboard(question, walk))
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


def short_acknowledgement(question: ShortQuestion) -> Reply:
    lines = [texts.ANSWER_RECORDED]
    if question.model_answer:
        lines.append(texts.MODEL_ANSWER.format(model_answer=esc(question.model_answer)))
    return Reply("\n".join(lines))


def stance_chosen(step: QuestionStep, stance: str) -> Reply:
    return Reply(question_text(step, texts.YOUR_STANCE.format(stance=esc(stance))))


def ask_reason(stance: str) -> Reply:
    return Reply(texts.ASK_REASON.format(stance=esc(stance)))


def reason_acknowledgement() -> Reply:
    return Reply(texts.REASON_RECORDED)


# --- the end, progress --------------------------------------------------------------------


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
    lines = [_answer_line(q, by_question.get(q.id)) for q in lesson.questions()]
    chunks: list[str] = []
    current = f"{head}\n\n{texts.SUMMARY_ANSWERS}"
    for line in lines:
        if visible_length(f"{current}\n{line}") > MESSAGE_LIMIT - 100:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}"
    chunks.append(f"{current}\n\n{texts.SUMMARY_WHAT_NEXT}")
    replies = [Reply(chunk) for chunk in chunks]
    replies[-1] = Reply(
        replies[-1].text,
        column(
            [
                button(texts.AGAIN_BUTTON, BeginLesson(lesson.id)),
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
