"""One entry point for every button press: parse the data strictly, then route it.

Callback data is untrusted (a client can send anything), so it is decoded by
``bot.callbacks`` and checked against the database before any handler acts on it.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import callbacks, texts
from bot.callbacks import (
    BeginLesson,
    ExportFor,
    Forget,
    GroupBegin,
    GroupNext,
    GroupPick,
    ListLessons,
    PickStance,
    ReportFor,
    SubmitChoice,
    SwitchLesson,
)
from bot.context import BotContext
from bot.handlers import group, private, reports
from bot.moderation import allowed_or_refused
from bot.popups import popup
from bot.storage import Walk

log = logging.getLogger(__name__)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    action = callbacks.decode(query.data)
    if action is None:
        log.warning("refused callback data from user %s", query.from_user.id)
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if isinstance(action, ListLessons | BeginLesson | SwitchLesson):
        await private.on_menu_action(update, context, action)
        return
    if isinstance(action, GroupBegin | GroupNext):
        if not await allowed_or_refused(update, context):
            return
        if isinstance(action, GroupBegin):
            await group.on_begin_button(update, context, action)
        else:
            await group.on_next_button(update, context, action)
        return
    if isinstance(action, ReportFor | ExportFor | Forget):
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        elif isinstance(action, Forget):
            await reports.on_forget(update, context, action)
        else:
            await reports.on_group_chosen(update, context, action)
        return
    walk = await context.storage.walk(action.walk_id)
    if walk is None:
        log.warning("refused a button for unknown walk %s", action.walk_id)
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if walk.audience == "private":
        if isinstance(action, GroupPick):
            await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
            return
        await private.on_walk_action(update, context, walk, action)
        return
    await _group_answer(update, context, walk, action)


async def _group_answer(
    update: Update,
    context: BotContext,
    walk: Walk,
    action: callbacks.ContinueReading
    | SubmitChoice
    | callbacks.ToggleChoice
    | PickStance
    | GroupPick,
) -> None:
    """A member's answer button in a group (or, for a stance, in their private chat)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    in_group = chat.id == walk.chat_id
    privately = chat.type == "private" and isinstance(action, PickStance)
    if not (in_group or privately) or not isinstance(action, SubmitChoice | GroupPick | PickStance):
        log.warning("refused a group button from chat %s for walk %s", chat.id, walk.id)
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if privately:
        prompt = await context.storage.private_prompt(chat.id)
        if prompt is None or (prompt.walk_id, prompt.question_id) != (walk.id, action.question_id):
            log.warning("refused a private stance for walk %s from chat %s", walk.id, chat.id)
            await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
            return
    lesson = context.catalog.get(walk.lesson_id)
    if walk.status == "paused":
        await popup(query, texts.SESSION_PAUSED, show_alert=True)
        return
    if walk.status != "active" or lesson is None or lesson.question(action.question_id) is None:
        await popup(query, texts.GROUP_QUESTION_CLOSED, show_alert=True)
        return
    if isinstance(action, SubmitChoice):
        await group.on_choice_button(update, context, walk, lesson, action)
    elif isinstance(action, GroupPick):
        await group.on_pick_button(update, context, walk, lesson, action)
    else:
        await group.on_stance_button(update, context, walk, lesson, action, via_private=privately)
        if privately:
            await private.after_private_stance(update, context, walk, lesson, action)
