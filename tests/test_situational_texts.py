"""The right words for the situation: paused sessions, a second lesson menu, a stance given
privately or twice, a group question left open in a private chat, edits too late, several
right answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Student,
    bot_membership_update,
    edited,
    html,
    link_payload,
    rows,
    settings_for,
    text,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

TALK = """\
id: talk
title: Talk
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
      - id: stance
        type: debate
        prompt: Agree with the text?
      - id: both
        type: choice
        prompt: Which two?
        options: [A, B, C]
        answer: [A, C]
discussion:
  - id: last
    type: short
    prompt: Anything else?
"""


OTHER = TALK.replace("id: talk", "id: other").replace("title: Talk", "title: Other")


@asynccontextmanager
async def bot_in_a_group(
    standin: BotApiStandIn, tmp_path: Path, *lessons: str
) -> AsyncIterator[tuple[Group, Student]]:
    """The bot running with ``lessons`` (TALK if none), a group with an admin and a member,
    and the member's private chat."""
    room = Group(standin, members=["Mo"])
    settings = settings_for(standin, tmp_path, *(lessons or (TALK,)))
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        yield room, Student(standin, user=room.members[0])


async def reaches_the_debate(student: Student) -> StoredMessage:
    """Their own lesson begun and its first question answered: the debate question."""
    await student.begins_lesson("/lessons")
    student.says("something")
    await student.reads()  # the acknowledgement
    return await student.reads()


def with_button(student: Student, message: StoredMessage, button: str) -> StoredMessage | None:
    """The message once the bot has edited that button into it."""
    now = edited(student.standin, message)
    return now if now is not None and button in now.button_texts else None


def judged(student: Student, message: StoredMessage) -> str | None:
    """The question's text once the bot has edited the verdict into it."""
    now = edited(student.standin, message)
    return text(now) if now is not None and "Not quite" in text(now) else None


async def test_a_paused_session_is_called_paused_everywhere(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        started, (_, debate, _) = await room.posts_first_questions()
        room.bot_membership("member", "kicked")  # removed from the group: the session pauses
        await standin.wait_for(lambda: rows(tmp_path, "SELECT status FROM walks") == [("paused",)])
        room.bot_membership("left", "member")  # added back; /begin would resume
        room.says(room.admin, "/next")
        assert "Talk</b> is paused. An admin can resume it with /begin" in (
            html(await room.reads())
        )
        assert "one part, followed by questions" in text(started)
        carrier = next(
            m for m in standin.bot_messages(room.chat.id) if "Next ▸ (admins)" in m.button_texts
        )
        assert "paused" in await room.presses(room.admin, carrier, "Next ▸ (admins)")
        assert "paused. Answers count again" in await room.presses(room.members[0], debate, "Agree")
        student.says(f"/start {link_payload(debate)}")
        assert "paused. Answers count again" in text(await student.reads())
        room.says(room.members[0], "/status")
        assert "⏸ Paused: an admin can resume it with /begin." in text(await room.reads())
        room.says(room.admin, "/begin")
        assert "goes on" in text(await room.reads())
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(0,)]


async def test_an_old_lesson_menu_says_a_session_is_already_running(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path, TALK, OTHER) as (room, _):
        room.says(room.admin, "/begin")
        menu = await room.reads()
        room.says(room.admin, "/begin other")
        assert "Other" in text(await room.reads())
        said = await room.presses(room.admin, menu, "Talk")
        assert said == "A session is already running here. Use /next to go on, or /end to close it."
    assert rows(tmp_path, "SELECT lesson_id FROM walks") == [("other",)]


