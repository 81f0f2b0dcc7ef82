"""The one way to fit text into Telegram's limits.

Telegram counts lengths in UTF-16 code units (an emoji outside the Basic Multilingual Plane
is two), of a message's visible text: after its HTML tags are dropped and its entities
decoded. Long HTML is cut at paragraphs, then lines, then spaces (``split_html``), never
inside a tag or an entity, and a tag open at a cut is closed and opened again; short plain
text (a pop-up, a poll's question, a quoted answer) is clipped with an ellipsis (``clip``),
never inside a character or between a letter and its accents or an emoji and its joiners.

Nothing here imports Telegram, so the lesson checks can use ``clip`` without its cost.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

# Telegram's limits, in UTF-16 code units (Bot API: sendMessage, answerCallbackQuery, sendPoll).
MESSAGE_LIMIT = 4096  # a message's visible text, after entity parsing
POPUP_LIMIT = 200  # the text of a button press's pop-up
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_EXPLANATION_LIMIT = 200

# Ours, not Telegram's: a member's answer quoted back in a summary or report stays short.
QUOTE_LIMIT = 300

ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]+>")


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def visible_text(html_text: str) -> str:
    """What a reader sees of our HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after entity parsing."""
    return utf16_length(visible_text(html_text))


# --- short plain text ----------------------------------------------------------------------


def _joins_previous(char: str) -> bool:
    """A character drawn together with the one before it: a combining mark (an accent, a
    keycap), a variation selector, a zero-width joiner, a skin tone, an emoji tag, or a
    Hangul vowel or final consonant written as a separate jamo."""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or code == 0x200D
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF  # two of them make a flag


def _cut_at(units: Sequence[str], end: int, floor: int = 0) -> int:
    """The nearest place at or before ``end`` (and after ``floor``) where a run of
    characters (or of a tag, an entity and characters) can be cut without splitting what a
    reader sees as one character."""

    def joins(k: int) -> bool:  # units[k] belongs with units[k - 1]
        unit, before = units[k], units[k - 1]
        if len(unit) != 1 or len(before) != 1:
            return False
        if _joins_previous(unit) or before == "\u200d":
            return True
        if _regional(unit) and _regional(before):
            run = k
            while run > 0 and len(units[run - 1]) == 1 and _regional(units[run - 1]):
                run -= 1
            return (k - run) % 2 == 1  # the flag's first half is before the cut
        return False

    while floor < end < len(units) and joins(end):
        end -= 1
    return end


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Plain text in at most ``limit`` UTF-16 code units: as it is when it fits, else its
    beginning and an ellipsis (a pop-up, a poll's question, an answer quoted back)."""
    if utf16_length(text) <= limit:
        return text
    room = limit - utf16_length(ELLIPSIS)
    end = 0
    for char in text:  # the most characters that fit in ``room``
        room -= 2 if ord(char) > 0xFFFF else 1
        if room < 0:
            break
        end += 1
    return text[: _cut_at(text, end)].rstrip() + ELLIPSIS


def popup(text: str) -> str:
    """The text of a button press's pop-up, within Telegram's limit."""
    return clip(text, POPUP_LIMIT)


# --- messages --------------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """Plain text's paragraphs (separated by a blank line), without the blank lines."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]


