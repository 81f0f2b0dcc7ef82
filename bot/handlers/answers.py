"""Every answer, from every audience: a student's buttons and typed answers, a group's
buttons, quiz votes and replies, and a group's question answered privately.

Thin over ``bot.answering``, which decides what counts; render words the outcome; the
outbox sends it. A press is acknowledged only after its answer is committed.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update

from bot import attempts, callbacks, i18n, outbox, reveal, texts
from bot.answering import (
    ChoiceGiven,
    Moved,
    Outcome,
    Refused,
    StanceGiven,
    TicksNow,
    TypedGiven,
    Why,
    linked,
)
from bot.answering import discussion as discussing
from bot.answering import group as group_answers
from bot.answering import private as own
from bot.callbacks import (
    ContinueReading,
    GroupPick,
    PickBefore,
    PickStance,
    SelfCheck,
    ShowNext,
    SubmitChoice,
    ToggleChoice,
)
from bot.context import BotContext
from bot.hints import hint
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.membership import member_check
from bot.render import discussion as render_discussion
from bot.render import glossary as render_glossary
from bot.render import group as render_group
from bot.render import private as render
from bot.render import replies
from bot.render.markup import Reply
from bot.storage import Walk
from bot.walk import QuestionStep, step_at

log = logging.getLogger(__name__)

AnswerButton = (
    ContinueReading | SubmitChoice | ToggleChoice | PickStance | GroupPick | SelfCheck | ShowNext
)


def is_answer_button(data: object) -> bool:
    """The callback data of an answer button (the pattern ``app`` routes them by)."""
    return isinstance(data, str) and isinstance(
        callbacks.decode(data),
        ContinueReading
        | SubmitChoice
        | ToggleChoice
        | PickStance
        | GroupPick
        | SelfCheck
        | ShowNext,
    )


async def on_answer_button(update: Update, context: BotContext) -> None:
    """An answer button, in a student's lesson, a group, or a group question opened
    privately: which one is the walk's to say, not the button's."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, AnswerButton)  # the handler's pattern
    walk = await context.storage.walk(action.walk_id)
    message = query.message
    if walk is None or message is None:
        log.warning("refused a button for walk %s from user %s", action.walk_id, query.from_user.id)
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if isinstance(action, SelfCheck | ShowNext):
        await _under_model_answer(context, query, walk, action)
        return
    if walk.audience == "private":
        await _own_lesson(context, query, walk, action)
        return
    outcome: Outcome
    if isinstance(action, ContinueReading | ToggleChoice):
        outcome = Refused(Why.UNKNOWN)
    elif chat.type == "private":  # a group's question opened here: only its stance
        if isinstance(action, PickStance):
            outcome = await linked.stance(
                context.storage,
                context.catalog,
                query.from_user,
                chat.id,
                message.message_id,
                action,
                query_id=query.id,
                is_member=member_check(context),
            )
        else:
            outcome = Refused(Why.UNKNOWN)
    else:
        outcome = await group_answers.press(
            context.storage,
            context.catalog,
            query.from_user,
            chat.id,
            message.message_id,
            action,
            query_id=query.id,
        )
    with i18n.to_presser():  # a pop-up only the presser sees (in private: the chat's words)
        await _tell_member(query, outcome, privately=chat.type == "private", bot_context=context)


async def _tell_member(
    query: CallbackQuery, outcome: Outcome, *, privately: bool, bot_context: BotContext
) -> None:
    """A group member's pop-up: only they see it, so the group stays readable."""
    if isinstance(outcome, Refused):
        if outcome.why is Why.UNKNOWN:
            log.warning("refused a group button from user %s", query.from_user.id)
        await outbox.popup(query, replies.refusal(outcome, "group"), show_alert=True)
    elif isinstance(outcome, ChoiceGiven):
        if not outcome.created:
            await outbox.popup(query, texts.ALREADY_ANSWERED, show_alert=True)
        else:
            feedback = render_group.choice_feedback(outcome.question, outcome.correct)
            await outbox.popup(query, feedback, show_alert=True)
    elif isinstance(outcome, TicksNow):
        text = (
            replies.versions_capped()
            if outcome.reached_cap
            else render_group.picks_feedback(outcome.question, outcome.picked)
        )
        await outbox.popup(query, text, show_alert=True)
    elif isinstance(outcome, StanceGiven):
        feedback = render_group.stance_feedback(outcome.stance, privately=privately)
        await outbox.popup(query, feedback)  # a light toast, in a group as in private
        if privately and isinstance(query.message, Message):  # now ask for the reason
            if outcome.step is not None:
                await outbox.edit(query.message, render.stance_chosen(outcome.step, outcome.stance))
            chat_id = query.message.chat.id
            await outbox.send(bot_context.bot, chat_id, render.ask_reason(outcome.stance))


