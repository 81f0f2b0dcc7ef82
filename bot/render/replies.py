"""How each answering outcome and refusal is worded, and the short replies of the handlers
(so that no handler formats a word itself)."""

from __future__ import annotations

from typing import Literal

from bot import texts
from bot.answering import Refused, Why
from bot.lessons import ChoiceQuestion, Lesson, LessonCatalog
from bot.render import letters
from bot.render.fit import popup
from bot.render.markup import Reply, esc
from bot.render.private import as_sentence

# Where a refusal is shown: a button in a group (or a group's stance in a private chat), a
# student's own lesson, a deep link's typed answer, an edited typed answer, a group reply.
Where = Literal["group", "private", "linked", "edit", "reply"]

# By the name of their text in bot/texts/, read when worded: in the reader's language.
_SAME_EVERYWHERE = {
    Why.UNKNOWN: "UNKNOWN_BUTTON",
    Why.PAUSED: "SESSION_PAUSED",
    Why.STALE: "STALE_BUTTON",
    Why.EARLIER_ATTEMPT: "EARLIER_ATTEMPT_BUTTON",
    Why.ALREADY_ANSWERED: "ALREADY_ANSWERED",
    Why.CHANGED: "QUESTION_CHANGED",
    Why.PICK_AT_LEAST_ONE: "PICK_AT_LEAST_ONE",
    Why.STANCE_FIRST: "HINT_PICK_STANCE_FIRST",
    Why.NOT_MEMBER: "PRIVATE_LINK_LEFT",
    Why.IDLE: "HINT_IDLE",
    Why.NOT_WAITING: "HINT_NOT_WAITING",
    Why.SENT_BEFORE_QUESTION: "SENT_BEFORE_QUESTION",
    Why.NOT_A_QUESTION: "REPLY_NOT_A_QUESTION",
    Why.TEXT_ONLY: "REPLY_TEXT_ONLY",
    Why.COMMAND_LIKE: "REPLY_COMMAND_LIKE",
    Why.PRIVATE_ONLY: "REPLY_PRIVATE_ONLY",
    Why.PRESS_CONTINUE: "PRESS_CONTINUE",
    Why.NOT_AN_OPTION: "HINT_NOT_WAITING",  # (no question to name its letters)
    Why.NEEDS_WORDS: "NEEDS_WORDS",
    Why.TIME_UP: "QUESTION_TIME_UP",
}
_CLOSED = {
    "group": "GROUP_QUESTION_CLOSED",
    "private": "CLOSED_BUTTON",
    "linked": "PRIVATE_LINK_CLOSED",
    "edit": "EDIT_TOO_LATE",
    "reply": "REPLY_SESSION_ENDED",
}


def refusal(refused: Refused, where: Where) -> str:
    """Why an answer was not taken, in a line (a pop-up's or a reply's)."""
    if refused.why is Why.CLOSED:
        return str(getattr(texts, _CLOSED[where]))
    if refused.why is Why.NOT_AN_OPTION and isinstance(refused.question, ChoiceQuestion):
        options = refused.question.options
        several = len(refused.question.correct_options) > 1
        wording = texts.NOT_OPTIONS if several else texts.NOT_AN_OPTION
        return wording.format(first=letters.letter(0), last=letters.letter(len(options) - 1))
    if refused.why is Why.REPLY_TO_EARLIER:
        prompt = refused.question.prompt if refused.question is not None else ""
        return texts.REPLY_TO_EARLIER.format(prompt=esc(prompt))
    return str(getattr(texts, _SAME_EVERYWHERE[refused.why]))


def link_refusal(refused: Refused) -> Reply:
    """A deep link that does not open: one reply for a session that does not exist, one
    the person is not in and a question not posted yet (nothing to probe)."""
    if refused.why is Why.UNKNOWN:
        return Reply(texts.PRIVATE_LINK_UNAVAILABLE)
    return Reply(refusal(refused, "linked"))


def versions_capped() -> str:
    return texts.VERSIONS_CAPPED


def stance_already_picked(stance: str) -> str:
    """A pop-up (plain text): the attempt's stance stays."""
    return popup(texts.STANCE_ALREADY_PICKED.format(stance=as_sentence(stance)))


def answering_for_group(group_title: str) -> Reply:
    return Reply(texts.PRIVATE_ANSWER_FOR_GROUP.format(group=esc(group_title)))


def answer_saved_for_group(group_title: str) -> Reply:
    return Reply(texts.PRIVATE_ANSWER_SAVED.format(group=esc(group_title)))


def command_elsewhere(command: str) -> Reply:
    """/begin, /next… sent in a private chat: they run a group's session."""
    return Reply(texts.GROUP_ONLY_COMMAND.format(command=esc(command)))


def no_such_lesson(asked: str, catalog: LessonCatalog) -> Reply:
    available = ", ".join(lesson.id for lesson in catalog) or "none"
    return Reply(texts.GROUP_NO_SUCH_LESSON.format(lesson_id=esc(asked), available=available))


def session_resumed(lesson: Lesson | None, lesson_id: str) -> Reply:
    title = esc(lesson.title if lesson else lesson_id)
    return Reply(texts.GROUP_RESUMED.format(lesson=title))


def session_already_running(lesson: Lesson | None, lesson_id: str) -> Reply:
    title = esc(lesson.title if lesson else lesson_id)
    return Reply(texts.GROUP_ALREADY_RUNNING.format(lesson=title))


def storage_alert(error: BaseException | None) -> str:
    return texts.ALERT_STORAGE.format(error=type(error).__name__)


def hint_for_other(waiting: bool | None) -> Reply:
    """A sticker, photo or voice message in a private chat: what would count instead
    (``waiting``: whether a typed answer is awaited; None: no lesson in progress)."""
    if waiting is None:
        return Reply(texts.HINT_IDLE)
    return Reply(texts.HINT_TEXT_ONLY if waiting else texts.HINT_NOT_WAITING)


def refusal_reply(refused: Refused, where: Where) -> Reply:
    return Reply(refusal(refused, where))


def plain(text: str) -> Reply:
    """A catalog text that needs no filling in."""
    return Reply(text)


def cannot_post(reason: str) -> Reply:
    """Said in a group when Telegram refused a part of its session (and why)."""
    return Reply(texts.GROUP_CANNOT_POST.format(reason=esc(reason)))


def not_recorded(*, told: bool) -> str:
    """A storage failure: what was sent is not saved (and the moderators were told)."""
    return texts.NOT_RECORDED + (texts.NOT_RECORDED_TOLD if told else "")
