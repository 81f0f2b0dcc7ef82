"""Bot API calls counted for /metrics, at the edge every call but getUpdates passes: PTB's
rate limiter (``MeasuredRateLimiter``, given to ``build_application`` by ``run``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.metrics import metrics
from bot.send_budget import SendBudget


def outcome_of(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    if isinstance(error, RetryAfter):
        return "retry_after"
    if isinstance(error, BadRequest):
        return "bad_request"
    if isinstance(error, Forbidden):
        return "forbidden"
    if isinstance(error, TimedOut | NetworkError):
        return "network"
    return "error"


def count_call(method: str, error: BaseException | None) -> None:
    m = metrics()
    m.api_calls.labels(method, outcome_of(error)).inc()
    if isinstance(error, RetryAfter):
        m.flood_waits.inc()
        delay: object = error.retry_after  # a timedelta, or seconds in older PTB
        total = getattr(delay, "total_seconds", None)
        m.flood_waited.inc(float(total()) if callable(total) else float(str(delay)))


class MeasuredRateLimiter(SendBudget):
    """The bot's rate limiter (``bot.send_budget``: per-chat budgets, shared fairly), counting
    each attempt of each call (a 429 waited out and retried counts twice: once
    ``retry_after``, once as it ended)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        async def measured(*a: Any, **k: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            try:
                result = await callback(*a, **k)
            except Exception as error:
                count_call(endpoint, error)
                raise
            count_call(endpoint, None)
            return result

        return await super().process_request(
            measured, args, kwargs, endpoint, data, rate_limit_args
        )
