"""YAML text to a tree of nodes that remember where they start, and words about a node.

The text is *composed*, never constructed, with a safe loader: no tag ever builds an object.
libyaml's ``CSafeLoader`` composes it where PyYAML has libyaml and gives exactly the nodes and
marks of ``_LessonLoader`` (PyYAML's pure-Python safe loader); ``_LessonLoader`` otherwise,
and whenever libyaml finds anything wrong, so that every mistake is located as it always was.
"""

from __future__ import annotations

import re

import yaml
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.lessons.wording import clip

MAX_DEPTH = 20

TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = TAG_PREFIX + "str"
NULL_TAG = TAG_PREFIX + "null"
SEQ_TAG = TAG_PREFIX + "seq"
MAP_TAG = TAG_PREFIX + "map"
MERGE_TAG = TAG_PREFIX + "merge"
SCALAR_TAGS = frozenset(
    TAG_PREFIX + name for name in ("str", "null", "bool", "int", "float", "timestamp")
)


class Fatal(Exception):
    """Stops reading a file that cannot be read further."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


class _LessonLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing to compose nesting deeper than ``MAX_DEPTH``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                self.check_event()  # makes the node's first event current
                mark: Mark = self.current_event.start_mark
                raise Fatal(mark.line + 1, mark.column + 1, too_deep_message())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def scan_flow_scalar_non_spaces(self, double: bool, start_mark: Mark) -> list[str]:
        try:
            return super().scan_flow_scalar_non_spaces(double, start_mark)
        except (ValueError, OverflowError):
            # PyYAML's chr() of a \U escape beyond U+10FFFF, as in "\U0a001F64": the reader
            # is at its 8 hex digits. libyaml refuses it too, so it is always found here.
            digits = self.prefix(8)
            mark = self.get_mark()
            escape = Mark(
                mark.name, mark.index - 2, mark.line, mark.column - 2, mark.buffer, mark.pointer - 2
            )
            raise yaml.scanner.ScannerError(
                "while scanning a double-quoted scalar",
                start_mark,
                f"found escape code \\U{digits} beyond the last character, \\U0010FFFF",
                escape,
            ) from None


def too_deep_message() -> str:
    return (
        f"the file is nested too deeply (more than {MAX_DEPTH} levels): "
        "a lesson needs only a few levels of indentation"
    )


# libyaml's parser and composer, written in C: composing a lesson takes about a twentieth of
# the time of ``_LessonLoader``. None when PyYAML was built without libyaml.
_FAST_LOADER: type[yaml.CSafeLoader] | None = yaml.CSafeLoader if yaml.__with_libyaml__ else None

# A block text header followed at once by a comment ('|#'): libyaml accepts it, PyYAML not.
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")


def compose(text: str) -> Node | None:
    """The root node of ``text``, or None if it has no document.

    Raises what ``_LessonLoader`` raises: ``Fatal`` for too deep nesting, the YAML errors.
    libyaml composes the text when PyYAML has it, but only where it gives exactly the nodes
    and marks that ``_LessonLoader`` gives (comparing the two on many thousands of generated
    files found the exceptions handled here and in ``_fast_loader_agrees``). Otherwise, and
    whenever libyaml finds anything wrong, ``_LessonLoader`` reads the text, so that every
    mistake is found, located and worded as it always has been.
    """
    fast = _FAST_LOADER
    if (
        fast is not None
        and "\t" not in text  # libyaml accepts tabs where PyYAML does not, as in 'key:\tvalue'
        and text.find("\ufeff", 1) < 0  # libyaml counts these in columns, PyYAML does not
        and _BLOCK_HEADER_COMMENT.search(text) is None
    ):
        try:
            if _fast_loader_agrees(fast, text):
                fast_loader = fast(text)
                try:
                    return fast_loader.get_single_node()
                finally:
                    fast_loader.dispose()
        except yaml.YAMLError:
            pass  # _LessonLoader below finds the mistake and says where it is
    loader = _LessonLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


# Complex by nature: one check per way libyaml's nodes may differ from pure Python's.
def _fast_loader_agrees(fast: type[yaml.CSafeLoader], text: str) -> bool:  # noqa: C901
    """Whether libyaml's composer may compose ``text``, from libyaml's parser's events.

    False when ``_LessonLoader`` would refuse a node nested deeper than ``MAX_DEPTH`` (so
    libyaml's composer, which calls itself for each level, is never given a deep file), and
    where libyaml and PyYAML disagree: tagged nodes (``!!binary``, ``!``...); empty values
    (libyaml does not always put them where PyYAML does: at the end of a file without a
    final line break, after '? ', in [ ] and { }); and a '?' in an unquoted text in [ ] or
    { }, which PyYAML refuses (``[Why?, Because]``). Raises libyaml's YAML errors.
    """
    parser = fast(text)
    try:
        get_event = parser.get_event
        depth = 0  # collections open around the next event: the root node is at depth 1
        flow = 0  # how many of them are in [ ] or { } (if one is, all those inside it are)
        while True:
            event = get_event()
            if isinstance(event, ScalarEvent):
                if depth >= MAX_DEPTH or event.tag is not None or not event.value:
                    return False
                if flow and not event.style and "?" in event.value:
                    return False
            elif isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH or event.tag is not None:
                    return False
                if flow or event.flow_style:
                    flow += 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
                if flow:
                    flow -= 1
            elif isinstance(event, AliasEvent):
                if depth >= MAX_DEPTH:
                    return False
            elif isinstance(event, StreamEndEvent):
                return True
    finally:
        parser.dispose()


def position(node: Node) -> tuple[int, int]:
    mark: Mark | None = node.start_mark
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(TAG_PREFIX) if tag.startswith(TAG_PREFIX) else tag


def describe_node(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a group of 'key: value' lines"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG and node.value in ("", "~", "null", "Null", "NULL"):
        return "empty"
    return f"the text '{clip(str(node.value))}'"


def is_empty(node: Node) -> bool:
    # A plain (unquoted) node's style is None from PyYAML's parser and '' from libyaml's.
    return (
        isinstance(node, ScalarNode)
        and node.tag == NULL_TAG
        and not node.style
        and node.value == ""
    )
