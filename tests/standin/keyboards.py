"""Inline keyboards the bot sends, checked as Telegram checks them; the stand-in takes no others."""

from __future__ import annotations

from tests.standin.model import JSONDict
from tests.standin.params import bad_request

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_inline_keyboard(raw: JSONDict) -> JSONDict | None:
    rows = raw["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    count = 0
    for row in rows:
        for button in row:
            count += 1
            _check_inline_button(button)
    if count > 100:
        raise bad_request("reply markup is too long")
    if count == 0:
        return None
    return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}


def _check_inline_button(button: object) -> None:
    prefix = "can't parse InlineKeyboardButton: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request(prefix + "Text must be non-empty")
    # Telegram treats an empty callback_data or url as absent (an empty switch_inline_query
    # is a valid action).
    actions = [
        action
        for action in _INLINE_ACTIONS
        if button.get(action) is not None
        and not (action in ("callback_data", "url") and button[action] == "")
    ]
    if not actions:
        raise bad_request(prefix + "Text buttons are not allowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram silently uses one of them; the stand-in insists on exactly one.
        raise bad_request(
            prefix + f"exactly one of the optional fields must be used, got {actions}"
        )
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://"))
    ):
        raise bad_request("BUTTON_URL_INVALID")
