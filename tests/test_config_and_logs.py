"""Settings, the command line's refusals, and that the token never reaches a log line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings
from bot.logs import REDACTED, RedactTokens, configure_logging

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
REPO = Path(__file__).resolve().parent.parent


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "BOT_DB_PATH", "BOT_PROMPTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.db_path == Path("data/bot.sqlite3")
    assert settings.prompts_dir == Path("prompts")
    assert settings.log_level == "INFO"


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nTELEGRAM_API_URL=http://127.0.0.1:8081/\nBOT_LOG_LEVEL=debug\n"
    )
    settings = Settings()
    assert settings.token() == TOKEN
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.log_level == "DEBUG"
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


@pytest.mark.parametrize("token", [None, "", "not-a-token", "12345:short"])
def test_missing_or_malformed_token_is_a_clear_error(token: str | None) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN=token)
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN") as caught:
        settings.token()
    if token:
        assert token not in str(caught.value)


def test_bad_setting_is_one_readable_error() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_API_URL"):
        load_settings(TELEGRAM_API_URL="ftp://example")


def test_the_overall_send_rate_is_a_setting_for_bots_with_paid_broadcasts(tmp_path: Path) -> None:
    from bot.app import build_application
    from bot.lessons import LessonCatalog
    from bot.send_budget import SendBudget

    def overall_rate(**env: str) -> float:
        settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, BOT_DB_PATH=str(tmp_path / "b"), **env)
        limiter = build_application(settings, LessonCatalog(())).bot.rate_limiter
        assert isinstance(limiter, SendBudget)
        return float(limiter.overall_max_rate)

    assert overall_rate() == 30  # Telegram's free limit
    assert overall_rate(BOT_MESSAGES_PER_SECOND="1000") == 1000
    with pytest.raises(SettingsError, match="BOT_MESSAGES_PER_SECOND"):
        load_settings(BOT_MESSAGES_PER_SECOND="5000")


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=env.get("CWD", str(REPO)),
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("token", ["", "123:abc"])
def test_run_without_a_good_token_exits_2_with_one_line(token: str, tmp_path: Path) -> None:
    result = run_cli("run", env={"TELEGRAM_BOT_TOKEN": token, "CWD": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr and (not token or token not in result.stderr)


def test_redaction_covers_messages_args_and_tracebacks() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", (f"https://x/bot{TOKEN}/getMe",), None
    )
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert RedactTokens(TOKEN).filter(record)
    rendered = logging.Formatter().format(record)
    assert TOKEN not in rendered and rendered.count(REDACTED) == 2


def test_configure_logging_quiets_httpx(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", TOKEN)
    try:
        logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/getUpdates", TOKEN)
        logging.getLogger("bot").debug("token is %s", TOKEN)
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "getUpdates" not in err  # httpx is held at WARNING
    assert TOKEN not in err and REDACTED in err
