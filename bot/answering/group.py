"""A group's members answering: buttons and stances on a question's message, quiz poll
votes, replies. A press counts only on the stored post of that question, of the kind it
was posted as, while the session runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from telegram import Message, User

from bot.answering.core import (
    KIND_OF_ACTION,
    ChoiceGiven,
    Outcome,
    Refused,
    StanceGiven,
    TicksNow,
    TypedGiven,
    Why,
    as_posted,
    choice_answer,
    key_of_group_choice,
    key_of_press,
    key_of_vote,
    kind_of,
    private_kind,
    reached_cap,
    typed_answer_key,
    written_answer,
)
from bot.answering.discussion import asked_for_words, counter, other_side
from bot.callbacks import GroupPick, PickStance, SubmitChoice
from bot.discussion import is_extra_part
from bot.group_settings import settings_of
from bot.lessons import (
    ChoiceQuestion,
    DebateQuestion,
    Lesson,
    LessonCatalog,
    Question,
    ShortQuestion,
)
from bot.storage import AnswerVia, Post, Storage, Walk
from bot.walk import choice_is_correct


def credited(message: Message) -> User | None:
    """The member a message counts for, or None: channels, anonymous admins, bots and
    forwarded messages are never credited to anyone."""
    user = message.from_user
    if (
        user is None
        or user.is_bot
        or message.sender_chat is not None
        or message.forward_origin is not None
    ):
        return None
    return user


def time_up(post: Post, at: dt.datetime | None = None) -> bool:
    """Whether a paced session's question had closed at ``at`` (Telegram's time for a
    message, so that a reply sent in time counts however late it is handled; now for a
    press). Quiz polls are closed by Telegram itself."""
    if post.closes_at is None or post.kind == "poll":
        return False
    return (at or dt.datetime.now(dt.UTC)) >= dt.datetime.fromisoformat(post.closes_at)


async def open_question(
    storage: Storage,
    catalog: LessonCatalog,
    post: Post | None,
    walk_id: int,
    question_id: str,
    at: dt.datetime | None = None,
) -> tuple[Walk, Lesson] | Refused:
    """The group walk and lesson of a post's question, if that post is the question's and
    the session takes answers now (``at``: when the answer was sent, if Telegram says)."""
    if post is None or post.walk_id != walk_id or post.question_id != question_id:
        return Refused(Why.UNKNOWN)
    walk = await storage.walk(walk_id)
    if walk is None or walk.audience != "group":
        return Refused(Why.UNKNOWN)
    if walk.status == "paused":
        return Refused(Why.PAUSED)
    lesson = catalog.get(walk.lesson_id)
    if walk.status != "active" or lesson is None or lesson.question(question_id) is None:
        return Refused(Why.CLOSED)
    if time_up(post, at):
        return Refused(Why.TIME_UP)
    return walk, lesson


async def _question_of(
    storage: Storage, catalog: LessonCatalog, post: Post | None, at: dt.datetime | None = None
) -> tuple[Walk, Lesson, Question, Post] | Refused:
    """The open question a post (a poll, or a message replied to) carries."""
    if post is None or post.question_id is None:
        return Refused(Why.UNKNOWN)
    found = await open_question(storage, catalog, post, post.walk_id, post.question_id, at)
    if isinstance(found, Refused):
        return found
    walk, lesson = found
    question = lesson.question(post.question_id)
    assert question is not None  # open_question checked it
    return walk, lesson, question, post


def _posted_as(post: Post, walk: Walk, lesson: Lesson, question: object) -> str:
    """The kind of message a post is; rows stored before kinds were: as it is posted now."""
    if post.kind is not None:
        return post.kind
    return kind_of(lesson, question) if post.chat_id == walk.chat_id else private_kind(question)


async def press(
    storage: Storage,
    catalog: LessonCatalog,
    user: User,
    chat_id: int,
    message_id: int,
    action: SubmitChoice | GroupPick | PickStance,
    *,
    query_id: str,
    via: AnswerVia = "button",
) -> Outcome:
    """A member's answer button on a group question's message (or, for a stance, on the
    message that asked it in their private chat, opened from the group's deep link)."""
    post = await storage.post_for_message(chat_id, message_id)
    found = await open_question(storage, catalog, post, action.walk_id, action.question_id)
    if isinstance(found, Refused):
        return found
    walk, lesson = found
    assert post is not None
    question = lesson.question(action.question_id)
    if _posted_as(post, walk, lesson, question) != KIND_OF_ACTION[type(action)]:
        return Refused(Why.UNKNOWN)  # e.g. buttons on a poll's question, or a section
    if isinstance(action, PickStance):
        if not isinstance(question, DebateQuestion) or action.index >= len(question.stances):
            return Refused(Why.UNKNOWN)
        return await _stance(storage, walk, lesson, question, user, action.index, query_id, via)
    if not isinstance(question, ChoiceQuestion):
        return Refused(Why.CLOSED)  # edited into another kind of question since
    shown = post.options if post.options is not None else question.options
    tapped = _tapped(action, len(shown))
    if tapped is None:
        return Refused(Why.UNKNOWN)
    picked = as_posted(question, post.options, tapped)
    if picked is None:
        return Refused(Why.CHANGED, question)
    if isinstance(action, GroupPick):
        return await _tick(storage, walk, lesson, question, user, picked, query_id)
    recorded = await storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            user,
            picked,
            via="button",
            source_key=key_of_group_choice(walk.id, question.id, user.id),
        )
    )
    # A second tap finds the first answer: it stays as the member first gave it.
    stored = recorded.answer
    return ChoiceGiven(
        question, None, stored.option_indexes, bool(stored.is_correct), recorded.created
    )


