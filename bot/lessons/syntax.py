"""A YAML syntax error, located and said in words for people who do not know YAML's grammar."""

from __future__ import annotations

import re

import yaml
from yaml.error import Mark

from bot.lessons.wording import clip


def syntax_problem(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    mark = exc.problem_mark or exc.context_mark
    if _missing_colon(exc) and exc.context_mark is not None:
        mark = exc.context_mark  # the line without its ':' (PyYAML notices on the next one)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return line, column, _syntax_message(exc)


def _missing_colon(exc: yaml.MarkedYAMLError) -> bool:
    return (exc.problem or "").startswith("could not find expected ':'")


def _line_of(mark: Mark | None) -> tuple[str, str]:
    """The text of the line a mark is on, before the mark and from it on ('' and '' when
    the loader kept no text)."""
    if mark is None or not isinstance(mark.buffer, str):
        return "", ""
    start = mark.buffer.rfind("\n", 0, mark.pointer) + 1
    end = mark.buffer.find("\n", mark.pointer)
    rest = mark.buffer[mark.pointer : end if end >= 0 else len(mark.buffer)]
    return mark.buffer[start : mark.pointer], rest.rstrip("\0")


# Complex by nature: one branch per kind of YAML mistake, each with its advice.
def _syntax_message(exc: yaml.MarkedYAMLError) -> str:  # noqa: C901
    """PyYAML's error in words for people who do not know YAML's grammar."""
    problem = exc.problem or ""
    context = exc.context or ""
    quotes = "put texts that contain , [ ] { } or : in quotes"
    if "'\\t'" in problem:
        if _mid_line(exc.problem_mark):  # often pasted from a document with the text
            return (
                "a tab character inside the line, which YAML does not read there: replace it"
                " with a space, or put the text in quotes"
            )
        return (
            "a tab character is used for indentation here: YAML needs spaces;"
            " replace the tab with spaces"
        )
    if problem == "mapping values are not allowed here":
        return (
            "unexpected ':' here: if a text contains ': ', put the whole text in quotes"
            ' (like "Question: why?"), otherwise check the indentation of this line'
        )
    if "double-quoted scalar" in context and "escape" in problem:
        return (
            f'this escape code in a text in double quotes is not valid ({problem}): in "..."'
            " a '\\' starts a code like \\n or \\U0001F642; write \\\\ for a backslash itself,"
            " or put the text in single quotes ('...') instead"
        )
    if "quoted scalar" in context and exc.context_mark is not None:
        return (
            f"the quote opened on line {exc.context_mark.line + 1} is never closed:"
            " add the closing quote (to write a quote inside a quoted text, double it: '')"
        )
    if "expected a single document" in context:
        return "the file contains a second document ('---'): put one lesson in each file"
    if problem.startswith("found undefined alias") or context.startswith(
        ("while scanning an alias", "while scanning an anchor")
    ):
        return (
            "a text starting with '*' or '&' must be put in quotes, like \"*important*\""
            " ('*' and '&' at the start mean references in YAML)"
        )
    if _missing_colon(exc):
        line = "".join(_line_of(exc.context_mark))
        glued = re.match(r"\s*(?:-\s+)?([A-Za-z_]+):(\S.*?)\s*$", line)
        if glued:
            key, value = glued.group(1), clip(glued.group(2), 40)
            return (
                f"a space is missing after '{key}:': write '{key}: {value}' (YAML needs ': '"
                " between a key and its value)"
            )
        return (
            "a ':' is missing: each line should be 'key: value', and a text that goes on"
            " over several lines must be indented more than its key (or use '|')"
        )
    stray = re.search(r"but found '([\]},])'", problem)
    if stray:
        return f"unexpected '{stray.group(1)}' here: check that brackets match, and {quotes}"
    if context.startswith("while parsing a block") and _mid_line(exc.problem_mark):
        return (
            "the text goes on after a closing quote or bracket: put the whole text in"
            ' quotes (inside "..." use \' for quotes, or the other way round)'
        )
    if context.startswith("while parsing a block"):
        return (
            "this line is not indented like the lines around it: keys of the same group must"
            " start in the same column, and list items ('- ') must line up"
        )
    if context.startswith("while parsing a flow"):
        return (
            "a list in [ ] or a group in { } is not written properly: check the brackets"
            f" and commas, and {quotes}"
        )
    special = re.match(r"found character '(.)' that cannot start any token", problem)
    if special:
        return (
            f"a text cannot start with '{special.group(1)}' unless it is in quotes:"
            " put the whole text in quotes"
        )
    detail = "; ".join(part for part in (context, problem) if part)
    return f"this is not valid YAML ({detail})"


def _mid_line(mark: Mark | None) -> bool:
    """Whether ``mark`` is after other text on its line (not at the line's indentation)."""
    return bool(_line_of(mark)[0].strip())


def text_position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1
