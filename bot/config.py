"""Settings from the environment and a ``.env`` file.

The token is a ``SecretStr``: its repr and str are masked, so it cannot leak into a log
line or an error message by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import deadlines, timezones

# Telegram tokens look like "123456789:AAH...": a numeric bot id, a colon, a 35-char secret.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]
# Telegram's own rule for a webhook's secret token: 1-256 of these characters.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Where the web server listens in webhook mode (or with the dashboard) when BOT_LISTEN is
# not set.
DEFAULT_LISTEN = "127.0.0.1:8080"
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

    # Webhook mode when set: Telegram pushes updates to this https URL (through a proxy).
    webhook_url: str | None = Field(default=None, alias="BOT_WEBHOOK_URL")
    # Checked on every push; made once and kept in the database when unset.
    webhook_secret: SecretStr | None = Field(default=None, alias="BOT_WEBHOOK_SECRET")
    # Telegram's own default is 40; a press's POST stays open until its pop-up is ready
    # (bot.push_reply), so at 40 Telegram's side caps the bot below its CPU (docs/scaling.md).
    webhook_max_connections: int = Field(
        default=100, ge=1, le=100, alias="BOT_WEBHOOK_MAX_CONNECTIONS"
    )
    # host:port of the web server (webhook, /healthz, /metrics); polling mode serves only
    # when it is set.
    listen: str | None = Field(default=None, alias="BOT_LISTEN")
    # When set, /metrics asks for "Authorization: Bearer <token>".
    metrics_token: SecretStr | None = Field(default=None, alias="BOT_METRICS_TOKEN")
    log_format: LogFormat = Field(default="text", alias="BOT_LOG_FORMAT")
    # Messages a second the bot sends at most, over all chats: Telegram's free limit is
    # about 30; a bot with paid broadcasts may send up to 1,000 (docs/scaling.md).
    messages_per_second: int = Field(default=30, ge=1, le=1000, alias="BOT_MESSAGES_PER_SECOND")
    # A group's time zone until its moderators set one (/timezone): an IANA name.
    timezone: str = Field(default=timezones.DEFAULT, alias="BOT_TIMEZONE")
    # The moderators' dashboard (issue 17), served at <this URL>/dashboard/ by the web server
    # when set: the public base URL people open (https for Telegram's Mini App button).
    dashboard_url: str | None = Field(default=None, alias="BOT_DASHBOARD_URL")
    # How long before a homework's deadline reminders go out, in seconds, longest first
    # (BOT_REMINDERS="24h,1h"; "none" for no reminders).
    reminders: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(24 * 3600, 3600), alias="BOT_REMINDERS"
    )
    # The interface's language for a reader who chose none and whose Telegram app tells none
    # (and for groups until their moderators choose): "en", or a catalog's (bot/locales).
    default_language: str = Field(default="en", alias="BOT_DEFAULT_LANGUAGE")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return timezones.canonical(value or timezones.DEFAULT)
        except timezones.UnknownZone as error:
            hint = f" (did you mean {' or '.join(error.suggestions)}?)" if error.suggestions else ""
            raise ValueError(f"BOT_TIMEZONE {value!r} is no IANA time zone{hint}") from None

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminder_offsets(cls, value: object) -> object:
        """ "24h,1h" (durations before the deadline, in any order) as seconds, longest
        first; "none", "off" or empty: no reminders."""
        if not isinstance(value, str):
            return value
        words = [w for w in re.split(r"[\s,;]+", value.strip()) if w]
        if not words or (len(words) == 1 and words[0].casefold() in ("none", "off", "0")):
            return ()
        seconds: set[int] = set()
        for word in words:
            before = deadlines.duration(word)
            if before is None or not dt.timedelta(0) < before <= deadlines.LONGEST:
                raise ValueError(
                    f"BOT_REMINDERS: {word!r} is no duration before a deadline; write "
                    "durations separated by commas, e.g. 24h,1h (or 2d,3h30m,45s; none for "
                    "no reminders)"
                )
            seconds.add(int(before.total_seconds()))
        return tuple(sorted(seconds, reverse=True))

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if not re.match(r"^https://[^\s/]+", value):
            raise ValueError("BOT_WEBHOOK_URL must start with https:// (Telegram requires it)")
        return value

    @field_validator("dashboard_url")
    @classmethod
    def _dashboard_base(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
            raise ValueError(
                "BOT_DASHBOARD_URL must be a base URL such as https://bot.example.org "
                "(no query or fragment)"
            )
        value = value.rstrip("/")
        if value.endswith("/dashboard"):  # the page's own address given: its base
            value = value.removesuffix("/dashboard")
        return value

    def dashboard_page(self) -> str | None:
        """The dashboard's public address (``BOT_DASHBOARD_URL``/dashboard/), if served."""
        return None if self.dashboard_url is None else f"{self.dashboard_url}/dashboard/"

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError(
                "BOT_WEBHOOK_SECRET must be 1-256 letters, digits, '_' or '-' (Telegram's rule)"
            )
        return SecretStr(value.get_secret_value().strip())

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("BOT_LISTEN must be host:port, e.g. 127.0.0.1:8080")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def listen_address(self) -> tuple[str, int] | None:
        """(host, port) the web server listens on; None when it does not run."""
        serves = self.webhook_url or self.dashboard_url
        address = self.listen or (DEFAULT_LISTEN if serves else None)
        if address is None:
            return None
        host, _, port = address.rpartition(":")
        return host.strip("[]"), int(port)

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
