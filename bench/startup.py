"""Start-up: from starting ``python -m bot run`` to its first getUpdates, with 50 lessons.

Run from the repository root::

    .venv/bin/python bench/startup.py [--runs 5] [--lessons 50]

A temporary prompts folder holds 50 copies of prompts/biegun-seoul-2020.yaml with different
ids; the database is new for every run. The Bot API stand-in of ``tests/standin`` serves on
127.0.0.1 in this process. The clock starts just before the process is created and stops
when the stand-in receives the bot's first getUpdates (the long poll); then the bot gets
SIGTERM. Each measurement is taken ``--runs`` times, alternating, and the median is shown:

* the bot with 50 lessons (the target: < 1.5 s);
* the bot with the one shipped lesson;
* a bare python-telegram-bot bot: a script that builds an Application with a token and
  the stand-in's URL and calls ``run_polling()``, i.e. getMe, deleteWebhook, getUpdates
  (the baseline the ratio is taken against);
* ``python -c "import telegram"`` until it exits, and ``python -c pass``, for scale.

Then a breakdown of the bot's start-up in one process: imports, loading the lessons,
building the application, and the rest (database, Bot API calls) to the first getUpdates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as b

TARGET_S = 1.5

BARE_PTB = """
import logging, os
from telegram.ext import ApplicationBuilder
url = os.environ["TELEGRAM_API_URL"]
app = (
    ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    .base_url(url + "/bot").base_file_url(url + "/file/bot").build()
)
app.run_polling(timeout=30)
"""

# The bot's start-up in one process, timed phase by phase (what `python -m bot run` does).
PHASES = """
import time
t0 = time.perf_counter()
import asyncio, os, sys
from bot.config import load_settings
from bot.logs import configure_logging
from bot.lessons.load import load_lessons
from bot.app import build_application
from bot.runner import serve
t1 = time.perf_counter()
settings = load_settings()
configure_logging(settings.log_level, settings.token())
catalog, problems = load_lessons([settings.prompts_dir])
assert not problems
t2 = time.perf_counter()
application = build_application(settings, catalog)
t3 = time.perf_counter()
print(f"PHASES {t1 - t0:.4f} {t2 - t1:.4f} {t3 - t2:.4f} {time.time():.6f}", flush=True)
async def main():
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(15, stop.set)
    await serve(application, stop, long_poll_timeout=30)
asyncio.run(main())
"""


def env_for(standin: b.BotApiStandIn, prompts: Path, db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=b.TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=str(db_path),
        BOT_PROMPTS_DIR=str(prompts),
        BOT_LOG_LEVEL="INFO",
    )
    return env


async def until_polled(
    standin: b.BotApiStandIn, argv: list[str], env: dict[str, str]
) -> tuple[float, float, str]:
    """Start the process; seconds until the stand-in got its first getUpdates; stop it.
    Also returns the wall-clock time it started at, and what it printed."""
    first = len(standin.calls)
    wall = time.time()
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=b.REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await standin.wait_for(lambda: standin.polling, timeout=30, what="the first getUpdates")
        elapsed = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    # The long poll was cut short by SIGTERM, so it is not among the stand-in's calls.
    await standin.wait_for(lambda: not standin.polling, timeout=10, what="the poll to end")
    failed = [c for c in standin.calls[first:] if not c.ok]
    assert not failed, failed
    return elapsed, wall, output.decode(errors="replace")


async def until_exit(argv: list[str]) -> float:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(*argv, cwd=b.REPO)
    await process.wait()
    return time.monotonic() - started


async def main(args: argparse.Namespace) -> int:
    begun = time.perf_counter()
    print("Start-up benchmark (bench/startup.py)")
    print(b.machine_line())
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        many = b.write_prompts(
            folder / "prompts-many",
            [(f"{b.SEED_ID}-{i:02d}", None) for i in range(1, args.lessons + 1)],
        )
        one = b.write_prompts(folder / "prompts-one", [(b.SEED_ID, None)])
        times: dict[str, list[float]] = {
            "bot": [],
            "bot1": [],
            "bare": [],
            "import": [],
            "pass": [],
        }
        phases: list[tuple[float, ...]] = []
        async with b.BotApiStandIn(b.TOKEN) as standin:
            for run in range(args.runs):
                db = folder / f"run{run}"
                bot_argv = [python, "-m", "bot", "run"]
                elapsed, _, out = await until_polled(
                    standin, bot_argv, env_for(standin, many, db / "many.sqlite3")
                )
                times["bot"].append(elapsed)
                elapsed, _, out = await until_polled(
                    standin, bot_argv, env_for(standin, one, db / "one.sqlite3")
                )
                times["bot1"].append(elapsed)
                elapsed, _, out = await until_polled(
                    standin, [python, "-c", BARE_PTB], env_for(standin, one, db / "x.sqlite3")
                )
                times["bare"].append(elapsed)
                times["import"].append(await until_exit([python, "-c", "import telegram"]))
                times["pass"].append(await until_exit([python, "-c", "pass"]))
                elapsed, wall, out = await until_polled(
                    standin, [python, "-c", PHASES], env_for(standin, many, db / "ph.sqlite3")
                )
                line = next(x for x in out.splitlines() if x.startswith("PHASES "))
                imports, lessons, build, at = (float(x) for x in line.split()[1:])
                # Interpreter start-up: from the process's start to the first line of the
                # script (wall clock of the parent vs the child's first perf_counter).
                before = (at - wall) - (imports + lessons + build)
                phases.append((before, imports, lessons, build, elapsed))

    med = {name: b.median(values) for name, values in times.items()}
    print(f"runs: {args.runs} of each, medians (all runs in seconds)")

    def show(label: str, key: str) -> None:
        runs = ", ".join(f"{v:.3f}" for v in times[key])
        print(f"  {label:<48} {med[key]:6.3f} s   ({runs})")

    show(f"python -m bot run, {args.lessons} lessons, to first getUpdates", "bot")
    show("python -m bot run, 1 lesson, to first getUpdates", "bot1")
    show("bare PTB bot (run_polling), to first getUpdates", "bare")
    show('python -c "import telegram", to exit', "import")
    show('python -c "pass", to exit', "pass")
    print(
        f"ratio to the bare PTB bot: {med['bot'] / med['bare']:.2f}; "
        f'to python -c "import telegram": {med["bot"] / med["import"]:.2f}'
    )
    names = ("interpreter start", "imports", f"loading {args.lessons} lessons", "build_application")
    columns = list(zip(*phases, strict=True))
    parts = [b.median(c) for c in columns]
    rest = parts[4] - sum(parts[:4])
    print("where the time goes (one process, medians):")
    for name, value in zip(names, parts[:4], strict=False):
        print(f"  {name:<48} {value:6.3f} s")
    print(f"  {'database, getMe, setMyCommands x2, deleteWebhook':<48} {rest:6.3f} s")
    print(f"  {'total to first getUpdates':<48} {parts[4]:6.3f} s")
    line = (
        f"start-up with {args.lessons} lessons: {med['bot']:.3f} s "
        f"(target < {TARGET_S} s)  {b.verdict(med['bot'] < TARGET_S)}"
    )
    if med["bot"] >= TARGET_S:
        line += f"  -- over by {med['bot'] - TARGET_S:.3f} s"
    print(line)
    print(f"total run time: {time.perf_counter() - begun:.0f} s")
    return 0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lessons", type=int, default=50)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
