"""Shared pieces of the performance benchmarks (bench/throughput.py, burst.py, memory.py,
startup.py, capacity.py...): the machine (its CPU time and free ports too), the lessons, the
Bot API stand-in, group sessions and the durable-inbox feeding path. What members answer
is ``bench/answer_plans.py``.

Everything talks to the Bot API stand-in of ``tests/standin`` on 127.0.0.1; nothing leaves
the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import telegram  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.context import BotApplication  # noqa: E402
from bot.lessons import (  # noqa: E402
    ChoiceQuestion,
    DebateQuestion,
    Lesson,
    LessonCatalog,
    ShortQuestion,
)
from bot.lessons.load import load_catalog  # noqa: E402
from bot.poller import InboxPoller  # noqa: E402
from bot.runner import ALLOWED_UPDATES as ALLOWED_UPDATES  # noqa: E402 - burst.py's too
from bot.send_budget import SendBudget  # noqa: E402
from bot.storage import Storage  # noqa: E402
from tests.standin import BotApiStandIn as BotApiStandIn  # noqa: E402 - the scripts' too
from tests.standin import FakeChat, FakeUser, StoredMessage  # noqa: E402

TOKEN = "123456789:AAHfakeTokenForBenchOnly_abcdefghijkl"  # noqa: S105 - made up
SEED = REPO / "prompts" / "biegun-seoul-2020.yaml"
SEED_ID = "biegun-seoul-2020"
# Telegram's per-group limit (20 messages a minute) compressed to this many seconds, for the
# bot's rate limiter, as the tests do: setting up sessions must not wait minutes.
GROUP_WINDOW = 1.0

FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Ingrid", "José"]
FIRST += ["민수", "서연", "Ольга", "Zoë", "Kwame", "Léa", "Mateo", "Priya", "Sven", "Yuki"]
LAST = ["Kim", "Lee", "Park", "Nguyen", "Smith", "García", "Müller", "Rossi", "Öztürk", "Singh"]
WORDS = [
    "the",
    "working",
    "group",
    "alliance",
    "sanctions",
    "denuclearization",
    "Seoul",
    "Washington",
    "talks",
    "north",
    "south",
    "policy",
    "because",
    "I",
    "think",
    "that",
    "editorial",
    "is",
    "fair",
    "unfair",
    "coordination",
    "projects",
    "railway",
    "leaflets",
    "provocations",
    "concessions",
    "it",
    "depends",
    "on",
    "whether",
    "both",
    "sides",
    "agree",
]


# --- the machine --------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_line() -> str:
    cpus = len(os.sched_getaffinity(0))
    return (
        f"machine: nproc={cpus}, CPU {cpu_model()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, python-telegram-bot {telegram.__version__}, "
        f"{platform.system()} {platform.machine()}"
    )


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory now (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/status")


def free_port() -> int:
    """A port on 127.0.0.1 free now (for a server started next)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    return _cpu_of(Path(f"/proc/{pid}/stat"))


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """Each of the process's threads' CPU time, by thread id (the main thread's is ``pid``)."""
    found: dict[int, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError):  # a thread that ended meanwhile
            found[int(task.name)] = _cpu_of(task / "stat")
    return found