def _tapped(action: SubmitChoice | GroupPick, shown: int) -> list[int] | None:
    """The option a button stands for: exactly one, among those the message showed."""
    if isinstance(action, GroupPick):
        tapped = [action.index]
    else:
        tapped = [i for i in range(action.mask.bit_length()) if action.mask & (1 << i)]
    if len(tapped) != 1 or tapped[0] >= shown:
        return None
    return tapped


async def _tick(
    storage: Storage,
    walk: Walk,
    lesson: Lesson,
    question: ChoiceQuestion,
    user: User,
    tapped: tuple[int, ...],
    query_id: str,
) -> Outcome:
    """A tick or untick: the member's picks so far (their current answer) with this one
    option toggled, recorded as a new version."""
    earlier = await storage.current_answer(walk.id, user.id, question.id)
    picks = set(earlier.option_indexes) if earlier else set()
    picked = tuple(sorted(picks ^ set(tapped)))
    recorded = await storage.record_answer(
        choice_answer(
            walk, lesson, question, user, picked, via="button", source_key=key_of_press(query_id)
        )
    )
    return TicksNow(question, picked, reached_cap(recorded))


async def _stance(
    storage: Storage,
    walk: Walk,
    lesson: Lesson,
    question: DebateQuestion,
    user: User,
    index: int,
    query_id: str,
    via: AnswerVia,
) -> Outcome:
    """A group stance may change (the group policy); the reason given goes with it."""
    stance = question.stances[index]
    recorded = await storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            user,
            None,
            via=via,
            source_key=key_of_press(query_id),
            stance=stance,
        ),
        keep="reason",
    )
    return StanceGiven(question, None, stance, recorded.created)


async def vote(
    storage: Storage,
    catalog: LessonCatalog,
    user: User,
    poll_id: str,
    option_ids: Iterable[int],
    *,
    update_id: int,
) -> Outcome:
    """A vote in a session's quiz poll (Telegram sends these: they are trusted); an empty
    vote is a retraction, kept as a fact."""
    found = await _question_of(storage, catalog, await storage.post_for_poll(poll_id))
    if isinstance(found, Refused):
        return found
    walk, lesson, question, post = found
    if not isinstance(question, ChoiceQuestion):
        return Refused(Why.CLOSED)  # the lesson was edited: no longer a choice question
    picked = as_posted(question, post.options, option_ids)
    if picked is None:  # a vote for an option the edited lesson no longer has
        return Refused(Why.CHANGED, question)
    recorded = await storage.record_answer(
        choice_answer(
            walk, lesson, question, user, picked, via="poll", source_key=key_of_vote(update_id)
        )
    )
    correct = bool(picked) and choice_is_correct(question, picked)
    return ChoiceGiven(question, None, picked, correct, recorded.created)


async def reply(
    storage: Storage, catalog: LessonCatalog, member: User, message: Message
) -> Outcome:
    """A reply to a short or debate question's message (an edit of the reply: a new
    version of it). A reason keeps the stance already picked, read in the same write.

    A reply to a message that is not a session's (members talking to each other) is
    ``Refused(Why.UNKNOWN)``: nothing to say. A reply to a session's message that cannot
    count says why: the session ended or is paused, the message asks for no typed answer,
    the reply is not text, or it starts with "/", or the group's setting takes typed
    answers only privately."""
    replied = message.reply_to_message
    if replied is None:
        return Refused(Why.UNKNOWN)
    post = await storage.post_for_message(message.chat_id, replied.message_id)
    if post is None:
        return Refused(Why.UNKNOWN)
    # The session's opening message, a part's text, or a stance asked before the reading.
    if post.question_id is None or is_extra_part(post.question_id):
        walk = await storage.walk(post.walk_id)
        if walk is None or walk.audience != "group":
            return Refused(Why.UNKNOWN)
        return Refused(Why.NOT_A_QUESTION if walk.status == "active" else Why.CLOSED)
    # An edit counts from when it was made; a new reply from when it was sent.
    found = await _question_of(storage, catalog, post, message.edit_date or message.date)
    if isinstance(found, Refused):
        return found
    walk, lesson, question, _ = found
    if not isinstance(question, ShortQuestion | DebateQuestion):
        return Refused(Why.NOT_A_QUESTION)
    if (await settings_of(storage, walk.chat_id)).typed_private:
        return Refused(Why.PRIVATE_ONLY)  # so that no one can copy: the private link only
    if message.text is None:
        return Refused(Why.TEXT_ONLY)
    if message.text.lstrip().startswith("/"):
        return Refused(Why.COMMAND_LIKE)
    debate = isinstance(question, DebateQuestion)
    argument = other_side(message.text) if debate else None
    if isinstance(question, DebateQuestion) and question.asks_counter and argument:
        # "Other side: …": the strongest argument for the other side, its counter part.
        return await counter(
            storage, walk, lesson, question, member, message, argument, via="reply"
        )
    if isinstance(question, DebateQuestion) and await asked_for_words(
        storage, walk, question, member.id, message.text
    ):
        return Refused(Why.NEEDS_WORDS)
    recorded = await storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            member,
            message.text,
            via="reply",
            source_key=typed_answer_key(message),
        ),
        keep="stance" if debate else None,
    )
    return TypedGiven(question, recorded.created, reached_cap(recorded))
