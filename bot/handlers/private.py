"""A student alone with the bot: reading, answering, progress, restarting.

Each handler reads the update, asks storage and the walk what it means, waits for the
write to commit, then sends what ``bot.render`` builds. Buttons carry strict callback data
(``bot.callbacks``) that is re-checked against the database before anything is recorded.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot import callbacks, texts
from bot.answers import (
    as_posted,
    choice_answer,
    respondent,
    stance_answer,
    typed_answer_key,
    written_answer,
)
from bot.callbacks import (
    BeginLesson,
    ContinueReading,
    ListLessons,
    PickStance,
    SubmitChoice,
    SwitchLesson,
    ToggleChoice,
)
from bot.context import BotContext
from bot.edits import drop_keyboard, edit
from bot.handlers import reports
from bot.handlers.common import command_of
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question, ShortQuestion
from bot.popups import popup
from bot.render import fit
from bot.render import private as render
from bot.render.markup import Reply, esc
from bot.storage import NewAnswer, PrivatePrompt, Walk
from bot.walk import (
    EndStep,
    QuestionStep,
    SectionStep,
    choice_is_correct,
    expects_text,
    is_last,
    position_of_question,
    realigned_position,
    step_at,
)

log = logging.getLogger(__name__)

# /start payload of the link that brings a moderator here to collect a report or export.
DELIVER_PAYLOAD = "deliver"


async def send(context: BotContext, chat_id: int, reply: Reply) -> Message:
    return await context.bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)


async def show_step(context: BotContext, lesson: Lesson, walk: Walk) -> None:
    """Send what the walk's current step looks like: a section, a question or the summary."""
    await _leave_group_question(context, walk.chat_id)
    step = step_at(lesson, walk.position)
    if isinstance(step, SectionStep):
        for reply in render.section_messages(
            lesson, step, render.continue_keyboard(walk, walk.position)
        ):
            await send(context, walk.chat_id, reply)
    elif isinstance(step, QuestionStep):
        asked = await send(context, walk.chat_id, render.question_message(step, walk))
        if not isinstance(step.question, ChoiceQuestion):  # its answer will be typed
            await context.storage.mark_asked(walk, asked.message_id)
        if isinstance(step.question, DebateQuestion) and walk.user_id is not None:
            earlier = await context.storage.current_answer(walk.id, walk.user_id, step.question.id)
            if earlier is not None and earlier.stance:
                await send(context, walk.chat_id, render.ask_reason(earlier.stance))
    elif isinstance(step, EndStep):
        answers = await context.storage.current_answers(walk.id, walk.user_id)
        for reply in render.summary_messages(lesson, answers):
            await send(context, walk.chat_id, reply)


async def _leave_group_question(context: BotContext, chat_id: int) -> None:
    """Back to their own lesson (or to /start): a group's question opened here from its link
    and left unanswered must no longer take the next typed message."""
    if await context.storage.private_prompt(chat_id) is not None:
        await context.storage.clear_private_prompt(chat_id)


async def begin_lesson(context: BotContext, update: Update, lesson: Lesson) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    walk = await context.storage.start_walk(
        chat_id=chat.id,
        chat_type=chat.type,
        chat_title=chat.effective_name,
        audience="private",
        user_id=user.id,
        lesson_id=lesson.id,
        lesson_version=lesson.version,
    )
    await show_step(context, lesson, walk)


async def _current(context: BotContext, chat_id: int) -> tuple[Walk, Lesson] | None:
    walk = await context.storage.active_walk(chat_id)
    if walk is None:
        return None
    lesson = context.catalog.get(walk.lesson_id)
    if lesson is None:
        return None
    return await _on_current_version(context, walk, lesson), lesson


async def _on_current_version(context: BotContext, walk: Walk, lesson: Lesson) -> Walk:
    """A walk begun on an earlier version of an edited lesson, moved onto the current one.

    Positions index the lesson's steps, which an edit may shift; answers name questions by
    id, so the walk goes on at the first question the student has not answered.
    """
    if walk.lesson_version == lesson.version:
        return walk
    answers = await context.storage.current_answers(walk.id, walk.user_id)
    answered = {a.question_id for a in answers if a.question_type != "debate" or a.answer_text}
    position = realigned_position(lesson, answered)
    return await context.storage.rebase_walk(walk, position, lesson.version) or walk


