"""The one answering path under attack and in a hurry (issues 11 and 19): forged button
data, deep links typed by hand, members who are not (or no longer) members, and ticks
tapped faster than Telegram redraws a keyboard.

The real Application over real HTTP to the stand-in; a tampering client is
``standin.press_data`` (any callback data on any message).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import callbacks, texts
from bot.callbacks import GroupBegin, GroupPick, PickStance, SubmitChoice, ToggleChoice
from bot.storage import MAX_ANSWER_VERSIONS
from tests.actors import Group, Student, popup, rows, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, ChatMember, FakeChat, FakeUser, StoredMessage

LESSON = """\
id: drill
title: Drill
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false  # forged presses name options by their place
sections:
  - title: One
    text: The first part.
    questions:
      - id: pick-one
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong]
        answer: Right
        explanation: SECRET-EXPLANATION-ONE
      - id: pick-two
        type: choice
        style: buttons
        prompt: Which two?
        options: [A, B, C]
        answer: [A, C]
      - id: quiz
        type: choice
        prompt: Quiz?
        options: [It is, It is not]
        answer: It is
  - title: Two
    text: The second part.
    questions:
      - id: later
        type: choice
        style: buttons
        prompt: A later question?
        options: [Sure, Nope]
        answer: Sure
        explanation: SECRET-EXPLANATION-LATER
discussion:
  - id: say
    type: short
    prompt: Say something.
  - id: stance
    type: debate
    prompt: Agree?
    stances: [Agree, Disagree]
"""
UNKNOWN = texts.UNKNOWN_BUTTON


async def forged(group: Group, user: FakeUser, message: StoredMessage, data: str) -> str:
    """A tampering client's press: any data, on any message; the pop-up's text."""
    return await popup(group.standin, group.standin.press_data(user, message, data))


def session_id(tmp_path: Path) -> int:
    return int(value(tmp_path, "SELECT id FROM walks WHERE audience = 'group'"))


async def begins(group: Group) -> StoredMessage:
    """/begin and the first part: the section's message."""
    group.says(group.admin, "/begin")
    await group.reads()
    group.says(group.admin, "/next")
    return await group.reads()


async def posts_first_questions(group: Group) -> list[StoredMessage]:
    group.says(group.admin, "/next")
    return [await group.reads() for _ in range(3)]


async def posts_up_to_the_discussion(group: Group) -> None:
    """The rest of the lesson: part two, its question, the two discussion questions (one
    per /next)."""
    for messages in (1, 1, 1, 1):
        group.says(group.admin, "/next")
        for _ in range(messages):
            await group.reads()


def encode(action: callbacks.Action) -> str:
    return callbacks.encode(action)


async def test_forged_presses_cannot_change_a_group_choice_or_pass_a_poll_for_buttons(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin, members=2)
    m0, m1 = group.members
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        section = await begins(group)
        one, two, quiz = await posts_first_questions(group)
        walk = session_id(tmp_path)
        assert "Not quite" in await forged(
            group, m0, one, encode(SubmitChoice(walk, "pick-one", 2))
        )
        # A tick's data on a single-choice message, and the right option tapped again.
        assert await forged(group, m0, one, encode(GroupPick(walk, "pick-one", 0))) == UNKNOWN
        said = await forged(group, m0, one, encode(SubmitChoice(walk, "pick-one", 1)))
        assert said == texts.ALREADY_ANSWERED
        # A wrong quiz vote, then the right option as a button: on the poll's own message,
        # on the section's message, and on another question's message.
        standin.vote(m1, quiz, [1])
        for message in (quiz, section, one):
            data = encode(SubmitChoice(walk, "quiz", 1))
            assert await forged(group, m1, message, data) == UNKNOWN
        # A stance on a choice question's message; an option past the ones shown.
        assert await forged(group, m1, two, encode(PickStance(walk, "pick-two", 0))) == UNKNOWN
        assert await forged(group, m1, two, encode(GroupPick(walk, "pick-two", 5))) == UNKNOWN
        assert "answered so far: 2" in await group.barrier()
    assert rows(
        tmp_path, "SELECT username, question_id, is_correct, via FROM answers ORDER BY id"
    ) == [("m0", "pick-one", 0, "button"), ("m1", "quiz", 0, "poll")]


async def test_questions_not_posted_yet_take_no_answer_and_reveal_nothing(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin, members=2)
    m0 = group.members[0]
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        section = await begins(group)
        walk = session_id(tmp_path)
        for data in (
            encode(SubmitChoice(walk, "pick-one", 1)),  # this part's, before /next posts it
            encode(SubmitChoice(walk, "later", 1)),  # a later part's
            encode(PickStance(walk, "stance", 0)),  # the discussion's
        ):
            said = await forged(group, m0, section, data)
            assert said == UNKNOWN
            assert "SECRET" not in said
        # Its deep link, typed by hand before the question is posted.
        student = standin.private_chat(m0)
        standin.send_text(m0, student, f"/start a{walk}_say")
        refused = await standin.next_bot_message(student.id)
        assert refused.text == texts.PRIVATE_LINK_UNAVAILABLE
        await group.barrier()
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(0,)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM private_prompts") == [(0,)]


