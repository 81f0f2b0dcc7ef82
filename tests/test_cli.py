"""The command line as a person runs it: validate, run's refusals, a real run and a clean stop."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.bot_process import bot_cli, clean_env
from tests.conftest import PROMPTS, REPO, TOKEN
from tests.standin import BotApiStandIn

BROKEN = """\
id: broken
title: Broken
source: {publisher: P, date: 2020-07-08}
sections:
  - title: One
    text: Some text.
    questions:
      - id: q1
        type: choice
        prompt: Which?
        optoins: [A, B]
        answer: A
"""


async def test_validate_passes_on_the_shipped_prompts(tmp_path: Path) -> None:
    code, out, err = await bot_cli("validate", cwd=REPO, env=clean_env())
    assert (code, err) == (0, "")
    assert out.startswith("1 lesson valid") and out.count("\n") == 1


async def test_validate_reports_file_line_col_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    code, out, err = await bot_cli("validate", str(broken), cwd=tmp_path, env=clean_env())
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines == [
        f"{broken}:8:9: missing required field 'options' (in sections[0].questions[0])",
        lines[1],
        "2 problems found.",
    ]
    assert lines[1].startswith(f"{broken}:11:9: unknown key 'optoins' (did you mean 'options'?)")


async def test_run_refuses_invalid_lessons_with_the_same_messages(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "broken.yaml").write_text(BROKEN)
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL="http://127.0.0.1:9")
    code, _, err = await bot_cli("run", cwd=tmp_path, env=env)
    assert code == 1
    assert "broken.yaml:11:9: " in err and "did not start" in err
    assert "Traceback" not in err and TOKEN not in err


async def test_run_polls_answers_and_stops_cleanly_without_logging_the_token(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=str(tmp_path / "db" / "bot.sqlite3"),
        BOT_PROMPTS_DIR=str(PROMPTS),
        BOT_LOG_LEVEL="DEBUG",  # the most talkative level must still hide the token
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",  # `run` is the default command
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        student = standin.user("Ana")
        chat = standin.private_chat(student)
        standin.send_text(student, chat, "/start")
        welcome = await standin.next_bot_message(chat.id, timeout=30)
        assert welcome.text is not None and "Welcome" in welcome.text
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = out.decode() + err.decode()
    assert process.returncode == 0, log
    assert "getUpdates" in log or "Application started" in log  # it did log, at DEBUG
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert (tmp_path / "db" / "bot.sqlite3").exists()


async def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "editorial-bot"
    process = await asyncio.create_subprocess_exec(
        str(script), "--help", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert b"validate" in out and b"run" in out
