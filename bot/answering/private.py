"""A student's own attempt in a private chat: the cursor, buttons, ticks and typed answers.

A button counts only for the student whose attempt it is, in their chat, while the
attempt runs and stands at that question. The options a message showed are read from its
stored post (never from its labels); ticks are kept on the server, toggled one option at
a time, and become the answer on Submit. A stance is fixed per attempt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Message, User

from bot.answering.core import (
    ChoiceGiven,
    Moved,
    Outcome,
    Refused,
    StanceGiven,
    TicksNow,
    TypedGiven,
    Why,
    as_posted,
    choice_answer,
    key_of_message,
    key_of_private_choice,
    key_of_private_stance,
    private_kind,
    reached_cap,
    respondent,
    typed_answer,
    typed_answer_key,
    written_answer,
)
from bot.answering.discussion import asked_for_words, counter, counter_pending
from bot.callbacks import (
    ContinueReading,
    PickStance,
    SelfCheck,
    SubmitChoice,
    ToggleChoice,
)
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog, ShortQuestion
from bot.render.order import private_seed, shown_options
from bot.storage import NewAnswer, Post, Storage, Walk
from bot.walk import (
    QuestionStep,
    choice_is_correct,
    expects_text,
    is_last,
    realigned_position,
    step_at,
)


async def current_attempt(
    storage: Storage, catalog: LessonCatalog, chat_id: int
) -> tuple[Walk, Lesson] | None:
    """The lesson in progress in a private chat, on the lesson's current version."""
    walk = await storage.active_walk(chat_id)
    lesson = catalog.get(walk.lesson_id) if walk is not None else None
    if walk is None or lesson is None:
        return None
    return await on_current_version(storage, walk, lesson), lesson


async def on_current_version(storage: Storage, walk: Walk, lesson: Lesson) -> Walk:
    """A walk begun on an earlier version of an edited lesson, moved onto the current one.

    Positions index the lesson's steps, which an edit may shift; answers name questions by
    id, so the walk goes on at the first question the student has not answered.
    """
    if walk.lesson_version == lesson.version:
        return walk
    answers = await storage.current_answers(walk.id, walk.user_id)
    answered = {a.question_id for a in answers if a.question_type != "debate" or a.answer_text}
    position = realigned_position(lesson, answered)
    return await storage.rebase_walk(walk, position, lesson.version) or walk


async def asked(storage: Storage, walk: Walk, step: QuestionStep, message_id: int) -> None:
    """The message asking a student a question was sent: keep it as the question's post
    (with the options it shows), and, for a typed answer, as the message that asks it."""
    question = step.question
    seed = private_seed(walk.user_id or walk.chat_id)  # the order its keyboard shows
    options = shown_options(question, seed) if isinstance(question, ChoiceQuestion) else None
    post = Post(
        chat_id=walk.chat_id,
        message_id=message_id,
        walk_id=walk.id,
        position=walk.position,
        question_id=question.id,
        options=options,
        kind=private_kind(question),
    )
    await storage.record_posts([post])
    if not isinstance(question, ChoiceQuestion):
        await storage.mark_asked(walk, message_id)


async def read_shown(storage: Storage, walk: Walk, section: int, message_id: int) -> None:
    """A section was shown (``message_id``: its last message, with Continue): kept as a post,
    so that a later copy can take its button off, and /start can tell it is just above."""
    post = Post(
        chat_id=walk.chat_id,
        message_id=message_id,
        walk_id=walk.id,
        position=walk.position,
        section=section,
        kind="section",
    )
    await storage.record_posts([post])


async def shown_at(storage: Storage, walk: Walk) -> Post | None:
    """The newest message showing the walk's current step in its chat (None: none kept)."""
    posts = [
        p
        for p in await storage.posts_of_walk(walk.id)
        if p.position == walk.position and p.chat_id == walk.chat_id
    ]
    return max(posts, key=lambda p: p.message_id, default=None)


