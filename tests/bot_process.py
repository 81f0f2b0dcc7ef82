"""The bot as a separate process (`python -m bot ...`), for tests of the command line, signals
and crashes."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.conftest import PROMPTS, REPO, TOKEN


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without the bot's settings (none leak in), plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return {**env, **settings}


def bot_env(api_url: str, db_path: Path, **extra: str) -> dict[str, str]:
    return {
        **clean_env(),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "BOT_DB_PATH": str(db_path),
        "BOT_PROMPTS_DIR": str(PROMPTS),
        "BOT_LOG_LEVEL": "WARNING",
        **extra,
    }


async def start_bot(env: dict[str, str], cwd: Path = REPO) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, seconds: float = 30) -> tuple[int, str]:
    """Wait for the process to end; its exit status and everything it printed."""
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


async def bot_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m bot *args`` to its end: exit status, standard output, standard error."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env or clean_env(PYTHONPATH=str(REPO)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