async def _under_model_answer(
    context: BotContext, query: CallbackQuery, walk: Walk, action: SelfCheck | ShowNext
) -> None:
    """The buttons under a model answer: the student's self-check, and Continue."""
    message = query.message if isinstance(query.message, Message) else None
    mine = walk.audience == "private" and walk.user_id == query.from_user.id
    if message is None or not mine or walk.chat_id != message.chat.id:
        await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    storage = context.storage
    if isinstance(action, SelfCheck):
        if not await own.self_check(storage, walk, query.from_user.id, action):
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
            return
        await outbox.popup(query, render.self_check_noted(action.grade))
        now = await storage.walk(walk.id)
        waiting = await own.waiting_to_show(storage, now) if now else None
        keyboard = render.self_check_keyboard(walk, action.question_id, waiting, action.grade)
        await outbox.set_keyboard(message, keyboard)
        return
    now = await storage.walk(walk.id)
    lesson = context.catalog.get(walk.lesson_id)
    if now is None or lesson is None or await own.waiting_to_show(storage, now) != action.position:
        await outbox.popup(query, texts.STALE_BUTTON)  # shown already (a double tap, /start)
        return
    await outbox.popup(query)
    await outbox.drop_keyboard(message)
    await attempts.show_step(context, lesson, now)


async def _own_lesson(
    context: BotContext, query: CallbackQuery, walk: Walk, action: AnswerButton
) -> None:
    """A button of a student's own lesson attempt, checked against where they are."""
    message = query.message
    assert message is not None
    found = await own.own_button(
        context.storage, context.catalog, walk, query.from_user.id, message.chat.id
    )
    if isinstance(found, Refused) or isinstance(action, GroupPick):
        refused = found if isinstance(found, Refused) else Refused(Why.UNKNOWN)
        if refused.why is Why.UNKNOWN:
            log.warning("refused a button for walk %s from user %s", walk.id, query.from_user.id)
        await outbox.popup(query, replies.refusal(refused, "private"), show_alert=True)
        return
    walk, lesson = found
    storage, user = context.storage, query.from_user
    if isinstance(action, ContinueReading):
        moved = await own.continue_reading(storage, lesson, walk, action)
        await _after_continue(context, query, lesson, moved, action.position)
    elif isinstance(action, ToggleChoice):
        outcome = await own.toggle(storage, lesson, walk, user, message.message_id, action)
        await _after_choice(context, query, walk, outcome)
    elif isinstance(action, SubmitChoice):
        outcome = await own.submit(storage, lesson, walk, user, message.message_id, action)
        await _after_choice(context, query, walk, outcome)
    elif isinstance(action, PickStance):
        outcome = await own.stance(storage, lesson, walk, user, action)
        await _after_stance(context, query, walk, outcome)


async def _after_continue(
    context: BotContext,
    query: CallbackQuery,
    lesson: Lesson,
    moved: Moved | Refused | None,
    position: int,
) -> None:
    if isinstance(moved, Refused):
        await outbox.popup(query, replies.refusal(moved, "private"), show_alert=True)
        return
    await outbox.popup(query)
    if moved is None:
        return  # a double tap: the first one moved on
    if isinstance(query.message, Message):
        # Continue goes; the part's 📖 Words stays.
        keep = render_glossary.words_at(lesson, position)
        if keep is None:
            await outbox.drop_keyboard(query.message)
        elif query.message.reply_markup is not None:
            message = query.message
            await outbox.try_set_keyboard(context.bot, message.chat.id, message.message_id, keep)
    await attempts.show_step(context, lesson, moved.walk)


async def _after_choice(
    context: BotContext, query: CallbackQuery, walk: Walk, outcome: Outcome
) -> None:
    message = query.message if isinstance(query.message, Message) else None
    if isinstance(outcome, Refused):
        await outbox.popup(query, replies.refusal(outcome, "private"), show_alert=True)
        if outcome.why is Why.CHANGED and message is not None:
            question = outcome.question
            assert isinstance(question, ChoiceQuestion)
            lesson = context.catalog.get(walk.lesson_id)
            step = step_at(lesson, walk.position) if lesson is not None else None
            if isinstance(step, QuestionStep) and step.question == question:
                # The question again, with the options as they are now (a list of long
                # options, A, B, C…, is in its text).
                await outbox.edit(message, render.question_message(step, walk))
                return
            await outbox.try_set_keyboard(
                context.bot,
                message.chat.id,
                message.message_id,
                render.choice_keyboard(question, walk),
            )
    elif isinstance(outcome, TicksNow):
        await outbox.popup(query)
        if message is not None:
            keyboard = render.choice_keyboard(outcome.question, walk, outcome.picked)
            await outbox.set_keyboard(message, keyboard)
    elif isinstance(outcome, ChoiceGiven) and outcome.step is not None:
        await outbox.popup(query, texts.RIGHT if outcome.correct else texts.WRONG_SHORT)
        if message is not None:
            feedback = render.choice_feedback(outcome.step, outcome.picked, outcome.correct)
            await outbox.edit(message, feedback)
        await attempts.show_next(context, walk.id)