def _cpu_of(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- lessons ------------------------------------------------------------------------------


def lesson_variant(lesson_id: str, *, style: str | None = None) -> str:
    """The seed lesson's YAML with another id (and optionally another group style)."""
    text = SEED.read_text(encoding="utf-8")
    text, count = re.subn(r"^id: biegun-seoul-2020$", f"id: {lesson_id}", text, flags=re.M)
    assert count == 1, "the seed lesson's top-level id line moved"
    if style is not None:
        text = text.replace(f"id: {lesson_id}\n", f"id: {lesson_id}\nstyle: {style}\n", 1)
    return text


def write_prompts(folder: Path, variants: Iterable[tuple[str, str | None]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for lesson_id, style in variants:
        (folder / f"{lesson_id}.yaml").write_text(
            lesson_variant(lesson_id, style=style), encoding="utf-8"
        )
    return folder


# --- the bot and the stand-in -------------------------------------------------------------


def standin_for_bench() -> BotApiStandIn:
    """The stand-in without its own flood limit (the bot's rate limiter is compressed
    instead) and with button presses that never grow too old while a stream is queued."""
    return BotApiStandIn(TOKEN, group_flood_limit=None, callback_query_timeout=1e9)


@contextmanager
def bot_process(
    script: Path,
    standin: BotApiStandIn,
    db_path: Path,
    prompts: Path,
    log_path: Path,
    **env_extra: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """The bot as its own process (``script --bot-child``, which runs it as ``python -m bot
    run`` does), talking to ``standin``, its log in ``log_path``; stopped with SIGTERM on the
    way out (killed if it has not stopped within a minute)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=str(db_path),
        BOT_PROMPTS_DIR=str(prompts),
        BOT_LOG_LEVEL="INFO",
    )
    env.update(env_extra)
    with log_path.open("w") as log:
        child = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(script), "--bot-child"], cwd=REPO, env=env, stderr=log
        )
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


async def stop_while_serving(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM the bot and wait for it to exit without blocking the event loop: the stand-in
    in this process keeps answering the replies the bot lets go within its stop's grace (they
    timed out against a stand-in frozen in ``child.wait()``, and the bot logged each)."""
    child.terminate()
    await asyncio.to_thread(child.wait)


def settings_for(standin: BotApiStandIn, db_path: Path, prompts: Path) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DB_PATH=db_path,
        BOT_PROMPTS_DIR=prompts,
        BOT_LOG_LEVEL="INFO",
    )


def bench_rate_limiter(in_flight: int | None = None) -> SendBudget:
    """The bot's own rate limiter (``bot.send_budget``, as shipped) with the group window
    compressed. ``in_flight``: an experiment (bench/throughput.py
    --api-in-flight) that lets at most that many Bot API requests run at once, as a
    sequential caller would; the bot ships without it."""
    if in_flight is None:
        return SendBudget(group_time_period=GROUP_WINDOW, max_retries=3)
    return _InFlightLimiter(in_flight)


class _InFlightLimiter(SendBudget):
    def __init__(self, in_flight: int) -> None:
        super().__init__(group_time_period=GROUP_WINDOW, max_retries=3)
        self._in_flight = in_flight
        self._slots: asyncio.Semaphore | None = None  # made in the loop that uses it

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._in_flight)
        async with self._slots:
            return await super().process_request(*args, **kwargs)


class StreamPoller(InboxPoller):
    """The bot's own ``InboxPoller`` (inbox store, handling, inbox delete, confirmation),
    fed batches from memory instead of a long poll: ``run`` is production's loop."""

    def __init__(
        self, application: BotApplication, storage: Storage, batches: Iterator[list[Any]]
    ) -> None:
        super().__init__(application, storage, allowed_updates=ALLOWED_UPDATES)
        self._batches = batches

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]] | None:
        batch = next(self._batches, None)
        if batch is None:
            stop.set()
            return None
        return batch


def batches_of(updates: Sequence[dict[str, Any]], size: int = 100) -> Iterator[list[Any]]:
    """getUpdates hands out at most 100 updates at a time."""
    for start in range(0, len(updates), size):
        yield list(updates[start : start + size])


class RealBot:
    """The real Application, started as ``bot.runner.serve`` starts it (initialize,
    post_init opening the database, start), fed through ``StreamPoller``."""

    def __init__(
        self,
        settings: Settings,
        catalog: LessonCatalog,
        *,
        api_in_flight: int | None = None,
        inbox: bool = True,
    ) -> None:
        """``api_in_flight`` and ``inbox=False`` are experiments (bench/throughput.py):
        Bot API requests capped, fetched updates not stored. The bot ships with neither."""
        self.application = build_application(
            settings, catalog, rate_limiter=bench_rate_limiter(api_in_flight)
        )
        self._inbox = inbox

    @property
    def storage(self) -> Storage:
        storage = self.application.bot_data.storage
        assert storage is not None
        return storage

    async def __aenter__(self) -> RealBot:
        app = self.application
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        app = self.application
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)

    async def feed(self, updates: Sequence[dict[str, Any]]) -> None:
        """Handle updates exactly as the poller does after getUpdates returned them."""
        storage = self.storage
        if not self._inbox:

            async def not_stored(updates: Sequence[tuple[int, str]]) -> None:
                return None

            storage.inbox_add = not_stored  # type: ignore[method-assign]
        poller = StreamPoller(self.application, storage, batches_of(updates))
        await poller.run(asyncio.Event())


def take_updates(standin: BotApiStandIn) -> list[dict[str, Any]]:
    """What the stand-in queued, as getUpdates would deliver it (JSON, allowed kinds only),
    taken off the stand-in's queue so that only the feeder delivers it."""
    raw = [u.to_api() for u in standin.pending_updates if u.kind in ALLOWED_UPDATES]
    standin.drop_pending_updates()
    return [json.loads(json.dumps(u)) for u in raw]


def reset_presses(standin: BotApiStandIn) -> None:
    """Let every queued button press be answered again (the same stream fed twice)."""
    for query in standin.callback_queries.values():
        query.answered = False
    standin.callback_answers.clear()


# --- groups and sessions ------------------------------------------------------------------


@dataclass
class Question:
    lesson_question: ChoiceQuestion | ShortQuestion | DebateQuestion
    message: StoredMessage


