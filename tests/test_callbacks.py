"""Callback data: every shape round-trips, stays under 64 bytes, and forgeries are refused."""

from __future__ import annotations

from typing import get_args

import pytest

from bot import callbacks
from bot.callbacks import (
    AgainLesson,
    AnswerPrivately,
    AssignPick,
    BeginLesson,
    ChooseLanguage,
    ContinueReading,
    ExportFor,
    Forget,
    GroupBegin,
    GroupBeginPaced,
    GroupEnd,
    GroupNext,
    GroupPick,
    HomeworkClose,
    HomeworkCloseAnswer,
    HomeworkExtend,
    ListLessons,
    MuteReminders,
    PickBefore,
    PickStance,
    RemindContinue,
    ReportFor,
    SelfCheck,
    SettingChoice,
    ShowNext,
    ShowReasons,
    ShowWords,
    StartHomework,
    SubmitChoice,
    SwitchHomework,
    SwitchLesson,
    ToggleChoice,
    UnmuteReminders,
    WordsLink,
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
        HomeworkCloseAnswer(999_999_999_999, 1),
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
        "v1:hy:1:2",  # Close now's answer: 1 (close) or 0 (keep)
        "v1:hy:1",
        "v1:ex:-100:csv:8",  # three scope bits at most
    ],
)
def test_forged_or_malformed_data_is_refused(data: str | None) -> None:
    assert callbacks.decode(data) is None


def test_encode_refuses_what_telegram_would() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.encode(BeginLesson("a" * 80))


# Buttons and links already in chats carry exactly these: each shape must keep reading them,
# and write them, byte for byte.
SENT_BEFORE = [
    (BeginLesson("les-1"), "v1:go:les-1"),
    (SwitchLesson("les-1"), "v1:sw:les-1"),
    (ListLessons(), "v1:ls"),
    (ContinueReading(41, 7), "v1:nx:41:7"),
    (SubmitChoice(41, "q2", 5), "v1:ch:41:q2:5"),
    (ToggleChoice(41, "q2", 3), "v1:tk:41:q2:3"),
    (PickStance(41, "q2", 3), "v1:st:41:q2:3"),
    (GroupBegin("les-1"), "v1:gb:les-1"),
    (GroupNext(41, 7), "v1:gn:41:7"),
    (GroupEnd(41), "v1:ge:41"),
    (AgainLesson("les-1"), "v1:ag:les-1"),
    (SelfCheck(41, "q2", 2), "v1:sc:41:q2:2"),
    (ShowNext(41, 7), "v1:sn:41:7"),
    (GroupPick(41, "q2", 3), "v1:gp:41:q2:3"),
    (ReportFor(-1001234567890), "v1:rp:-1001234567890"),
    (ExportFor(-1001234567890, "xlsx", 3), "v1:ex:-1001234567890:xlsx:3"),
    (ExportFor(-1001234567890, "jsonl", 5), "v1:ex:-1001234567890:jsonl:5"),  # lookups
    (Forget(1), "v1:fg:1"),
    (SwitchHomework(9), "v1:hw:9"),
    (RemindContinue(9), "v1:rc:9"),
    (MuteReminders(-1001234567890), "v1:rm:-1001234567890"),
    (UnmuteReminders(-1001234567890), "v1:ru:-1001234567890"),
    (SettingChoice("quiz", 3), "v1:gs:quiz:3"),
    (ShowWords("les-1", 4), "v1:wd:les-1:4"),
    (ShowReasons(0), "v1:rs:0"),
    (PickBefore(41, "q2", 3), "v1:pb:41:q2:3"),
    (ChooseLanguage("ko"), "v1:lg:ko"),
    (GroupBeginPaced("les-1", 180), "v1:gq:les-1:180"),
    (HomeworkExtend(9, 1764650000), "v1:hx:9:1764650000"),
    (HomeworkClose(9), "v1:hc:9"),
    (HomeworkCloseAnswer(9, 1), "v1:hy:9:1"),
    (HomeworkCloseAnswer(9, 0), "v1:hy:9:0"),
    (AssignPick(12, "les-1"), "v1:ap:12:les-1"),
]


@pytest.mark.parametrize(("action", "data"), SENT_BEFORE)
def test_buttons_sent_before_read_and_write_the_same(action: callbacks.Action, data: str) -> None:
    assert callbacks.encode(action) == data
    assert callbacks.decode(data) == action


def test_every_kind_of_button_is_pinned() -> None:
    assert {type(action) for action, _ in SENT_BEFORE} == set(get_args(callbacks.Action))


def test_deep_links_sent_before_read_and_write_the_same() -> None:
    assert callbacks.encode_start(AnswerPrivately(41, "q2")) == "a41_q2"
    assert callbacks.decode_start("a41_q2") == AnswerPrivately(41, "q2")
    assert callbacks.encode_homework_start(StartHomework(9)) == "h9"
    assert callbacks.decode_homework_start("h9") == StartHomework(9)
    assert callbacks.encode_words_start(WordsLink("les-1", 4)) == "w4_les-1"
    assert callbacks.decode_words_start("w4_les-1") == WordsLink("les-1", 4)
    # Each reads its own kind only.
    assert callbacks.decode_start("h9") is None and callbacks.decode_start("w4_les-1") is None
    assert callbacks.decode_homework_start("a41_q2") is None
    assert callbacks.decode_words_start("a41_q2") is None
    assert callbacks.decode_homework_start("h9_x") is None and callbacks.decode_start("a41") is None
