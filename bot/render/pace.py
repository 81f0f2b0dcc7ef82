"""Render for paced sessions (issue 12): how many messages each tick sends (for the flood
check), the refusals of /begin's pace, and what /pause, /resume and /status say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import pacing, texts
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.pacing import PaceError, Problem
from bot.render import group as render_group
from bot.render import letters
from bot.render.discussion import DIGEST_MESSAGES_MAX
from bot.render.markup import Reply, esc
from bot.render.private import section_messages
from bot.storage.paces import Pace
from bot.walk import EndStep, QuestionStep, SectionStep, Step, next_part, step_at


@dataclass(frozen=True, slots=True)
class Extras:
    """What a group's settings add to each move of its session, besides the next part: the
    model answers of the short questions just asked (/settings), a digest of each debate
    question just asked (/digest), the top five under the closing summary (/leaderboard)."""

    model_answers: bool = False
    digests: bool = False
    leaderboard: bool = False


def bursts(lesson: Lesson, extras: Extras = Extras()) -> list[int]:
    """The messages a paced session of ``lesson`` sends at each tick: the opening message
    with the first part, every further part, then the closing summary (one message for a
    lesson of the size a session can pace at all). Each tick after the first also sends what
    ``extras`` posts on a move past the part before it: a digest counted at its most
    (DIGEST_MESSAGES_MAX: how many reasons it quotes is not known at /begin)."""
    sizes: list[int] = []
    moves: list[int] = []  # what the move past each part posts before the next
    position = 0
    while not isinstance(step_at(lesson, position), EndStep):
        steps, after = next_part(lesson, position)
        sizes.append(sum(_messages_of(lesson, step) for step in steps))
        moves.append(_posted_moving_past(steps, extras))
        position = after
    if not sizes:
        return [1, 1]
    closing = 1 + (1 if extras.leaderboard else 0) + moves[-1]
    return [
        1 + sizes[0],
        *(size + before for size, before in zip(sizes[1:], moves, strict=False)),
        closing,
    ]


def _posted_moving_past(steps: Sequence[Step], extras: Extras) -> int:
    """The messages a session posts as it moves past a part of ``steps`` (bot.sessions:
    the model answers, then the digests)."""
    questions = [step.question for step in steps if isinstance(step, QuestionStep)]
    count = 0
    models = [q for q in questions if isinstance(q, ShortQuestion) and q.model_answer]
    if extras.model_answers and models:
        count += len(render_group.model_answers(models))
    if extras.digests:
        debates = sum(isinstance(q, DebateQuestion) for q in questions)
        count += debates * DIGEST_MESSAGES_MAX
    return count


def _messages_of(lesson: Lesson, step: Step) -> int:
    """How many messages a step is posted as in a group (as ``render.group`` posts it): a
    section may take several; a quiz poll with options too long for one comes after a
    message listing them."""
    if isinstance(step, SectionStep):
        return len(section_messages(lesson, step, None))
    if (
        isinstance(step, QuestionStep)
        and isinstance(step.question, ChoiceQuestion)
        and not lesson.asks_with_buttons(step.question)
        and letters.in_poll(step.question.options)
    ):
        return 2
    return 1


def clock_time(moment: dt.datetime, zone: ZoneInfo) -> str:
    """A moment as the group's clock shows it: "14:05"."""
    return moment.astimezone(zone).strftime("%H:%M")


# By the name of their text in bot/texts/, read when worded: in the reader's language.
_PROBLEMS = {
    Problem.UNREADABLE: "PACE_UNREADABLE",
    Problem.TOO_SHORT: "PACE_TOO_SHORT",
    Problem.TOO_LONG: "PACE_TOO_LONG",
}


def pace_refused(error: PaceError) -> Reply:
    """/begin with a pace that is none: why, with two examples."""
    if error.problem is Problem.MISSING:
        return Reply(texts.PACE_MISSING)
    wording: str = getattr(texts, _PROBLEMS[error.problem])
    return Reply(wording.format(typed=esc(error.typed)))


def too_fast(lesson: Lesson, pace: int, fastest: int) -> Reply:
    """A pace at which the lesson's parts would break the group's flood limit."""
    return Reply(
        texts.PACE_TOO_FAST.format(
            pace=pacing.written(pace),
            lesson=esc(lesson.title),
            fastest=pacing.written(fastest),
            lesson_id=esc(lesson.id),
        )
    )


def stopped() -> Reply:
    return Reply(texts.PACE_STOPPED)


def already_stopped() -> Reply:
    return Reply(texts.PACE_ALREADY_STOPPED)


def resumed(at: dt.datetime, zone: ZoneInfo, pace: int) -> Reply:
    return Reply(
        texts.PACE_RESUMED.format(
            time=clock_time(at, zone), zone=esc(zone.key), pace=pacing.written(pace)
        )
    )


def running(at: dt.datetime, zone: ZoneInfo) -> Reply:
    return Reply(texts.PACE_RUNNING.format(time=clock_time(at, zone), zone=esc(zone.key)))


def no_clock() -> Reply:
    return Reply(texts.PACE_NONE)


def status_line(pace: Pace, zone: ZoneInfo) -> str:
    """/status's line on a paced session's clock: when the next part comes, or stopped."""
    if pace.paused or pace.next_tick_at is None:
        return texts.GROUP_STATUS_PACE_STOPPED
    at = dt.datetime.fromisoformat(pace.next_tick_at)
    return texts.GROUP_STATUS_PACE.format(
        time=clock_time(at, zone), zone=esc(zone.key), pace=pacing.written(pace.seconds)
    )
