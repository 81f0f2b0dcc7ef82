"""Homework reminders in a member's private chat: /reminders (the groups they muted, each
with a button to undo it), and a reminder's buttons: Continue (or Start) and 🔕 No
reminders from this group. Sending reminders is ``bot.reminders``' (timers)."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks, homework, outbox, texts
from bot.callbacks import MuteReminders, RemindContinue, UnmuteReminders
from bot.context import BotContext
from bot.render import reminders as render


async def reminders_command(update: Update, context: BotContext) -> None:
    """/reminders: the groups whose reminders this member turned off."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    await outbox.reply_to(message, render.muted_list(await context.storage.muted_groups(user.id)))


def is_reminder_button(data: object) -> bool:
    """Continue, 🔕 and /reminders' undo (the pattern ``app`` routes them by)."""
    return isinstance(data, str) and isinstance(
        callbacks.decode(data), RemindContinue | MuteReminders | UnmuteReminders
    )


async def on_reminder_button(update: Update, context: BotContext) -> None:
    """A reminder's button or /reminders' undo, in the member's private chat. The data
    names a group or an assignment: each is checked (a forged one changes nothing)."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    assert query is not None and user is not None
    action = callbacks.decode(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if chat is None or chat.type != "private" or message is None:
        await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if isinstance(action, RemindContinue):
        await outbox.popup(query)
        # asked_at 0: the step is shown again, below the reminder (which is what is "just
        # above" the press, not the step).
        await homework.start_from_link(context, chat, user, action.assignment_id, 0)
    elif isinstance(action, MuteReminders):
        if not await context.storage.mute_reminders(user.id, action.chat_id):
            await outbox.popup(query, render.unknown_group_popup(), show_alert=True)
            return
        title = await context.storage.chat_title(action.chat_id) or ""
        await outbox.popup(query, render.muted_popup(title), show_alert=True)
        await _drop_mute_button(message)
    elif isinstance(action, UnmuteReminders):
        title = await context.storage.chat_title(action.chat_id) or ""
        if await context.storage.unmute_reminders(user.id, action.chat_id):
            await outbox.popup(query, render.unmuted_popup(title))
        else:
            await outbox.popup(query, render.not_muted_popup())
        await outbox.edit(message, render.muted_list(await context.storage.muted_groups(user.id)))


async def _drop_mute_button(message: Message) -> None:
    """The reminder keeps Continue; 🔕 goes (it is done)."""
    keyboard = message.reply_markup
    if keyboard is None:
        return
    kept = [
        row
        for row in keyboard.inline_keyboard
        if not any(
            isinstance(b.callback_data, str)
            and isinstance(callbacks.decode(b.callback_data), MuteReminders)
            for b in row
        )
    ]
    await outbox.set_keyboard(message, type(keyboard)(kept) if kept else None)
