"""The group's /settings panel: one button per setting showing its value now; a press sets
the next choice and the panel is edited in place."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.callbacks import SettingChoice
from bot.group_settings import SETTINGS, TIMEZONE, GroupSettings, Setting
from bot.render.markup import Reply, button, column, esc


def _shown(settings: GroupSettings, entry: Setting, timezone: str) -> str:
    if entry.name == TIMEZONE:
        return timezone
    return entry.label_of(settings.value(entry.name))


def _next_choice(settings: GroupSettings, entry: Setting) -> int:
    """The choice a press sets: the one after the current (a press toggles two)."""
    if not entry.choices:
        return 0
    words = [word for word, _ in entry.choices]
    return (words.index(settings.value(entry.name)) + 1) % len(words)


def keyboard(settings: GroupSettings, timezone: str) -> InlineKeyboardMarkup:
    return column(
        button(
            texts.SETTING_BUTTON.format(label=entry.label, value=_shown(settings, entry, timezone)),
            SettingChoice(entry.name, _next_choice(settings, entry)),
        )
        for entry in SETTINGS
    )


def panel(settings: GroupSettings, timezone: str) -> Reply:
    """The panel: what each setting does, and a button per setting with its value."""
    lines = [texts.SETTINGS_PANEL]
    lines.extend(
        texts.SETTING_LINE.format(label=esc(entry.label), about=esc(entry.about))
        for entry in SETTINGS
        if entry.about
    )
    return Reply("\n".join(lines), keyboard(settings, timezone))


def changed(entry: Setting, value: str) -> str:
    """The pop-up after a change (plain text)."""
    return texts.SETTING_CHANGED.format(label=entry.label, value=entry.label_of(value))
