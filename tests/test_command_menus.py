"""Issue 13, defect 9: the command menus by role. A student's menus hold no /report or
/export (only moderators can use them), group admins and the configured moderators get
them, and a student's /help fits one phone screen."""

from __future__ import annotations

import logging
import re
import textwrap
from pathlib import Path
from typing import cast

import pytest
from telegram import Bot, BotCommandScope, BotCommandScopeChat
from telegram.error import BadRequest

from bot import texts
from bot.menus import set_command_menus
from tests.actors import Student, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

MODERATOR_ONLY = {"report", "export", "begin", "next", "end"}
# A phone in portrait at Telegram's default text size: about 34 characters a line in a
# message bubble, and 22 lines of chat between the title bar and the keyboard-free input.
PHONE_LINE = 34
PHONE_LINES = 22


def menu(standin: BotApiStandIn, scope: str) -> list[str]:
    return [command["command"] for command in standin.commands[(scope, "")]]


async def test_students_menus_lack_the_moderators_commands(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    moderators = (7001, 7002)
    settings = settings_for(standin, tmp_path, BOT_MODERATOR_IDS="7001,7002")
    async with running_bot(settings):
        pass
    private = menu(standin, "all_private_chats")
    group = menu(standin, "all_group_chats")
    assert private == [
        "start",
        "lessons",
        "progress",
        "restart",
        "myanswers",
        "words",
        "settings",
        "forget",
        "reminders",
        "language",
        "help",
    ]
    assert not MODERATOR_ONLY & set(private)
    assert group == ["status", "help"]
    # A group's admins: the session's commands (a paced one's clock too), the two that
    # send them its results, the homework's, the discussion's switches, and help.
    admins = menu(standin, "all_chat_administrators")
    assert admins == [
        "begin",
        "next",
        "end",
        "pause",
        "resume",
        "status",
        "report",
        "export",
        "assign",
        "assignments",
        "timezone",
        "settings",
        "digest",
        "leaderboard",
        "language",
        "help",
    ]
    # The configured moderators, in their private chats: a student's menu and the two.
    for user_id in moderators:
        theirs = menu(standin, f"chat:chat_id={user_id}")
        assert {"report", "export"} <= set(theirs)
        assert set(private) <= set(theirs)
    assert standin.rejected == []


async def test_no_moderators_no_private_moderator_menus(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with running_bot(settings_for(standin, tmp_path)):
        pass
    assert [scope for scope, language in standin.commands if not language] == [
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
    ]


def phone_lines(message: str) -> int:
    return sum(len(textwrap.wrap(line, PHONE_LINE)) or 1 for line in message.split("\n"))


async def test_a_students_help_fits_one_phone_screen(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with running_bot(settings_for(standin, tmp_path)):
        student = Student(standin)
        student.says("/help")
        shown = text(await student.reads())
    assert phone_lines(shown) <= PHONE_LINES
    # Accurate: every command of a student's menu is explained, and each one it names exists.
    for command in menu(standin, "all_private_chats"):
        assert command == "help" or f"/{command}" in shown
    named = set(re.findall(r"/([a-z]+)", shown))
    known = {name for name, _ in texts.MODERATOR_COMMANDS + texts.GROUP_ADMIN_COMMANDS}
    assert named <= known


class RefusingBot:
    """Telegram's answer when a moderator never opened a private chat with the bot."""

    def __init__(self) -> None:
        self.scopes: list[str] = []

    async def set_my_commands(
        self, commands: object, scope: BotCommandScope, language_code: str | None = None
    ) -> bool:
        if isinstance(scope, BotCommandScopeChat):
            raise BadRequest("Chat not found")
        if language_code is None:
            self.scopes.append(scope.type)
        return True


async def test_a_moderator_telegram_does_not_know_yet_does_not_stop_the_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = RefusingBot()
    with caplog.at_level(logging.WARNING, logger="bot.menus"):
        await set_command_menus(cast(Bot, bot), [7001])
    assert bot.scopes == ["all_private_chats", "all_group_chats", "all_chat_administrators"]
    assert caplog.text.count("no moderator menu for user 7001: Chat not found") == 1
