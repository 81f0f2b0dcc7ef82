"""Discussion's commands (issue 14): /settings in a private chat (whether a student's
reasons are shown to others after they answer), and a group's /digest on|off (moderators).
Thin: storage keeps the switches, render words them."""

from __future__ import annotations

from telegram import Message, Update

from bot import i18n, outbox
from bot.callbacks import ShowReasons, decode
from bot.context import BotContext
from bot.discussion import top
from bot.moderation import allowed_or_refused, moderators_only
from bot.render import discussion as render

_ON, _OFF = "on", "off"


async def settings_command(update: Update, context: BotContext) -> None:
    """/settings in a private chat: the reveal toggle."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    shows = await context.storage.shows_reasons(user.id)
    await outbox.reply_to(message, render.settings(shows))


def is_settings_button(data: object) -> bool:
    """The callback data of /settings' toggle (the pattern ``app`` routes it by)."""
    return isinstance(data, str) and isinstance(decode(data), ShowReasons)


async def on_settings_button(update: Update, context: BotContext) -> None:
    """The toggle: it sets the presser's own setting, whatever message it is under."""
    query = update.callback_query
    assert query is not None
    action = decode(query.data)
    assert isinstance(action, ShowReasons)  # the handler's pattern
    shows = bool(action.on)
    await context.storage.set_shows_reasons(query.from_user.id, shows)
    with i18n.to_presser():  # their own setting: a pop-up in their language, anywhere
        await outbox.popup(query, render.settings_saved(shows))
    message = query.message
    if isinstance(message, Message) and message.chat.id == query.from_user.id:
        await outbox.edit(message, render.settings(shows))  # the panel as it is now


@moderators_only
async def digest_command(update: Update, context: BotContext) -> None:
    """/digest on|off in a group (moderators); without a word: how it is and how to switch."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    word = (context.args or [""])[0].lower()
    if word in (_ON, _OFF):
        await context.storage.set_group_switch(chat.id, "digest", word == _ON)
        await outbox.reply_to(message, render.digest_switched(word == _ON))
        return
    switches = await context.storage.group_switches(chat.id)
    await outbox.reply_to(message, render.digest_usage(switches.digest))


# How many /leaderboard lists (the closing results list the top five).
STANDINGS_SHOWN = 10


async def leaderboard_command(update: Update, context: BotContext) -> None:
    """/leaderboard in a group: the standings when it is on; ``on``/``off`` (moderators)
    switch it. Off by default: many teachers want no competition."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    word = (context.args or [""])[0].lower()
    if word in (_ON, _OFF):
        if await allowed_or_refused(update, context, afresh=False):
            await context.storage.set_group_switch(chat.id, "leaderboard", word == _ON)
            await outbox.reply_to(message, render.leaderboard_switched(word == _ON))
        return
    if not (await context.storage.group_switches(chat.id)).leaderboard:
        await outbox.reply_to(message, render.leaderboard_off())
        return
    scores = await context.storage.choice_scores("group", chat.id)
    await outbox.reply_to(message, render.standings(top(scores, STANDINGS_SHOWN)))


async def own_scores_command(update: Update, context: BotContext) -> None:
    """/leaderboard in a private chat: the student's own scores, group by group."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    await outbox.reply_to(message, render.own_scores(await context.storage.own_scores(user.id)))
