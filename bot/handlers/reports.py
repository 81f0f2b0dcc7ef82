"""Moderators pull the response logs (/report, /export). Reports and exports go to a
private chat, never into a group, and rights are asked of Telegram again for every delivery
(never taken from the cache)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal, NamedTuple

from telegram import (
    Update,
)
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot import outbox, texts
from bot.callbacks import Action, ExportFor, ReportFor, decode
from bot.context import BotContext
from bot.deliveries import (
    DELIVER_PAYLOAD,
    Format,
    deliver_assignment_report,
    deliver_export,
    deliver_pending,
    deliver_report,
)
from bot.moderation import is_moderator, moderators_asked_afresh
from bot.outbox import popup
from bot.render import reports as render
from bot.storage.assignments import Assignment

log = logging.getLogger(__name__)


async def _deliver_or_ask(
    update: Update,
    context: BotContext,
    kind: Literal["report", "export"],
    fmt: Format,
    every: bool,
    history: bool = False,
    lookups: bool = False,
    assignment: Assignment | None = None,
) -> None:
    """From a group: deliver privately, or ask the moderator to start a private chat."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    await context.storage.remember_chat(chat.id, chat.type, chat.title)
    try:
        if kind == "report" and assignment is not None:
            await deliver_assignment_report(context, user.id, assignment)
        elif kind == "report":
            await deliver_report(context, user.id, chat.id)
        else:
            await deliver_export(context, user.id, chat.id, fmt, every, history, lookups)
    except Forbidden:
        # Never started a private chat with the bot (or blocked it): keep the request.
        await context.storage.add_delivery(
            user.id,
            kind,
            chat.id,
            fmt,
            every,
            history,
            assignment.id if assignment else None,
            lookups=lookups,
        )
        await outbox.reply_to(
            message, render.open_private_chat(context.bot.username, DELIVER_PAYLOAD)
        )
        return
    await message.reply_text(texts.REPORT_SENT)


async def _anonymous_refused(update: Update) -> bool:
    """An anonymous admin (posting as the group) is told to ask as themselves, whatever
    follows the command: there is no one to send a report or export to."""
    message = update.effective_message
    assert message is not None
    if message.sender_chat is None:
        return False
    await message.reply_text(texts.ANONYMOUS_CANNOT_RECEIVE)
    return True


# --- commands -----------------------------------------------------------------------------


@moderators_asked_afresh
async def report_in_group(update: Update, context: BotContext) -> None:
    """/report: the latest session and the group's homework; /report <n>: homework #n."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if await _anonymous_refused(update):
        return
    if context.args:
        typed = asked_homework(context.args)
        if typed is None:
            await outbox.reply_to(message, render.report_usage())
            return
        wanted = homework_number(typed)
        found = await context.storage.assignment(wanted) if wanted else None
        if found is None or found.chat_id != chat.id:
            await outbox.reply_to(message, render.homework_unknown(typed))
            return
        await _deliver_or_ask(update, context, "report", "csv", every=False, assignment=found)
        return
    if await context.storage.latest_group_walk(
        chat.id
    ) is None and not await context.storage.chat_assignments(chat.id, limit=1):
        await message.reply_text(texts.REPORT_NO_SESSION)
        return
    await _deliver_or_ask(update, context, "report", "csv", every=False)


def asked_homework(args: list[str]) -> str | None:
    """The one homework number typed after /report ("3" or "#3"), without its "#"; None
    for anything else (a word, a negative number, a second word), which gets the usage."""
    typed = args[0].lstrip("#") if len(args) == 1 else ""
    return typed if typed.isdecimal() else None


def homework_number(typed: str) -> int | None:
    """A homework's number as typed after /report ("3" or "#3"), or None for anything else."""
    typed = typed.lstrip("#")
    return int(typed) if typed.isdecimal() and len(typed) < 13 else None


FORMATS: dict[str, Format] = {"csv": "csv", "jsonl": "jsonl", "xlsx": "xlsx"}


class ExportArgs(NamedTuple):
    fmt: Format
    every: bool  # every session, not just the latest
    history: bool  # every version of every answer
    lookups: bool = False  # the glossary lookups instead of the answers