def pack(blocks: Iterable[str], budget: int = MESSAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """Blocks of HTML joined by ``separator`` into as few pieces of at most ``budget``
    visible characters as they fit in, in order.

    A block too long for any piece is cut (``split_html``: at its line breaks first); its
    first piece may join the piece before, the others start pieces of their own.
    """
    pieces: list[str] = []
    current = ""
    for block in blocks:
        cut = [block] if visible_length(block) <= budget else split_html(block, budget)
        for i, piece in enumerate(cut):
            candidate = f"{current}{separator}{piece}" if current else piece
            if current and (i > 0 or visible_length(candidate) > budget):
                pieces.append(current)
                current = piece
            else:
                current = candidate
    if current:
        pieces.append(current)
    return pieces


# A tag, an entity, or one character: the units HTML is never cut inside.
_ATOM = re.compile(r"<[^>]+>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG_NAME = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def _tag(atom: str) -> tuple[bool, str] | None:
    """For a tag: whether it closes, and its name; None for text."""
    found = _TAG_NAME.match(atom) if len(atom) > 2 else None
    return (found.group(1) == "/", found.group(2)) if found else None


def _open_tags(atoms: Sequence[str], bounds: Iterable[int]) -> Iterator[list[tuple[str, str]]]:
    """For each of the ascending ``bounds``: the tags open just before ``atoms[bound]``,
    outermost first, as (name, opening tag)."""
    stack: list[tuple[str, str]] = []
    done = 0
    for bound in bounds:
        for atom in atoms[done:bound]:
            if (tag := _tag(atom)) is None:
                continue
            closes, name = tag
            if not closes:
                stack.append((name, atom))
                continue
            names = [n.lower() for n, _ in stack]
            if (name := name.lower()) in names:
                del stack[len(names) - 1 - names[::-1].index(name) :]
        done = max(done, bound)
        yield list(stack)


def _line_break_rank(atoms: Sequence[str], k: int) -> int:
    """How good a place the line break ``atoms[k]`` is to cut at: 0 is best.

    A line that is indented goes with the line before (like an answer under its prompt).
    """
    return 0 if k + 1 == len(atoms) or atoms[k + 1] not in (" ", "\t") else 1


# Complex by nature: paragraph, line, space and character cuts in one pass.
def _cuts(atoms: Sequence[str], widths: Sequence[int], budget: int) -> list[tuple[int, int]]:  # noqa: C901
    """The pieces as ranges of atoms; the atom between two ranges, if any, is dropped."""
    before = [0, *accumulate(widths)]  # before[k]: visible width of atoms[:k]
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < len(atoms):
        end = bisect_right(before, before[start] + budget) - 1  # atoms[start:end] fits
        if end >= len(atoms):
            ranges.append((start, len(atoms)))
            break
        line: tuple[int, int] | None = None  # (rank, k): the best line break, the latest
        last_line = space = listed = None  # the latest line break, space, space after a comma
        seen_text = False  # a break needs some text before it: atoms[k] is dropped
        for k in range(start, end + 1):
            if seen_text and atoms[k] == "\n":
                rank = _line_break_rank(atoms, k)
                line = (rank, k) if line is None or rank <= line[0] else line
                last_line = k
            elif seen_text and atoms[k] in (" ", "\t"):
                space = k
                listed = k if atoms[k - 1] in (",", ";") else listed
            seen_text = seen_text or (widths[k] > 0 and not atoms[k].isspace())
        enough = budget // 8
        if listed is not None and before[end] - before[listed] <= enough:
            space = listed  # in a list of names, cut between two of them
        cut = line[1] if line else space
        if last_line is not None:
            # The line that does not fit may be too long for any message: then rather than
            # start it on a new one, fill this one with its beginning (unless that is short).
            line_end = next((i for i in range(end, len(atoms)) if atoms[i] == "\n"), len(atoms))
            line_start = before[last_line + 1]
            if before[line_end] - line_start > budget:
                if space is not None and space > last_line and before[space] - line_start >= enough:
                    cut = space
                elif before[end] - line_start >= enough:
                    cut = None  # between two characters, as far as it fits
        if cut is not None:
            ranges.append((start, cut))
            start = cut + 1
            continue
        # No line break or space to cut at: cut between two characters (not inside one a
        # reader sees), leaving any tag that opens right there to the next piece.
        cut = _cut_at(atoms, end, start + 1)
        while cut > start + 1 and widths[cut - 1] == 0 and not atoms[cut - 1].startswith("</"):
            cut -= 1
        cut = max(cut, start + 1)
        ranges.append((start, cut))
        start = cut
    return ranges


def split_html(text: str, budget: int) -> list[str]:
    """Cut HTML into pieces of at most ``budget`` visible characters, each valid on its own.

    Lines stay together as far as they fit (an indented line with the one before it); only a
    line too long for any piece is cut inside: at a space (after a comma, in a list), else
    between two characters, its beginning filling the piece it starts in. A cut never falls
    inside a tag or an entity, and a tag open at a cut is closed at the end of one piece and
    opened again in the next. The line break or space cut at is dropped, and so is a piece
    of nothing but spaces; nothing else is.
    """
    atoms = _ATOM.findall(text)
    widths = [
        (2 if ord(atom) > 0xFFFF else 1) if len(atom) == 1 else visible_length(atom)
        for atom in atoms
    ]
    ranges = _cuts(atoms, widths, budget)
    tags = _open_tags(atoms, (bound for cut in ranges for bound in cut))
    pieces = []
    for start, end in ranges:
        opened, still_open = next(tags), next(tags)
        body = "".join(atoms[start:end])
        if visible_text(body).strip():  # not a piece of nothing but spaces and tags
            opening = "".join(tag for _, tag in opened)
            closing = "".join(f"</{name}>" for name, _ in reversed(still_open))
            pieces.append(opening + body + closing)
    return pieces
