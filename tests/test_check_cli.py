"""``python -m bot check`` (issue 18): one line per check, exit 0 only when all pass."""

from __future__ import annotations

from pathlib import Path

from tests.bot_process import bot_cli, bot_env
from tests.conftest import REPO, TOKEN
from tests.standin import BotApiStandIn


async def test_check_passes_against_telegram(standin: BotApiStandIn, tmp_path: Path) -> None:
    env = bot_env(standin.base_url, tmp_path / "bot.sqlite3", PYTHONPATH=str(REPO))
    code, out, err = await bot_cli("check", cwd=tmp_path, env=env)
    assert code == 0, out + err
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ok   settings",
        "ok   lessons",
        "ok   database",
        "ok   telegram",
    ]
    assert "quick_check ok" in lines[2]
    assert "@editorial_test_bot" in lines[3]
    assert TOKEN not in out + err


async def test_check_names_each_failure(standin: BotApiStandIn, tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    env = bot_env(
        standin.base_url,
        tmp_path / "bot.sqlite3",
        PYTHONPATH=str(REPO),
        BOT_PROMPTS_DIR=str(lessons),
    )
    standin.fail_next("getMe", times=3, code=401, description="Unauthorized")
    code, out, err = await bot_cli("check", cwd=tmp_path, env=env)
    assert code == 1, out + err
    found = {line.split(":")[0] for line in out.splitlines()}
    assert found == {"ok   settings", "FAIL lessons", "ok   database", "FAIL telegram"}
    assert "token was rejected" in out
    assert TOKEN not in out + err


async def test_check_without_a_token(tmp_path: Path) -> None:
    env = bot_env("http://127.0.0.1:9", tmp_path / "bot.sqlite3", PYTHONPATH=str(REPO))
    del env["TELEGRAM_BOT_TOKEN"]
    code, out, _ = await bot_cli("check", cwd=tmp_path, env=env)
    assert code == 1
    assert out.splitlines()[0].startswith("FAIL settings: TELEGRAM_BOT_TOKEN is not set")
    assert out.splitlines()[-1] == "FAIL telegram: not asked: no valid token"
