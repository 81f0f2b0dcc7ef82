"""A group's session as its moderators run it: /begin (or a lesson button), /next (or the
Next button), /end, and /status for everyone; and the commands sent to the wrong kind of
chat. ``bot.sessions`` does the posting, ``bot.session_clock`` stops and starts a paced
session's clock (/pause, /resume); moderator rights are checked by the ``moderators_only``
decorator (commands) and ``allowed_or_refused`` (buttons)."""

from __future__ import annotations

from datetime import datetime

from telegram import Message, Update

from bot import (
    callbacks,
    group_settings,
    homework,
    i18n,
    outbox,
    pacing,
    session_clock,
    sessions,
    texts,
)
from bot.callbacks import GroupBegin, GroupBeginPaced, GroupEnd, GroupNext, command_of
from bot.context import BotContext
from bot.lessons import Lesson
from bot.moderation import allowed_or_refused, is_moderator, moderators_only
from bot.pacing import PaceError
from bot.render import group as render_group
from bot.render import pace as render_pace
from bot.render import replies
from bot.render.markup import Reply
from bot.storage import Walk
from bot.storage.paces import Pace


async def _reply(update: Update, reply: Reply) -> None:
    message = update.effective_message
    if message is not None:
        await outbox.reply_to(message, reply)


async def _short_lived(update: Update, context: BotContext, reply: Reply) -> None:
    """A reply to one member (/status, a command for elsewhere) that deletes itself after a
    minute, so that the group's conversation stays readable."""
    message = update.effective_message
    if message is not None:
        await outbox.reply_short_lived(message, reply, context.job_queue)