async def waiting_for_text(storage: Storage, catalog: LessonCatalog, chat_id: int) -> bool | None:
    """Whether the lesson in progress waits for typed text (None: no lesson in progress)."""
    current = await current_attempt(storage, catalog, chat_id)
    if current is None:
        return None
    walk, lesson = current
    step = step_at(lesson, walk.position)
    stance_given = False
    if isinstance(step, QuestionStep) and isinstance(step.question, DebateQuestion):
        assert walk.user_id is not None
        earlier = await storage.current_answer(walk.id, walk.user_id, step.question.id)
        stance_given = earlier is not None and bool(earlier.stance)
    return expects_text(step, stance_given)


# --- buttons ------------------------------------------------------------------------------


async def own_button(
    storage: Storage, catalog: LessonCatalog, walk: Walk, user_id: int, chat_id: int
) -> tuple[Walk, Lesson] | Refused:
    """The walk and lesson a button belongs to, if it is this student's and running."""
    if walk.audience != "private" or walk.chat_id != chat_id or walk.user_id != user_id:
        return Refused(Why.UNKNOWN)
    lesson = catalog.get(walk.lesson_id)
    if walk.status != "active" or lesson is None:
        # Advising /lessons would close the attempt the student is in now.
        now = await storage.active_walk(walk.chat_id)
        return Refused(Why.EARLIER_ATTEMPT if now is not None else Why.CLOSED)
    return await on_current_version(storage, walk, lesson), lesson


async def continue_reading(
    storage: Storage, lesson: Lesson, walk: Walk, action: ContinueReading
) -> Moved | Refused | None:
    """Continue under a section: the next step (None: a double tap, already moved)."""
    if action.position != walk.position:
        return Refused(Why.STALE)
    to = walk.position + 1
    moved = await storage.move_walk(walk, to_position=to, finished=is_last(lesson, to))
    return Moved(moved) if moved is not None else None


def _open_step(lesson: Lesson, walk: Walk, question_id: str) -> QuestionStep | None:
    step = step_at(lesson, walk.position)
    if isinstance(step, QuestionStep) and step.question.id == question_id:
        return step
    return None


async def _closed_question(storage: Storage, walk: Walk, user_id: int, question_id: str) -> Refused:
    earlier = await storage.current_answer(walk.id, user_id, question_id)
    return Refused(Why.ALREADY_ANSWERED if earlier is not None else Why.STALE)


async def _shown(
    storage: Storage, chat_id: int, message_id: int, question: ChoiceQuestion
) -> Post | None:
    """The stored post of the pressed message (None: sent before posts were kept)."""
    post = await storage.post_for_message(chat_id, message_id)
    return post if post is not None and post.question_id == question.id else None


async def question_changed(
    storage: Storage, post: Post | None, question: ChoiceQuestion, user_id: int
) -> Refused:
    """The lesson was edited since the message was sent: its buttons will be renewed with
    the options as they are now, and the ticks made on the old ones are dropped."""
    if post is not None:
        await storage.record_posts([replace(post, options=question.options)])
        await storage.clear_ticks(post.chat_id, post.message_id, user_id)
    return Refused(Why.CHANGED, question)


async def toggle(
    storage: Storage,
    lesson: Lesson,
    walk: Walk,
    user: User,
    message_id: int,
    action: ToggleChoice,
) -> Outcome:
    """A tick on a several-answers question: one option toggled on the server, so a tap
    on a keyboard Telegram has not yet redrawn keeps the tick before it."""
    step = _open_step(lesson, walk, action.question_id)
    if step is None or not isinstance(step.question, ChoiceQuestion):
        return Refused(Why.STALE)
    question = step.question
    post = await _shown(storage, walk.chat_id, message_id, question)
    shown = post.options if post is not None and post.options is not None else question.options
    if action.index >= len(shown):
        return Refused(Why.UNKNOWN)
    tapped = as_posted(question, shown, [action.index])
    if tapped is None:
        return await question_changed(storage, post, question, user.id)
    (index,) = tapped
    ticks = await storage.toggle_tick(walk.chat_id, message_id, user.id, index)
    return TicksNow(question, ticks)