async def _after_stance(
    context: BotContext, query: CallbackQuery, walk: Walk, outcome: Outcome
) -> None:
    if isinstance(outcome, Refused):
        await outbox.popup(query, replies.refusal(outcome, "private"), show_alert=True)
    elif isinstance(outcome, StanceGiven):
        if not outcome.created:  # one stance per attempt: the reason is what is awaited now
            await outbox.popup(
                query, replies.stance_already_picked(outcome.stance), show_alert=True
            )
            return
        await outbox.popup(query)
        if isinstance(query.message, Message) and outcome.step is not None:
            await outbox.edit(query.message, render.stance_chosen(outcome.step, outcome.stance))
        await outbox.send(context.bot, walk.chat_id, render.ask_reason(outcome.stance))


# --- a stance before the reading (issue 14) --------------------------------------------------


def is_before_button(data: object) -> bool:
    """The callback data of a stance asked before the reading (``app`` routes it by)."""
    return isinstance(data, str) and isinstance(callbacks.decode(data), PickBefore)


async def on_before_button(update: Update, context: BotContext) -> None:
    """A stance before the reading: in a student's lesson the message shows it and the
    lesson goes on (the next such question, or the first part); in a group, a pop-up."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, PickBefore)  # the handler's pattern
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    outcome = await discussing.before_stance(
        context.storage, context.catalog, query.from_user, chat.id, message.message_id, action
    )
    if isinstance(outcome, Refused):
        if outcome.why is Why.UNKNOWN:
            log.warning("refused a before-stance from user %s", query.from_user.id)
        where: replies.Where = "private" if chat.type == "private" else "group"
        with i18n.to_presser():
            await outbox.popup(query, replies.refusal(outcome, where), show_alert=True)
        return
    with i18n.to_presser():
        noted = render_discussion.before_noted(outcome.stance, created=outcome.created)
        await outbox.popup(query, noted, show_alert=not outcome.created)
    if outcome.walk.audience == "private" and outcome.created:
        # What comes next first: it takes the buttons off this message (one step, one set of
        # live buttons); then the message shows the stance chosen.
        await attempts.show_next(context, outcome.walk.id)
        chosen = render_discussion.before_chosen(outcome.question, outcome.stance)
        await outbox.edit(message, chosen)


# --- a group's quiz votes and replies -----------------------------------------------------


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """A vote in a session's quiz poll: recorded, never answered (Telegram shows the
    result to the voter itself)."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return  # a vote on behalf of a chat: not credited to anyone
    outcome = await group_answers.vote(
        context.storage,
        context.catalog,
        answer.user,
        answer.poll_id,
        answer.option_ids,
        update_id=update.update_id,
    )
    if isinstance(outcome, Refused) and outcome.why is Why.CHANGED:
        log.info("vote in poll %s for an option since removed: not recorded", answer.poll_id)


async def on_group_reply(update: Update, context: BotContext) -> None:
    """A reply in a group (new or edited; text or not): to a question's message, that
    member's answer, marked with a ✍ reaction (no message per answer); to a session's
    message, but unable to count, a short reply saying why, which deletes itself."""
    message = update.effective_message
    member = group_answers.credited(message) if message is not None else None
    if message is None or member is None:
        return
    outcome = await group_answers.reply(context.storage, context.catalog, member, message)
    if isinstance(outcome, TypedGiven):
        if outcome.created:  # the ✍ goes out on its own: it holds up no one's answer
            context.bot_data.reactions.add(context.application, message.chat_id, message.message_id)
    elif isinstance(outcome, Refused) and outcome.why is not Why.UNKNOWN:
        why = replies.refusal_reply(outcome, "reply")
        await outbox.reply_short_lived(message, why, context.job_queue)


# --- typed answers in a private chat ------------------------------------------------------


