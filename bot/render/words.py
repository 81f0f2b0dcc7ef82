"""Small wording helpers shared by every renderer (and the command line's messages).

Nothing here imports Telegram or the rest of the bot, so any module may use it.
"""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """ "1 answer", "2 answers", "0 answers" (for nouns that take an -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