async def submit(
    storage: Storage,
    lesson: Lesson,
    walk: Walk,
    user: User,
    message_id: int,
    action: SubmitChoice,
) -> Outcome:
    """A single choice tapped, or Submit under ticks: the answer, and the next step."""
    step = _open_step(lesson, walk, action.question_id)
    if step is None or not isinstance(step.question, ChoiceQuestion):
        return await _closed_question(storage, walk, user.id, action.question_id)
    question = step.question
    post = await _shown(storage, walk.chat_id, message_id, question)
    shown = post.options if post is not None and post.options is not None else question.options
    several = len(question.correct_options) > 1
    picked: tuple[int, ...] | None
    if several and post is not None:
        picked = await storage.ticks_of(walk.chat_id, message_id, user.id)
    else:  # one option's button, or a keyboard from before ticks were kept: its mask
        if action.mask >= 1 << len(shown):
            return Refused(Why.UNKNOWN)
        tapped = [i for i in range(len(shown)) if action.mask & (1 << i)]
        if not several and len(tapped) > 1:
            return Refused(Why.UNKNOWN)
        picked = as_posted(question, shown, tapped)
        if picked is None:
            return await question_changed(storage, post, question, user.id)
    if not picked:
        return Refused(Why.PICK_AT_LEAST_ONE)
    recorded = await storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            user,
            picked,
            via="button",
            source_key=key_of_private_choice(walk.id, question.id),
        ),
        advance_to=walk.position + 1,
        finished=is_last(lesson, walk.position + 1),
    )
    if not recorded.created:
        return Refused(Why.ALREADY_ANSWERED)
    if post is not None and several:
        await storage.clear_ticks(walk.chat_id, message_id, user.id)
    correct = choice_is_correct(question, picked)
    return ChoiceGiven(question, step, picked, correct, created=True, walk=walk)


async def stance(
    storage: Storage, lesson: Lesson, walk: Walk, user: User, action: PickStance
) -> Outcome:
    """A stance, fixed for the attempt (the private policy): the reason is asked next."""
    step = _open_step(lesson, walk, action.question_id)
    if step is None or not isinstance(step.question, DebateQuestion):
        return await _closed_question(storage, walk, user.id, action.question_id)
    question = step.question
    if action.index >= len(question.stances):
        return Refused(Why.UNKNOWN)
    picked = question.stances[action.index]
    recorded = await storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            user,
            None,
            via="button",
            source_key=key_of_private_stance(walk.id, question.id),
            stance=picked,
        )
    )
    # Not created: this attempt's stance was already given, and stays.
    kept = picked if recorded.created else recorded.answer.stance or picked
    return StanceGiven(question, step, kept, recorded.created)


# --- typed answers ------------------------------------------------------------------------


async def typed(storage: Storage, catalog: LessonCatalog, user: User, message: Message) -> Outcome:
    """A typed message in a private chat, as the answer to the question being asked (or
    why it is not one)."""
    assert message.text is not None
    current = await current_attempt(storage, catalog, message.chat_id)
    if current is None:
        return Refused(Why.IDLE)
    walk, lesson = current
    step = step_at(lesson, walk.position)
    waits = await waiting_for_text(storage, catalog, message.chat_id)
    # Not shown yet: the walk waits for Continue under a model answer.
    shown = await shown_at(storage, walk)
    choice = step.question if isinstance(step, QuestionStep) else None
    if shown is not None and isinstance(choice, ChoiceQuestion):
        assert isinstance(step, QuestionStep)
        places = typed_places(message.text, len(choice.options))
        if places is not None:  # "B", "2", "(b)": the option with that letter, as shown
            return await _typed_choice(storage, lesson, walk, user, step, shown, places)
    early = walk.asked_message_id is not None and message.message_id < walk.asked_message_id
    if not waits or early or shown is None:  # most likely the rest of the answer just typed
        added = await _added_to_last(storage, lesson, walk, user, message)
        if added is not None:
            return added
    if shown is None:
        return Refused(Why.PRESS_CONTINUE)
    if isinstance(choice, ChoiceQuestion):
        return Refused(Why.NOT_AN_OPTION, choice)
    if not isinstance(step, QuestionStep) or isinstance(step.question, ChoiceQuestion):
        return Refused(Why.NOT_WAITING)
    if early:
        return Refused(Why.SENT_BEFORE_QUESTION)
    return await _typed_answer(storage, lesson, walk, user, step.question, message)


