"""Which entries of a lessons folder are lesson files, and a word about the others.

A folder's lessons are its files ending in .yaml or .yml, not those in its sub-folders.
Names starting with '.' are left alone (editors keep lock and swap files there, some of
them links to nothing). Anything else that looks meant as a lesson is never passed over in
silence: a link that leads to no file is a problem, as its lesson is missing; a folder named
like a lesson, a lesson saved as '.yaml.txt' or under another ending ('.yaml.bak', '.txt':
a file that starts like a lesson) and lessons in a sub-folder are warnings, since the bot
runs well without them.
"""

from __future__ import annotations

import errno
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from bot.lessons.catalog import LessonProblem

LESSON_SUFFIXES = (".yaml", ".yml")
# Endings an editor adds when saving ('lesson.yaml.txt', from Notepad with extensions hidden).
_ADDED_SUFFIXES = (".txt",)
_NAMED = 3  # how many of a sub-folder's lesson files its warning names


@dataclass
class FolderScan:
    """A folder's lesson files, and what is wrong or left out."""

    files: list[Path] = field(default_factory=list)
    problems: list[LessonProblem] = field(default_factory=list)
    warnings: list[LessonProblem] = field(default_factory=list)


def scan_folder(folder: Path) -> FolderScan:
    scan = FolderScan()
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        scan.problems.append(LessonProblem(folder, 1, 1, f"cannot read this folder: {exc}"))
        return scan
    for entry in entries:
        if not entry.name.startswith("."):
            _look_at(entry, folder, scan)
    if not scan.files:
        scan.problems.append(
            LessonProblem(folder, 1, 1, "no lesson files (*.yaml or *.yml) in this folder")
        )
    return scan


def link_problem(path: Path) -> str | None:
    """What is wrong with ``path`` if it is a link that leads to nothing (None otherwise)."""
    if not path.is_symlink():
        return None
    try:
        path.stat()
    except OSError as exc:
        return _unreachable(path, exc)
    return None


def _look_at(entry: Path, folder: Path, scan: FolderScan) -> None:
    def warn(message: str) -> None:
        scan.warnings.append(LessonProblem(entry, 1, 1, f"not read: {message}", warning=True))

    if entry.suffix.lower() in LESSON_SUFFIXES:
        try:
            mode = entry.stat().st_mode  # of what a link leads to
        except OSError as exc:
            scan.problems.append(LessonProblem(entry, 1, 1, _unreachable(entry, exc)))
            return
        if stat.S_ISREG(mode):
            scan.files.append(entry)
        elif stat.S_ISDIR(mode):
            warn(
                "this is a folder, not a lesson file: each lesson is one file ending in .yaml"
                f" or .yml, directly in {folder}"
            )
        else:
            warn("this is not an ordinary file: a lesson is a text file ending in .yaml or .yml")
    elif (
        entry.suffix.lower() in _ADDED_SUFFIXES
        and Path(entry.stem).suffix.lower() in LESSON_SUFFIXES
        and entry.is_file()
    ):
        warn(
            f"only files ending in .yaml or .yml are lessons, and this name ends in"
            f" '{entry.suffix}' (an editor may add it when saving): rename the file to"
            f" '{entry.stem}'"
        )
    elif entry.is_file() and _looks_like_a_lesson(entry):
        warn(
            f"this file looks like a lesson, but only files ending in .yaml or .yml are read:"
            f" rename it to '{_lesson_name(entry)}' if it is one"
        )
    elif entry.is_dir():
        inside = _lesson_names_in(entry)
        if inside:
            warn(
                f"lessons in a sub-folder are not read ({_listed(inside)}); only the files"
                f" directly in {folder} are: move the lessons you want there"
            )


# A lesson's top-level keys, each at the start of a line, as every lesson file has them.
_LESSON_KEYS = (re.compile(r"^id\s*:", re.M), re.compile(r"^sections\s*:", re.M))
_PEEK_BYTES = 64 * 1024


def _looks_like_a_lesson(path: Path) -> bool:
    """A lesson saved under another ending ('lesson.yaml.bak', 'lesson.yam', 'lesson.txt'):
    its first lines say 'id:' and 'sections:'. Notes and pictures are passed over."""
    try:
        with path.open("rb") as stream:
            head = stream.read(_PEEK_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return all(key.search(head) for key in _LESSON_KEYS)


def _lesson_name(path: Path) -> str:
    """The name to give a lesson saved under another ending."""
    name = path.name
    for suffix in LESSON_SUFFIXES:
        at = name.lower().find(suffix + ".")
        if at > 0:
            return name[: at + len(suffix)]  # 'lesson.yaml.bak': 'lesson.yaml'
    return f"{path.stem}.yaml"


def _unreachable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return (
            "this link goes round in a circle (it leads back to itself, through one or more"
            " links) and never reaches a file: point it at the lesson file, or delete it"
        )
    if not path.is_symlink():
        return f"cannot read this file: {exc.strerror or exc}"
    target = path.readlink()
    if _exists_as_link(path.parent / target):
        where = "which is itself a link that leads to no file"
    else:
        where = "which does not exist"
    return f"this is a link to {target}, {where}: point the link at the lesson file, or delete it"


def _exists_as_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(path.lstat().st_mode)
    except OSError:
        return False


def _lesson_names_in(folder: Path) -> list[str]:
    """The names in ``folder`` that end like a lesson file (one level down only)."""
    try:
        return sorted(
            child.name
            for child in folder.iterdir()
            if not child.name.startswith(".") and child.suffix.lower() in LESSON_SUFFIXES
        )
    except OSError:
        return []


def _listed(names: list[str]) -> str:
    shown = names[:_NAMED]
    more = len(names) - len(shown)
    if more:
        return f"{', '.join(shown)} and {more} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"
