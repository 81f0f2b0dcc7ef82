"""A group's settings, changed by its moderators on the /settings panel.

The panel is built from ``SETTINGS``, a registry with one entry per setting: its name (kept
in the database and in the buttons' data), its label and its choices (a stored word and its
label each; the first is the default). A setting another feature adds joins the panel with
one line here, e.g. ``Setting("digest", "SETTING_DIGEST", ON_OFF)`` (its words: the names of
texts), and its feature reads it with ``await settings_of(storage, chat_id)`` then
``.value("digest")``. Values are only ever the registry's words: one stored by an older
version, or forged, reads as the default. An entry without choices (the time zone) shows a
value kept elsewhere and, pressed, says how to change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot import texts
from bot.storage import Storage


@dataclass(frozen=True, slots=True)
class Setting:
    """Its words are the names of texts in bot/texts/, read when shown: in the reader's
    language (bot/i18n.py)."""

    name: str  # a short slug: stored, and carried by the panel's buttons
    label_text: str
    choices: tuple[tuple[str, str], ...] = ()  # (stored word, its label's text); first: default
    about_text: str | None = None  # a line on the panel: what it does
    how_text: str | None = None  # an entry without choices: how to change it (a pop-up)

    @property
    def default(self) -> str:
        return self.choices[0][0] if self.choices else ""

    @property
    def label(self) -> str:
        return str(getattr(texts, self.label_text))

    @property
    def about(self) -> str | None:
        return None if self.about_text is None else str(getattr(texts, self.about_text))

    @property
    def how(self) -> str | None:
        return None if self.how_text is None else str(getattr(texts, self.how_text))

    def label_of(self, value: str) -> str:
        text = dict(self.choices).get(value)
        return value if text is None else str(getattr(texts, text))


ON_OFF = (("on", "SETTING_ON"), ("off", "SETTING_OFF"))
QUIZ_POLLS, QUIZ_BUTTONS = "polls", "buttons"
TYPED_PUBLIC, TYPED_PRIVATE = "public", "private"
TIMEZONE = "timezone"

# One line per setting, in the panel's order.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "quiz",
        "SETTING_QUIZ",
        ((QUIZ_POLLS, "SETTING_QUIZ_POLLS"), (QUIZ_BUTTONS, "SETTING_QUIZ_BUTTONS")),
        "SETTING_QUIZ_ABOUT",
    ),
    Setting(
        "typed",
        "SETTING_TYPED",
        ((TYPED_PUBLIC, "SETTING_TYPED_PUBLIC"), (TYPED_PRIVATE, "SETTING_TYPED_PRIVATE")),
        "SETTING_TYPED_ABOUT",
    ),
    Setting("models", "SETTING_MODELS", ON_OFF, "SETTING_MODELS_ABOUT"),
    Setting(
        TIMEZONE,
        "SETTING_TIMEZONE",
        about_text="SETTING_TIMEZONE_ABOUT",
        how_text="SETTING_HOW_TZ",
    ),
)


def setting(name: str) -> Setting | None:
    """The registry's entry of that name (None: no such setting, e.g. forged data)."""
    return next((entry for entry in SETTINGS if entry.name == name), None)


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """A group's settings as they stand: each registry entry's value, defaults filled in."""

    values: Mapping[str, str]

    def value(self, name: str) -> str:
        entry = setting(name)
        found = self.values.get(name)
        if entry is None:
            return found or ""
        if not entry.choices:
            return found or ""
        return found if found in dict(entry.choices) else entry.default

    @property
    def quiz_buttons(self) -> bool:
        """Choice questions as buttons (each member's feedback a private pop-up), not polls."""
        return self.value("quiz") == QUIZ_BUTTONS

    @property
    def typed_private(self) -> bool:
        """Typed answers only privately (the question's deep link): replies do not count."""
        return self.value("typed") == TYPED_PRIVATE

    @property
    def model_answers(self) -> bool:
        """Model answers posted after a part's short questions, when the session moves on."""
        return self.value("models") == "on"


async def settings_of(storage: Storage, chat_id: int) -> GroupSettings:
    """A group's settings (the stored ones over the defaults)."""
    return GroupSettings(await storage.group_settings(chat_id))


async def change(storage: Storage, chat_id: int, entry: Setting, index: int) -> str | None:
    """Set ``entry`` to its choice at ``index``; its stored word, or None if there is no such
    choice (forged data)."""
    if not 0 <= index < len(entry.choices):
        return None
    value = entry.choices[index][0]
    await storage.set_group_setting(chat_id, entry.name, value)
    return value
