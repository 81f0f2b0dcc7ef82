"""Homework in a group: /assign (moderators), /assignments, /timezone; and, in a private
chat, the button that starts the homework instead of the lesson in progress. Start itself
(``/start h<id>``) is dispatched by ``bot.handlers.lesson`` to ``bot.homework``."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks, deadlines, homework, outbox, reminders, texts, timezones
from bot.callbacks import SwitchHomework
from bot.context import BotContext
from bot.lessons import Lesson
from bot.moderation import allowed_or_refused, moderators_only
from bot.render import assignments as render
from bot.render.markup import Reply
from bot.storage.records import iso_utc

LATE = "late"


async def _reply(update: Update, reply: Reply) -> Message:
    assert update.effective_message is not None
    return await outbox.reply_to(update.effective_message, reply)


def _lesson_and_rest(context: BotContext, words: list[str]) -> tuple[Lesson | None, list[str]]:
    """The lesson named first (or the only one there is), and the words after it."""
    if words and (named := context.catalog.get(words[0].casefold())) is not None:
        return named, words[1:]
    if len(context.catalog) == 1:
        return context.catalog.lessons[0], words
    return None, words


@moderators_only
async def assign(update: Update, context: BotContext) -> None:
    """/assign [lesson-id] <deadline> [late]: one assignment message with Start."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    words = list(context.args or [])
    late = bool(words) and words[-1].casefold() == LATE
    if late:
        words = words[:-1]
    lesson, rest = _lesson_and_rest(context, words)
    if lesson is None:
        await _reply(update, render.which_lesson(context.catalog) if words else render.usage())
        return
    if not rest:
        await _reply(update, render.usage())
        return
    zone = await homework.zone_of(context, chat.id)
    now = homework.now_utc()
    try:
        deadline = deadlines.parse(" ".join(rest), now, zone)
    except deadlines.DeadlineError as error:
        await _reply(update, render.deadline_problem(error, zone))
        return
    assignment = await context.storage.create_assignment(
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.effective_name,
        lesson_id=lesson.id,
        deadline=iso_utc(deadline),
        late=late,
        created_by=user.id,
        created_by_name=user.full_name,
    )
    post = render.assignment_post(lesson, assignment, zone, now, context.bot.username)
    thread = message.message_thread_id if message.is_topic_message else None
    sent = await outbox.send(context.bot, chat.id, post, thread)
    await context.storage.set_assignment_message(assignment.id, sent.message_id)
    homework.schedule_close(context.job_queue, assignment)
    await reminders.plan(context, assignment)


async def list_open(update: Update, context: BotContext) -> None:
    """/assignments: the group's open homework, soonest deadline first."""
    chat = update.effective_chat
    assert chat is not None
    zone = await homework.zone_of(context, chat.id)
    items = [
        (
            assignment,
            context.catalog.get(assignment.lesson_id),
            await context.storage.assignment_progress(assignment.id),
        )
        for assignment in await context.storage.open_assignments(chat.id)
    ]
    await _reply(update, render.open_list(items, zone, homework.now_utc()))


async def timezone(update: Update, context: BotContext) -> None:
    """/timezone shows the group's time zone; /timezone <Area/City> sets it (moderators)."""
    chat = update.effective_chat
    assert chat is not None
    now = homework.now_utc()
    if not context.args:
        await _reply(
            update,
            render.timezone_shown(await homework.zone_of(context, chat.id), now, changed=False),
        )
        return
    if not await allowed_or_refused(update, context):
        return
    typed = " ".join(context.args)
    try:
        name = timezones.canonical(typed)
    except timezones.UnknownZone as error:
        await _reply(update, render.timezone_unknown(error.name, error.suggestions))
        return
    await context.storage.set_chat_timezone(chat.id, chat.type, chat.effective_name, name)
    await _reply(update, render.timezone_shown(timezones.zone(name), now, changed=True))


def is_homework_button(data: object) -> bool:
    """The callback data of "Start the homework" (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(callbacks.decode(data), SwitchHomework)


async def on_homework_button(update: Update, context: BotContext) -> None:
    """The student chose the homework over the lesson in progress (in their private chat)."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and user is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, SwitchHomework)  # the pattern
    if chat is None or chat.type != "private":
        await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    await outbox.popup(query)
    if isinstance(query.message, Message):
        await outbox.drop_keyboard(query.message)
    await homework.switch_confirmed(context, chat, user, action.assignment_id)
