"""Flood fairness: one user floods the bot while others use it.

Run from the repository root::

    .venv/bin/python bench/flood.py [--messages 1500] [--replies 500] [--seconds 8] [--seed 6]

What the red team of issue 19 did, through the real bot in its own process as ``python -m bot
run`` runs it (``benchlib.bot_process``: the durable-inbox poller long-polling getUpdates, the
production rate limiter: 30 messages a second overall, 20 a minute per group) against the Bot
API stand-in of ``tests/standin`` on 127.0.0.1 in this process. A group of 20 members runs
the lesson of ``bench/burst.py`` (part 1 posted: two quiz polls, a short question, a debate
question).

Timed: first, on an idle bot, another user's /help in their private chat and the moderator's
/status in the group (the references). Then, at random moments spread uniformly over
``--seconds`` (8), one user sends ``--messages`` (1,500) private messages (plain text, no
lesson in progress: each would get a hint) and one group member ``--replies`` (500) replies to
the short question; another user's /help arrives at 2 s and the moderator's /status at 4 s.
For /help and /status: the time from arrival until the bot's reply was delivered (its
sendMessage done), against the idle bot's. For the floods: the time from the first arrival
until every update was handled (the inbox empty), and what the bot sent the flooder. Target:
/help and /status not held up by the floods (at most 500 ms slower than on an idle bot).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import answer_plans as plans
import benchlib as b
import live
from burst import BURST_LESSON, burst_lesson
from live import delivered_after, held_updates, until

from tests.standin import BotApiStandIn, FakeChat

HERE = Path(__file__).resolve().parent

DELAY_TARGET_MS = 500.0
HELP_AT_S, STATUS_AT_S = 2.0, 4.0
MEMBERS = 20


async def answered_in(standin: BotApiStandIn, chat: FakeChat, sent_at: float) -> float:
    await until(lambda: delivered_after(standin, chat.id, sent_at), 600, f"a reply in {chat.id}")
    delivered = delivered_after(standin, chat.id, sent_at)
    assert delivered is not None
    return (delivered - sent_at) * 1000


async def one_round(args: argparse.Namespace, rng: random.Random, folder: Path) -> dict[str, Any]:
    prompts = burst_lesson(folder / "prompts")
    lesson = b.catalog_of(prompts).get(BURST_LESSON)
    assert lesson is not None
    db_path = folder / "bot.sqlite3"
    async with BotApiStandIn(b.TOKEN) as standin:
        with b.bot_process(
            HERE / "flood.py",
            standin,
            db_path,
            prompts,
            folder / "bot.log",
            BOT_LOG_LEVEL="WARNING",
        ):
            await live.started(standin)
            group = b.make_group(standin, "Group", lesson, b.make_members(standin, MEMBERS, rng))
            standin.send_text(group.admin, group.chat, f"/begin {lesson.id}")
            await standin.wait_until_idle(timeout=20)
            # /next until the part with the short question is posted: a /next that comes
            # while a part is still being posted moves nothing, so a fixed two could fall short.
            for _ in range(6):
                b.load_posted_questions(db_path, group, standin)
                shorts = [q for q in group.questions if q.lesson_question.type == "short"]
                if shorts:
                    break
                standin.send_text(group.admin, group.chat, "/next")
                await standin.wait_until_idle(timeout=20)
            assert shorts, "the lesson's short question was never posted"
            short = shorts[0]
            flooder, replier = standin.user("Flooder"), group.members[0]
            helped = standin.user("Helped")
            flooder_chat, helped_chat = standin.private_chat(flooder), standin.private_chat(helped)

            # The references, on an idle bot.
            sent_at = time.monotonic()
            standin.send_text(helped, helped_chat, "/help")
            idle_help_ms = await answered_in(standin, helped_chat, sent_at)
            await standin.wait_until_idle(timeout=10)
            sent_at = time.monotonic()
            standin.send_text(group.admin, group.chat, "/status")
            idle_status_ms = await answered_in(standin, group.chat, sent_at)
            await standin.wait_until_idle(timeout=10)
            answers_before = b.count_answers(db_path)
            calls_before = len(standin.calls)

            # The floods, made now and delivered at their moments.
            with held_updates(standin) as held:
                for number in range(args.messages):
                    standin.send_text(flooder, flooder_chat, f"spam {number} {plans.sentence(rng)}")
                for number in range(args.replies):
                    standin.reply(replier, short.message, f"reply {number}")
                standin.send_text(helped, helped_chat, "/help")
                standin.send_text(group.admin, group.chat, "/status")
            *floods, help_update, status_update = held
            moments = sorted(rng.uniform(0, args.seconds) for _ in floods)
            schedule = [(at, update, "") for at, update in zip(moments, floods, strict=True)]
            schedule += [(HELP_AT_S, help_update, "help"), (STATUS_AT_S, status_update, "status")]
            schedule.sort(key=lambda item: item[0])
            arrived: dict[str, float] = {}
            start = time.monotonic() + 0.05
            for at, (kind, payload), name in schedule:
                delay = start + at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                standin.enqueue(kind, payload)
                if name:
                    arrived[name] = start + at
            help_ms = await answered_in(standin, helped_chat, arrived["help"])
            status_ms = await answered_in(standin, group.chat, arrived["status"])
            await until(
                lambda: not standin.pending_updates and b.inbox_size(db_path) == 0,
                900,
                "the floods to be handled",
            )
            drained_s = time.monotonic() - start
            sent = standin.calls[calls_before:]
            to_flooder = [
                c
                for c in sent
                if c.method == "sendMessage" and c.params.get("chat_id") == flooder_chat.id
            ]
            await standin.wait_until_idle(timeout=60)
    return {
        "idle_help_ms": idle_help_ms,
        "idle_status_ms": idle_status_ms,
        "help_ms": help_ms,
        "status_ms": status_ms,
        "drained_s": drained_s,
        "to_flooder": len(to_flooder),
        "recorded": b.count_answers(db_path) - answers_before,
        "failed": len(standin.rejected),
    }


async def main(args: argparse.Namespace) -> int:
    begun = time.perf_counter()
    print("Flood fairness benchmark (bench/flood.py)")
    print(b.machine_line())
    print(
        f"floods: {args.messages} private messages from one user and {args.replies} replies "
        f"from one group member, spread over {args.seconds:.0f} s; another user's /help at "
        f"{HELP_AT_S:.0f} s, the moderator's /status at {STATUS_AT_S:.0f} s"
    )
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as tmp:
        result = await one_round(args, random.Random(args.seed), Path(tmp))
    help_delay = result["help_ms"] - result["idle_help_ms"]
    status_delay = result["status_ms"] - result["idle_status_ms"]
    print(
        f"/help answered in {result['help_ms']:.0f} ms (idle bot: {result['idle_help_ms']:.0f} "
        f"ms): {help_delay:.0f} ms more  {b.verdict(help_delay < DELAY_TARGET_MS)}"
    )
    print(
        f"/status answered in {result['status_ms']:.0f} ms (idle bot: "
        f"{result['idle_status_ms']:.0f} ms): {status_delay:.0f} ms more  "
        f"{b.verdict(status_delay < DELAY_TARGET_MS)}"
    )
    print(f"(target: at most {DELAY_TARGET_MS:.0f} ms more than on an idle bot)")
    print(
        f"floods handled {result['drained_s']:.1f} s after they began (inbox empty); "
        f"messages sent to the flooder: {result['to_flooder']}; group replies recorded: "
        f"{result['recorded']}; failed calls: {result['failed']}"
    )
    print(f"total run time: {time.perf_counter() - begun:.0f} s")
    return 0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument("--replies", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--bot-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.bot_child:
        sys.exit(live.bot_child())
    sys.exit(asyncio.run(main(arguments)))
