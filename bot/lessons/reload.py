"""Lessons edited while the bot runs, loaded again without a restart (SIGHUP and /reload).

Everything is validated first: a new catalog replaces the old one only when every lesson
file is valid; on any problem the old catalog stays and the problems are given back, with
their lines. Walks in progress carry on as after a restart with the edited files: each
answer looks its lesson up in the catalog, and a changed lesson is handled as it always is
(``bot.walk.realigned_position``, the answers' ``lesson_version``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.lessons.catalog import LessonCatalog, LessonProblem
from bot.lessons.load import load_lessons

if TYPE_CHECKING:
    from bot.context import BotApplication, BotData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reloaded:
    """What a reload did: ``catalog`` is the one now in use (the old one if ``problems``)."""

    catalog: LessonCatalog
    problems: tuple[LessonProblem, ...]
    warnings: tuple[LessonProblem, ...]
    before: tuple[str, ...]  # the lesson ids loaded before, in order

    @property
    def kept_old(self) -> bool:
        return bool(self.problems)


async def reload_catalog(current: LessonCatalog, prompts_dir: Path) -> Reloaded:
    """The catalog the folder holds now, or ``current`` with the problems that keep it."""
    # Reading and parsing files must not hold up the updates being handled. Two reloads at
    # once each read the whole folder: the later one to finish is kept, which is as new.
    catalog, problems = await asyncio.to_thread(load_lessons, [prompts_dir])
    before = tuple(lesson.id for lesson in current)
    if problems:
        return Reloaded(current, tuple(problems), catalog.warnings, before)
    return Reloaded(catalog, (), catalog.warnings, before)


def log_outcome(outcome: Reloaded) -> None:
    """One line for the log, and each problem and warning (the token never in them: the
    log's own filter redacts it)."""
    for warning in outcome.warnings:
        log.warning("%s", warning)
    if outcome.kept_old:
        for problem in outcome.problems:
            log.error("%s", problem)
        log.error(
            "lessons not reloaded: %d problem(s); the lessons loaded before are kept",
            len(outcome.problems),
        )
    else:
        log.info(
            "lessons reloaded: %s", ", ".join(lesson.id for lesson in outcome.catalog) or "none"
        )


async def reload_into(bot_data: BotData) -> Reloaded:
    """Reload the lessons of the running bot (``bot_data.catalog``), and log what happened."""
    settings = bot_data.settings
    if settings is None:  # pragma: no cover - build_application sets the settings
        raise RuntimeError("the bot's settings are not set")
    outcome = await reload_catalog(bot_data.catalog, settings.prompts_dir)
    bot_data.catalog = outcome.catalog
    log_outcome(outcome)
    return outcome


def reload_on_signal(application: BotApplication) -> None:
    """SIGHUP: the reload runs as one of the application's tasks; its outcome is logged."""
    application.create_task(reload_into(application.bot_data), name="reload lessons")
