"""Fairness: does one chat's flood, or a 429 in one chat, hold up other chats' replies?

Run from the repository root::

    .venv/bin/python bench/fairness.py [--flooders 40] [--probes 10] [--groups 2]
                                       [--seconds 60] [--rate 30] [--limiter both]

The bot runs as its own process, as ``python -m bot run`` runs it (long polling through the
durable inbox), with ``BOT_MESSAGES_PER_SECOND=--rate`` (30: Telegram's free limit), against
``bench/telegram_like.py``'s stand-in: every request takes 50 ms, and sends past
Telegram's limits (``--rate`` a second in all, 20 a minute in a group, 3 in any 3 s in a
private chat) are refused with 429 and ``retry_after``.

For ``--seconds``, at once:

* ``--flooders`` students take a long lesson privately as fast as the bot's messages come
  (each presses the next button the moment it arrives): a flood of private answers;
* ``--groups`` groups' teachers each begin the lesson and press /next five times in a row
  (a part's text, its 10 questions, the next part's text…): 23 messages for a group, 3 more
  than its 20 a minute;
* ``--probes`` students take the lesson at a student's pace (4-8 s on each question).

Reported for probes and flooders: each answer's wait for the bot's next message (p50, p99,
the longest), answers given, and the 429s. ``--limiter ptb`` runs the bot with PTB's
AIORateLimiter (reactions aside, as it shipped before bot/send_budget.py; patched in by
this script's child only), ``ours`` with bot/send_budget.py, ``both`` (the default) one
after the other on fresh stand-ins and databases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402
from capacity import NAVIGATION, NEVER  # noqa: E402
from telegram_like import TelegramLike, load_options  # noqa: E402
from waits import percentile_ms  # noqa: E402

from tests.standin import FakeChat, FakeUser, StoredMessage  # noqa: E402

LESSON_ID = "fairness"
SECTIONS, QUESTIONS = 3, 10  # a part in a group: its text and 10 questions, 11 messages
DRAIN = 120.0  # after the load, how long an answer's reply is still waited for (s)


def lesson_text() -> str:
    """A long lesson of button questions: a flooder never runs out of them."""
    lines = [
        f"id: {LESSON_ID}",
        "title: Fairness",
        "source: {publisher: Bench Press, date: 2026-12-02}",
        "sections:",
    ]
    for s in range(SECTIONS):
        lines += [
            f"  - title: Part {s + 1}",
            "    text: Seoul and Washington disagree.",
            "    questions:",
        ]
        for q in range(QUESTIONS):
            lines += [
                f"      - id: q{s}-{q}",
                "        type: choice",
                "        style: buttons",
                f'        prompt: "Question {s + 1}.{q + 1}: which city is in Korea?"',
                "        options: [Seoul, Washington]",
                "        answer: Seoul",
            ]
    lines += [
        "discussion:",
        "  - id: s1",
        "    type: short",
        "    prompt: In one sentence, what is the editorial about?",
    ]
    return "\n".join(lines) + "\n"


# --- the bot's process -----------------------------------------------------------------------


def bot_child() -> int:
    """`python -m bot run`; with FAIRNESS_LIMITER=ptb, on PTB's AIORateLimiter instead."""
    from bot.__main__ import main as bot_main

    if os.environ.get("FAIRNESS_LIMITER") == "ptb":
        from telegram.ext import AIORateLimiter

        import bot.web.limiter

        class ReactionsAside(AIORateLimiter):
            """As shipped before bot/send_budget.py: reactions skip PTB's queues."""

            async def process_request(
                self,
                callback: Any,
                args: Any,
                kwargs: dict[str, Any],
                endpoint: str,
                data: dict[str, Any],
                rate_limit_args: int | None,
            ) -> Any:
                if endpoint == "setMessageReaction":
                    return await callback(*args, **kwargs)
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )

        bot.web.limiter.MeasuredRateLimiter = ReactionsAside  # type: ignore[misc,assignment]
    return bot_main(["run"])


# --- the load ----------------------------------------------------------------------------------


class Students:
    """Students taking the lesson privately, each ``think`` (low, high) seconds on a
    question: (0, 0) for a flooder. Each answer's wait for the bot's next message."""

    def __init__(
        self,
        standin: TelegramLike,
        users: list[FakeUser],
        think: tuple[float, float],
        rng: random.Random,
    ) -> None:
        self.standin, self.think, self.rng = standin, think, rng
        self.users = users
        self.chats = [standin.private_chat(user) for user in users]
        self.waits: list[float] = []
        self.answers = 0
        self.unanswered = 0
        for chat in self.chats:
            standin.inboxes[chat.id] = asyncio.Queue()

    async def run(self, until: float) -> None:
        await asyncio.gather(
            *(self._student(u, c, until) for u, c in zip(self.users, self.chats, strict=True))
        )

    async def _student(self, user: FakeUser, chat: FakeChat, until: float) -> None:
        s = self.standin
        await asyncio.sleep(self.rng.uniform(0, 1))  # not all in the same millisecond
        s.send_text(user, chat, "/start")
        acted: float | None = None
        while True:
            # No new answer after ``until``; the last one's reply is still waited for.
            message = await self._next(chat, until if acted is None else until + DRAIN)
            if message is None:
                if acted is not None:
                    self.unanswered += 1
                return
            if acted is not None:
                self.waits.append(time.monotonic() - acted)
                acted = None
            labels = [
                button.text
                for row in message.buttons
                for button in row
                if button.callback_data and not button.text.startswith(NEVER)
            ]
            if not labels:
                continue  # the welcome, or the end: more may come
            moving = next((t for t in labels if t in NAVIGATION or t.startswith("Fairness")), None)
            answering = moving is None
            if answering:
                await asyncio.sleep(self.rng.uniform(*self.think))
            label = moving or ("Seoul" if "Seoul" in labels else labels[0])
            if time.monotonic() >= until:
                return
            with contextlib.suppress(LookupError):
                s.press(user, message, label)
                if answering:
                    acted = time.monotonic()
                    self.answers += 1

    async def _next(self, chat: FakeChat, until: float) -> StoredMessage | None:
        try:
            async with asyncio.timeout(max(0.0, until - time.monotonic())):
                return await self.standin.inboxes[chat.id].get()
        except TimeoutError:
            return None


