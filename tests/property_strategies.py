"""Hypothesis strategies the property tests share: odd values, tree mutations, callback data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from bot.callbacks import (
    Action,
    BeginLesson,
    ContinueReading,
    ExportFor,
    Forget,
    GroupBegin,
    GroupNext,
    GroupPick,
    ListLessons,
    PickStance,
    ReportFor,
    SubmitChoice,
    SwitchLesson,
    ToggleChoice,
)
from bot.lessons import SLUG_MAX

# Characters and snippets that mean something to YAML, to editors or to Unicode.
NASTY = [
    "\t", ":", ": ", "- ", "-", "#", "'", '"', "{", "}", "[", "]", ",", "?", "? ", "|", ">",
    "&anchor ", "*anchor", "<<: *anchor", "!!python/object/apply:os.system ['true']", "!!binary",
    "!custom ", "---", "...", "%YAML 1.1", "@", "`", "\\", "\r", "\r\n", "\x00", "\x07", "\x85",
    "\u2028", "\u200b", "\u200d", "\u202e", "\ufeff", "\ufffe", "🙂", "👩‍👩‍👧", "مرحبا", "שלום",
    "~", "null", "yes", "no", "on", "1e3", "0x1F", "0o17", ".nan", "-.inf", "2020-13-45",
    "2020-07-08T25:00:00", "12:30:00", "=", "[]", "{}", "''", '""',
]  # fmt: skip


def _nested(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=10,
    )


_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(NASTY)
)
JSON_VALUES = _nested(_JSON_LEAVES)  # what a JSON update can hold
YAML_VALUES = _nested(_JSON_LEAVES | st.floats() | st.dates())  # ... and a YAML file


# Complex by nature: one branch per kind of mutation a careless author makes.
def mutate_tree(draw: st.DrawFn, data: Any, values: st.SearchStrategy[Any]) -> None:  # noqa: C901
    """Change ``data`` (nested dicts and lists) in place at a random depth: a value replaced
    by another of any type, removed, added, made very long, repeated, negated or wrapped."""
    parent: Any = data
    key: Any = None
    while parent:  # walk down to a random value
        if isinstance(parent, dict):
            key = draw(st.sampled_from(sorted(parent, key=str)))
        else:
            key = draw(st.integers(0, len(parent) - 1))
        child = parent[key]
        if not (isinstance(child, dict | list) and child) or draw(st.integers(0, 3)) == 0:
            break
        parent = child
    if key is None:
        return
    value = parent[key]
    operation = draw(
        st.sampled_from(["replace", "delete", "add", "long", "copy", "negate", "wrap"])
    )
    if operation == "replace":
        parent[key] = draw(values)
    elif operation == "delete":
        del parent[key]
    elif operation == "add" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = draw(values)
    elif operation == "add":
        parent.insert(key, draw(values))
    elif operation == "long":
        parent[key] = draw(st.sampled_from(["x", "é", "🙂", "a ", "\u202e", "\u200b"])) * draw(
            st.sampled_from([33, 65, 101, 201, 301, 4096, 4097, 20_000])
        )
    elif operation == "copy" and isinstance(parent, list):
        parent.append(value)
    elif operation == "copy":
        parent[f"{key}_copy"] = value
    elif operation == "negate" and isinstance(value, int) and not isinstance(value, bool):
        parent[key] = draw(st.sampled_from([-value, -1, 0, 2**31, 2**53 + 1, 2**63, -(2**64)]))
    else:
        parent[key] = draw(st.sampled_from([[value], {"value": value}, str(value)]))


SLUGS = st.from_regex(rf"[a-z0-9][a-z0-9-]{{0,{SLUG_MAX - 1}}}", fullmatch=True)
WALK_IDS = st.integers(1, 10**12 - 1)
SMALL = st.integers(0, 9999)
CHAT_IDS = st.integers(1, 10**16 - 1) | st.integers(-(10**16) + 1, -1)

VALID_ACTIONS: st.SearchStrategy[Action] = st.one_of(
    st.builds(BeginLesson, SLUGS),
    st.builds(SwitchLesson, SLUGS),
    st.builds(ListLessons),
    st.builds(ContinueReading, WALK_IDS, SMALL),
    st.builds(SubmitChoice, WALK_IDS, SLUGS, SMALL),
    st.builds(ToggleChoice, WALK_IDS, SLUGS, SMALL),
    st.builds(PickStance, WALK_IDS, SLUGS, SMALL),
    st.builds(GroupBegin, SLUGS),
    st.builds(GroupNext, WALK_IDS, SMALL),
    st.builds(GroupPick, WALK_IDS, SLUGS, SMALL),
    st.builds(ReportFor, CHAT_IDS),
    st.builds(ExportFor, CHAT_IDS, st.sampled_from(["csv", "jsonl"]), st.integers(0, 1)),
    st.builds(Forget, st.integers(0, 1)),
)
TAGS = ["go", "ls", "nx", "ch", "tg", "st", "gb", "gn", "gp", "rp", "ex", "fg", "", "GO", "xx"]
FIELDS = st.one_of(
    st.from_regex(r"-?[0-9]{0,18}", fullmatch=True),
    st.from_regex(r"[a-z0-9-]{0,40}", fullmatch=True),
    st.sampled_from(["csv", "jsonl", "0", "1", "00", "-0", "+1", " 1", "1 ", "١", "１", "1\n"]),
    st.text(max_size=6),
)


@st.composite
def callback_like(draw: st.DrawFn) -> str:
    """Data shaped like ours: a version, a tag and fields, each possibly a little wrong."""
    version = draw(st.sampled_from(["v1", "v1", "v1", "v2", "V1", "v", ""]))
    tag = draw(st.sampled_from(TAGS))
    fields = draw(st.lists(FIELDS, max_size=4))
    separator = draw(st.sampled_from([":", ":", ":", "::", ";"]))
    return separator.join([version, tag, *fields])


DEEP_LINK_LIKE = st.one_of(
    st.from_regex(r"a-?[0-9]{0,14}_[a-z0-9_-]{0,40}", fullmatch=True),
    st.from_regex(r"[aA][0-9]{1,3}[_ -][a-z]{1,5}\n?", fullmatch=True),
)
