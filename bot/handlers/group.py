"""Study-group sessions: moderators run a lesson in a group, every member's answers recorded.

Members answer quiz polls, buttons (feedback by pop-up only they see), and replies to a
question's message; nothing is posted in the group per answer, so the chat stays readable.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Message, Update, User
from telegram.error import ChatMigrated, Forbidden, TelegramError

from bot import texts
from bot.answers import (
    as_posted,
    choice_answer,
    stance_answer,
    typed_answer_key,
    written_answer,
)
from bot.callbacks import GroupBegin, GroupNext, GroupPick, PickStance, SubmitChoice
from bot.context import BotContext
from bot.handlers.common import command_of
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.moderation import moderators_only
from bot.popups import popup
from bot.render import group as render_group
from bot.render.group import GroupMessage, QuizPoll
from bot.render.markup import Reply, esc
from bot.results import asked_in, session_results
from bot.storage import Post, Walk
from bot.walk import (
    EndStep,
    QuestionStep,
    SectionStep,
    group_realigned_position,
    next_part,
    step_at,
)

log = logging.getLogger(__name__)


# --- sending ------------------------------------------------------------------------------


async def _send(
    context: BotContext, chat_id: int, message: GroupMessage, thread_id: int | None
) -> Message:
    if isinstance(message, QuizPoll):
        return await context.bot.send_poll(
            chat_id,
            message.question,
            list(message.options),
            is_anonymous=False,  # so that Telegram tells us who answered what
            type="quiz",
            correct_option_ids=[message.correct_option_id],  # type: ignore[list-item]  # < 12
            explanation=message.explanation,
            # Lesson text is plain here: no HTML parsing of the question or explanation.
            question_parse_mode=None,
            explanation_parse_mode=None,
            reply_markup=message.keyboard,
            message_thread_id=thread_id,
        )
    return await context.bot.send_message(
        chat_id, message.text, reply_markup=message.keyboard, message_thread_id=thread_id
    )


async def send_to_group(context: BotContext, walk: Walk, message: GroupMessage) -> Message | None:
    """Send to a session's group; follow a supergroup upgrade once; pause if we may not post."""
    chat_id = walk.chat_id
    try:
        try:
            return await _send(context, chat_id, message, walk.thread_id)
        except ChatMigrated as moved:  # a basic group, so no topics
            await context.storage.migrate_chat(chat_id, moved.new_chat_id)
            return await _send(context, moved.new_chat_id, message, None)
    except Forbidden:
        await context.storage.set_chat_active(chat_id, active=False)
        if walk.status == "active":  # a closing summary leaves a finished session finished
            log.info("may not post in chat %s: session %s paused", chat_id, walk.id)
            await context.storage.set_walk_status(walk.id, "paused")
        return None


async def _tell_cannot_post(context: BotContext, walk: Walk, error: TelegramError) -> None:
    """Say in the group why a part was not (all) posted: a moderator can fix the bot's
    rights and go on. If even this cannot be posted, the log has it."""
    log.warning("could not post in chat %s: %s", walk.chat_id, error)
    with contextlib.suppress(TelegramError):
        await context.bot.send_message(
            walk.chat_id,
            texts.GROUP_CANNOT_POST.format(reason=esc(error.message)),
            message_thread_id=walk.thread_id,
        )


async def _reply(update: Update, reply: Reply) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(reply.text, reply_markup=reply.keyboard)


def _bot_username(context: BotContext) -> str:
    return context.bot.username


# --- commands -----------------------------------------------------------------------------


