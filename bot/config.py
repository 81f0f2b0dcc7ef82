"""Settings from the environment and a ``.env`` file.

The token is a ``SecretStr``: its repr and str are masked, so it cannot leak into a log
line or an error message by accident.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Telegram tokens look like "123456789:AAH...": a numeric bot id, a colon, a 35-char secret.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# Settings are read from this file in the working folder too (it holds the token).
ENV_FILE = ".env"


class SettingsError(Exception):
    """A configuration mistake, phrased for the person running the bot."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    db_path: Path = Field(default=Path("data/bot.sqlite3"), alias="BOT_DB_PATH")
    prompts_dir: Path = Field(default=Path("prompts"), alias="BOT_PROMPTS_DIR")
    log_level: LogLevel = Field(default="INFO", alias="BOT_LOG_LEVEL")
    # How long one getUpdates long poll waits for news, in seconds.
    poll_timeout: int = Field(default=30, ge=0, le=50, alias="BOT_POLL_TIMEOUT")
    # Telegram user ids who may run sessions in any group, besides the group's admins.
    moderator_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="BOT_MODERATOR_IDS"
    )

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return value

    @field_validator("moderator_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        """Accept "1, 2 3" as well as a JSON list; each must be a Telegram user id."""
        if isinstance(value, str):
            parts = [p for p in re.split(r"[\s,;]+", value.strip().strip("[]")) if p]
            if not all(re.fullmatch(r"\d{1,16}", p) for p in parts):
                raise ValueError("BOT_MODERATOR_IDS must be Telegram user ids separated by commas")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def token(self) -> str:
        """The token, checked; raises SettingsError with a message that never shows it."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the "
                "environment or in .env (see .env.example)."
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon "
                "and about 35 letters, digits, '-' or '_'): copy it again from @BotFather."
            )
        return token


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's errors into one readable SettingsError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'settings'}: {e['msg']}"
            for e in error.errors(include_input=False)
        )
        raise SettingsError(f"invalid configuration: {problems}") from None
