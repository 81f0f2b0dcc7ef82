"""``python -m bot backup PATH``: a consistent copy of the bot's database, safe while it runs.

The copy is made with SQLite's online backup API, a few pages at a time with a short pause
between steps. The source is opened read-only (it is never created or written) and one read
transaction is held on it for the whole copy: in WAL mode that pins a snapshot, so the copy
is exactly the database as it was when the backup began, while the running bot goes on
writing beside it (a reader never blocks the writer). The bot's ``<db>.lock`` file is left
alone: a backup is not a second bot instance.

The copy goes to a private temporary file beside PATH, is switched to a single-file
(rollback journal) database, passes ``PRAGMA integrity_check``, is flushed to disk, and
only then renamed over PATH: a failed or interrupted backup never leaves a half copy there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from bot.cli_exit import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import Settings
from bot.render.words import plural

STEP_PAGES: Final = 128
STEP_PAUSE_SECONDS: Final = 0.005
BUSY_TIMEOUT_MS: Final = 5000
# Files SQLite and the bot keep beside a database: a backup must not land on one of them.
_SIDECARS: Final = ("-wal", "-shm", "-journal", ".lock")


class BackupError(Exception):
    """The backup failed (the source cannot be read, the copy cannot be written or checked);
    the message is one line for the person running the command."""


class BackupRefused(BackupError):
    """The command asks for something a backup must never do (overwrite its own source)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size: int  # bytes
    tables: int
    answers: int | None  # None when the database has no answers table

    def summary(self) -> str:
        answers = "" if self.answers is None else f", {plural(self.answers, 'answer')}"
        return (
            f"backed up to {self.path}: {plural(self.size, 'byte')}, "
            f"{plural(self.tables, 'table')}{answers}; integrity check ok"
        )


def backup_database(
    source: Path,
    target: Path,
    *,
    pages: int = STEP_PAGES,
    pause: float = STEP_PAUSE_SECONDS,
) -> BackupResult:
    """Copy the database at ``source`` to ``target`` (replacing a file already there).

    Raises ``BackupRefused`` if ``target`` is the source (or one of its side files) and
    ``BackupError`` for anything else that goes wrong; ``target`` is then left as it was.
    """
    _check_paths(source, target)
    handle, name = _temporary_beside(target)
    os.close(handle)
    partial = Path(name)
    try:
        with closing(_open_source(source)) as reader:
            _copy(reader, source, partial, pages, pause)
        tables, answers = _check_copy(source, partial)
        _flush(partial)
        try:
            partial.replace(target)
        except OSError as error:
            raise BackupError(f"cannot write the backup {target}: {_why(error)}") from None
        _flush_folder(target.parent)
    except BaseException:
        _remove(partial)
        raise
    return BackupResult(target, target.stat().st_size, tables, answers)


def _check_paths(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"no database at {source}: nothing to back up (check --db)")
    if not source.is_file():
        raise BackupError(f"{source} is not a database file")
    if target.is_dir():
        raise BackupError(f"cannot write the backup {target}: it is a folder, give a file name")
    if not target.parent.is_dir():
        raise BackupError(
            f"cannot write the backup {target}: the folder {target.parent} is missing"
        )
    if is_database_file(target, source):
        raise BackupRefused(f"refusing to back up {source} onto itself: give another file as PATH")


def is_database_file(path: Path, database: Path) -> bool:
    """Whether writing ``path`` would replace ``database`` or a file kept beside it (its
    -wal, -shm, -journal or the bot's lock file): the same file by inode where both exist (a
    hard link), else the same path once links and ``..`` are resolved (a file not made yet).
    The backup and export commands refuse such a path."""
    real = database.resolve()
    guarded = [database, *(Path(f"{database}{suffix}") for suffix in _SIDECARS)]
    if path.resolve() in {real, *(Path(f"{real}{suffix}") for suffix in _SIDECARS)}:
        return True
    for guarded_file in guarded:
        with contextlib.suppress(OSError):  # either one missing: not the same file
            if path.samefile(guarded_file):
                return True
    return False


