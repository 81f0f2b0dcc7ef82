"""Homework in a group: /assign (moderators), /assignments, /timezone; and, in a private
chat, the button that starts the homework instead of the lesson in progress. Start itself
(``/start h<id>``) is dispatched by ``bot.handlers.lesson`` to ``bot.homework``."""

from __future__ import annotations

from telegram import Chat, Message, Update

from bot import callbacks, deadlines, homework, i18n, outbox, reminders, texts, timezones
from bot.callbacks import (
    AssignPick,
    HomeworkClose,
    HomeworkCloseAnswer,
    HomeworkExtend,
    SwitchHomework,
)
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
    """/assign [lesson-id] <deadline> [late]: one assignment message with Start; without a
    lesson id when there are several, buttons to pick it (the deadline kept in a draft)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    words = list(context.args or [])
    late = bool(words) and words[-1].casefold() == LATE
    if late:
        words = words[:-1]
    lesson, rest = _lesson_and_rest(context, words)
    if not rest:
        await _reply(update, render.usage())
        return
    zone = await homework.zone_of(context, chat.id)
    now = homework.now_utc()
    try:
        deadline = deadlines.parse(" ".join(rest), now, zone)
    except deadlines.DeadlineError as error:
        if lesson is None:  # perhaps a lesson id mistyped: which lessons there are
            await _reply(update, render.which_lesson(context.catalog))
        else:
            await _reply(update, render.deadline_problem(error, zone))
        return
    thread = message.message_thread_id if message.is_topic_message else None
    if lesson is None:
        draft = await context.storage.create_assignment_draft(
            chat_id=chat.id,
            user_id=user.id,
            user_name=user.full_name,
            deadline=iso_utc(deadline),
            late=late,
            thread_id=thread,
        )
        await _reply(
            update, render.pick_lesson(context.catalog, draft, deadline, zone, user.full_name)
        )
        return
    await _give(context, chat, user.id, user.full_name, lesson, iso_utc(deadline), late, thread)


async def _give(
    context: BotContext,
    chat: Chat,
    user_id: int,
    user_name: str,
    lesson: Lesson,
    deadline: str,
    late: bool,
    thread: int | None,
) -> None:
    """The assignment made, its message posted, its close planned."""
    assignment = await context.storage.create_assignment(
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.effective_name,
        lesson_id=lesson.id,
        deadline=deadline,
        late=late,
        created_by=user_id,
        created_by_name=user_name,
    )
    zone = await homework.zone_of(context, chat.id)
    post = render.assignment_post(
        lesson, assignment, zone, homework.now_utc(), context.bot.username
    )
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
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    await outbox.popup(query)
    if isinstance(query.message, Message):
        await outbox.drop_keyboard(query.message)
    await homework.switch_confirmed(context, chat, user, action.assignment_id)


# --- the assignment message's buttons (moderators), and the lesson picked for /assign -----


def is_manage_button(data: object) -> bool:
    """Extend 1 day, Close now and its question's answer, or a lesson picked for /assign
    (``app`` routes by it)."""
    return isinstance(data, str) and isinstance(
        callbacks.decode(data), HomeworkExtend | HomeworkClose | HomeworkCloseAnswer | AssignPick
    )


async def on_manage_button(update: Update, context: BotContext) -> None:
    """A moderator's button in a group; anyone else gets a pop-up refusal. What the data
    names is checked against the database: the assignment (or draft) of this chat."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    action = callbacks.decode(query.data)
    if chat is None or chat.type == "private":
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if not await allowed_or_refused(update, context):
        return
    if isinstance(action, AssignPick):
        await _lesson_picked(update, context, action)
    elif isinstance(action, HomeworkExtend):
        with i18n.to_presser():  # the pop-up's words: the deadline is read, then worded
            said, moved = await homework.extend(
                context, chat.id, action.assignment_id, action.deadline
            )
            await outbox.popup(query, said, show_alert=not moved)
        if moved:
            await homework.show_message(context, action.assignment_id)
            await _replan_reminders(context, action.assignment_id)
    elif isinstance(action, HomeworkClose):
        await _close_pressed(update, context, action)
    elif isinstance(action, HomeworkCloseAnswer):
        await _close_answered(update, context, action)


