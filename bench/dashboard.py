"""Benchmark of the dashboard's pages for a big group: how long each page takes and how large
it is, for a session of N members answering every question of the shipped lesson.

Run from the repository root::

    .venv/bin/python bench/dashboard.py [--members N] [--runs R]

It builds a database with the bot's own schema (``Storage.open``), fills one group session
in bulk (its posts, and each member's answer to every question: choices right or wrong by
chance, typed answers of 40 words, stances and reasons), serves the dashboard alone (as
``python -m bot dashboard`` does) on 127.0.0.1, signs in with a one-time link and times R
GETs of each page (medians reported). Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.lessons import ChoiceQuestion, DebateQuestion  # noqa: E402
from bot.lessons.load import load_catalog  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.web.dashboard.auth import issue_link_token  # noqa: E402
from bot.web.dashboard.pages import Dashboard, LocalRights  # noqa: E402
from bot.web.server import WebServer  # noqa: E402

CHAT = -1001234567890
NOW = "2026-12-01T10:00:00.000Z"


def fill(db: Path, members: int) -> str:
    """One session of the shipped lesson with every member's answer to every question."""
    catalog = load_catalog([REPO / "prompts"])
    lesson = catalog.lessons[0]
    rng = random.Random(17)
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(
            "INSERT INTO chats (id, type, title, updated_at) VALUES (?, 'supergroup', ?, ?)",
            (CHAT, "Benchmark room", NOW),
        )
        connection.execute(
            "INSERT INTO walks (id, chat_id, audience, lesson_id, lesson_version, attempt, "
            "position, status, started_at) VALUES (1, ?, 'group', ?, ?, 1, 0, 'finished', ?)",
            (CHAT, lesson.id, lesson.version, NOW),
        )
        questions = lesson.questions()
        connection.executemany(
            "INSERT INTO posts (chat_id, message_id, walk_id, position, question_id) "
            "VALUES (?, ?, 1, ?, ?)",
            [(CHAT, n + 1, n, q.id) for n, q in enumerate(questions)],
        )
        rows = []
        for member in range(members):
            user = 1_000_000 + member
            for q in questions:
                pick: tuple[int, ...] = ()
                text = stance = None
                right = None
                kind = "short"
                if isinstance(q, ChoiceQuestion):
                    kind = "choice"
                    index = rng.randrange(len(q.options))
                    pick, right = (index,), int(q.is_correct(index))
                elif isinstance(q, DebateQuestion):
                    kind, stance = "debate", rng.choice(q.stances)
                if not isinstance(q, ChoiceQuestion):
                    text = " ".join(f"word{rng.randrange(999)}" for _ in range(40))
                rows.append(
                    (
                        user, f"Member {member}", f"m{member}", lesson.id, lesson.version,
                        q.id, kind, ",".join(map(str, pick)) or None, text, right, stance,
                        f"1-{user}-{q.id}",
                    )
                )  # fmt: skip
        connection.executemany(
            "INSERT INTO answers (walk_id, chat_id, user_id, display_name, username, lesson_id, "
            "lesson_version, attempt, question_id, question_type, option_indexes, answer_text, "
            "is_correct, stance, retracted, via, version, answered_at, source_key) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 0, 'reply', 1, ?, ?)",
            [(CHAT, *row[:-1], NOW, row[-1]) for row in rows],
        )
    connection.close()
    return lesson.title


async def measure(db: Path, runs: int) -> None:
    storage = await Storage.open(db)
    catalog = load_catalog([REPO / "prompts"])
    dashboard = Dashboard(
        storage,
        lambda: catalog,
        LocalRights(),
        db_path=db,
        default_zone="UTC",
        secure_cookie=False,
    )
    server = WebServer(storage, None, dashboard=dashboard)
    await server.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.port}/dashboard"
    try:
        token = await issue_link_token(storage, 0, "bench", scope="local")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as client:
            async with client.get(f"{base}/signin?t={token}") as response:
                assert response.status == 200, response.status
            unit = f"{base}/g/{CHAT}/s/1"
            for name, url in (
                ("group", f"{base}/g/{CHAT}"),
                ("overview", unit),
                ("questions", unit + "/questions"),
                ("students", unit + "/students?sort=score"),
                ("member", unit + "/m/1000000"),
                ("answers.csv", unit + "/answers.csv"),
            ):
                times, size = [], 0
                for _ in range(runs):
                    started = time.perf_counter()
                    async with client.get(url) as response:
                        body = await response.read()
                        assert response.status == 200, (name, response.status)
                    times.append(time.perf_counter() - started)
                    size = len(body)
                median = statistics.median(times) * 1000
                print(f"{name:12} {median:8.1f} ms  {size / 1024:8.0f} KiB")
    finally:
        await server.stop()
        await storage.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"

        async def create() -> None:
            await (await Storage.open(db)).close()

        asyncio.run(create())
        title = fill(db, arguments.members)
        print(f"{arguments.members} members, every question of {title!r}, {arguments.runs} runs")
        asyncio.run(measure(db, arguments.runs))


if __name__ == "__main__":
    main()