# --- commands -----------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    await context.storage.remember_chat(chat.id, chat.type, chat.effective_name)
    payload = context.args[0] if context.args else None
    if await reports.deliver_pending(update, context) and payload == DELIVER_PAYLOAD:
        return  # they came for a report or export, and it has been handed over
    link = callbacks.decode_start(payload)
    if link is not None:
        await _answer_privately(update, context, link)
        return
    current = await _current(context, chat.id)
    if current is not None:
        walk, lesson = current
        await send(context, chat.id, render.welcome_back(lesson))
        await show_step(context, lesson, walk)  # which leaves a group's question too
        return
    await _leave_group_question(context, chat.id)
    await send(context, chat.id, Reply(texts.WELCOME))
    await send(context, chat.id, render.lessons_menu(context.catalog))


async def lessons(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    await send(context, update.effective_chat.id, render.lessons_menu(context.catalog))


async def help_command(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    await send(context, update.effective_chat.id, Reply(texts.HELP))


async def progress(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    walk = await context.storage.latest_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if walk is None or lesson is None:
        await send(context, chat.id, Reply(texts.NO_PROGRESS))
        return
    answered = await context.storage.answer_count(walk.id, user.id)
    await send(context, chat.id, render.progress(lesson, walk, answered))


async def restart(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    walk = await context.storage.latest_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if lesson is None:
        await send(context, chat.id, Reply(texts.NOTHING_TO_RESTART))
        return
    await begin_lesson(context, update, lesson)


async def group_only_command(update: Update, context: BotContext) -> None:
    """/begin, /next, /end, /status sent privately: they run a group's session."""
    message = update.effective_message
    assert message is not None
    command = esc(command_of(message.text))
    await message.reply_text(texts.GROUP_ONLY_COMMAND.format(command=command))


async def unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


# --- typed messages -----------------------------------------------------------------------


async def text_message(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    prompt = await context.storage.private_prompt(message.chat_id)
    if prompt is not None:
        await _private_answer_for_group(update, context, prompt)
        return
    current = await _current(context, message.chat_id)
    if current is None:
        await message.reply_text(texts.HINT_IDLE)
        return
    walk, lesson = current
    step = step_at(lesson, walk.position)
    if not isinstance(step, QuestionStep) or isinstance(step.question, ChoiceQuestion):
        await message.reply_text(texts.HINT_NOT_WAITING)
        return
    question = step.question
    if walk.asked_message_id is not None and message.message_id < walk.asked_message_id:
        # Sent before this question appeared: the rest of the last answer, most likely.
        await message.reply_text(texts.SENT_BEFORE_QUESTION)
        return
    earlier_question = _replied_question(message, lesson)
    if earlier_question is not None and earlier_question.id != question.id:
        await message.reply_text(texts.REPLY_TO_EARLIER.format(prompt=esc(question.prompt)))
        return
    stance: str | None = None
    if isinstance(question, DebateQuestion):
        earlier = await context.storage.current_answer(walk.id, user.id, question.id)
        if earlier is None or not earlier.stance:
            await message.reply_text(texts.HINT_PICK_STANCE_FIRST)
            return
        stance = earlier.stance
    recorded = await context.storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            user,
            message.text,
            via="text",
            source_key=f"msg:{message.chat_id}:{message.message_id}",
            stance=stance,
        ),
        advance_to=walk.position + 1,
        finished=is_last(lesson, walk.position + 1),
    )
    if not recorded.created:
        return  # the same message handled twice: it was acknowledged the first time
    if isinstance(question, ShortQuestion):
        await message.reply_text(render.short_acknowledgement(question).text)
    else:
        await message.reply_text(render.reason_acknowledgement().text)
    await _show_next(context, lesson, walk)


def _replied_question(message: Message, lesson: Lesson) -> Question | None:
    """The lesson question whose message this one replies to, if it replies to one."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    shown = replied.text or ""
    return next((q for q in lesson.questions() if q.prompt in shown), None)


async def edited_text(update: Update, context: BotContext) -> None:
    """An edited typed answer becomes a new version of that answer (never a second one)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    earlier = await context.storage.answer_with_key(f"msg:{message.chat_id}:{message.message_id}")
    walk = await context.storage.walk(earlier.walk_id) if earlier else None
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if earlier is None or walk is None or lesson is None:
        return  # an edit of a message that was not an answer
    if walk.status != "active":
        await message.reply_text(texts.EDIT_TOO_LATE)
        return
    debate = earlier.question_type == "debate"
    recorded = await context.storage.record_answer(
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
        keep="stance" if debate else None,
    )
    if recorded.created:  # the same edit delivered twice is acknowledged once
        await message.reply_text(texts.ANSWER_UPDATED)


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice…: never an answer, always a hint."""
    message = update.effective_message
    assert message is not None
    if await context.storage.private_prompt(message.chat_id) is not None:
        await message.reply_text(texts.HINT_TEXT_ONLY)  # a group's question awaits typed text
        return
    current = await _current(context, message.chat_id)
    if current is None:
        await message.reply_text(texts.HINT_IDLE)
        return
    walk, lesson = current
    step = step_at(lesson, walk.position)
    stance_given = False
    if isinstance(step, QuestionStep) and isinstance(step.question, DebateQuestion):
        assert walk.user_id is not None
        earlier = await context.storage.current_answer(walk.id, walk.user_id, step.question.id)
        stance_given = earlier is not None and bool(earlier.stance)
    waiting = expects_text(step, stance_given)
    await message.reply_text(texts.HINT_TEXT_ONLY if waiting else texts.HINT_NOT_WAITING)


async def _show_next(context: BotContext, lesson: Lesson, walk: Walk) -> None:
    moved = await context.storage.walk(walk.id)
    if moved is not None:
        await show_step(context, lesson, moved)


# --- buttons ------------------------------------------------------------------------------


async def on_menu_action(
    update: Update, context: BotContext, action: ListLessons | BeginLesson | SwitchLesson
) -> None:
    """The lessons menu and its Begin buttons (a lesson in progress is never closed by
    one without asking: it goes on, or the student confirms the switch)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    if isinstance(action, ListLessons):
        await popup(query)
        await lessons(update, context)
        return
    lesson = context.catalog.get(action.lesson_id)
    if lesson is None:
        await popup(query, texts.UNKNOWN_LESSON, show_alert=True)
        return
    # A switch was asked for and confirmed: only a Begin button needs to look first.
    current = await _current(context, chat.id) if isinstance(action, BeginLesson) else None
    if current is not None:
        walk, active = current
        if active.id != lesson.id:
            await popup(query)
            await send(context, chat.id, render.switch_lesson(active, lesson))
        elif walk.position == 0:  # just begun (a double tap, say): its first part is there
            await popup(query, texts.LESSON_IN_PROGRESS, show_alert=True)
        else:  # go on where they stopped
            await popup(query)
            await send(context, chat.id, render.welcome_back(active))
            await show_step(context, active, walk)
        return
    await popup(query)
    await _drop_keyboard(query)
    await begin_lesson(context, update, lesson)


WalkAction = ContinueReading | SubmitChoice | ToggleChoice | PickStance


async def on_walk_action(
    update: Update, context: BotContext, walk: Walk, action: WalkAction
) -> None:
    """A button of a student's own lesson attempt, checked against where they are."""
    query = update.callback_query
    assert query is not None
    lesson = await _walk_of_button(context, query, walk)
    if lesson is None:
        return
    walk = await _on_current_version(context, walk, lesson)
    if isinstance(action, ContinueReading):
        await _continue_reading(context, query, walk, lesson, action)
    elif isinstance(action, ToggleChoice):
        await _toggle_choice(query, walk, lesson, action)
    elif isinstance(action, SubmitChoice):
        await _submit_choice(context, query, walk, lesson, action)
    else:
        await _pick_stance(context, query, walk, lesson, action)


async def _walk_of_button(context: BotContext, query: CallbackQuery, walk: Walk) -> Lesson | None:
    """The lesson of the walk a button belongs to, if it is this student's and running."""
    message = query.message
    if message is None or walk.chat_id != message.chat.id or walk.user_id != query.from_user.id:
        log.warning("refused a button for walk %s from user %s", walk.id, query.from_user.id)
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return None
    lesson = context.catalog.get(walk.lesson_id)
    if walk.status != "active" or lesson is None:
        # Following "send /lessons" would close the attempt the student is in now.
        now = await context.storage.active_walk(walk.chat_id)
        closed = texts.EARLIER_ATTEMPT_BUTTON if now is not None else texts.CLOSED_BUTTON
        await popup(query, closed, show_alert=True)
        return None
    return lesson


async def _drop_keyboard(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        await drop_keyboard(query.message)


async def _continue_reading(
    context: BotContext,
    query: CallbackQuery,
    walk: Walk,
    lesson: Lesson,
    action: ContinueReading,
) -> None:
    if action.position != walk.position:
        await popup(query, texts.STALE_BUTTON, show_alert=True)
        return
    moved = await context.storage.move_walk(
        walk, to_position=walk.position + 1, finished=is_last(lesson, walk.position + 1)
    )
    await popup(query)
    if moved is None:
        return
    await _drop_keyboard(query)
    await show_step(context, lesson, moved)


def _open_question(lesson: Lesson, walk: Walk, question_id: str) -> tuple[QuestionStep, int] | None:
    step = step_at(lesson, walk.position)
    if isinstance(step, QuestionStep) and step.question.id == question_id:
        return step, walk.position
    return None


async def _refuse_closed_question(
    context: BotContext, query: CallbackQuery, walk: Walk, question_id: str
) -> None:
    earlier = await context.storage.current_answer(walk.id, query.from_user.id, question_id)
    await popup(
        query,
        texts.ALREADY_ANSWERED if earlier is not None else texts.STALE_BUTTON,
        show_alert=True,
    )


async def _toggle_choice(
    query: CallbackQuery, walk: Walk, lesson: Lesson, action: ToggleChoice
) -> None:
    found = _open_question(lesson, walk, action.question_id)
    if found is None or not isinstance(found[0].question, ChoiceQuestion):
        await popup(query, texts.STALE_BUTTON, show_alert=True)
        return
    question = found[0].question
    shown = render.options_shown(query.message, question)
    if action.mask >= 1 << len(shown):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    mask = _mask_now(question, shown, action.mask)
    if mask is None:
        await _question_changed(query, question, walk)
        return
    await popup(query)
    message = query.message
    if isinstance(message, Message):
        await message.edit_reply_markup(render.choice_keyboard(question, walk, mask))


def _mask_now(question: ChoiceQuestion, shown: tuple[str, ...], mask: int) -> int | None:
    """A mask over the options a message shows, over the question's options now (matched
    by text: the lesson may have been edited since it was sent). None if an option picked
    is no longer one."""
    picked = as_posted(question, shown, [i for i in range(len(shown)) if mask & (1 << i)])
    return None if picked is None else sum(1 << i for i in picked)


async def _question_changed(query: CallbackQuery, question: ChoiceQuestion, walk: Walk) -> None:
    """Say so, and show the question's options as they are now on the message."""
    await popup(query, texts.QUESTION_CHANGED, show_alert=True)
    if isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.message.edit_reply_markup(render.choice_keyboard(question, walk))


async def _submit_choice(
    context: BotContext,
    query: CallbackQuery,
    walk: Walk,
    lesson: Lesson,
    action: SubmitChoice,
) -> None:
    found = _open_question(lesson, walk, action.question_id)
    if found is None or not isinstance(found[0].question, ChoiceQuestion):
        await _refuse_closed_question(context, query, walk, action.question_id)
        return
    step, position = found
    question = step.question
    assert isinstance(question, ChoiceQuestion)
    shown = render.options_shown(query.message, question)
    if action.mask >= 1 << len(shown):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    mask = _mask_now(question, shown, action.mask)
    if mask is None:
        await _question_changed(query, question, walk)
        return
    picked = render.picked_options(question, mask)
    if not picked:
        await popup(query, texts.PICK_AT_LEAST_ONE, show_alert=True)
        return
    correct = choice_is_correct(question, picked)
    recorded = await context.storage.record_answer(
        choice_answer(
            walk,
            lesson,
            question,
            query.from_user,
            picked,
            via="button",
            source_key=f"choice:{walk.id}:{question.id}",
        ),
        advance_to=position + 1,
        finished=is_last(lesson, position + 1),
    )
    if not recorded.created:
        await popup(query, texts.ALREADY_ANSWERED, show_alert=True)
        return
    await popup(query, texts.RIGHT if correct else texts.WRONG_SHORT)
    if isinstance(query.message, Message):
        await edit(query.message, render.choice_feedback(step, picked, correct))
    await _show_next(context, lesson, walk)


async def _pick_stance(
    context: BotContext,
    query: CallbackQuery,
    walk: Walk,
    lesson: Lesson,
    action: PickStance,
) -> None:
    found = _open_question(lesson, walk, action.question_id)
    if found is None or not isinstance(found[0].question, DebateQuestion):
        await _refuse_closed_question(context, query, walk, action.question_id)
        return
    step, _ = found
    question = step.question
    assert isinstance(question, DebateQuestion)
    if action.index >= len(question.stances):
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    stance = question.stances[action.index]
    recorded = await context.storage.record_answer(
        stance_answer(
            walk,
            lesson,
            question,
            query.from_user,
            stance,
            via="button",
            source_key=f"stance:{walk.id}:{question.id}",
        )
    )
    if not recorded.created:  # one stance per attempt: the reason is what is awaited now
        picked = recorded.answer.stance or stance
        await popup(
            query, fit.popup(texts.STANCE_ALREADY_PICKED.format(stance=picked)), show_alert=True
        )
        return
    await popup(query)
    if isinstance(query.message, Message):
        await edit(query.message, render.stance_chosen(step, stance))
    await send(context, walk.chat_id, render.ask_reason(stance))


# --- answering a group's question privately (a deep link from the group) -----------------


async def _answer_privately(
    update: Update, context: BotContext, link: callbacks.AnswerPrivately
) -> None:
    """/start a<walk>_<question>: the member answers a group question here, unseen."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    walk = await context.storage.walk(link.walk_id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    question = lesson.question(link.question_id) if lesson else None
    if walk is not None and walk.audience == "group" and walk.status == "paused":
        await send(context, chat.id, Reply(texts.SESSION_PAUSED))
        return
    if (
        walk is None
        or walk.audience != "group"
        or walk.status != "active"
        or lesson is None
        or not isinstance(question, ShortQuestion | DebateQuestion)
    ):
        await send(context, chat.id, Reply(texts.PRIVATE_LINK_CLOSED))
        return
    if not await _is_member(context, walk.chat_id, user.id):
        await send(context, chat.id, Reply(texts.PRIVATE_LINK_NOT_MEMBER))
        return
    await context.storage.set_private_prompt(chat.id, walk.id, question.id)
    group_title = await context.storage.chat_title(walk.chat_id) or ""
    await send(
        context,
        chat.id,
        Reply(texts.PRIVATE_ANSWER_FOR_GROUP.format(group=esc(group_title))),
    )
    position = position_of_question(lesson, question.id)
    step = step_at(lesson, position if position is not None else 0)
    assert isinstance(step, QuestionStep)
    await send(context, chat.id, render.question_message(step, walk))


async def _is_member(context: BotContext, chat_id: int, user_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return False
    return member.status not in ("left", "kicked")


async def after_private_stance(
    update: Update, context: BotContext, walk: Walk, lesson: Lesson, action: PickStance
) -> None:
    """A stance given privately for a group question: now ask for the reason."""
    chat = update.effective_chat
    question = lesson.question(action.question_id)
    if chat is None or not isinstance(question, DebateQuestion):
        return
    stance = question.stances[action.index]
    query = update.callback_query
    position = position_of_question(lesson, question.id)
    step = step_at(lesson, position) if position is not None else None
    if query is not None and isinstance(query.message, Message) and isinstance(step, QuestionStep):
        await edit(query.message, render.stance_chosen(step, stance))
    await send(context, chat.id, render.ask_reason(stance))


async def _private_answer_for_group(
    update: Update, context: BotContext, prompt: PrivatePrompt
) -> None:
    """A typed answer in the private chat counts for the group session; the group sees
    nothing of it."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    walk = await context.storage.walk(prompt.walk_id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    question = lesson.question(prompt.question_id) if lesson else None
    if (
        walk is None
        or walk.status != "active"
        or lesson is None
        or not isinstance(question, ShortQuestion | DebateQuestion)
    ):
        await context.storage.clear_private_prompt(message.chat_id)
        paused = walk is not None and walk.status == "paused"
        await message.reply_text(texts.SESSION_PAUSED if paused else texts.PRIVATE_LINK_CLOSED)
        return
    stance: str | None = None
    if isinstance(question, DebateQuestion):
        earlier = await context.storage.current_answer(walk.id, user.id, question.id)
        if earlier is None or not earlier.stance:
            await message.reply_text(texts.HINT_PICK_STANCE_FIRST)
            return
        stance = earlier.stance
    await context.storage.record_answer(
        written_answer(
            walk,
            lesson,
            question,
            user,
            message.text,
            via="private",
            source_key=f"msg:{message.chat_id}:{message.message_id}",
            stance=stance,
        )
    )
    await context.storage.clear_private_prompt(message.chat_id)
    group_title = await context.storage.chat_title(walk.chat_id) or ""
    await message.reply_text(texts.PRIVATE_ANSWER_SAVED.format(group=esc(group_title)))
