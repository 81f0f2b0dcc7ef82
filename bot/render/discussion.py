"""Discussion's words (issue 14): what others said (after a student answered), a group's
digest, the reveal setting, and the switches of /digest and /leaderboard."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.callbacks import PickBefore, ShowReasons
from bot.discussion import Digest, Reveal
from bot.lessons import DebateQuestion
from bot.render.fit import MESSAGE_LIMIT, clip, pack, popup, visible_length
from bot.render.markup import Reply, button, esc
from bot.results import Member, shown_names
from bot.storage import OwnScore, Score, Walk

# A reason quoted to another student, and one in a group's digest: enough to read, and a
# digest of thirty members still fits its two messages.
REVEAL_QUOTE_MAX = 280
DIGEST_QUOTE_MAX = 280
# A digest takes at most this many of the group's 20 messages a minute; the rest is in
# /report.
DIGEST_MESSAGES_MAX = 2


def _split(stances: Sequence[tuple[str, int]], template: str) -> str:
    return " · ".join(template.format(stance=esc(s), count=n) for s, n in stances)


def reveal(shown: Reveal, budget: int = MESSAGE_LIMIT) -> str:
    """What others said, after the student's own answer: the stance split and a few
    reasons, never a name; as many reasons as ``budget`` characters hold."""
    if shown.first:
        return texts.REVEAL_FIRST
    lines = [texts.REVEAL_HEADER]
    if shown.stances:
        lines.append(_split(shown.stances, texts.REVEAL_SPLIT_PART))
    if not shown.reasons:
        lines.append(texts.REVEAL_NO_REASONS)
    for stance, reason in shown.reasons:
        quoted = esc(clip(" ".join(reason.split()), REVEAL_QUOTE_MAX))
        if stance is None:
            line = texts.REVEAL_ANSWER.format(reason=quoted)
        else:
            line = texts.REVEAL_REASON.format(stance=esc(stance), reason=quoted)
        if visible_length("\n\n".join([*lines, line])) > budget:
            break  # a debate of many stances: the first reasons in the lesson's order
        lines.append(line)
    return "\n\n".join(lines)


def with_reveal(thanks: Reply, shown: Reveal, told: bool) -> Reply:
    """The thanks for an answer, what others said under it, and (once, in the thanks for
    a student's first reason) that their own reasons may be shown and how to stop it.
    One message: its buttons (a self-check, Continue) stay under it."""
    head = thanks.text + (f"\n\n{texts.REVEAL_TOLD}" if told else "")
    budget = MESSAGE_LIMIT - visible_length(head) - 2
    return Reply(f"{head}\n\n{reveal(shown, budget)}", thanks.keyboard)


def settings(shows: bool) -> Reply:
    state = texts.SETTINGS_ON if shows else texts.SETTINGS_OFF
    toggle = (
        button(texts.SETTINGS_HIDE_BUTTON, ShowReasons(0))
        if shows
        else button(texts.SETTINGS_SHOW_BUTTON, ShowReasons(1))
    )
    return Reply(texts.SETTINGS.format(state=state), InlineKeyboardMarkup([[toggle]]))


def settings_saved(shows: bool) -> str:
    """The pop-up after the toggle (plain text)."""
    return texts.SETTINGS_SAVED_SHOWN if shows else texts.SETTINGS_SAVED_HIDDEN


def digest(found: Digest, names: dict[int, str]) -> list[Reply]:
    """A group's digest of one debate question: the split, then the reasons given in the
    group under their stance with each member's name, then how many were given privately;
    at most DIGEST_MESSAGES_MAX messages (the rest: /report)."""
    head = texts.DIGEST_HEADER.format(prompt=esc(clip(found.question.prompt, 200)))
    blocks = [f"{head}\n{_split(found.stances, texts.DIGEST_SPLIT_PART)}"]
    for stance, answers in found.public:
        lines = [texts.DIGEST_STANCE.format(stance=esc(stance))]
        lines.extend(
            texts.DIGEST_REASON.format(
                name=esc(names.get(a.user_id, a.display_name)),
                reason=esc(clip(" ".join((a.answer_text or "").split()), DIGEST_QUOTE_MAX)),
            )
            for a in answers
        )
        blocks.append("\n".join(lines))
    if found.private_reasons:
        blocks.append(texts.DIGEST_PRIVATE.format(count=found.private_reasons))
    more = f"\n\n{texts.DIGEST_MORE}"
    pieces = pack(blocks, MESSAGE_LIMIT - visible_length(more), separator="\n\n")
    if len(pieces) > DIGEST_MESSAGES_MAX:
        pieces = pieces[:DIGEST_MESSAGES_MAX]
        pieces[-1] += more
    return [Reply(piece) for piece in pieces]


def digest_names(found: Digest) -> dict[int, str]:
    """The members' names as the digest shows them (an @username only for equal names)."""
    return shown_names(
        Member(a.user_id, a.display_name, a.username)
        for _, answers in found.public
        for a in answers
    )


def digest_switched(on: bool) -> Reply:
    return Reply(texts.DIGEST_SWITCHED_ON if on else texts.DIGEST_SWITCHED_OFF)


def digest_usage(on: bool) -> Reply:
    return Reply(texts.DIGEST_USAGE.format(state=texts.SWITCH_ON if on else texts.SWITCH_OFF))


# --- opinion shift: the stance before the reading ------------------------------------------


def before_question(question: DebateQuestion, walk: Walk, *, group: bool = False) -> Reply:
    """A debate's stance asked before the reading (in a student's lesson right after
    Begin; in a group under the session's opening message)."""
    template = texts.BEFORE_QUESTION_GROUP if group else texts.BEFORE_QUESTION
    rows = [
        [button(stance, PickBefore(walk.id, question.id, i))]
        for i, stance in enumerate(question.stances)
    ]
    return Reply(template.format(prompt=esc(question.prompt)), InlineKeyboardMarkup(rows))


def before_chosen(question: DebateQuestion, stance: str) -> Reply:
    """The private before-question once answered (its buttons gone)."""
    text = texts.BEFORE_QUESTION.format(prompt=esc(question.prompt))
    return Reply(f"{text}\n\n{texts.BEFORE_CHOSEN.format(stance=esc(stance))}")


def before_noted(stance: str, *, created: bool) -> str:
    """The pop-up after a stance before the reading (plain text)."""
    template = texts.BEFORE_NOTED if created else texts.BEFORE_KEPT
    return popup(template.format(stance=stance))


def shift_line(before: str, after: str) -> str:
    """A student's opinion shift on one question, for their summary."""
    if before == after:
        return texts.SHIFT_HELD.format(after=esc(after))
    return texts.SHIFT_MOVED.format(before=esc(before), after=esc(after))


# --- the other side's best argument ---------------------------------------------------------


def ask_counter(question: DebateQuestion) -> Reply:
    own = question.counter_prompt
    if own:
        return Reply(texts.COUNTER_ASK_OWN.format(prompt=esc(own)))
    return Reply(texts.COUNTER_ASK)


def then_counter(thanks: Reply, question: DebateQuestion) -> Reply:
    """The thanks for a reason, and the other side's best argument asked under it."""
    return Reply(f"{thanks.text}\n\n{ask_counter(question).text}")


def counter_saved() -> Reply:
    return Reply(texts.COUNTER_SAVED)


# --- scores (/leaderboard on) ------------------------------------------------------------------


def _ranked(heading: str, scores: Sequence[Score]) -> Reply:
    names = shown_names(Member(s.user_id, s.display_name, s.username) for s in scores)
    lines = [heading]
    lines.extend(
        texts.LEADERBOARD_LINE.format(rank=rank, name=esc(names[s.user_id]), right=s.right)
        for rank, s in enumerate(scores, start=1)
    )
    if not scores:
        lines.append(texts.LEADERBOARD_EMPTY)
    return Reply("\n".join(lines))


def top_five(scores: Sequence[Score]) -> Reply:
    """Under a session's or an assignment's closing results, when the group has it on."""
    return _ranked(texts.LEADERBOARD_TOP, scores)


def standings(scores: Sequence[Score]) -> Reply:
    return _ranked(texts.LEADERBOARD_STANDINGS, scores)


def leaderboard_off() -> Reply:
    return Reply(texts.LEADERBOARD_OFF)


def leaderboard_switched(on: bool) -> Reply:
    return Reply(texts.LEADERBOARD_SWITCHED_ON if on else texts.LEADERBOARD_SWITCHED_OFF)


def own_scores(scores: Sequence[OwnScore]) -> Reply:
    """A student's own score per group, in their private chat."""
    if not scores:
        return Reply(texts.LEADERBOARD_OWN_NONE)
    lines = [texts.LEADERBOARD_OWN]
    lines.extend(
        texts.LEADERBOARD_OWN_LINE.format(
            group=esc(s.title or s.chat_id), right=s.right, answered=s.answered
        )
        for s in scores
    )
    return Reply("\n".join(lines))
