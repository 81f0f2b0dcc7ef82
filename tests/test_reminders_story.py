"""Homework reminders end to end, on the real Application over the stand-in, with reminder
times seconds before the deadline (BOT_REMINDERS in seconds): who is reminded privately and
who is named in the group, at each reminder time; Continue, 🔕 and /reminders' undo; a
restart (and a crash after sending) between a reminder and the deadline sending nothing
twice; a reminder due while the bot was stopped; a member who blocked the bot; quiet hours
in the group's time zone."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.actors import SMALL_LESSON, Group, Student, rows, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, ChatMember, StoredMessage
from tests.stories import (
    HOMEWORK_LESSON,
    assigns,
    closing,
    daytime,
    finishes,
    mentioned,
    reminders_in,
    starts,
    stops_halfway,
    zone_at,
)

pytestmark = pytest.mark.slow


async def reminder(student: Student) -> StoredMessage:
    message = await student.standin.next_bot_message(student.chat.id, timeout=30)
    assert text(message).startswith("⏰ Homework for Room"), text(message)
    return message


async def group_reminder(room: Group, post: StoredMessage) -> StoredMessage:
    message = await room.standin.next_bot_message(room.chat.id, timeout=30)
    assert text(message).startswith("⏰ Homework <one> is due"), text(message)
    assert message.reply_to is not None and message.reply_to.message_id == post.message_id
    return message


def due_moments(tmp_path: Path) -> list[tuple[str, str]]:
    return rows(tmp_path, "SELECT due_at, status FROM reminder_times ORDER BY id")


async def until_due(tmp_path: Path, index: int = 0) -> None:
    """Sleep until the reminder time has passed (a moment in the database, not a guess)."""
    stamp = due_moments(tmp_path)[index][0]
    due = dt.datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=dt.UTC)
    await asyncio.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()) + 0.3)


async def test_both_kinds_at_each_reminder_time_to_the_right_people_then_mute_and_undo(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    # Finn finishes; Stella starts and stops; Nora answered in a group session and has a
    # private chat but never starts; Gus answered in the session only (no private chat);
    # Sid never said anything (counted, not named).
    room = Group(standin, members=["Finn", "Stella", "Nora", "Gus", "Sid"])
    finn, stella, nora, gus, sid = room.members
    settings = settings_for(
        standin,
        tmp_path,
        HOMEWORK_LESSON,
        SMALL_LESSON,
        BOT_REMINDERS="16s,6s",
        BOT_TIMEZONE=daytime(),
    )
    async with running_bot(settings):
        room.says(room.admin, "/begin mini")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the part
        room.says(room.admin, "/next")
        question = await room.reads()  # Which is right? (buttons)
        for person in (nora, gus):
            await room.presses(person, question, "Right")
        await room.reads()
        await room.reads()  # the other two questions
        room.says(room.admin, "/end")
        assert "Session closed" in text(await room.reads())
        nora_chat = Student(standin, user=nora)  # opens a private chat with the bot
        nora_chat.says("/start")
        assert "Welcome" in text(await nora_chat.reads())
        assert "Lessons" in text(await nora_chat.reads())

        post = await assigns(room, "hw 24s")
        done = await starts(standin, finn, post)
        await finishes(done)
        stopped = await stops_halfway(standin, stella, post)

        # 16 s before the deadline: Stella (started) and Nora (known, has a private chat).
        first = await reminder(stopped)
        assert "You have started it" in text(first) and "(in 16 seconds)" in text(first)
        assert [b.text for row in first.buttons for b in row] == [
            "↩️ Continue",
            "🔕 No reminders from this group",
        ]
        nudge = await reminder(nora_chat)
        assert "You have not started it yet" in text(nudge)
        assert nudge.buttons[0][0].text == "▶️ Start"
        in_group = await group_reminder(room, post)
        assert mentioned(in_group) == {stella.id, nora.id, gus.id}
        assert "Not finished yet: Gus, Nora, Stella" in text(in_group)
        assert "…and 1 more we have not heard from." in text(in_group)  # Sid

        # Continue: back where she stopped. 🔕: Nora's reminders from this group stop.
        await stopped.presses(first, "↩️ Continue")
        assert "Welcome back" in text(await stopped.reads())
        assert "Say something." in text(await stopped.reads())
        said = await nora_chat.presses(nudge, "🔕 No reminders from this group")
        assert said == "🔕 No more reminders from Room. Send /reminders to turn them back on."
        now = await standin.wait_for(lambda: _edited(standin, nudge))
        assert [b.text for row in now.buttons for b in row] == ["▶️ Start"]

        # 6 s before: Stella again (another reminder time); Nora muted, named no more.
        second = await reminder(stopped)
        assert "(in 6 seconds)" in text(second)
        again = await group_reminder(room, post)
        assert mentioned(again) == {stella.id, gus.id}
        assert "Homework closed" in text(await closing(room, post))

        # /reminders lists the muted group; its button undoes it.
        nora_chat.says("/reminders")
        listed = await nora_chat.reads()
        assert "No homework reminders from:\n• Room" in text(listed)
        said = await nora_chat.presses(listed, "🔔 Room")
        assert said == "🔔 Reminders from Room are on again."
        now = await standin.wait_for(lambda: _edited(standin, listed))
        assert "You get homework reminders from all your groups" in text(now)

    for nobody in (finn, gus, sid, room.admin):
        assert not reminders_in(standin, nobody.id)
    assert len(reminders_in(standin, stella.id)) == 2
    assert len(reminders_in(standin, nora.id)) == 1
    assert rows(
        tmp_path, "SELECT reminder_id, user_id, outcome FROM reminder_sends ORDER BY 1, 2"
    ) == sorted([(1, stella.id, "sent"), (1, nora.id, "sent"), (2, stella.id, "sent")])
    assert [status for _, status in due_moments(tmp_path)] == ["done", "done"]
    assert value(tmp_path, "SELECT COUNT(*) FROM reminder_mutes") == 0


def _edited(standin: BotApiStandIn, message: StoredMessage) -> StoredMessage | None:
    now = standin.message(message.chat_id, message.message_id)
    return now if now.edit_count > 0 else None


async def test_a_restart_and_a_crash_between_the_reminder_and_the_deadline_send_nothing_twice(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    member = room.members[0]
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="8s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(settings):
        post = await assigns(room, "14s")
        student = await stops_halfway(standin, member, post)
        await reminder(student)
        await group_reminder(room, post)
    # As if the bot had crashed after sending, before it wrote the reminder time done.
    _run(tmp_path, "UPDATE reminder_times SET status = 'planned', done_at = NULL")
    async with running_bot(settings):  # the reminder time is due again at start: claimed
        assert "Homework closed" in text(await closing(room, post))
    assert len(reminders_in(standin, member.id)) == 1
    assert len(reminders_in(standin, room.chat.id)) == 1
    assert due_moments(tmp_path)[0][1] == "done"


def _run(tmp_path: Path, statement: str) -> None:
    connection = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        with connection:
            connection.execute(statement)
    finally:
        connection.close()


async def test_a_reminder_due_while_stopped_goes_out_at_start_if_the_deadline_is_ahead(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    member = room.members[0]
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="12s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(settings):
        post = await assigns(room, "16s")
        student = await starts(standin, member, post)
        assert "Which is right?" in text(await student.reads())
    await until_due(tmp_path)
    assert not reminders_in(standin, member.id)
    async with running_bot(settings):
        assert "(in " in text(await reminder(student))
        assert mentioned(await group_reminder(room, post)) == {member.id}
        assert "Homework closed" in text(await closing(room, post))
    assert due_moments(tmp_path)[0][1] == "done"


async def test_a_reminder_due_while_stopped_is_dropped_if_the_deadline_passed_too(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)  # one member not heard from: a reply would count them
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="3s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(settings):
        post = await assigns(room, "5s")
    stamp = value(tmp_path, "SELECT deadline FROM assignments")
    deadline = dt.datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=dt.UTC)
    await asyncio.sleep(max(0.0, (deadline - dt.datetime.now(dt.UTC)).total_seconds()) + 0.3)
    async with running_bot(settings):
        assert "Homework closed" in text(await closing(room, post))
        await room.barrier()
    assert not reminders_in(standin, room.chat.id)
    assert due_moments(tmp_path)[0][1] in ("skipped", "stale")  # never sent
    assert value(tmp_path, "SELECT COUNT(*) FROM reminder_sends") == 0


async def test_a_member_who_blocked_the_bot_is_tried_once_and_still_named_in_the_group(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=1)
    member = room.members[0]
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="12s,6s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(settings):
        post = await assigns(room, "16s")
        await stops_halfway(standin, member, post)
        standin.block_bot(member)
        assert mentioned(await group_reminder(room, post)) == {member.id}
        assert mentioned(await group_reminder(room, post)) == {member.id}
        await closing(room, post)
    assert rows(tmp_path, "SELECT reminder_id, user_id, outcome FROM reminder_sends") == [
        (1, member.id, "blocked")
    ]
    assert value(tmp_path, "SELECT active FROM chats WHERE id = ?", member.id) == 0


async def test_quiet_hours_in_the_groups_zone_defer_to_eight_or_drop(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    # It is 03:xx in the group's zone. A reminder at 05:xx goes out at 08:00 (the deadline
    # is 09:xx); one at 03:xx whose deadline is 07:xx is dropped: 08:00 comes too late.
    night = zone_at(3)
    room = Group(standin, members=1)
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="3h59m54s", BOT_TIMEZONE=night
    )
    async with running_bot(settings):
        await assigns(room, "6h")
        post = await assigns(room, "4h")
        await asyncio.sleep(8)  # past the second one's moment (6 s after it was made)
        await room.barrier()
        assert not reminders_in(standin, room.chat.id)
        assert post.message_id
    zone = ZoneInfo(night)
    eight = dt.datetime.combine(dt.datetime.now(zone).date(), dt.time(8), tzinfo=zone)
    expected = eight.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert due_moments(tmp_path)[0] == (expected, "planned")
    assert due_moments(tmp_path)[1][1] == "skipped"


async def test_a_member_who_left_the_group_is_neither_reminded_nor_named_nor_counted(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=["Lea", "Stay"])
    lea, stay = room.members
    settings = settings_for(
        standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="6s", BOT_TIMEZONE=daytime()
    )
    async with running_bot(settings):
        post = await assigns(room, "10s")
        for person in (lea, stay):
            student = await starts(standin, person, post)
            assert "Which is right?" in text(await student.reads())
        room.chat.members[lea.id] = ChatMember(lea, "left")  # Lea leaves the group
        in_group = await group_reminder(room, post)
        assert mentioned(in_group) == {stay.id}
        assert "heard from" not in text(in_group)  # Ada and Stay: all that are there
        await closing(room, post)
    assert not reminders_in(standin, lea.id)
    assert len(reminders_in(standin, stay.id)) == 1
