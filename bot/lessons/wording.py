"""How a message about a lesson names a place and a value, in words a teacher reads.

A place is the path to a value through the lesson (``("sections", 0, "questions", 1)``),
shown as ``sections[0].questions[1]``. Nothing here reads YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.render import fit

Loc = tuple[str | int, ...]


def clip(text: str, limit: int = 60) -> str:
    """A value quoted on one line of a message: its runs of spaces and line breaks as one
    space, shortened the one way (``fit.clip``)."""
    return fit.clip(" ".join(text.split()), limit)


def path_text(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def within(loc: Loc) -> str:
    where = path_text(loc)
    return f" (in {where})" if where else ""


def within_field(loc: Loc) -> str:
    """Where a value is: its enclosing object for a field, the item itself in a list."""
    return within(loc[:-1] if loc and isinstance(loc[-1], str) else loc)


SINGULAR = {
    "sections": "section",
    "questions": "question",
    "discussion": "discussion question",
    "options": "option",
    "stances": "stance",
    "answer": "answer",
    "glossary": "glossary entry",
    "forms": "form",
}


def thing(loc: Loc) -> str:
    """How to name the value at ``loc`` in a message: "'prompt'", "this option"..."""
    if not loc:
        return "the lesson"
    last = loc[-1]
    if isinstance(last, int):
        parent = loc[-2] if len(loc) > 1 else ""
        return f"this {SINGULAR.get(str(parent), 'item')}"
    return f"'{last}'"


def one_of(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def value_at(data: Any, path: Loc) -> Any:
    current = data
    for part in path:
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current