async def _typed_answer(
    storage: Storage,
    lesson: Lesson,
    walk: Walk,
    user: User,
    question: ShortQuestion | DebateQuestion,
    message: Message,
) -> Outcome:
    """The message as the answer to the short or debate question asked now."""
    assert message.text is not None  # the handler's filter: a typed message
    replied = message.reply_to_message
    if replied is not None:
        post = await storage.post_for_message(message.chat_id, replied.message_id)
        if post is not None and post.question_id not in (None, question.id):
            return Refused(Why.REPLY_TO_EARLIER, question)
    to, finished = walk.position + 1, is_last(lesson, walk.position + 1)
    if isinstance(question, DebateQuestion) and await counter_pending(
        storage, walk, question, user.id
    ):  # the reason is in: this is the other side's best argument
        given = await counter(
            storage,
            walk,
            lesson,
            question,
            user,
            message,
            message.text,
            via="text",
            advance_to=to,
            finished=finished,
        )
        return replace(given, countered=True) if isinstance(given, TypedGiven) else given
    answer = await typed_answer(storage, walk, lesson, question, user, message, via="text")
    if isinstance(answer, Refused):
        return answer
    if isinstance(question, DebateQuestion) and await asked_for_words(
        storage, walk, question, user.id, message.text
    ):
        return Refused(Why.NEEDS_WORDS)
    # A debate that asks for the other side waits for it after the reason.
    asks = isinstance(question, DebateQuestion) and question.asks_counter
    recorded = await storage.record_answer(
        answer, advance_to=None if asks else to, finished=False if asks else finished
    )
    return TypedGiven(question, recorded.created, reached_cap(recorded), walk, asks_counter=asks)


# An option typed as its letter or number: "B", "b", "(B)", "B.", "2"; several as "A C",
# "A, C" or "1 and 3". Full-width letters and circled numbers are read as their plain forms.
_TYPED_PICK = re.compile(r"[(\[]?(?:(?P<letter>[a-z])|(?P<number>[1-9][0-9]?))[)\].:]?")
_TYPED_SEPARATORS = re.compile(r"(?:\s|,|;|&|/|\band\b)+")


def typed_places(text: str | None, count: int) -> tuple[int, ...] | None:
    """The places (0-based, in the shown order) of the options a typed message names by
    letter or number, or None if it is not only that (a word, a letter past the last)."""
    tokens = _TYPED_SEPARATORS.split(unicodedata.normalize("NFKC", text or "").strip().lower())
    places = set()
    for token in filter(None, tokens):
        match = _TYPED_PICK.fullmatch(token)
        if match is None:
            return None
        letter, number = match["letter"], match["number"]
        place = ord(letter) - ord("a") if letter else int(number) - 1
        if place >= count:
            return None
        places.add(place)
    return tuple(sorted(places)) or None


async def _typed_choice(
    storage: Storage,
    lesson: Lesson,
    walk: Walk,
    user: User,
    step: QuestionStep,
    post: Post,
    places: tuple[int, ...],
) -> Outcome:
    """A choice typed as letters on the question's message ``post`` (the options it
    showed), taken as a press of those buttons would be: one answer, whichever comes first."""
    question = step.question
    assert isinstance(question, ChoiceQuestion)
    several = len(question.correct_options) > 1
    if not several and len(places) > 1:
        return Refused(Why.NOT_AN_OPTION, question)
    picked = as_posted(question, post.options, places)
    if picked is None:
        return await question_changed(storage, post, question, user.id)
    recorded = await storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            user,
            picked,
            via="text",
            source_key=key_of_private_choice(walk.id, question.id),
        ),
        advance_to=walk.position + 1,
        finished=is_last(lesson, walk.position + 1),
    )
    if not recorded.created:
        return Refused(Why.ALREADY_ANSWERED)
    if several:
        await storage.clear_ticks(walk.chat_id, post.message_id, user.id)
    correct = choice_is_correct(question, picked)
    return ChoiceGiven(question, step, picked, correct, created=True, walk=walk)