@moderators_only
async def begin(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    session = await context.storage.open_walk(chat.id)
    if session is not None:
        await _resume_or_refuse(update, context, session)
        return
    try:  # /begin [lesson-id] [pace <duration>]
        asked = pacing.parse_begin(context.args or [])
    except PaceError as error:
        await _reply(update, render_pace.pace_refused(error))
        return
    catalog = context.catalog
    if asked.lesson_id is not None:
        lesson = catalog.get(asked.lesson_id)
        if lesson is None:
            await _reply(update, replies.no_such_lesson(asked.lesson_id, catalog))
            return
    elif len(catalog) == 1:
        (lesson,) = catalog.lessons
    elif len(catalog) == 0:
        await _reply(update, Reply(texts.NO_LESSONS))
        return
    else:
        await _reply(update, render_group.lesson_menu(catalog, asked.pace))
        return
    if await _too_fast(update, context, lesson, asked.pace):
        return
    await _start(update, context, lesson, asked.pace)


async def _too_fast(update: Update, context: BotContext, lesson: Lesson, pace: int | None) -> bool:
    """A pace at which the lesson would break the group's flood limit: refused, naming the
    fastest that fits. What the group's settings post on each move (model answers, digests,
    the top five) counts too."""
    chat = update.effective_chat
    if pace is None or chat is None:
        return False
    settings = await group_settings.settings_of(context.storage, chat.id)
    switches = await context.storage.group_switches(chat.id)
    extras = render_pace.Extras(settings.model_answers, switches.digest, switches.leaderboard)
    fastest = pacing.fastest_pace(render_pace.bursts(lesson, extras))
    if pace >= fastest:
        return False
    await _reply(update, render_pace.too_fast(lesson, pace, fastest))
    return True


async def _resume_or_refuse(update: Update, context: BotContext, session: Walk) -> None:
    lesson = context.catalog.get(session.lesson_id)
    if session.status == "paused":
        await sessions.resume(context, session)
        await _reply(update, replies.session_resumed(lesson, session.lesson_id))
    else:
        await _reply(update, replies.session_already_running(lesson, session.lesson_id))


async def _start(
    update: Update, context: BotContext, lesson: Lesson, pace: int | None = None
) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None
    # Begun in a forum topic, the session runs there.
    topic = message.message_thread_id if message and message.is_topic_message else None
    await sessions.start(
        context,
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.title,
        user_id=user.id,
        topic=topic,
        lesson=lesson,
        pace=pace,
    )


async def _open_session(update: Update, context: BotContext) -> Walk | None:
    """The group's open session; None, the moderator told so, when none runs."""
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.open_walk(chat.id)
    if walk is None:
        await _no_session(update, context, chat.id)
    return walk


async def _clocked_session(update: Update, context: BotContext) -> tuple[Walk, Pace] | None:
    """/pause's and /resume's session and its clock; None, the moderator told so, when no
    session runs or it has no clock."""
    walk = await _open_session(update, context)
    if walk is None:
        return None
    pace = await context.storage.pace(walk.id)
    if pace is None:
        await _reply(update, render_pace.no_clock())
        return None
    return walk, pace


async def _no_session(update: Update, context: BotContext, chat_id: int) -> None:
    """No session runs: one that closed a moment ago says so (its results are saved)."""
    closed = await sessions.recently_closed(context, chat_id)
    if closed is None:
        await _reply(update, Reply(texts.GROUP_NO_SESSION))
        return
    walk, minutes = closed
    lesson = context.catalog.get(walk.lesson_id)
    await _reply(update, render_group.just_closed(lesson, walk, minutes))


@moderators_only
async def next_command(update: Update, context: BotContext) -> None:
    walk = await _open_session(update, context)
    if walk is None:
        return
    if walk.status == "paused":
        await _reply(update, render_group.paused(context.catalog.get(walk.lesson_id), walk))
        return
    await sessions.next_or_confirm(context, walk)


@moderators_only
async def end(update: Update, context: BotContext) -> None:
    walk = await _open_session(update, context)
    if walk is None:
        return
    await sessions.end(context, walk, context.catalog.get(walk.lesson_id))


async def status(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.open_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if walk is None or lesson is None:
        await _short_lived(update, context, Reply(texts.GROUP_NO_SESSION))
        return
    members = await context.storage.member_count(walk.id)
    missing = None
    if await is_moderator(update, context):  # names only for those who run the session
        missing = await sessions.still_to_answer(context, walk, lesson)
    pace = await context.storage.pace(walk.id)
    clock = ""
    if pace is not None:
        clock = render_pace.status_line(pace, await homework.zone_of(context, chat.id))
    await _short_lived(update, context, render_group.status(lesson, walk, members, missing, clock))


@moderators_only
async def pause(update: Update, context: BotContext) -> None:
    """/pause: a paced session's clock stops (/next still posts the next part)."""
    clocked = await _clocked_session(update, context)
    if clocked is None:
        return
    walk, _ = clocked
    if await session_clock.stop(context, walk) is None:
        await _reply(update, render_pace.already_stopped())
    else:
        await _reply(update, render_pace.stopped())


@moderators_only
async def resume(update: Update, context: BotContext) -> None:
    """/resume: a paced session's clock runs again, the next part one pace from now."""
    clocked = await _clocked_session(update, context)
    if clocked is None:
        return
    walk, pace = clocked
    zone = await homework.zone_of(context, walk.chat_id)
    if walk.status == "paused":  # the bot could not post: /begin resumes the session
        await _reply(update, render_group.paused(context.catalog.get(walk.lesson_id), walk))
    elif not pace.paused and pace.next_tick_at is not None:
        at = datetime.fromisoformat(pace.next_tick_at)
        await _reply(update, render_pace.running(at, zone))
    else:
        started = await session_clock.start(context, walk)
        if started is not None:
            await _reply(update, render_pace.resumed(started[1], zone, pace.seconds))


async def group_help(update: Update, context: BotContext) -> None:
    """/start or /help in a group: what the bot does here."""
    await _reply(update, Reply(texts.GROUP_HELP))


async def private_only_command(update: Update, context: BotContext) -> None:
    """/lessons, /myanswers… sent in a group: they work in a private chat with the bot."""
    message = update.effective_message
    assert message is not None
    command = command_of(message.text)
    await _short_lived(update, context, render_group.private_only(command, context.bot.username))


async def group_only_command(update: Update, context: BotContext) -> None:
    """/begin, /next, /end, /status sent privately: they run a group's session."""
    message = update.effective_message
    assert message is not None
    await _reply(update, replies.command_elsewhere(command_of(message.text)))


# --- moderator buttons --------------------------------------------------------------------


def is_session_button(data: object) -> bool:
    """The callback data of a moderator's button (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(
        callbacks.decode(data), GroupBegin | GroupBeginPaced | GroupNext | GroupEnd
    )


async def on_session_button(update: Update, context: BotContext) -> None:
    """A lesson chosen for a new session, or Next. Only in a group, only for moderators."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, GroupBegin | GroupBeginPaced | GroupNext | GroupEnd)  # the pattern
    if chat.type == "private":  # forged: a session runs in a group
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if not await allowed_or_refused(update, context):
        return
    if isinstance(action, GroupBegin | GroupBeginPaced):
        await _begin_button(update, context, action)
    elif isinstance(action, GroupEnd):
        await _end_button(update, context, action)
    else:
        await _next_button(update, context, action)


async def _begin_button(
    update: Update, context: BotContext, action: GroupBegin | GroupBeginPaced
) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    pace = action.seconds if isinstance(action, GroupBeginPaced) else None
    if pace is not None and not pacing.MIN_PACE <= pace <= pacing.MAX_PACE:
        with i18n.to_presser():  # forged
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    lesson = context.catalog.get(action.lesson_id)
    if lesson is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_LESSON, show_alert=True)
        return
    if await context.storage.open_walk(chat.id) is not None:
        with i18n.to_presser():
            await outbox.popup(query, texts.GROUP_ALREADY_RUNNING_POPUP, show_alert=True)
        return
    await outbox.popup(query)
    if await _too_fast(update, context, lesson, pace):
        return  # the menu stays: another lesson may fit that pace
    if isinstance(query.message, Message):
        await outbox.set_keyboard(query.message, None)
    await _start(update, context, lesson, pace)


async def _next_button(update: Update, context: BotContext, action: GroupNext) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    walk = await context.storage.walk(action.walk_id)
    if walk is None or walk.chat_id != chat.id:
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if walk.status != "active":
        with i18n.to_presser():
            closed = texts.SESSION_PAUSED if walk.status == "paused" else texts.GROUP_SESSION_ENDED
            await outbox.popup(query, closed, show_alert=True)
        return
    if walk.position != action.position:
        with i18n.to_presser():
            await outbox.popup(query, texts.GROUP_ALREADY_POSTED, show_alert=True)
        return
    await outbox.popup(query)
    await sessions.next_or_confirm(context, walk)


async def _end_button(update: Update, context: BotContext, action: GroupEnd) -> None:
    """The session closed, confirmed (asked after its last part)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    walk = await context.storage.walk(action.walk_id)
    if walk is None or walk.chat_id != chat.id or walk.audience != "group":
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if walk.status not in ("active", "paused"):
        with i18n.to_presser():
            await outbox.popup(query, texts.GROUP_SESSION_ENDED)
        return
    await outbox.popup(query)
    if isinstance(query.message, Message):
        await outbox.drop_keyboard(query.message)
    await sessions.end(context, walk, context.catalog.get(walk.lesson_id))
