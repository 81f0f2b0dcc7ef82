"""/settings in a group: the moderators' panel of the group's settings (``bot.group_settings``:
quiz style, typed answers public or private, model answers, the time zone). One message,
edited in place as its buttons are pressed; everyone else gets a short refusal. (/settings
in a private chat is another feature's.)"""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks, group_settings, homework, i18n, outbox, texts
from bot.callbacks import SettingChoice
from bot.context import BotContext
from bot.moderation import allowed_or_refused, moderators_only
from bot.render import group_settings as render


async def _panel_parts(
    context: BotContext, chat_id: int
) -> tuple[group_settings.GroupSettings, str]:
    settings = await group_settings.settings_of(context.storage, chat_id)
    zone = await homework.zone_of(context, chat_id)
    return settings, zone.key


@moderators_only
async def settings_command(update: Update, context: BotContext) -> None:
    """/settings in a group: the panel."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    if message is None:
        return
    settings, zone = await _panel_parts(context, chat.id)
    await outbox.reply_to(message, render.panel(settings, zone))


def is_settings_button(data: object) -> bool:
    """The callback data of a panel button (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(callbacks.decode(data), SettingChoice)


async def on_settings_button(update: Update, context: BotContext) -> None:
    """A panel button: the setting changed (moderators only), and the panel shows it."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action = callbacks.decode(query.data)
    assert isinstance(action, SettingChoice)  # the pattern
    entry = group_settings.setting(action.setting)
    if chat.type == "private" or entry is None:  # forged: the panel is a group's
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    if not await allowed_or_refused(update, context):
        return
    if not entry.choices:  # kept elsewhere (the time zone): how to change it
        with i18n.to_presser():
            await outbox.popup(query, entry.how, show_alert=True)
        return
    value = await group_settings.change(context.storage, chat.id, entry, action.index)
    if value is None:
        with i18n.to_presser():
            await outbox.popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
        return
    with i18n.to_presser():
        await outbox.popup(query, render.changed(entry, value))
    if isinstance(query.message, Message):
        settings, zone = await _panel_parts(context, chat.id)
        await outbox.set_keyboard(query.message, render.keyboard(settings, zone))