@moderators_only
async def begin(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    session = await context.storage.open_walk(chat.id)
    if session is not None:
        await _resume_or_refuse(update, context, session)
        return
    catalog = context.catalog
    if context.args:
        lesson = catalog.get(context.args[0].lower())
        if lesson is None:
            available = ", ".join(lesson.id for lesson in catalog) or "none"
            await _reply(
                update,
                Reply(
                    texts.GROUP_NO_SUCH_LESSON.format(
                        lesson_id=esc(context.args[0]), available=available
                    )
                ),
            )
            return
    elif len(catalog) == 1:
        (lesson,) = catalog.lessons
    elif len(catalog) == 0:
        await _reply(update, Reply(texts.NO_LESSONS))
        return
    else:
        await _reply(update, render_group.lesson_menu(catalog))
        return
    await _start_session(update, context, lesson)


async def _resume_or_refuse(update: Update, context: BotContext, session: Walk) -> None:
    lesson = context.catalog.get(session.lesson_id)
    title = esc(lesson.title if lesson else session.lesson_id)
    if session.status == "paused":
        await context.storage.set_walk_status(session.id, "active")
        chat = update.effective_chat
        if chat is not None:
            await context.storage.set_chat_active(chat.id, active=True)
        await _reply(update, Reply(texts.GROUP_RESUMED.format(lesson=title)))
    else:
        await _reply(update, Reply(texts.GROUP_ALREADY_RUNNING.format(lesson=title)))


async def _start_session(update: Update, context: BotContext, lesson: Lesson) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    # Begun in a forum topic, the session runs there.
    message = update.effective_message
    topic = message.message_thread_id if message and message.is_topic_message else None
    walk = await context.storage.start_walk(
        thread_id=topic,
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.title,
        audience="group",
        user_id=user.id,
        lesson_id=lesson.id,
        lesson_version=lesson.version,
    )
    try:
        sent = await send_to_group(context, walk, render_group.session_started(lesson, walk))
    except TelegramError as error:
        await _tell_cannot_post(context, walk, error)  # the session is on: /next goes on
        return
    if sent is not None:
        await context.storage.record_part(
            walk, 0, [Post(sent.chat_id, sent.message_id, walk.id, -1, carries_next=True)]
        )


@moderators_only
async def next_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.open_walk(chat.id)
    if walk is None:
        await _reply(update, Reply(texts.GROUP_NO_SESSION))
        return
    if walk.status == "paused":
        await _reply(update, render_group.paused(context.catalog.get(walk.lesson_id), walk))
        return
    await _post_next_part(context, walk)


async def _post_next_part(context: BotContext, walk: Walk) -> None:
    lesson = context.catalog.get(walk.lesson_id)
    if lesson is not None and walk.lesson_version != lesson.version:
        walk = await _on_current_version(context, walk, lesson)
    if lesson is None or isinstance(step_at(lesson, walk.position), EndStep):
        await _end_session(context, walk, lesson)
        return
    steps, after = next_part(lesson, walk.position)
    carrier = await _next_carrier(context, walk)
    posts: list[Post] = []
    messages = render_group.part_messages(lesson, walk, steps, after, _bot_username(context))
    for index, (step, message) in enumerate(messages):
        refused: TelegramError | None = None
        try:
            sent = await send_to_group(context, walk, message)
        except TelegramError as error:
            sent, refused = None, error
        if sent is None:  # refused, or paused: the bot may not post here any more
            # What was posted counts (answers to it are kept); /next posts the rest.
            if posts:
                await context.storage.record_part(walk, walk.position + steps.index(step), posts)
            if refused is not None:
                await _tell_cannot_post(context, walk, refused)
            return
        question = step.question if isinstance(step, QuestionStep) else None
        question_id = question.id if question is not None else None
        options = question.options if isinstance(question, ChoiceQuestion) else None
        section = step.number if isinstance(step, SectionStep) else None
        poll_id = sent.poll.id if sent.poll is not None else None
        position = walk.position + steps.index(step)
        last = index == len(messages) - 1
        posts.append(
            Post(
                sent.chat_id,
                sent.message_id,
                walk.id,
                position,
                question_id,
                poll_id,
                last,
                section,
                options,
            )
        )
    moved = await context.storage.record_part(walk, after, posts)
    if moved is not None and carrier:
        # ``moved`` has the session's chat id as it is now, should the group have been
        # upgraded to a supergroup while this part was being sent.
        await _drop_next_button(context, lesson, moved, carrier)


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
        keyboard = render_group.keyboard_without_next(lesson, step, walk, _bot_username(context))
    try:
        await context.bot.edit_message_reply_markup(
            post.chat_id, post.message_id, reply_markup=keyboard
        )
    except TelegramError as error:
        log.debug("could not drop the Next button of message %s: %s", post.message_id, error)


@moderators_only
async def end(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.open_walk(chat.id)
    if walk is None:
        await _reply(update, Reply(texts.GROUP_NO_SESSION))
        return
    await _end_session(context, walk, context.catalog.get(walk.lesson_id))


async def _end_session(context: BotContext, walk: Walk, lesson: Lesson | None) -> None:
    """Close a session: no more answers, quiz polls stopped, a summary for the group."""
    ended = await context.storage.set_walk_status(walk.id, "finished")
    if ended is None:
        return
    posts = await context.storage.posts_of_walk(walk.id)
    for post in posts:
        if post.carries_next:
            await _drop_next_button(context, lesson, walk, post)
        if post.poll_id is not None and post.chat_id == walk.chat_id:
            try:
                await context.bot.stop_poll(post.chat_id, post.message_id)
            except TelegramError as error:
                log.debug("could not stop poll %s: %s", post.poll_id, error)
    if lesson is not None:
        answers = await context.storage.standing_answers(walk.id)
        results = session_results(lesson, answers, asked_in(posts))
        for message in render_group.session_summary(lesson, results):
            try:
                if await send_to_group(context, ended, message) is None:
                    return  # the bot may no longer post there
            except TelegramError as error:
                await _tell_cannot_post(context, ended, error)  # closed all the same
                return


async def status(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.open_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if walk is None or lesson is None:
        await _reply(update, Reply(texts.GROUP_NO_SESSION))
        return
    members = await context.storage.member_count(walk.id)
    await _reply(update, render_group.status(lesson, walk, members))


async def group_start(update: Update, context: BotContext) -> None:
    """/start or /help in a group: what the bot does here."""
    await _reply(update, Reply(texts.GROUP_HELP))


async def private_only_command(update: Update, context: BotContext) -> None:
    """/lessons, /myanswers… sent in a group: they work in a private chat with the bot."""
    message = update.effective_message
    assert message is not None
    command = command_of(message.text)
    await _reply(update, render_group.private_only(command, _bot_username(context)))


# --- moderator buttons --------------------------------------------------------------------


async def on_begin_button(update: Update, context: BotContext, action: GroupBegin) -> None:
    """A moderator chose the lesson of a new session from the buttons."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    lesson = context.catalog.get(action.lesson_id)
    if lesson is None:
        await popup(query, texts.UNKNOWN_LESSON, show_alert=True)
        return
    if await context.storage.open_walk(chat.id) is not None:
        await popup(query, texts.GROUP_ALREADY_RUNNING_POPUP, show_alert=True)
        return
    await popup(query)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    await _start_session(update, context, lesson)


async def on_next_button(update: Update, context: BotContext, action: GroupNext) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    walk = await context.storage.walk(action.walk_id)
    if walk is None or walk.chat_id != chat.id:
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if walk.status != "active":
        closed = texts.SESSION_PAUSED if walk.status == "paused" else texts.GROUP_SESSION_ENDED
        await popup(query, closed, show_alert=True)
        return
    if walk.position != action.position:
        await popup(query, texts.GROUP_ALREADY_POSTED, show_alert=True)
        return
    await popup(query)
    await _post_next_part(context, walk)


# --- members' answers ---------------------------------------------------------------------


async def _open_question(
    context: BotContext, walk_id: int, question_id: str
) -> tuple[Walk, Lesson] | None:
    walk = await context.storage.walk(walk_id)
    if walk is None or walk.audience != "group" or walk.status != "active":
        return None
    lesson = context.catalog.get(walk.lesson_id)
    if lesson is None or lesson.question(question_id) is None:
        return None
    return walk, lesson


def credited_member(message: Message) -> User | None:
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


async def on_choice_button(
    update: Update, context: BotContext, walk: Walk, lesson: Lesson, action: SubmitChoice
) -> None:
    """A member taps an answer of a buttons-style choice question: one answer, a pop-up."""
    query = update.callback_query
    assert query is not None
    question = lesson.question(action.question_id)
    if not isinstance(question, ChoiceQuestion):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    shown = await _options_shown(context, query, question)
    if action.mask >= 1 << len(shown):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    tapped = tuple(i for i in range(len(shown)) if action.mask & (1 << i))
    picked = as_posted(question, shown, tapped)
    if picked is None:
        await popup(query, texts.QUESTION_CHANGED, show_alert=True)
        return
    if len(picked) != 1:
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    recorded = await context.storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            query.from_user,
            picked,
            via="button",
            source_key=f"choice:{walk.id}:{question.id}:{query.from_user.id}",
        )
    )
    if not recorded.created:
        await popup(query, texts.ALREADY_ANSWERED, show_alert=True)
        return
    feedback = render_group.choice_feedback(question, bool(recorded.answer.is_correct))
    await popup(query, feedback, show_alert=True)


async def _options_shown(
    context: BotContext, query: CallbackQuery, question: ChoiceQuestion
) -> tuple[str, ...]:
    """The options the pressed message showed: as posted (the lesson may have been edited
    since), or the question's own if the message is not a recorded post."""
    message = query.message
    post = (
        await context.storage.post_for_message(message.chat.id, message.message_id)
        if message is not None
        else None
    )
    return post.options if post is not None and post.options is not None else question.options


async def on_pick_button(
    update: Update, context: BotContext, walk: Walk, lesson: Lesson, action: GroupPick
) -> None:
    """A member ticks or unticks one option of a several-right-answers question."""
    query = update.callback_query
    assert query is not None
    question = lesson.question(action.question_id)
    if not isinstance(question, ChoiceQuestion):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    shown = await _options_shown(context, query, question)
    if action.index >= len(shown):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    tapped = as_posted(question, shown, [action.index])
    if tapped is None:
        await popup(query, texts.QUESTION_CHANGED, show_alert=True)
        return
    user = query.from_user
    earlier = await context.storage.current_answer(walk.id, user.id, question.id)
    picks = set(earlier.option_indexes) if earlier else set()
    picks ^= set(tapped)
    picked = tuple(sorted(picks))
    await context.storage.record_answer(
        choice_answer(
            walk, lesson, question, user, picked, via="button", source_key=f"press:{query.id}"
        )
    )
    await popup(query, render_group.picks_feedback(question, picked), show_alert=True)


async def on_stance_button(
    update: Update,
    context: BotContext,
    walk: Walk,
    lesson: Lesson,
    action: PickStance,
    *,
    via_private: bool,
) -> None:
    """A member picks (or changes) their stance; their reason, if given, is kept."""
    query = update.callback_query
    assert query is not None
    question = lesson.question(action.question_id)
    if not isinstance(question, DebateQuestion) or action.index >= len(question.stances):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    user = query.from_user
    stance = question.stances[action.index]
    await context.storage.record_answer(
        stance_answer(
            walk,
            lesson,
            question,
            user,
            stance,
            via="private" if via_private else "button",
            source_key=f"press:{query.id}",
        ),
        keep="reason",  # the reason already given goes with the new stance
    )
    await popup(
        query,
        render_group.stance_feedback(stance, privately=via_private),
        show_alert=not via_private,
    )


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """A vote in a session's quiz poll; an empty vote is a retraction, kept as a fact."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return  # a vote on behalf of a chat: not credited to anyone
    post = await context.storage.post_for_poll(answer.poll_id)
    if post is None or post.question_id is None:
        return
    found = await _open_question(context, post.walk_id, post.question_id)
    if found is None:
        return
    walk, lesson = found
    question = lesson.question(post.question_id)
    if not isinstance(question, ChoiceQuestion):
        return  # the lesson was edited: no longer a choice question
    picked = as_posted(question, post.options, answer.option_ids)
    if picked is None:  # a vote for an option the edited lesson no longer has
        log.info("vote in poll %s for an option since removed: not recorded", answer.poll_id)
        return
    await context.storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            answer.user,
            picked,
            via="poll",
            source_key=f"update:{update.update_id}",
        )
    )


async def on_reply(update: Update, context: BotContext) -> None:
    """A reply to a short or debate question's message is that member's answer (an edit of
    the reply, a new version of it)."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    member = credited_member(message)
    text = message.text
    if member is None or text is None:
        return
    post = await context.storage.post_for_message(
        message.chat_id, message.reply_to_message.message_id
    )
    if post is None or post.question_id is None:
        return
    found = await _open_question(context, post.walk_id, post.question_id)
    if found is None:
        return
    walk, lesson = found
    question = lesson.question(post.question_id)
    if not isinstance(question, ShortQuestion | DebateQuestion):
        return
    key = typed_answer_key(message)
    await context.storage.record_answer(
        written_answer(walk, lesson, question, member, text, via="reply", source_key=key),
        # A reason keeps the stance already picked, read in the same transaction.
        keep="stance" if isinstance(question, DebateQuestion) else None,
    )


# --- the group itself ---------------------------------------------------------------------


async def on_migration(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its sessions and answers move to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        await context.storage.migrate_chat(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await context.storage.migrate_chat(message.migrate_from_chat_id, message.chat_id)


async def on_my_membership(update: Update, context: BotContext) -> None:
    """The bot was removed from a group, or may post again: pause or allow the session."""
    change = update.my_chat_member
    if change is None:
        return
    chat_id = change.chat.id
    # Left or kicked: no more posting there. Anything else (member, admin, restricted):
    # Telegram lets us try, and a refusal pauses the session when it comes.
    can_post = change.new_chat_member.status not in ("left", "kicked")
    await context.storage.set_chat_active(chat_id, active=can_post)
    # A student who blocks the bot keeps their own lesson as it is, for when they unblock it.
    if not can_post and change.chat.type != "private":
        walk = await context.storage.open_walk(chat_id)
        if walk is not None and walk.status == "active":
            await context.storage.set_walk_status(walk.id, "paused")
            log.info("removed from chat %s: session %s paused", chat_id, walk.id)
