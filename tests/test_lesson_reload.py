"""Lessons edited while the bot runs (issue 16): /reload for the moderators of
BOT_MODERATOR_IDS in a private chat, and SIGHUP; a broken file keeps the lessons loaded before
and the problems are said with their lines."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot import texts
from tests.actors import Student, settings_for, text
from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

LESSON = """\
id: river
title: The river
source: {publisher: P, date: 2020-07-08}
sections:
  - title: One
    text: The river rose over the old stone bridge in the night.
    questions:
      - id: say
        type: short
        prompt: Say something.
"""
EDITED = LESSON.replace("title: The river\n", "title: The river, edited\n")
BROKEN = EDITED.replace("        prompt: Say", "        promt: Say")  # line 10
SECOND = LESSON.replace("id: river", "id: hills").replace("The river\n", "The hills\n")


def offered(message: StoredMessage) -> str:
    """The lessons menu's words and buttons (one lesson is named, several are buttons)."""
    return " ".join([text(message), *message.button_texts])


async def test_reload_by_a_moderator_and_a_broken_file_keeping_the_old_lessons(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    moderator = Student(standin, "Mo", "mo_admin")
    student = Student(standin)
    settings = settings_for(standin, tmp_path, LESSON, BOT_MODERATOR_IDS=str(moderator.user.id))
    river = tmp_path / "prompts" / "river.yaml"
    async with running_bot(settings) as application:
        # An edit and a new lesson: both offered at once.
        river.write_text(EDITED)
        (tmp_path / "prompts" / "hills.yaml").write_text(SECOND)
        moderator.says("/reload")
        reply = text(await moderator.reads())
        assert reply.startswith("🔄 Lessons reloaded: 2 lessons.")
        assert "• The hills (hills)" in reply and "• The river, edited (river)" in reply
        catalog = application.bot_data.catalog
        assert [lesson.title for lesson in catalog] == ["The hills", "The river, edited"]
        student.says("/lessons")
        assert "The river, edited" in offered(await student.reads())

        # A mistake in a file: nothing changes, and the moderator is told where it is.
        river.write_text(BROKEN)
        (tmp_path / "prompts" / "hills.yaml").unlink()
        moderator.says("/reload")
        reply = text(await moderator.reads())
        assert reply.startswith(
            "⚠️ The lessons were not reloaded: 2 problems in the files. The lessons loaded before"
            " are still in use. Fix these, then /reload again:"
        )
        assert "• river.yaml:10:9: unknown key 'promt' (did you mean 'prompt'?)" in reply
        assert application.bot_data.catalog is catalog  # the old lessons, both
        student.says("/lessons")
        assert "The hills" in offered(await student.reads())

        # Only a moderator may reload.
        river.write_text(LESSON)
        student.says("/reload")
        assert text(await student.reads()) == texts.RELOAD_NOT_ALLOWED.replace("<b>", "")
        assert application.bot_data.catalog is catalog

        # Fixed, then reloaded: the lesson that is gone is said.
        moderator.says("/reload")
        reply = text(await moderator.reads())
        assert reply.startswith("🔄 Lessons reloaded: 1 lesson.")
        assert "No longer offered: hills." in reply
    assert standin.rejected == []


async def _log_line(process: asyncio.subprocess.Process, words: str) -> list[str]:
    """The log's lines up to the first holding ``words``."""
    assert process.stderr is not None
    lines: list[str] = []
    while not lines or words not in lines[-1]:
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        assert line, f"the bot stopped before logging {words!r}: {lines}"
        lines.append(line.decode())
    return lines


async def test_sighup_reloads_and_a_broken_file_keeps_the_old_lessons(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    river = prompts / "river.yaml"
    river.write_text(LESSON)
    env = bot_env(
        standin.base_url,
        tmp_path / "bot.sqlite3",
        BOT_PROMPTS_DIR=str(prompts),
        BOT_LOG_LEVEL="INFO",
    )
    process = await start_bot(env, cwd=tmp_path)
    student = Student(standin)
    try:
        await standin.wait_for(lambda: standin.polling, timeout=30, what="the first getUpdates")
        river.write_text(EDITED)
        process.send_signal(signal.SIGHUP)
        assert "lessons reloaded: river" in (await _log_line(process, "lessons reloaded"))[-1]
        student.says("/lessons")
        assert "The river, edited" in offered(await student.reads())

        river.write_text(BROKEN)
        process.send_signal(signal.SIGHUP)
        logged = await _log_line(process, "lessons not reloaded")
        assert f"{river}:10:9: unknown key 'promt'" in "".join(logged)
        student.says("/lessons")
        assert "The river, edited" in offered(await student.reads())  # the last good one
    finally:
        process.send_signal(signal.SIGTERM)
    code, output = await finish(process)
    assert code == 0, output
