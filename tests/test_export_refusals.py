"""An export the database refuses writes nothing: ``python -m bot export`` decides it cannot
export before the CSV's BOM or header reaches stdout, so a person redirecting it to a file
gets an empty file, the one-line error on stderr and a non-zero exit status."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.export import COLUMNS
from bot.storage.exports import LOOKUP_COLUMNS
from bot.storage.schema import MIGRATIONS
from tests.actors import SMALL_LESSON, write_lesson

# Every test here runs without this machine's settings (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env")


def database_before(path: Path, change: str) -> Path:
    """A bot database as an older bot left it: every migration before the first one whose
    statements hold ``change``."""
    before = next(
        i
        for i, statements in enumerate(MIGRATIONS)
        if any(change in statement for statement in statements)
    )
    with closing(sqlite3.connect(path)) as connection:
        for statements in MIGRATIONS[:before]:
            for statement in statements:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {before:d}")
        connection.commit()
    return path


def export(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, bytes, str]:
    """Run ``python -m bot export`` in this process; (status, stdout's bytes, stderr)."""
    prompts = db.parent / "prompts"
    if not prompts.exists():
        write_lesson(db.parent, SMALL_LESSON)
    code = main(["export", "--db", str(db), "--prompts", str(prompts), *args])
    out = capsys.readouterr()
    # The export writes to sys.stdout.buffer; capsys's stream keeps those bytes.
    return code, out.out.encode("utf-8"), out.err


def test_homework_asked_of_a_database_older_than_homework_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = database_before(tmp_path / "bot.sqlite3", "CREATE TABLE assignments")
    for fmt in ("csv", "jsonl", "xlsx"):
        code, out, err = export(capsys, db, "--assignment", "1", "--format", fmt)
        assert (code, out) == (2, b""), fmt
        assert err == "error: this database has no assignments (it is older than homework)\n"


def test_homework_lookups_asked_of_a_database_that_cannot_tell_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Its homework 1 is there, but its lookups name no walk: refused in its own words. A
    homework number nobody has is refused first, as on every database: what was not found
    and where the numbers are listed."""
    db = database_before(tmp_path / "bot.sqlite3", "lookups ADD COLUMN walk_id")
    with closing(sqlite3.connect(db)) as connection:
        connection.execute(
            "INSERT INTO assignments (id, chat_id, lesson_id, deadline, created_by, "
            "created_by_name, created_at) VALUES (1, -1001, 'mini', '2030-01-01T00:00:00Z', "
            "501, 'Ana', '2026-01-01T00:00:00Z')"
        )
        connection.commit()
    for fmt in ("csv", "jsonl"):
        code, out, err = export(capsys, db, "--lookups", "--assignment", "1", "--format", fmt)
        assert (code, out) == (2, b""), fmt
        assert err == "error: this database does not tell which lookups were homework's\n"
        code, out, err = export(capsys, db, "--lookups", "--assignment", "999", "--format", fmt)
        assert (code, out) == (2, b""), fmt
        assert err == (
            "error: no homework 999 in this database: `python -m bot sessions` lists every "
            "homework with its number (so does the group's /report)\n"
        )


def test_the_same_databases_still_export_what_they_hold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without the refused filter, the old databases export as before: a header only."""
    old = database_before(tmp_path / "old.sqlite3", "CREATE TABLE assignments")
    code, out, err = export(capsys, old)
    assert (code, err) == (0, "")
    assert out == ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()
    older_lookups = database_before(tmp_path / "lookups.sqlite3", "lookups ADD COLUMN walk_id")
    code, out, err = export(capsys, older_lookups, "--lookups")
    assert (code, err) == (0, "")
    assert out == ("\ufeff" + ",".join(LOOKUP_COLUMNS) + "\r\n").encode()
