"""Authoring advice: warnings about a valid lesson that would teach less well than it could.

The patterns are those item analysis flags in question banks: a right option a student can
spot without reading (the longest one, or the only one in the text's own words), a wrong
option nobody would pick, a section with nothing asked about it, and a question whose answer
comes only in a later section. They are warnings: ``validate`` prints them and exits 0
(1 with ``--strict``); the bot runs with them.

The text is compared as runs of words (lowercase, apostrophes made one), so "Seoul's" and
"Seoul’s" are the same word and punctuation does not matter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.lessons.glossary import advise as glossary_advice
from bot.lessons.models import ChoiceQuestion, Lesson, Question
from bot.lessons.wording import Loc, clip

# A right option of this many words or more, found as it is in the text, "copies" it.
_COPY_WORDS = 4
# A wrong option sharing a run of this many words with the text "uses" the text.
_USE_WORDS = 3
# The share of a right option's words that must be found in a section's text for the
# section to "hold" the answer.
_HELD_SHARE = 0.6

# Options a reader of the text rules out without thinking: they name nothing in it.
_EMPTY_OPTIONS = frozenset(
    {"none", "nothing", "n/a", "no answer", "i don't know", "don't know", "none of them"}
)
# Options that point at the other options' places, which shuffling changes.
_POSITIONAL_OPTIONS = frozenset(
    {
        "all of the above",
        "all the above",
        "none of the above",
        "both of the above",
        "all of these",
        "none of these",
        "both a and b",
        "a and b",
        "a, b and c",
    }
)

Where = Callable[[Loc], tuple[int, int]]


@dataclass(frozen=True)
class Advice:
    line: int
    column: int
    message: str


def advise(lesson: Lesson, where: Where) -> list[Advice]:
    """Every warning about ``lesson``; ``where`` gives the line and column of a place."""
    found: list[Advice] = []

    def warn(loc: Loc, message: str) -> None:
        line, column = where(loc)
        found.append(Advice(line, column, message))

    section_words = [_words(section.text) for section in lesson.sections]
    all_words = [word for words in section_words for word in words]
    longest: list[tuple[Loc, str]] = []
    choices = 0
    for index, section in enumerate(lesson.sections):
        if not section.questions:
            warn(
                ("sections", index, "title"),
                "this section has no questions: add at least one, so that students check"
                " they have understood it (or join it with the next section)",
            )
    for loc, question, section_index in _questions(lesson):
        if not isinstance(question, ChoiceQuestion):
            continue
        choices += 1
        right = question.correct_options
        wrong = [option for option in question.options if option not in right]
        if len(right) == 1 and wrong and len(right[0]) > max(len(o) for o in wrong):
            longest.append((loc, question.id))
        _odd_options(lesson, question, loc, warn)
        if len(right) == 1 and wrong:
            _copied(right[0], wrong, all_words, loc, warn)
        if section_index is not None:
            _answered_later(lesson, question, section_words, section_index, loc, warn)
    if choices >= 2 and len(longest) * 2 > choices:
        ids = ", ".join(question_id for _, question_id in longest)
        warn(
            (*longest[0][0], "answer"),
            f"the right option is the longest in {len(longest)} of {choices} choice questions"
            f" ({ids}): a student who always picks the longest option scores {len(longest)}"
            f" of {choices}; make some wrong options as long as the right one",
        )
    glossary_advice(lesson, warn, where)
    return found


def _questions(lesson: Lesson) -> Iterator[tuple[Loc, Question, int | None]]:
    for s_index, section in enumerate(lesson.sections):
        for q_index, question in enumerate(section.questions):
            yield ("sections", s_index, "questions", q_index), question, s_index
    for q_index, question in enumerate(lesson.discussion):
        yield ("discussion", q_index), question, None


def _odd_options(
    lesson: Lesson, question: ChoiceQuestion, loc: Loc, warn: Callable[[Loc, str], None]
) -> None:
    for index, option in enumerate(question.options):
        plain = " ".join(option.lower().replace("’", "'").strip(" .!").split())
        if plain in _POSITIONAL_OPTIONS and lesson.shuffles(question):
            warn(
                (*loc, "options", index),
                f"the option '{clip(option, 40)}' points at the other options' places, but"
                " options are shown in a shuffled order: write 'shuffle: false' on this"
                " question to keep the written order",
            )
        elif plain in _EMPTY_OPTIONS and option not in question.correct_options:
            warn(
                (*loc, "options", index),
                f"no reader of the text would pick the option '{clip(option, 40)}': a wrong"
                " option teaches more when it is a phrase of the text used wrongly",
            )


def _copied(
    right: str,
    wrong: list[str],
    text_words: list[str],
    loc: Loc,
    warn: Callable[[Loc, str], None],
) -> None:
    words = _words(right)
    if len(words) < _COPY_WORDS or not _contains(text_words, words):
        return
    runs = _runs(text_words, _USE_WORDS)
    if any(_runs(_words(option), _USE_WORDS) & runs for option in wrong):
        return
    warn(
        (*loc, "answer"),
        "the right option copies the text word for word and no wrong option uses the text's"
        " words, so it can be spotted by its wording alone: say it in other words, or make"
        " the wrong options from other phrases of the text",
    )


def _answered_later(
    lesson: Lesson,
    question: ChoiceQuestion,
    section_words: list[list[str]],
    section_index: int,
    loc: Loc,
    warn: Callable[[Loc, str], None],
) -> None:
    read = [word for words in section_words[: section_index + 1] for word in words]
    for right in question.correct_options:
        words = _words(right)
        if len(words) < _COPY_WORDS or _held(words, read):
            continue
        later = next(
            (
                index
                for index in range(section_index + 1, len(section_words))
                if _held(words, section_words[index])
            ),
            None,
        )
        if later is not None:
            title = clip(lesson.sections[later].title, 40)
            warn(
                (*loc, "answer"),
                f"the answer is in a later section (section {later + 1}, '{title}'), which"
                " students have not read when this question is asked: move the question to"
                " that section",
            )
            return


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'").replace("'", ""))


def _contains(words: list[str], part: list[str]) -> bool:
    size = len(part)
    return any(words[i : i + size] == part for i in range(len(words) - size + 1))


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _held(words: list[str], text: list[str]) -> bool:
    """Whether most of ``words`` are found in ``text`` in runs of two or more."""
    runs = _runs(text, 2)
    covered = [False] * len(words)
    for i in range(len(words) - 1):
        if (words[i], words[i + 1]) in runs:
            covered[i] = covered[i + 1] = True
    return sum(covered) >= _HELD_SHARE * len(words)