@dataclass
class Group:
    chat: FakeChat
    admin: FakeUser
    members: list[FakeUser]
    lesson: Lesson
    questions: list[Question] = field(default_factory=list)
    walk_id: int = 0

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.lesson_question.id == question_id)


def make_members(standin: BotApiStandIn, count: int, rng: random.Random) -> list[FakeUser]:
    members = []
    for i in range(count):
        first = FIRST[i % len(FIRST)]
        last = rng.choice(LAST) if rng.random() < 0.8 else None
        username = f"m{i}_{rng.randrange(10**6)}" if rng.random() < 0.7 else None
        members.append(standin.user(first, last_name=last, username=username))
    return members


def make_group(
    standin: BotApiStandIn, title: str, lesson: Lesson, members: list[FakeUser]
) -> Group:
    admin = standin.user(f"Teacher {title}", username=re.sub(r"\W", "_", title.lower()))
    chat = standin.group(title, members=members, admins=[admin])
    return Group(chat, admin, members, lesson)


def command(standin: BotApiStandIn, group: Group, text: str) -> list[dict[str, Any]]:
    standin.send_text(group.admin, group.chat, text)
    return take_updates(standin)


def parts_until_discussion(lesson: Lesson) -> int:
    """How many /next calls post every part of a lesson without ending the session."""
    from bot.walk import EndStep, next_part, step_at

    position, count = 0, 0
    while not isinstance(step_at(lesson, position), EndStep):
        _, position = next_part(lesson, position)
        count += 1
    return count


def load_posted_questions(db_path: Path, group: Group, standin: BotApiStandIn) -> None:
    """Which bot message stands for which question (the bot's own posts table)."""
    db = sqlite3.connect(db_path)
    try:
        (walk_id,) = db.execute(
            "SELECT id FROM walks WHERE chat_id = ? AND status = 'active'", (group.chat.id,)
        ).fetchone()
        rows = db.execute(
            "SELECT message_id, question_id FROM posts WHERE walk_id = ? "
            "AND question_id IS NOT NULL ORDER BY message_id",
            (walk_id,),
        ).fetchall()
    finally:
        db.close()
    group.walk_id = int(walk_id)
    by_id = {q.id: q for q in group.lesson.questions()}
    group.questions = [
        Question(by_id[question_id], standin.message(group.chat.id, message_id))
        for message_id, question_id in rows
        if question_id in by_id  # not a debate's stance asked before reading ("<id>~before")
    ]


async def open_sessions(
    bot: Callable[[Sequence[dict[str, Any]]], Any],
    standin: BotApiStandIn,
    db_path: Path,
    groups: Sequence[Group],
    parts: int | None = None,
) -> None:
    """Each moderator runs /begin, then /next until every part (or ``parts`` parts) is
    posted, so that every question's message or poll exists; fed through ``bot``."""
    for group in groups:
        await bot(command(standin, group, f"/begin {group.lesson.id}"))
        for _ in range(parts if parts is not None else parts_until_discussion(group.lesson)):
            await bot(command(standin, group, "/next"))
        load_posted_questions(db_path, group, standin)


def count_answers(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
    finally:
        db.close()


def inbox_size(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
    finally:
        db.close()


def now() -> float:
    return time.perf_counter()


def catalog_of(folder: Path) -> LessonCatalog:
    return load_catalog([folder])


class CommitLog:
    """When each answer's transaction had committed: ``Storage.record_answer`` returns only
    after COMMIT, so the moment it returns is noted (time.monotonic, the stand-in's clock),
    keyed by the answer's source key. Costs one dict write per answer."""

    def __init__(self, storage: Storage) -> None:
        self.committed: dict[str, float] = {}
        self.enabled = True
        original = storage.record_answer

        async def record_answer(answer: Any, **kwargs: Any) -> Any:
            result = await original(answer, **kwargs)
            if self.enabled:
                self.committed[answer.source_key] = time.monotonic()
            return result

        storage.record_answer = record_answer  # type: ignore[method-assign]


def press_source_key(update: dict[str, Any]) -> str:
    """The source key a group button press is recorded under (bot.answering.core's keys)."""
    query = update["callback_query"]
    parts = query["data"].split(":")
    if parts[1] == "ch":  # v1:ch:<walk>:<question>:<mask>: one answer per member
        return f"choice:{parts[2]}:{parts[3]}:{query['from']['id']}"
    return f"press:{query['id']}"


async def round_trip_us(count: int = 2000) -> float:
    """What one aiosqlite call (a hop to its thread and back) costs on this machine now, in
    microseconds. On a VM it depends on whether the other core is asleep."""
    import aiosqlite

    async with aiosqlite.connect(":memory:") as db:
        await db.execute("SELECT 1")
        started = time.perf_counter()
        for _ in range(count):
            await db.execute("SELECT 1")
        return (time.perf_counter() - started) / count * 1e6
