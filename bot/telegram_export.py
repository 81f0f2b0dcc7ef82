"""The in-Telegram /export: one group's response log as file bytes, built with the same
code and columns as ``python -m bot export``. Blocking (sqlite3, file building), so the
bot runs it in a worker thread."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

from bot.export import LessonIndex, export_rows, write_export
from bot.lessons import LessonCatalog
from bot.storage.exports import AnswerFilter, iter_answers, open_readonly


def export_chat(
    db_path: Path,
    catalog: LessonCatalog,
    chat_id: int,
    session_id: int | None,
    fmt: Literal["csv", "jsonl"],
) -> tuple[bytes, int]:
    """(file contents, row count) of a chat's current answers: one session or all."""
    index = LessonIndex.from_catalog(catalog)
    connection = open_readonly(db_path)
    try:
        records = iter_answers(
            connection, AnswerFilter(chat_id=chat_id, session_id=session_id), index.order()
        )
        stream = io.BytesIO()
        rows = write_export(export_rows(records, index), fmt, stream)
    finally:
        connection.close()
    return stream.getvalue(), rows
