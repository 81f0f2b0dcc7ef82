"""The order a choice question's options are shown in: shuffled, the same each time.

A student who comes back sees the options where they were (the seed: their user id and the
question's id), and a group post keeps its order (the seed: the session's id and the
question's id). ``shuffle: false`` on a lesson or question keeps the written order. The
order is a list of the lesson's option indexes, so whatever is pressed or voted maps back to
the lesson's own option: answers are stored in the lesson's order, never by the shown place.
The order comes from a hash, not from ``random``, so it stays the same across Python versions.
"""

from __future__ import annotations

import hashlib

from bot.lessons import ChoiceQuestion


def shown_order(question: ChoiceQuestion, seed: str) -> tuple[int, ...]:
    """The lesson's option indexes in the order they are shown. (A lesson's 'shuffle: false'
    is said on each of its choice questions when it is loaded.)"""
    indexes = range(len(question.options))
    if question.shuffle is False:
        return tuple(indexes)

    def key(index: int) -> bytes:
        return hashlib.sha256(f"{seed}\n{question.id}\n{index}".encode()).digest()

    return tuple(sorted(indexes, key=key))


def private_seed(user_id: int) -> str:
    """A student's own order, the same in every attempt and after /start."""
    return f"user:{user_id}"


def group_seed(walk_id: int) -> str:
    """A group session's order: one for everyone, as a post is one message."""
    return f"session:{walk_id}"


def shown_options(question: ChoiceQuestion, seed: str) -> tuple[str, ...]:
    """The options as shown: what a post stores, so that a press maps back by its text."""
    return tuple(question.options[i] for i in shown_order(question, seed))