def parse_export_args(args: list[str]) -> ExportArgs | None:
    """/export's words, in any order: a format (csv, jsonl, xlsx), "all" (every session),
    "history" (every version) and "lookups" (the words looked up with 📖 Words, which belong
    to no session and have no versions: csv or jsonl, as ``python -m bot export --lookups``
    takes them). None for anything else."""
    fmt: Format = "csv"
    every = history = lookups = False
    for arg in (a.lower() for a in args):
        if arg in FORMATS:
            fmt = FORMATS[arg]
        elif arg == "all":
            every = True
        elif arg == "history":
            history = True
        elif arg == "lookups":
            lookups = True
        else:
            return None
    if lookups and (fmt == "xlsx" or history):
        return None
    return ExportArgs(fmt, every, history, lookups)


def homework_among(args: list[str]) -> str | None:
    """A homework's number among /export's words, as typed (its results are /report's)."""
    return next((a.lstrip("#") for a in args if homework_number(a) is not None), None)


@moderators_asked_afresh
async def export_in_group(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    if await _anonymous_refused(update):
        return
    parsed = parse_export_args(context.args or [])
    if parsed is None:
        await outbox.reply_to(message, render.export_usage(homework_among(context.args or [])))
        return
    await _deliver_or_ask(update, context, "export", *parsed)


async def _moderated_groups(update: Update, context: BotContext) -> list[tuple[int, str]]:
    return [
        (chat_id, title)
        for chat_id, title in await context.storage.groups_with_sessions()
        if await is_moderator(update, context, chat_id)
    ]


async def report_in_private(update: Update, context: BotContext) -> None:
    """In a private chat: choose one of the groups this moderator runs; /report <n>: the
    full report of homework #n, if it is one of theirs (asked of Telegram afresh)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if not context.args:
        await _choose_group(update, context, ReportFor)
        return
    typed = asked_homework(context.args)
    if typed is None:
        await outbox.reply_to(message, render.report_usage())
        return
    wanted = homework_number(typed)
    found = await context.storage.assignment(wanted) if wanted else None
    if found is None or not await is_moderator(update, context, found.chat_id, afresh=True):
        await outbox.reply_to(message, render.homework_not_yours(typed))
        return
    await deliver_assignment_report(context, user.id, found)


async def export_in_private(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    parsed = parse_export_args(context.args or [])
    if parsed is None:
        await outbox.reply_to(message, render.export_usage(homework_among(context.args or [])))
        return
    fmt, every, history, lookups = parsed
    scope = (
        (ExportFor.ALL_SESSIONS if every else 0)
        | (ExportFor.HISTORY if history else 0)
        | (ExportFor.LOOKUPS if lookups else 0)
    )
    await _choose_group(update, context, lambda chat_id: ExportFor(chat_id, fmt, scope))


async def _choose_group(
    update: Update, context: BotContext, action: Callable[[int], Action]
) -> None:
    message = update.effective_message
    assert message is not None
    groups = await _moderated_groups(update, context)
    await outbox.reply_to(message, render.choose_group(groups, action))


async def on_group_chosen(
    update: Update, context: BotContext, action: ReportFor | ExportFor
) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    if not await is_moderator(update, context, action.chat_id, afresh=True):
        await popup(query, texts.MODERATORS_ONLY, show_alert=True)
        return
    await popup(query)
    if isinstance(action, ReportFor):
        await deliver_report(context, user.id, action.chat_id)
    else:
        await deliver_export(
            context,
            user.id,
            action.chat_id,
            FORMATS.get(action.fmt, "csv"),
            bool(action.scope & ExportFor.ALL_SESSIONS),
            bool(action.scope & ExportFor.HISTORY),
            bool(action.scope & ExportFor.LOOKUPS),
        )


async def deliver_on_start(update: Update, context: BotContext) -> None:
    """/start in a private chat first hands over what the moderator asked for in a group;
    a /start that came only for that (its link's payload) goes no further."""
    delivered = await deliver_pending(update, context)
    if delivered and context.args and context.args[0] == DELIVER_PAYLOAD:
        raise ApplicationHandlerStop


def is_delivery_button(data: object) -> bool:
    """The callback data of a report or export button (the pattern ``app`` routes them by)."""
    return isinstance(data, str) and isinstance(decode(data), ReportFor | ExportFor)


async def on_delivery_button(update: Update, context: BotContext) -> None:
    """A group picked for a report or export: private chats only."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    action = decode(query.data)
    if chat is None or chat.type != "private":
        await popup(query, texts.UNKNOWN_BUTTON, show_alert=True)
    elif isinstance(action, ReportFor | ExportFor):
        await on_group_chosen(update, context, action)