async def on_private_text(update: Update, context: BotContext) -> None:
    """A typed message: the answer to the student's question, or to a group question
    opened here from its link; otherwise a hint saying why it is not one."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    prompt = await context.storage.private_prompt(message.chat_id)
    if prompt is not None:
        outcome = await linked.typed(
            context.storage, context.catalog, user, message, prompt, member_check(context)
        )
        await _linked_answered(context, message, outcome)
        return
    outcome = await own.typed(context.storage, context.catalog, user, message)
    if isinstance(outcome, Refused):  # not an answer: a hint, unless they are flooding us
        await hint(context, message, replies.refusal_reply(outcome, "private"))
        return
    if isinstance(outcome, ChoiceGiven):  # an option typed as its letter
        await _after_typed_choice(context, message, outcome)
        return
    if not isinstance(outcome, TypedGiven) or not outcome.created:
        return  # the same message handled twice: it was acknowledged the first time
    if outcome.added:  # the rest of the answer just typed
        await outbox.reply_to(message, replies.plain(texts.ADDED_TO_ANSWER))
        return
    if outcome.walk is None:
        return
    if isinstance(outcome.question, ShortQuestion) and outcome.question.model_answer:
        # The next step waits for Continue under the model answer (the summary does not).
        moved = await context.storage.walk(outcome.walk.id)
        waiting = await own.waiting_to_show(context.storage, moved) if moved else None
        ack = render.short_acknowledgement(outcome.question, outcome.walk, waiting)
        ack = await _revealed(context, ack, outcome.walk, outcome.question, user.id)
        await outbox.reply_to(message, ack)
        if waiting is None:
            await attempts.show_next(context, outcome.walk.id)
        return
    if isinstance(outcome.question, DebateQuestion) and outcome.asks_counter:
        # The reason is in; the other side's best argument is asked before what others
        # said is shown (issue 14).
        thanks = render.reason_acknowledgement()
        await outbox.reply_to(message, render_discussion.then_counter(thanks, outcome.question))
        return
    if outcome.countered:
        thanks = render_discussion.counter_saved()
    elif isinstance(outcome.question, ShortQuestion):
        thanks = render.short_acknowledgement(outcome.question)
    else:
        thanks = render.reason_acknowledgement()
    thanks = await _revealed(context, thanks, outcome.walk, outcome.question, user.id)
    await outbox.reply_to(message, thanks)
    await attempts.show_next(context, outcome.walk.id)


async def _after_typed_choice(context: BotContext, message: Message, outcome: ChoiceGiven) -> None:
    """A choice typed as its letter: the feedback under it, the question's buttons taken
    off (it is answered), and the next step."""
    if outcome.step is None or outcome.walk is None:
        return
    asked = await own.shown_at(context.storage, outcome.walk)  # the question's message
    if asked is not None:
        await outbox.try_set_keyboard(context.bot, asked.chat_id, asked.message_id, None)
    feedback = render.choice_feedback(outcome.step, outcome.picked, outcome.correct)
    await outbox.reply_to(message, feedback)
    await attempts.show_next(context, outcome.walk.id)


async def _linked_answered(context: BotContext, message: Message, outcome: Outcome) -> None:
    """A group question answered privately through its link: thanks (with what others in
    the session said), or the other side's best argument asked as a reply to the reason."""
    if isinstance(outcome, Refused):
        await outbox.reply_to(message, replies.refusal_reply(outcome, "linked"))
        return
    if not isinstance(outcome, TypedGiven) or outcome.walk is None:
        return
    title = await context.storage.chat_title(outcome.walk.chat_id) or ""
    thanks = replies.answer_saved_for_group(title)
    if isinstance(outcome.question, DebateQuestion) and outcome.asks_counter and outcome.created:
        ask = render_discussion.then_counter(thanks, outcome.question)
        await outbox.reply_quoting(message, ask)
        return
    if outcome.created and message.from_user is not None:
        who = message.from_user.id
        thanks = await _revealed(context, thanks, outcome.walk, outcome.question, who)
    await outbox.reply_to(message, thanks)


async def _revealed(
    context: BotContext,
    thanks: Reply,
    walk: Walk,
    question: ShortQuestion | DebateQuestion | None,
    user_id: int,
) -> Reply:
    """The thanks for a typed answer, with what others said under it (issue 14): only now
    that the student's own answer is in."""
    if question is None:
        return thanks
    shown, told = await reveal.after_answer(context.storage, walk, question, user_id)
    return render_discussion.with_reveal(thanks, shown, told)


async def on_private_edit(update: Update, context: BotContext) -> None:
    """An edited typed answer becomes a new version of that answer (never a second one)."""
    message, user = update.edited_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    outcome = await own.edited(context.storage, context.catalog, user, message)
    if isinstance(outcome, Refused):
        await outbox.reply_to(message, replies.refusal_reply(outcome, "edit"))
    elif isinstance(outcome, TypedGiven) and outcome.created:
        # The same edit delivered twice is acknowledged once.
        updated = texts.ANSWER_REPLACED if outcome.replaced else texts.ANSWER_UPDATED
        await outbox.reply_to(message, replies.plain(updated))
        if outcome.reached_cap:
            await outbox.reply_to(message, replies.plain(replies.versions_capped()))
