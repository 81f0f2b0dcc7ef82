"""Homework reminders' words and buttons: a member's private reminder (Continue or Start,
and 🔕), the group's reply to the assignment message naming who has not finished, and
/reminders (the groups a member muted, each with a button to undo it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot import callbacks, texts
from bot.lessons import Lesson
from bot.render.assignments import deadline_with_hint, from_iso
from bot.render.fit import MESSAGE_LIMIT, clip, popup, visible_length
from bot.render.markup import Reply, button, column, esc
from bot.storage.assignments import Assignment

# Telegram shows a message's first 100 entities at most: mentions per group message stay
# well under it; and a reminder time posts at most this many messages (20 a minute per group).
MENTIONS_PER_MESSAGE = 50
MAX_GROUP_MESSAGES = 3
NAME_LIMIT = 40  # a display name in a list of names
GROUP_LIMIT = 48  # a group's title on a button


def _group(title: str) -> str:
    return title or texts.REMINDERS_UNNAMED_GROUP


def private_reminder(
    lesson: Lesson,
    group: str,
    assignment: Assignment,
    zone: ZoneInfo,
    now: dt.datetime,
    *,
    started: bool,
) -> Reply:
    """A member's reminder: the homework, its deadline, Continue (Start when they have not
    begun), and 🔕 for this group's reminders."""
    template = texts.REMINDER_STARTED if started else texts.REMINDER_NOT_STARTED
    go = texts.REMINDER_CONTINUE_BUTTON if started else texts.REMINDER_START_BUTTON
    return Reply(
        template.format(
            group=esc(_group(group)),
            lesson=esc(lesson.title),
            when=deadline_with_hint(from_iso(assignment.deadline), zone, now),
        ),
        column(
            [
                button(go, callbacks.RemindContinue(assignment.id)),
                button(texts.REMINDER_MUTE_BUTTON, callbacks.MuteReminders(assignment.chat_id)),
            ]
        ),
    )


def mention(user_id: int, name: str) -> str:
    """A name that notifies its person (HTML ``tg://user?id=``), clipped for a list."""
    shown = clip(name.strip() or texts.REMINDER_SOMEONE, NAME_LIMIT)
    return f'<a href="tg://user?id={user_id:d}">{esc(shown)}</a>'


def _plural(forms: tuple[str, str], n: int) -> str:
    return (forms[0] if n == 1 else forms[1]).format(n=n)


def group_reminder(
    lesson: Lesson,
    assignment: Assignment,
    zone: ZoneInfo,
    now: dt.datetime,
    named: Sequence[tuple[int, str]],
    unheard: int,
) -> list[Reply]:
    """The group's reply to the assignment message: the deadline, the people it knows have
    not finished (mentions, ``MENTIONS_PER_MESSAGE`` a message, at most
    ``MAX_GROUP_MESSAGES`` messages: the rest counted), and how many members it has not
    heard from. Nothing when there is nobody to name or count."""
    if not named and unheard <= 0:
        return []
    header = texts.REMINDER_GROUP.format(
        lesson=esc(lesson.title),
        when=deadline_with_hint(from_iso(assignment.deadline), zone, now),
    )
    chunks = [
        named[i : i + MENTIONS_PER_MESSAGE] for i in range(0, len(named), MENTIONS_PER_MESSAGE)
    ]
    shown, left_out = chunks[:MAX_GROUP_MESSAGES], chunks[MAX_GROUP_MESSAGES:]
    not_named = sum(len(chunk) for chunk in left_out)
    messages: list[list[str]] = []
    for number, chunk in enumerate(shown):
        names = ", ".join(mention(user_id, name) for user_id, name in chunk)
        if number == 0:
            messages.append([header, texts.REMINDER_GROUP_NAMES.format(names=names)])
        else:
            messages.append([texts.REMINDER_GROUP_NAMES_CONTINUED.format(names=names)])
    if not messages:
        messages.append([header])
    tail = messages[-1]
    if not_named:
        tail.append(_plural(texts.REMINDER_GROUP_NOT_NAMED, not_named))
    if unheard > 0:
        tail.append(_plural(texts.REMINDER_GROUP_UNHEARD, unheard))
    tail.append(texts.REMINDER_GROUP_START)
    replies = [Reply("\n".join(lines)) for lines in messages]
    assert all(visible_length(r.text) <= MESSAGE_LIMIT for r in replies), "names are clipped"
    return replies


# --- 🔕 and /reminders --------------------------------------------------------------------


def muted_popup(group: str) -> str:
    return popup(texts.REMINDER_MUTED.format(group=_group(group)))


def unknown_group_popup() -> str:
    return texts.REMINDER_UNKNOWN_GROUP


def unmuted_popup(group: str) -> str:
    return popup(texts.REMINDERS_UNMUTED.format(group=_group(group)))


def not_muted_popup() -> str:
    return texts.REMINDERS_NOT_MUTED


def muted_list(groups: Sequence[tuple[int, str]]) -> Reply:
    """/reminders: the groups whose reminders the member turned off, a button each to undo."""
    if not groups:
        return Reply(texts.REMINDERS_NONE)
    lines = "\n".join(
        texts.REMINDERS_MUTED_LINE.format(group=esc(clip(_group(title), GROUP_LIMIT)))
        for _, title in groups
    )
    return Reply(
        texts.REMINDERS_MUTED.format(groups=lines),
        column(
            button(
                texts.REMINDERS_UNMUTE_BUTTON.format(group=clip(_group(title), GROUP_LIMIT)),
                callbacks.UnmuteReminders(chat_id),
            )
            for chat_id, title in groups
        ),
    )
