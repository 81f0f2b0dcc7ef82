"""What the dashboard shows of a session's or an assignment's answers: the members ×
questions grid, each choice question's item analysis, every typed answer, each debate's
split (before and after the reading where it was asked, and the other side's arguments).
Plain Python over the current answers, no Telegram, no SQL, no words (those are the
templates' and ``bot.texts``').

Item analysis follows Moodle's quiz statistics in spirit:

- **facility**: the share of the members who answered a question who got it right;
- **discrimination**: among the members ranked by their total score on the choice
  questions, the share right in the top third minus the share right in the bottom third
  (from -1 to 1; fewer than three ranked members: none). A member who skipped the question
  counts as not right in their third.
- **flags**: a question most students miss (facility below ``HARD``), or one the best
  students miss more often than the weakest (discrimination below 0).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from bot.discussion import before_id, counter_id
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question
from bot.results import Member, ShiftResult, opinion_shifts, question_labels, shown_names
from bot.storage import StoredAnswer

HARD = 0.3  # facility below this: most students miss the question


@dataclass(frozen=True, slots=True)
class Cell:
    """One member's answer to one question in the grid: ``kind`` is 'right', 'wrong',
    'typed', 'stance' or 'none'; ``mark`` what the cell shows (✓ ✗ ✍ a stance's initial ·)."""

    kind: str
    mark: str
    title: str = ""  # the stance's or the answer's full text, for a tooltip


@dataclass(frozen=True, slots=True)
class GridRow:
    member: Member
    name: str
    cells: tuple[Cell, ...]
    right: int
    answered: int


@dataclass(frozen=True, slots=True)
class Column:
    question: Question
    label: str  # "Part 1 · Q3"
    short: str  # "1.3": what the grid's header shows


@dataclass(frozen=True, slots=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[GridRow, ...]
    choices: int  # choice questions among the columns


@dataclass(frozen=True, slots=True)
class OptionShare:
    text: str
    count: int
    share: float  # of the members who answered the question, 0..1
    right: bool


@dataclass(frozen=True, slots=True)
class ChoiceItem:
    column: Column
    answered: int
    right: int
    options: tuple[OptionShare, ...]
    facility: float | None
    discrimination: float | None
    top_distractor: str | None  # the wrong option chosen most, if any was
    hard: bool  # most students miss it
    inverted: bool  # the best students miss it more than the weakest


@dataclass(frozen=True, slots=True)
class TypedEntry:
    member: Member
    name: str
    text: str
    answered_at: str
    stance: str | None = None
    self_check: int | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class TypedItem:
    column: Column
    answers: tuple[TypedEntry, ...]


@dataclass(frozen=True, slots=True)
class Shift:
    """A debate's stance asked before the reading (issue 14), against the one after: per
    stance how many held it before and after among those who gave both (``among``), each
    change (from, to, how many; most first), how many held their view, and who gave a
    stance only before (their names)."""

    stances: tuple[tuple[str, int, int], ...]  # stance, before, after
    among: int
    moves: tuple[tuple[str, str, int], ...]
    unchanged: int
    before_only: tuple[tuple[int, str], ...]  # (user id, name), by name

    @property
    def moved(self) -> int:
        return sum(count for _, _, count in self.moves)


@dataclass(frozen=True, slots=True)
class DebateItem:
    column: Column
    split: tuple[tuple[str, int, float], ...]  # stance, count, share of the stances taken
    reasons: tuple[tuple[str, tuple[TypedEntry, ...]], ...]  # by stance, in the lesson's order
    answered: int
    shift: Shift | None = None  # where the stance was asked before the reading
    # The other side's strongest argument (issue 14), by the stance its writer chose
    # themselves (None: they chose none), in the lesson's order.
    counters: tuple[tuple[str | None, tuple[TypedEntry, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Overview:
    participants: tuple[Member, ...]
    names: dict[int, str]
    completed: int  # members with an answer to every question shown
    average_right: float | None  # mean choice questions right, per participant
    choices: int


Item = ChoiceItem | TypedItem | DebateItem


def standing(current: Sequence[StoredAnswer]) -> list[StoredAnswer]:
    """The current answers that stand: a withdrawn vote is no answer."""
    return [a for a in current if not a.retracted]


def columns(lesson: Lesson, asked: Collection[str] | None = None) -> tuple[Column, ...]:
    """The lesson's questions a session asked (all for an assignment), in the lesson's
    order, labelled as students saw them."""
    labels = question_labels(lesson)
    found = []
    for question in lesson.questions():
        if asked is not None and question.id not in asked:
            continue
        label = labels.get(question.id, question.id)
        found.append(Column(question, label, _short(label)))
    return tuple(found)


def _short(label: str) -> str:
    """ "Part 2 · Q3" → "2.3"; "Discussion · Q1" → "D1"."""
    part, _, number = label.partition(" · Q")
    if not number:
        return label
    if part.startswith("Part "):
        return f"{part.removeprefix('Part ')}.{number}"
    return f"{part[:1]}{number}"


def _members(answers: Sequence[StoredAnswer]) -> dict[int, Member]:
    members: dict[int, Member] = {}
    for answer in answers:  # the newest name seen wins
        members[answer.user_id] = Member(answer.user_id, answer.display_name, answer.username)
    return members


def _cell(question: Question, answer: StoredAnswer | None) -> Cell:
    if answer is None:
        return Cell("none", "·")
    if isinstance(question, ChoiceQuestion):
        return Cell("right", "✓") if answer.is_correct else Cell("wrong", "✗")
    if isinstance(question, DebateQuestion) and answer.stance:
        return Cell("stance", answer.stance[:1].upper(), answer.stance)
    return Cell("typed", "✍", answer.answer_text or "")


def grid(cols: Sequence[Column], current: Sequence[StoredAnswer], sort: str = "name") -> Grid:
    """Members × questions; ``sort`` 'name' (A→Z) or 'score' (most right first)."""
    shown = {c.question.id for c in cols}
    given = [a for a in standing(current) if a.question_id in shown]
    members = _members(given)
    names = shown_names(members.values())
    own: dict[tuple[int, str], StoredAnswer] = {(a.user_id, a.question_id): a for a in given}
    rows = []
    for member in members.values():
        cells = tuple(_cell(c.question, own.get((member.user_id, c.question.id))) for c in cols)
        right = sum(1 for cell in cells if cell.kind == "right")
        answered = sum(1 for cell in cells if cell.kind != "none")
        rows.append(GridRow(member, names[member.user_id], cells, right, answered))
    rows.sort(key=lambda r: r.name.casefold())
    if sort == "score":
        rows.sort(key=lambda r: (-r.right, -r.answered))  # stable: by name within a score
    choices = sum(1 for c in cols if isinstance(c.question, ChoiceQuestion))
    return Grid(tuple(cols), tuple(rows), choices)


def overview(cols: Sequence[Column], current: Sequence[StoredAnswer]) -> Overview:
    table = grid(cols, current)
    participants = tuple(sorted((r.member for r in table.rows), key=lambda m: m.display_name))
    completed = sum(1 for r in table.rows if r.answered == len(cols))
    average = (
        sum(r.right for r in table.rows) / len(table.rows) if table.rows and table.choices else None
    )
    return Overview(
        participants,
        {r.member.user_id: r.name for r in table.rows},
        completed,
        average,
        table.choices,
    )


def _thirds(scores: dict[int, int]) -> tuple[set[int], set[int]]:
    """The top and bottom thirds of the members by score (ties broken by user id, so the
    split is stable); empty when fewer than three members are ranked."""
    ranked = sorted(scores, key=lambda user: (-scores[user], user))
    size = len(ranked) // 3
    if size == 0:
        return set(), set()
    return set(ranked[:size]), set(ranked[-size:])


def items(
    lesson: Lesson, cols: Sequence[Column], current: Sequence[StoredAnswer]
) -> tuple[Item, ...]:
    """Each question's analysis, in the lesson's order."""
    given = standing(current)
    names = shown_names(_members(given).values())
    table = grid(cols, current)
    scores = {row.member.user_id: row.right for row in table.rows}
    top, bottom = _thirds(scores)
    by_question: dict[str, list[StoredAnswer]] = defaultdict(list)
    for answer in given:
        by_question[answer.question_id].append(answer)
    shifts = {
        s.question.id: s for s in opinion_shifts(lesson, given, {c.question.id for c in cols})
    }
    found: list[Item] = []
    for column in cols:
        answers = by_question.get(column.question.id, [])
        question = column.question
        if isinstance(question, ChoiceQuestion):
            found.append(_choice(lesson, column, question, answers, top, bottom))
        elif isinstance(question, DebateQuestion):
            shift = _shift(
                shifts.get(question.id),
                answers,
                by_question.get(before_id(question.id), []),
                names,
            )
            argued = by_question.get(counter_id(question.id), [])
            found.append(
                replace(
                    _debate(column, question, answers, names),
                    shift=shift,
                    counters=_counters(question, answers, argued, names),
                )
            )
        else:
            entries = tuple(_entry(a, names) for a in answers if a.answer_text)
            found.append(TypedItem(column, entries))
    return tuple(found)


def _entry(answer: StoredAnswer, names: dict[int, str], stance: str | None = None) -> TypedEntry:
    member = Member(answer.user_id, answer.display_name, answer.username)
    return TypedEntry(
        member,
        names.get(answer.user_id, answer.display_name),
        answer.answer_text or "",
        answer.answered_at,
        stance or answer.stance,
        answer.self_check,
        answer.version,
    )


def _choice(
    lesson: Lesson,
    column: Column,
    question: ChoiceQuestion,
    answers: Sequence[StoredAnswer],
    top: set[int],
    bottom: set[int],
) -> ChoiceItem:
    answered = len(answers)
    right_users = {a.user_id for a in answers if a.is_correct}
    counts: Counter[int] = Counter()
    for answer in answers:
        if answer.lesson_version != lesson.version:
            continue  # an edited lesson may have reordered its options: not counted per option
        counts.update(i for i in answer.option_indexes if 0 <= i < len(question.options))
    options = tuple(
        OptionShare(
            text,
            counts[index],
            counts[index] / answered if answered else 0.0,
            question.is_correct(index),
        )
        for index, text in enumerate(question.options)
    )
    wrong = [o for o in options if not o.right and o.count > 0]
    distractor = max(wrong, key=lambda o: o.count).text if wrong else None
    facility = len(right_users) / answered if answered else None
    discrimination = None
    if top and bottom:
        discrimination = (len(right_users & top) - len(right_users & bottom)) / len(top)
    return ChoiceItem(
        column=column,
        answered=answered,
        right=len(right_users),
        options=options,
        facility=facility,
        discrimination=discrimination,
        top_distractor=distractor,
        hard=facility is not None and facility < HARD,
        inverted=discrimination is not None and discrimination < 0,
    )


def _debate(
    column: Column,
    question: DebateQuestion,
    answers: Sequence[StoredAnswer],
    names: dict[int, str],
) -> DebateItem:
    stances = Counter(a.stance for a in answers if a.stance)
    taken = sum(stances.values())
    known = list(question.stances)
    known.extend(sorted(s for s in stances if s not in question.stances))  # from an edit
    split = tuple(
        (stance, stances[stance], stances[stance] / taken if taken else 0.0) for stance in known
    )
    reasons = tuple(
        (
            stance,
            tuple(_entry(a, names) for a in answers if a.stance == stance and a.answer_text),
        )
        for stance in known
    )
    return DebateItem(column, split, tuple(r for r in reasons if r[1]), taken)


def _shift(
    result: ShiftResult | None,
    after: Sequence[StoredAnswer],
    before: Sequence[StoredAnswer],
    names: dict[int, str],
) -> Shift | None:
    """The before → after of a debate (``result``: among those who gave both, as /report
    counts it), with the members who gave a stance only before the reading."""
    stood = {a.user_id for a in after if a.stance}
    only = sorted(
        (
            (a.user_id, names.get(a.user_id, a.display_name))
            for a in before
            if a.stance and a.user_id not in stood
        ),
        key=lambda member: member[1].casefold(),
    )
    if result is None and not only:
        return None
    if result is None:
        return Shift((), 0, (), 0, tuple(only))
    before_counts, after_counts = dict(result.before), dict(result.after)
    return Shift(
        tuple((s, before_counts.get(s, 0), after_counts.get(s, 0)) for s, _ in result.before),
        sum(before_counts.values()),
        result.moves,
        result.unchanged,
        tuple(only),
    )


def _counters(
    question: DebateQuestion,
    answers: Sequence[StoredAnswer],
    counters: Sequence[StoredAnswer],
    names: dict[int, str],
) -> tuple[tuple[str | None, tuple[TypedEntry, ...]], ...]:
    """The other side's arguments, each under the stance its writer chose (which it argues
    against): the lesson's stances in order, then any an edit removed, then none."""
    own = {a.user_id: a.stance for a in answers if a.stance}
    given = [a for a in counters if a.answer_text]
    known: list[str | None] = list(question.stances)
    known.extend(sorted({s for s in own.values() if s not in question.stances}))
    known.append(None)
    grouped = (
        (
            stance,
            tuple(
                _entry(a, names, own.get(a.user_id)) for a in given if own.get(a.user_id) == stance
            ),
        )
        for stance in known
    )
    return tuple((stance, entries) for stance, entries in grouped if entries)
