"""Moderators pull reports and exports privately; members see and erase their own data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from bot import deliveries
from tests.actors import (
    FLOOD_WINDOW,
    SMALL_LESSON,
    Group,
    Moderator,
    Student,
    rows,
    settings_for,
    text,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn
from tests.stories import HOMEWORK_LESSON

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)


async def run_session(room: Group) -> None:
    """A short session in which three members answer; M2 skips the short question."""
    _, (one, two, quiz) = await room.posts_first_questions()
    m0, m1, m2 = room.members
    await room.presses(m0, one, "Right")
    await room.presses(m1, one, "Wrong")
    await room.presses(m2, two, "A")
    room.standin.vote(m0, quiz, [0])
    room.standin.vote(m2, quiz, [1])
    room.says(room.admin, "/next")
    short = await room.reads()
    room.standin.reply(m0, short, "=cmd|' /C calc'!A0")
    room.standin.reply(m1, short, "Line one\nline two — 한국어")
    await room.barrier()


async def test_report_goes_privately_with_a_chart_and_others_are_refused(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.members[0], "/report")
        assert "only the group's admins" in text(await room.reads())
        room.says(room.admin, "/report")
        assert "Sent to you in a private chat" in text(await room.reads())
        body = text(await admin.reads())
        # Display names (no two are alike here), questions labelled as students saw them.
        assert "Report: Room" in body and "Participants (3): M0, M1, M2" in body
        assert "Part 1 · Q1. Which is right?\n2 answered · 50% right\nNot yet: M2" in body
        assert "Discussion · Q1. Say something.\n2 answered\nNot yet: M2" in body
        chart = await admin.reads()
        assert chart.photo is not None
        image = Image.open(io.BytesIO(chart.photo.data))
        assert image.format == "PNG" and image.width == 1080 and image.height > 600
        # Nothing of the report reached the group beyond the one-line confirmation.
        assert not any("Report:" in text(m) for m in standin.bot_messages(room.chat.id))


async def test_export_waits_for_start_then_arrives_privately(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        room.says(room.admin, "/export csv")
        ask = await room.reads()
        assert "have not started a chat with me" in text(ask)
        url = ask.buttons[0][0].url
        assert url == "https://t.me/editorial_test_bot?start=deliver"
        admin = Moderator(standin, room)  # opens the chat with the bot only now
        admin.says("/start deliver")
        delivered = await admin.reads()
        assert delivered.document is not None and delivered.document.file_name is not None
        assert delivered.document.file_name.endswith(".csv")
        assert "the latest session, 7 rows (csv)" in text(delivered)
        content = delivered.document.data.decode("utf-8-sig")
        exported = list(csv.DictReader(io.StringIO(content, newline="")))
        assert {r["username"] for r in exported} == {"m0", "m1", "m2"}
        assert {r["chat_id"] for r in exported} == {str(room.chat.id)}
        assert "'=cmd|' /C calc'!A0" in {r["answer"] for r in exported}  # neutralised
        assert "Line one\nline two — 한국어" in {r["answer"] for r in exported}
        # A second /start brings nothing twice.
        admin.says("/export jsonl all")
        choose = await admin.reads()
        assert choose.button_texts == ["Room"]
        standin.press(room.admin, choose, "Room")
        jsonl = await admin.reads()
        assert jsonl.document is not None
        lines = [json.loads(line) for line in jsonl.document.data.decode().splitlines()]
        assert len(lines) == 7 and {line["chat_id"] for line in lines} == {room.chat.id}
        assert all(isinstance(line["option_indexes"], list) for line in lines)


async def test_an_export_too_big_for_telegram_says_so(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliveries, "EXPORT_FILE_LIMIT", 100)  # bytes: the 7 answers are more
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.admin, "/export all")
        said = text(await admin.reads())
        assert said.startswith("The export would be a file of about 0 MB, more than Telegram")
        assert "python -m bot export" in said
    assert all(m.document is None for m in standin.bot_messages(admin.chat.id))


async def test_a_moderator_of_one_group_gets_nothing_of_another(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    other_admin = standin.user("Otto", username="otto")
    other = standin.group("Other", members=room.members, admins=[other_admin])
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        otto = Moderator(standin, user=other_admin)
        await otto.opens_chat()
        otto.says("/report")
        assert "don't moderate any group" in text(await otto.reads())
        # Forged buttons naming the other group are refused, and so is a member's.
        stray = standin.bot_messages(otto.chat.id)[-1]
        for data in (f"v1:rp:{room.chat.id}", f"v1:ex:{room.chat.id}:csv:1"):
            query = standin.press_data(other_admin, stray, data)
            answer = await standin.wait_for_callback_answer(query)
            assert "only the group's admins" in (answer.text or "")
        standin.send_text(other_admin, other, "/export")
        assert "no answers to export yet in Other" in text(await otto.reads())
    assert all(m.document is None and m.photo is None for m in standin.bot_messages(otto.chat.id))


async def test_my_answers_and_forget_remove_that_member_and_nothing_else(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        m0 = room.members[0]
        member = Student(standin, user=m0)
        await member.opens_chat()
        member.says("/myanswers")
        mine = text(await member.reads())
        assert "A <mini> & lesson — in Room" in mine
        assert "Which is right?\n  → Right — ✅" in mine
        before = rows(tmp_path, "SELECT * FROM answers WHERE user_id != ? ORDER BY id", m0.id)
        member.says("/forget")
        confirm = await member.reads()
        chat = member.chat.id
        standin.press(m0, confirm, "No, keep it")
        await standin.wait_for(
            lambda: "Nothing was deleted" in text(standin.message(chat, confirm.message_id))
        )
        assert rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE user_id = ?", m0.id) == [(3,)]
        member.says("/forget")
        confirm = await member.reads()
        standin.press(m0, confirm, "Yes, delete everything")
        done = await standin.wait_for(
            lambda: "deleted 3 answers" in text(standin.message(chat, confirm.message_id))
        )
        assert done
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE user_id = ?", m0.id) == [(0,)]
    assert rows(tmp_path, "SELECT * FROM answers WHERE user_id != ? ORDER BY id", m0.id) == before
    assert rows(tmp_path, "SELECT COUNT(*) FROM chats WHERE id = ?", m0.id) == [(0,)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks WHERE audience = 'group'") == [(1,)]


async def test_a_double_tap_on_forget_keeps_the_first_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await run_session(room)
        m0 = room.members[0]
        member = Student(standin, user=m0)
        await member.opens_chat()
        member.says("/forget")
        confirm = await member.reads()
        chat = member.chat.id
        first = standin.press(m0, confirm, "Yes, delete everything")
        second = standin.press(m0, confirm, "Yes, delete everything")
        await standin.wait_for_callback_answer(first)
        again = await standin.wait_for_callback_answer(second)
        assert "nothing (left) stored" in (again.text or "")
        shown = text(standin.message(chat, confirm.message_id))
        assert (
            shown == "🗑 Done. I deleted 3 answers, 0 lesson attempts and 0 other records about you."
        )
    assert standin.rejected == []


KOREAN_EXPORT_USAGE = "/export 뒤에 다음 중 원하는 것을 붙여 주세요"
REPORT_USAGE = "Send /report alone, or /report and one homework number, e.g. /report 3."
KOREAN_REPORT_USAGE = "/report만 보내거나, /report 3처럼 숙제 번호 하나를 붙여 보내 주세요."


async def test_a_homework_number_after_export_points_to_report_in_korean(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """A teacher who means homework 2 writes /export 2: the reply says first, kindly, that
    its results are /report 2, then /export's usage. In the group and privately; a Korean
    teacher reads it in Korean."""
    room = Group(standin, "Room")
    room.admin.language_code = "ko"
    settings = settings_for(standin, tmp_path, SMALL_LESSON, BOT_DEFAULT_LANGUAGE="ko")
    hint = "숙제 #2의 결과는 /report 2 명령으로 받을 수 있어요.\n\n"
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/export 2")
        assert text(await room.reads()).startswith(hint + KOREAN_EXPORT_USAGE)
        room.says(room.admin, "/export pdf")  # no number: the usage alone, as before
        assert text(await room.reads()).startswith(KOREAN_EXPORT_USAGE)
        ada = Moderator(standin, room)
        ada.says("/export csv #2")
        assert text(await ada.reads()).startswith(hint + KOREAN_EXPORT_USAGE)


async def test_report_with_a_homework_number_in_a_private_chat_in_korean(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """/report 2 in the private chat sends homework 2's report when it is one of the
    teacher's groups' (it showed the group buttons, the number unread), as /report 2 in the
    group does; another group's number, or a word, says so. In Korean for a Korean
    teacher."""
    room = Group(standin, "Room")
    other = Group(standin, "Other", admin="Otto")
    room.admin.language_code = "ko"
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON, BOT_DEFAULT_LANGUAGE="ko")
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        ada = Moderator(standin, room)
        await ada.opens_chat()
        other.says(other.admin, "/assign 2h")  # homework #1, Other's
        await other.reads()
        room.says(room.admin, "/assign 2h")  # homework #2, Room's
        await room.reads()
        ada.says("/report 2")
        assert "숙제 #2: Homework <one>" in text(await ada.reads())
        assert (await ada.reads()).photo is not None  # its chart
        ada.says("/report 1")
        assert text(await ada.reads()) == (
            "내가 관리하는 그룹에는 #1 숙제가 없어요. /report만 보내면 그룹을 고를 수 있어요."
        )
        ada.says("/report abc")  # not a number: how /report is used
        assert text(await ada.reads()) == KOREAN_REPORT_USAGE
        ada.says("/report")  # alone: the groups to choose from, as before
        assert (await ada.reads()).button_texts == ["Room"]


async def test_report_takes_one_homework_number_and_nothing_else(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """A second word after the number (/report 1 3) is not dropped silently, and a negative
    number (/report -1) is no homework's: both get how /report is used, as a word does, in
    the group and privately (a Korean teacher in Korean). The number alone still sends its
    report."""
    room = Group(standin, "Room")
    other = Group(standin, "Other", admin="Otto")
    other.admin.language_code = "ko"
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        ada, otto = Moderator(standin, room), Moderator(standin, other)
        await ada.opens_chat()
        await otto.opens_chat()
        room.says(room.admin, "/assign 2h")  # homework #1, Room's
        await room.reads()
        other.says(other.admin, "/assign 2h")  # homework #2, Other's
        await other.reads()
        for words in ("/report 1 3", "/report -1", "/report one", "/report 1 all"):
            room.says(room.admin, words)
            assert text(await room.reads()) == REPORT_USAGE, words
            otto.says(words.replace("1", "2"))
            assert text(await otto.reads()) == KOREAN_REPORT_USAGE, words
        room.says(room.admin, "/report 1")
        assert text(await room.reads()) == "📬 Sent to you in a private chat."
        assert "Homework #1: Homework <one>" in text(await ada.reads())
    assert not any(
        "#-" in text(m)
        for chat in (room.chat.id, ada.chat.id, otto.chat.id)
        for m in standin.bot_messages(chat)
    )


async def test_no_groups_to_choose_says_sessions_or_homework(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """A group that only ever had homework is one to choose from; a teacher who moderates
    none is told so in words true of both (in Korean for a Korean teacher)."""
    room = Group(standin, "Room")
    stranger = Moderator(standin, user=standin.user("Otto", username="otto"))
    lee = Moderator(standin, user=standin.user("Lee", username="lee", language_code="ko"))
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/assign 2h")  # homework, and never a session
        await room.reads()
        ada = Moderator(standin, room)
        ada.says("/report")
        assert (await ada.reads()).button_texts == ["Room"]
        for command in ("/report", "/export xlsx"):
            stranger.says(command)
            assert text(await stranger.reads()) == (
                "You don't moderate any group where I have run a session or set homework."
            )
            lee.says(command)
            assert text(await lee.reads()) == (
                "제가 토론을 진행하거나 숙제를 낸 그룹 중에 관리하는 그룹이 없어요."
            )


async def test_an_anonymous_admins_report_or_export_is_refused_before_its_words(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """An admin posting as the group gets nothing whatever follows the command: told to ask
    as themselves, as a plain /report or /export is, not the usage of words they will have
    to send again anyway."""
    room = Group(standin, "Room")
    settings = settings_for(standin, tmp_path, HOMEWORK_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/assign 2h")  # homework #1
        await room.reads()
        for command in ("/export nonsense", "/export 1", "/report 1 3", "/report -1", "/report 1"):
            room.anonymous_admin_says(command)
            said = text(await room.reads())
            assert said.startswith("You are posting as the group (an anonymous admin)"), command
    assert rows(tmp_path, "SELECT COUNT(*) FROM deliveries") == [(0,)]
