"""The command line: ``python -m bot [run|validate PATH...]``.

It only parses arguments, loads settings and calls into the package; nothing else
happens at import time.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot import backup
from bot.cli_exit import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import Settings, SettingsError, load_settings
from bot.dashboard_cli import DASHBOARD_COMMANDS
from bot.dashboard_cli import add_command as add_dashboard
from bot.export_cli import EXPORT_COMMANDS, add_commands, run_command
from bot.file_modes import PRIVATE_UMASK
from bot.lesson_tools import LESSON_TOOL_COMMANDS, run_lesson_tool
from bot.lesson_tools import add_commands as add_lesson_tools
from bot.lessons.catalog import summarize
from bot.lessons.load import load_lessons
from bot.logs import RedactTokens, configure_logging
from bot.render.words import plural


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Editorial Discussion Bot for Telegram."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (the default)")
    validate = commands.add_parser("validate", help="check lesson files and report every mistake")
    validate.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="lesson files or folders"
    )
    validate.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    add_commands(commands)  # export, sessions
    backup.add_command(commands)
    add_lesson_tools(commands)  # new, preview
    commands.add_parser("check", help="check settings, lessons, database and Telegram")
    add_dashboard(commands)
    return parser


def _say(lines: Iterable[object], redactor: RedactTokens) -> None:
    """Lesson problems quote the files' text, and a file in prompts/ may hold the token (a
    link to .env, say): they pass the logs' redaction on their way to stderr."""
    for line in lines:
        print(redactor.redact(str(line)), file=sys.stderr)


def _known_token(settings: Settings) -> str:
    """The token if it is set (``validate`` needs none), to be redacted wherever quoted."""
    secret = settings.telegram_bot_token
    return secret.get_secret_value().strip() if secret is not None else ""


def _validate(settings: Settings, paths: Sequence[Path], *, strict: bool = False) -> int:
    catalog, problems = load_lessons(list(paths) or [settings.prompts_dir])
    _say(sorted([*problems, *catalog.warnings]), RedactTokens(_known_token(settings)))
    if problems:
        count = len(problems)
        print(f"{plural(count, 'problem')} found.", file=sys.stderr)
        return EXIT_FAILED
    print(summarize(catalog))
    if strict and catalog.warnings:  # --strict: a warning fails, as in a teacher's CI
        print(f"{plural(len(catalog.warnings), 'warning')} (--strict).", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _run(settings: Settings) -> int:
    # Imported here so that `validate` does not pay for loading the Telegram stack.
    from bot.app import build_application
    from bot.poller import PollingStopped
    from bot.runner import run_until_signalled
    from bot.storage import StorageError
    from bot.web.limiter import MeasuredRateLimiter

    token = settings.token()
    configure_logging(settings.log_level, token, fmt=settings.log_format)
    catalog, problems = load_lessons([settings.prompts_dir])
    for warning in catalog.warnings:  # the bot runs without what they name
        logging.getLogger("bot.lessons").warning("%s", warning)
    if problems:
        _say(problems, RedactTokens(token))
        print("The bot did not start: fix the lessons above first.", file=sys.stderr)
        return EXIT_FAILED
    # Counts each Bot API call for /metrics.
    limiter = MeasuredRateLimiter(max_retries=3, overall_max_rate=settings.messages_per_second)
    application = build_application(settings, catalog, rate_limiter=limiter)
    try:
        run_until_signalled(application)
    except (StorageError, PollingStopped) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    # What a command creates (the database and its files, backups, exports) holds members'
    # names and answers: readable by this user only. Restored for callers in the process.
    umask = os.umask(PRIVATE_UMASK)
    try:
        settings = load_settings()
        if arguments.command == "validate":
            return _validate(settings, arguments.paths, strict=arguments.strict)
        if arguments.command == "check":
            from bot.check import run_check  # the Telegram stack, only for this command

            return run_check(settings)
        if arguments.command == "backup":
            return backup.run_command(arguments, settings)
        if arguments.command in LESSON_TOOL_COMMANDS:
            return run_lesson_tool(arguments, settings)
        if arguments.command in EXPORT_COMMANDS:
            return run_command(arguments, settings)
        if arguments.command in DASHBOARD_COMMANDS:
            from bot.dashboard_cli import run_command as run_dashboard

            return run_dashboard(arguments, settings)
        return _run(settings)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