async def _close_pressed(update: Update, context: BotContext, action: HomeworkClose) -> None:
    """Close now asks first, under the assignment message (a mis-tap must not end it for
    all), one question at a time: pressed again while it is open, a pop-up points to it."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    with i18n.to_presser():
        refusal = await homework.close_refusal(context, chat.id, action.assignment_id)
        if refusal is not None:
            await outbox.popup(query, refusal, show_alert=True)
            return
    assignment = await context.storage.assignment(action.assignment_id)
    if assignment is None or not isinstance(query.message, Message):
        await outbox.popup(query)
        return
    asking = await homework.asking_to_close(context, assignment.id)
    with i18n.to_presser():
        if asking is None:  # closed a moment ago
            await outbox.popup(query, texts.ASSIGNMENT_ALREADY_CLOSED, show_alert=True)
            return
        await outbox.popup(query, None if asking.ask else texts.ASSIGNMENT_CLOSE_ASKED)
    await homework.ask_to_close(context, assignment, query.message, asking)


async def _close_answered(update: Update, context: BotContext, action: HomeworkCloseAnswer) -> None:
    """Close now's question answered by a moderator: Yes closes, as the deadline does (once:
    a double tap, or a question answered after the deadline closed it, finds it closed);
    Cancel keeps it open. The question's buttons go either way."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    message = query.message if isinstance(query.message, Message) else None
    assignment = await homework.managed(context, chat.id, action.assignment_id)
    if assignment is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.ASSIGNMENT_NOT_HERE, show_alert=True)
        return
    if assignment.status != "open":
        with i18n.to_presser():
            await outbox.popup(query, texts.ASSIGNMENT_ALREADY_CLOSED, show_alert=True)
        if message is not None:
            await outbox.drop_keyboard(message)
        return
    if not action.confirm:
        await outbox.popup(query)
        if message is not None:  # Close now asks again next time
            await context.storage.close_question_answered(assignment.id, message.message_id)
            await outbox.edit(message, await homework.close_kept(context, assignment))
        return
    with i18n.to_presser():
        await outbox.popup(query, texts.ASSIGNMENT_CLOSING)
    if message is not None:
        await outbox.edit(message, render.close_confirmed())
    answered = message.message_id if message is not None else None
    if await homework.close(context, assignment.id, answered=answered):
        await _replan_reminders(context, assignment.id)  # closed: none left


async def _replan_reminders(context: BotContext, assignment_id: int) -> None:
    """Its reminders planned again from the deadline as stored now (``bot.reminders``
    builds on ``bot.homework``, so the one who moved the deadline asks for it)."""
    assignment = await context.storage.assignment(assignment_id)
    if assignment is not None:
        await reminders.plan(context, assignment)


async def _lesson_picked(update: Update, context: BotContext, action: AssignPick) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    draft = await context.storage.assignment_draft(action.draft_id)
    lesson = context.catalog.get(action.lesson_id)
    if draft is None or draft.chat_id != chat.id or lesson is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.ASSIGN_PICK_GONE, show_alert=True)
        return
    if draft.user_id != user.id:
        with i18n.to_presser():
            await outbox.popup(query, render.pick_not_yours(draft.user_name), show_alert=True)
        return
    taken = await context.storage.take_assignment_draft(draft.id, chat.id)
    if taken is None:  # a double tap: the first one gave it
        with i18n.to_presser():
            await outbox.popup(query, texts.ASSIGN_PICK_GONE, show_alert=True)
        return
    await outbox.popup(query)
    if render.from_iso(taken.deadline) <= homework.now_utc():
        if isinstance(query.message, Message):
            await outbox.edit(query.message, render.pick_past())
        return
    if isinstance(query.message, Message):
        await outbox.edit(query.message, render.picked(lesson))
    await _give(
        context,
        chat,
        taken.user_id,
        taken.user_name,
        lesson,
        taken.deadline,
        taken.late,
        taken.thread_id,
    )
