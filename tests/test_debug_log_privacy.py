"""Issue 19, item 13: even at DEBUG the log holds ids, never what members wrote or are called
(/forget cannot reach a log file).

The bot runs as `python -m bot run` with BOT_LOG_LEVEL=DEBUG over the stand-in; a student
with a distinctive name answers a question privately; neither the name, the username nor
the answer is in anything it logged.
"""

from __future__ import annotations

import signal
from pathlib import Path

from tests.bot_process import bot_env, finish, start_bot
from tests.standin import BotApiStandIn, StoredMessage

LESSON = """\
id: tiny
title: Tiny
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
"""
FIRST, LAST, USERNAME = "Quillonia", "Vexmarrow", "qvx_marrow77"
ANSWER = "Zanzibar quokkas juggle marmalade"


def write_lesson(tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "tiny.yaml").write_text(LESSON)
    return prompts


async def test_debug_logs_name_no_member_and_quote_no_answer(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = bot_env(
        standin.base_url,
        tmp_path / "bot.sqlite3",
        BOT_LOG_LEVEL="DEBUG",
        BOT_PROMPTS_DIR=str(write_lesson(tmp_path)),
    )
    process = await start_bot(env, cwd=tmp_path)
    try:
        student = standin.user(FIRST, last_name=LAST, username=USERNAME)
        chat = standin.private_chat(student)

        async def reads() -> StoredMessage:
            return await standin.next_bot_message(chat.id, timeout=30)

        async def press(message: StoredMessage, button: str) -> None:
            await standin.wait_for_callback_answer(standin.press(student, message, button))

        standin.send_text(student, chat, "/start")
        assert "Welcome" in ((await reads()).text or "")
        await press(await reads(), "▶️ Begin")
        await press(await reads(), "Continue ▸")
        assert "Say something." in ((await reads()).text or "")
        standin.send_text(student, chat, ANSWER)
        assert "Saved your answer" in ((await reads()).text or "")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        code, log = await finish(process)
    assert code == 0, log
    assert " DEBUG " in log and "Application started" in log  # it did log, at DEBUG
    for secret in (FIRST, LAST, USERNAME, "quokkas"):
        assert secret not in log, [line for line in log.splitlines() if secret in line][:3]
