"""Issue 19, item 5: `python -m bot export --out` never writes over the bot's database.

An output path that is the database, its -wal, -shm, -journal or lock file (the same path
once resolved, or the same file by inode) is refused with one line and the usage status 2,
the same check `backup` makes for its target.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.conftest import PROMPTS, REPO


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}


async def bot_cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lock_file(db: Path) -> Path:
    return Path(f"{db}.lock")


def untouched_lock(db: Path) -> bool:
    return lock_file(db).read_text() == ""


def partial_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".part")]


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "bot.sqlite3"
    storage = await Storage.open(db)
    await storage.close()
    lock_file(db).write_text("")  # as a running bot leaves it
    return db


@pytest.mark.parametrize(
    "out",
    [
        "data/bot.sqlite3",  # the database itself
        "data/../data/./bot.sqlite3",  # spelled otherwise
        "data/bot.sqlite3-wal",  # not there yet: the same path once resolved
        "data/bot.sqlite3-shm",
        "data/bot.sqlite3-journal",
        "data/bot.sqlite3.lock",
        "symlink.csv",  # a symbolic link to the database
        "hardlink.csv",  # the database under another name: the same inode
        "lock-hardlink.csv",  # the lock file under another name
    ],
)
async def test_export_refuses_to_write_over_the_database(
    database: Path, tmp_path: Path, out: str
) -> None:
    (tmp_path / "symlink.csv").symlink_to(database)
    os.link(database, tmp_path / "hardlink.csv")
    os.link(lock_file(database), tmp_path / "lock-hardlink.csv")
    before = digest(database)

    code, stdout, stderr = await bot_cli(
        "export", "--db", "data/bot.sqlite3", "--prompts", str(PROMPTS), "--out", out, cwd=tmp_path
    )

    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: refusing to write the export over {Path(out)}: it is the database "
        "data/bot.sqlite3 or a file beside it; give another file as --out\n"
    )
    assert digest(database) == before
    assert untouched_lock(database)
    assert partial_files(tmp_path) == []


async def test_export_beside_the_database_is_still_written(database: Path, tmp_path: Path) -> None:
    code, _, stderr = await bot_cli(
        "export", "--db", str(database), "--out", str(database.parent / "answers.csv"), cwd=REPO
    )
    assert code == 0, stderr
    assert (database.parent / "answers.csv").exists()


async def test_backup_refuses_a_hard_link_to_a_file_beside_the_database(
    database: Path, tmp_path: Path
) -> None:
    """The check is one, shared: backup refuses what export refuses."""
    os.link(lock_file(database), tmp_path / "copy.sqlite3")
    code, stdout, stderr = await bot_cli(
        "backup", "--db", str(database), str(tmp_path / "copy.sqlite3"), cwd=tmp_path
    )
    assert (code, stdout) == (2, "")
    assert stderr.startswith("error: refusing to back up") and stderr.count("\n") == 1
    assert untouched_lock(database)
