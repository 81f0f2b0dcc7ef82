"""Glossary lookups as their own export file (``python -m bot export --lookups``): one row
per term a reader was shown by 📖 Words, as CSV (UTF-8 with a BOM, CRLF, cells a
spreadsheet would run neutralised, as the answers' export) or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import IO

from bot.export import Pseudonymizer, csv_value
from bot.storage.exports import LOOKUP_COLUMNS, AnswerFilter, RawLookup, iter_lookups

_BATCH = 2000


def lookup_rows(
    raw: Iterable[RawLookup], pseudonymizer: Pseudonymizer | None = None
) -> Iterator[tuple[object, ...]]:
    """Rows in LOOKUP_COLUMNS order; with a pseudonymizer the user id (and a private
    chat's id and title, which name the person) become their pseudonym."""
    for looked_at, chat_id, title, chat_type, lesson_id, section, term, user_id in raw:
        person: object = user_id
        chat: object = chat_id
        if pseudonymizer is not None:
            person = pseudonymizer.member(user_id)[0]
            if chat_type == "private":
                chat, title = pseudonymizer.member(chat_id)[0], None
        yield (looked_at, chat, title, chat_type, lesson_id, section, term, person)


def write_lookups(
    connection: sqlite3.Connection,
    answer_filter: AnswerFilter,
    fmt: str,
    stream: IO[bytes],
    *,
    pseudonymizer: Pseudonymizer | None = None,
) -> int:
    """Write the lookups the filter selects as ``csv`` or ``jsonl``; returns the row count."""
    rows = lookup_rows(iter_lookups(connection, answer_filter), pseudonymizer)
    count = 0
    if fmt == "csv":
        stream.write("\ufeff".encode())
        buffer = io.StringIO()
        writer = csv.writer(buffer)  # the excel dialect: CRLF
        writer.writerow(LOOKUP_COLUMNS)
        for row in rows:
            writer.writerow([csv_value(value) for value in row])
            count += 1
            if count % _BATCH == 0:
                stream.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        stream.write(buffer.getvalue().encode())
    elif fmt == "jsonl":
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for row in rows:
            stream.write((encode(dict(zip(LOOKUP_COLUMNS, row, strict=True))) + "\n").encode())
            count += 1
    else:
        raise ValueError(f"lookups are exported as csv or jsonl, not {fmt!r}")
    stream.flush()
    return count
