"""A student's attempt at a lesson in their private chat: begun, and each step shown.

The lesson handlers and the answer handlers both show "what comes next" through here, so
neither imports the other. Each question's message is kept as a post (with the options
it shows), which is how its buttons and replies are matched to it later.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, User
from telegram.error import TelegramError

from bot import homework_post, i18n, outbox
from bot.answering import discussion as discussing
from bot.answering import private as answering
from bot.context import BotApplication, BotContext
from bot.discussion import before_id
from bot.lessons import DebateQuestion, Lesson
from bot.render import discussion as render_discussion
from bot.render import private as render
from bot.render.glossary import with_words
from bot.send_budget import NotSent
from bot.storage import Post, Walk
from bot.walk import EndStep, QuestionStep, SectionStep, step_at

log = logging.getLogger(__name__)


async def leave_group_question(context: BotContext, chat_id: int) -> None:
    """Back to their own lesson (or to /start): a group's question opened here from its
    link and left unanswered must no longer take the next typed message."""
    if await context.storage.private_prompt(chat_id) is not None:
        await context.storage.clear_private_prompt(chat_id)


# Posts whose buttons a later copy of the same step replaces.
_WITH_BUTTONS = ("section", "buttons", "ticks", "stances")


async def show_step(context: BotContext, lesson: Lesson, walk: Walk) -> None:
    """Send what the walk's current step looks like: a section, a question or the summary.
    Shown again (Continue in /lessons, /start), the older copy loses its buttons: one step,
    one set of live buttons."""
    await leave_group_question(context, walk.chat_id)
    step = step_at(lesson, walk.position)
    bot, chat_id = context.bot, walk.chat_id
    older = await answering.shown_at(context.storage, walk)
    before = await discussing.pending_before(context.storage, lesson, walk)
    if before is not None:  # right after Begin: a stance before the reading (issue 14)
        sent = await outbox.send(bot, chat_id, render_discussion.before_question(before, walk))
        post = Post(
            chat_id, sent.message_id, walk.id, walk.position, before_id(before.id), kind="stances"
        )
        await context.storage.record_posts([post])
    elif isinstance(step, SectionStep):
        keyboard = with_words(render.continue_keyboard(walk, walk.position), lesson, step.number)
        for reply in render.section_messages(lesson, step, keyboard):
            sent = await outbox.send(bot, chat_id, reply)
        await answering.read_shown(context.storage, walk, step.number, sent.message_id)
    elif isinstance(step, QuestionStep):
        asked = await outbox.send(bot, chat_id, render.question_message(step, walk))
        await answering.asked(context.storage, walk, step, asked.message_id)
        if isinstance(step.question, DebateQuestion) and walk.user_id is not None:
            question = step.question
            earlier = await context.storage.current_answer(walk.id, walk.user_id, question.id)
            if await discussing.counter_pending(context.storage, walk, question, walk.user_id):
                await outbox.send(bot, chat_id, render_discussion.ask_counter(question))
            elif earlier is not None and earlier.stance:
                await outbox.send(bot, chat_id, render.ask_reason(earlier.stance))
    elif isinstance(step, EndStep):
        answers = await context.storage.current_answers(walk.id, walk.user_id)
        for reply in render.summary_messages(lesson, answers):
            await outbox.send(bot, chat_id, reply)
        if (assignment_id := await context.storage.walk_assignment(walk.id)) is not None:
            # Homework finished: the group's assignment message will count it.
            await homework_post.counts_changed(context.storage, context.job_queue, assignment_id)
    if older is not None and older.kind in _WITH_BUTTONS:
        # A part's older copy keeps 📖 Words: its words are still worth a look.
        keep = with_words(None, lesson, older.section) if older.section else None
        await outbox.try_set_keyboard(bot, older.chat_id, older.message_id, keep)


async def resume(context: BotContext, lesson: Lesson, walk: Walk, asked_at: int) -> None:
    """/start (message ``asked_at``) with a lesson in progress: where they stopped. If that
    step's message is the last one in the chat (message ids in a private chat count up
    one by one), it is not sent a second time in a row: it is just above."""
    shown = await answering.shown_at(context.storage, walk)
    if shown is not None and asked_at - shown.message_id == 1:
        await outbox.send(context.bot, walk.chat_id, render.welcome_back_above(lesson))
        await leave_group_question(context, walk.chat_id)
        return
    await outbox.send(context.bot, walk.chat_id, render.welcome_back(lesson))
    await show_step(context, lesson, walk)  # which leaves a group's question too


async def show_next(context: BotContext, walk_id: int) -> None:
    """After an answer moved the walk on: its step now (the summary once it finished)."""
    moved = await context.storage.walk(walk_id)
    lesson = context.catalog.get(moved.lesson_id) if moved is not None else None
    if moved is not None and lesson is not None:
        await show_step(context, lesson, moved)


async def begin(
    context: BotContext, chat: Chat, user: User, lesson: Lesson, assignment_id: int | None = None
) -> None:
    """A new attempt (an attempt in progress in this chat is abandoned by storage);
    ``assignment_id``: the homework it is for, whose answers count for the group."""
    walk = await context.storage.start_walk(
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.effective_name,
        audience="private",
        user_id=user.id,
        lesson_id=lesson.id,
        lesson_version=lesson.version,
        assignment_id=assignment_id,
    )
    await show_step(context, lesson, walk)


# --- after a stop that left replies unsent ------------------------------------------------


async def make_good_at_start(application: BotApplication) -> None:
    """At start: if the last stop left students without a reply (``bot.poller``), a job
    makes it good as soon as the bot runs."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    if await storage.owed_replies() and application.job_queue is not None:
        application.job_queue.run_once(make_good, 0, name="make good what a stop left unsent")


async def make_good(context: BotContext) -> None:
    """Each private chat a stop left owed a reply, after its update's answer or move was
    committed, gets the step its lesson stands at now, after a line saying why it comes
    late: the reply itself cannot be rebuilt (handling the update again would only say
    "already answered"), and the step is what the student needs to go on. No lesson in
    progress: a line asking for the last message again. Once per chat: crossed off when sent
    (or when Telegram refuses the chat), kept for the next start if this one is stopped."""
    owed = await context.storage.owed_replies()
    await asyncio.gather(*(_make_good(context, chat_id) for chat_id in owed))


async def _make_good(context: BotContext, chat_id: int) -> None:
    storage = context.storage
    try:
        with i18n.speaking(await i18n.language_of_user(storage, chat_id)):
            current = await answering.current_attempt(storage, context.catalog, chat_id)
            if current is None or await storage.private_prompt(chat_id) is not None:
                await outbox.send(context.bot, chat_id, render.restarted(None))
            else:
                walk, lesson = current
                await outbox.send(context.bot, chat_id, render.restarted(lesson))
                await show_step(context, lesson, walk)
    except NotSent:
        return  # stopped again meanwhile: the next start
    except TelegramError as error:  # blocked, gone: nothing more to do for this chat
        log.info("could not send chat %s what the last stop left unsent: %s", chat_id, error)
    await storage.reply_made_good(chat_id)
