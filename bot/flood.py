"""A user who floods the bot with stray messages gets one "slow down" a minute, not a hint
for each.

A *stray* message is one whose only reply would be a hint: text while no lesson is waiting
for it, a sticker, text while a button is expected, an unknown command… Answers are not
strays: a typed answer is recorded (and answered) whatever this says. The gate lives in
``context.bot_data.flood``; a handler about to send a hint asks it first, once per stray
message, with the sender's id::

    text = context.bot_data.flood.hint_text(user.id, texts.HINT_IDLE)
    if text is not None:
        await message.reply_text(text)

or, for the verdict itself, ``should_reply(user_id)``: ``"reply"`` (send the hint),
``"slow_down"`` (send ``texts.SLOW_DOWN`` instead), ``"silent"`` (send nothing; the message
is handled all the same and leaves the inbox).

The numbers: up to ``HINTS_PER_WINDOW`` (10) strays in any ``WINDOW_SECONDS`` (60) get their
hint: a confused person rarely sends more, and ten identical hints a minute are already
more than anyone reads. The strays beyond get one "slow down" per ``SLOW_DOWN_SECONDS`` (60)
and nothing else; hints come back once the user sends fewer than ten strays a minute.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from bot import texts

HINTS_PER_WINDOW = 10
WINDOW_SECONDS = 60.0
SLOW_DOWN_SECONDS = 60.0
_SWEEP_ABOVE = 10_000  # users remembered before the quiet ones are forgotten

Verdict = Literal["reply", "slow_down", "silent"]


class _Strays:
    __slots__ = ("recent", "slowed")

    def __init__(self, hints: int) -> None:
        self.recent: deque[float] = deque(maxlen=hints)  # when their last strays came
        self.slowed: float | None = None  # when they were last told to slow down


class FloodGate:
    """Per user: whether a stray message still gets its hint (see the module's doc)."""

    def __init__(
        self,
        *,
        hints: int = HINTS_PER_WINDOW,
        window: float = WINDOW_SECONDS,
        slow_down_every: float = SLOW_DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hints = hints
        self._window = window
        self._every = slow_down_every
        self._clock = clock
        self._users: dict[int, _Strays] = {}

    def should_reply(self, user_id: int) -> Verdict:
        """Count one stray message from this user, and say what it gets."""
        now = self._clock()
        strays = self._users.get(user_id)
        if strays is None:
            if len(self._users) >= _SWEEP_ABOVE:
                self._sweep(now)
            strays = self._users[user_id] = _Strays(self._hints)
        recent = strays.recent
        flooding = len(recent) == self._hints and now - recent[0] < self._window
        recent.append(now)
        if not flooding:
            return "reply"
        if strays.slowed is None or now - strays.slowed >= self._every:
            strays.slowed = now
            return "slow_down"
        return "silent"

    def hint_text(self, user_id: int, hint: str) -> str | None:
        """What to send for one stray message: ``hint``, ``texts.SLOW_DOWN``, or None."""
        verdict = self.should_reply(user_id)
        if verdict == "reply":
            return hint
        return texts.SLOW_DOWN if verdict == "slow_down" else None

    def _sweep(self, now: float) -> None:
        """Forget users with no stray in the window and no recent "slow down": for them a
        fresh start says the same."""
        self._users = {
            user_id: strays
            for user_id, strays in self._users.items()
            if now - strays.recent[-1] < self._window
            or (strays.slowed is not None and now - strays.slowed < self._every)
        }
