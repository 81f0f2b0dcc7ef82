"""Reminder planning with a clock the test controls: quiet hours (22:00-08:00 in the
group's zone: moved to 08:00, or dropped when the deadline comes first, across a
daylight-saving change), times already past, BOT_REMINDERS read at start; the reminder
rows' claims (once per person and time, once per group reply); and re-planning when a
deadline changes or the assignment closes, on the running bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import reminders
from bot.config import Settings, SettingsError, load_settings
from bot.context import BotContext
from bot.lessons.load import load_catalog
from bot.reminders import out_of_quiet_hours, plan_times
from bot.render import reminders as render
from bot.render.fit import MESSAGE_LIMIT, visible_length
from bot.storage import Storage, iso_utc
from bot.storage.assignments import Assignment
from bot.storage.reminders import PlannedTime
from tests.actors import Group, Student, popup, rows, settings_for, text, write_lesson
from tests.conftest import TOKEN, running_bot
from tests.standin import BotApiStandIn
from tests.stories import HOMEWORK_LESSON, assigns, daytime, reminders_in

SEOUL = ZoneInfo("Asia/Seoul")
HOUR, DAY = 3600, 86400


def seoul(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SEOUL).astimezone(dt.UTC)


def planned(times: list[PlannedTime]) -> list[tuple[int, str | None]]:
    return [(t.before_s, t.due_at) for t in times]


def test_quiet_hours_are_twenty_two_to_eight_local() -> None:
    assert out_of_quiet_hours(seoul(3, 21, 59), SEOUL) == seoul(3, 21, 59)
    assert out_of_quiet_hours(seoul(3, 8, 0), SEOUL) == seoul(3, 8, 0)
    assert out_of_quiet_hours(seoul(3, 22, 0), SEOUL) == seoul(4, 8, 0)
    assert out_of_quiet_hours(seoul(4, 3, 30), SEOUL) == seoul(4, 8, 0)


def test_reminders_before_a_friday_deadline_in_daytime() -> None:
    times = plan_times(seoul(4, 18), (DAY, HOUR), SEOUL, now=seoul(1, 12))
    assert planned(times) == [(DAY, iso_utc(seoul(3, 18))), (HOUR, iso_utc(seoul(4, 17)))]


def test_a_reminder_in_quiet_hours_waits_for_eight_or_is_dropped_if_the_deadline_is_first() -> None:
    # Due 07:30: one hour before is 06:30, and 08:00 is after the deadline: dropped. A day
    # before is 07:30 the day before: at 08:00 that day.
    times = plan_times(seoul(4, 7, 30), (DAY, HOUR), SEOUL, now=seoul(1, 12))
    assert planned(times) == [(DAY, iso_utc(seoul(3, 8))), (HOUR, None)]
    # Due 23:30: an hour before is 22:30 (dropped); a day before, 23:30, goes at 08:00.
    times = plan_times(seoul(4, 23, 30), (DAY, HOUR), SEOUL, now=seoul(1, 12))
    assert planned(times) == [(DAY, iso_utc(seoul(4, 8))), (HOUR, None)]


def test_two_times_moved_onto_the_same_eight_oclock_are_sent_once() -> None:
    times = plan_times(seoul(4, 9), (3 * HOUR, 2 * HOUR), SEOUL, now=seoul(1, 12))
    assert planned(times) == [(3 * HOUR, iso_utc(seoul(4, 8))), (2 * HOUR, None)]


def test_a_reminder_time_already_past_when_planned_is_skipped() -> None:
    times = plan_times(seoul(4, 18), (DAY, HOUR), SEOUL, now=seoul(4, 12))
    assert planned(times) == [(DAY, None), (HOUR, iso_utc(seoul(4, 17)))]


def test_quiet_hours_across_the_spring_forward_night() -> None:
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT. Seven hours before 10:00 EDT
    # is 02:00 EST (07:00 UTC), in quiet hours: moved to 08:00 EDT, which is 12:00 UTC.
    york = ZoneInfo("America/New_York")
    deadline = dt.datetime(2026, 3, 8, 10, tzinfo=york)
    times = plan_times(deadline, (7 * HOUR,), york, now=deadline - dt.timedelta(days=2))
    assert planned(times) == [(7 * HOUR, "2026-03-08T12:00:00.000Z")]


def settings(**extra: str) -> Settings:
    return load_settings(TELEGRAM_BOT_TOKEN=TOKEN, **extra)


def test_bot_reminders_is_read_and_checked_at_start() -> None:
    assert settings().reminders == (DAY, HOUR)
    assert settings(BOT_REMINDERS="1h, 24h").reminders == (DAY, HOUR)
    assert settings(BOT_REMINDERS="2d,3h30m,45s").reminders == (2 * DAY, 3 * HOUR + 1800, 45)
    assert settings(BOT_REMINDERS="none").reminders == ()
    for wrong in ("soon", "24h,tomorrow", "0s", "400d"):
        with pytest.raises(SettingsError, match=r"BOT_REMINDERS.*e\.g\. 24h,1h"):
            settings(BOT_REMINDERS=wrong)


async def test_planning_again_changes_nothing_and_a_new_deadline_stales_the_old_times(
    storage: Storage,
) -> None:
    assignment = await storage.create_assignment(
        chat_id=-5,
        chat_type="group",
        chat_title="Room",
        lesson_id="hw",
        deadline="2026-12-04T09:00:00.000Z",
        late=False,
        created_by=1,
        created_by_name="Ada",
    )
    times = [PlannedTime(DAY, "2026-12-03T09:00:00.000Z"), PlannedTime(HOUR, None)]
    first = await storage.plan_reminder_times(assignment.id, assignment.deadline, times)
    again = await storage.plan_reminder_times(assignment.id, assignment.deadline, times)
    assert first == again and [r.before_s for r in first] == [DAY]
    later = [PlannedTime(DAY, "2026-12-04T09:00:00.000Z")]
    moved = await storage.plan_reminder_times(assignment.id, "2026-12-05T09:00:00.000Z", later)
    assert [r.due_at for r in moved] == ["2026-12-04T09:00:00.000Z"]
    assert await storage.reminder_time(first[0].id) == first[0].__class__(
        first[0].id, assignment.id, assignment.deadline, DAY, first[0].due_at, "stale"
    )
    # Each person once per reminder time; the group's reply once.
    reminder = moved[0].id
    assert await storage.claim_private_reminder(reminder, 7)
    assert not await storage.claim_private_reminder(reminder, 7)
    assert await storage.claim_private_reminder(reminder, 8)
    assert await storage.claim_group_reminder(reminder)
    assert not await storage.claim_group_reminder(reminder)


def _execute(folder: Path, statement: str, *params: object) -> None:
    connection = sqlite3.connect(folder / "bot.sqlite3")
    try:
        with connection:
            connection.execute(statement, params)
    finally:
        connection.close()


@pytest.mark.slow
async def test_an_extended_deadline_replans_and_a_closed_assignment_reminds_nobody(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    config = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="26s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(config) as application:
        context = BotContext(application)
        # Margins of 14 s: a loaded machine took over 4 s to assign and re-plan.
        assigned = asyncio.get_running_loop().time()
        await assigns(room, "40s")  # reminded 14 s from now, unless...
        await assigns(room, "41s")  # reminded 15 s from now, unless...
        await room.barrier()  # both /assign handled to their end: their reminders planned
        storage = context.storage
        extended, closed = await storage.open_assignments()
        # ...its deadline moves 10 s later (as Extend will do), and the other is closed.
        later = dt.datetime.fromisoformat(extended.deadline.removesuffix("Z")).replace(
            tzinfo=dt.UTC
        ) + dt.timedelta(seconds=10)
        _execute(
            tmp_path,
            "UPDATE assignments SET deadline = ? WHERE id = ?",
            iso_utc(later),
            extended.id,
        )
        _execute(tmp_path, "UPDATE assignments SET status = 'closed' WHERE id = ?", closed.id)
        for assignment in (extended, closed):
            now = await storage.assignment(assignment.id)
            assert now is not None
            await reminders.plan(context, now)
        # Past both old times; the extended one's new time is 24 s after the assigning.
        await asyncio.sleep(max(0.0, assigned + 17 - asyncio.get_running_loop().time()))
        assert not reminders_in(standin, room.chat.id)  # neither the old time nor the closed
        message = await standin.next_bot_message(room.chat.id, timeout=15)
        while not text(message).startswith("⏰"):
            message = await standin.next_bot_message(room.chat.id, timeout=15)
        assert message.reply_to is not None
    statuses = [
        tuple(row)
        for row in sqlite3.connect(tmp_path / "bot.sqlite3").execute(
            "SELECT assignment_id, deadline = (SELECT deadline FROM assignments AS a "
            "WHERE a.id = assignment_id), status FROM reminder_times ORDER BY id"
        )
    ]
    assert statuses == [(1, 0, "stale"), (2, 1, "stale"), (1, 1, "done")]
    assert len(reminders_in(standin, room.chat.id)) == 1


async def test_forget_deletes_a_members_reminders_and_mutes_and_a_move_keeps_mutes(
    storage: Storage,
) -> None:
    await storage.remember_chat(-5, "group", "Room")
    assignment = await storage.create_assignment(
        chat_id=-5,
        chat_type="group",
        chat_title="Room",
        lesson_id="hw",
        deadline="2026-12-04T09:00:00.000Z",
        late=False,
        created_by=1,
        created_by_name="Ada",
    )
    times = [PlannedTime(HOUR, "2026-12-04T08:00:00.000Z")]
    (reminder,) = await storage.plan_reminder_times(assignment.id, assignment.deadline, times)
    for user_id in (7, 8):
        assert await storage.claim_private_reminder(reminder.id, user_id)
        assert await storage.mute_reminders(user_id, -5)
    assert not await storage.mute_reminders(7, -6)  # no group the bot knows
    assert await storage.migrate_chat(-5, -1005)
    assert await storage.muted_groups(8) == [(-1005, "Room")]
    await storage.forget_user(7)
    assert await storage.muted_groups(7) == []
    assert await storage.muted_groups(8) == [(-1005, "Room")]
    assert not await storage.claim_private_reminder(reminder.id, 8)  # 8's claim is kept
    assert await storage.claim_private_reminder(reminder.id, 7)  # 7's is gone


def test_a_long_list_of_names_is_split_and_the_rest_counted(tmp_path: Path) -> None:
    write_lesson(tmp_path, HOMEWORK_LESSON)
    lesson = load_catalog([tmp_path / "prompts"]).lessons[0]
    assignment = Assignment(
        1, -5, "hw", "2026-12-04T09:00:00.000Z", False, 1, "Ada", "open", 10, "", None
    )
    named = [(1000 + i, f"Member {i} " + "ẞ" * 200) for i in range(170)]
    messages = render.group_reminder(lesson, assignment, SEOUL, seoul(4, 12), named, unheard=7)
    assert len(messages) == render.MAX_GROUP_MESSAGES
    assert all(visible_length(m.text) <= MESSAGE_LIMIT for m in messages)
    assert [m.text.count("tg://user?id=") for m in messages] == [50, 50, 50]
    assert messages[0].text.startswith("⏰ <b>Homework &lt;one&gt;</b> is due")
    assert messages[1].text.startswith("Not finished yet (continued): ")
    assert messages[-1].text.endswith(
        "…and 20 more who have not finished.\n…and 7 more we have not heard from.\n"
        "Press ▶️ Start on the homework message to begin or go on."
    )
    assert render.group_reminder(lesson, assignment, SEOUL, seoul(4, 12), [], 0) == []


async def test_forged_reminder_buttons_change_nothing_and_say_so(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    student = Student(standin, user=room.members[0])
    async with running_bot(settings_for(standin, tmp_path, HOMEWORK_LESSON)):
        student.says("/reminders")
        listed = await student.reads()
        assert "You get homework reminders from all your groups" in text(listed)
        pressed = standin.press_data(student.user, listed, "v1:rm:-424242")  # no such group
        assert await popup(standin, pressed) == "I don't know that group any more."
        pressed = standin.press_data(student.user, listed, "v1:ru:-424242")
        assert await popup(standin, pressed) == "Reminders from that group are on already."
        standin.press_data(student.user, listed, "v1:rc:999")  # no such homework
        assert "not one I know" in text(await student.reads())
        room.says(room.members[0], "/reminders")  # a private chat's command, in the group
        assert "private chat" in text(await room.reads())
    assert rows(tmp_path, "SELECT COUNT(*) FROM reminder_mutes") == [(0,)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks") == [(0,)]
