"""Word count, reading time and a readability grade for a part of a lesson.

The grade is Flesch-Kincaid's (the US school grade a text suits), with syllables counted by
Pyphen's hyphenation dictionary. (textstat, the usual package, fetches a pronouncing
dictionary from the internet the first time it counts English syllables, which a server or
a teacher's laptop offline cannot do; Pyphen ships its dictionaries.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyphen  # type: ignore[import-untyped]

WORDS_PER_MINUTE = 200  # an adult reading English for meaning; learners are slower
MIN_GRADED_WORDS = 10  # the formula is for prose, not for a line
_LETTERS = re.compile(r"[^\W\d_]+")
_CLOSING = "”\"’')]"
# 'U.S.', 'S.' and the like end a word, not a sentence.
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "vs.", "no.", "etc."})


@dataclass(frozen=True)
class Readability:
    words: int
    minutes: float
    grade: float | None  # None for a text too short to grade

    def describe(self) -> str:
        minutes = max(1, round(self.minutes))
        reading = "under a minute" if self.minutes < 0.75 else f"about {minutes} min"
        grade = "—" if self.grade is None else f"{self.grade:.1f}"
        return f"{self.words} words · {reading} · grade {grade}"


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    return len(_dictionary().positions(word.lower())) + 1


def _ends_sentence(token: str) -> bool:
    core = token.rstrip(_CLOSING)
    if not core.endswith((".", "!", "?")):
        return False
    return _INITIALS.fullmatch(core) is None and core.lower() not in _ABBREVIATIONS


def measure(text: str) -> Readability:
    """Words are what spaces separate (with a letter in them); a sentence ends at '.', '!' or
    '?' after a word that is not initials ('U.S.') or a title ('Mr.')."""
    tokens = [token for token in text.split() if _LETTERS.search(token)]
    count = len(tokens)
    sentences = max(1, sum(1 for token in tokens if _ends_sentence(token)))
    grade: float | None = None
    if count >= MIN_GRADED_WORDS:
        per_sentence = count / sentences
        letters = ("".join(_LETTERS.findall(token)) for token in tokens)
        per_word = sum(syllables(word) for word in letters) / count
        grade = round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1)
    return Readability(count, count / WORDS_PER_MINUTE, grade)
