"""Lessons: what a lesson file may say, the catalog of loaded lessons, and the loader.

Lesson authors are teachers, not programmers, so a lesson file is checked as a whole and
every problem is reported with its file, line and column and a message that says what is
wrong and how to fix it.

How it works (``load``): the YAML text is composed (never constructed) into nodes that
remember where they start (``compose``; a syntax error is worded by ``syntax``). The nodes
are turned into plain Python values, keeping a map from each value's path
(``("sections", 0, "questions", 1)``) to its key and value nodes, and a few checks that the
models cannot express are made on the way (``checks``: duplicate keys and ids, an answer
that is not an option, values YAML would silently change). The plain values are validated
with the pydantic models (``models``), and each validation error is mapped back to a node
and rewritten in plain words (``explain``; ``wording`` names places and values).

This module gives the models and the catalog, which import no YAML; the loading functions
are in ``bot.lessons.load``.
"""

from bot.lessons.catalog import LessonCatalog
from bot.lessons.models import (
    DEFAULT_STANCES,
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX,
    PROMPT_MAX,
    QUESTION_TYPES,
    SLUG_MAX,
    SLUG_PATTERN,
    TITLE_MAX,
    ChoiceQuestion,
    ChoiceStyle,
    DebateQuestion,
    GlossaryEntry,
    Lesson,
    Question,
    Section,
    ShortQuestion,
    Source,
)

__all__ = [
    "DEFAULT_STANCES",
    "POLL_EXPLANATION_MAX",
    "POLL_OPTIONS_MAX",
    "POLL_OPTIONS_MIN",
    "POLL_OPTION_MAX",
    "POLL_QUESTION_MAX",
    "PROMPT_MAX",
    "QUESTION_TYPES",
    "SLUG_MAX",
    "SLUG_PATTERN",
    "TITLE_MAX",
    "ChoiceQuestion",
    "ChoiceStyle",
    "DebateQuestion",
    "GlossaryEntry",
    "Lesson",
    "LessonCatalog",
    "Question",
    "Section",
    "ShortQuestion",
    "Source",
]
