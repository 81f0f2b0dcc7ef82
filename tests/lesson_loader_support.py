"""Shared by the lesson loader tests: a valid lesson, writing it, finding its problems."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.lessons.catalog import LessonProblem
from bot.lessons.load import load_lesson_file

REPO_ROOT = Path(__file__).resolve().parent.parent

# Line numbers of this lesson are used by tests/test_lesson_loader*.py: keep them in place.
VALID = """\
id: test-lesson
title: A test lesson
source:
  publisher: The Paper
  date: 2020-07-08
sections:
  - title: Part one
    text: Some text.
    questions:
      - id: q1
        type: choice
        prompt: Which one?
        options: [Alpha, Beta]
        answer: Alpha
"""


def write(tmp_path: Path, text: str, name: str = "lesson.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_in(path: Path) -> list[LessonProblem]:
    lesson, problems = load_lesson_file(path)
    assert lesson is None, "a file with problems must not give a lesson"
    assert problems == sorted(problems)
    return problems


def assert_problem(problems: list[LessonProblem], where: str, fragment: str) -> LessonProblem:
    """There is a problem at ``where`` ("line:column") whose message contains ``fragment``."""
    found = [p for p in problems if f"{p.line}:{p.column}" == where and fragment in p.message]
    listing = "\n".join(str(p) for p in problems)
    assert found, f"no problem at {where} containing {fragment!r}; got:\n{listing}"
    return found[0]


def only_problem(path: Path, where: str, fragment: str) -> LessonProblem:
    problems = problems_in(path)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return assert_problem(problems, where, fragment)
