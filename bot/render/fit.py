"""Fitting text into Telegram's limits.

Telegram counts a message's length in UTF-16 code units of its visible text (after the
HTML entities are parsed). Long text is cut at paragraphs, then lines, then spaces, never
inside a tag or an entity; a tag open at a cut is closed and opened again.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from bot.render.markup import esc

MESSAGE_LIMIT = 4096  # UTF-16 code units of visible text, after entity parsing
_TAG = re.compile(r"<[^>]+>")


QUOTE_LIMIT = 300  # characters of a member's answer quoted back in a summary or report


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A long answer shortened for quoting (the stored answer stays whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def visible_text(html_text: str) -> str:
    """What a reader sees of our HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", html_text))


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after entity parsing."""
    return len(visible_text(html_text).encode("utf-16-le")) // 2


def _paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]


def _split_long(paragraph: str, budget: int) -> list[str]:
    """Cut one paragraph that alone exceeds the budget: at sentences, then words, then hard."""
    pieces: list[str] = []
    current = ""
    for unit in re.split(r"(?<=[.!?…])\s+|\s+", paragraph):
        candidate = f"{current} {unit}" if current else unit
        if visible_length(esc(candidate)) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while visible_length(esc(unit)) > budget:
            cut = budget
            while visible_length(esc(unit[:cut])) > budget:
                cut -= 1
            pieces.append(unit[:cut])
            unit = unit[cut:]
        current = unit
    if current:
        pieces.append(current)
    return pieces


def split_text(text: str, budget: int) -> list[str]:
    """Group paragraphs into chunks of at most ``budget`` visible characters (escaped HTML)."""
    pieces: list[str] = []
    for paragraph in _paragraphs(text):
        fits = visible_length(esc(paragraph)) <= budget
        pieces.extend(
            esc(piece) for piece in ([paragraph] if fits else _split_long(paragraph, budget))
        )
    return pack_paragraphs(pieces, budget)


def pack_paragraphs(paragraphs: Sequence[str], budget: int) -> list[str]:
    """HTML paragraphs (each within ``budget``) joined into as few chunks as fit the budget."""
    chunks: list[str] = []
    for paragraph in paragraphs:
        joined = f"{chunks[-1]}\n\n{paragraph}" if chunks else paragraph
        if chunks and visible_length(joined) <= budget:
            chunks[-1] = joined
        else:
            chunks.append(paragraph)
    return chunks


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


def _cuts(atoms: Sequence[str], widths: Sequence[int], budget: int) -> list[tuple[int, int]]:
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
        # No line break or space to cut at: cut between two characters, leaving any tag that
        # opens right there to the next piece.
        cut = end
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
