"""Request parameters as the Bot API reads them, whatever the encoding.

PTB sends form data (urlencoded, or multipart when files are attached) in which scalars are
plain strings and complex values (reply_markup, entities, ...) are JSON strings; other clients
send a JSON body. ``decode_params`` turns either into the same typed dict, and ``Params`` reads
it with Telegram's errors for missing or malformed values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.standin.model import JSONDict, UploadedFile

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "scope",
        "options",
        "explanation_entities",
        "question_entities",
        "correct_option_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "correct_option_id",
        "open_period",
        "close_date",
        "cache_time",
        "message_thread_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "allows_revoting",
        "allow_adding_options",
        "hide_results_until_closes",
        "shuffle_options",
        "members_only",
        "has_spoiler",
        "show_caption_above_media",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    }
)


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(reason: str, parameters: JSONDict | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", parameters)


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise bad_request(f"can't parse {name} JSON object") from error
    if name in INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if name in BOOL_FIELDS:
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0", ""):
            return False
    return value


def decode_params(raw: Mapping[str, Any]) -> JSONDict:
    """Form or JSON parameters as Python values: JSON fields parsed, ids int, flags bool."""
    return {name: _decode(name, value) for name, value in raw.items()}


class Params:
    """Typed access to one request's decoded parameters and uploaded files."""

    def __init__(self, values: JSONDict, files: Mapping[str, UploadedFile] | None = None) -> None:
        self.values = values
        self.files: dict[str, UploadedFile] = dict(files or {})

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            raise bad_request(f'field "{name}" must be of type String')
        return value

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Integer')

    def require_int(self, name: str, missing: str) -> int:
        value = self.get_int(name)
        if value is None:
            raise bad_request(missing)
        return value

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        raise bad_request(f'field "{name}" must be of type Boolean')

    def get_dict(self, name: str) -> JSONDict | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            value = _decode_json(name, value)
        if not isinstance(value, dict):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def get_list(self, name: str) -> list[Any] | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            value = _decode_json(name, value)
        if not isinstance(value, list):
            raise bad_request(f"can't parse {name} JSON array")
        return value


def _decode_json(name: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise bad_request(f"can't parse {name} JSON object") from error
