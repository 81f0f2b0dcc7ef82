"""pydantic's validation errors, followed back to their nodes and said in plain words."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from yaml.nodes import ScalarNode

from bot.lessons.checks import LOADER_FIELDS, Checker
from bot.lessons.compose import STR_TAG, describe_node, is_empty, short_tag
from bot.lessons.models import (
    POLL_EXPLANATION_MAX,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    PROMPT_MAX,
    QUESTION_TYPES,
    SLUG_MAX,
    TITLE_MAX,
    Lesson,
)
from bot.lessons.wording import (
    SINGULAR,
    Loc,
    clip,
    one_of,
    thing,
    value_at,
    within,
    within_field,
)
from bot.render.words import plural


def explain(checker: Checker, errors: list[ErrorDetails], data: dict[str, Any]) -> None:
    """Add to ``checker`` a located message for pydantic's ``errors`` about ``data``."""
    _Explainer(checker).explain(errors, data)


class _Explainer:
    """The checker's values and problems, seen from pydantic's errors."""

    def __init__(self, checker: Checker) -> None:
        self.entries = checker.entries
        self.flagged = checker.flagged
        self.add = checker.add
        self.add_at = checker.add_at

    def _resolve(self, err_loc: tuple[str | int, ...], data: Any) -> tuple[Loc, Loc]:
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
        type_errors: dict[Loc, list[str]] = {}
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

    def _explain_one(self, error: ErrorDetails, path: Loc, rest: Loc, data: dict[str, Any]) -> None:
        etype = error["type"]
        ctx: dict[str, Any] = dict(error.get("ctx") or {})
        value = value_at(data, path)
        if etype == "missing" and rest:
            self.add_at(path, f"missing required field '{rest[0]}'{within(path)}")
        elif etype == "extra_forbidden":
            self.add_at(path, _unknown_key(error["loc"], str(path[-1]), path), use_key=True)
        elif etype == "union_tag_invalid":
            tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))) or QUESTION_TYPES
            self.add_at(
                (*path, "type"),
                f"unknown question type '{ctx.get('tag')}': use {one_of(tags)}{within(path)}",
            )
        elif etype == "union_tag_not_found":
            if isinstance(value, dict):
                self.add_at(
                    path,
                    f"missing required field 'type' ({one_of(QUESTION_TYPES)}){within(path)}",
                )
            else:
                self._explain_type(path, [_TYPE_ERRORS["dict_type"]], data)
        elif etype == "string_pattern_mismatch" or (
            etype == "string_too_long" and path and path[-1] == "id"
        ):
            self.add_at(
                path,
                f"'{clip(str(value))}' is not a valid id: use only lowercase letters (a-z),"
                f" digits and hyphens between words, like 'state-dept-emphasis', at most"
                f" {SLUG_MAX} characters{within_field(path)}",
            )
        elif etype == "string_too_short":
            self.add_at(path, f"{thing(path)} is empty: write some text{within_field(path)}")
        elif etype == "string_too_long":
            limit = int(ctx.get("max_length", 0))
            length = len(str(value))
            self.add_at(
                path,
                f"{thing(path)} is too long: {length} characters, but"
                f" {_length_rule(path, data, limit)}{within_field(path)}",
            )
        elif etype in ("too_short", "too_long"):
            self._explain_count(etype, path, value, ctx)
        elif etype == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            close = difflib.get_close_matches(str(value).lower(), allowed, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.add_at(
                path,
                f"{thing(path)} must be {one_of(allowed)}, not '{clip(str(value))}'{hint}"
                f"{within_field(path)}",
            )
        elif etype.startswith(("date_", "datetime_")):
            self.add_at(
                path,
                f"{thing(path)} should be a date written like 2020-07-08, not"
                f" '{clip(str(value))}'{within_field(path)}",
            )
        else:
            self.add_at(path, f"{thing(path)}: {error['msg']}{within_field(path)}")

    def _explain_count(self, etype: str, path: Loc, value: Any, ctx: dict[str, Any]) -> None:
        count = len(value) if isinstance(value, list) else int(ctx.get("actual_length") or 0)
        name = str(path[-1]) if path else "items"
        item = SINGULAR.get(name, "item")
        poll = name in ("options", "stances")
        if etype == "too_short":
            minimum = int(ctx.get("min_length", 0))
            if count >= minimum:
                return  # pydantic counts only the valid items; the bad ones are reported
            message = f"'{name}' needs at least {plural(minimum, item)}, but has {count}"
        else:
            maximum = int(ctx.get("max_length", 0))
            rule = f"a Telegram poll can have at most {maximum}" if poll else f"at most {maximum}"
            message = f"'{name}' has {plural(count, item)}, but {rule}"
        self.add_at(path, message + within(path[:-1]), use_key=True)

    def _explain_type(self, path: Loc, kinds: list[str], data: dict[str, Any]) -> None:
        entry = self.entries.get(path)
        expected = one_of(kinds)
        if entry is None:
            self.add_at(path, f"{thing(path)} should be {expected}{within_field(path)}")
            return
        node = entry.value
        where = within_field(path)
        if is_empty(node):
            if entry.key is not None:
                message = f"'{path[-1]}' has no value: write {expected} after '{path[-1]}:'"
            else:
                message = f"{thing(path)} is empty: write {expected} after the '-'"
            self.add(entry.key or node, message + where)
        elif (
            "text" in kinds
            and isinstance(node, ScalarNode)
            and not node.style  # plain: see is_empty
            and node.tag != STR_TAG
        ):
            raw = str(node.value)
            options = _options_beside(path, data)
            if path[-1] == "answer" and raw.isdigit() and 1 <= int(raw) <= len(options):
                # An option's number, as a teacher counts: the answer is its text.
                self.add(
                    node,
                    f"'answer' is the right option's text, not its number: for option {raw}"
                    f' write answer: "{clip(options[int(raw) - 1], 60)}"{where}',
                )
                return
            self.add(
                node,
                f"`{raw}` would be read as {_read_as(node, value_at(data, path))}, not"
                f' text: put it in quotes, like "{raw}"{where}',
            )
        else:
            self.add(node, f"{thing(path)} should be {expected}, not {describe_node(node)}{where}")


def _options_beside(path: Loc, data: dict[str, Any]) -> list[str]:
    """The option texts of the question a value at ``path`` belongs to ([] if none)."""
    question = value_at(data, path[:-1])
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


def _read_as(node: ScalarNode, value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "nothing (an empty value)"
    return f"a {short_tag(node.tag).removeprefix('!!')}"


def _length_rule(path: Loc, data: dict[str, Any], limit: int) -> str:
    name = path[-1] if path else ""
    parent = path[-2] if len(path) > 1 else ""
    if name == "prompt" and limit == POLL_QUESTION_MAX:
        question = value_at(data, path[:-1])
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


def _unknown_key(err_loc: tuple[str | int, ...], key: str, path: Loc) -> str:
    allowed = sorted(_fields_at(err_loc[:-1]) - LOADER_FIELDS)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        hint = f" (did you mean '{close[0]}'?)"
    elif allowed:
        hint = f": the keys allowed here are {', '.join(allowed)}"
    else:
        hint = ""
    return f"unknown key '{key}'{hint}{within(path[:-1])}"


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
