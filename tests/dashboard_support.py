"""What the dashboard's tests share: a group whose session has answers of every kind, the
bot running with the dashboard on a free port, and signing in as a moderator would (the
link from /dashboard in their private chat)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.context import BotApplication
from tests.actors import Group, Moderator, Student, link_payload, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage
from tests.webhook_support import free_port

# One part of two button questions, then a short question and a debate.
DASH_LESSON = """\
id: dash
title: Dash <lesson> & co
source: {publisher: Test Press, date: 2024-01-02}
shuffle: false
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: easy
        type: choice
        style: buttons
        prompt: Which is right?
        options: [Right, Wrong, Other]
        answer: Right
      - id: hard
        type: choice
        style: buttons
        prompt: A hard one?
        options: [Sure, Nope]
        answer: Sure
discussion:
  - id: say
    type: short
    prompt: Say something.
  - id: should
    type: debate
    prompt: Should we?
"""

# The long typed answer a page must show in full.
LONG_ANSWER = "I think <b>so</b> & more: " + " ".join(f"word{i}" for i in range(120))


@dataclass
class Dash:
    standin: BotApiStandIn
    application: BotApplication
    group: Group
    base: str  # http://127.0.0.1:PORT
    folder: Path

    @property
    def walk_id(self) -> int:
        from tests.actors import value

        return int(value(self.folder, "SELECT MAX(id) FROM walks WHERE audience = 'group'"))


async def _question(group: Group, prompt: str) -> StoredMessage:
    message = await group.reads()
    assert prompt in text(message), text(message)
    return message


async def run_session(group: Group) -> None:
    """A session: M0 right on both, M1 right then wrong, M2 wrong on both, M3 only the
    first; typed answers and a debate from some."""
    standin = group.standin
    m0, m1, m2, m3 = group.members[:4]
    group.says(group.admin, "/begin")
    await group.reads()  # the start
    group.says(group.admin, "/next")
    await group.reads()  # the part
    group.says(group.admin, "/next")
    easy = await _question(group, "Which is right?")
    hard = await _question(group, "A hard one?")
    for member, pick in ((m0, "Right"), (m1, "Right"), (m2, "Wrong"), (m3, "Right")):
        await group.presses(member, easy, pick)
    for member, pick in ((m0, "Sure"), (m1, "Nope"), (m2, "Nope")):
        await group.presses(member, hard, pick)
    group.says(group.admin, "/next")
    say = await _question(group, "Say something.")
    standin.reply(m0, say, LONG_ANSWER)
    standin.reply(m1, say, "short one")
    group.says(group.admin, "/next")
    should = await _question(group, "Should we?")
    await group.presses(m0, should, "Agree")
    standin.reply(m0, should, "because it helps")
    await group.presses(m1, should, "Disagree")
    standin.reply(m1, should, "because it costs")
    await group.barrier()


@asynccontextmanager
async def dashboard_bot(
    standin: BotApiStandIn,
    folder: Path,
    *,
    url: str | None = None,
    lesson: str = DASH_LESSON,
    members: int | list[str] = 4,
    **extra: Any,
) -> AsyncIterator[Dash]:
    """The bot with the dashboard on a free port (``url``: its BOT_DASHBOARD_URL, by default
    that port's own address), its lesson (DASH_LESSON unless given), and a group."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings_for(
        standin,
        folder,
        lesson,
        BOT_LISTEN=f"127.0.0.1:{port}",
        BOT_DASHBOARD_URL=url or base,
        **extra,
    )
    group = Group(standin, "Room <A>", members=members)
    async with running_bot(settings) as application:
        yield Dash(standin, application, group, base, folder)


async def signin_link(standin: BotApiStandIn, group: Group | None = None, **kw: Any) -> str:
    """The one-time link /dashboard gives the group's admin (or ``kw['user']``)."""
    moderator = Moderator(standin, group, **kw)
    moderator.says("/dashboard")
    reply = await moderator.reads()
    url = next(b.url for row in reply.buttons for b in row if b.url)
    assert url is not None and "/dashboard/signin?t=" in url, url
    return url


def local_path(url: str, base: str) -> str:
    """The link's path on the test's server (its BOT_DASHBOARD_URL may be a public one)."""
    found = re.search(r"/dashboard/.*$", url)
    assert found is not None
    return base + found.group(0)


async def signed_in(session: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    async with session.get(link, allow_redirects=False) as response:
        await response.read()
        return response


async def homework_answered(group: Group, assign: str, typed: str) -> Student:
    """``/assign <assign>`` in ``group``, and its first member does the homework from its Start
    link up to the typed answer ``typed`` (saved): the student, at the debate's question."""
    group.says(group.admin, f"/assign {assign}")
    post = await group.reads()
    student = Student(group.standin, user=group.members[0])
    student.says(f"/start {link_payload(post)}")
    await student.reads()  # "Homework for Room <A>"
    await student.presses(await student.reads(), "Continue ▸")
    await student.presses(await student.reads(), "Right")
    await student.presses(await student.reads(), "Nope")
    assert "Say something." in text(await student.reads())
    student.says(typed)
    assert "Saved your answer" in text(await student.reads())
    return student
