"""Discussion that goes somewhere (issue 14), the plain-Python part: which of the others'
answers a student sees after answering, a group's digest of reasons by stance, and how the
parts of a debate answer beyond the usual one are kept.

No Telegram and no SQL: storage reads the answers, render words what is decided here.

A debate answer may have two more parts than its stance and reason: a stance asked before
the reading (``ask_before``) and the strongest argument for the other side (``counter``).
Each is stored as an answer of its own under a derived question id, ``<id>~before`` and
``<id>~counter`` (a ``~`` is never in a lesson's id), so that each keeps its own versions,
idempotency keys and /forget like every answer, and the usual answer stays the one that
every result, report and summary reads. ``split_id`` turns a stored id back into the
question and its phase and part (the export's columns).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.lessons import DebateQuestion, ShortQuestion
from bot.storage import PeerAnswer, Score, StoredAnswer

_BEFORE = "~before"
_COUNTER = "~counter"

Phase = Literal["before", ""]
Part = Literal["stance", "reason", "counter", ""]


def before_id(question_id: str) -> str:
    """The stored question id of a debate's stance asked before the reading."""
    return question_id + _BEFORE


def counter_id(question_id: str) -> str:
    """The stored question id of a debate's strongest argument for the other side."""
    return question_id + _COUNTER


def split_id(stored: str) -> tuple[str, Phase, Literal["counter", ""]]:
    """A stored question id as (the lesson's question id, phase, the counter part or "")."""
    if stored.endswith(_BEFORE):
        return stored.removesuffix(_BEFORE), "before", ""
    if stored.endswith(_COUNTER):
        return stored.removesuffix(_COUNTER), "", "counter"
    return stored, "", ""


def is_extra_part(stored: str) -> bool:
    """Whether a stored id is a before-stance or a counter argument (not the usual answer)."""
    return split_id(stored) != (stored, "", "")


def part_of(question_type: str, stored: str, answer_text: str | None) -> Part:
    """The export's ``part`` of a debate row: its stance alone, with its reason, or the
    counter argument; empty for other questions."""
    if question_type != "debate":
        return ""
    _, phase, counter = split_id(stored)
    if counter:
        return "counter"
    if phase == "before" or not answer_text:
        return "stance"
    return "reason"


# --- a reason worth reading ------------------------------------------------------------------

# A reason shown to others first: at least this long (shorter ones only when there are
# not enough long ones).
LONG_REASON = 40
# Shown after a student answers: this many reasons per stance of a debate, and this many
# answers of a short question.
REASONS_PER_STANCE = 2
SHORT_ANSWERS_SHOWN = 3
# A reason with fewer letters or digits than this (an emoji, a sticker's emoji, "ok") is
# asked once for words.
FEWEST_LETTERS = 3


def has_words(text: str) -> bool:
    """Whether a typed reason has words in it, not only emoji, punctuation or a few
    characters (which are asked once for words)."""
    return sum(1 for char in text if char.isalnum()) >= FEWEST_LETTERS


@dataclass(frozen=True, slots=True)
class Reveal:
    """What a student sees after answering: how many chose each stance (a debate's, in the
    lesson's order), and a few of the others' reasons (no names); ``first``: nobody else
    has answered yet."""

    stances: tuple[tuple[str, int], ...]
    reasons: tuple[tuple[str | None, str], ...]  # (stance or None, text)
    first: bool


def fairly_ordered(answers: Sequence[PeerAnswer]) -> list[PeerAnswer]:
    """Reasons of at least LONG_REASON characters first, newest first among each: the same
    order every time for the same answers."""
    return sorted(
        answers,
        key=lambda a: (len((a.text or "").strip()) >= LONG_REASON, a.answered_at, a.id),
        reverse=True,
    )


def reveal(
    question: DebateQuestion | ShortQuestion, peers: Sequence[PeerAnswer], me: int
) -> Reveal:
    """The reveal for ``me`` (who has just answered): everyone's stances counted (one per
    person), and the others' reasons that may be shown, at most one per person."""
    others = [p for p in peers if p.user_id != me]
    shown = [p for p in others if p.shows_reasons and p.text and p.text.strip()]
    reasons: list[tuple[str | None, str]] = []
    stances: tuple[tuple[str, int], ...] = ()
    if isinstance(question, DebateQuestion):
        counts = Counter(p.stance for p in peers if p.stance)
        stances = tuple((stance, counts[stance]) for stance in question.stances)
        for stance in question.stances:
            of_stance = [p for p in shown if p.stance == stance]
            reasons.extend(
                (stance, p.text or "") for p in fairly_ordered(of_stance)[:REASONS_PER_STANCE]
            )
    else:
        reasons = [(None, p.text or "") for p in fairly_ordered(shown)[:SHORT_ANSWERS_SHOWN]]
    return Reveal(stances, tuple(reasons), first=not others)


# --- a group's digest ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Digest:
    """A debate question's digest for its group: the stance split, the reasons given in
    the group by stance with their members' ids (names are render's), and how many
    reasons were given privately (counted, never quoted)."""

    question: DebateQuestion
    stances: tuple[tuple[str, int], ...]
    public: tuple[tuple[str, tuple[StoredAnswer, ...]], ...]  # per stance, in answering order
    private_reasons: int


def digest_of(question: DebateQuestion, history: Sequence[StoredAnswer]) -> Digest | None:
    """The digest of one debate question from every version of a session's answers to it
    (a reason's own version says whether it was given privately: a later stance press
    carries the reason over under another ``via``). None: nobody answered it."""
    mine = [a for a in history if a.question_id == question.id]
    current: dict[int, StoredAnswer] = {}
    said_privately: dict[int, bool] = {}
    for answer in sorted(mine, key=lambda a: (a.version, a.id)):
        current[answer.user_id] = answer
        if answer.via in ("reply", "private") and answer.answer_text:
            said_privately[answer.user_id] = answer.via == "private"
    standing = [a for a in current.values() if not a.retracted and a.stance]
    if not standing:
        return None
    counts = Counter(a.stance for a in standing)
    stances = tuple((stance, counts[stance]) for stance in question.stances)
    with_reason = sorted((a for a in standing if a.answer_text), key=lambda a: a.answered_at)
    public = tuple(
        (
            stance,
            tuple(
                a for a in with_reason if a.stance == stance and not said_privately.get(a.user_id)
            ),
        )
        for stance in question.stances
    )
    private = sum(1 for a in with_reason if said_privately.get(a.user_id))
    return Digest(question, stances, tuple((s, a) for s, a in public if a), private)


# --- scores (optional: /leaderboard on) -------------------------------------------------------

TOP = 5


def top(scores: Sequence[Score], count: int = TOP) -> list[Score]:
    """The best on choice questions: most right first, then who finished first."""
    ranked = sorted(scores, key=lambda s: (-s.right, s.finished_at, s.user_id))
    return [s for s in ranked if s.answered][:count]