async def test_a_stance_given_privately_asks_for_a_typed_reason(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (_, debate, _) = await room.posts_first_questions()
        asked = await student.opens_link(debate)
        said = await student.presses(asked, "Agree")
        assert said == "Your stance: Agree. Now type your reason as a message."
        assert "Reply to the question" not in said


async def test_a_group_question_left_open_does_not_take_the_own_lessons_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (say, _, _) = await room.posts_first_questions()
        await student.opens_link(say)  # opened, never answered
        own = await student.begins_lesson("/lessons")
        assert "Say something." in text(own)
        student.says("my own answer")
        acknowledged = text(await student.reads())
        assert "Saved your answer for" not in acknowledged
    assert rows(
        tmp_path, "SELECT w.audience, a.answer_text FROM answers a JOIN walks w ON w.id = a.walk_id"
    ) == [("private", "my own answer")]


async def test_a_stance_pressed_again_says_the_reason_is_awaited(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TALK)):
        debate = await reaches_the_debate(student)
        assert await student.presses(debate, "Agree") == ""
        await student.reads()  # "Why?"
        student.says("/start")  # welcome back: the question again, with its buttons
        await student.reads()
        again = await student.reads()
        await student.reads()  # "Why?" again
        said = await student.presses(again, "Disagree")
        assert said == "You already picked your stance: Agree. Now type your reason as a message."


async def test_a_wrong_pick_names_all_the_right_answers_and_a_late_edit_is_answered(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TALK)):
        debate = await reaches_the_debate(student)
        await student.presses(debate, "Agree")
        await student.reads()
        student.says("because")
        await student.reads()
        both = await student.reads()
        await student.presses(both, "⬜ B")
        ticked = await student.standin.wait_for(lambda: with_button(student, both, "☑️ B"))
        await student.presses(ticked, "✔️ Submit my choice")
        feedback = await student.standin.wait_for(lambda: judged(student, both))
        assert "The right answers: A; C" in feedback
        assert "Anything else?" in text(await student.reads())  # the discussion question
        last = student.says("all done")
        while "finished" not in text(await student.reads()):
            pass
        student.standin.edit_text(student.user, last, "all done, edited")
        assert (
            text(await student.reads())
            == "That lesson attempt is over, so your answer stays as it was."
        )


@pytest.mark.parametrize("command", ["/report", "/export"])
async def test_an_anonymous_admin_is_told_to_ask_as_themselves(
    standin: BotApiStandIn, tmp_path: Path, command: str
) -> None:
    room = Group(standin, members=["Mo"])
    async with running_bot(settings_for(standin, tmp_path, TALK), group_window=FLOOD_WINDOW):
        await room.posts_first_questions()
        room.anonymous_admin_says(command)
        said = text(await room.reads())
        assert "posting as the group (an anonymous admin)" in said
        assert "Remain anonymous" in said
    assert rows(tmp_path, "SELECT COUNT(*) FROM deliveries") == [(0,)]  # nothing left waiting


async def test_commands_sent_in_the_wrong_kind_of_chat_say_where_they_work(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        for command in ("/begin", "/next", "/end", "/status"):
            student.says(command)
            said = text(await student.reads())
            assert said.startswith(f"{command} is for a study group: add me to your group")
        for command in ("/lessons", "/progress", "/restart", "/myanswers", "/forget"):
            room.says(room.members[0], f"{command}@{standin.bot_user.username}")
            pointer = await room.reads()
            assert text(pointer).startswith(f"{command} works in a private chat with me")
            assert [b.url for row in pointer.buttons for b in row] == [
                f"https://t.me/{standin.bot_user.username}"
            ]
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks") == [(0,)]  # nothing was started


# A part whose second question is a quiz poll: a refused poll stops the part half-way.
WITH_POLL = TALK.replace(
    """      - id: stance
        type: debate
        prompt: Agree with the text?
""",
    """      - id: quiz
        type: choice
        prompt: Right or wrong?
        options: [Right, Wrong]
        answer: Right
""",
)


async def test_a_part_cut_short_keeps_what_was_posted_and_next_posts_the_rest(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path, WITH_POLL) as (room, _):
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        await room.reads()  # the section
        standin.fail_next(
            "sendPoll", code=400, description="Bad Request: not enough rights to send polls"
        )
        room.says(room.admin, "/next")
        say = await room.reads()
        assert "Say something." in text(say)
        told = text(await room.reads())
        assert told.startswith(
            "⚠️ I could not post everything here. Telegram said: Not enough rights to send polls."
        )
        standin.reply(room.members[0], say, "an answer to what was posted")
        room.says(room.admin, "/next")
        rest = [await room.reads() for _ in range(2)]
        assert rest[0].poll is not None and "Which two?" in text(rest[1])
        room.says(room.members[0], "/status")  # handled after the reply: a barrier
        await room.reads()
    posted = [text(m) for m in standin.bot_messages(room.chat.id) if "Say something." in text(m)]
    assert len(posted) == 1  # not posted again
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers") == [
        ("say", "an answer to what was posted")
    ]


