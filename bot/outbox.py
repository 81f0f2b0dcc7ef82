"""The one way the bot talks to Telegram: messages, quiz polls, pop-ups and edits (what was
``bot.popups``, ``bot.edits`` and five send helpers).

Flood limits are ``bot.send_budget``'s (set in ``build_application``: each chat's budget
and the bot's, shared fairly; a 429 is waited out, never an error); what Telegram refuses
in ways that are not errors for us ("message is not modified", a pop-up answered too late,
a message deleted before its edit) is handled here, once. Handlers and the session code
send nothing any other way.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReactionTypeEmoji
from telegram.constants import ReactionEmoji
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackContext, JobQueue

from bot.metrics import count_in_push
from bot.push_reply import answer_in_push, react_in_push
from bot.render.group import GroupMessage, QuizPoll
from bot.render.markup import Reply

log = logging.getLogger(__name__)


async def popup(query: CallbackQuery, text: str | None = None, *, show_alert: bool = False) -> None:
    """Answer a press (with a pop-up when ``text`` is given). Telegram gives a bot about 15
    seconds to answer; a press that waited longer (a slow moment, a restart) is refused as
    "query is too old", but the press was real: what it recorded stays recorded, and the
    handler carries on. In webhook mode the pop-up goes in the answer to the press's push
    when that still waits (``bot.push_reply``)."""
    if answer_in_push(query.id, text=text, show_alert=show_alert or None):
        count_in_push("answerCallbackQuery")
        return
    try:
        await query.answer(text, show_alert=show_alert)
    except BadRequest as error:
        message = str(error).lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        log.info("answered a button press too late (query %s)", query.id)


async def open_url(query: CallbackQuery, url: str) -> None:
    """Answer a press by opening ``url`` (a t.me link to the bot with a /start payload: the
    private chat); a press answered too late is let go, as in ``popup``."""
    if answer_in_push(query.id, url=url):
        count_in_push("answerCallbackQuery")
        return
    try:
        await query.answer(url=url)
    except BadRequest as error:
        message = str(error).lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        log.info("answered a button press too late (query %s)", query.id)


async def edit(message: Message, reply: Reply) -> None:
    """Show ``reply`` in place of ``message``. A double tap asks for the same edit twice
    ("message is not modified": it is shown already); a message the user deleted cannot be
    edited, so the new content is sent anew."""
    try:
        await message.edit_text(reply.text, reply_markup=reply.keyboard)
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" in reason:
            return
        if "message to edit not found" not in reason:
            raise
        await message.get_bot().send_message(
            message.chat_id, reply.text, reply_markup=reply.keyboard
        )


async def edit_by_id(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Show ``reply`` in place of a message known only by its ids (a timer's edit has no
    Message at hand). Shown already ("message is not modified") is not an error; any other
    refusal is raised for the caller to judge. In a group it counts against the group's
    flood budget like a new message (the rate limiter sees its chat id)."""
    try:
        await bot.edit_message_text(
            reply.text, chat_id=chat_id, message_id=message_id, reply_markup=reply.keyboard
        )
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise


async def drop_keyboard(message: Message) -> None:
    """Take the buttons off a message (nothing to do if they are gone already)."""
    if message.reply_markup is not None:
        await set_keyboard(message, None)


async def send(bot: Bot, chat_id: int, reply: Reply, thread_id: int | None = None) -> Message:
    return await bot.send_message(
        chat_id, reply.text, reply_markup=reply.keyboard, message_thread_id=thread_id
    )


async def reply_to(message: Message, reply: Reply) -> Message:
    """Answer a message in its chat, as a reply to it (sent all the same if it is gone)."""
    return await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def reply_quoting(message: Message, reply: Reply) -> Message:
    """Answer a message as a visible reply to it, in a private chat too (where ``reply_to``
    does not quote): the other side's argument asked under the reason it answers."""
    return await message.reply_text(reply.text, reply_markup=reply.keyboard, do_quote=True)


async def send_any(
    bot: Bot, chat_id: int, message: GroupMessage, thread_id: int | None = None
) -> Message:
    """A message, or a question as a quiz poll that tells us who answered what."""
    if isinstance(message, QuizPoll):
        return await bot.send_poll(
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
            open_period=message.open_period,  # a paced session's: it closes itself
        )
    return await send(bot, chat_id, message, thread_id)


async def set_keyboard(message: Message, keyboard: InlineKeyboardMarkup | None) -> None:
    """Show other buttons under a message (the same ones again is not an error)."""
    try:
        await message.edit_reply_markup(keyboard)
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise


