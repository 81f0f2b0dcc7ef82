"""Answer throughput: 20,000 answers from 500 members in 5 groups, through the real bot.

Run from the repository root::

    .venv/bin/python bench/throughput.py [--members 500] [--repeats 3] [--seed 6] [--profile FILE]

Experiments, to measure what part of the gap a cost is by taking it away (never a PASS):
``--api-in-flight N`` (at most N Bot API requests at once; 1 is how the sequential baseline
makes them) and ``--no-inbox`` (fetched updates not stored).

Set-up (not timed): the Bot API stand-in of ``tests/standin`` serves on 127.0.0.1 in this
process, with no delay. Five groups of 100 members each run the seed lesson (four of them
with quiz polls, one with a copy of it asked with answer buttons, ``style: buttons``); each
moderator sends /begin and /next until every part is posted, so every poll and question
message exists in the ``posts`` table. Then every member gives 40 answers, interleaved at
random across all members: every question once (9 choice answers: quiz poll votes or answer
buttons; 5 replies to short questions; 4 debate stances by button and 4 reasons by reply),
then second thoughts (4 stance changes, 9 edited replies, 5 second replies). The stand-in
makes each update as Telegram would (a press or a reply carries the bot's message).

Timed, each on the same 20,000 raw update JSON objects, in batches of 100 (getUpdates), and
all of it repeated (``--repeats``, 3) with new groups and sessions in the same database,
the medians reported:

* the bot: the real Application of ``bot.app.build_application`` fed by the bot's own
  ``InboxPoller.run`` loop, whose long poll is replaced by the batches: per batch one inbox
  INSERT transaction, then per update parsing, ``process_update`` (handlers, storage, the Bot
  API calls it makes) and the inbox DELETE transaction;
* the baseline (run before and after the bot, the mean is used): a bare PTB Application
  with the same Defaults and rate limiter, fed ``Update.de_json`` + ``process_update``,
  whose handlers only answer button presses (``answerCallbackQuery`` with a pop-up, as the
  bot's do) and record nothing.

It checks that every answer was recorded (20,000 new rows), that the inbox is empty, and that
every button press was answered only after its answer had committed. Target: the bot handles
at least 0.8 of the baseline's answers per second.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import answer_plans as plans
import benchlib as b
from telegram import LinkPreviewOptions, ReactionTypeEmoji, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.logs import configure_logging
from bot.outbox import RECORDED

TARGET = 0.8
GROUPS = 5
BUTTONS_LESSON = f"{b.SEED_ID}-buttons"
# About as long as the bot's pop-ups (a verdict plus the explanation, or "Saved: <stance>").
POPUP = "Right! The first paragraph introduces him as the U.S. Deputy Secretary of State."


def bare_application(standin: Any) -> Application[Any, Any, Any, Any, Any, Any]:
    """PTB with the bot's Defaults and rate limiter, and handlers that make only the Bot API
    calls the bot's handlers make for these updates."""
    app = (
        ApplicationBuilder()
        .token(b.TOKEN)
        .base_url(f"{standin.base_url}/bot")
        .base_file_url(f"{standin.base_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(b.bench_rate_limiter())
        .updater(None)
        .build()
    )

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer(POPUP, show_alert=True)

    async def nothing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    async def react(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The bot puts a reaction on each reply it records (issue 13): so does the baseline.
        message = update.effective_message
        assert message is not None
        await context.bot.set_message_reaction(
            message.chat_id, message.message_id, [ReactionTypeEmoji(RECORDED)]
        )

    app.add_handlers(
        [
            CallbackQueryHandler(on_button),
            PollAnswerHandler(nothing),
            MessageHandler(
                filters.ChatType.GROUPS & filters.REPLY & filters.TEXT & ~filters.COMMAND,
                react,
            ),
        ]
    )
    return app


async def run_baseline(standin: Any, updates: list[dict[str, Any]]) -> float:
    b.reset_presses(standin)
    app = bare_application(standin)
    await app.initialize()
    await app.start()
    try:
        calls = len(standin.calls)
        started = time.perf_counter()
        for raw in updates:
            await app.process_update(Update.de_json(raw, app.bot))
        elapsed = time.perf_counter() - started
        answered = sum(1 for c in standin.calls[calls:] if c.method == "answerCallbackQuery")
        failed = [c for c in standin.calls[calls:] if not c.ok]
        assert not failed, failed[:3]
        presses = sum(1 for u in updates if "callback_query" in u)
        assert answered == presses, (answered, presses)
    finally:
        await app.stop()
        await app.shutdown()
    return elapsed


def check_commit_before_ack(
    standin: Any, first_call: int, updates: list[dict[str, Any]], log: b.CommitLog
) -> tuple[int, int]:
    """(presses answered after their answer committed, presses in all)."""
    key_of = {
        u["callback_query"]["id"]: b.press_source_key(u) for u in updates if "callback_query" in u
    }
    ok = 0
    for call in standin.calls[first_call:]:
        if call.method != "answerCallbackQuery":
            continue
        key = key_of.get(str(call.params.get("callback_query_id")))
        committed = log.committed.get(key) if key else None
        if committed is not None and committed <= call.started:
            ok += 1
    return ok, len(key_of)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.0f} answers/s ({seconds:.2f} s)"


async def one_repeat(
    number: int,
    args: argparse.Namespace,
    rng: random.Random,
    standin: Any,
    bot: b.RealBot,
    catalog: Any,
    db_path: Path,
    baseline_before: float | None,
) -> dict[str, Any]:
    """Fresh groups and sessions, their 20,000 answers; the baseline (unless the previous
    repeat's closing one is given), the bot, the baseline again."""
    per_group = args.members // GROUPS
    lessons = [catalog.get(b.SEED_ID)] * (GROUPS - 1) + [catalog.get(BUTTONS_LESSON)]
    groups = []
    for i, lesson in enumerate(lessons):
        assert lesson is not None
        members = b.make_members(standin, per_group, rng)
        groups.append(b.make_group(standin, f"Study group {number}.{i + 1}", lesson, members))
    setup_started = time.perf_counter()
    await b.open_sessions(bot.feed, standin, db_path, groups)
    updates, counts = plans.answer_stream(standin, groups, rng)
    if number == 1:
        print(
            f"set-up per repeat: {len(groups)} groups x {per_group} members, every part "
            f"posted ({sum(len(g.questions) for g in groups)} questions), {len(updates):,} "
            f"updates made ({time.perf_counter() - setup_started:.1f} s)"
        )
        mix = ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items()))
        print(f"mix: {mix}")
    # The set-up's objects (the stand-in's world, the 20,000 update dicts) are the harness's,
    # not the bot's: out of the cyclic GC's way, for both sides alike.
    gc.collect()
    gc.freeze()

    if baseline_before is None:
        baseline_before = await run_baseline(standin, updates)
        print(f"  baseline (bare PTB):        {rate(len(updates), baseline_before)}")
    b.reset_presses(standin)
    before = b.count_answers(db_path)
    log = b.CommitLog(bot.storage)
    first_call = len(standin.calls)
    profiler = cProfile.Profile() if args.profile and number == 1 else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    await bot.feed(updates)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    elapsed = time.perf_counter() - started
    log.enabled = False
    recorded = b.count_answers(db_path) - before
    failed = sum(1 for c in standin.calls[first_call:] if not c.ok)
    acked, presses = check_commit_before_ack(standin, first_call, updates, log)
    print(f"  bot (real Application):     {rate(recorded, elapsed)}")
    baseline_after = await run_baseline(standin, updates)
    print(f"  baseline (bare PTB):        {rate(len(updates), baseline_after)}")
    bot_rate = recorded / elapsed
    baseline_rate = len(updates) / ((baseline_before + baseline_after) / 2)
    return {
        "updates": len(updates),
        "recorded": recorded,
        "failed": failed,
        "acked": acked,
        "presses": presses,
        "bot": bot_rate,
        "baseline": baseline_rate,
        "ratio": bot_rate / baseline_rate,
        "baseline_after": baseline_after,
        "left": b.inbox_size(db_path),
    }


