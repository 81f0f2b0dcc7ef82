"""What the benchmarks' members do: each member's plan of answers (bench/throughput.py's 40
answers a member: every question once, then second thoughts), interleaved across members,
and each action made into the update Telegram would send (through the stand-in)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# benchlib first: it puts the repository on sys.path for bot and tests.
from benchlib import WORDS, BotApiStandIn, Group, Question, take_updates

from bot.lessons import ChoiceQuestion, DebateQuestion, ShortQuestion
from tests.standin import FakeUser, StoredMessage


def sentence(rng: random.Random, low: int = 4, high: int = 40) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


@dataclass
class Action:
    """One thing a member does that records one answer."""

    kind: str  # vote, choice-button, stance, reply, edit
    member: FakeUser
    group: Group
    question: Question
    value: Any = None  # option index, stance index, or text
    target: int | None = None  # the index (in the member's plan) of the reply an edit edits


def member_plan(group: Group, member: FakeUser, rng: random.Random) -> list[Action]:
    """40 answers: every question once (9 choice, 5 short, 4 debate with stance and
    reason), then second thoughts: 4 stance changes, 9 edited replies, 5 second replies."""
    plan: list[Action] = []
    replies: list[int] = []
    debates: list[Question] = []
    shorts: list[Question] = []
    for q in group.questions:
        lq = q.lesson_question
        if isinstance(lq, ChoiceQuestion):
            right = lq.options.index(lq.correct_options[0])
            pick = right if rng.random() < 0.7 else rng.randrange(len(lq.options))
            kind = "choice-button" if group.lesson.asks_with_buttons(lq) else "vote"
            plan.append(Action(kind, member, group, q, pick))
        elif isinstance(lq, ShortQuestion):
            shorts.append(q)
            replies.append(len(plan))
            plan.append(Action("reply", member, group, q, sentence(rng)))
        else:
            debates.append(q)
            plan.append(Action("stance", member, group, q, rng.randrange(len(lq.stances))))
            replies.append(len(plan))
            plan.append(Action("reply", member, group, q, sentence(rng)))
    extras: list[Action] = []
    for q in debates:
        assert isinstance(q.lesson_question, DebateQuestion)
        extras.append(
            Action("stance", member, group, q, rng.randrange(len(q.lesson_question.stances)))
        )
    for index in replies:
        extras.append(
            Action("edit", member, group, plan[index].question, sentence(rng), target=index)
        )
    extras.extend(Action("reply", member, group, q, sentence(rng)) for q in shorts)
    rng.shuffle(extras)
    return plan + extras  # every edit comes after the reply it edits


def interleave(plans: list[list[Action]], rng: random.Random) -> list[tuple[int, int]]:
    """A random interleaving of the members' plans that keeps each member's order:
    (plan number, index in that plan) pairs."""
    order = [p for p, plan in enumerate(plans) for _ in plan]
    rng.shuffle(order)
    taken = [0] * len(plans)
    result = []
    for p in order:
        result.append((p, taken[p]))
        taken[p] += 1
    return result


def button_for(message: StoredMessage, option: str) -> str:
    """The button that answers ``option``: its own text, or its letter when the message lists
    long options as A, B, C… (bot/render/letters.py)."""
    labels = message.button_texts
    if option in labels:
        return option
    for line in (message.text or "").splitlines():
        letter, _, text = line.partition(". ")
        if text == option and len(letter) == 1:
            return letter
    raise LookupError(f"no button answers {option!r} in {message!r}")


class AnswerMaker:
    """Turns actions into the stand-in's user actions, so that every update is the JSON
    Telegram would send (button presses and replies carry the bot's message)."""

    def __init__(self, standin: BotApiStandIn) -> None:
        self.standin = standin
        self.sent: dict[tuple[int, int], StoredMessage] = {}  # (member id, plan index) → reply

    def act(self, action: Action, index: int) -> None:
        s, q = self.standin, action.question
        if action.kind == "vote":
            s.vote(action.member, q.message, [action.value])
        elif action.kind == "choice-button":
            lq = q.lesson_question
            assert isinstance(lq, ChoiceQuestion)
            s.press(action.member, q.message, button_for(q.message, lq.options[action.value]))
        elif action.kind == "stance":
            lq = q.lesson_question
            assert isinstance(lq, DebateQuestion)
            s.press(action.member, q.message, lq.stances[action.value])
        elif action.kind == "reply":
            self.sent[(action.member.id, index)] = s.reply(action.member, q.message, action.value)
        elif action.kind == "edit":
            assert action.target is not None
            original = self.sent.pop((action.member.id, action.target))
            s.edit_text(action.member, original, action.value)
        else:
            raise ValueError(action.kind)


def planned_actions(groups: Sequence[Group], rng: random.Random) -> Iterator[tuple[Action, int]]:
    """Every member's 40 answers, interleaved at random: (action, index in its plan)."""
    plans = [member_plan(g, m, rng) for g in groups for m in g.members]
    for p, index in interleave(plans, rng):
        yield plans[p][index], index


def answer_stream(
    standin: BotApiStandIn, groups: Sequence[Group], rng: random.Random
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every member's 40 answers, interleaved: the updates, and how many of each kind."""
    maker = AnswerMaker(standin)
    counts: dict[str, int] = {}
    updates: list[dict[str, Any]] = []
    for action, index in planned_actions(groups, rng):
        maker.act(action, index)
        counts[action.kind] = counts.get(action.kind, 0) + 1
        if len(standin.pending_updates) >= 1000:
            updates.extend(take_updates(standin))
    updates.extend(take_updates(standin))
    return updates, counts
