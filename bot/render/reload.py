"""The moderator's reply to /reload: the lessons now offered, or the problems that kept the
ones loaded before, each with its file, line and column."""

from __future__ import annotations

from collections.abc import Callable

from bot import i18n, texts
from bot.lessons.catalog import LessonProblem
from bot.lessons.reload import Reloaded
from bot.render.fit import pack
from bot.render.markup import Reply, esc


def _line(problem: LessonProblem, redact: Callable[[str], str]) -> str:
    # The file's name is enough: every lesson file is in the one prompts folder.
    where = f"{problem.path.name}:{problem.line}:{problem.column}:"
    return texts.RELOAD_PROBLEM.format(where=esc(where), message=esc(redact(problem.message)))


def reload_outcome(outcome: Reloaded, redact: Callable[[str], str]) -> list[Reply]:
    """``redact`` hides the token from what a file quotes (a lesson file may hold it)."""
    if outcome.kept_old:
        blocks = [
            texts.RELOAD_KEPT.format(
                problems=i18n.plural(len(outcome.problems), texts.COUNT_PROBLEMS)
            ),
            *(_line(problem, redact) for problem in outcome.problems),
        ]
    else:
        lessons = outcome.catalog.lessons
        blocks = [texts.RELOADED.format(count=i18n.plural(len(lessons), texts.COUNT_LESSONS))]
        blocks.extend(
            texts.RELOADED_LESSON.format(title=esc(lesson.title), id=esc(lesson.id))
            for lesson in lessons
        )
        gone = [lesson_id for lesson_id in outcome.before if lesson_id not in outcome.catalog]
        if gone:
            blocks.append(texts.RELOADED_GONE.format(ids=esc(", ".join(gone))))
    if outcome.warnings:
        blocks.append(texts.RELOAD_WARNINGS.format(count=len(outcome.warnings)))
        blocks.extend(_line(warning, redact) for warning in outcome.warnings)
    return [Reply(text) for text in pack(blocks, separator="\n")]
