"""Nodes to plain values, and the checks that the models cannot express.

``Checker.convert`` turns the composed nodes into plain Python values, keeping a map from
each value's path to its key and value nodes, and notes what YAML reads otherwise than the
author meant (a text cut at ' #', a tag, half an emoji, a duplicate key).
``Checker.check_lesson`` finds repeated ids, options and stances and an answer that is not
an option. Every problem is kept with the line and column of its node.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.lessons.catalog import LessonProblem
from bot.lessons.compose import (
    MAP_TAG,
    MAX_DEPTH,
    MERGE_TAG,
    SCALAR_TAGS,
    SEQ_TAG,
    STR_TAG,
    Fatal,
    describe_node,
    is_empty,
    position,
    short_tag,
    too_deep_message,
)
from bot.lessons.models import (
    ChoiceQuestion,
    DebateQuestion,
    GlossaryEntry,
    Lesson,
    Section,
    ShortQuestion,
    Source,
)
from bot.lessons.wording import Loc, clip, thing, within, within_field

MAX_NODES = 100_000
# Fields the loader fills in; authors must not write them.
LOADER_FIELDS = frozenset({"version"})
# Half of a UTF-16 pair, which a "\\uD83D" escape can put in a text on its own.
_SURROGATE = re.compile("[\ud800-\udfff]")
# After a plain value: a comment whose '#' is followed straight by text, as in 'question #3'.
_COMMENT_AFTER_TEXT = re.compile(r"[ \t]+(#\S.*)$")
# Lists whose items are texts: an unquoted item holding ': ' is read as 'key: value'.
_TEXT_LISTS = frozenset({"options", "stances", "answer", "forms"})
# Every key a lesson file uses, at any level: 'Type:' is taken for 'type:'.
_KEYS = (
    frozenset(
        name
        for model in (
            Lesson,
            Source,
            Section,
            ChoiceQuestion,
            ShortQuestion,
            DebateQuestion,
            GlossaryEntry,
        )
        for name in model.model_fields
    )
    - LOADER_FIELDS
)


@dataclass
class Entry:
    key: Node | None
    value: Node


@dataclass
class Checker:
    """Converts nodes to plain values and collects problems with their positions."""

    entries: dict[Loc, Entry] = field(default_factory=dict)
    found: list[tuple[int, int, str]] = field(default_factory=list)
    count: int = 0
    # Values that already have a problem from reading them: no second message about them.
    flagged: set[Loc] = field(default_factory=set)
    constructor: yaml.constructor.SafeConstructor = field(
        default_factory=yaml.constructor.SafeConstructor
    )
    lines: list[str] = field(default_factory=list)  # the file's text, to look past a value
    # Said to the author, but the lesson loads: keys read in lowercase ('Type:' as 'type:').
    warned: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, node: Node, message: str) -> None:
        line, column = position(node)
        self.found.append((line, column, message))

    def located(self, path: Path) -> list[LessonProblem]:
        return [LessonProblem(path, line, column, message) for line, column, message in self.found]

    def warnings(self, path: Path) -> list[LessonProblem]:
        return [
            LessonProblem(path, line, column, message, warning=True)
            for line, column, message in self.warned
        ]

    def where(self, loc: Loc) -> tuple[int, int]:
        """The line and column of the value at ``loc``, or of the nearest enclosing one."""
        probe = loc
        while probe and probe not in self.entries:
            probe = probe[:-1]
        entry = self.entries.get(probe)
        return position(entry.value) if entry is not None else (1, 1)

    # ---- nodes to plain values

    def _cut_by_comment(self, node: ScalarNode, loc: Loc) -> None:
        """'question #3' unquoted is 'question': YAML reads ' #' as the start of a comment.
        A comment like '# note' (a space after '#') is taken as meant; '#3' is not."""
        line, column = node.end_mark.line, node.end_mark.column
        rest = self.lines[line][column:] if line < len(self.lines) else ""
        cut = _COMMENT_AFTER_TEXT.match(rest)
        if cut is None:
            return
        self.found.append(
            (
                line + 1,
                column + cut.start(1) + 1,
                f"{thing(loc)} stops before '{clip(cut.group(1), 30)}': in YAML a ' #' starts a"
                f" comment, so the rest of the line is left out; put the whole text in quotes,"
                f' like "{clip(str(node.value) + " " + cut.group(1), 60)}"{within_field(loc)}',
            )
        )
        self.flagged.add(loc)

    def _text(self, node: ScalarNode, loc: Loc) -> str:
        """A text, with "\\uD83D\\uDE42" (an emoji as JSON escapes it: two halves, which
        PyYAML keeps apart) made the one character it stands for. A half with no other half
        is no character at all: reported, as the text could never be sent."""
        value: str = node.value
        if not node.style:  # plain (unquoted): did a '#' end it early?
            self._cut_by_comment(node, loc)
        if _SURROGATE.search(value) is None:
            return value
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        lone = _SURROGATE.search(value)
        if lone is not None:
            self.add(
                node,
                f"{thing(loc)} has the escape \\u{ord(lone.group()):04X}, one half of a pair"
                " that stands for one character (an emoji, say), without the other half:"
                " write the character itself, or its 8-digit escape, like \\U0001F642 for"
                f" \U0001f642{within_field(loc)}",
            )
            self.flagged.add(loc)
        return value

    def convert(self, node: Node, loc: Loc, key: Node | None, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, column = position(node)
            raise Fatal(
                line,
                column,
                f"the file expands to too many values (over {MAX_NODES:,}), probably through"
                " anchors and aliases (&name, *name) repeating each other: write it out plainly",
            )
        if depth > MAX_DEPTH:
            line, column = position(node)
            raise Fatal(line, column, too_deep_message())
        self.entries[loc] = Entry(key, node)

        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        if isinstance(node, SequenceNode):
            if node.tag != SEQ_TAG:
                self._bad_tag(node, loc)
            return [
                self.convert(item, (*loc, index), None, depth + 1)
                for index, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            if node.tag != MAP_TAG:
                self._bad_tag(node, loc)
            colon = self._text_with_colon(node, loc)
            if colon is not None:
                return colon
            return self._mapping(node, loc, depth)
        self.add(node, f"unexpected YAML content{within(loc)}")  # pragma: no cover
        return None  # pragma: no cover

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        if node.tag == STR_TAG:
            return self._text(node, loc)
        if node.tag not in SCALAR_TAGS:
            self._bad_tag(node, loc)
            return node.value
        try:
            return self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,  # '!!int' or '!!float' with no value
            AttributeError,
            OverflowError,
            yaml.YAMLError,
        ):
            if node.value == "":
                self.add(
                    node,
                    f"the tag '{short_tag(node.tag)}' has no value after it: write the value"
                    f" after the tag, or remove the tag{within(loc)}",
                )
                self.flagged.add(loc)
                return None
            kind = short_tag(node.tag).removeprefix("!!")
            kind = "a date" if kind == "timestamp" else f"a {kind}"
            self.add(
                node,
                f"`{node.value}` looks like {kind} but is not a valid one: put it in quotes"
                f' if it is meant as text, like "{node.value}"{within(loc)}',
            )
            self.flagged.add(loc)
            return node.value

    def _text_with_colon(self, node: MappingNode, loc: Loc) -> str | None:
        """'- Seoul: a city' unquoted in a list of texts is read as 'key: value' (YAML's ': '):
        said with the quoting that fixes it, and kept as the text meant, so that an answer
        naming it still matches."""
        if len(loc) < 2 or not isinstance(loc[-1], int) or loc[-2] not in _TEXT_LISTS:
            return None
        if node.flow_style or len(node.value) != 1:
            return None
        key, value = node.value[0]
        if not (isinstance(key, ScalarNode) and isinstance(value, ScalarNode)) or key.style:
            return None
        meant = f"{key.value}: {value.value}"
        self.add(
            node,
            f"{thing(loc)} has ': ' in it, so YAML reads it as 'key: value': put the whole text"
            f' in double quotes, like "{clip(meant, 60)}"{within(loc[:-1])}',
        )
        self.flagged.add(loc)
        return meant

    def _bad_tag(self, node: Node, loc: Loc, *, flag: bool = True) -> None:
        self.add(
            node,
            f"the tag '{short_tag(node.tag)}' is not allowed: lesson files may only contain"
            f" texts, lists and 'key: value' lines; remove the tag{within(loc)}",
        )
        if flag:
            self.flagged.add(loc)

    def _mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, Node] = {}
        restarted = False
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.add(
                    key_node,
                    f"a key must be a simple name followed by ':', not {describe_node(key_node)}"
                    f"{within(loc)}",
                )
                continue
            if key_node.tag == MERGE_TAG:
                self.add(
                    key_node,
                    "'<<' (merging in other fields) is not supported: write the fields out"
                    + within(loc),
                )
                continue
            if key_node.tag not in SCALAR_TAGS:
                self._bad_tag(key_node, loc, flag=False)
            name = self._lowercase_key(str(key_node.value), key_node, node, loc)
            if _SURROGATE.search(name) is not None:  # could not even be printed as it is
                shown = name.encode("unicode_escape").decode("ascii")
                self.add(
                    key_node,
                    f"the key '{shown}' is not one a lesson uses: keys are plain names like"
                    f" 'title', written without escapes{within(loc)}",
                )
                continue
            if name in first:
                if restarted:
                    continue  # the keys of the question that began without its '- '
                if name == "id" and len(loc) >= 2 and loc[-2] in ("questions", "discussion"):
                    # A second question run into the first: its '- ' is missing.
                    self.add(
                        key_node,
                        "a new question starts here without its '- ': write '- id: …' (each"
                        f" question in the list starts with '- '){within(loc)}",
                    )
                    self.flagged.add(loc)  # its other keys would only repeat the confusion
                    restarted = True
                    continue
                line, _ = position(first[name])
                self.add(
                    key_node,
                    f"duplicate key '{name}': it is already given on line {line}, and only one"
                    f" can be kept; remove one of them{within(loc)}",
                )
                continue
            first[name] = key_node
            result[name] = self.convert(value_node, (*loc, name), key_node, depth + 1)
        return result

    def _lowercase_key(self, name: str, key_node: Node, node: MappingNode, loc: Loc) -> str:
        """A lesson's key written with capitals ('Type:') is read as the key it names, with a
        warning; unless the mapping also has the lowercase key (then it is unknown)."""
        lower = name.lower()
        if lower == name or lower not in _KEYS:
            return name
        if any(isinstance(k, ScalarNode) and k.value == lower for k, _ in node.value):
            return name
        line, column = position(key_node)
        self.warned.append(
            (
                line,
                column,
                f"the key '{name}' is read as '{lower}': keys are written in lowercase, so"
                f" write '{lower}:'{within(loc)}",
            )
        )
        return lower

    # ---- checks the models cannot express

    def check_lesson(self, data: dict[str, Any]) -> None:
        for name in sorted(LOADER_FIELDS & data.keys()):
            self.add_at(
                (name,),
                f"'{name}' is filled in by the bot, not written in the file: remove this line",
                use_key=True,
            )
        seen_ids: dict[str, Loc] = {}
        for loc, question in self._questions(data):
            qid = question.get("id")
            if isinstance(qid, str) and (*loc, "id") in self.entries:
                if qid in seen_ids:
                    line, _ = position(self.entries[(*seen_ids[qid], "id")].value)
                    self.add_at(
                        (*loc, "id"),
                        f"question id '{qid}' is already used on line {line}: every question"
                        f" in a lesson needs its own id{within(loc)}",
                    )
                else:
                    seen_ids[qid] = loc
            if question.get("type") == "choice":
                options = self._distinct(question, (*loc, "options"), "option")
                self._check_answer(question, loc, options)
            elif question.get("type") == "debate":
                self._distinct(question, (*loc, "stances"), "stance")

    def _questions(self, data: dict[str, Any]) -> Iterator[tuple[Loc, dict[str, Any]]]:
        sections = data.get("sections")
        if isinstance(sections, list):
            for s_index, section in enumerate(sections):
                if isinstance(section, dict) and isinstance(section.get("questions"), list):
                    for q_index, question in enumerate(section["questions"]):
                        if isinstance(question, dict):
                            yield ("sections", s_index, "questions", q_index), question
        discussion = data.get("discussion")
        if isinstance(discussion, list):
            for q_index, question in enumerate(discussion):
                if isinstance(question, dict):
                    yield ("discussion", q_index), question

    def _raw_text(self, loc: Loc) -> str | None:
        """The text as written (so `yes` stays 'yes'), for scalars only."""
        entry = self.entries.get(loc)
        if entry is None or not isinstance(entry.value, ScalarNode) or is_empty(entry.value):
            return None
        return str(entry.value.value)

    def _distinct(self, question: dict[str, Any], loc: Loc, what: str) -> list[str]:
        """Report repeated items of a list of texts; returns the texts as written."""
        items = question.get(str(loc[-1]))
        if not isinstance(items, list):
            return []
        texts: list[str] = []
        first_line: dict[str, int] = {}
        for index in range(len(items)):
            text = self._raw_text((*loc, index))
            if text is None:
                continue
            texts.append(text)
            line = position(self.entries[(*loc, index)].value)[0]
            if text in first_line:
                earlier = f" (first on line {first_line[text]})" if first_line[text] != line else ""
                self.add_at(
                    (*loc, index),
                    f"{what} '{clip(text)}' is listed twice{earlier}: each {what} must be"
                    f" different{within(loc)}",
                )
            else:
                first_line[text] = line
        return texts

    def _check_answer(self, question: dict[str, Any], loc: Loc, options: list[str]) -> None:
        answer = question.get("answer")
        answer_loc = (*loc, "answer")
        if isinstance(answer, list) and not answer and answer_loc in self.entries:
            self.add_at(
                answer_loc, f"'answer' is an empty list: name the right option{within(loc)}"
            )
            return
        if not options:
            return
        given: list[tuple[Loc, str]] = []
        if isinstance(answer, str):
            given.append((answer_loc, answer))
        elif isinstance(answer, list):
            given.extend(
                ((*answer_loc, index), item)
                for index, item in enumerate(answer)
                if isinstance(item, str)
            )
        listed = ", ".join(f"'{clip(option, 40)}'" for option in options)
        named: set[str] = set()
        for item_loc, text in given:
            if text in named:  # it would count as two right options, and ask for two ticks
                self.add_at(
                    item_loc,
                    f"the answer '{clip(text)}' is listed twice: name each right option once"
                    f"{within(loc)}",
                )
                continue
            named.add(text)
            if text in options:
                continue
            spaced = next((o for o in options if o.split() == text.split()), None)
            if spaced is not None:  # printed, the two would look the same
                self.add_at(
                    item_loc,
                    f"the answer differs from the option '{clip(spaced)}' only in its spaces"
                    " (an extra one, or a non-breaking space pasted from a document): copy the"
                    f" option's text exactly{within(loc)}",
                )
                continue
            close = difflib.get_close_matches(text, options, n=1, cutoff=0.75)
            hint = f" (did you mean '{clip(close[0])}'?)" if close else ""
            self.add_at(
                item_loc,
                f"the answer '{clip(text)}' is not one of the options{hint}: copy the right"
                f" option's text exactly; the options are {listed}{within(loc)}",
            )

    def add_at(self, loc: Loc, message: str, *, use_key: bool = False) -> None:
        """Add a problem at the value at ``loc`` (or its key), or the nearest enclosing value."""
        probe = loc
        while probe and probe not in self.entries:
            probe = probe[:-1]
        entry = self.entries.get(probe)
        if entry is None:
            self.found.append((1, 1, message))
            return
        node = entry.value
        if entry.key is not None and (use_key or is_empty(node)):
            node = entry.key
        self.add(node, message)
