"""Loading lesson files written by hand, and explaining every mistake in them.

Lesson authors are teachers, not programmers, so a lesson file is checked as a
whole and every problem is reported with its file, line and column and a message
that says what is wrong and how to fix it.

How it works: the YAML text is *composed* (never constructed) with PyYAML's safe
loader, which gives a tree of nodes that remember where they start (libyaml's
``CSafeLoader`` when PyYAML has it and gives the same tree, see ``_compose``).  The nodes
are turned into plain Python values here, keeping a map from each value's path
(``("sections", 0, "questions", 1)``) to its key and value nodes.  The plain
values are then validated with the pydantic models of ``bot.lessons`` and each
validation error is mapped back to a node and rewritten in plain words.  A few
checks that the models cannot express (duplicate keys and ids, an answer that is
not an option, values YAML would silently change) are done on the way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    ScalarEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.lessons import (
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    PROMPT_MAX,
    SLUG_MAX,
    TITLE_MAX,
    ChoiceQuestion,
    DebateQuestion,
    Lesson,
    ShortQuestion,
)

__all__ = [
    "LESSON_SUFFIXES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "LessonCatalog",
    "LessonProblem",
    "LessonsInvalid",
    "load_catalog",
    "load_lesson_file",
    "load_lessons",
    "summarize",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 100_000
LESSON_SUFFIXES = (".yaml", ".yml")

_QUESTION_MODELS: tuple[type[BaseModel], ...] = (ChoiceQuestion, ShortQuestion, DebateQuestion)
QUESTION_TYPES: tuple[str, ...] = tuple(
    str(get_args(model.model_fields["type"].annotation)[0]) for model in _QUESTION_MODELS
)
# Fields the loader fills in; authors must not write them.
_LOADER_FIELDS = frozenset({"version"})

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _TAG_PREFIX + "str"
# Half of a UTF-16 pair, which a "\\uD83D" escape can put in a text on its own.
_SURROGATE = re.compile("[\ud800-\udfff]")
# After a plain value: a comment whose '#' is followed straight by text, as in 'question #3'.
_COMMENT_AFTER_TEXT = re.compile(r"[ \t]+(#\S.*)$")
_NULL_TAG = _TAG_PREFIX + "null"
_SEQ_TAG = _TAG_PREFIX + "seq"
_MAP_TAG = _TAG_PREFIX + "map"
_MERGE_TAG = _TAG_PREFIX + "merge"
_SCALAR_TAGS = frozenset(
    _TAG_PREFIX + name for name in ("str", "null", "bool", "int", "float", "timestamp")
)

_Loc = tuple[str | int, ...]


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True, order=True)
class LessonProblem:
    """One mistake in a lesson file; ``line`` and ``column`` are 1-based."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class LessonCatalog:
    """The valid lessons, in the order given (``load_lessons`` orders them by file name)."""

    __slots__ = ("_by_id", "_lessons")

    def __init__(self, lessons: Sequence[Lesson]) -> None:
        by_id: dict[str, Lesson] = {}
        for lesson in lessons:
            if lesson.id in by_id:
                raise ValueError(f"duplicate lesson id {lesson.id!r}")
            by_id[lesson.id] = lesson
        self._lessons = tuple(lessons)
        self._by_id: Mapping[str, Lesson] = by_id

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return self._lessons

    def get(self, lesson_id: str) -> Lesson | None:
        return self._by_id.get(lesson_id)

    def __len__(self) -> int:
        return len(self._lessons)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self._lessons)

    def __contains__(self, lesson_id: object) -> bool:
        return isinstance(lesson_id, str) and lesson_id in self._by_id

    def __repr__(self) -> str:
        return f"LessonCatalog({[lesson.id for lesson in self._lessons]!r})"


