"""``python -m bot check``: what an operator runs after an upgrade or a change of settings.

One line per check, ``ok`` or ``FAIL`` with the reason, and exit status 0 only when all
pass: the settings (and the token's shape), the lessons, the database (opened as the bot
opens it: created or migrated, then ``quick_check``), and Telegram (getMe with the token).
The database is opened without the instance lock, so a running bot can be checked too.
"""

from __future__ import annotations

import asyncio
import sqlite3

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.cli_exit import EXIT_FAILED, EXIT_OK
from bot.config import Settings, SettingsError
from bot.lessons.catalog import summarize
from bot.lessons.load import load_lessons
from bot.logs import RedactTokens
from bot.render.words import plural
from bot.storage import Storage, StorageError

Line = tuple[bool, str, str]  # passed, what, the finding


def run_check(settings: Settings) -> int:
    lines = asyncio.run(_checks(settings))
    token = settings.telegram_bot_token
    redactor = RedactTokens(token.get_secret_value().strip() if token is not None else "")
    for passed, what, finding in lines:
        print(redactor.redact(f"{'ok  ' if passed else 'FAIL'} {what}: {finding}"))
    return EXIT_OK if all(passed for passed, _, _ in lines) else EXIT_FAILED


async def _checks(settings: Settings) -> list[Line]:
    lines: list[Line] = []
    try:
        token: str | None = settings.token()
        mode = f"webhook ({settings.webhook_url})" if settings.webhook_url else "long polling"
        lines.append((True, "settings", mode))
    except SettingsError as error:
        token = None
        lines.append((False, "settings", str(error)))
    catalog, problems = load_lessons([settings.prompts_dir])
    if problems:
        lines.append((False, "lessons", f"{plural(len(problems), 'problem')}: run validate"))
    else:
        lines.append((True, "lessons", summarize(catalog)))
    lines.append(await _database(settings))
    if token is None:
        lines.append((False, "telegram", "not asked: no valid token"))
    else:
        lines.append(await _telegram(settings, token))
    return lines


async def _database(settings: Settings) -> Line:
    try:
        storage = await Storage.open(settings.db_path)
    except (StorageError, sqlite3.Error, OSError) as error:
        return False, "database", str(error)
    try:
        version = await storage.schema_version()
        depth, _ = await storage.inbox_depth()
    finally:
        await storage.close()
    return True, "database", f"{settings.db_path}: quick_check ok, schema {version}, inbox {depth}"


async def _telegram(settings: Settings, token: str) -> Line:
    api = settings.telegram_api_url
    bot = Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot")
    try:
        async with bot:  # initialize() is getMe
            return True, "telegram", f"@{bot.username} (id {bot.id}) answers"
    except InvalidToken:
        return False, "telegram", "the token was rejected: check TELEGRAM_BOT_TOKEN"
    except TelegramError as error:
        return False, "telegram", f"cannot be reached: {error.message or type(error).__name__}"
