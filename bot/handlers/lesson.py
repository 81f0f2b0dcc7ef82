"""A student alone with the bot: /start (and the deep links that open a group's question
here), the lessons menu, /help, /progress, /restart, and hints for anything that is not
an answer. Answers themselves are ``bot.handlers.answers``'."""

from __future__ import annotations

from telegram import Message, Update

from bot import attempts, callbacks, homework, lookups, outbox, texts
from bot.answering import LinkOpened, Refused, linked
from bot.answering import private as own
from bot.callbacks import AgainLesson, BeginLesson, ListLessons, SwitchLesson
from bot.context import BotContext
from bot.hints import hint
from bot.membership import member_check
from bot.render import private as render
from bot.render import replies
from bot.render.markup import Reply


async def start(update: Update, context: BotContext) -> None:
    """Welcome; or back to the lesson in progress; or a group's question, from its link."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    await context.storage.remember_chat(chat.id, chat.type, chat.effective_name)
    payload = context.args[0] if context.args else None
    if (homework_link := callbacks.decode_homework_start(payload)) is not None:
        asked_at = update.effective_message.message_id if update.effective_message else 0
        await homework.start_from_link(context, chat, user, homework_link.assignment_id, asked_at)
        return
    if (words_link := callbacks.decode_words_start(payload)) is not None:
        await lookups.from_link(context, chat.id, user, words_link)  # 📖 Words from a group
        return
    link = callbacks.decode_start(payload)
    if link is not None:
        await _open_link(context, chat.id, user.id, link)
        return
    current = await own.current_attempt(context.storage, context.catalog, chat.id)
    if current is not None and update.effective_message is not None:
        walk, lesson = current
        await attempts.resume(context, lesson, walk, update.effective_message.message_id)
        return
    await attempts.leave_group_question(context, chat.id)
    await outbox.send(context.bot, chat.id, Reply(texts.WELCOME))
    await outbox.send(context.bot, chat.id, render.lessons_menu(context.catalog))


async def _open_link(
    context: BotContext, chat_id: int, user_id: int, link: callbacks.AnswerPrivately
) -> None:
    """/start a<walk>_<question>: the member answers a group question here, unseen."""
    outcome = await linked.open_link(
        context.storage, context.catalog, link, user_id, chat_id, member_check(context)
    )
    if isinstance(outcome, Refused):
        await outbox.send(context.bot, chat_id, replies.link_refusal(outcome))
        return
    assert isinstance(outcome, LinkOpened)
    title = await context.storage.chat_title(outcome.walk.chat_id) or ""
    await outbox.send(context.bot, chat_id, replies.answering_for_group(title))
    asked = await outbox.send(
        context.bot, chat_id, render.question_message(outcome.step, outcome.walk)
    )
    await linked.asked(context.storage, outcome, chat_id, asked.message_id)


async def lessons(update: Update, context: BotContext) -> None:
    """The lessons; the one in progress offers Continue, and says where."""
    chat = update.effective_chat
    assert chat is not None
    current = await own.current_attempt(context.storage, context.catalog, chat.id)
    await outbox.send(context.bot, chat.id, render.lessons_menu(context.catalog, current))


async def help_command(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    await outbox.send(context.bot, update.effective_chat.id, Reply(texts.HELP))


async def progress(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    walk = await context.storage.latest_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if walk is None or lesson is None:
        await outbox.send(context.bot, chat.id, Reply(texts.NO_PROGRESS))
        return
    answered = await context.storage.answer_count(walk.id, user.id)
    await outbox.send(context.bot, chat.id, render.progress(lesson, walk, answered))


async def restart(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    walk = await context.storage.latest_walk(chat.id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if lesson is None:
        await outbox.send(context.bot, chat.id, Reply(texts.NOTHING_TO_RESTART))
        return
    await attempts.begin(context, chat, user, lesson)


async def unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await hint(context, update.effective_message, Reply(texts.UNKNOWN_COMMAND))


async def other_message(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice…: never an answer, always a hint."""
    message = update.effective_message
    assert message is not None
    if await context.storage.private_prompt(message.chat_id) is not None:
        waiting: bool | None = True  # a group's question awaits typed text
    else:
        waiting = await own.waiting_for_text(context.storage, context.catalog, message.chat_id)
    await hint(context, message, replies.hint_for_other(waiting))


def is_menu_button(data: object) -> bool:
    """The callback data of the lessons menu (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(
        callbacks.decode(data), ListLessons | BeginLesson | SwitchLesson | AgainLesson
    )


async def on_menu_button(update: Update, context: BotContext) -> None:
    """The lessons menu and its Begin buttons (a lesson in progress is never closed by one
    without asking: it goes on, or the student confirms the switch)."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and chat is not None and user is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, ListLessons | BeginLesson | SwitchLesson | AgainLesson)
    if isinstance(action, ListLessons):
        await outbox.popup(query)
        current = await own.current_attempt(context.storage, context.catalog, chat.id)
        await outbox.send(context.bot, chat.id, render.lessons_menu(context.catalog, current))
        return
    lesson = context.catalog.get(action.lesson_id)
    if lesson is None:
        await outbox.popup(query, texts.UNKNOWN_LESSON, show_alert=True)
        return
    if isinstance(action, AgainLesson):  # "Start again" under a summary: asked first
        await outbox.popup(query)
        await outbox.send(context.bot, chat.id, render.confirm_again(lesson))
        return
    # A switch was asked for and confirmed: only a Begin button needs to look first.
    current = None
    if isinstance(action, BeginLesson):
        current = await own.current_attempt(context.storage, context.catalog, chat.id)
    if current is not None:
        walk, active = current
        if active.id != lesson.id:
            await outbox.popup(query)
            await outbox.send(context.bot, chat.id, render.switch_lesson(active, lesson))
        elif walk.position == 0:  # just begun (a double tap, say): its first part is there
            await outbox.popup(query, texts.LESSON_IN_PROGRESS, show_alert=True)
        else:  # go on where they stopped
            await outbox.popup(query)
            await outbox.send(context.bot, chat.id, render.welcome_back(active))
            await attempts.show_step(context, active, walk)
        return
    await outbox.popup(query)
    if isinstance(query.message, Message):
        await outbox.drop_keyboard(query.message)
    await attempts.begin(context, chat, user, lesson)