async def test_deep_links_to_unknown_sessions_and_to_other_groups_get_the_same_reply(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin, members=2)
    outsider = standin.user("Eve", username="eve")
    muted = standin.user("Mute", username="mute")
    group.chat.members[muted.id] = ChatMember(muted, "restricted", is_member=False)
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        await begins(group)
        await posts_first_questions(group)
        await posts_up_to_the_discussion(group)
        walk = session_id(tmp_path)
        replies = []
        for user, payload in (
            (outsider, f"a{walk}_say"),  # a real, open question of a group they are not in
            (outsider, f"a{walk + 1}_say"),  # a session that does not exist
            (muted, f"a{walk}_say"),  # restricted, and no longer a member
        ):
            chat = standin.private_chat(user)
            standin.send_text(user, chat, f"/start {payload}")
            replies.append((await standin.next_bot_message(chat.id)).text)
        assert replies == [texts.PRIVATE_LINK_UNAVAILABLE] * 3


async def test_a_member_who_leaves_after_opening_a_question_privately_no_longer_answers(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin, members=2)
    m0 = group.members[0]
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        await begins(group)
        await posts_first_questions(group)
        await posts_up_to_the_discussion(group)
        walk = session_id(tmp_path)
        chat = standin.private_chat(m0)
        standin.send_text(m0, chat, f"/start a{walk}_stance")
        await standin.next_bot_message(chat.id)  # answering privately for the group
        asked = await standin.next_bot_message(chat.id)
        disagree = next(
            b.callback_data for row in asked.buttons for b in row if b.text == "Disagree"
        )
        query = standin.press(m0, asked, "Agree")
        await standin.wait_for_callback_answer(query)
        await standin.next_bot_message(chat.id)  # now your reason
        group.chat.members[m0.id] = ChatMember(m0, "left")
        standin.send_text(m0, chat, "because I say so")
        assert (await standin.next_bot_message(chat.id)).text == texts.PRIVATE_LINK_LEFT
        # Their stance press again, now that they left: not counted either.
        query = standin.press_data(m0, asked, disagree or "")
        refused = await standin.wait_for_callback_answer(query)
        assert refused.text in (texts.PRIVATE_LINK_LEFT, UNKNOWN)
    assert rows(tmp_path, "SELECT stance, answer_text, via FROM answers") == [
        ("Agree", None, "private")
    ]


