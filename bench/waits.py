"""``bench/capacity.py --waits``: where each update's time goes in the bot's process, and the
cycle around it (getUpdates, the inbox write, waiting for room; in webhook mode the push's
own handling), measured by wrapping the scheduler, the writer and the Bot API client in the
bot's child process; and the report of it in the benchmark's."""

from __future__ import annotations

import asyncio
import atexit
import sys
import time
from collections import defaultdict
from typing import Any

import benchlib as b


def percentile_ms(values: list[float], share: float) -> str:
    return f"{b.percentile(values, share) * 1000:,.0f} ms" if values else "n/a"


def by_tenth(name: str, values: list[float]) -> str:
    """p99 of each tenth of ``values`` (in their order): how a load's start differs."""
    tenth = max(1, len(values) // 10)
    return f"  {name} by tenth of the load, p99: " + ", ".join(
        percentile_ms(values[i : i + tenth], 0.99) for i in range(0, len(values), tenth)
    )


# Where an update's time goes, in the bot's process: (added → placed in its task, waiting
# for the chat's or user's earlier updates, waiting for a slot, handling; of the handling,
# waiting for commits and for Bot API calls).
WAIT_NAMES = ("task start", "order", "slot", "handling", "  commits", "  Bot API calls")


def measure_waits() -> list[tuple[float, ...]]:
    """Wrap the scheduler, the writer and the Bot API client to time each update's waits."""
    from contextvars import ContextVar

    from bot import scheduler as sched
    from bot.storage import base
    from bot.telegram_http import AiohttpRequest

    rows: list[tuple[float, ...]] = []
    # Per update: added, began, slot asked, slot taken, commits' time, Bot API calls' time.
    moments: ContextVar[list[float] | None] = ContextVar("moments", default=None)
    added: dict[int, float] = {}

    def timed(original: Any, index: int) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.monotonic()
            try:
                return await original(*args, **kwargs)
            finally:
                row = moments.get()
                if row is not None:
                    row[index] += time.monotonic() - began

        return wrapper

    place, run, take = sched.Scheduler._place, sched.Scheduler._run, sched._Slots.take

    def placed(self: Any, item: Any, *, held: bool) -> None:
        added[id(item)] = time.monotonic()
        place(self, item, held=held)

    async def running(self: Any, node: Any, item: Any, after: Any, *, held: bool) -> None:
        began = time.monotonic()
        row = [added.pop(id(item), began), began, began, began, 0.0, 0.0]
        moments.set(row)
        await run(self, node, item, after, held=held)
        at, began, asked, taken, commits, calls = row
        rows.append(
            (began - at, asked - began, taken - asked, time.monotonic() - taken, commits, calls, at)
        )

    async def taking(self: Any, *, held: bool) -> None:
        row = moments.get()
        if row is not None:
            row[2] = time.monotonic()
        await take(self, held=held)
        if row is not None:
            row[3] = time.monotonic()

    base.StorageBase._write = timed(base.StorageBase._write, 4)  # type: ignore[method-assign]
    AiohttpRequest.do_request = timed(AiohttpRequest.do_request, 5)  # type: ignore[method-assign]
    sched.Scheduler._place = placed  # type: ignore[method-assign]
    sched.Scheduler._run = running  # type: ignore[method-assign]
    sched._Slots.take = taking  # type: ignore[method-assign]

    measure_poll_cycle()
    return rows


def measure_poll_cycle() -> None:
    """Time the poller's cycle: getUpdates, the inbox write, waiting for room; the means go
    to the bot's log at exit."""
    from bot import scheduler as sched
    from bot.poller import InboxPoller
    from bot.storage import Storage

    poll_cycle: dict[str, list[float]] = defaultdict(list)

    def cycle(original: Any, name: str) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.monotonic()
            try:
                return await original(*args, **kwargs)
            finally:
                poll_cycle[name].append(time.monotonic() - began)

        return wrapper

    from bot.storage.writer import Writer

    transaction = Writer._transaction

    def timed_transaction(self: Any, jobs: list[Any]) -> Any:
        began = time.monotonic()
        try:
            return transaction(self, jobs)
        finally:
            poll_cycle["transaction"].append(time.monotonic() - began)
            poll_cycle["jobs per transaction"].append(len(jobs) / 1000)

    Writer._transaction = timed_transaction  # type: ignore[method-assign]
    run_job = Writer._run_job
    # Per kind of write: jobs run, their time on the writer thread, and its CPU time; the
    # difference is mostly waiting to take the GIL back after each statement (session 8).
    jobs: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])

    def timed_job(db: Any, job: Any, isolated: bool) -> Any:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return run_job(db, job, isolated)
        finally:
            kind = jobs[getattr(job.work, "__qualname__", "?").replace(".<locals>", "")]
            kind[0] += 1
            kind[1] += time.perf_counter() - began
            kind[2] += time.thread_time() - cpu

    Writer._run_job = staticmethod(timed_job)  # type: ignore[method-assign]
    from bot import runner
    from bot.web.webhook import WebhookEndpoint

    WebhookEndpoint.handle = cycle(WebhookEndpoint.handle, "webhook POST")  # type: ignore[method-assign]
    Storage.inbox_store = cycle(Storage.inbox_store, "inbox store")  # type: ignore[method-assign]
    receive = runner._receive

    async def lag_sampled(*args: Any, **kwargs: Any) -> None:
        async def sample() -> None:  # how late the event loop runs a timer due every 5 ms
            while True:
                began = time.monotonic()
                await asyncio.sleep(0.005)
                poll_cycle["event loop lag"].append(time.monotonic() - began - 0.005)

        sampler = asyncio.ensure_future(sample())
        try:
            await receive(*args, **kwargs)
        finally:
            sampler.cancel()

    runner._receive = lag_sampled
    InboxPoller._fetch = cycle(InboxPoller._fetch, "getUpdates")  # type: ignore[method-assign]
    Storage.inbox_add = cycle(Storage.inbox_add, "inbox write")  # type: ignore[method-assign]
    sched.Scheduler.room = cycle(sched.Scheduler.room, "room")  # type: ignore[method-assign]

    def report() -> None:
        for name, took in poll_cycle.items():
            ordered = sorted(took)
            middle, p99 = ordered[len(took) // 2] * 1000, ordered[len(took) * 99 // 100] * 1000
            print(
                f"poll cycle: {name}: {len(took)} x median {middle:.1f} ms, p99 {p99:.1f} ms",
                file=sys.stderr,
            )

        for name, (count, wall, cpu) in sorted(jobs.items(), key=lambda job: -job[1][1]):
            print(
                f"poll cycle: writer job {name}: {count:.0f} x {wall / count * 1e6:,.0f} µs "
                f"on the writer thread, of it CPU {cpu / count * 1e6:,.0f} µs",
                file=sys.stderr,
            )

    atexit.register(report)


def print_waits(update_waits: list[tuple[float, ...]], log: str, since: float) -> None:
    update_waits = [row for row in update_waits if row[-1] >= since]  # the load's, not set-up's
    if not update_waits:
        return
    print(f"where an update's time went ({len(update_waits):,} updates; mean, p50, p99):")
    for index, name in enumerate(WAIT_NAMES):
        column = [row[index] for row in update_waits]
        print(
            f"  {name:<16} {sum(column) / len(column) * 1000:8,.1f} ms"
            f" {percentile_ms(column, 0.5):>10} {percentile_ms(column, 0.99):>10}"
        )
    for index in (3, 4):  # handling and its commits, over the load: warm-up shows here
        print(by_tenth(WAIT_NAMES[index].strip(), [row[index] for row in update_waits]))
    for line in log.splitlines():
        if line.startswith("poll cycle:"):
            print(line)
