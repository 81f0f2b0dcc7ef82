"""Paced sessions (issue 12): a group session that moves to its next part by itself every
so often. What ``/begin … pace 3m`` means, whether a lesson's parts stay within Telegram's
limit of 20 messages a minute in a group at that pace, and the fastest pace that does.

Pure: no Telegram, no SQL (``bot.session_clock`` runs the clock; ``bot.render.pace`` counts
the messages of each part). A pace is a whole number of seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot import deadlines

PACE_WORD = "pace"
MIN_PACE = 5  # seconds: Telegram's shortest open_period for a poll
MAX_PACE = 24 * 3600  # a longer pace is a typo more likely than a plan
# Up to this pace (10 minutes, the issue's: the open_period Telegram allowed when it was
# written), quiz polls count down with open_period = the pace and every question closes
# when its time is up; a slower session moves on by itself but its questions stay open.
COUNTDOWN_MAX = 600
GROUP_LIMIT = 20  # messages a group may get a minute (Telegram's flood limit)
FLOOD_WINDOW = 60  # seconds
# Messages a minute left over for what is not a part: /status, a refusal, a hint.
HEADROOM = 2


class Problem(Enum):
    MISSING = "missing"  # "pace" with no duration after it
    UNREADABLE = "unreadable"  # not a duration ("pace soon", "pace 3 m")
    TOO_SHORT = "too_short"  # 0, or under MIN_PACE
    TOO_LONG = "too_long"  # over MAX_PACE


class PaceError(ValueError):
    def __init__(self, problem: Problem, typed: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.typed = typed


@dataclass(frozen=True, slots=True)
class BeginArgs:
    """What /begin was given: a lesson id (None: not named) and a pace (None: none)."""

    lesson_id: str | None
    pace: int | None


def parse_begin(words: Sequence[str]) -> BeginArgs:
    """``[lesson-id] [pace <duration>]``; a pace that cannot be one raises ``PaceError``."""
    lowered = [word.casefold() for word in words]
    if PACE_WORD not in lowered:
        return BeginArgs(words[0].lower() if words else None, None)
    at = lowered.index(PACE_WORD)
    before, after = words[:at], words[at + 1 :]
    if not after:
        raise PaceError(Problem.MISSING)
    if len(before) > 1 or len(after) > 1:
        raise PaceError(Problem.UNREADABLE, " ".join(after))
    return BeginArgs(before[0].lower() if before else None, parse_pace(after[0]))


def parse_pace(typed: str) -> int:
    """A pace as typed (``3m``, ``45s``, ``1m30s``), in whole seconds."""
    length = deadlines.duration(typed)
    if length is None:
        raise PaceError(Problem.UNREADABLE, typed)
    seconds = int(length.total_seconds())
    if seconds < MIN_PACE:
        raise PaceError(Problem.TOO_SHORT, typed)
    if seconds > MAX_PACE:
        raise PaceError(Problem.TOO_LONG, typed)
    return seconds


def counts_down(pace: int) -> bool:
    """Whether questions posted at this pace close when their time is up (quiz polls by
    Telegram's own countdown)."""
    return pace <= COUNTDOWN_MAX


def fastest_pace(bursts: Sequence[int]) -> int:
    """The fastest pace (seconds) at which a session never sends a group more than
    GROUP_LIMIT - HEADROOM messages in FLOOD_WINDOW.

    ``bursts``: the messages sent at each tick, in order (the opening message with the
    first part, each further part, the closing summary). Ticks are at least a pace apart,
    so a window holds the bursts of at most ceil(window / pace) ticks in a row. A part too
    big for any window on its own is sent at the flood limit's speed as under /next: any
    pace of a window or more is as good as another then.
    """
    budget = GROUP_LIMIT - HEADROOM
    if sum(bursts) <= budget:
        return MIN_PACE
    for ticks in range(len(bursts) - 1, 0, -1):
        widest = max(sum(bursts[i : i + ticks]) for i in range(len(bursts) - ticks + 1))
        if widest <= budget:
            return max(MIN_PACE, math.ceil(FLOOD_WINDOW / ticks))
    return FLOOD_WINDOW


def written(seconds: int) -> str:
    """A pace as /begin takes it: ``3m``, ``45s``, ``1m30s``, ``1h``."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    units = ((hours, "h"), (minutes, "m"), (secs, "s"))
    return "".join(f"{n}{unit}" for n, unit in units if n) or "0s"
