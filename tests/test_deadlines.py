"""Deadlines and time zones as a teacher types them: every shape, every refusal, the
daylight-saving edges, and the hint of how far off a deadline is. Pure: the clock is given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import deadlines, timezones
from bot.deadlines import DeadlineError, Problem
from bot.render import assignments as render

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 1 December 2026, 09:00 UTC = 18:00 in Seoul.
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def at(typed: str, zone: ZoneInfo = SEOUL, now: dt.datetime = NOW) -> dt.datetime:
    return deadlines.parse(typed, now, zone)


def local(moment: dt.datetime, zone: ZoneInfo = SEOUL) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-12-04 18:00", "Fri 2026-12-04 18:00"),
        ("fri 18:00", "Fri 2026-12-04 18:00"),
        ("Friday 18:00", "Fri 2026-12-04 18:00"),
        ("tomorrow 9:00", "Wed 2026-12-02 09:00"),
        ("today 23:30", "Tue 2026-12-01 23:30"),
        ("18:00", "Wed 2026-12-02 18:00"),  # it is 18:00 now: the next one is tomorrow's
        ("18:01", "Tue 2026-12-01 18:01"),
        ("tue 17:00", "Tue 2026-12-08 17:00"),  # today's has passed: next week's
        ("tue 19:00", "Tue 2026-12-01 19:00"),  # today's is still ahead
        ("3d", "Fri 2026-12-04 18:00"),
        ("12h", "Wed 2026-12-02 06:00"),
        ("90m", "Tue 2026-12-01 19:30"),
        ("1h30m", "Tue 2026-12-01 19:30"),
    ],
)
def test_every_shape_in_the_groups_zone(typed: str, meant: str) -> None:
    assert local(at(typed)) == meant


def test_stored_in_utc() -> None:
    moment = at("2026-12-04 18:00")
    assert moment.tzinfo == dt.UTC and moment == dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    assert at("45s") == NOW + dt.timedelta(seconds=45)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", Problem.UNKNOWN),
        ("someday", Problem.UNKNOWN),
        ("yesterday 9:00", Problem.UNKNOWN),
        ("fri", Problem.UNKNOWN),
        ("fri 18:00 sharp", Problem.UNKNOWN),
        ("3x", Problem.UNKNOWN),
        ("2026-02-30 18:00", Problem.NO_SUCH_DATE),
        ("2026-13-01 18:00", Problem.NO_SUCH_DATE),
        ("25:00", Problem.NO_SUCH_DATE),
        ("fri 18:61", Problem.NO_SUCH_DATE),
        ("2026-11-30 18:00", Problem.PAST),
        ("today 17:59", Problem.PAST),
        ("0s", Problem.PAST),
        ("400d", Problem.TOO_FAR),
        ("2028-01-01 10:00", Problem.TOO_FAR),
    ],
)
def test_what_is_no_deadline_says_why(typed: str, problem: Problem) -> None:
    with pytest.raises(DeadlineError) as caught:
        at(typed)
    assert caught.value.problem is problem
    words = render.deadline_problem(caught.value, SEOUL).text
    assert "/assign fri 18:00" in words and "/assign 3d" in words  # two examples
    assert "\n" not in words  # one line


def test_a_local_time_skipped_by_the_spring_jump_says_so() -> None:
    # New York: on Sunday 8 March 2026 the clocks go from 02:00 straight to 03:00.
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(DeadlineError) as caught:
        deadlines.parse("2026-03-08 02:30", now, NEW_YORK)
    assert caught.value.problem is Problem.SKIPPED
    words = render.deadline_problem(caught.value, NEW_YORK).text
    assert "02:30 does not exist on Sunday 8 March in America/New_York" in words
    # Either side of the gap exists, an hour of UTC apart as the clocks say.
    before = deadlines.parse("2026-03-08 01:59", now, NEW_YORK)
    after = deadlines.parse("2026-03-08 03:00", now, NEW_YORK)
    assert after - before == dt.timedelta(minutes=1)
    assert before == dt.datetime(2026, 3, 8, 6, 59, tzinfo=dt.UTC)  # EST, UTC-5
    assert after == dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)  # EDT, UTC-4


def test_the_autumn_hour_that_happens_twice_is_the_first() -> None:
    now = dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC)
    moment = deadlines.parse("2026-11-01 01:30", now, NEW_YORK)
    assert moment == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # still EDT


def test_a_duration_across_a_jump_is_elapsed_time() -> None:
    now = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC)
    assert deadlines.parse("1d", now, NEW_YORK) - now == dt.timedelta(hours=24)


@given(
    minutes=st.integers(min_value=1, max_value=365 * 24 * 60),
    zone=st.sampled_from([SEOUL, NEW_YORK, ZoneInfo("UTC"), ZoneInfo("Australia/Lord_Howe")]),
)
def test_a_duration_is_exactly_that_long_from_now_in_any_zone(minutes: int, zone: ZoneInfo) -> None:
    assert deadlines.parse(f"{minutes}m", NOW, zone) - NOW == dt.timedelta(minutes=minutes)


@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    now_minutes=st.integers(0, 366 * 24 * 60),
    zone=st.sampled_from([SEOUL, NEW_YORK, ZoneInfo("Europe/London")]),
)
def test_a_bare_time_is_the_next_one_within_a_day_and_reads_back(
    hour: int, minute: int, now_minutes: int, zone: ZoneInfo
) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=now_minutes)
    try:
        moment = deadlines.parse(f"{hour}:{minute:02d}", now, zone)
    except DeadlineError as error:  # only a time the clocks skip has none
        assert error.problem is Problem.SKIPPED
        return
    assert now < moment <= now + dt.timedelta(hours=25)  # 25: across an autumn night
    shown = moment.astimezone(zone)
    assert (shown.hour, shown.minute) == (hour, minute)


@pytest.mark.parametrize(
    ("seconds", "hint"),
    [
        (45, "in 45 seconds"),
        (1, "in 1 second"),
        (60 * 60, "in 60 minutes"),
        (12 * 3600, "in 12 hours"),
        (3 * 86400, "in 3 days"),
        (-5, "passed"),
    ],
)
def test_the_relative_hint(seconds: int, hint: str) -> None:
    assert render.relative(NOW + dt.timedelta(seconds=seconds), NOW) == hint


def test_the_deadline_as_members_read_it() -> None:
    moment = at("3d")
    assert render.deadline_with_hint(moment, SEOUL, NOW) == "Friday 4 December, 18:00 (in 3 days)"
    assert render.local_when(moment, ZoneInfo("UTC"), NOW) == "Friday 4 December, 09:00"
    next_year = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
    assert render.local_when(next_year, SEOUL, NOW) == "Monday 4 January 2027, 18:00"


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Asia/Seoul", "Asia/Seoul"), ("asia/seoul", "Asia/Seoul"), (" UTC ", "UTC")],
)
def test_a_zone_by_its_iana_name_in_any_case(typed: str, name: str) -> None:
    assert timezones.canonical(typed) == name
    assert timezones.zone(typed).key == name


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Asia/Seol", "Asia/Seoul"), ("seoul", "Asia/Seoul"), ("Europe/Londn", "Europe/London")],
)
def test_an_unknown_zone_gets_close_matches(typed: str, suggested: str) -> None:
    with pytest.raises(timezones.UnknownZone) as caught:
        timezones.canonical(typed)
    assert caught.value.suggestions[0] == suggested
    words = render.timezone_unknown(typed, caught.value.suggestions).text
    assert f"Did you mean <b>{suggested}</b>" in words


@pytest.mark.parametrize("typed", ["../../etc/passwd", "", "Nowhere/At_All_Zz"])
def test_a_name_that_is_no_zone_is_just_unknown(typed: str) -> None:
    with pytest.raises(timezones.UnknownZone):
        timezones.zone(typed)