async def try_set_keyboard(
    bot: Bot, chat_id: int, message_id: int, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Change a message's buttons if Telegram still lets us (too old, deleted: logged)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=keyboard)
    except TelegramError as error:
        log.debug("could not change the buttons of message %s: %s", message_id, error)


async def try_stop_poll(bot: Bot, chat_id: int, message_id: int) -> None:
    with contextlib.suppress(TelegramError):
        await bot.stop_poll(chat_id, message_id)


async def try_popup(query: CallbackQuery, text: str, *, show_alert: bool = False) -> None:
    """A pop-up where a failure to show it must not fail what was already done."""
    with contextlib.suppress(TelegramError):
        await popup(query, text, show_alert=show_alert)


# --- reactions and short-lived replies (a group's answers) --------------------------------


# Reactions sent at once, at most. bench/burst.py (200 replies in a second, each with its ✍):
# the answers' p99 was 151 ms with no bound, 62-145 ms (5 runs) with 2; 69 ms with none sent.
REACTIONS_IN_FLIGHT = 2
# Reactions waiting to go out, at most; past that the oldest is dropped (a ✍ is a courtesy,
# the answer is recorded all the same). A task per reaction held its whole Update until
# sent: with replies coming faster than two reactions at a time go out, bench/memory.py's
# bot grew by 80 MiB in 20,000 answers. A waiting reaction is now three numbers.
REACTIONS_WAITING = 1_000
RECORDED = ReactionEmoji.WRITING_HAND  # ✍: "noted", on a reply the bot recorded


class Reactions:
    """The bot's ✍s, low priority: a bounded queue drained by at most REACTIONS_IN_FLIGHT
    tasks, so a crowd's reactions never crowd out the answers being recorded and the
    pop-ups being shown, and never pile up in memory."""

    def __init__(self, waiting: int = REACTIONS_WAITING) -> None:
        self._waiting: deque[tuple[int, int, str]] = deque(maxlen=waiting)
        self._draining = 0
        self.dropped = 0

    def add(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int,
        message_id: int,
        emoji: str = RECORDED,
    ) -> None:
        if react_in_push(chat_id, message_id, emoji):  # webhook mode: in the push's answer
            count_in_push("setMessageReaction")
            return
        if len(self._waiting) == self._waiting.maxlen:
            self.dropped += 1  # the deque drops its oldest on append
        self._waiting.append((chat_id, message_id, emoji))
        if self._draining < REACTIONS_IN_FLIGHT:
            self._draining += 1
            application.create_task(self._drain(application), name="reactions")

    def __len__(self) -> int:
        return len(self._waiting)

    async def _drain(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            # Stopping: what is left is dropped rather than holding the shutdown up.
            while self._waiting and application.running:
                chat_id, message_id, emoji = self._waiting.popleft()
                await try_react(application.bot, chat_id, message_id, emoji)
        finally:
            self._draining -= 1


# How long a short reply in a group (why a reply did not count, /status) stays before it
# deletes itself, in seconds.
SHORT_LIVED_SECONDS = 60.0


async def try_react(bot: Bot, chat_id: int, message_id: int, emoji: str = RECORDED) -> None:
    """Put the bot's reaction on a message; a group that allows no reactions (or a message
    gone meanwhile) is not an error: the answer is recorded all the same."""
    try:
        await bot.set_message_reaction(chat_id, message_id, [ReactionTypeEmoji(emoji)])
    except TelegramError as error:
        log.debug("could not react to message %s in %s: %s", message_id, chat_id, error)


async def reply_short_lived(message: Message, reply: Reply, jobs: JobQueue[Any] | None) -> Message:
    """Reply, and delete the reply after SHORT_LIVED_SECONDS so the group stays readable.
    The deletion is a JobQueue job, in memory: a restart in that minute leaves the reply
    (a short line, harmless), which is cheaper than storing every pending deletion."""
    sent = await reply_to(message, reply)
    if jobs is not None:
        jobs.run_once(
            _delete_job,
            SHORT_LIVED_SECONDS,
            data=(sent.chat_id, sent.message_id),
            name=f"delete:{sent.chat_id}:{sent.message_id}",
        )
    return sent


async def _delete_job(context: CallbackContext[Any, Any, Any, Any]) -> None:
    job = context.job
    if job is not None and isinstance(job.data, tuple):
        chat_id, message_id = job.data
        await try_delete(context.bot, int(chat_id), int(message_id))


async def try_delete(bot: Bot, chat_id: int, message_id: int) -> None:
    """Delete a message of ours (gone already, or too old: logged, not an error)."""
    try:
        await bot.delete_message(chat_id, message_id)
    except TelegramError as error:
        log.debug("could not delete message %s in %s: %s", message_id, chat_id, error)
