"""The one answering path: "this person did this, on this message, about this question of
this walk" becomes a recorded answer or a refusal, here and nowhere else.

Three audiences walk the same lesson: a student alone (``private``: buttons and typed
answers), a study group live (``group``: quiz polls, buttons and replies), and a member
answering a group's question in their private chat (``linked``: its deep link). They
differ only where Telegram differs and where a small policy says so: a group stance may
change, a private one is fixed per attempt; a group choice stays as the member first gave
it (as quiz polls do), while ticks on a several-answers question are toggled one option at
a time and, for a student, become the answer on Submit.

Callback data is never trusted (a modified client can send any): a press counts only on
the stored post of that question, in that chat, of the kind the question was posted as,
while the question is open. Anything else is ``Refused(Why.UNKNOWN)``, which tells
nothing. Pure domain: no Telegram calls and no wording (render words every outcome).
"""

from bot.answering import group, linked, private
from bot.answering.core import (
    ChoiceGiven,
    LinkOpened,
    MembershipCheck,
    Moved,
    Outcome,
    Refused,
    StanceGiven,
    TicksNow,
    TypedGiven,
    Why,
    as_posted,
    kind_of,
    typed_answer_key,
)

__all__ = [
    "ChoiceGiven",
    "LinkOpened",
    "MembershipCheck",
    "Moved",
    "Outcome",
    "Refused",
    "StanceGiven",
    "TicksNow",
    "TypedGiven",
    "Why",
    "as_posted",
    "group",
    "kind_of",
    "linked",
    "private",
    "typed_answer_key",
]
