"""A group's session: begun, posted part by part, paused when the bot may not post, ended
with a summary. Moderators' commands and buttons (``bot.handlers.session``) drive it, and
a paced session's clock (``bot.session_clock``) through the same ``post_next_part``.

Every posted message is kept as a post (which step, which question, the options shown,
what kind of message), so that answers are matched to questions by the message they were
given on, and a session resumes after a restart exactly where it stood.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import Message
from telegram.error import ChatMigrated, Forbidden, TelegramError

from bot import digests, group_settings, i18n, outbox, pacing, session_clock
from bot.answering import kind_of
from bot.answering.discussion import asked_before
from bot.context import BotApplication, BotContext
from bot.discussion import before_id
from bot.lessons import ChoiceQuestion, Lesson, Question, ShortQuestion
from bot.render import discussion as render_discussion
from bot.render import group as render_group
from bot.render import replies
from bot.render.group import GroupMessage, QuizPoll
from bot.render.order import group_seed, shown_options
from bot.results import asked_in, session_results
from bot.send_budget import NotSent
from bot.storage import Post, Walk, iso_utc
from bot.walk import (
    EndStep,
    QuestionStep,
    SectionStep,
    group_realigned_position,
    next_part,
    step_at,
    steps_of,
)

log = logging.getLogger(__name__)


async def send_to_group(context: BotContext, walk: Walk, message: GroupMessage) -> Message | None:
    """Send to a session's group; follow a supergroup upgrade once; pause if we may not post."""
    chat_id = walk.chat_id
    try:
        try:
            return await outbox.send_any(context.bot, chat_id, message, walk.thread_id)
        except ChatMigrated as moved:  # a basic group, so no topics
            await context.storage.migrate_chat(chat_id, moved.new_chat_id)
            return await outbox.send_any(context.bot, moved.new_chat_id, message)
    except Forbidden:
        await context.storage.set_chat_active(chat_id, active=False)
        if walk.status == "active":  # a closing summary leaves a finished session finished
            log.info("may not post in chat %s: session %s paused", chat_id, walk.id)
            await context.storage.set_walk_status(walk.id, "paused")
        return None


async def tell_cannot_post(context: BotContext, walk: Walk, error: TelegramError) -> None:
    """Say in the group why a part was not (all) posted: a moderator can fix the bot's
    rights and go on. If even this cannot be posted, the log has it. A stop that cut the
    part short is no refusal (the stop's one line counts it): the move is owed, its rest
    posted at the next start (``post_next_part``)."""
    if isinstance(error, NotSent):
        return
    log.warning("could not post in chat %s: %s", walk.chat_id, error)
    try:
        await outbox.send(
            context.bot, walk.chat_id, replies.cannot_post(error.message), walk.thread_id
        )
    except TelegramError:
        log.debug("could not tell chat %s why it was not posted to", walk.chat_id)


def _bot_username(context: BotContext) -> str:
    return context.bot.username


async def start(
    context: BotContext,
    *,
    chat_id: int,
    chat_type: str,
    chat_title: str | None,
    user_id: int,
    topic: int | None,
    lesson: Lesson,
    pace: int | None = None,
) -> None:
    """Begin a session (in the forum topic it was begun in) and post its opening message.
    ``pace`` (seconds): it runs by itself, its first part posted at once."""
    walk = await context.storage.start_walk(
        thread_id=topic,
        chat_id=chat_id,
        chat_type=chat_type,
        chat_title=chat_title,
        audience="group",
        user_id=user_id,
        lesson_id=lesson.id,
        lesson_version=lesson.version,
    )
    opening_message = render_group.session_started(lesson, walk)
    if pace is not None:
        await context.storage.set_pace(walk.id, pace)
        opening_message = render_group.paced_session_started(
            lesson, walk, pacing.written(pace), counts_down=pacing.counts_down(pace)
        )
    try:
        sent = await send_to_group(context, walk, opening_message)
    except TelegramError as error:
        await tell_cannot_post(context, walk, error)  # the session is on: /next goes on
        return
    if sent is None:
        return
    opening = Post(sent.chat_id, sent.message_id, walk.id, -1, carries_next=True, kind="start")
    posts = [opening]
    for question in asked_before(lesson):  # issue 14: stances before the reading
        try:
            asked = await send_to_group(
                context, walk, render_discussion.before_question(question, walk, group=True)
            )
        except TelegramError as error:
            await tell_cannot_post(context, walk, error)
            break
        if asked is None:
            break
        posts.append(
            Post(
                asked.chat_id, asked.message_id, walk.id, -1, before_id(question.id), kind="stances"
            )
        )
    opened = await context.storage.record_part(walk, 0, posts)
    if pace is not None and opened is not None:
        await post_next_part(context, opened)  # the clock starts with the first part


