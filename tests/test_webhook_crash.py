"""Webhook mode as a process: SIGKILL right after Telegram got its 200s loses nothing (the
pushes were stored first and are handled at the next start, each once), and at DEBUG the
whole output holds neither the token nor the webhook's secret."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import TOKEN
from tests.standin import BotApiStandIn
from tests.webhook_support import HOOK_URL, Telegram, free_port

REPLIES = 40


async def test_sigkill_after_the_200_loses_nothing(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    env = bot_env(
        standin.base_url,
        db_path,
        BOT_WEBHOOK_URL=HOOK_URL,
        BOT_LISTEN=f"127.0.0.1:{port}",
        BOT_LOG_LEVEL="DEBUG",
    )
    admin = standin.user("Ada", username="ada")
    members = [standin.user(f"Member {i}") for i in range(8)]
    group = standin.group("Crash Course", members=members, admins=[admin])
    outputs: list[str] = []
    process = await start_bot(env)
    async with Telegram(standin, port) as telegram:
        await standin.wait_for(lambda: bool(standin.calls_to("setWebhook")), timeout=30)
        secret = str(standin.webhook_info["secret_token"])
        standin.send_text(admin, group, "/begin")
        await standin.next_bot_message(group.id, timeout=30)
        await standin.next_bot_message(group.id, timeout=30)  # a stance before the reading
        for _ in range(2):  # part 1, then its questions (the third is a short question)
            standin.send_text(admin, group, "/next")
            await standin.next_bot_message(group.id, timeout=30)
        await standin.next_bot_message(group.id, timeout=30)
        short = await standin.next_bot_message(group.id, timeout=30)

        # Telegram's side pushes these itself; the test pushes them at once and kills the
        # bot the moment the last 200 arrives, before it can have handled them all.
        standin.webhook_url = ""
        sent = [standin.reply(members[i % 8], short, f"reply {i}") for i in range(REPLIES)]
        updates = [u.to_api() for u in standin.pending_updates]
        statuses = await asyncio.gather(*(telegram.push(u) for u in updates))
        process.kill()
        outputs.append((await finish(process))[1])
        assert list(statuses) == [200] * len(updates)
        standin.confirm_updates(updates[-1]["update_id"] + 1)
        standin.webhook_url = HOOK_URL

        process = await start_bot(env)
        standin.send_text(admin, group, "/status")  # handled after the stored ones
        status = await standin.next_bot_message(group.id, timeout=60)
        assert status.text is not None and "answered so far" in status.text
        process.terminate()
        code, output = await finish(process)
        outputs.append(output)
        assert code == 0, output

    db = sqlite3.connect(db_path)
    try:
        stored = db.execute(
            "SELECT answer_text FROM answers WHERE question_id = 'ffvd-meaning'"
        ).fetchall()
        pending = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    finally:
        db.close()
    assert sorted(str(text) for (text,) in stored) == sorted(str(m.text) for m in sent)  # once
    assert pending == 0
    everything = "\n".join(outputs)
    assert "DEBUG" in everything
    assert secret not in everything
    assert TOKEN not in everything and TOKEN.split(":")[1] not in everything
