"""Memory: the bot's resident memory (RSS) before and after 100,000 updates.

Run from the repository root::

    .venv/bin/python bench/memory.py [--updates 100000] [--seed 6]

The bot runs as its own process, exactly as ``python -m bot run`` runs it (settings from the
environment, lessons loaded and checked, ``build_application``, ``run_until_signalled``:
the durable-inbox poller long-polling getUpdates), except for one thing: its rate limiter's
per-group window is one second instead of a minute (as in the tests), so that posting the
lesson's parts does not wait minutes. The Bot API stand-in of ``tests/standin`` serves it
on 127.0.0.1 from this process, so the stand-in's own memory is not counted.

Five groups of 100 members run the seed lesson (one of them asked with answer buttons)
again and again: each moderator sends /begin and /next until every part is posted; every
member gives 40 answers (poll votes, answer buttons, stance buttons, replies, edited
replies; see bench/throughput.py), interleaved; each moderator sends /end (the summary).
Rounds go on until 100,000 answers have been handled. The bot's VmRSS is read from
/proc/<pid>/status before the first answer (after start-up and the first sessions' set-up)
and after each round, once the bot is idle. Target: less than 5 MiB growth.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import answer_plans as plans  # noqa: E402
import benchlib as b  # noqa: E402
import live  # noqa: E402

TARGET_MIB = 5.0
LEAK_MIB = 1.0  # allowed after the first round: RSS moves by a few hundred KiB either way
GROUPS, PER_GROUP = 5, 100
BUTTONS_LESSON = f"{b.SEED_ID}-buttons"
QUEUE_LOW = 300  # keep at most about this many updates waiting at the stand-in


async def wait_idle(standin: b.BotApiStandIn) -> None:
    await standin.wait_until_idle(timeout=120, quiet=0.1)


async def run_round(
    standin: b.BotApiStandIn,
    db_path: Path,
    groups: list[b.Group],
    rng: random.Random,
    budget: int,
    before_answers: object = None,
) -> tuple[int, int]:
    """One session per group: set up, answers (at most ``budget``), /end. Returns
    (answers sent, commands sent)."""
    commands = 0
    for group in groups:
        standin.send_text(group.admin, group.chat, f"/begin {group.lesson.id}")
        commands += 1
        await wait_idle(standin)
        for _ in range(b.parts_until_discussion(group.lesson)):
            standin.send_text(group.admin, group.chat, "/next")
            commands += 1
            await wait_idle(standin)
        b.load_posted_questions(db_path, group, standin)
    if callable(before_answers):
        before_answers()
    maker = plans.AnswerMaker(standin)
    sent = 0
    for action, index in plans.planned_actions(groups, rng):
        if sent >= budget:
            break
        maker.act(action, index)
        sent += 1
        if sent % 100 == 0 and len(standin.pending_updates) > QUEUE_LOW:
            await standin.wait_for(
                lambda: len(standin.pending_updates) <= QUEUE_LOW // 2, timeout=120
            )
    await wait_idle(standin)
    for group in groups:
        standin.send_text(group.admin, group.chat, "/end")
        commands += 1
        await wait_idle(standin)
    return sent, commands


async def main(args: argparse.Namespace) -> int:
    begun = time.perf_counter()
    rng = random.Random(args.seed)
    print("Memory benchmark (bench/memory.py)")
    print(b.machine_line())
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(tmp)
        prompts = b.write_prompts(
            folder / "prompts", [(b.SEED_ID, None), (BUTTONS_LESSON, "buttons")]
        )
        catalog = b.catalog_of(prompts)
        db_path = folder / "bot.sqlite3"
        async with b.standin_for_bench() as standin:
            log_path = folder / "bot.log"
            with b.bot_process(HERE / "memory.py", standin, db_path, prompts, log_path) as child:
                await standin.wait_for(lambda: standin.polling, timeout=30, what="the bot")
                started_rss = b.rss_mib(child.pid)
                groups = []
                for i in range(GROUPS):
                    lesson = catalog.get(BUTTONS_LESSON if i == GROUPS - 1 else b.SEED_ID)
                    assert lesson is not None
                    members = b.make_members(standin, PER_GROUP, rng)
                    groups.append(b.make_group(standin, f"Memory group {i + 1}", lesson, members))
                print(f"bot started: RSS {started_rss:.1f} MiB (pid {child.pid})")
                samples: list[tuple[int, float]] = []
                answers = commands = 0
                number = 0
                while answers < args.updates:
                    number += 1

                    def note_before() -> None:
                        if not samples:
                            samples.append((0, b.rss_mib(child.pid)))
                            print(
                                f"before the first answer (sessions set up): "
                                f"RSS {samples[0][1]:.1f} MiB"
                            )

                    sent, given = await run_round(
                        standin, db_path, groups, rng, args.updates - answers, note_before
                    )
                    answers += sent
                    commands += given
                    rss = b.rss_mib(child.pid)
                    samples.append((answers, rss))
                    print(
                        f"round {number}: {answers:7,} answers handled, RSS {rss:.1f} MiB "
                        f"({time.perf_counter() - begun:.0f} s)",
                        flush=True,
                    )
                recorded = b.count_answers(db_path)
                failed = len(standin.rejected)
            errors = log_path.read_text(errors="replace")
    before, after = samples[0][1], samples[-1][1]
    growth = after - before
    print()
    print(
        f"updates handled: {answers:,} answers + {commands} moderator commands; "
        f"answers recorded: {recorded:,}; failed Bot API calls: {failed}; "
        f"bot exit status {child.returncode}"
    )
    problems = [line for line in errors.splitlines() if " ERROR " in line or " WARNING " in line]
    if problems:
        print(f"bot's log: {len(problems)} warnings or errors, the last:\n" + problems[-1])
    if len(samples) > 2:
        first_round = samples[1][1] - before
        later = samples[-1][1] - samples[1][1]
        span = samples[-1][0] - samples[1][0]
        print(
            f"first round (warm-up: SQLite page cache, allocator high-water): "
            f"{first_round:+.1f} MiB; after it: {later:+.1f} MiB over {span:,} more answers"
        )
        print(
            f"per-update state kept (growth after the first round < {LEAK_MIB:.0f} MiB): "
            f"{b.verdict(later < LEAK_MIB)}"
        )
    line = (
        f"RSS before {before:.1f} MiB, after {after:.1f} MiB: growth {growth:+.1f} MiB "
        f"(target < {TARGET_MIB:.0f} MiB)  {b.verdict(growth < TARGET_MIB)}"
    )
    if growth >= TARGET_MIB:
        line += f"  -- over by {growth - TARGET_MIB:.1f} MiB"
    print(line)
    print(f"total run time: {time.perf_counter() - begun:.0f} s")
    return 0


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--updates", type=int, default=100_000, help="answers to send")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--bot-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.bot_child:
        sys.exit(live.bot_child(bench_limiter=True))
    sys.exit(asyncio.run(main(arguments)))