async def main(args: argparse.Namespace) -> int:
    begun = time.perf_counter()
    rng = random.Random(args.seed)
    print("Answer throughput benchmark (bench/throughput.py)")
    experiment = experiment_of(args)
    if experiment:
        print(f"EXPERIMENT, not the bot as shipped: {experiment}")
    print(b.machine_line())
    configure_logging("INFO", b.TOKEN)  # as `python -m bot run` does
    hop = await b.round_trip_us()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        folder = Path(tmp)
        prompts = b.write_prompts(
            folder / "prompts", [(b.SEED_ID, None), (BUTTONS_LESSON, "buttons")]
        )
        catalog = b.catalog_of(prompts)
        db_path = folder / "bot.sqlite3"
        async with b.standin_for_bench() as standin:
            settings = b.settings_for(standin, db_path, prompts)
            async with b.RealBot(
                settings, catalog, api_in_flight=args.api_in_flight, inbox=not args.no_inbox
            ) as bot:
                closing: float | None = None
                for number in range(1, args.repeats + 1):
                    print(f"repeat {number}:")
                    result = await one_repeat(
                        number, args, rng, standin, bot, catalog, db_path, closing
                    )
                    closing = result["baseline_after"]
                    print(f"  ratio {result['ratio']:.3f}")
                    results.append(result)
    if args.profile:
        print(f"profile of the bot's first run written to {args.profile}")

    bot_rate = b.median([r["bot"] for r in results])
    baseline_rate = b.median([r["baseline"] for r in results])
    ratio = b.median([r["ratio"] for r in results])
    updates = sum(r["updates"] for r in results)
    recorded = sum(r["recorded"] for r in results)
    acked = sum(r["acked"] for r in results)
    presses = sum(r["presses"] for r in results)
    left = results[-1]["left"]
    print()
    print(
        f"answers recorded: {recorded:,} of {updates:,} updates; inbox left: {left}; "
        f"failed Bot API calls: {sum(r['failed'] for r in results)}"
    )
    print(f"committed before acknowledged: {acked:,} of {presses:,} button presses")
    print(
        f"one aiosqlite round trip (thread hop) on this machine: {hop:.0f} us before, "
        f"{await b.round_trip_us():.0f} us after"
    )
    print(f"medians of {len(results)} repeats:")
    print(f"bot:      {bot_rate:8.0f} answers/s  ({1000 / bot_rate:.2f} ms per answer)")
    print(f"baseline: {baseline_rate:8.0f} answers/s  ({1000 / baseline_rate:.2f} ms per answer)")
    ok = ratio >= TARGET and recorded == updates and acked == presses and left == 0
    verdict = f"experiment ({experiment})" if experiment else b.verdict(ok)
    line = f"ratio:    {ratio:.3f}  (target >= {TARGET})  {verdict}"
    if ratio < TARGET:
        line += (
            f"  -- short by {TARGET - ratio:.3f} ({TARGET / ratio:.1f}x too slow: "
            f"{TARGET * baseline_rate:.0f} answers/s needed)"
        )
    print(line)
    print(f"total run time: {time.perf_counter() - begun:.0f} s")
    return 0


def experiment_of(args: argparse.Namespace) -> str:
    """What the run changes in the bot to measure a part of its cost ('' for none)."""
    changes = []
    if args.api_in_flight is not None:
        changes.append(f"at most {args.api_in_flight} Bot API requests at once")
    if args.no_inbox:
        changes.append("fetched updates not stored in the inbox")
    return "; ".join(changes)


def at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--members", type=int, default=500, help="members (40 answers each)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3, help="fresh sessions, timed again")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the bot's run into FILE")
    # Experiments: what part of the gap a cost is, by taking it away (docs/benchmarks.md).
    parser.add_argument(
        "--api-in-flight",
        type=at_least_one,
        metavar="N",
        help="experiment: the bot makes at most N Bot API requests at once (1: as the baseline)",
    )
    parser.add_argument(
        "--no-inbox",
        action="store_true",
        help="experiment: fetched updates are not stored in the inbox (no crash safety)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
