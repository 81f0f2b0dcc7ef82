"""Capacity: where one bot process meets its first limit, with Telegram's limits and delay.

Run from the repository root::

    .venv/bin/python bench/capacity.py [--groups 1000] [--members 30] [--students 5000]
                                       [--offered 1000] [--seconds 30] [--rate 1000]

The bot runs as its own process, as ``python -m bot run`` runs it (long polling through the
durable inbox, the production rate limiter), with ``BOT_MESSAGES_PER_SECOND=--rate``
(1,000: a bot with Telegram's paid broadcasts; 30 is the free limit). The Bot API stand-in
of ``tests/standin`` serves it on 127.0.0.1 from this process, made to behave like Telegram
for load: every request takes ``--latency`` (50 ms) before it is answered, and sends are
refused with 429 and ``retry_after`` past Telegram's limits: ``--rate`` a second over all
chats, 20 a minute in a group, and in a private chat about one a second (3 in any 3 s).

Set-up (not timed): ``--groups`` groups of ``--members`` members each begin a short lesson
(two quiz polls, one question with answer buttons, a debate and a short question) and post
its parts; ``--students`` students each open a private chat.

Load, for ``--seconds``: the groups' members answer at ``--offered`` answers a second in all
(open loop: poll votes, answer buttons, stance buttons, replies, in a random mix kept in
each member's order), while every student takes the same lesson privately (closed loop: each
presses or types as soon as the bot's message arrives, as a fast student would).

Reported: answers recorded per second against those offered; the bot's CPU share (of one
core) over the load; p50/p99 from a group answer's arrival to its commit; from a button
press to its pop-up; from a private answer to the bot's next message there (the flood queue
included) and the longest such wait; 429s; and which limit came first (Telegram's budget,
the bot's CPU, SQLite). Target (issue 18): 1,000 answers a second kept up with, p99 arrival
→ commit under 100 ms.

``--pop-ups``: the lesson's quiz polls are asked with answer buttons instead, so that the
group answers are presses, each answered with a pop-up (the issue's target: answers
"answered with a pop-up or reply"; with polls most of the load's answers are poll votes,
which need no Bot API call).

``--replies``: the part's questions ask for a written answer, so that the group answers
are replies to them, each answered with a ✍ reaction.

``--intake-only`` (with ``--webhook``): once set up, the bot stores and answers each push
and handles none, so its CPU is what webhook intake alone costs (docs/scaling.md).
``--split-intake`` (with ``--webhook``): a measuring prototype of intake in a process of its
own (bench/split_intake.py); its CPU is printed after the bot's threads.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import gc
import itertools
import math
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import answer_plans as plans  # noqa: E402
import benchlib as b  # noqa: E402
import live  # noqa: E402
from telegram_like import TelegramLike, load_options  # noqa: E402
from waits import by_tenth, measure_waits, percentile_ms, print_waits  # noqa: E402

from bot.runner import GC_THRESHOLDS  # noqa: E402
from tests.standin import FakeChat, FakeUser, StoredMessage  # noqa: E402

LESSON_ID = "capacity"
LESSON = """\
id: capacity
title: Capacity
source: {publisher: Bench Press, date: 2026-12-01}
sections:
  - title: The editorial
    text: Seoul and Washington disagree about the working group and about sanctions.
    questions:
      - id: q1
        type: choice
        prompt: What do the two capitals disagree about?
        options: [The working group, The weather, A football match]
        answer: The working group
        explanation: The first sentence says so.
      - id: q2
        type: choice
        prompt: Which word names a penalty on a country?
        options: [Sanctions, Railways, Leaflets]
        answer: Sanctions
      - id: q3
        type: choice
        style: buttons
        prompt: Which city is in Korea?
        options: [Seoul, Washington]
        answer: Seoul
discussion:
  - id: d1
    type: debate
    prompt: Should the working group be dissolved?
    stances: [Agree, Disagree]
  - id: s1
    type: short
    prompt: In one sentence, what is the editorial about?