def _temporary_beside(target: Path) -> tuple[int, str]:
    try:
        # mkstemp creates the file readable by its owner only: the copy holds student data.
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as error:
        raise BackupError(f"cannot write the backup {target}: {_why(error)}") from None


def _open_source(source: Path) -> sqlite3.Connection:
    """The source, read-only, inside a read transaction (a snapshot, in WAL mode)."""
    uri = f"{source.resolve().as_uri()}?mode=ro"  # mode=ro never creates the file
    try:
        reader = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as error:
        raise BackupError(f"cannot open the database {source}: {error}") from None
    try:
        reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        reader.execute("BEGIN")
        # A first read opens the transaction; every backup step then reads the same snapshot.
        reader.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
    except sqlite3.Error as error:
        reader.close()
        raise BackupError(f"cannot read the database {source}: {error}") from None
    return reader


def _copy(
    reader: sqlite3.Connection, source: Path, partial: Path, pages: int, pause: float
) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000

    def between_steps(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"the database {source} stayed locked: try again")
        if remaining:
            time.sleep(pause)  # let the running bot have the disk between steps

    try:
        with closing(sqlite3.connect(partial, isolation_level=None)) as writer:
            reader.backup(writer, pages=max(pages, 1), progress=between_steps)
            # The copy keeps the source's WAL flag; a backup is better as one plain file.
            writer.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError as error:
        # Errors of the copy's side (disk full, read-only folder) come out here too.
        raise BackupError(f"the backup of {source} failed: {error}") from None
    except sqlite3.Error as error:
        raise BackupError(f"cannot read the database {source}: {error}") from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            reader.execute("ROLLBACK")


def _check_copy(source: Path, partial: Path) -> tuple[int, int | None]:
    """Run ``PRAGMA integrity_check`` on the copy; (tables, answers) if it passes."""
    problems: list[str]
    try:
        with closing(sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            rows = copy.execute("PRAGMA integrity_check").fetchall()
            # SQLite's report may run over several lines; the error is one.
            problems = [" ".join(str(row[0]).split()) for row in rows if row[0] != "ok"]
            if not problems:
                names = [
                    str(row[0])
                    for row in copy.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
                ]
                answers = None
                if "answers" in names:
                    (count,) = copy.execute("SELECT COUNT(*) FROM answers").fetchone()
                    answers = int(count)
                return len(names), answers
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    raise BackupError(
        f"the copy of {source} failed its integrity check ({'; '.join(problems[:3])}), so no "
        f"backup was written: the database itself may be damaged (check it with "
        f"`sqlite3 {source} 'PRAGMA integrity_check'`)"
    )


def _flush(path: Path) -> None:
    try:
        with path.open("rb+") as stream:
            os.fsync(stream.fileno())
    except OSError as error:
        raise BackupError(f"cannot write the backup {path}: {_why(error)}") from None


def _flush_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove(partial: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


def _why(error: OSError) -> str:
    return error.strerror or str(error)


# --- the command line --------------------------------------------------------------------


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``backup`` to ``python -m bot``'s subcommands."""
    backup = commands.add_parser(
        "backup",
        help="copy the database to PATH, safely while the bot runs",
        description=(
            "Copy the bot's database to PATH with SQLite's online backup API (the running bot "
            "is not stopped or blocked), check the copy with PRAGMA integrity_check, and only "
            "then put it at PATH."
        ),
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="where to write the copy")
    backup.add_argument(
        "--db", type=Path, metavar="PATH", help="the database (default: BOT_DB_PATH)"
    )


def run_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Run ``backup``; returns the exit status."""
    source: Path = arguments.db or settings.db_path
    try:
        result = backup_database(source, arguments.path)
    except BackupRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("error: interrupted: no backup was written", file=sys.stderr)
        return EXIT_FAILED
    print(result.summary())
    return EXIT_OK