async def test_a_student_who_blocks_and_unblocks_the_bot_keeps_their_lesson(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TALK)):
        own = await student.begins_lesson("/lessons")
        for old, new in (("member", "kicked"), ("kicked", "member")):
            standin.enqueue(
                "my_chat_member",
                bot_membership_update(standin, student.chat, student.user, old, new),
            )
        student.says("after unblocking")
        assert "Saved your answer" in text(await student.reads())
        assert "Say something." in text(own)
    assert rows(tmp_path, "SELECT status FROM walks") == [("active",)]


async def test_a_summary_refused_leaves_the_session_closed(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, _):
        await room.posts_first_questions()
        # Removed from the group just as /end arrives: the closing summary is refused.
        standin.fail_next(
            "sendMessage", code=403, description="Forbidden: bot was kicked from the group chat"
        )
        room.says(room.admin, "/end")
        await standin.wait_for(
            lambda: any(c.method == "sendMessage" and c.error_code == 403 for c in standin.calls),
            what="the closing summary refused",
        )
        room.says(room.members[0], "/status")
        assert "No session is running here" in text(await room.reads())
    assert rows(tmp_path, "SELECT status FROM walks") == [("finished",)]  # not 'paused'


async def test_editing_a_private_reason_keeps_the_stance_changed_since(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (_, debate, _) = await room.posts_first_questions()
        asked = await student.opens_link(debate)
        await student.presses(asked, "Agree")
        await student.reads()  # "Why?"
        reason = student.says("because it says so")
        assert "Saved your answer" in text(await student.reads())
        assert "Disagree" in await room.presses(room.members[0], debate, "Disagree")  # in the group
        standin.edit_text(room.members[0], reason, "because it says so, fixed")
        assert "Updated" in text(await student.reads())
        # Two edits within one second (Telegram's edit_date has whole seconds): both count.
        standin.edit_text(room.members[0], reason, "first fix")
        standin.edit_text(room.members[0], reason, "second fix")
        await student.reads()
        await student.reads()
    current = rows(
        tmp_path,
        "SELECT stance, answer_text FROM answers WHERE question_id = 'stance' "
        "ORDER BY version DESC LIMIT 1",
    )
    assert current == [("Disagree", "second fix")]


async def test_a_sticker_while_a_groups_question_awaits_asks_for_typed_text(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with bot_in_a_group(standin, tmp_path) as (room, student):
        _, (say, _, _) = await room.posts_first_questions()
        await student.opens_link(say)
        standin.send_sticker(student.user, student.chat)
        assert "type your answer as a message" in text(await student.reads())


async def test_a_reply_to_an_earlier_question_is_not_taken_for_the_current_one(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TALK)):
        say = await student.begins_lesson("/lessons")
        student.says("first")
        await student.reads()  # the acknowledgement
        debate = await student.reads()
        await student.presses(debate, "Agree")
        why = await student.reads()
        # A reply to the bot's "Why?" is the reason: that is the question now.
        standin.send_text(student.user, student.chat, "because", reply_to=why)
        assert "Saved your stance and your reason" in text(await student.reads())
        both = await student.reads()
        await student.presses(both, "⬜ A")
        ticked = await standin.wait_for(lambda: with_button(student, both, "☑️ A"))
        await student.presses(ticked, "✔️ Submit my choice")
        assert "Anything else?" in text(await student.reads())  # a typed answer is awaited
        standin.send_text(student.user, student.chat, "a correction", reply_to=say)
        said = await student.reads()
        assert text(said).startswith("That reply is to an earlier question, so I did not save it")
        assert "Anything else?" in text(said)
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers ORDER BY id") == [
        ("say", "first"),
        ("stance", None),
        ("stance", "because"),
        ("both", "A"),
    ]


