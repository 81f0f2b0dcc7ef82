"""Managing homework, on the real Application over the stand-in: the assignment message
edited with live counts (throttled, and right after a restart), Extend 1 day and Close now
(moderators only, forged and stale presses refused), /assign's lesson buttons, the full
report sent privately at the close, and a group's assignments moving to its supergroup."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot import homework_post, texts
from bot.callbacks import HomeworkClose, HomeworkCloseAnswer, HomeworkExtend, encode
from tests.actors import (
    SMALL_LESSON,
    Group,
    Moderator,
    popup,
    rows,
    settings_for,
    text,
    value,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage
from tests.stories import (
    HOMEWORK_LESSON,
    answers_first,
    assigns,
    closing,
    deadline_of,
    finishes,
    starts,
    stops_halfway,
)


@pytest.fixture(autouse=True)
def quick_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits at most every second (15 in the bot): the throttle, in test time."""
    monkeypatch.setattr(homework_post, "EDIT_INTERVAL", 1.0)


YES = HomeworkCloseAnswer(1, 1)
KOREAN_ASKED = "🏁 이미 물어봤어요. 채팅에 있는 질문에 '네, 마감하기'나 '취소'로 답해 주세요."


async def asks_to_close(room: Group, post: StoredMessage) -> StoredMessage:
    """The admin presses Close now: the question under the assignment message."""
    await room.presses(room.admin, post, "🏁 Close now")
    question = await room.reads()
    assert "Close the homework" in text(question), text(question)
    return question


async def buttons_gone(standin: BotApiStandIn, message: StoredMessage) -> StoredMessage:
    """The message once an edit has taken its buttons off."""

    def gone() -> StoredMessage | None:
        now = standin.message(message.chat_id, message.message_id)
        return now if not now.button_texts else None

    return await standin.wait_for(gone, timeout=10, what="the buttons taken off")


async def shows(standin: BotApiStandIn, post: StoredMessage, words: str) -> str:
    """The assignment message once an edit shows ``words``: its text."""

    def showing() -> str | None:
        now = standin.message(post.chat_id, post.message_id)
        return text(now) if words in text(now) else None

    return await standin.wait_for(showing, timeout=10, what=f"the post showing {words!r}")


async def test_the_message_counts_members_as_they_start_and_finish(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=4)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "1h")
        assert "Done" not in text(post)  # nobody yet: no counts
        first = await starts(standin, room.members[0], post)
        assert "👥 Done 0 · started 1" in await shows(standin, post, "started 1")
        await finishes(first)
        assert "👥 Done 1 · started 0" in await shows(standin, post, "Done 1")
        # A crowd at once: one edit for them all, within the interval.
        edits_before = standin.message(post.chat_id, post.message_id).edit_count
        others = [await starts(standin, member, post) for member in room.members[1:]]
        for student in others:
            await answers_first(student)
        assert "Done 1 · started 3" in await shows(standin, post, "started 3")
        edits = standin.message(post.chat_id, post.message_id).edit_count - edits_before
        assert 1 <= edits <= 2, edits
        # Never re-posted: the group has the one assignment message.
        posts = [m for m in standin.bot_messages(room.chat.id) if "Homework:" in text(m)]
        assert len(posts) == 1
    assert rows(tmp_path, "SELECT shown_done, shown_started FROM assignments") == [(1, 3)]


