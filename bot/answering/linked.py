"""A group's question answered in a member's private chat, opened from its deep link
("Answer privately"): the group sees nothing of the answer.

The link names a session and a question, so anyone can type one: a session that does not
exist and one the person is not a member of get the same refusal (nothing to enumerate),
a question opens only once the group has been shown it, and membership is asked again
when the answer comes (a member who left since no longer answers).
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, User

from bot.answering.core import (
    LinkOpened,
    MembershipCheck,
    Outcome,
    Refused,
    StanceGiven,
    TypedGiven,
    Why,
    private_kind,
    reached_cap,
    typed_answer,
)
from bot.answering.discussion import asked_for_words, counter, counter_pending
from bot.answering.group import press, time_up
from bot.callbacks import AnswerPrivately, PickStance
from bot.lessons import DebateQuestion, LessonCatalog, ShortQuestion
from bot.storage import Post, PrivatePrompt, Storage
from bot.walk import QuestionStep, position_of_question, step_at


async def open_link(
    storage: Storage,
    catalog: LessonCatalog,
    link: AnswerPrivately,
    user_id: int,
    chat_id: int,
    is_member: MembershipCheck,
) -> Outcome:
    """/start a<walk>_<question>: open that question here, if the person may answer it."""
    walk = await storage.walk(link.walk_id)
    if walk is None or walk.audience != "group" or not await is_member(walk.chat_id, user_id):
        return Refused(Why.UNKNOWN)
    posted = await storage.post_of_question(walk.id, link.question_id)
    if posted is None:
        return Refused(Why.UNKNOWN)  # not shown to the group yet
    if walk.status == "paused":
        return Refused(Why.PAUSED)
    lesson = catalog.get(walk.lesson_id)
    question = lesson.question(link.question_id) if lesson else None
    position = position_of_question(lesson, link.question_id) if lesson else None
    if walk.status != "active" or lesson is None or position is None:
        return Refused(Why.CLOSED)
    if not isinstance(question, ShortQuestion | DebateQuestion):
        return Refused(Why.UNKNOWN)  # answered on the group's own message
    if time_up(posted):
        return Refused(Why.TIME_UP)
    await storage.set_private_prompt(chat_id, walk.id, question.id)
    step = step_at(lesson, position)
    assert isinstance(step, QuestionStep)
    return LinkOpened(walk, step)


async def asked(storage: Storage, opened: LinkOpened, chat_id: int, message_id: int) -> None:
    """The group's question was asked in the private chat: its message is a post of the
    group's session there, so its stance buttons count (and only those)."""
    question = opened.step.question
    posted = await storage.post_of_question(opened.walk.id, question.id)
    post = Post(
        chat_id=chat_id,
        message_id=message_id,
        walk_id=opened.walk.id,
        position=opened.walk.position,
        question_id=question.id,
        kind=private_kind(question),
        closes_at=posted.closes_at if posted is not None else None,  # as the group's
    )
    await storage.record_posts([post])


async def stance(
    storage: Storage,
    catalog: LessonCatalog,
    user: User,
    chat_id: int,
    message_id: int,
    action: PickStance,
    *,
    query_id: str,
    is_member: MembershipCheck,
) -> Outcome:
    """A stance pressed in the private chat for the group question opened there."""
    prompt = await storage.private_prompt(chat_id)
    if prompt is None or (prompt.walk_id, prompt.question_id) != (
        action.walk_id,
        action.question_id,
    ):
        return Refused(Why.UNKNOWN)
    refused = await _still_member(storage, prompt, user.id, is_member)
    if refused is not None:
        return refused
    given = await press(
        storage, catalog, user, chat_id, message_id, action, query_id=query_id, via="private"
    )
    walk = await storage.walk(action.walk_id)
    lesson = catalog.get(walk.lesson_id) if walk is not None else None
    position = position_of_question(lesson, action.question_id) if lesson else None
    if isinstance(given, StanceGiven) and lesson is not None and position is not None:
        step = step_at(lesson, position)
        if isinstance(step, QuestionStep):  # the message is shown again with the stance
            return replace(given, step=step)
    return given


async def _still_member(
    storage: Storage, prompt: PrivatePrompt, user_id: int, is_member: MembershipCheck
) -> Refused | None:
    walk = await storage.walk(prompt.walk_id)
    if walk is None:
        return Refused(Why.UNKNOWN)
    if not await is_member(walk.chat_id, user_id):
        await storage.clear_private_prompt(prompt.chat_id)
        return Refused(Why.NOT_MEMBER)
    return None


async def typed(
    storage: Storage,
    catalog: LessonCatalog,
    user: User,
    message: Message,
    prompt: PrivatePrompt,
    is_member: MembershipCheck,
) -> Outcome:
    """The typed answer (or a debate's reason) to the group question opened here."""
    assert message.text is not None
    walk = await storage.walk(prompt.walk_id)
    lesson = catalog.get(walk.lesson_id) if walk else None
    question = lesson.question(prompt.question_id) if lesson else None
    if (
        walk is None
        or walk.status != "active"
        or lesson is None
        or not isinstance(question, ShortQuestion | DebateQuestion)
    ):
        await storage.clear_private_prompt(message.chat_id)
        paused = walk is not None and walk.status == "paused"
        return Refused(Why.PAUSED if paused else Why.CLOSED)
    refused = await _still_member(storage, prompt, user.id, is_member)
    if refused is not None:
        return refused
    posted = await storage.post_of_question(walk.id, question.id)
    if posted is not None and time_up(posted, message.date):
        await storage.clear_private_prompt(message.chat_id)
        return Refused(Why.TIME_UP)
    if isinstance(question, DebateQuestion) and await counter_pending(
        storage, walk, question, user.id
    ):  # the reason is in: this is the other side's best argument
        given = await counter(
            storage, walk, lesson, question, user, message, message.text, via="private"
        )
        await storage.clear_private_prompt(message.chat_id)
        return replace(given, countered=True) if isinstance(given, TypedGiven) else given
    answer = await typed_answer(storage, walk, lesson, question, user, message, via="private")
    if isinstance(answer, Refused):
        return answer
    if isinstance(question, DebateQuestion) and await asked_for_words(
        storage, walk, question, user.id, message.text
    ):
        return Refused(Why.NEEDS_WORDS)
    recorded = await storage.record_answer(answer)
    # A debate that asks for the other side keeps the question open here for it.
    asks = isinstance(question, DebateQuestion) and question.asks_counter
    if not asks:
        await storage.clear_private_prompt(message.chat_id)
    return TypedGiven(question, recorded.created, reached_cap(recorded), walk, asks_counter=asks)
