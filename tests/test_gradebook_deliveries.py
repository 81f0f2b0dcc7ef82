"""Issue 13, the grade book: a waiting export keeps its format (xlsx too) and whether it
holds every version (schema migration 6), across the upgrade of an older database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import Storage
from bot.storage.records import Delivery
from bot.storage.schema import MIGRATIONS


def database_at_version_5(path: Path) -> None:
    connection = sqlite3.connect(path)
    for statements in MIGRATIONS[:5]:
        for statement in statements:
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 5")
    connection.execute(
        "INSERT INTO deliveries (user_id, kind, chat_id, format, all_sessions, created_at) "
        "VALUES (7, 'export', -100, 'jsonl', 1, '2026-11-01T09:00:00.000Z')"
    )
    connection.commit()
    connection.close()


async def test_a_waiting_export_survives_the_upgrade_and_may_be_a_history_grade_book(
    tmp_path: Path,
) -> None:
    db = tmp_path / "bot.sqlite3"
    database_at_version_5(db)
    storage = await Storage.open(db)
    try:
        await storage.add_delivery(7, "export", -100, "xlsx", all_sessions=False, history=True)
        taken = await storage.take_deliveries(7)
    finally:
        await storage.close()
    assert taken == [
        Delivery(1, 7, "export", -100, "jsonl", True, False),
        Delivery(2, 7, "export", -100, "xlsx", False, True),
    ]
