"""Render for groups: session messages, quiz polls, question keyboards, status and summary.

Shares the section and question wording with the private chat (``bot.render.private``) and
adds what only a group has: the moderators' Next button, polls, deep links to answer privately.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import (
    AnswerPrivately,
    GroupBegin,
    GroupBeginPaced,
    GroupEnd,
    GroupNext,
    GroupPick,
    PickStance,
    SubmitChoice,
    encode_start,
)
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog, ShortQuestion
from bot.render import letters
from bot.render.fit import (
    MESSAGE_LIMIT,
    POLL_EXPLANATION_LIMIT,
    POLL_OPTION_LIMIT,
    POLL_QUESTION_LIMIT,
    clip,
    pack,
    popup,
)
from bot.render.glossary import with_words
from bot.render.markup import Reply, button, column, esc
from bot.render.order import group_seed, shown_options
from bot.render.private import (
    as_sentence,
    choice_lines,
    question_text,
    section_messages,
    source_line,
)
from bot.results import SessionResults
from bot.storage import Walk
from bot.walk import EndStep, QuestionStep, SectionStep, Step, part_count, step_at, steps_of


@dataclass(frozen=True, slots=True)
class QuizPoll:
    """A choice question as a native Telegram quiz poll."""

    question: str
    options: tuple[str, ...]
    correct_option_id: int
    explanation: str | None
    keyboard: InlineKeyboardMarkup | None
    open_period: int | None = None  # a paced session's countdown (seconds): closes itself


GroupMessage = Reply | QuizPoll


@dataclass(frozen=True, slots=True)
class Countdown:
    """A paced session's part: its quiz polls count down ``seconds`` (Telegram's
    open_period) and its other questions say they close at ``time`` (the group's clock),
    naming the group's ``zone`` as homework deadlines do."""

    seconds: int
    time: str  # "14:05"
    zone: str  # "Asia/Seoul": the IANA name, as /timezone and homework texts show it


def lesson_menu(catalog: LessonCatalog, pace: int | None = None) -> Reply:
    """The lessons to begin a session of; ``pace`` (seconds): one that runs by itself."""
    return Reply(
        texts.GROUP_CHOOSE_LESSON,
        column(
            button(
                lesson.title,
                GroupBegin(lesson.id) if pace is None else GroupBeginPaced(lesson.id, pace),
            )
            for lesson in catalog
        ),
    )


def _next_row(walk: Walk, position: int, *, ends: bool = False) -> list[InlineKeyboardButton]:
    """Next; after the last part, End session (which asks before it closes anything)."""
    label = texts.GROUP_END_BUTTON if ends else texts.GROUP_NEXT_BUTTON
    return [button(label, GroupNext(walk.id, position))]


def _with_next(
    rows: Sequence[Sequence[InlineKeyboardButton]],
    walk: Walk,
    next_position: int | None,
    *,
    ends: bool = False,
) -> InlineKeyboardMarkup | None:
    all_rows = [list(row) for row in rows]
    if next_position is not None:
        all_rows.append(_next_row(walk, next_position, ends=ends))
    return InlineKeyboardMarkup(all_rows) if all_rows else None


def confirm_end(lesson: Lesson | None, walk: Walk) -> Reply:
    """Asked when Next (or /next) would close the session: its last part is posted."""
    title = esc(lesson.title if lesson else walk.lesson_id)
    return Reply(
        texts.GROUP_CONFIRM_END.format(lesson=title),
        column([button(texts.GROUP_CONFIRM_END_BUTTON, GroupEnd(walk.id))]),
    )


def just_closed(lesson: Lesson | None, walk: Walk, minutes: int) -> Reply:
    """/end (or /next) just after the session closed: it did, and nothing was lost."""
    title = esc(lesson.title if lesson else walk.lesson_id)
    ago = texts.JUST_NOW if minutes < 1 else texts.MINUTES_AGO.format(minutes=minutes)
    return Reply(texts.GROUP_JUST_CLOSED.format(lesson=title, ago=ago))


def session_started(lesson: Lesson, walk: Walk) -> Reply:
    count = part_count(lesson)
    parts = texts.GROUP_PARTS_ONE if count == 1 else texts.GROUP_PARTS_MANY.format(count=count)
    text = texts.GROUP_SESSION_STARTED.format(
        lesson=esc(lesson.title), source=source_line(lesson), parts=parts
    )
    return Reply(text, _with_next([], walk, walk.position))


def paced_session_started(lesson: Lesson, walk: Walk, pace: str, *, counts_down: bool) -> Reply:
    """The opening message of a session that runs by itself, a part every ``pace``."""
    started = session_started(lesson, walk)
    line = texts.PACE_STARTED if counts_down else texts.PACE_STARTED_OPEN
    return Reply(started.text + line.format(pace=esc(pace)), started.keyboard)


def _private_link(bot_username: str, walk: Walk, question_id: str) -> InlineKeyboardButton:
    payload = encode_start(AnswerPrivately(walk.id, question_id))
    return InlineKeyboardButton(
        texts.ANSWER_PRIVATELY_BUTTON, url=f"https://t.me/{bot_username}?start={payload}"
    )


@dataclass(frozen=True, slots=True)
class Asking:
    """How the group's settings (``bot.group_settings``) ask questions: choice questions as
    buttons rather than quiz polls; typed answers only privately (not as replies)."""

    quiz_buttons: bool = False
    typed_private: bool = False


def with_buttons(lesson: Lesson, question: ChoiceQuestion, asking: Asking) -> bool:
    """Whether a choice question is asked with buttons (else as a quiz poll): the group's
    setting, the lesson's ``style``, or several right answers (a quiz has one)."""
    return asking.quiz_buttons or lesson.asks_with_buttons(question)


def question_rows(
    lesson: Lesson, step: QuestionStep, walk: Walk, bot_username: str, asking: Asking = Asking()
) -> list[list[InlineKeyboardButton]]:
    """The buttons of a question in a group, without the Next button."""
    question = step.question
    if isinstance(question, ChoiceQuestion):
        if not with_buttons(lesson, question, asking):
            return []
        several = len(question.correct_options) > 1
        shown = shown_options(question, group_seed(walk.id))
        lettered = letters.on_buttons(shown)  # the message lists them in full
        buttons = [  # in the session's shuffled order; a button carries its place on the post
            button(
                letters.letter(i) if lettered else option,
                GroupPick(walk.id, question.id, i)
                if several
                else SubmitChoice(walk.id, question.id, 1 << i),
            )
            for i, option in enumerate(shown)
        ]
        return letters.in_rows(buttons) if lettered else [[b] for b in buttons]
    rows: list[list[InlineKeyboardButton]] = []
    if isinstance(question, DebateQuestion):
        rows.extend(
            [button(stance, PickStance(walk.id, question.id, i))]
            for i, stance in enumerate(question.stances)
        )
    rows.append([_private_link(bot_username, walk, question.id)])
    return rows


def question_messages(
    lesson: Lesson,
    step: QuestionStep,
    walk: Walk,
    bot_username: str,
    next_position: int | None,
    *,
    ends: bool = False,
    asking: Asking = Asking(),
    countdown: Countdown | None = None,
) -> list[GroupMessage]:
    """A question's message; a quiz poll whose options are too long for it comes after a
    message listing them in full (A, B, C…), and its own options are the letters.
    ``countdown``: a paced session's question, which closes when its time is up."""
    question = step.question
    rows = question_rows(lesson, step, walk, bot_username, asking)
    keyboard = _with_next(rows, walk, next_position, ends=ends)
    closes = (
        [texts.PACE_CLOSES.format(time=countdown.time, zone=esc(countdown.zone))]
        if countdown
        else []
    )
    if isinstance(question, ChoiceQuestion):
        shown = shown_options(question, group_seed(walk.id))  # as the post stores them
        if not with_buttons(lesson, question, asking):
            return _quiz_poll(step, question, shown, keyboard, countdown)
        lines = [*choice_lines(question, shown, group=True), *closes]
        return [Reply(question_text(step, *lines), keyboard)]
    if isinstance(question, ShortQuestion):
        how = texts.GROUP_REPLY_PRIVATELY if asking.typed_private else texts.GROUP_REPLY_TO_ANSWER
        return [Reply(question_text(step, how, *closes), keyboard)]
    how = (
        texts.GROUP_STANCE_THEN_PRIVATELY if asking.typed_private else texts.GROUP_STANCE_THEN_REPLY
    )
    lines = [how]
    if isinstance(question, DebateQuestion) and question.asks_counter and not asking.typed_private:
        # Issue 14: the other side's best argument, by a reply with the group's prefix.
        lines.append(texts.GROUP_OTHER_SIDE.format(prefix=texts.OTHER_SIDE_PREFIX))
    return [Reply(question_text(step, *lines, *closes), keyboard)]


def _quiz_poll(
    step: QuestionStep,
    question: ChoiceQuestion,
    shown: Sequence[str],
    keyboard: InlineKeyboardMarkup | None,
    countdown: Countdown | None = None,
) -> list[GroupMessage]:
    # The lesson's checks count characters, Telegram UTF-16 units: an emoji is two. Only
    # what is shown is clipped; the post keeps the options whole.
    explanation = question.explanation
    lettered = letters.in_poll(shown)
    poll = QuizPoll(
        question=clip(question.prompt, POLL_QUESTION_LIMIT),
        options=tuple(
            letters.letter(place) if lettered else clip(option, POLL_OPTION_LIMIT)
            for place, option in enumerate(shown)
        ),
        correct_option_id=list(shown).index(question.correct_options[0]),
        explanation=clip(explanation, POLL_EXPLANATION_LIMIT) if explanation else None,
        keyboard=keyboard,
        open_period=countdown.seconds if countdown else None,
    )
    if not lettered:
        return [poll]
    listing = question_text(step, letters.listed(shown), texts.GROUP_VOTE_LETTER)
    return [Reply(listing), poll]


def part_messages(
    lesson: Lesson,
    walk: Walk,
    steps: Sequence[Step],
    next_position: int,
    bot_username: str,
    asking: Asking = Asking(),
    countdown: Countdown | None = None,
) -> list[tuple[Step, GroupMessage]]:
    """The messages of one part; only the last one carries the Next button. ``countdown``:
    a paced session's part, whose questions close when their time is up."""
    messages: list[tuple[Step, GroupMessage]] = []
    ends = isinstance(step_at(lesson, next_position), EndStep)
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        position = next_position if last else None
        if isinstance(step, SectionStep):
            keyboard = with_words(_with_next([], walk, position, ends=ends), lesson, step.number)
            messages.extend((step, m) for m in section_messages(lesson, step, keyboard))
        elif isinstance(step, QuestionStep):
            shown = question_messages(
                lesson,
                step,
                walk,
                bot_username,
                position,
                ends=ends,
                asking=asking,
                countdown=countdown,
            )
            messages.extend((step, message) for message in shown)
    return messages


def keyboard_without_next(
    lesson: Lesson, step: Step, walk: Walk, bot_username: str, *, as_buttons: bool = False
) -> InlineKeyboardMarkup | None:
    """A posted message's keyboard once a later part has taken the Next button
    (``as_buttons``: its choice question was posted with buttons, whatever the settings
    say now)."""
    if isinstance(step, QuestionStep):
        rows = question_rows(lesson, step, walk, bot_username, Asking(quiz_buttons=as_buttons))
        return _with_next(rows, walk, None)
    if isinstance(step, SectionStep):
        return with_words(None, lesson, step.number)  # 📖 Words stays under its part
    return None


def choice_feedback(question: ChoiceQuestion, correct: bool) -> str:
    """A pop-up telling one member how they did."""
    head = (
        texts.GROUP_PICK_RIGHT
        if correct
        else texts.GROUP_PICK_WRONG.format(right="; ".join(question.correct_options))
    )
    if question.explanation:
        head = f"{head}\n{question.explanation}"
    return popup(head)


def picks_feedback(question: ChoiceQuestion, picked: Sequence[int]) -> str:
    if not picked:
        return texts.GROUP_PICKS_NONE
    text = texts.GROUP_PICKS_NOW.format(picks="; ".join(question.options[i] for i in picked))
    return popup(text)


def stance_feedback(stance: str, *, privately: bool = False) -> str:
    """The pop-up after a stance: in the group the reason is a reply, in private a message."""
    saved = texts.PRIVATE_STANCE_SAVED if privately else texts.GROUP_STANCE_SAVED
    return popup(saved.format(stance=as_sentence(stance)))


def private_only(command: str, bot_username: str) -> Reply:
    """A private chat's command sent in a group: where it works, with the way there."""
    button = InlineKeyboardButton(texts.OPEN_PRIVATE_BUTTON, url=f"https://t.me/{bot_username}")
    return Reply(
        texts.PRIVATE_ONLY_COMMAND.format(command=esc(command)),
        InlineKeyboardMarkup([[button]]),
    )


def paused(lesson: Lesson | None, walk: Walk) -> Reply:
    """/next while the session is paused (the bot was removed, say): /begin resumes it."""
    return Reply(texts.GROUP_PAUSED.format(lesson=esc(lesson.title if lesson else walk.lesson_id)))


# A moderator's /status names at most this many members still to answer.
STATUS_NAMES_MAX = 60


def status(
    lesson: Lesson,
    walk: Walk,
    members: int,
    missing: tuple[Sequence[tuple[str, int]], int] | None = None,
    clock: str = "",
) -> Reply:
    """Where the session is; for a moderator (``missing``) also who has taken part but not
    answered the questions posted last, with how many are left when the part has several."""
    steps = steps_of(lesson)
    parts = part_count(lesson)
    shown = steps[min(walk.position, len(steps)) - 1] if walk.position > 0 else None
    if shown is None:
        where = texts.GROUP_STATUS_START
    elif isinstance(shown, SectionStep):
        where = texts.GROUP_STATUS_SECTION.format(part=shown.number, parts=parts)
    elif isinstance(shown, QuestionStep) and shown.part > 0:
        where = texts.GROUP_STATUS_QUESTIONS.format(part=shown.part, parts=parts)
    elif isinstance(shown, QuestionStep):
        where = texts.GROUP_STATUS_DISCUSSION.format(number=shown.number, of=shown.of)
    else:
        where = texts.GROUP_STATUS_DISCUSSION_DONE
    if walk.status == "paused":
        where += texts.GROUP_STATUS_PAUSED
    where += clock  # a paced session's next part, or its stopped clock
    text = texts.GROUP_STATUS.format(lesson=esc(lesson.title), where=where, members=members)
    if missing is not None and missing[1]:
        people, of = missing
        if not people:
            text += "\n" + texts.GROUP_STATUS_ALL_ANSWERED
        else:
            names = [
                esc(name) if of == 1 else texts.GROUP_STATUS_LEFT.format(name=esc(name), left=left)
                for name, left in people[:STATUS_NAMES_MAX]
            ]
            if len(people) > STATUS_NAMES_MAX:
                names.append(texts.GROUP_STATUS_MORE.format(more=len(people) - STATUS_NAMES_MAX))
            text += "\n" + texts.GROUP_STATUS_MISSING.format(names=", ".join(names))
    return Reply(text)


def model_answers(questions: Sequence[ShortQuestion]) -> list[Reply]:
    """The model answers of the short questions just asked, posted as the session moves on
    (the group's setting): in as many messages as Telegram's limit needs."""
    lines = [texts.GROUP_MODEL_ANSWERS]
    lines.extend(
        texts.GROUP_MODEL_ANSWER.format(
            prompt=esc(question.prompt), model_answer=esc(question.model_answer or "")
        )
        for question in questions
    )
    return [Reply(text) for text in pack(lines, MESSAGE_LIMIT)]


# A summary line names its question by the start of its prompt: enough to recognise it.
SUMMARY_PROMPT_MAX = 200


def result_lines(results: SessionResults) -> list[str]:
    """Per question of a closing summary (a session's, or an assignment's at its deadline):
    how many answered, the share right, the stances."""
    lines = []
    for result in results.questions:
        prompt = esc(clip(result.question.prompt, SUMMARY_PROMPT_MAX))
        if isinstance(result.question, ChoiceQuestion):
            line = texts.GROUP_END_CHOICE.format(
                prompt=prompt, answered=result.answered, right=result.share_right
            )
        elif isinstance(result.question, DebateQuestion):
            split = ", ".join(f"{esc(stance)} {n}" for stance, n in result.stances if n)
            line = texts.GROUP_END_DEBATE.format(
                prompt=prompt, split=split or texts.GROUP_END_NO_ANSWERS
            )
        else:
            line = texts.GROUP_END_SHORT.format(prompt=prompt, answered=result.answered)
        lines.append(line)
    return lines


def summary_delayed() -> Reply:
    """Before a session's closing summary a stop kept from being posted (posted at the next
    start): why it comes late."""
    return Reply(texts.GROUP_END_DELAYED)


def move_delayed() -> Reply:
    """Before the rest of a session's move a stop cut short (posted at the next start, or
    by whichever move comes first): why it comes late."""
    return Reply(texts.GROUP_NEXT_DELAYED)


def session_summary(lesson: Lesson, results: SessionResults) -> list[Reply]:
    """Participants, then per question: how many answered, the share right, the stances;
    in as many messages as Telegram's length limit needs (a long lesson takes several)."""
    lines = [
        texts.GROUP_END_HEADER.format(
            lesson=esc(lesson.title), participants=len(results.participants)
        )
    ]
    lines.extend(result_lines(results))
    lines.append(texts.GROUP_END_THANKS)
    return [Reply(text) for text in pack(lines, MESSAGE_LIMIT)]