class LessonsInvalid(Exception):
    """Raised by ``load_catalog``; ``problems`` lists every mistake found."""

    def __init__(self, problems: Sequence[LessonProblem]) -> None:
        self.problems: list[LessonProblem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def load_lesson_file(path: Path) -> tuple[Lesson | None, list[LessonProblem]]:
    """Load one lesson file. The lesson is None whenever there is any problem."""
    loaded = _load_file(path)
    return loaded.lesson, loaded.problems


def load_lessons(paths: Sequence[Path]) -> tuple[LessonCatalog, list[LessonProblem]]:
    """Load lesson files and folders (a folder's ``*.yaml``/``*.yml`` files, not recursive).

    Returns the catalog of the valid lessons and every problem found, sorted.
    """
    problems: list[LessonProblem] = []
    files: dict[Path, Path] = {}  # resolved -> as given, to read each file once
    for path in paths:
        if path.is_dir():
            try:
                found = [
                    child
                    for child in path.iterdir()
                    if child.suffix.lower() in LESSON_SUFFIXES
                    and not child.name.startswith(".")
                    and child.is_file()
                ]
            except OSError as exc:
                problems.append(LessonProblem(path, 1, 1, f"cannot read this folder: {exc}"))
                continue
            if not found:
                problems.append(
                    LessonProblem(path, 1, 1, "no lesson files (*.yaml or *.yml) in this folder")
                )
            for child in found:
                files.setdefault(child.resolve(), child)
        elif path.is_file():
            files.setdefault(path.resolve(), path)
        elif path.exists():
            problems.append(LessonProblem(path, 1, 1, "this is neither a file nor a folder"))
        else:
            problems.append(LessonProblem(path, 1, 1, "no such file or folder"))

    lessons: list[Lesson] = []
    first_with_id: dict[str, Path] = {}
    for path in sorted(files.values(), key=lambda p: (p.name, str(p))):
        loaded = _load_file(path)
        problems.extend(loaded.problems)
        if loaded.lesson_id is not None:
            lesson_id, line, column = loaded.lesson_id
            if lesson_id in first_with_id:
                problems.append(
                    LessonProblem(
                        path,
                        line,
                        column,
                        f"lesson id '{lesson_id}' is already used by {first_with_id[lesson_id]}:"
                        " every lesson needs its own id",
                    )
                )
                continue
            first_with_id[lesson_id] = path
        if loaded.lesson is not None:
            lessons.append(loaded.lesson)
    return LessonCatalog(lessons), sorted(set(problems))


def load_catalog(paths: Sequence[Path]) -> LessonCatalog:
    """Load lessons like ``load_lessons``, raising ``LessonsInvalid`` if anything is wrong."""
    catalog, problems = load_lessons(paths)
    if problems:
        raise LessonsInvalid(problems)
    return catalog


def summarize(catalog: LessonCatalog) -> str:
    """One line, e.g. ``1 lesson valid: 5 sections, 14 questions (7 choice, 3 short, 4 debate)``."""
    sections = sum(len(lesson.sections) for lesson in catalog)
    counts = dict.fromkeys(QUESTION_TYPES, 0)
    for lesson in catalog:
        for question in lesson.questions():
            counts[question.type] = counts.get(question.type, 0) + 1
    questions = sum(counts.values())
    by_type = ", ".join(f"{count} {kind}" for kind, count in counts.items())
    return (
        f"{_plural(len(catalog), 'lesson')} valid: {_plural(sections, 'section')}, "
        f"{_plural(questions, 'question')} ({by_type})"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --------------------------------------------------------------------------- loading one file


@dataclass
class _Loaded:
    lesson: Lesson | None
    problems: list[LessonProblem]
    lesson_id: tuple[str, int, int] | None = None  # the id, and where its value is written


class _Fatal(Exception):
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
                raise _Fatal(mark.line + 1, mark.column + 1, _too_deep_message())
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


def _too_deep_message() -> str:
    return (
        f"the file is nested too deeply (more than {MAX_DEPTH} levels): "
        "a lesson needs only a few levels of indentation"
    )


# libyaml's parser and composer, written in C: composing a lesson takes about a twentieth of
# the time of ``_LessonLoader``. None when PyYAML was built without libyaml.
_FAST_LOADER: type[yaml.CSafeLoader] | None = yaml.CSafeLoader if yaml.__with_libyaml__ else None

# A block text header followed at once by a comment ('|#'): libyaml accepts it, PyYAML not.
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")


def _compose(text: str) -> Node | None:
    """The root node of ``text``, or None if it has no document.

    Raises what ``_LessonLoader`` raises: ``_Fatal`` for too deep nesting, the YAML errors.
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


def _fast_loader_agrees(fast: type[yaml.CSafeLoader], text: str) -> bool:
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


def _load_file(path: Path) -> _Loaded:
    def fail(line: int, column: int, message: str) -> _Loaded:
        return _Loaded(None, [LessonProblem(path, line, column, message)])

    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return fail(1, 1, f"cannot read this file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(
            1,
            1,
            f"the file is too big (over {MAX_FILE_BYTES // (1024 * 1024)} MiB): a lesson file"
            " should be far smaller; split it into several lessons",
        )
    version = hashlib.sha256(raw).hexdigest()[:16]

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        return fail(
            line,
            column,
            f"the file is not saved as UTF-8 text (unexpected byte 0x{raw[exc.start]:02X}"
            " here): save it as UTF-8 in your editor",
        )

    try:
        root = _compose(text)
    except _Fatal as exc:
        return fail(exc.line, exc.column, exc.message)
    except yaml.MarkedYAMLError as exc:
        line, column, message = _syntax_problem(exc)
        return fail(line, column, message)
    except yaml.reader.ReaderError as exc:
        line, column = _text_position(text, exc.position)
        return fail(
            line,
            column,
            f"the file contains a special (invisible) character #x{exc.character:04x}"
            " that is not allowed: delete it",
        )
    except yaml.YAMLError as exc:
        return fail(1, 1, f"the file is not valid YAML: {exc}")
    except RecursionError:
        return fail(1, 1, _too_deep_message())

    if root is None or _is_empty(root):
        return fail(
            1, 1, "the file is empty: a lesson needs at least id, title, source and sections"
        )
    checker = _Checker(lines=text.splitlines())
    try:
        data = checker.convert(root, (), None, 1)
    except _Fatal as exc:
        problems = [*checker.located(path), LessonProblem(path, exc.line, exc.column, exc.message)]
        return _Loaded(None, sorted(set(problems)))
    except RecursionError:
        return fail(1, 1, _too_deep_message())

    if not isinstance(data, dict):
        line, column = _position(root)
        return fail(
            line,
            column,
            "a lesson file must be made of 'key: value' lines (id:, title:, source:, sections:),"
            f" but this file is {_describe_node(root)}",
        )

    checker.check_lesson(data)
    for name in _LOADER_FIELDS:
        data.pop(name, None)  # reported above; the loader sets them
    lesson: Lesson | None = None
    try:
        validated = Lesson.model_validate(data)
    except ValidationError as exc:
        checker.explain(exc.errors(), data)
    else:
        lesson = validated.model_copy(update={"version": version})

    problems = sorted(set(checker.located(path)))
    lesson_id: tuple[str, int, int] | None = None
    if isinstance(data.get("id"), str) and ("id",) in checker.entries:
        line, column = _position(checker.entries[("id",)].value)
        lesson_id = (data["id"], line, column)
    return _Loaded(lesson if not problems else None, problems, lesson_id)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
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


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
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
            key, value = glued.group(1), _clip(glued.group(2), 40)
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


def _text_position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _position(node: Node) -> tuple[int, int]:
    mark: Mark | None = node.start_mark
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG_PREFIX) if tag.startswith(_TAG_PREFIX) else tag


def _describe_node(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a group of 'key: value' lines"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG and node.value in ("", "~", "null", "Null", "NULL"):
        return "empty"
    return f"the text '{_clip(str(node.value))}'"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(loc: _Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _in(loc: _Loc) -> str:
    where = _where(loc)
    return f" (in {where})" if where else ""


def _in_field(loc: _Loc) -> str:
    """Where a value is: its enclosing object for a field, the item itself in a list."""
    return _in(loc[:-1] if loc and isinstance(loc[-1], str) else loc)


_SINGULAR = {
    "sections": "section",
    "questions": "question",
    "discussion": "discussion question",
    "options": "option",
    "stances": "stance",
    "answer": "answer",
}


def _thing(loc: _Loc) -> str:
    """How to name the value at ``loc`` in a message: "'prompt'", "this option"..."""
    if not loc:
        return "the lesson"
    last = loc[-1]
    if isinstance(last, int):
        parent = loc[-2] if len(loc) > 1 else ""
        return f"this {_SINGULAR.get(str(parent), 'item')}"
    return f"'{last}'"


# --------------------------------------------------------------------------- the checker


@dataclass
class _Entry:
    key: Node | None
    value: Node


@dataclass
class _Checker:
    """Converts nodes to plain values and collects problems with their positions."""

    entries: dict[_Loc, _Entry] = field(default_factory=dict)
    found: list[tuple[int, int, str]] = field(default_factory=list)
    count: int = 0
    # Values that already have a problem from reading them: no second message about them.
    flagged: set[_Loc] = field(default_factory=set)
    constructor: yaml.constructor.SafeConstructor = field(
        default_factory=yaml.constructor.SafeConstructor
    )
    lines: list[str] = field(default_factory=list)  # the file's text, to look past a value

    def add(self, node: Node, message: str) -> None:
        line, column = _position(node)
        self.found.append((line, column, message))

    def located(self, path: Path) -> list[LessonProblem]:
        return [LessonProblem(path, line, column, message) for line, column, message in self.found]

    # ---- nodes to plain values

    def _cut_by_comment(self, node: ScalarNode, loc: _Loc) -> None:
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
                f"{_thing(loc)} stops before '{_clip(cut.group(1), 30)}': in YAML a ' #' starts a"
                f" comment, so the rest of the line is left out; put the whole text in quotes,"
                f' like "{_clip(str(node.value) + " " + cut.group(1), 60)}"{_in_field(loc)}',
            )
        )
        self.flagged.add(loc)

    def _text(self, node: ScalarNode, loc: _Loc) -> str:
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
                f"{_thing(loc)} has the escape \\u{ord(lone.group()):04X}, one half of a pair"
                " that stands for one character (an emoji, say), without the other half:"
                " write the character itself, or its 8-digit escape, like \\U0001F642 for"
                f" \U0001f642{_in_field(loc)}",
            )
            self.flagged.add(loc)
        return value

    def convert(self, node: Node, loc: _Loc, key: Node | None, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, column = _position(node)
            raise _Fatal(
                line,
                column,
                f"the file expands to too many values (over {MAX_NODES:,}), probably through"
                " anchors and aliases (&name, *name) repeating each other: write it out plainly",
            )
        if depth > MAX_DEPTH:
            line, column = _position(node)
            raise _Fatal(line, column, _too_deep_message())
        self.entries[loc] = _Entry(key, node)

        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self._bad_tag(node, loc)
            return [
                self.convert(item, (*loc, index), None, depth + 1)
                for index, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            if node.tag != _MAP_TAG:
                self._bad_tag(node, loc)
            return self._mapping(node, loc, depth)
        self.add(node, f"unexpected YAML content{_in(loc)}")  # pragma: no cover
        return None  # pragma: no cover

    def _scalar(self, node: ScalarNode, loc: _Loc) -> Any:
        if node.tag == _STR_TAG:
            return self._text(node, loc)
        if node.tag not in _SCALAR_TAGS:
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
                    f"the tag '{_short_tag(node.tag)}' has no value after it: write the value"
                    f" after the tag, or remove the tag{_in(loc)}",
                )
                self.flagged.add(loc)
                return None
            kind = _short_tag(node.tag).removeprefix("!!")
            kind = "a date" if kind == "timestamp" else f"a {kind}"
            self.add(
                node,
                f"`{node.value}` looks like {kind} but is not a valid one: put it in quotes"
                f' if it is meant as text, like "{node.value}"{_in(loc)}',
            )
            self.flagged.add(loc)
            return node.value

    def _bad_tag(self, node: Node, loc: _Loc, *, flag: bool = True) -> None:
        self.add(
            node,
            f"the tag '{_short_tag(node.tag)}' is not allowed: lesson files may only contain"
            f" texts, lists and 'key: value' lines; remove the tag{_in(loc)}",
        )
        if flag:
            self.flagged.add(loc)

    def _mapping(self, node: MappingNode, loc: _Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, Node] = {}
        restarted = False
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.add(
                    key_node,
                    f"a key must be a simple name followed by ':', not {_describe_node(key_node)}"
                    f"{_in(loc)}",
                )
                continue
            if key_node.tag == _MERGE_TAG:
                self.add(
                    key_node,
                    "'<<' (merging in other fields) is not supported: write the fields out"
                    + _in(loc),
                )
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self._bad_tag(key_node, loc, flag=False)
            name = str(key_node.value)
            if _SURROGATE.search(name) is not None:  # could not even be printed as it is
                shown = name.encode("unicode_escape").decode("ascii")
                self.add(
                    key_node,
                    f"the key '{shown}' is not one a lesson uses: keys are plain names like"
                    f" 'title', written without escapes{_in(loc)}",
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
                        f" question in the list starts with '- '){_in(loc)}",
                    )
                    self.flagged.add(loc)  # its other keys would only repeat the confusion
                    restarted = True
                    continue
                line, _ = _position(first[name])
                self.add(
                    key_node,
                    f"duplicate key '{name}': it is already given on line {line}, and only one"
                    f" can be kept; remove one of them{_in(loc)}",
                )
                continue
            first[name] = key_node
            result[name] = self.convert(value_node, (*loc, name), key_node, depth + 1)
        return result

    # ---- checks the models cannot express

    def check_lesson(self, data: dict[str, Any]) -> None:
        for name in sorted(_LOADER_FIELDS & data.keys()):
            self._add_at(
                (name,),
                f"'{name}' is filled in by the bot, not written in the file: remove this line",
                use_key=True,
            )
        seen_ids: dict[str, _Loc] = {}
        for loc, question in self._questions(data):
            qid = question.get("id")
            if isinstance(qid, str) and (*loc, "id") in self.entries:
                if qid in seen_ids:
                    line, _ = _position(self.entries[(*seen_ids[qid], "id")].value)
                    self._add_at(
                        (*loc, "id"),
                        f"question id '{qid}' is already used on line {line}: every question"
                        f" in a lesson needs its own id{_in(loc)}",
                    )
                else:
                    seen_ids[qid] = loc
            if question.get("type") == "choice":
                options = self._distinct(question, (*loc, "options"), "option")
                self._check_answer(question, loc, options)
            elif question.get("type") == "debate":
                self._distinct(question, (*loc, "stances"), "stance")

    def _questions(self, data: dict[str, Any]) -> Iterator[tuple[_Loc, dict[str, Any]]]:
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

    def _raw_text(self, loc: _Loc) -> str | None:
        """The text as written (so `yes` stays 'yes'), for scalars only."""
        entry = self.entries.get(loc)
        if entry is None or not isinstance(entry.value, ScalarNode) or _is_empty(entry.value):
            return None
        return str(entry.value.value)

    def _distinct(self, question: dict[str, Any], loc: _Loc, what: str) -> list[str]:
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
            line = _position(self.entries[(*loc, index)].value)[0]
            if text in first_line:
                earlier = f" (first on line {first_line[text]})" if first_line[text] != line else ""
                self._add_at(
                    (*loc, index),
                    f"{what} '{_clip(text)}' is listed twice{earlier}: each {what} must be"
                    f" different{_in(loc)}",
                )
            else:
                first_line[text] = line
        return texts

    def _check_answer(self, question: dict[str, Any], loc: _Loc, options: list[str]) -> None:
        answer = question.get("answer")
        answer_loc = (*loc, "answer")
        if isinstance(answer, list) and not answer and answer_loc in self.entries:
            self._add_at(answer_loc, f"'answer' is an empty list: name the right option{_in(loc)}")
            return
        if not options:
            return
        given: list[tuple[_Loc, str]] = []
        if isinstance(answer, str):
            given.append((answer_loc, answer))
        elif isinstance(answer, list):
            given.extend(
                ((*answer_loc, index), item)
                for index, item in enumerate(answer)
                if isinstance(item, str)
            )
        listed = ", ".join(f"'{_clip(option, 40)}'" for option in options)
        named: set[str] = set()
        for item_loc, text in given:
            if text in named:  # it would count as two right options, and ask for two ticks
                self._add_at(
                    item_loc,
                    f"the answer '{_clip(text)}' is listed twice: name each right option once"
                    f"{_in(loc)}",
                )
                continue
            named.add(text)
            if text in options:
                continue
            spaced = next((o for o in options if o.split() == text.split()), None)
            if spaced is not None:  # printed, the two would look the same
                self._add_at(
                    item_loc,
                    f"the answer differs from the option '{_clip(spaced)}' only in its spaces"
                    " (an extra one, or a non-breaking space pasted from a document): copy the"
                    f" option's text exactly{_in(loc)}",
                )
                continue
            close = difflib.get_close_matches(text, options, n=1, cutoff=0.75)
            hint = f" (did you mean '{_clip(close[0])}'?)" if close else ""
            self._add_at(
                item_loc,
                f"the answer '{_clip(text)}' is not one of the options{hint}: copy the right"
                f" option's text exactly; the options are {listed}{_in(loc)}",
            )

    # ---- pydantic errors to messages

    def _add_at(self, loc: _Loc, message: str, *, use_key: bool = False) -> None:
        """Add a problem at the value at ``loc`` (or its key), or the nearest enclosing value."""
        probe = loc
        while probe and probe not in self.entries:
            probe = probe[:-1]
        entry = self.entries.get(probe)
        if entry is None:
            self.found.append((1, 1, message))
            return
        node = entry.value
        if entry.key is not None and (use_key or _is_empty(node)):
            node = entry.key
        self.add(node, message)

    def _resolve(self, err_loc: tuple[str | int, ...], data: Any) -> tuple[_Loc, _Loc]:
        """Follow a pydantic error location through the data.

        Returns the path of the deepest value reached and the remaining location parts.
        Discriminator tags (``'choice'``) and union member labels (``'constrained-str'``)
        that pydantic puts in the location are skipped.
        """
        path: list[str | int] = []
        current = data
        parts = list(err_loc)
        while parts:
            part = parts[0]
            in_dict = isinstance(current, dict) and isinstance(part, str) and part in current
            in_list = (
                isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
            )
            if in_dict or in_list:
                current = current[part]
            elif (isinstance(current, dict) and current.get("type") == part) or (
                isinstance(part, str) and not part.isidentifier()
            ):
                parts.pop(0)
                continue
            else:
                break
            path.append(part)
            parts.pop(0)
        return tuple(path), tuple(parts)

    def explain(self, errors: list[ErrorDetails], data: dict[str, Any]) -> None:
        resolved = [(error, *self._resolve(error["loc"], data)) for error in errors]
        reached = {path for _, path, _ in resolved}
        type_errors: dict[_Loc, list[str]] = {}
        for error, path, rest in resolved:
            if any(path[: len(flagged)] == flagged for flagged in self.flagged):
                continue  # already explained while reading the value
            kind = _TYPE_ERRORS.get(error["type"])
            if kind is not None and not rest:
                # A union (text or list of texts) reports a type error for the branch that
                # does not fit; if another branch went deeper, that error is the real one.
                if not any(
                    len(other) > len(path) and other[: len(path)] == path for other in reached
                ):
                    type_errors.setdefault(path, [])
                    if kind not in type_errors[path]:
                        type_errors[path].append(kind)
                continue
            self._explain_one(error, path, rest, data)
        for path, kinds in type_errors.items():
            self._explain_type(path, kinds, data)

    def _explain_one(
        self, error: ErrorDetails, path: _Loc, rest: _Loc, data: dict[str, Any]
    ) -> None:
        etype = error["type"]
        ctx: dict[str, Any] = dict(error.get("ctx") or {})
        value = _value_at(data, path)
        if etype == "missing" and rest:
            self._add_at(path, f"missing required field '{rest[0]}'{_in(path)}")
        elif etype == "extra_forbidden":
            self._add_at(path, _unknown_key(error["loc"], str(path[-1]), path), use_key=True)
        elif etype == "union_tag_invalid":
            tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))) or QUESTION_TYPES
            self._add_at(
                (*path, "type"),
                f"unknown question type '{ctx.get('tag')}': use {_or(tags)}{_in(path)}",
            )
        elif etype == "union_tag_not_found":
            if isinstance(value, dict):
                self._add_at(
                    path,
                    f"missing required field 'type' ({_or(QUESTION_TYPES)}){_in(path)}",
                )
            else:
                self._explain_type(path, [_TYPE_ERRORS["dict_type"]], data)
        elif etype == "string_pattern_mismatch" or (
            etype == "string_too_long" and path and path[-1] == "id"
        ):
            self._add_at(
                path,
                f"'{_clip(str(value))}' is not a valid id: use only lowercase letters (a-z),"
                f" digits and hyphens between words, like 'state-dept-emphasis', at most"
                f" {SLUG_MAX} characters{_in_field(path)}",
            )
        elif etype == "string_too_short":
            self._add_at(path, f"{_thing(path)} is empty: write some text{_in_field(path)}")
        elif etype == "string_too_long":
            limit = int(ctx.get("max_length", 0))
            length = len(str(value))
            self._add_at(
                path,
                f"{_thing(path)} is too long: {length} characters, but"
                f" {_length_rule(path, data, limit)}{_in_field(path)}",
            )
        elif etype in ("too_short", "too_long"):
            self._explain_count(etype, path, value, ctx)
        elif etype == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            close = difflib.get_close_matches(str(value).lower(), allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self._add_at(
                path,
                f"{_thing(path)} must be {_or(allowed)}, not '{_clip(str(value))}'{hint}"
                f"{_in_field(path)}",
            )
        elif etype.startswith(("date_", "datetime_")):
            self._add_at(
                path,
                f"{_thing(path)} should be a date written like 2020-07-08, not"
                f" '{_clip(str(value))}'{_in_field(path)}",
            )
        else:
            self._add_at(path, f"{_thing(path)}: {error['msg']}{_in_field(path)}")

    def _explain_count(self, etype: str, path: _Loc, value: Any, ctx: dict[str, Any]) -> None:
        count = len(value) if isinstance(value, list) else int(ctx.get("actual_length") or 0)
        name = str(path[-1]) if path else "items"
        item = _SINGULAR.get(name, "item")
        poll = name in ("options", "stances")
        if etype == "too_short":
            minimum = int(ctx.get("min_length", 0))
            if count >= minimum:
                return  # pydantic counts only the valid items; the bad ones are reported
            message = f"'{name}' needs at least {_plural(minimum, item)}, but has {count}"
        else:
            maximum = int(ctx.get("max_length", 0))
            rule = f"a Telegram poll can have at most {maximum}" if poll else f"at most {maximum}"
            message = f"'{name}' has {_plural(count, item)}, but {rule}"
        self._add_at(path, message + _in(path[:-1]), use_key=True)

    def _explain_type(self, path: _Loc, kinds: list[str], data: dict[str, Any]) -> None:
        entry = self.entries.get(path)
        expected = _or(kinds)
        if entry is None:
            self._add_at(path, f"{_thing(path)} should be {expected}{_in_field(path)}")
            return
        node = entry.value
        where = _in_field(path)
        if _is_empty(node):
            if entry.key is not None:
                message = f"'{path[-1]}' has no value: write {expected} after '{path[-1]}:'"
            else:
                message = f"{_thing(path)} is empty: write {expected} after the '-'"
            self.add(entry.key or node, message + where)
        elif (
            "text" in kinds
            and isinstance(node, ScalarNode)
            and not node.style  # plain: see _is_empty
            and node.tag != _STR_TAG
        ):
            raw = str(node.value)
            options = _options_beside(path, data)
            if path[-1] == "answer" and raw.isdigit() and 1 <= int(raw) <= len(options):
                # An option's number, as a teacher counts: the answer is its text.
                self.add(
                    node,
                    f"'answer' is the right option's text, not its number: for option {raw}"
                    f' write answer: "{_clip(options[int(raw) - 1], 60)}"{where}',
                )
                return
            self.add(
                node,
                f"`{raw}` would be read as {_read_as(node, _value_at(data, path))}, not"
                f' text: put it in quotes, like "{raw}"{where}',
            )
        else:
            self.add(
                node, f"{_thing(path)} should be {expected}, not {_describe_node(node)}{where}"
            )


def _options_beside(path: _Loc, data: dict[str, Any]) -> list[str]:
    """The option texts of the question a value at ``path`` belongs to ([] if none)."""
    question = _value_at(data, path[:-1])
    options = question.get("options") if isinstance(question, dict) else None
    return [o for o in options if isinstance(o, str)] if isinstance(options, list) else []


_TYPE_ERRORS = {
    "string_type": "text",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a group of 'key: value' lines",
    "model_attributes_type": "a group of 'key: value' lines",
    "dict_type": "a group of 'key: value' lines",
    "date_type": "a date written like 2020-07-08",
}


def _is_empty(node: Node) -> bool:
    # A plain (unquoted) node's style is None from PyYAML's parser and '' from libyaml's.
    return (
        isinstance(node, ScalarNode)
        and node.tag == _NULL_TAG
        and not node.style
        and node.value == ""
    )


def _or(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _value_at(data: Any, path: _Loc) -> Any:
    current = data
    for part in path:
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current


def _read_as(node: ScalarNode, value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "nothing (an empty value)"
    return f"a {_short_tag(node.tag).removeprefix('!!')}"


def _length_rule(path: _Loc, data: dict[str, Any], limit: int) -> str:
    name = path[-1] if path else ""
    parent = path[-2] if len(path) > 1 else ""
    if name == "prompt" and limit == POLL_QUESTION_MAX:
        question = _value_at(data, path[:-1])
        if isinstance(question, dict) and question.get("type") == "choice":
            return f"a Telegram quiz question can have at most {limit}"
    if isinstance(name, int) and parent in ("options", "stances") and limit == POLL_OPTION_MAX:
        return f"a Telegram poll option can have at most {limit}"
    if name == "explanation" and limit == POLL_EXPLANATION_MAX:
        return f"a Telegram quiz explanation can have at most {limit}"
    if name == "title" and limit == TITLE_MAX:
        return f"a title heads the bot's messages, so it can have at most {limit}"
    if name in ("prompt", "model_answer") and limit == PROMPT_MAX:
        return (
            f"a question is posted as one Telegram message, so it can have at most {limit}"
            " (longer reading belongs in the section's text)"
        )
    return f"the limit is {limit}"


def _unknown_key(err_loc: tuple[str | int, ...], key: str, path: _Loc) -> str:
    allowed = sorted(_fields_at(err_loc[:-1]) - _LOADER_FIELDS)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        hint = f" (did you mean '{close[0]}'?)"
    elif allowed:
        hint = f": the keys allowed here are {', '.join(allowed)}"
    else:
        hint = ""
    return f"unknown key '{key}'{hint}{_in(path[:-1])}"


def _fields_at(err_loc: tuple[str | int, ...]) -> set[str]:
    """Field names of the model(s) that a pydantic error location points into."""
    models: list[type[BaseModel]] = [Lesson]
    for part in err_loc:
        if isinstance(part, int):
            continue
        owners = [model for model in models if part in model.model_fields]
        if owners:
            models = [
                found
                for model in owners
                for found in _models_in(model.model_fields[part].annotation)
            ]
            continue
        tagged = [
            model
            for model in models
            if "type" in model.model_fields
            and part in get_args(model.model_fields["type"].annotation)
        ]
        if tagged:
            models = tagged
    return {name for model in models for name in model.model_fields}


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]
