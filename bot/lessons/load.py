"""Lesson files and folders to a catalog: each file read, composed, checked and explained.

This module imports the YAML parser; runtime code that only names a catalog or a lesson
imports ``bot.lessons`` instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.lessons import glossary
from bot.lessons.advice import advise
from bot.lessons.catalog import LessonCatalog, LessonProblem, LessonsInvalid
from bot.lessons.checks import LOADER_FIELDS, Checker
from bot.lessons.compose import (
    Fatal,
    compose,
    describe_node,
    is_empty,
    position,
    too_deep_message,
)
from bot.lessons.explain import explain
from bot.lessons.folder import LESSON_SUFFIXES, link_problem, scan_folder
from bot.lessons.models import Lesson
from bot.lessons.syntax import syntax_problem, text_position

__all__ = [
    "LESSON_SUFFIXES",
    "MAX_FILE_BYTES",
    "load_catalog",
    "load_lesson_file",
    "load_lessons",
]

MAX_FILE_BYTES = 2 * 1024 * 1024


def load_lesson_file(path: Path) -> tuple[Lesson | None, list[LessonProblem]]:
    """Load one lesson file. The lesson is None whenever there is any problem."""
    loaded = _load_file(path)
    return loaded.lesson, loaded.problems


def load_lessons(paths: Sequence[Path]) -> tuple[LessonCatalog, list[LessonProblem]]:
    """Load lesson files and folders (a folder's ``*.yaml``/``*.yml`` files, not recursive).

    Returns the catalog of the valid lessons, with the warnings (what was left unread,
    ``bot.lessons.folder``; how a lesson could teach better, ``bot.lessons.advice``), and
    every problem found, sorted.
    """
    problems: list[LessonProblem] = []
    warnings: list[LessonProblem] = []
    files: dict[Path, Path] = {}  # resolved -> as given, to read each file once
    for path in paths:
        if path.is_dir():
            scan = scan_folder(path)
            problems.extend(scan.problems)
            warnings.extend(scan.warnings)
            for child in scan.files:
                files.setdefault(child.resolve(), child)
        elif path.is_file():
            files.setdefault(path.resolve(), path)
        elif path.exists():
            problems.append(LessonProblem(path, 1, 1, "this is neither a file nor a folder"))
        else:
            message = link_problem(path) or "no such file or folder"
            problems.append(LessonProblem(path, 1, 1, message))

    lessons: list[Lesson] = []
    first_with_id: dict[str, Path] = {}
    for path in sorted(files.values(), key=lambda p: (p.name, str(p))):
        loaded = _load_file(path)
        problems.extend(loaded.problems)
        warnings.extend(loaded.warnings)
        if loaded.lesson_id is not None:
            lesson_id, line, column = loaded.lesson_id
            if lesson_id in first_with_id:
                problems.append(
                    LessonProblem(
                        path,
                        line,
                        column,
                        f"lesson id '{lesson_id}' is already used by {first_with_id[lesson_id]}:"
                        " every lesson needs its own id",
                    )
                )
                continue
            first_with_id[lesson_id] = path
        if loaded.lesson is not None:
            lessons.append(loaded.lesson)
    return LessonCatalog(lessons, sorted(set(warnings))), sorted(set(problems))


def load_catalog(paths: Sequence[Path]) -> LessonCatalog:
    """Load lessons like ``load_lessons``, raising ``LessonsInvalid`` if anything is wrong."""
    catalog, problems = load_lessons(paths)
    if problems:
        raise LessonsInvalid(problems)
    return catalog


@dataclass
class _Loaded:
    lesson: Lesson | None
    problems: list[LessonProblem]
    lesson_id: tuple[str, int, int] | None = None  # the id, and where its value is written
    warnings: list[LessonProblem] = field(default_factory=list)


# Complex by nature: each step of reading a file fails as its own located problem.
def _load_file(path: Path) -> _Loaded:  # noqa: C901
    def fail(line: int, column: int, message: str) -> _Loaded:
        return _Loaded(None, [LessonProblem(path, line, column, message)])

    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return fail(1, 1, f"cannot read this file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(
            1,
            1,
            f"the file is too big (over {MAX_FILE_BYTES // (1024 * 1024)} MiB): a lesson file"
            " should be far smaller; split it into several lessons",
        )
    version = hashlib.sha256(raw).hexdigest()[:16]

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        return fail(
            line,
            column,
            f"the file is not saved as UTF-8 text (unexpected byte 0x{raw[exc.start]:02X}"
            " here): save it as UTF-8 in your editor",
        )

    try:
        root = compose(text)
    except Fatal as exc:
        return fail(exc.line, exc.column, exc.message)
    except yaml.MarkedYAMLError as exc:
        line, column, message = syntax_problem(exc)
        return fail(line, column, message)
    except yaml.reader.ReaderError as exc:
        line, column = text_position(text, exc.position)
        return fail(
            line,
            column,
            f"the file contains a special (invisible) character #x{exc.character:04x}"
            " that is not allowed: delete it",
        )
    except yaml.YAMLError as exc:
        return fail(1, 1, f"the file is not valid YAML: {exc}")
    except RecursionError:
        return fail(1, 1, too_deep_message())

    if root is None or is_empty(root):
        return fail(
            1, 1, "the file is empty: a lesson needs at least id, title, source and sections"
        )
    checker = Checker(lines=text.splitlines())
    try:
        data = checker.convert(root, (), None, 1)
    except Fatal as exc:
        problems = [*checker.located(path), LessonProblem(path, exc.line, exc.column, exc.message)]
        return _Loaded(None, sorted(set(problems)))
    except RecursionError:
        return fail(1, 1, too_deep_message())

    if not isinstance(data, dict):
        line, column = position(root)
        return fail(
            line,
            column,
            "a lesson file must be made of 'key: value' lines (id:, title:, source:, sections:),"
            f" but this file is {describe_node(root)}",
        )

    checker.check_lesson(data)
    glossary.check(
        data, lambda loc, message: checker.add_at(loc, message, use_key="translations" in loc)
    )
    for name in LOADER_FIELDS:
        data.pop(name, None)  # reported above; the loader sets them
    lesson: Lesson | None = None
    try:
        validated = Lesson.model_validate(data)
    except ValidationError as exc:
        explain(checker, exc.errors(), data)
    else:
        lesson = validated.model_copy(update={"version": version})

    problems = sorted(set(checker.located(path)))
    lesson_id: tuple[str, int, int] | None = None
    if isinstance(data.get("id"), str) and ("id",) in checker.entries:
        line, column = position(checker.entries[("id",)].value)
        lesson_id = (data["id"], line, column)
    warnings = checker.warnings(path)
    if lesson is not None and not problems:
        warnings.extend(
            LessonProblem(path, advice.line, advice.column, advice.message, warning=True)
            for advice in advise(lesson, checker.where)
        )
    return _Loaded(lesson if not problems else None, problems, lesson_id, sorted(set(warnings)))
