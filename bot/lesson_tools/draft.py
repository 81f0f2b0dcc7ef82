"""``python -m bot new ARTICLE.txt``: a lesson file drafted from a plain-text article.

The article's paragraphs (separated by blank lines) are kept verbatim and grouped into 3 to 6
sections of similar length; each section gets commented question templates and the lesson a
commented discussion template. The draft validates, and its warnings (a section without
questions) point at what is left to write.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.lessons.models import SLUG_MAX, TITLE_MAX

MIN_SECTIONS = 3
MAX_SECTIONS = 6
WORDS_PER_SECTION = 200  # about a minute's reading: one Telegram message or two


@dataclass(frozen=True)
class Draft:
    lesson_id: str
    title: str
    publisher: str
    date: dt.date
    sections: tuple[tuple[str, ...], ...]  # each section's paragraphs


def paragraphs_of(article: str) -> list[str]:
    """The paragraphs: text between blank lines, each kept as written (its line breaks too,
    trailing spaces dropped, as no reader sees them)."""
    lines = [line.rstrip() for line in article.replace("\r\n", "\n").split("\n")]
    found: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            found.append("\n".join(current))
            current = []
    return found


def group_paragraphs(paragraphs: Sequence[str]) -> list[list[str]]:
    """Consecutive paragraphs in 3 to 6 sections (fewer if there are fewer paragraphs), so
    that the longest section is as short as it can be."""
    if not paragraphs:
        return []
    sizes = [len(p.split()) for p in paragraphs]
    wanted = round(sum(sizes) / WORDS_PER_SECTION)
    count = min(len(paragraphs), max(MIN_SECTIONS, min(MAX_SECTIONS, wanted)))
    cuts = _balanced_cuts(sizes, count)
    bounds = [0, *cuts, len(paragraphs)]
    return [list(paragraphs[a:b]) for a, b in itertools.pairwise(bounds)]


def _balanced_cuts(sizes: Sequence[int], parts: int) -> list[int]:
    """Where to cut ``sizes`` into ``parts`` runs so that the largest sum is smallest."""
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    inf = float("inf")
    # best[k][i]: the smallest largest-sum of the first i items in k runs; cut[k][i]: last cut
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    cut = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0
    for k in range(1, parts + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                worst = max(best[k - 1][j], prefix[i] - prefix[j])
                if worst < best[k][i]:
                    best[k][i], cut[k][i] = worst, j
    cuts: list[int] = []
    i = n
    for k in range(parts, 0, -1):
        i = cut[k][i]
        cuts.append(i)
    return sorted(cuts)[1:]  # the first "cut" is the start


def slug(text: str) -> str:
    """An id from a title: lowercase words joined by hyphens, at most 32 characters."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    result = ""
    for word in words:
        joined = f"{result}-{word}" if result else word
        if len(joined) > SLUG_MAX:
            break
        result = joined
    return result or "new-lesson"


_SENTENCE_END = re.compile(r"[a-z]{2,}[.!?]$")  # 'the night.', not 'U.S.'
TITLE_WORDS = 20


def looks_like_a_title(paragraph: str) -> bool:
    """A first paragraph of one short line that does not end a sentence is the headline."""
    return (
        "\n" not in paragraph
        and len(paragraph) <= TITLE_MAX
        and len(paragraph.split()) <= TITLE_WORDS
        and _SENTENCE_END.search(paragraph) is None
    )


def _quoted(text: str) -> str:
    """A YAML double-quoted text (JSON's quoting is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: str) -> list[str]:
    """A literal block (``|``): the text exactly, each line indented. A first line that
    starts with a space needs the indentation said (``|2``)."""
    header = "|2" if text[:1] in (" ", "\t") else "|"
    lines = [f"    text: {header}"]
    lines.extend(f"{indent}{line}" if line else "" for line in text.split("\n"))
    return lines


def render_draft(draft: Draft) -> str:
    out = [
        f"# Lesson drafted by `python -m bot new`: {draft.title}",
        "# The text is the article's, verbatim. What is left to write: neutral section titles,",
        "# each section's questions (uncomment a template and fill it in) and the discussion.",
        "# `python -m bot validate` warns about each section still without questions.",
        "",
        f"id: {draft.lesson_id}",
        f"title: {_quoted(draft.title)}",
        "source:",
        f"  publisher: {_quoted(draft.publisher)}",
        "  kind: editorial",
        f"  date: {draft.date.isoformat()}",
        "",
        "sections:",
    ]
    for number, section in enumerate(draft.sections, start=1):
        out.append(f"  - title: {_quoted(f'Part {number}')}  # a neutral title for this part")
        out.extend(_block("\n\n".join(section), "      "))
        out.extend(_question_templates(number))
        out.append("")
    out.extend(
        [
            "# discussion:",
            "#   - id: discussion-1",
            "#     type: debate",
            '#     prompt: "A statement to agree or disagree with."',
            "#     # stances: Agree, Disagree, Not sure unless you list others, e.g. a middle one:",
            '#     # stances: ["Agree", "Disagree", "Both: they need not conflict", "Not sure"]',
            "",
        ]
    )
    return "\n".join(out)


def _question_templates(number: int) -> list[str]:
    return [
        "    # questions:",
        f"    #   - id: part-{number}-choice",
        "    #     type: choice",
        '    #     prompt: "A question the text answers?"',
        "    #     options:  # wrong options: phrases of the text used wrongly",
        '    #       - "The right answer, in other words than the text\'s"',
        '    #       - "A wrong option as long as the right one"',
        '    #       - "Another wrong option"',
        '    #     answer: "The right answer, in other words than the text\'s"',
        '    #     explanation: "Why it is right (at most 200 characters)."',
        f"    #   - id: part-{number}-short",
        "    #     type: short",
        '    #     prompt: "What does the writer mean by …?"',
        '    #     model_answer: "A model answer that paraphrases the text."',
    ]