async def resume(context: BotContext, walk: Walk) -> None:
    """A paused session takes answers again (the bot may post in its group again); a paced
    one's clock, unless a moderator stopped it, runs again from now."""
    resumed = await context.storage.set_walk_status(walk.id, "active")
    await context.storage.set_chat_active(walk.chat_id, active=True)
    pace = await context.storage.pace(walk.id)
    if resumed is not None and pace is not None and not pace.paused:
        await session_clock.start(context, resumed)


# How long after a session closed /end (or /next) says so rather than "no session here".
RECENTLY_CLOSED = timedelta(minutes=10)


async def next_or_confirm(context: BotContext, walk: Walk) -> None:
    """Next (the button or /next): the next part; after the last one, the question whether
    to close the session, so that it never closes without warning."""
    lesson = context.catalog.get(walk.lesson_id)
    if lesson is not None and isinstance(step_at(lesson, walk.position), EndStep):
        try:
            await send_to_group(context, walk, render_group.confirm_end(lesson, walk))
        except TelegramError as error:
            await tell_cannot_post(context, walk, error)
        return
    await post_next_part(context, walk)


async def recently_closed(context: BotContext, chat_id: int) -> tuple[Walk, int] | None:
    """The group's session that closed within RECENTLY_CLOSED, and how many whole minutes
    ago; None if there is none."""
    walk = await context.storage.latest_group_walk(chat_id)
    if walk is None or walk.status != "finished" or walk.ended_at is None:
        return None
    ago = datetime.now(UTC) - datetime.fromisoformat(walk.ended_at)
    if ago > RECENTLY_CLOSED:
        return None
    return walk, int(ago.total_seconds() // 60)


def current_questions(lesson: Lesson, walk: Walk) -> list[Question]:
    """The questions of the part posted last (none while a part's text is the newest); in
    the discussion, posted one per /next, the discussion question posted last."""
    steps = steps_of(lesson)
    shown = steps[: min(walk.position, len(steps))]
    if not shown or not isinstance(shown[-1], QuestionStep):
        return []
    part = shown[-1].part
    if part == 0:
        return [shown[-1].question]
    questions: list[Question] = []
    for step in reversed(shown):
        if not isinstance(step, QuestionStep) or step.part != part:
            break
        questions.append(step.question)
    return questions[::-1]


async def still_to_answer(
    context: BotContext, walk: Walk, lesson: Lesson
) -> tuple[list[tuple[str, int]], int]:
    """Who has taken part in the session but not answered every question of the part
    posted last: (display name, questions left) each, and how many questions that part
    has. Telegram tells a bot no member list, so those who never answered are not known."""
    questions = {q.id for q in current_questions(lesson, walk)}
    if not questions:
        return [], 0
    answered: dict[int, set[str]] = {}
    names: dict[int, tuple[str, str | None]] = {}
    for fact in await context.storage.standing_answers(walk.id):
        answered.setdefault(fact.user_id, set()).add(fact.question_id)
        names[fact.user_id] = (fact.display_name, fact.username)
    same_name = Counter(name for name, _ in names.values())
    missing = []
    for user_id, done in answered.items():
        left = len(questions - done)
        if left:
            name, username = names[user_id]
            if same_name[name] > 1 and username:
                name = f"{name} (@{username})"  # two of one name: told apart
            missing.append((name, left))
    return sorted(missing, key=lambda item: item[0].casefold()), len(questions)


def _advancing(context: BotContext, walk_id: int) -> asyncio.Lock:
    """One advance of a session at a time: its clock and a moderator's /next may come at
    the same moment (the scheduler orders a chat's updates, not the clock's ticks)."""
    return context.bot_data.advancing.setdefault(walk_id, asyncio.Lock())


async def post_next_part(context: BotContext, walk: Walk, *, owed: bool = False) -> None:
    """Post the session's next part (or, past its last, end it): the one way a session
    moves on, for /next, the Next button and a paced session's clock alike. Nothing if it
    moved meanwhile (the clock and a moderator at once) or stopped taking answers. A move
    a stop cut (``NotSent``) is noted owed; the next move takes the note and says first why
    it comes late; ``owed``: only such a move (the next start's, ``bot.moves_owed``)."""
    async with _advancing(context, walk.id):
        current = await context.storage.walk(walk.id)
        if current is None or current.position != walk.position or current.status != "active":
            return
        late = await context.storage.take_owed_move(walk.id)
        if owed and not late:
            return  # a moderator's Next (or the clock, or /end) came first
        try:
            if late and not await _told_late(context, current):
                await context.storage.owe_move(walk.id)  # paused: still owed when it resumes
                return
            await _post_next_part(context, current)
        except NotSent:  # the bot is stopping: the rest of this move at the next start
            await context.storage.owe_move(walk.id)


async def _told_late(context: BotContext, walk: Walk) -> bool:
    """The line on why a move a stop cut comes late; False if the bot may not post here
    (the session is paused). A stop's refusal (``NotSent``) is raised."""
    try:
        return await send_to_group(context, walk, render_group.move_delayed()) is not None
    except NotSent:
        raise
    except TelegramError as error:  # an extra: the move goes on without it
        log.warning("could not say in chat %s why a move comes late: %s", walk.chat_id, error)
        return True


async def _post_next_part(context: BotContext, walk: Walk) -> None:
    lesson = context.catalog.get(walk.lesson_id)
    if lesson is not None and walk.lesson_version != lesson.version:
        walk = await _on_current_version(context, walk, lesson)
    if lesson is None or isinstance(step_at(lesson, walk.position), EndStep):
        await end(context, walk, lesson)
        return
    settings = await group_settings.settings_of(context.storage, walk.chat_id)
    if not await post_model_answers(context, walk, lesson, settings):
        return  # the bot may not post here (the session is paused)
    if not await _post_digests(context, walk, lesson):
        return  # the bot may no longer post there (paused), or was refused: /next again
    steps, after = next_part(lesson, walk.position)
    carrier = await _next_carrier(context, walk)
    posts: list[Post] = []
    asking = render_group.Asking(settings.quiz_buttons, settings.typed_private)
    pace = await context.storage.pace(walk.id)
    tick_at, countdown = await session_clock.next_tick(context, walk, pace)
    messages = render_group.part_messages(
        lesson, walk, steps, after, _bot_username(context), asking, countdown
    )
    closes_at = iso_utc(tick_at) if countdown is not None and tick_at is not None else None
    for index, (step, message) in enumerate(messages):
        refused: TelegramError | None = None
        if isinstance(message, QuizPoll) and message.open_period and tick_at is not None:
            message = replace(message, open_period=_seconds_until(tick_at))
        try:
            sent = await send_to_group(context, walk, message)
        except TelegramError as error:
            sent, refused = None, error
        if sent is None:  # refused, or paused: the bot may not post here any more
            # What was posted counts (answers to it are kept); /next posts the rest. A
            # stop's cut is no refusal (it is raised): a running clock's tick is due now,
            # from there, and the move is owed (``post_next_part``): the next start posts
            # the rest by itself.
            if posts:
                cut_at = iso_utc(datetime.now(UTC)) if isinstance(refused, NotSent) else None
                await context.storage.record_part(
                    walk,
                    walk.position + steps.index(step),
                    posts,
                    tick_at=cut_at if tick_at is not None else None,
                )
            if isinstance(refused, NotSent):
                raise refused
            if refused is not None:
                await tell_cannot_post(context, walk, refused)
            return
        last = index == len(messages) - 1
        post = _post_of(sent, walk, lesson, step, steps.index(step), last, asking)
        posts.append(replace(post, closes_at=closes_at) if post.question_id else post)
    await _moved_past(context, lesson, walk, after, posts, tick_at, carrier)


def _seconds_until(moment: datetime) -> int:
    """A poll's open_period to close at ``moment`` (Telegram takes 5 s at least)."""
    return max(pacing.MIN_PACE, math.ceil((moment - datetime.now(UTC)).total_seconds()))


async def _moved_past(
    context: BotContext,
    lesson: Lesson,
    walk: Walk,
    after: int,
    posts: list[Post],
    tick_at: datetime | None,
    carrier: Post | None,
) -> None:
    """A part posted whole: the session moves past it (a paced one's next tick planned in
    the same transaction, then armed), and the older part's Next button goes."""
    planned = iso_utc(tick_at) if tick_at is not None else None
    moved = await context.storage.record_part(walk, after, posts, tick_at=planned)
    if moved is not None and tick_at is not None:
        session_clock.arm(context.job_queue, walk.id, after, tick_at)
    if moved is not None and carrier:
        # ``moved`` has the session's chat id as it is now, should the group have been
        # upgraded to a supergroup while this part was being sent.
        await _drop_next_button(context, lesson, moved, carrier)


async def _post_digests(context: BotContext, walk: Walk, lesson: Lesson) -> bool:
    """The digests of the debate questions the session moves past now (the part posted
    last), before what comes next; False if the group could not be posted to. A stop's
    cut (``NotSent``) leaves them owed (``digests.owe``) and is raised: the move, or the
    close, is owed."""
    due = await digests.due(context.storage, walk, current_questions(lesson, walk))
    for index, digest in enumerate(due):
        for n, message in digest.posting():
            try:
                if await send_to_group(context, walk, message) is None:
                    return False
            except NotSent:
                await digests.owe(context.storage, walk, digest, n, due[index + 1 :])
                raise
            except TelegramError as error:
                await tell_cannot_post(context, walk, error)
                return False
    return True


def _post_of(
    sent: Message,
    walk: Walk,
    lesson: Lesson,
    step: object,
    offset: int,
    last: bool,
    asking: render_group.Asking,
) -> Post:
    """What a sent message stands for: its step, question, options shown and kind."""
    question = step.question if isinstance(step, QuestionStep) else None
    section = step.number if isinstance(step, SectionStep) else None
    return Post(
        sent.chat_id,
        sent.message_id,
        walk.id,
        walk.position + offset,
        question.id if question is not None else None,
        sent.poll.id if sent.poll is not None else None,
        last,
        section,
        shown_options(question, group_seed(walk.id))
        if isinstance(question, ChoiceQuestion)
        else None,
        kind=kind_of(lesson, question, quiz_buttons=asking.quiz_buttons)
        if question is not None
        else "section",
    )


async def post_model_answers(
    context: BotContext,
    walk: Walk,
    lesson: Lesson,
    settings: group_settings.GroupSettings,
) -> bool:
    """As the session moves on (the next part, or the close), the model answers of the short
    questions just asked, when the group's setting says so; once per move (a /next that
    posts the rest of a part cut short posts none). False if the bot may not post. A stop's
    refusal (``NotSent``) is raised, for the move (or the close) to be owed: the next one
    posts those not posted yet, their posts counted."""
    step = step_at(lesson, walk.position)
    if isinstance(step, QuestionStep) and step.part != 0 and walk.position > 0:
        before = step_at(lesson, walk.position - 1)
        if isinstance(before, QuestionStep) and before.part == step.part:
            return True  # in the middle of a part: the rest of it is still to post
    questions = [
        q
        for q in current_questions(lesson, walk)
        if isinstance(q, ShortQuestion) and q.model_answer
    ]
    if not settings.model_answers or not questions:
        return True
    posts = await context.storage.posts_of_walk(walk.id)
    # Those posted before a stop's cut are not again (all of them: a /next again).
    posted = sum(_is_model_answers(post, walk) for post in posts)
    for message in render_group.model_answers(questions)[posted:]:
        try:
            sent = await send_to_group(context, walk, message)
        except NotSent:
            raise
        except TelegramError as error:  # they are an extra: the session goes on without
            log.warning("could not post model answers in chat %s: %s", walk.chat_id, error)
            return True
        if sent is None:
            return False  # the bot may not post here: the session is paused
        post = Post(sent.chat_id, sent.message_id, walk.id, walk.position, kind="section")
        await context.storage.record_posts([post])
    return True


def _is_model_answers(post: Post, walk: Walk) -> bool:
    """A message of model answers: posted at the walk's position, a section's kind without
    a section (so a reply to it is told it asks for no answer)."""
    return (
        post.position == walk.position
        and post.kind == "section"
        and post.section is None
        and post.question_id is None
    )


async def _on_current_version(context: BotContext, walk: Walk, lesson: Lesson) -> Walk:
    """A session begun on an earlier version of an edited lesson goes on after the last
    step it posted, found by question id or section number in the current version."""
    posts = await context.storage.posts_of_walk(walk.id)
    questions = {p.question_id for p in posts if p.question_id}
    sections = {p.section for p in posts if p.section is not None}
    position = group_realigned_position(lesson, questions, sections)
    return await context.storage.rebase_walk(walk, position, lesson.version) or walk


async def _next_carrier(context: BotContext, walk: Walk) -> Post | None:
    return next((p for p in await context.storage.posts_of_walk(walk.id) if p.carries_next), None)


async def _drop_next_button(
    context: BotContext, lesson: Lesson | None, walk: Walk, post: Post
) -> None:
    """Only the latest part shows Next: take it off the message that had it."""
    if post.chat_id != walk.chat_id:
        return  # posted before the group became a supergroup: that chat is gone
    keyboard = None
    if lesson is not None and post.position >= 0:
        step = step_at(lesson, post.position)
        as_buttons = post.kind in ("buttons", "ticks")  # as it was posted
        keyboard = render_group.keyboard_without_next(
            lesson, step, walk, _bot_username(context), as_buttons=as_buttons
        )
    await outbox.try_set_keyboard(context.bot, post.chat_id, post.message_id, keyboard)


def _closed(post: Post) -> bool:
    """A paced session's quiz poll past its time: Telegram has closed it (stopping it
    would only spend the group's messages a minute on a refusal)."""
    return post.closes_at is not None and datetime.now(UTC) >= datetime.fromisoformat(
        post.closes_at
    )


async def end(context: BotContext, walk: Walk, lesson: Lesson | None) -> None:
    """Close a session: no more answers, quiz polls stopped, a summary for the group."""
    ended = await context.storage.set_walk_status(walk.id, "finished")
    if ended is None:
        return
    session_clock.disarm(context.job_queue, walk.id)
    context.bot_data.advancing.pop(walk.id, None)
    posts = await context.storage.posts_of_walk(walk.id)
    for post in posts:
        if post.carries_next:
            await _drop_next_button(context, lesson, walk, post)
        if post.poll_id is not None and post.chat_id == walk.chat_id and not _closed(post):
            await outbox.try_stop_poll(context.bot, post.chat_id, post.message_id)
    if lesson is None:
        return
    settings = await group_settings.settings_of(context.storage, walk.chat_id)
    try:
        if not await _post_digests(context, ended, lesson):
            return
        if not await post_model_answers(context, ended, lesson, settings):
            return
    except NotSent:  # the bot is stopping: the rest of the close at the next start
        await context.storage.owe_summary(ended.id, 0)
        return
    await _post_summary(context, ended, lesson, posts)


async def _post_summary(
    context: BotContext, ended: Walk, lesson: Lesson, posts: list[Post], first: int = 0
) -> bool:
    """The closing summary of a finished session, then the top five where the group has
    it on; ``first``: made good at a start (``_made_good``), from that message on (those
    before went out). False: a stop refused it (``NotSent``), noted from the first
    message not posted for the next start (``make_good``)."""
    answers = await context.storage.standing_answers(ended.id)
    results = session_results(lesson, answers, asked_in(posts))
    summary = render_group.session_summary(lesson, results)
    board = await digests.top_five(context.storage, ended.chat_id, "walk", ended.id)
    messages: list[GroupMessage] = [*summary, *([board] if board is not None else [])]
    for n, message in list(enumerate(messages))[first:]:
        try:
            if await send_to_group(context, ended, message) is None:
                return True  # the bot may no longer post there
        except NotSent:  # the bot is stopping: the rest at the next start
            await context.storage.owe_summary(ended.id, n)
            return False
        except TelegramError as error:
            await tell_cannot_post(context, ended, error)  # closed all the same
            return True
    return True


async def _made_good(
    context: BotContext, walk: Walk, lesson: Lesson, posts: list[Post], first: int
) -> bool:
    """A close a stop cut short, made good in a close's order: a line on why it comes late,
    the digests the stop refused (owed: ``_post_digests``), the model answers not posted
    (counted by their posts), then the summary from message ``first`` on. False: refused
    by a stop again, and owed again."""
    settings = await group_settings.settings_of(context.storage, walk.chat_id)
    try:
        if await send_to_group(context, walk, render_group.summary_delayed()) is None:
            return True  # the bot may no longer post there
        if not await _post_digests(context, walk, lesson):
            return True
        if not await post_model_answers(context, walk, lesson, settings):
            return True
    except NotSent:
        await context.storage.owe_summary(walk.id, first)
        return False
    except TelegramError as error:
        await tell_cannot_post(context, walk, error)
        return True
    return await _post_summary(context, walk, lesson, posts, first)


async def make_good_at_start(application: BotApplication) -> None:
    """At start: if the last stop refused a session's closing summary (``_post_summary``),
    a job posts it as soon as the bot runs."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    if await storage.owed_summaries() and application.job_queue is not None:
        application.job_queue.run_once(make_good, 0, name="post summaries a stop left owed")


async def make_good(context: BotContext) -> None:
    """The closing summaries a stop refused, each posted now from its first message not
    posted (and the digests and model answers it refused before it), after a line saying
    why it comes late. Once: the notes are taken before posting (a crash meanwhile loses
    them, never doubles them), and noted again if this start is stopped too."""
    posted: list[bool] = []
    for walk, first in await context.storage.take_owed_summaries():
        lesson = context.catalog.get(walk.lesson_id)
        if lesson is None:
            log.warning("session %s's summary owed; its lesson %s is gone", walk.id, walk.lesson_id)
            continue
        posts = await context.storage.posts_of_walk(walk.id)
        # A job: the group's language is said, not taken from around it (bot/i18n.py).
        with i18n.speaking(await i18n.language_of_chat(context.storage, walk.chat_id)):
            posted.append(await _made_good(context, walk, lesson, posts, first))
    if posted:
        log.info(
            "made good at start: summaries of group sessions posted late: %s (%s owed again)",
            sum(posted),
            len(posted) - sum(posted),
        )