async def test_group_session_buttons_do_nothing_in_a_private_chat(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    teacher = standin.user("Teacher", username="teacher")
    chat = standin.private_chat(teacher)
    settings = settings_for(standin, tmp_path, LESSON, BOT_MODERATOR_IDS=str(teacher.id))
    async with running_bot(settings):
        standin.send_text(teacher, chat, "/lessons")
        menu = await standin.next_bot_message(chat.id)
        query = standin.press_data(teacher, menu, encode(GroupBegin("drill")))
        assert (await standin.wait_for_callback_answer(query)).text == UNKNOWN
        standin.send_text(teacher, chat, "/help")
        await standin.next_bot_message(chat.id)
    assert rows(tmp_path, "SELECT COUNT(*) FROM walks") == [(0,)]


async def test_a_button_pressed_under_an_inline_mode_message_gets_a_friendly_pop_up(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram sends such a press with no message and no chat: nothing to answer there, and
    no handler may fail for it (each needs the chat). A Korean reader is told in Korean."""
    student = Student(standin)
    korean = Student(standin, user=standin.user("민지", language_code="ko-KR"))
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        question = await student.begins_lesson()
        walk_id = value(tmp_path, "SELECT id FROM walks")
        forged = [
            encode(SubmitChoice(walk_id, "pick-one", 1)),  # an answer button, a real walk
            encode(PickStance(walk_id, "say", 0)),
            encode(GroupBegin("drill")),  # a moderator's button
            "v1:zz:1",  # nobody's
        ]
        for data in forged:
            said = await popup(standin, standin.press_inline(student.user, data))
            assert said == texts.BUTTON_WITHOUT_CHAT
        said = await popup(standin, standin.press_inline(korean.user, forged[0]))
        assert said.startswith("이 버튼은 저와의 대화나")
        # Nothing was answered, and the lesson goes on where it was.
        await student.presses(question, "Right")
        assert "Which two?" in text(await student.reads())
    assert value(tmp_path, "SELECT COUNT(*) FROM answers WHERE question_id = 'pick-one'") == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# --- a student's ticks --------------------------------------------------------------------


async def reaches_pick_two(standin: BotApiStandIn, user: FakeUser, chat: FakeChat) -> StoredMessage:
    """Begin the lesson privately and answer up to the several-answers question."""
    standin.send_text(user, chat, "/start")
    await standin.next_bot_message(chat.id)  # welcome
    menu = await standin.next_bot_message(chat.id)
    query = standin.press(user, menu, texts.BEGIN_BUTTON)
    await standin.wait_for_callback_answer(query)
    section = await standin.next_bot_message(chat.id)
    query = standin.press(user, section, "Continue ▸")
    await standin.wait_for_callback_answer(query)
    one = await standin.next_bot_message(chat.id)
    query = standin.press(user, one, "Right")
    await standin.wait_for_callback_answer(query)
    return await standin.next_bot_message(chat.id)


def now(standin: BotApiStandIn, message: StoredMessage) -> StoredMessage:
    return standin.message(message.chat_id, message.message_id)


async def test_a_tick_tapped_on_a_keyboard_not_yet_redrawn_is_kept(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    user = standin.user("Ana", username="ana")
    chat = standin.private_chat(user)
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        two = await reaches_pick_two(standin, user, chat)
        stale = [b.callback_data for row in two.buttons for b in row]
        walk = callbacks.decode(stale[-1])
        assert isinstance(walk, SubmitChoice)
        # Two quick taps, both on the keyboard as first shown (A, then C).
        first = standin.press_data(user, two, stale[0] or "")
        second = standin.press_data(user, two, stale[2] or "")
        for query in (first, second):
            await standin.wait_for_callback_answer(query)
        assert encode(ToggleChoice(walk.walk_id, "pick-two", 0)) == stale[0]
        shown = await standin.wait_for(
            lambda: now(standin, two) if now(standin, two).button_texts[2] == "☑️ C" else None
        )
        assert shown.button_texts[:3] == ["☑️ A", "⬜ B", "☑️ C"]
        query = standin.press(user, shown, texts.SUBMIT_BUTTON)
        assert (await standin.wait_for_callback_answer(query)).text == texts.RIGHT
    assert rows(
        tmp_path, "SELECT option_indexes, is_correct FROM answers WHERE question_id = 'pick-two'"
    ) == [("0,2", 1)]


async def test_ticks_still_work_after_the_tick_marks_and_submit_are_reworded(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = standin.user("Ana", username="ana")
    chat = standin.private_chat(user)
    async with running_bot(settings_for(standin, tmp_path, LESSON)):
        two = await reaches_pick_two(standin, user, chat)
        # A new release words the buttons differently; this message shows the old words.
        monkeypatch.setattr(texts, "PICKED_TICK", "[x] {option}")
        monkeypatch.setattr(texts, "UNPICKED_TICK", "[ ] {option}")
        monkeypatch.setattr(texts, "SUBMIT_BUTTON", "Send")
        query = standin.press(user, two, "⬜ A")
        assert (await standin.wait_for_callback_answer(query)).text in (None, "")
        ticked = await standin.wait_for(
            lambda: now(standin, two) if now(standin, two).button_texts[0] == "[x] A" else None
        )
        query = standin.press(user, ticked, "[ ] C")
        await standin.wait_for_callback_answer(query)
        done = await standin.wait_for(
            lambda: now(standin, two) if now(standin, two).button_texts[2] == "[x] C" else None
        )
        query = standin.press(user, done, "Send")
        assert (await standin.wait_for_callback_answer(query)).text == texts.RIGHT
    assert rows(tmp_path, "SELECT option_indexes FROM answers WHERE question_id = 'pick-two'") == [
        ("0,2",)
    ]


NOTES = """\
id: notes
title: Notes
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: One
    text: The text.
    questions:
      - id: first
        type: short
        prompt: First thoughts?
      - id: second
        type: short
        prompt: Second thoughts?
"""


async def test_an_answer_edited_past_the_cap_is_told_once_and_keeps_its_last_versions(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path, NOTES)):
        await student.begins_lesson()  # the first question
        typed = student.says("draft 1")
        await student.reads()  # saved
        await student.reads()  # the second question
        told = []
        for version in range(2, MAX_ANSWER_VERSIONS + 4):
            standin.edit_text(student.user, typed, f"draft {version}")
            told.append(text(await student.reads()))
            if version == MAX_ANSWER_VERSIONS:
                told.append(text(await student.reads()))
        await student.opens_chat()  # a barrier: every edit has been handled
    assert told.count(texts.VERSIONS_CAPPED) == 1
    capped = told.index(texts.VERSIONS_CAPPED)
    assert set(told[:capped]) == {texts.ANSWER_UPDATED}  # versions 2 to 20: all kept
    assert told[capped + 1 :] == [texts.ANSWER_REPLACED] * 3  # past the cap: the last replaced
    last = MAX_ANSWER_VERSIONS + 3
    assert rows(
        tmp_path, "SELECT COUNT(*), MAX(version) FROM answers WHERE question_id = 'first'"
    ) == [(MAX_ANSWER_VERSIONS, MAX_ANSWER_VERSIONS)]
    assert (
        value(
            tmp_path,
            "SELECT answer_text FROM answers WHERE question_id = 'first' AND version = ?",
            MAX_ANSWER_VERSIONS,
        )
        == f"draft {last}"
    )