"""


SHORT_QUESTIONS = """\
    questions:
      - id: q1
        type: short
        prompt: In a few words, what do the two capitals disagree about?
      - id: q2
        type: short
        prompt: Which word in the text names a penalty on a country?
      - id: q3
        type: short
        prompt: Which city is in Korea?
"""


def lesson_text(pop_ups: bool, replies: bool = False) -> str:
    """The lesson; with ``pop_ups`` its quiz polls are asked with answer buttons too, so that
    each group answer is a press answered with a pop-up (the issue's mix), not a poll vote;
    with ``replies`` its part's questions ask for a written answer, so that each is a reply
    (answered with a ✍ reaction)."""
    if replies:
        head, rest = LESSON.split("    questions:\n", 1)
        return head + SHORT_QUESTIONS + rest[rest.index("discussion:") :]
    if not pop_ups:
        return LESSON
    return LESSON.replace(
        "        type: choice\n", "        type: choice\n        style: buttons\n"
    ).replace("        style: buttons\n        style: buttons\n", "        style: buttons\n")


NAVIGATION = ("▶️ Begin", "Continue ▸")
NEVER = ("🔁", "📚", "Start again", "Lessons", "🔕", "↩️", "Cancel", "No,")
# --- the bot's process -----------------------------------------------------------------------


def bot_child() -> int:
    """`python -m bot run` (bench/live.py: noting when each answer's transaction committed),
    with ``--waits`` timing each update's waits too."""
    if os.environ.get("CAPACITY_WAITS"):
        waits = measure_waits()

        def write() -> None:
            with Path(os.environ["CAPACITY_WAITS"]).open("w", encoding="utf-8") as out:
                out.writelines("\t".join(f"{v:.6f}" for v in row) + "\n" for row in waits)

        atexit.register(write)
    if os.environ.get("CAPACITY_INTAKE_ONLY"):
        intake_only_from_signal()
    if os.environ.get("CAPACITY_SPLIT_INTAKE"):
        import split_intake

        split_intake.bot_side(b.free_port())
    return live.bot_child()


def intake_only_from_signal() -> None:
    """``--intake-only``: from SIGUSR1 on (sent when the set-up is done) each push is stored
    in the inbox and answered, and none is handled: what webhook intake alone costs."""
    from bot.intake import WebhookFeed

    original = WebhookFeed.accept
    dropping: list[bool] = []
    signal.signal(signal.SIGUSR1, lambda *_: dropping.append(True))

    async def accept(
        self: WebhookFeed, update_id: int, raw: dict[str, Any], stored: str, *, new: bool
    ) -> bool:
        if not dropping:
            return await original(self, update_id, raw, stored, new=new)
        self._seen.add(update_id)  # stored, answered 200, left in the inbox
        return False  # not handled: no pop-up to wait for

    WebhookFeed.accept = accept  # type: ignore[method-assign]


HOOK_PATH = "/telegram/hook"


def intake_cpu_meter(folder: Path, *, on: bool) -> Callable[[float], str]:
    """With --split-intake, from now: a line saying the intake process's CPU over the
    seconds given (bench/split_intake.py, a child of the bot; found by its inbox folder)."""
    pid = None
    for cmdline in Path("/proc").glob("[0-9]*/cmdline") if on else ():
        with contextlib.suppress(OSError):
            text = cmdline.read_text()
            if str(folder) in text and "split_intake.py" in text:
                pid = int(cmdline.parent.name)
    if pid is None:
        return lambda seconds: ""
    before = b.cpu_seconds(pid)
    return lambda seconds: (
        f"\n  the intake process (--split-intake): {(b.cpu_seconds(pid) - before) / seconds:.0%}"
    )


def by_thread(pid: int, before: dict[int, float], seconds: float) -> str:
    """The event loop's (main thread's) share of a core, then the other busy threads'."""
    after = b.thread_cpu_seconds(pid)
    used = {tid: after[tid] - before.get(tid, 0.0) for tid in after}
    others = sorted((cpu for tid, cpu in used.items() if tid != pid), reverse=True)
    shares = ", ".join(f"{cpu / seconds:.0%}" for cpu in others if cpu / seconds >= 0.005)
    return (
        f"  by thread: the event loop {used.get(pid, 0.0) / seconds:.0%}; "
        f"the others (the writer's first) {shares or 'none'}"
    )


# --- the load ----------------------------------------------------------------------------------


class Students:
    """Students taking the lesson privately, each as fast as the bot's messages come."""

    def __init__(self, standin: TelegramLike, users: list[FakeUser], rng: random.Random) -> None:
        self.standin, self.rng = standin, rng
        self.chats = [standin.private_chat(user) for user in users]
        self.users = users
        self.popup_waits: list[float] = []
        self.reply_waits: list[float] = []
        self.answers = 0
        self.stuck = 0
        self.finished = 0
        for chat in self.chats:
            standin.inboxes[chat.id] = asyncio.Queue()

    async def run(self, until: float) -> None:
        await asyncio.gather(
            *(self._student(u, c, until) for u, c in zip(self.users, self.chats, strict=True))
        )

    async def _next(self, chat: FakeChat, within: float) -> StoredMessage | None:
        try:
            async with asyncio.timeout(within):
                return await self.standin.inboxes[chat.id].get()
        except TimeoutError:
            return None

    async def _student(self, user: FakeUser, chat: FakeChat, until: float) -> None:
        s = self.standin
        s.send_text(user, chat, "/start")
        acted = time.monotonic()
        waiting_for_text = False
        while time.monotonic() < until:
            message = await self._next(chat, 1.5 if waiting_for_text else 30.0)
            if message is None:
                if not waiting_for_text:
                    self.stuck += 1
                    return
                # Nothing more came: the last message asks for typing.
                s.send_text(user, chat, plans.sentence(self.rng, 6, 20))
                acted, waiting_for_text = time.monotonic(), False
                self.answers += 1
                continue
            self.reply_waits.append(time.monotonic() - acted)
            every = [
                button.text for row in message.buttons for button in row if button.callback_data
            ]
            buttons = [text for text in every if not text.startswith(NEVER)]
            if every and not buttons:  # the summary: Start again, Lessons
                self.finished += 1
                return
            if not buttons:
                waiting_for_text = True
                continue
            waiting_for_text = False
            label = next((t for t in buttons if t in NAVIGATION), None)
            if label is None:
                label = next((t for t in buttons if t.startswith("Capacity")), None)
            answering = label is None
            if label is None:
                ticks = [t for t in buttons if t.startswith("⬜")]
                label = ticks[0] if ticks else self.rng.choice(buttons)
            pressed = time.monotonic()
            try:
                query = s.press(user, message, label)
            except LookupError:
                continue
            acted = pressed
            if answering:
                self.answers += 1
                popup = s.popups[query] = asyncio.get_running_loop().create_future()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(60):
                        await popup
                        self.popup_waits.append(time.monotonic() - pressed)


def planned(groups: list[b.Group], rng: random.Random) -> Iterator[tuple[plans.Action, int]]:
    """The members' answers in the order they will be given, the plan made now: made lazily
    at the load's first answer, it took seconds (30,000 members), and the load then caught up
    with a burst of thousands of answers in its next second, which every run before session
    7's last ones measured as the start of the load."""
    actions = plans.planned_actions(groups, rng)
    first = next(actions, None)
    return itertools.chain([] if first is None else [first], actions)


async def offer_group_answers(
    standin: TelegramLike,
    actions: Iterator[tuple[plans.Action, int]],
    offered: float,
    until: float,
) -> tuple[int, dict[tuple[int, str], float], dict[str, float]]:
    """Members' answers at ``offered`` a second until ``until``: how many, when each
    member's first answer to each question arrived, and when each press arrived (its query)."""
    maker = plans.AnswerMaker(standin)
    first: dict[tuple[int, str], float] = {}
    presses: dict[str, float] = {}
    sent = 0
    started = time.monotonic()
    for action, index in actions:
        now = time.monotonic()
        if now >= until:
            break
        due = started + sent / offered
        # Never more than one answer without yielding: a catch-up burst here held the
        # stand-in's answers to the bot back by tens of milliseconds.
        await asyncio.sleep(max(0.0, due - now))
        moment = time.monotonic()
        before = len(standin.callback_queries)
        maker.act(action, index)
        if len(standin.callback_queries) > before:
            presses[next(reversed(standin.callback_queries))] = moment
        first.setdefault((action.member.id, action.question.lesson_question.id), moment)
        sent += 1
    return sent, first, presses


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    print("Capacity benchmark (bench/capacity.py)")
    print(b.machine_line())
    print(
        f"{args.groups} groups x {args.members} members, {args.students} students; "
        f"offered {args.offered:,.0f} group answers/s for {args.seconds:.0f} s; "
        f"latency {args.latency * 1000:.0f} ms; {args.rate} messages/s overall"
    )
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
        folder = Path(tmp)
        prompts = folder / "prompts"
        prompts.mkdir()
        (prompts / f"{LESSON_ID}.yaml").write_text(
            lesson_text(args.pop_ups, args.replies), encoding="utf-8"
        )
        catalog = b.catalog_of(prompts)
        lesson = catalog.get(LESSON_ID)
        assert lesson is not None
        db_path, commits_path = folder / "bot.sqlite3", folder / "commits.tsv"
        waits_path = folder / "waits.tsv"
        standin = TelegramLike(
            latency=args.latency, rate=args.rate, push=args.webhook, connections=args.connections
        )
        port = b.free_port()
        webhook = {
            "BOT_WEBHOOK_URL": f"https://bench.invalid{HOOK_PATH}",
            "BOT_WEBHOOK_SECRET": "bench-secret",
            "BOT_WEBHOOK_MAX_CONNECTIONS": str(min(args.connections, 100)),
            "BOT_LISTEN": f"127.0.0.1:{port}",
        }
        async with standin:
            log_path = folder / "bot.log"
            with b.bot_process(
                HERE / "capacity.py",
                standin,
                db_path,
                prompts,
                log_path,
                BOT_LOG_LEVEL="WARNING",
                BOT_MESSAGES_PER_SECOND=str(args.rate),
                **{live.COMMITS_VARIABLE: str(commits_path)},
                CAPACITY_WAITS=str(waits_path) if args.waits else "",
                CAPACITY_INTAKE_ONLY="1" if args.intake_only else "",
                CAPACITY_SPLIT_INTAKE="1" if args.split_intake else "",
                **(webhook if args.webhook else {}),
            ) as child:
                if args.webhook:
                    await standin.wait_for(lambda: standin.webhook_url, timeout=60, what="hook")
                    await standin.start_pushing(f"http://127.0.0.1:{port}{HOOK_PATH}")
                else:
                    await standin.wait_for(lambda: standin.polling, timeout=60, what="the bot")
                set_up = time.monotonic()
                groups = [
                    b.make_group(
                        standin, f"Group {i}", lesson, b.make_members(standin, args.members, rng)
                    )
                    for i in range(args.groups)
                ]
                for text in [f"/begin {LESSON_ID}"] + ["/next"] * b.parts_until_discussion(lesson):
                    for group in groups:
                        standin.send_text(group.admin, group.chat, text)
                    await standin.wait_until_idle(timeout=600, quiet=0.5)
                for group in groups:
                    b.load_posted_questions(db_path, group, standin)
                students = Students(
                    standin,
                    [standin.user(f"Student {i}", username=f"s{i}") for i in range(args.students)],
                    rng,
                )
                actions = planned(groups, rng)
                # This process (the stand-in and the load) must not pause during the load:
                # a full collection over the plans and the stand-in's records took 360-480 ms
                # in 60 s runs, and pushes queued behind it were measured as the bot's latency.
                # What the set-up made lasts to the end: frozen, and looked at less often.
                gc.collect()
                gc.freeze()
                gc.set_threshold(*GC_THRESHOLDS)
                print(f"set up in {time.monotonic() - set_up:.0f} s; load for {args.seconds:.0f} s")
                if args.intake_only:
                    os.kill(child.pid, signal.SIGUSR1)
                    print("intake only: each push stored and answered, none handled")
                refused_before = standin.refused
                pushes_before = len(standin.push_queued), len(standin.push_answered)
                calls_before = len(standin.calls)
                cpu_before, began = b.cpu_seconds(child.pid), time.monotonic()
                threads_before = b.thread_cpu_seconds(child.pid)
                intake_cpu = intake_cpu_meter(folder, on=args.split_intake)
                own_before = b.cpu_seconds(os.getpid())
                until = began + args.seconds
                group_run = asyncio.ensure_future(
                    offer_group_answers(standin, actions, args.offered, until)
                )
                await students.run(until)
                offered_count, first, presses = await group_run
                load_seconds = time.monotonic() - began
                cpu = b.cpu_seconds(child.pid) - cpu_before
                own_cpu = b.cpu_seconds(os.getpid()) - own_before
                await standin.wait_until_idle(timeout=600, quiet=0.5)
                drained = time.monotonic() - began
                cpu = b.cpu_seconds(child.pid) - cpu_before
                threads = by_thread(child.pid, threads_before, drained)
                threads += intake_cpu(drained)
                await standin.stop_pushing()
                shown = set(standin.callback_answers)  # pop-ups Telegram would have shown
                popup_at = {
                    str(call.params.get("callback_query_id")): call.started
                    for call in standin.calls_to("answerCallbackQuery")
                }
                refused = standin.refused - refused_before
                push_waits = (
                    standin.push_queued[pushes_before[0] :],
                    standin.push_answered[pushes_before[1] :],
                )
                made: dict[str, int] = defaultdict(int)
                for call in standin.calls[calls_before:]:
                    chat_id = call.params.get("chat_id")
                    where = (
                        "" if chat_id is None else (" group" if int(chat_id) < 0 else " private")
                    )
                    made[
                        call.method + where + (" in the push's answer" if call.in_push else "")
                    ] += 1
                # Stopped while the stand-in still answers: replies the bot lets go within
                # its stop's grace timed out against a stand-in frozen in child.wait().
                await b.stop_while_serving(child)
            log = log_path.read_text(errors="replace")
        committed = live.commits(commits_path)
        update_waits = [
            tuple(float(v) for v in line.split("\t"))
            for line in (waits_path.read_text() if waits_path.exists() else "").splitlines()
            if line
        ]
        db = sqlite3.connect(db_path)
        rows = db.execute(
            "SELECT user_id, question_id, source_key, chat_id > 0 FROM answers WHERE version = 1"
        ).fetchall()
        recorded = db.execute("SELECT count(*) FROM answers").fetchone()[0]
        private = db.execute("SELECT count(*) FROM answers WHERE chat_id > 0").fetchone()[0]
        db.close()
    arrivals_and_waits = sorted(
        (first[(user, question)], committed[key] - first[(user, question)])
        for user, question, key, in_private in rows
        if not in_private and (user, question) in first and key in committed
    )
    commit_waits = [wait for _, wait in arrivals_and_waits]
    press_waits = [popup_at[q] - at for q, at in presses.items() if q in shown and q in popup_at]
    share = cpu / drained
    group_rate = (recorded - private) / drained
    print()
    print(
        f"group answers: offered {offered_count:,} ({offered_count / load_seconds:,.0f}/s), "
        f"recorded {recorded - private:,} ({group_rate:,.0f}/s until all were handled, "
        f"{drained:.1f} s)"
    )
    print(
        f"private answers: {students.answers:,} given by {args.students:,} students, "
        f"{private:,} recorded; {students.finished:,} finished the lesson, "
        f"{students.stuck} got no message for 30 s"
    )
    print(
        f"bot CPU: {share:.0%} of one core until all was handled (this process, the "
        f"stand-in and the load: {own_cpu / load_seconds:.0%})"
    )
    print(threads)
    print(
        f"group answer arrival -> commit: p50 {percentile_ms(commit_waits, 0.5)}, "
        f"p99 {percentile_ms(commit_waits, 0.99)} ({len(commit_waits):,} first answers)"
    )
    print(by_tenth("arrival -> commit", commit_waits))
    print(
        f"group press -> pop-up: p50 {percentile_ms(press_waits, 0.5)}, "
        f"p99 {percentile_ms(press_waits, 0.99)}"
    )
    print(
        f"private press -> pop-up: p50 {percentile_ms(students.popup_waits, 0.5)}, "
        f"p99 {percentile_ms(students.popup_waits, 0.99)}"
    )
    waits = students.reply_waits
    print(
        f"private answer -> the bot's next message: p50 {percentile_ms(waits, 0.5)}, "
        f"p99 {percentile_ms(waits, 0.99)}, longest {max(waits, default=0) * 1000:,.0f} ms"
    )
    print(
        "Bot API calls during the load: " + ", ".join(f"{m} {n:,}" for m, n in sorted(made.items()))
    )
    print_waits(update_waits, log, began)
    polls = standin.polls_served
    print(
        f"stand-in: {len(standin.slow_served)} requests served in over 0.3 s; getUpdates "
        f"{len(polls)} x median {percentile_ms(polls, 0.5)} besides the delay"
    )
    if args.webhook:
        queued, answered = push_waits
        print(
            f"pushes: waited for a connection p50 {percentile_ms(queued, 0.5)}, p99 "
            f"{percentile_ms(queued, 0.99)}; the bot answered a POST in p50 "
            f"{percentile_ms(answered, 0.5)}, p99 {percentile_ms(answered, 0.99)}"
        )
        print(by_tenth("waits for a connection", queued))
        print(by_tenth("POST answered", answered))
    print(f"429s from the stand-in (sends past Telegram's limits): {refused:,}")
    keeps_up = group_rate >= 0.95 * offered_count / load_seconds
    p99 = b.percentile(commit_waits, 0.99) if commit_waits else math.inf
    sends = sum(n for method, n in made.items() if method.startswith("send"))
    if refused or sends / drained > 0.9 * args.rate:
        first_limit = "Telegram's send budget (429s, or sends at the overall rate)"
    elif not keeps_up and share > 0.9:
        first_limit = "the bot's CPU"
    elif not keeps_up:
        first_limit = "round trips: updates in hand wait on Bot API calls (CPU not saturated)"
    else:
        first_limit = "none reached at this load"
    print(f"first limit: {first_limit}")
    print(
        f"target: {args.offered:,.0f} answers/s kept up with and p99 arrival -> commit < 100 ms: "
        f"{b.verdict(keeps_up and p99 < 0.1)}"
    )
    problems = [line for line in log.splitlines() if " ERROR " in line]
    if problems:
        print(f"bot's log: {len(problems)} errors, the last:\n{problems[-1]}")
    return 0


def parse() -> argparse.Namespace:
    parser = load_options(__doc__, seconds=30.0, rate=1000, seed=6)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--offered", type=float, default=1000.0, help="group answers a second")
    parser.add_argument(
        "--webhook", action="store_true", help="Telegram pushes updates (webhook mode)"
    )
    parser.add_argument(
        "--connections", type=int, default=100, help="webhook pushes at once (Telegram: 1-100)"
    )
    parser.add_argument(
        "--waits", action="store_true", help="time each update's waits in the bot (costs CPU)"
    )
    parser.add_argument(
        "--split-intake",
        action="store_true",
        help="with --webhook: intake in a process of its own (bench/split_intake.py)",
    )
    parser.add_argument(
        "--pop-ups",
        action="store_true",
        help="the quiz questions asked with buttons: group answers are presses with pop-ups",
    )
    parser.add_argument(
        "--replies",
        action="store_true",
        help="the part's questions ask for written answers: group answers are replies",
    )
    parser.add_argument(
        "--intake-only",
        action="store_true",
        help="with --webhook: after the set-up, store and answer each push, handle none",
    )
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.bot_child:
        sys.exit(bot_child())
    sys.exit(asyncio.run(main(arguments)))