async def test_a_session_begun_in_a_forum_topic_runs_in_that_topic(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    admin, member = standin.user("Ada", username="ada"), standin.user("Mo", username="mo")
    forum = standin.group("Forum", members=[member], admins=[admin], forum=True)
    topic = 7

    async def reads() -> StoredMessage:
        return await standin.next_bot_message(forum.id, timeout=10)

    async with running_bot(settings_for(standin, tmp_path, TALK), group_window=FLOOD_WINDOW):
        standin.send_text(admin, forum, "/begin", topic=topic)
        started = await reads()
        standin.send_text(admin, forum, "/next", topic=topic)
        section = await reads()
        standin.send_text(admin, forum, "/next", topic=topic)
        questions = [await reads() for _ in range(3)]
        standin.reply(member, questions[0], "said in the topic")
        standin.send_text(member, forum, "/status", topic=topic)
        status = await reads()
        assert "Members who have answered so far: 1" in text(status)
    assert [m.thread_id for m in (started, section, *questions, status)] == [topic] * 6
    assert rows(tmp_path, "SELECT thread_id FROM walks") == [(topic,)]
    assert rows(tmp_path, "SELECT answer_text FROM answers") == [("said in the topic",)]


async def test_beginning_another_lesson_asks_first_and_a_second_begin_is_no_second_start(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TALK, OTHER)):
        student.says("/lessons")
        menu = await student.reads()
        assert menu.button_texts == ["Other", "Talk"]
        first = standin.press_data(student.user, menu, "v1:go:talk")
        second = standin.press_data(student.user, menu, "v1:go:talk")  # a double tap
        await standin.wait_for_callback_answer(first)
        said = (await standin.wait_for_callback_answer(second)).text or ""
        assert said.startswith("You are in this lesson already")  # no second start
        part = await student.reads()
        assert "Only part" in text(part)
        await student.presses(part, "Continue ▸")
        await student.reads()  # the first question
        # Another lesson, while this one is in progress: asked first.
        query = standin.press_data(student.user, menu, "v1:go:other")
        await standin.wait_for_callback_answer(query)
        ask = await student.reads()
        assert "You are in the middle of <b>Talk</b>. Beginning <b>Other</b> closes it" in (
            html(ask)
        )
        assert ask.button_texts == ["▶️ Begin Other", "↩️ Go on with Talk"]
        await student.presses(ask, "↩️ Go on with Talk")
        assert "Welcome back" in text(await student.reads())
        assert "Say something." in text(await student.reads())  # where it stopped
        await student.presses(ask, "▶️ Begin Other")
        assert "Other" in text(await student.reads())
    assert rows(tmp_path, "SELECT lesson_id, status FROM walks ORDER BY id") == [
        ("talk", "abandoned"),
        ("other", "active"),
    ]


# Two typed questions in a row: a second quick message belongs to the first.
TWO_TYPED = TALK.replace(
    """      - id: stance
        type: debate
        prompt: Agree with the text?
""",
    """      - id: more
        type: short
        prompt: Say more.
""",
)


async def test_a_message_sent_before_the_next_question_is_not_its_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Ana", username="ana"))
    async with running_bot(settings_for(standin, tmp_path, TWO_TYPED)):
        assert "Say something." in text(await student.begins_lesson("/lessons"))
        student.says("The main claim is that Seoul")
        student.says("is putting the North first")  # before the next question appears
        assert "Saved your answer" in text(await student.reads())
        assert "Say more." in text(await student.reads())
        # The rest of the answer just typed (issue 13.5): added to it, not refused.
        assert text(await student.reads()) == "➕ Added to your answer."
        student.says("more, now")
        assert "Saved your answer" in text(await student.reads())
    assert rows(tmp_path, "SELECT question_id, answer_text FROM answers ORDER BY id") == [
        ("say", "The main claim is that Seoul"),
        ("say", "The main claim is that Seoul\nis putting the North first"),
        ("more", "more, now"),
    ]
