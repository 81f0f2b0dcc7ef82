"""A homework deadline as a teacher types it, read in the group's time zone and kept in UTC.

Absolute local times: ``2026-12-04 18:00``, ``fri 18:00``, ``tomorrow 9:00``, ``today 17:30``,
``18:00`` (the next 18:00); or a duration from now: ``3d``, ``12h``, ``90m``, ``45s``, ``1h30m``.
What cannot be a deadline raises ``DeadlineError`` saying why (render words it). Pure: the
clock is passed in, so every rule is tested without waiting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

# Further ahead than this is a typo more likely than a plan (and keeps dates in range).
LONGEST = dt.timedelta(days=366)

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_TIME = re.compile(r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})")
_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_DURATION = re.compile(
    r"(?:(?P<d>\d{1,4})d)?(?:(?P<h>\d{1,5})h)?(?:(?P<m>\d{1,6})m)?(?:(?P<s>\d{1,7})s)?"
)


class Problem(Enum):
    UNKNOWN = "unknown"  # not a shape we read
    NO_SUCH_DATE = "no_such_date"  # 2026-02-30, 25:00
    PAST = "past"  # the moment has passed (or is now)
    SKIPPED = "skipped"  # a local time a daylight-saving jump skips
    TOO_FAR = "too_far"  # more than a year ahead


class DeadlineError(ValueError):
    def __init__(self, problem: Problem, typed: str, local: dt.datetime | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.typed = typed
        self.local = local  # the local time meant, where there is one


def parse(typed: str, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The deadline ``typed`` means, as an aware UTC datetime after ``now`` (aware)."""
    words = typed.strip().casefold().split()
    if not words:
        raise DeadlineError(Problem.UNKNOWN, typed)
    if len(words) == 1 and (duration := _duration(words[0])) is not None:
        if duration > LONGEST:
            raise DeadlineError(Problem.TOO_FAR, typed)
        if duration <= dt.timedelta(0):
            raise DeadlineError(Problem.PAST, typed)
        return now.astimezone(dt.UTC) + duration
    local = _local_time(words, typed, now.astimezone(zone))
    at = _in_zone(local, zone, typed)
    if at <= now:
        raise DeadlineError(Problem.PAST, typed, local)
    if at - now > LONGEST:
        raise DeadlineError(Problem.TOO_FAR, typed, local)
    return at


def duration(word: str) -> dt.timedelta | None:
    """A duration as typed (``3d``, ``1h30m``, ``45s``), or None when it is not one (also
    read by ``BOT_REMINDERS``: the times before a deadline that reminders go out)."""
    return _duration(word.strip().casefold())


def _duration(word: str) -> dt.timedelta | None:
    match = _DURATION.fullmatch(word)
    if match is None or not any(match.groupdict().values()):
        return None
    amount = {unit: int(value or 0) for unit, value in match.groupdict().items()}
    return dt.timedelta(
        days=amount["d"], hours=amount["h"], minutes=amount["m"], seconds=amount["s"]
    )


def _clock(word: str, typed: str) -> dt.time:
    match = _TIME.fullmatch(word)
    if match is None:
        raise DeadlineError(Problem.UNKNOWN, typed)
    try:
        return dt.time(int(match["hour"]), int(match["minute"]))
    except ValueError:
        raise DeadlineError(Problem.NO_SUCH_DATE, typed) from None


def _local_time(words: list[str], typed: str, today: dt.datetime) -> dt.datetime:
    """The wall-clock time meant (naive), from the group's today."""
    if len(words) == 1:  # "18:00": the next one
        clock = _clock(words[0], typed)
        day = today.date()
        if dt.datetime.combine(day, clock) <= today.replace(tzinfo=None):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, clock)
    if len(words) != 2:
        raise DeadlineError(Problem.UNKNOWN, typed)
    first, clock = words[0], _clock(words[1], typed)
    if first in ("today", "tomorrow"):
        day = today.date() + dt.timedelta(days=1 if first == "tomorrow" else 0)
        return dt.datetime.combine(day, clock)
    if first in _WEEKDAYS:  # the next such day; today if that time is still ahead
        ahead = (_WEEKDAYS[first] - today.weekday()) % 7
        meant = dt.datetime.combine(today.date() + dt.timedelta(days=ahead), clock)
        if meant <= today.replace(tzinfo=None):
            meant += dt.timedelta(days=7)
        return meant
    date = _DATE.fullmatch(first)
    if date is None:
        raise DeadlineError(Problem.UNKNOWN, typed)
    try:
        day = dt.date(int(date["year"]), int(date["month"]), int(date["day"]))
    except ValueError:
        raise DeadlineError(Problem.NO_SUCH_DATE, typed) from None
    return dt.datetime.combine(day, clock)


def _in_zone(local: dt.datetime, zone: ZoneInfo, typed: str) -> dt.datetime:
    """A wall-clock time in ``zone``, in UTC. A time the clocks jump over (e.g. 02:30 on a
    spring-forward night) exists nowhere: said, not moved. A time that happens twice (the
    autumn hour) is the first of the two."""
    aware = local.replace(tzinfo=zone, fold=0)
    at = aware.astimezone(dt.UTC)
    if at.astimezone(zone).replace(tzinfo=None) != local:
        raise DeadlineError(Problem.SKIPPED, typed, local)
    return at


@dataclass(frozen=True, slots=True)
class Until:
    """How far off a moment is, in one rounded unit: (3, "days"), (45, "seconds")."""

    count: int
    unit: str  # "seconds", "minutes", "hours" or "days"; count <= 0: it has passed


def until(moment: dt.datetime, now: dt.datetime) -> Until:
    seconds = (moment - now).total_seconds()
    if seconds < 90:
        return Until(round(seconds), "seconds")
    if seconds < 90 * 60:
        return Until(round(seconds / 60), "minutes")
    if seconds < 36 * 3600:
        return Until(round(seconds / 3600), "hours")
    return Until(round(seconds / 86400), "days")
