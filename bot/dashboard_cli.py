"""``python -m bot dashboard``: the moderators' dashboard alone, against a database file (a
backup, say), for a teacher at their laptop. No Telegram: it prints a one-time sign-in link
for whoever runs it, who holds the file and so sees every group in it. Stops on Ctrl-C or
SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bot.cli_exit import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import DEFAULT_LISTEN, Settings

if TYPE_CHECKING:
    from bot.lessons import LessonCatalog

DASHBOARD_COMMANDS: Final = frozenset({"dashboard"})
LOCAL_NAME = "database holder"  # who the printed link signs in (shown on every page)


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "dashboard",
        help="serve the moderators' dashboard alone, against a database file",
        description=(
            "Serve the dashboard's pages for the database (default BOT_DB_PATH) on --listen, "
            "and print a one-time sign-in link (10 minutes) that shows every group in it."
        ),
    )
    command.add_argument("--db", type=Path, help="the database file (default: BOT_DB_PATH)")
    command.add_argument(
        "--listen", metavar="HOST:PORT", help=f"where to listen (default: {DEFAULT_LISTEN})"
    )
    command.add_argument(
        "--prompts", type=Path, help="the lessons folder (default: BOT_PROMPTS_DIR)"
    )


def _address(given: str) -> tuple[str, int] | None:
    host, _, port = given.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        return None
    return host.strip("[]"), int(port)


def run_command(arguments: argparse.Namespace, settings: Settings) -> int:
    db: Path = arguments.db or settings.db_path
    address = _address(arguments.listen or settings.listen or DEFAULT_LISTEN)
    if address is None:
        print("error: --listen must be host:port, e.g. 127.0.0.1:8080", file=sys.stderr)
        return EXIT_USAGE
    if not db.is_file():
        print(f"error: no database at {db}", file=sys.stderr)
        return EXIT_USAGE
    # Imported here: the rest of the command line does not pay for the web stack.
    from bot import i18n
    from bot.lessons.load import load_lessons

    i18n.set_default(settings.default_language)  # the pages' words (bot/i18n.py)
    from bot.storage import StorageError

    catalog, problems = load_lessons([arguments.prompts or settings.prompts_dir])
    for problem in problems:  # the pages name a lesson they cannot load by its id
        print(f"warning: {problem}", file=sys.stderr)
    try:
        asyncio.run(_serve(db, address, settings, catalog))
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # the address is taken, say
        print(f"error: cannot listen on {address[0]}:{address[1]}: {error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


async def _serve(
    db: Path, address: tuple[str, int], settings: Settings, catalog: LessonCatalog
) -> None:
    from bot.storage import Storage
    from bot.web.dashboard.auth import issue_link_token
    from bot.web.dashboard.pages import Dashboard, LocalRights
    from bot.web.server import WebServer

    storage = await Storage.open(db)
    try:
        base = settings.dashboard_url
        dashboard = Dashboard(
            storage,
            lambda: catalog,
            LocalRights(),
            db_path=db,
            default_zone=settings.timezone,
            secure_cookie=bool(base and base.startswith("https://")),
        )
        server = WebServer(storage, None, dashboard=dashboard)
        await server.start(*address)
        try:
            host = address[0] if ":" not in address[0] else f"[{address[0]}]"
            page = f"{base}/dashboard/" if base else f"http://{host}:{server.port}/dashboard/"
            token = await issue_link_token(storage, 0, LOCAL_NAME, scope="local")
            print(f"Dashboard for {db}: open {page}signin?t={token}", flush=True)
            print("(the link works once, within 10 minutes; Ctrl-C stops)", flush=True)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await stop.wait()
        finally:
            await server.stop()
    finally:
        await storage.close()
