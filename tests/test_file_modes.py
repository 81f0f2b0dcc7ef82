"""Issue 19, item 3: the bot's files are readable by its own user only.

`python -m bot run` as an operator starts it: the data folder it creates is 0700 and the
database with its -wal, -shm and lock files 0600; files an earlier run left wider are
tightened at start with one log line each; a `.env` readable by others is warned about.
"""

from __future__ import annotations

import asyncio
import signal
import stat
import sys
from pathlib import Path

from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import TOKEN
from tests.standin import BotApiStandIn

SIDE_FILES = ("-wal", "-shm", ".lock")
# A bot of an earlier version that crashed: its folder, its database and WAL, 0755 and 0644.
CRASHED = """\
import os, sqlite3, sys
os.umask(0o022)
os.mkdir(sys.argv[1])
db = sqlite3.connect(os.path.join(sys.argv[1], 'bot.sqlite3'))
db.execute('PRAGMA journal_mode=WAL')
db.execute('CREATE TABLE left_behind (x)')
db.commit()
os._exit(0)
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def run_until_welcomed(standin: BotApiStandIn, tmp_path: Path, db: Path) -> tuple[int, str]:
    """Start `run` in ``tmp_path``, check the modes while it serves, stop it: (status, log)."""
    process = await start_bot(bot_env(standin.base_url, db, BOT_LOG_LEVEL="INFO"), cwd=tmp_path)
    try:
        student = standin.user("Ana")
        chat = standin.private_chat(student)
        standin.send_text(student, chat, "/start")
        await standin.next_bot_message(chat.id, timeout=30)
        # While the bot runs, in WAL mode: every file it keeps is private.
        assert mode(db.parent) == 0o700
        for path in (db, *(Path(f"{db}{suffix}") for suffix in SIDE_FILES)):
            assert mode(path) == 0o600, path
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        code, log = await finish(process)
    return code, log


async def test_a_first_run_creates_a_private_folder_and_files_and_warns_about_env(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    env_file.chmod(0o644)  # as `cp .env.example .env` leaves it
    db = tmp_path / "data" / "bot.sqlite3"

    code, log = await run_until_welcomed(standin, tmp_path, db)

    assert code == 0, log
    warnings = [line for line in log.splitlines() if ".env" in line]
    assert len(warnings) == 1, log
    assert "chmod 600 .env" in warnings[0] and "0644" in warnings[0]
    assert "made " not in log  # nothing existed to tighten
    assert TOKEN not in log


async def test_files_left_readable_by_others_are_tightened_once_each(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    # What an earlier version left after a crash: a 0755 folder, a 0644 database with its
    # WAL still beside it, and a lock file.
    crashed = await asyncio.create_subprocess_exec(sys.executable, "-c", CRASHED, str(db.parent))
    assert await crashed.wait() == 0
    wide = [db.parent, db, *(Path(f"{db}{suffix}") for suffix in SIDE_FILES)]
    wide[-1].touch()
    wide[-1].chmod(0o644)
    assert [mode(path) for path in wide] == [0o755, 0o644, 0o644, 0o644, 0o644]
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    env_file.chmod(0o600)

    code, log = await run_until_welcomed(standin, tmp_path, db)

    assert code == 0, log
    tightened = [line for line in log.splitlines() if "made " in line and " private" in line]
    assert len(tightened) == len(wide), log
    for path, line in zip(wide, tightened, strict=True):
        assert f"made {path} private: mode 0{'7' if path.is_dir() else '6'}00, was 0" in line
    assert ".env" not in log  # 0600: nothing to say
    # Nothing of the database was lost by tightening it.
    assert (db.parent / "bot.sqlite3").stat().st_size > 0