async def self_check(storage: Storage, walk: Walk, user_id: int, action: SelfCheck) -> bool:
    """A student's verdict on their own typed answer beside its model answer: their own
    attempt's answer only (the attempt may have finished since)."""
    if walk.audience != "private" or walk.user_id != user_id:
        return False
    return await storage.record_self_check(walk.id, user_id, action.question_id, action.grade)


async def waiting_to_show(storage: Storage, walk: Walk) -> int | None:
    """The position of the step a walk stands at but has not shown (it waits for Continue
    under a model answer); None if it has shown it, or has finished."""
    if walk.status != "active" or await shown_at(storage, walk) is not None:
        return None
    return walk.position


# How long after a typed answer a further message is taken as more of it (an answer typed
# in two quick messages), when it cannot be the answer to the step shown now.
ADD_TO_ANSWER_WINDOW = timedelta(minutes=2)
# An answer in two or three messages, not a flood: past this many versions, a further
# message is a stray like any other (and goes through the flood gate).
ADD_TO_ANSWER_VERSIONS = 4


async def _added_to_last(
    storage: Storage, lesson: Lesson, walk: Walk, user: User, message: Message
) -> TypedGiven | None:
    """The message added to the student's last answer in this attempt as a new version,
    if that answer was typed and came within ADD_TO_ANSWER_WINDOW before it."""
    answers = await storage.current_answers(walk.id, user.id)
    last = max(answers, key=lambda a: a.id, default=None)
    if (
        last is None
        or last.via != "text"
        or not last.answer_text
        or last.version >= ADD_TO_ANSWER_VERSIONS
    ):
        return None
    question = lesson.question(last.question_id)
    if not isinstance(question, ShortQuestion | DebateQuestion):
        return None
    if message.date - datetime.fromisoformat(last.answered_at) > ADD_TO_ANSWER_WINDOW:
        return None
    recorded = await storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            user,
            f"{last.answer_text}\n{message.text}",
            via="text",
            source_key=key_of_message(message.chat_id, message.message_id),
        ),
        keep="stance" if isinstance(question, DebateQuestion) else None,
    )
    return TypedGiven(question, recorded.created, reached_cap(recorded), added=True)


async def edited(
    storage: Storage, catalog: LessonCatalog, user: User, message: Message
) -> Outcome | None:
    """An edited typed answer: a new version of that answer, never a second one (None: the
    edited message was not an answer)."""
    earlier = await storage.answer_with_key(key_of_message(message.chat_id, message.message_id))
    walk = await storage.walk(earlier.walk_id) if earlier else None
    lesson = catalog.get(walk.lesson_id) if walk else None
    if earlier is None or walk is None or lesson is None:
        return None
    if walk.status != "active":
        return Refused(Why.CLOSED)
    question = lesson.question(earlier.question_id)
    recorded = await storage.record_answer(
        NewAnswer(
            walk=walk,
            lesson_version=lesson.version,
            respondent=respondent(user),
            question_id=earlier.question_id,
            question_type=earlier.question_type,  # type: ignore[arg-type]  # as stored
            via=earlier.via,  # type: ignore[arg-type]
            source_key=typed_answer_key(message),
            answer_text=message.text,
        ),
        # A new reason keeps the stance as it is now (it may have changed since), read in
        # the same transaction.
        keep="stance" if earlier.question_type == "debate" else None,
    )
    kept = question if isinstance(question, ShortQuestion | DebateQuestion) else None
    return TypedGiven(
        kept, recorded.created, reached_cap(recorded), walk, replaced=recorded.replaced
    )