async def test_counts_that_moved_while_stopped_are_shown_after_a_restart(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    monkeypatch.setattr(homework_post, "EDIT_INTERVAL", 3.0)
    async with running_bot(settings):
        post = await assigns(room, "1h")
        student = await starts(standin, room.members[0], post)
        await shows(standin, post, "started 1")
        await finishes(student)  # its edit waits out the interval: the bot stops first
    assert "started 1" in text(standin.message(post.chat_id, post.message_id))
    assert value(tmp_path, "SELECT shown_done FROM assignments") == 0
    async with running_bot(settings):
        assert "Done 1 · started 0" in await shows(standin, post, "Done 1")
    assert value(tmp_path, "SELECT shown_done FROM assignments") == 1


async def test_extend_one_day_moves_the_deadline_and_its_close(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    # No reminders: the 24 h one of the extended deadline falls due just as the old deadline
    # passes (outside quiet hours, 22:00-08:00 UTC), and its post took /status's place below.
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON, BOT_REMINDERS="none")
    member = room.members[0]
    async with running_bot(settings):
        post = await assigns(room, "3s")
        before = deadline_of(tmp_path)
        stale = encode(HomeworkExtend(1, int(before.timestamp())))
        refused = await room.presses(member, post, "⏰ Extend 1 day")
        assert "only the group's admins" in refused
        said = await room.presses(room.admin, post, "⏰ Extend 1 day")
        assert said.startswith("Extended: now due ")
        assert deadline_of(tmp_path) == before + dt.timedelta(days=1)
        await shows(standin, post, "(in 24 hours)")
        # A double tap on the keyboard as it was: extended once.
        again = await popup(standin, standin.press_data(room.admin, post, stale))
        assert "The deadline has changed since" in again
        assert deadline_of(tmp_path) == before + dt.timedelta(days=1)
        # The old deadline passes: nothing closes.
        await asyncio.sleep(max(0.0, (before - dt.datetime.now(dt.UTC)).total_seconds()) + 1.0)
        await room.barrier()
        assert value(tmp_path, "SELECT status FROM assignments") == "open"
    # And after a restart the close is planned from the new deadline too.
    async with running_bot(settings):
        room.says(member, "/assignments")
        assert "done 0 · started 0" in text(await room.reads())
    assert value(tmp_path, "SELECT status FROM assignments") == "open"


async def test_close_now_closes_as_the_deadline_does_and_reports_privately(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    ada = Moderator(standin, room)
    member = room.members[0]
    async with running_bot(settings):
        await ada.opens_chat()
        post = await assigns(room, "1h late")
        student = await starts(standin, member, post)
        await finishes(student)
        assert "only the group's admins" in await room.presses(member, post, "🏁 Close now")
        question = await asks_to_close(room, post)
        assert "Closing it now" in await room.presses(room.admin, question, "🏁 Yes, close")
        results = await closing(room, post)
        assert "Homework closed: Homework <one>" in text(results)
        assert "Done 1 · started 0 · participants 1" in text(results)
        shown = await shows(standin, post, "Closed")
        assert "🏁 Closed " in shown and "Late answers are still taken" in shown
        assert standin.message(post.chat_id, post.message_id).button_texts == ["▶️ Start"]
        # The full report, to Ada privately: the homework, its students, the chart.
        report = text(await ada.reads())
        assert "Homework #1: Homework <one>" in report and "(closed)" in report
        assert "Answers after the deadline: 0" in report
        assert "M0" in report and "Started " in report and "finished " in report
        chart = await ada.reads()
        assert chart.photo is not None and "homework #1" in text(chart)
        # A second press (a stale keyboard): closed already, nothing posted again.
        forged = encode(HomeworkClose(1))
        said = await popup(standin, standin.press_data(room.admin, post, forged))
        assert "closed already" in said
        said = await popup(standin, standin.press_data(room.admin, question, encode(YES)))
        assert "closed already" in said
        await room.barrier()
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"


async def test_close_now_asks_first_and_cancel_keeps_the_homework_open(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    finisher, middle, other = room.members
    async with running_bot(settings):
        post = await assigns(room, "1h")
        await finishes(await starts(standin, finisher, post))
        await answers_first(await starts(standin, middle, post))  # in the middle of it
        await room.presses(room.admin, post, "🏁 Close now")
        question = await room.reads()
        assert question.reply_to is not None
        assert question.reply_to.message_id == post.message_id
        assert text(question).startswith("🏁 Close the homework Homework <one> now?")
        assert "1 member has started it and not finished." in text(question)
        assert "Answers sent after the close do not count." in text(question)
        assert question.button_texts == ["🏁 Yes, close", "↩️ Cancel"]
        assert value(tmp_path, "SELECT status FROM assignments") == "open"  # asked, no more
        # Its buttons are for moderators only.
        assert "only the group's admins" in await room.presses(other, question, "🏁 Yes, close")
        assert "only the group's admins" in await room.presses(other, question, "↩️ Cancel")
        assert value(tmp_path, "SELECT status FROM assignments") == "open"
        await room.presses(room.admin, question, "↩️ Cancel")
        kept = await buttons_gone(standin, question)
        assert "Not closed: Homework <one> stays open until" in text(kept), text(kept)
        # Asked again, and Yes double-tapped: one close, the second tap told it is closed.
        await room.presses(room.admin, post, "🏁 Close now")
        again = await room.reads()
        first = standin.press(room.admin, again, "🏁 Yes, close")
        second = standin.press(room.admin, again, "🏁 Yes, close")
        assert "Closing it now" in await popup(standin, first)
        assert "closed already" in await popup(standin, second)
        results = await closing(room, post)
        assert "Homework closed: Homework <one>" in text(results)
        assert "Done 1 · started 1" in text(results)
        await room.barrier()
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"


async def test_close_now_pressed_again_asks_no_second_question(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """One question open at a time: two admins pressing Close now at once, or one pressing
    it again, post one question (the other press's pop-up points to it, in the presser's
    language, and the question is brought up to date); after Cancel it is asked again; a
    question deleted from the chat is asked anew; a question asked before a restart still
    stands after it (a press posts no other) and its Yes closes."""
    room = Group(standin)
    bea = standin.user("Bea", username="bea")
    bea.language_code = "ko"
    standin.add_member(room.chat, bea, admin=True)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)

    def questions() -> list[StoredMessage]:
        """The bot's replies to the assignment message (before the results: questions)."""
        replies = standin.bot_messages(room.chat.id)
        return [m for m in replies if m.reply_to and m.reply_to.message_id == post.message_id]

    async with running_bot(settings):
        post = await assigns(room, "1h")
        both = [
            standin.press(room.admin, post, "🏁 Close now"),
            standin.press(bea, post, "🏁 Close now"),
        ]
        said = sorted([await popup(standin, both[0]), await popup(standin, both[1])])
        first = await room.reads()
        assert "0 members have started it and not finished." in text(first), text(first)
        assert said[0] == "" and said[1] in (texts.ASSIGNMENT_CLOSE_ASKED, KOREAN_ASKED), said
        # Pressed again once a member began: no new question, the open one counts them.
        await answers_first(await starts(standin, room.members[0], post))
        assert await room.presses(room.admin, post, "🏁 Close now") == texts.ASSIGNMENT_CLOSE_ASKED
        assert await room.presses(bea, post, "🏁 Close now") == KOREAN_ASKED
        await room.barrier()
        assert questions() == [first]
        now = standin.message(first.chat_id, first.message_id)
        assert "1 member has started it and not finished." in text(now), text(now)
        assert now.button_texts == ["🏁 Yes, close", "↩️ Cancel"]
        # Cancel: the next Close now asks again.
        await room.presses(room.admin, first, "↩️ Cancel")
        await buttons_gone(standin, first)
        second = await asks_to_close(room, post)
        # Deleted from the chat (an admin tidied up): asked anew.
        standin.message(second.chat_id, second.message_id).deleted = True
        await room.presses(room.admin, post, "🏁 Close now")
        third = await room.reads()
        assert "Close the homework" in text(third), text(third)
        assert questions() == [first, third]  # the deleted one aside
    # Restarted: the question stands, a press posts no other, and its Yes closes.
    async with running_bot(settings):
        assert await room.presses(room.admin, post, "🏁 Close now") == texts.ASSIGNMENT_CLOSE_ASKED
        await room.barrier()
        assert questions() == [first, third]  # the deleted one aside
        assert "Closing it now" in await room.presses(room.admin, third, "🏁 Yes, close")
        results = await closing(room, post)
        assert "Homework closed: Homework <one>" in text(results)
        await room.barrier()
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1
    assert value(tmp_path, "SELECT status FROM assignments") == "closed"


async def test_a_close_question_left_open_at_the_deadline_stops_asking(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """The deadline closes the homework while Close now's question waits: the question
    loses its buttons and says the homework closed; a press from a keyboard drawn before
    (a client that missed the edit) is told so in a pop-up and closes nothing twice."""
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "6s")
        question = await asks_to_close(room, post)
        assert "0 members have started it and not finished." in text(question)
        results = await closing(room, post)  # the deadline's own close
        assert "Homework closed" in text(results)
        settled = await buttons_gone(standin, question)
        assert text(settled) == "🏁 No need to answer: Homework <one> has closed already."
        assert value(tmp_path, "SELECT close_question_id FROM assignments") is None
        for answer in (YES, HomeworkCloseAnswer(1, 0)):
            said = await popup(standin, standin.press_data(room.admin, question, encode(answer)))
            assert said == texts.ASSIGNMENT_ALREADY_CLOSED
        await room.barrier()
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1
    assert text(standin.message(question.chat_id, question.message_id)) == text(settled)


async def test_a_deleted_close_question_does_not_hold_up_the_deadline(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """The question was deleted from the chat before the deadline: its edit fails, and the
    homework closes all the same, once, with no question left open."""
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "6s")
        question = await asks_to_close(room, post)
        standin.message(question.chat_id, question.message_id).deleted = True
        assert "Homework closed" in text(await closing(room, post))
        await shows(standin, post, "Closed")
        assert value(tmp_path, "SELECT close_question_id FROM assignments") is None
        await room.barrier()
    closes = [m for m in standin.bot_messages(room.chat.id) if "Homework closed" in text(m)]
    assert len(closes) == 1


async def test_buttons_naming_another_groups_homework_change_nothing(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room, other = Group(standin), Group(standin, "Other", admin="Otto")
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "1h")
        other.says(other.admin, "/help")
        there = await other.reads()
        for forged in (
            HomeworkClose(1),
            HomeworkCloseAnswer(1, 1),
            HomeworkExtend(1, int(deadline_of(tmp_path).timestamp())),
        ):
            said = await popup(standin, standin.press_data(other.admin, there, encode(forged)))
            assert "not for this homework" in said
        for junk in ("v1:hc:0", "v1:hx:1:x", "v1:ap:1:Not-A-Slug", "v1:hy:1:2", "v1:hy:1"):
            await popup(standin, standin.press_data(room.admin, post, junk))
    assert rows(tmp_path, "SELECT status, deadline FROM assignments") == [
        ("open", value(tmp_path, "SELECT deadline FROM assignments"))
    ]
    assert value(tmp_path, "SELECT status FROM assignments") == "open"


async def test_assign_without_a_lesson_id_asks_which_and_keeps_the_deadline(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON, SMALL_LESSON)
    async with running_bot(settings):
        room.says(room.admin, "/assign 2h late")
        picker = await room.reads()
        assert "Which lesson is the homework, due " in text(picker) and "(in 2 hours)" in text(
            picker
        )
        assert picker.button_texts == ["Homework <one>", "A <mini> & lesson"]
        # The deadline waits on the server: the buttons name a draft and a lesson only.
        datas = [b.callback_data or "" for row in picker.buttons for b in row]
        assert all(d.startswith("v1:ap:") and d.count(":") == 3 for d in datas), datas
        assert "only the group's admins" in await room.presses(
            room.members[0], picker, "A <mini> & lesson"
        )
        await room.presses(room.admin, picker, "A <mini> & lesson")
        post = await room.reads()
        assert "Homework: A <mini> & lesson" in text(post)
        assert "Late answers are accepted" in text(post)
        assert "Homework given: A <mini> & lesson" in text(
            standin.message(picker.chat_id, picker.message_id)
        )
    assert rows(tmp_path, "SELECT lesson_id, late FROM assignments") == [("mini", 1)]
    assert value(tmp_path, "SELECT COUNT(*) FROM assignment_drafts") == 0
    left = (deadline_of(tmp_path) - dt.datetime.now(dt.UTC)).total_seconds()
    assert 2 * 3600 - 60 < left <= 2 * 3600


async def test_a_report_waits_for_a_moderator_without_a_private_chat(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        post = await assigns(room, "2s")
        await closing(room, post)  # the results
        waiting = await closing(room, post)
        assert "Ada, I could not send you the full report" in text(waiting)
        assert "/report 1" in text(waiting)
        ada = Moderator(standin, room)  # opens the private chat: Start
        ada.says("/start deliver")
        assert "Homework #1: Homework <one>" in text(await ada.reads())
        assert (await ada.reads()).photo is not None
        # And /report 1 in the group sends it again; /report 7 is not this group's.
        room.says(room.admin, "/report 1")
        assert "Homework #1" in text(await ada.reads())
        await ada.reads()  # its chart
        assert "sent" in text(await room.reads()).lower()
        room.says(room.admin, "/report 7")
        assert "no homework #7" in text(await room.reads())


async def test_report_lists_the_groups_homework_with_late_answers_apart(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    ada = Moderator(standin, room)
    async with running_bot(settings):
        await ada.opens_chat()
        post = await assigns(room, "4s late")
        student = await stops_halfway(standin, room.members[0], post)
        await closing(room, post)
        report = text(await ada.reads())  # at the close: nothing late yet
        assert "Answers after the deadline: 0" in report
        await ada.reads()  # the chart
        student.says("Late but here")
        assert "Saved your answer" in text(await student.reads())
        room.says(room.admin, "/report")
        listed = text(await ada.reads())
        assert "Homework in Room" in listed
        assert "#1 Homework <one> · due " in listed and "(closed)" in listed
        assert "answers: 1 on time, 1 late" in listed
        room.says(room.admin, "/report 1")
        full = text(await ada.reads())
        assert "Answers after the deadline: 1" in full and "· 1 late" in full


async def test_a_group_upgraded_to_a_supergroup_takes_its_homework_along(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        room.says(room.admin, "/timezone Asia/Seoul")
        await room.reads()
        post = await assigns(room, "4s")
        old_id = room.chat.id
        room.chat = standin.migrate_to_supergroup(room.chat)
        room.says(room.members[0], "/assignments")
        listed = text(await room.reads())
        assert "Homework <one>: due" in listed and "Asia/Seoul" in listed
        results = await standin.next_bot_message(room.chat.id, timeout=20)
        assert "Homework closed: Homework <one>" in text(results)
    assert rows(tmp_path, "SELECT chat_id, message_chat_id, status FROM assignments") == [
        (room.chat.id, old_id, "closed")
    ]
    assert value(tmp_path, "SELECT timezone FROM chats WHERE id = ?", room.chat.id) == "Asia/Seoul"
    assert post.chat_id == old_id


async def test_an_edit_showing_what_is_shown_already_is_no_fault(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings) as application:
        post = await assigns(room, "1h")
        await room.barrier()  # its message id stored
        storage = application.bot_data.storage
        assert storage is not None
        for _ in range(3):  # the same edit again: Telegram says "not modified"
            assignment = await storage.assignment(1)
            assert assignment is not None
            await homework_post.show(
                application.bot, storage, application.bot_data.catalog, settings, assignment
            )
    edits = [c for c in standin.calls if c.method == "editMessageText"]
    assert len(edits) == 3 and {c.params["message_id"] for c in edits} == {post.message_id}
    assert all("not modified" in (c.error or "") for c in edits[1:])
    assert "could not edit" not in caplog.text
    assert value(tmp_path, "SELECT shown_at IS NOT NULL FROM assignments") == 1


def zone_at_late_morning() -> str:
    """A fixed-offset zone where it is about 11:00 now: reminders an hour or two from now,
    and a day later, fall outside the quiet hours (22:00-08:00)."""
    offset = 11 - dt.datetime.now(dt.UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" + (f"{-offset:+d}" if offset else "")  # Etc/GMT-9 is UTC+9


async def test_extend_plans_the_reminders_again_from_the_new_deadline(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings):
        room.says(room.admin, f"/timezone {zone_at_late_morning()}")
        assert "Time zone set" in text(await room.reads())
        post = await assigns(room, "2h")
        await room.barrier()
        first = value(tmp_path, "SELECT deadline FROM assignments")
        # 24 h before has passed already: only the reminder an hour before is planned.
        assert rows(tmp_path, "SELECT deadline, before_s, status FROM reminder_times") == [
            (first, 86400, "skipped"),
            (first, 3600, "planned"),
        ]
        assert "Extended" in await room.presses(room.admin, post, "⏰ Extend 1 day")
        await room.barrier()
    later = value(tmp_path, "SELECT deadline FROM assignments")
    assert rows(tmp_path, "SELECT deadline, before_s, status FROM reminder_times ORDER BY id") == [
        (first, 86400, "skipped"),
        (first, 3600, "stale"),
        (later, 86400, "planned"),
        (later, 3600, "planned"),
    ]
