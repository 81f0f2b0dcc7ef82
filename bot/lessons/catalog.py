"""The loaded lessons, and a problem found in a lesson file.

Nothing here reads YAML, so runtime code can name a catalog without importing the loader
(``bot.lessons.load``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.lessons.models import QUESTION_TYPES, Lesson
from bot.render.words import plural


@dataclass(frozen=True, order=True)
class LessonProblem:
    """One mistake in a lesson file; ``line`` and ``column`` are 1-based.

    A warning is about something left unread (a file named not quite like a lesson): it is
    said, but it stops neither ``validate`` nor the bot.
    """

    path: Path
    line: int
    column: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}:{self.column}: {kind}{self.message}"


class LessonCatalog:
    """The valid lessons, in the order given (``load_lessons`` orders them by file name)."""

    __slots__ = ("_by_id", "_lessons", "_warnings")

    def __init__(self, lessons: Sequence[Lesson], warnings: Sequence[LessonProblem] = ()) -> None:
        by_id: dict[str, Lesson] = {}
        for lesson in lessons:
            if lesson.id in by_id:
                raise ValueError(f"duplicate lesson id {lesson.id!r}")
            by_id[lesson.id] = lesson
        self._lessons = tuple(lessons)
        self._by_id: Mapping[str, Lesson] = by_id
        self._warnings = tuple(warnings)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return self._lessons

    @property
    def warnings(self) -> tuple[LessonProblem, ...]:
        """What loading left unread, said to the author (``validate``) or logged (``run``)."""
        return self._warnings

    def get(self, lesson_id: str) -> Lesson | None:
        return self._by_id.get(lesson_id)

    def __len__(self) -> int:
        return len(self._lessons)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self._lessons)

    def __contains__(self, lesson_id: object) -> bool:
        return isinstance(lesson_id, str) and lesson_id in self._by_id

    def __repr__(self) -> str:
        return f"LessonCatalog({[lesson.id for lesson in self._lessons]!r})"


class LessonsInvalid(Exception):
    """Raised by ``load_catalog``; ``problems`` lists every mistake found."""

    def __init__(self, problems: Sequence[LessonProblem]) -> None:
        self.problems: list[LessonProblem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def summarize(catalog: LessonCatalog) -> str:
    """One line, e.g. ``1 lesson valid: 5 sections, 14 questions (7 choice, 3 short, 4 debate)``."""
    sections = sum(len(lesson.sections) for lesson in catalog)
    counts = dict.fromkeys(QUESTION_TYPES, 0)
    for lesson in catalog:
        for question in lesson.questions():
            counts[question.type] = counts.get(question.type, 0) + 1
    questions = sum(counts.values())
    by_type = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    return (
        f"{plural(len(catalog), 'lesson')} valid: {plural(sections, 'section')}, "
        f"{plural(questions, 'question')} ({by_type})"
    )
