"""Callback data: every shape round-trips, stays under 64 bytes, and forgeries are refused."""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.callbacks import (
    AssignPick,
    BeginLesson,
    ContinueReading,
    HomeworkClose,
    HomeworkExtend,
    ListLessons,
    PickStance,
    SubmitChoice,
    SwitchLesson,
    ToggleChoice,
)

LONGEST_SLUG = "a" * 32


@pytest.mark.parametrize(
    "action",
    [
        BeginLesson(LONGEST_SLUG),
        SwitchLesson(LONGEST_SLUG),
        ListLessons(),
        ContinueReading(999_999_999_999, 9999),
        SubmitChoice(999_999_999_999, LONGEST_SLUG, 4095),
        ToggleChoice(1, "q-1", 0),
        PickStance(12, "on-our-own", 2),
        HomeworkExtend(999_999_999_999, 999_999_999_999),
        HomeworkClose(999_999_999_999),
        AssignPick(999_999_999_999, LONGEST_SLUG),
    ],
)
def test_round_trip_within_telegram_limit(action: callbacks.Action) -> None:
    data = callbacks.encode(action)
    assert len(data.encode()) <= 64
    assert callbacks.decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "go:lesson",  # no version
        "v2:go:lesson",  # unknown version
        "v1:go:Lesson",  # not a slug
        "v1:go:lesson:extra",
        "v1:nx:0:1",  # ids start at 1
        "v1:nx:01:1",  # no leading zeros
        "v1:nx:1:-1",
        "v1:ch:1:q:99999",  # mask too wide
        "v1:ch:1:q:1 ",
        "v1:st:1:q",
        "v1:ls:",
        "v1:xx:1",
        "v1:go:" + "a" * 70,
        "v1:nx:1:1\n",
    ],
)
def test_forged_or_malformed_data_is_refused(data: str | None) -> None:
    assert callbacks.decode(data) is None


def test_encode_refuses_what_telegram_would() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.encode(BeginLesson("a" * 80))
