"""The in-Telegram /export: one group's response log as file bytes, built with the same
code and columns as ``python -m bot export``, and the file's name. Blocking (sqlite3, file
building), so the bot runs it in a worker thread."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Final

from bot.export import ExportFormat, LessonIndex, export_rows, write_export
from bot.lessons import LessonCatalog
from bot.lookup_export import write_lookups
from bot.storage.exports import AnswerFilter, iter_answers, open_readonly

# Characters some system refuses in a file name (Windows the most), and Windows' reserved
# names, which no extension makes usable.
_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*]')
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in range(10)}
)
PART_LIMIT: Final = 60  # characters of the group's title, and of the lesson's
NAME_BYTES: Final = 200  # the whole name in UTF-8: most file systems allow 255


def export_chat(
    db_path: Path,
    catalog: LessonCatalog,
    chat_id: int,
    session_id: int | None,
    fmt: ExportFormat,
    *,
    history: bool = False,
    assignment_id: int | None = None,
) -> tuple[bytes, int]:
    """(file contents, row count) of a chat's answers: one session or all, the current
    answers or (``history``) every version; ``assignment_id``: only the answers to that
    homework of the group (the dashboard's homework page)."""
    index = LessonIndex.from_catalog(catalog)
    connection = open_readonly(db_path)
    try:
        records = iter_answers(
            connection,
            AnswerFilter(
                chat_id=chat_id,
                session_id=session_id,
                history=history,
                assignment_id=assignment_id,
            ),
            index.order(),
        )
        stream = io.BytesIO()
        rows = write_export(export_rows(records, index), fmt, stream, index)
    finally:
        connection.close()
    return stream.getvalue(), rows


def export_lookups(db_path: Path, chat_id: int, fmt: ExportFormat) -> tuple[bytes, int]:
    """(file contents, row count) of the glossary lookups made in a chat (📖 Words pressed
    under its messages): the rows and columns of ``python -m bot export --lookups --chat``,
    written by the same code. ``csv`` or ``jsonl``."""
    connection = open_readonly(db_path)
    try:
        stream = io.BytesIO()
        rows = write_lookups(connection, AnswerFilter(chat_id=chat_id), fmt, stream)
    finally:
        connection.close()
    return stream.getvalue(), rows


def safe_part(text: str, fallback: str) -> str:
    """A piece of a file name every system takes: no path separators, colons or other
    characters Windows refuses, no control or invisible characters, no leading or trailing
    dots and spaces, one space for any run of white space, at most ``PART_LIMIT``
    characters; letters of any script and emoji are kept."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if char.isspace() or _FORBIDDEN.match(char) else char
        for char in text
        # Control, format (zero-width, direction marks), private-use and unassigned.
        if unicodedata.category(char)[0] != "C" or char.isspace()
    )
    kept = " ".join(kept.split())[:PART_LIMIT].strip(" .")
    if not kept:
        return fallback
    if kept.split(".")[0].upper() in _RESERVED:
        kept = f"_{kept}"
    return kept


def export_file_name(group: str, lesson: str, day: str, fmt: str, *, history: bool) -> str:
    """``<group title>_<lesson>_<date>.<fmt>``, or ``..._history.<fmt>`` for every version,
    safe on every system and at most ``NAME_BYTES`` bytes."""
    suffix = f"_{safe_part(day, 'day')}{'_history' if history else ''}.{fmt}"
    group_part, lesson_part = safe_part(group, "group"), safe_part(lesson, "lesson")
    while len(f"{group_part}_{lesson_part}{suffix}".encode()) > NAME_BYTES:
        # Only a title of wide characters gets here: shorten the longer part.
        if len(group_part) >= len(lesson_part):
            group_part = group_part[:-1].rstrip(" .") or "group"
        else:
            lesson_part = lesson_part[:-1].rstrip(" .") or "lesson"
    return f"{group_part}_{lesson_part}{suffix}"