def summary(name: str, students: Students) -> str:
    waits = students.waits
    return (
        f"  {name}: {students.answers:,} answers, answer -> next message "
        f"p50 {percentile_ms(waits, 0.5)}, p99 {percentile_ms(waits, 0.99)}, "
        f"longest {max(waits, default=0) * 1000:,.0f} ms"
        + (
            f"; {students.unanswered} not answered within {DRAIN:.0f} s"
            if students.unanswered
            else ""
        )
    )


async def run_once(args: argparse.Namespace, limiter: str) -> list[str]:
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-fairness-") as tmp:
        folder = Path(tmp)
        prompts = folder / "prompts"
        prompts.mkdir()
        (prompts / f"{LESSON_ID}.yaml").write_text(lesson_text(), encoding="utf-8")
        standin = TelegramLike(latency=args.latency, rate=args.rate)
        async with standin:
            with b.bot_process(
                HERE / "fairness.py",
                standin,
                folder / "bot.sqlite3",
                prompts,
                folder / "bot.log",
                BOT_LOG_LEVEL="WARNING",
                BOT_MESSAGES_PER_SECOND=str(args.rate),
                FAIRNESS_LIMITER=limiter,
            ):
                try:
                    await standin.wait_for(lambda: standin.polling, timeout=60, what="the bot")
                except TimeoutError:
                    print((folder / "bot.log").read_text(errors="replace")[-3000:])
                    raise
                flooders = Students(
                    standin,
                    [standin.user(f"Flooder {i}", username=f"f{i}") for i in range(args.flooders)],
                    (0.0, 0.0),
                    rng,
                )
                probes = Students(
                    standin,
                    [standin.user(f"Probe {i}", username=f"p{i}") for i in range(args.probes)],
                    (4.0, 8.0),
                    rng,
                )
                teachers = [
                    standin.user(f"Teacher {i}", username=f"t{i}") for i in range(args.groups)
                ]
                groups = [
                    standin.group(
                        f"Class {i}", members=b.make_members(standin, 5, rng), admins=[teacher]
                    )
                    for i, teacher in enumerate(teachers)
                ]
                calls_before = len(standin.calls)
                began = time.monotonic()
                until = began + args.seconds
                for teacher, group in zip(teachers, groups, strict=True):
                    for text in [f"/begin {LESSON_ID}"] + ["/next"] * 5:
                        standin.send_text(teacher, group, text)
                await asyncio.gather(flooders.run(until), probes.run(until))
                group_sends = [
                    call.started - began
                    for call in standin.calls[calls_before:]
                    if call.ok
                    and call.method.startswith("send")
                    and int(call.params.get("chat_id", 0)) < 0
                ]
                refused = [
                    int(call.params.get("chat_id", 0)) < 0
                    for call in standin.calls[calls_before:]
                    if call.error_code == 429
                ]
    return [
        f"{'PTB AIORateLimiter' if limiter == 'ptb' else 'bot/send_budget.py'}:",
        summary("probes  ", probes),
        summary("flooders", flooders),
        f"  groups: {len(group_sends)} messages sent in the {args.seconds:.0f} s "
        f"({sum(1 for t in group_sends if t < 60) / max(1, args.groups):.0f} a group in its "
        f"first minute); 429s from the stand-in: {len(refused):,} "
        f"({sum(refused)} in groups, {len(refused) - sum(refused)} in private chats)",
    ]


async def main(args: argparse.Namespace) -> int:
    print("Fairness benchmark (bench/fairness.py)")
    print(b.machine_line())
    print(
        f"{args.flooders} flooding students, {args.probes} probe students (4-8 s a question), "
        f"{args.groups} groups bursting (/begin, /next x5); {args.seconds:.0f} s; "
        f"latency {args.latency * 1000:.0f} ms; {args.rate} messages/s overall"
    )
    limiters = ["ptb", "ours"] if args.limiter == "both" else [args.limiter]
    for limiter in limiters:
        print("\n".join(await run_once(args, limiter)))
    return 0


def parse() -> argparse.Namespace:
    parser = load_options(__doc__, seconds=60.0, rate=30, seed=7)
    parser.add_argument("--flooders", type=int, default=40)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--groups", type=int, default=2)
    parser.add_argument("--limiter", choices=["ptb", "ours", "both"], default="both")
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.bot_child:
        sys.exit(bot_child())
    sys.exit(asyncio.run(main(arguments)))
