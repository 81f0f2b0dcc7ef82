"""Tools for lesson authors at the command line: ``new`` (a lesson drafted from an article)
and ``preview`` (a lesson as its readers will see it).

``bot.__main__`` registers them with ``add_commands`` and hands them over with
``run_lesson_tool``. A mistake (no such article, a file that would be overwritten, an invalid
lesson) is said in a line or a list of problems, with exit status 2 or 1, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Final

from bot.cli_exit import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import Settings
from bot.lesson_tools.draft import (
    Draft,
    group_paragraphs,
    looks_like_a_title,
    paragraphs_of,
    render_draft,
    slug,
)
from bot.lessons.load import load_lesson_file, load_lessons
from bot.lessons.models import SLUG_MAX, SLUG_PATTERN, TITLE_MAX
from bot.render.words import plural

LESSON_TOOL_COMMANDS: Final = frozenset({"new", "preview"})


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = commands.add_parser("new", help="draft a lesson file from a plain-text article")
    new.add_argument("article", type=Path, metavar="ARTICLE.txt", help="the article, UTF-8")
    new.add_argument("--id", help="the lesson's id (default: from the title)")
    new.add_argument("--title", help="the lesson's title (default: the article's first line)")
    new.add_argument("--publisher", default="", help="the source's publisher")
    new.add_argument("--date", help="the article's date, like 2020-07-08 (default: today)")
    new.add_argument("--out", type=Path, help="the lesson file (default: PROMPTS/ID.yaml)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    preview = commands.add_parser("preview", help="show a lesson as its readers will see it")
    preview.add_argument("lesson", type=Path, metavar="LESSON.yaml")
    preview.add_argument(
        "--as",
        dest="audience",
        choices=("private", "group"),
        default="private",
        help="a student's private chat (default) or a group session",
    )
    preview.add_argument(
        "--interactive",
        action="store_true",
        help="take the lesson at the terminal, answering, as a student would",
    )


def run_lesson_tool(arguments: argparse.Namespace, settings: Settings) -> int:
    try:
        if arguments.command == "new":
            return _new(arguments, settings)
        return _preview(arguments)
    except _Usage as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


class _Usage(Exception):
    """A mistake in the command line, said in one line."""


def _new(arguments: argparse.Namespace, settings: Settings) -> int:
    article = _read_article(arguments.article)
    paragraphs = paragraphs_of(article)
    if not paragraphs:
        raise _Usage(f"{arguments.article} has no text: paste the article into it first")
    title = arguments.title
    if title is None:
        if len(paragraphs) > 1 and looks_like_a_title(paragraphs[0]):
            title = paragraphs.pop(0)
        else:
            title = arguments.article.stem.replace("-", " ").replace("_", " ").strip()
    title = " ".join(title.split())[:TITLE_MAX] or "New lesson"
    lesson_id = arguments.id or slug(title)
    if not _is_slug(lesson_id):
        raise _Usage(
            f"'{lesson_id}' is not a valid id: use lowercase letters, digits and hyphens"
            f" between words, at most {SLUG_MAX} characters"
        )
    draft = Draft(
        lesson_id=lesson_id,
        title=title,
        publisher=arguments.publisher.strip() or "The publisher",
        date=_date(arguments.date),
        sections=tuple(tuple(section) for section in group_paragraphs(paragraphs)),
    )
    out: Path = arguments.out or settings.prompts_dir / f"{lesson_id}.yaml"
    if out.exists() and not arguments.force:
        raise _Usage(f"{out} already exists: choose another --out, or add --force to replace it")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_draft(draft), encoding="utf-8")
    except OSError as error:
        raise _Usage(f"cannot write {out}: {error.strerror or error}") from None
    catalog, problems = load_lessons([out])
    for problem in sorted([*problems, *catalog.warnings]):
        print(problem, file=sys.stderr)
    print(
        f"Wrote {out}: {plural(len(draft.sections), 'section')} from"
        f" {plural(sum(len(s) for s in draft.sections), 'paragraph')}. The warnings above"
        " say what is left to write; `python -m bot preview` shows it as readers will."
    )
    return EXIT_FAILED if problems else EXIT_OK


def _preview(arguments: argparse.Namespace) -> int:
    from bot.lesson_tools.preview import preview  # the Telegram stack, only for this command

    path: Path = arguments.lesson
    if not path.is_file():
        raise _Usage(f"{path}: no such lesson file")
    lesson, problems = load_lesson_file(path)
    if lesson is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{plural(len(problems), 'problem')} found.", file=sys.stderr)
        return EXIT_FAILED
    if arguments.interactive:
        from bot.lesson_tools.interactive import take_lesson

        try:
            take_lesson(lesson, input, print)
        except (EOFError, KeyboardInterrupt):
            print("\nStopped.")
        return EXIT_OK
    sys.stdout.write(preview(lesson, arguments.audience))
    return EXIT_OK


def _read_article(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _Usage(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise _Usage(f"{path} is not UTF-8 text: save it as UTF-8 in your editor") from None
    except OSError as error:
        raise _Usage(f"cannot read {path}: {error.strerror or error}") from None


def _date(given: str | None) -> dt.date:
    if given is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise _Usage(f"--date {given!r} is not a date: write it like 2020-07-08") from None


def _is_slug(text: str) -> bool:
    return len(text) <= SLUG_MAX and re.fullmatch(SLUG_PATTERN, text) is not None
