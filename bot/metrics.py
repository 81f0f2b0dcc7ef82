"""What an operator graphs: counters and histograms in Prometheus' format (``GET /metrics``).

One set per process, made on first use (nothing at import time), as Prometheus clients
expect: a counter only grows, and a scrape reads it as it is. The hooks sit at the edges:
the inbox (updates received and handled), the storage's one ``record_answer`` (answers),
the rate limiter that every Bot API call but getUpdates passes (calls, 429s and the time
they made the bot wait), and an error handler (errors by kind).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds from taking an update in hand to its handling's end.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates_received = Counter(
            "bot_updates_received", "Updates stored in the inbox, by kind", ["kind"], registry=r
        )
        self.updates_handled = Counter(
            "bot_updates_handled", "Updates handled, by kind", ["kind"], registry=r
        )
        self.answers = Counter(
            "bot_answers_recorded",
            "Answers recorded, by audience (private, group) and question kind",
            ["audience", "kind"],
            registry=r,
        )
        self.latency = Histogram(
            "bot_handler_seconds",
            "Time to handle one update, from taking it in hand",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.inbox_depth = Gauge(
            "bot_inbox_depth",
            "Updates stored and not yet handled (read at each scrape)",
            registry=r,
        )
        self.api_calls = Counter(
            "bot_api_calls",
            "Bot API calls, by method and outcome (ok, retry_after, bad_request, forbidden, "
            "network, error; in_push: a pop-up or a ✍ sent in the answer to its update's push)",
            ["method", "outcome"],
            registry=r,
        )
        self.flood_waits = Counter(
            "bot_api_retry_after", "429 answers from Telegram (Too Many Requests)", registry=r
        )
        self.flood_waited = Counter(
            "bot_api_retry_after_seconds",
            "Seconds Telegram asked the bot to wait, in total",
            registry=r,
        )
        self.errors = Counter("bot_errors", "Errors, by kind", ["kind"], registry=r)
        self._children: dict[tuple[int, tuple[str, ...]], Counter] = {}

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def received(self, kind: str) -> Counter:
        return self.child(self.updates_received, kind)

    def handled(self, kind: str) -> Counter:
        return self.child(self.updates_handled, kind)

    def child(self, family: Counter, *labels: str) -> Counter:
        """``family.labels(*labels)``, looked up once: prometheus-client takes a lock and
        checks the labels on every call, and these are counted for every update."""
        key = (id(family), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = family.labels(*labels)
        return child


@functools.cache
def metrics() -> Metrics:
    """The process's metrics, made on first use."""
    return Metrics()


def update_kind(raw: object) -> str:
    """An update's kind (message, callback_query, poll_answer…): its one key besides the id."""
    if isinstance(raw, dict):
        return next((str(key) for key in raw if key != "update_id"), "unknown")
    return "unknown"


def count_answer(audience: str, kind: str) -> None:
    m = metrics()
    m.child(m.answers, audience, kind).inc()


def count_in_push(method: str) -> None:
    """A request sent in the answer to its update's webhook push (``bot.push_reply``)."""
    m = metrics()
    m.child(m.api_calls, method, "in_push").inc()


def count_error(kind: str) -> None:
    metrics().errors.labels(kind).inc()


async def timed(work: Awaitable[None], kind: str) -> None:
    """Handle one update, counting it and its time."""
    m = metrics()
    started = time.perf_counter()
    try:
        await work
    finally:
        m.latency.observe(time.perf_counter() - started)
        m.handled(kind).inc()
